"""Pool accounting per allocator, in whole pool pages (what zswap_total_pages() returns).

* zsmalloc: the 119 size classes of docs/kernel-notes.md §6 (chain size 8); an object of
  `length` bytes goes to the smallest class >= length + 8 (the handle), lengths over 3624 to the
  4096-byte huge class. Each of `nr_zpools` pools (32 in v6.10, 1 from v6.12) packs its objects
  densely into zspages: pool pages = sum over classes of ceil(objects / objs_per_zspage) *
  pages_per_zspage. This is a lower bound: the model assumes zs_compact keeps partly
  empty zspages from piling up after frees.
* zbud and z3fold: 64-byte chunks, the first chunk of a page is the header; at most 2 (zbud) or 3
  (z3fold) objects share a page, placed first fit over the lists of pages by free chunks as zbud
  does. Objects over 3968 bytes are refused with -ENOSPC (reject_compress_poor).
"""

from __future__ import annotations

import numpy as np

from .compressors import PAGE_SIZE

# size:pages_per_zspage/objs_per_zspage: zsmalloc's sizing rule applied to every class
# (docs/kernel-notes.md §6).
_ZS_TABLE = """
32:1/128 48:3/256 64:1/64 80:5/256 96:3/128 112:7/256 128:1/32 144:7/199 160:5/128 176:4/93
192:3/64 208:3/59 224:7/128 240:1/17 256:1/16 272:1/15 288:5/71 304:7/94 320:5/64 336:6/73
352:8/93 368:8/89 384:3/32 400:5/51 416:6/59 432:7/66 448:7/64 464:5/44 480:2/17 496:4/33
512:1/8 528:4/31 544:2/15 560:7/51 576:1/7 592:8/55 608:7/47 624:2/13 640:5/32 656:5/31
672:1/6 688:8/47 704:5/29 720:3/17 736:2/11 752:7/38 768:3/16 784:5/26 816:1/5 832:8/39
848:5/24 864:7/33 880:8/37 896:7/32 912:7/31 928:5/22 944:3/13 960:4/17 976:6/25 992:8/33
1024:1/4 1056:8/31 1072:5/19 1088:4/15 1104:3/11 1120:8/29 1136:5/18 1168:2/7 1184:7/24
1200:5/17 1216:3/10 1232:7/23 1248:4/13 1280:5/16 1296:7/22 1360:1/3 1424:8/23 1440:6/17
1456:5/14 1488:4/11 1504:7/19 1536:3/8 1552:8/21 1568:5/13 1584:7/18 1632:2/5 1680:7/17
1696:5/12 1712:8/19 1744:3/7 1792:7/16 1808:4/9 1856:5/11 1888:6/13 1904:7/15 1920:8/17
2048:1/2 2176:8/15 2192:7/13 2224:6/11 2272:5/9 2336:4/7 2384:7/12 2448:3/5 2512:8/13 2560:5/8
2592:7/11 2720:2/3 2864:7/10 2912:5/7 2976:8/11 3072:3/4 3184:7/9 3264:4/5 3408:5/6 3504:6/7
3584:7/8 3632:8/9 4096:1/1
"""


def _parse_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sizes, pages, objs = [], [], []
    for item in _ZS_TABLE.split():
        size, rest = item.split(":")
        p, o = rest.split("/")
        sizes.append(int(size))
        pages.append(int(p))
        objs.append(int(o))
    return np.array(sizes), np.array(pages), np.array(objs)


ZS_CLASS_SIZE, ZS_PAGES_PER_ZSPAGE, ZS_OBJS_PER_ZSPAGE = _parse_table()
ZS_HANDLE_SIZE = 8
ZS_HUGE_CLASS_SIZE = 3625  # stored lengths from here on take a whole page
ZBUD_CHUNK = 64
ZBUD_MAX_ALLOC = PAGE_SIZE - 2 * ZBUD_CHUNK  # 3968

# Class index for every stored length 0..4096 (length + handle, huge lengths to the 4096 class).
_CLASS_OF_LENGTH = np.minimum(
    np.searchsorted(ZS_CLASS_SIZE, np.arange(PAGE_SIZE + 1) + ZS_HANDLE_SIZE),
    len(ZS_CLASS_SIZE) - 1,
)


def _nth_in_group(groups: np.ndarray) -> np.ndarray:
    """For each element, how many earlier elements have the same group (0 for the first)."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    sizes = np.diff(np.r_[starts, len(groups)])
    nth = np.empty(len(groups), dtype=np.int64)
    nth[order] = np.arange(len(groups)) - np.repeat(starts, sizes)
    return nth


def zsmalloc_class(length: int) -> int:
    """Index into the class table of the class an object of `length` bytes goes to."""
    return int(_CLASS_OF_LENGTH[length])


class Zsmalloc:
    """Dense zspage packing per (zpool, size class)."""

    name = "zsmalloc"
    max_objects_per_page = None  # objects may straddle pages; no per-page cap
    max_alloc_pages = int(ZS_PAGES_PER_ZSPAGE.max())  # one store allocates at most one zspage

    def __init__(self, nr_handles: int, nr_zpools: int, rng: np.random.Generator) -> None:
        k = len(ZS_CLASS_SIZE)
        self._k = k
        self._objs = np.tile(ZS_OBJS_PER_ZSPAGE, nr_zpools)
        self._ppz = np.tile(ZS_PAGES_PER_ZSPAGE, nr_zpools)
        self._objs_list = self._objs.tolist()  # as plain ints for free_one
        self._ppz_list = self._ppz.tolist()
        self._count = np.zeros(k * nr_zpools, dtype=np.int64)
        # zswap hashes an entry to one of its zpools; fixed per handle here.
        self._zpool_base = rng.integers(0, nr_zpools, nr_handles) * k
        self._bin = np.full(nr_handles, -1, dtype=np.int64)
        self.total_pages = 0
        self.nr_objects = 0

    @staticmethod
    def pages_per_object(lengths: np.ndarray) -> np.ndarray:
        """Average pool pages one object of each length costs (for the limit check of a batch)."""
        c = _CLASS_OF_LENGTH[lengths]
        return ZS_PAGES_PER_ZSPAGE[c] / ZS_OBJS_PER_ZSPAGE[c]

    @staticmethod
    def fits(lengths: np.ndarray) -> np.ndarray:
        return lengths <= PAGE_SIZE

    def _add(self, bins: np.ndarray, sign: int) -> None:
        # The bins used and how many objects each gets (np.unique's result, several times faster
        # for the few hundred bins of a class table).
        added = np.bincount(bins)
        nz = (added != 0).nonzero()[0]
        added = added[nz]
        counts = self._count[nz]
        objs = self._objs[nz]
        old = -(-counts // objs)
        counts = counts + sign * added
        self._count[nz] = counts
        self.total_pages += int(((-(-counts // objs) - old) * self._ppz[nz]).sum())
        self.nr_objects += sign * len(bins)

    def store(self, handles: np.ndarray, lengths: np.ndarray) -> None:
        bins = self._zpool_base[handles] + _CLASS_OF_LENGTH[lengths]
        self._bin[handles] = bins
        self._add(bins, +1)

    def free(self, handles: np.ndarray) -> None:
        bins = self._bin[handles]
        self._bin[handles] = -1
        self._add(bins, -1)

    def free_one(self, h: int) -> None:
        """free() of a single handle, without array overhead (the writeback path)."""
        b = int(self._bin[h])
        self._bin[h] = -1
        c = int(self._count[b]) - 1
        self._count[b] = c
        if c % self._objs_list[b] == 0:  # the zspage that held it is now empty
            self.total_pages -= self._ppz_list[b]
        self.nr_objects -= 1

    def totals_after_frees(self, handles: np.ndarray) -> np.ndarray:
        """total_pages after each of the frees of `handles` (distinct, in order), as free_one
        would leave it; nothing is freed."""
        bins = self._bin[handles]
        left = self._count[bins] - 1 - _nth_in_group(bins)  # objects left in the bin after it
        freed = np.where(left % self._objs[bins] == 0, self._ppz[bins], 0)
        return self.total_pages - np.cumsum(freed)

    def objects_per_page(self) -> np.ndarray:
        return np.zeros(0, dtype=np.int64)


class BuddyAllocator:
    """zbud (2 objects per page) and z3fold (3): first fit by free 64-byte chunks."""

    max_alloc_pages = 1  # one store allocates at most one page

    def __init__(self, name: str, max_objects: int, nr_handles: int) -> None:
        self.name = name
        self.max_objects_per_page = max_objects
        self._usable = PAGE_SIZE // ZBUD_CHUNK - 1  # 63 chunks after the header
        # Pages with room, by free chunks; each bucket is an insertion-ordered set (a dict), so a
        # page leaves it in O(1) and the newest page is taken first.
        self._unbuddied: list[dict[int, None]] = [{} for _ in range(self._usable + 1)]
        self._page_free: list[int] = []
        self._page_objs: list[int] = []
        self._free_page_ids: list[int] = []
        self._page_of = np.full(nr_handles, -1, dtype=np.int64)
        self._chunks_of = np.zeros(nr_handles, dtype=np.int64)
        self.total_pages = 0
        self.nr_objects = 0

    def pages_per_object(self, lengths: np.ndarray) -> np.ndarray:
        """Its chunks' share of a page, and at least 1 / (objects a page holds)."""
        chunks = -(-lengths // ZBUD_CHUNK)
        return np.maximum(chunks / self._usable, 1.0 / self.max_objects_per_page)

    @staticmethod
    def fits(lengths: np.ndarray) -> np.ndarray:
        return lengths <= ZBUD_MAX_ALLOC

    def _new_page(self) -> int:
        if self._free_page_ids:
            pid = self._free_page_ids.pop()
            self._page_free[pid] = self._usable
            self._page_objs[pid] = 0
        else:
            pid = len(self._page_free)
            self._page_free.append(self._usable)
            self._page_objs.append(0)
        self.total_pages += 1
        return pid

    def _unlist(self, pid: int) -> None:
        del self._unbuddied[self._page_free[pid]][pid]

    def _list(self, pid: int) -> None:
        if self._page_objs[pid] < self.max_objects_per_page and self._page_free[pid] > 0:
            self._unbuddied[self._page_free[pid]][pid] = None

    def store(self, handles: np.ndarray, lengths: np.ndarray) -> None:
        chunks_all = -(-lengths // ZBUD_CHUNK)
        for h, chunks in zip(handles.tolist(), chunks_all.tolist(), strict=True):
            pid = -1
            for free in range(chunks, self._usable + 1):
                if self._unbuddied[free]:
                    pid = self._unbuddied[free].popitem()[0]
                    break
            if pid < 0:
                pid = self._new_page()
            self._page_free[pid] -= chunks
            self._page_objs[pid] += 1
            self._list(pid)
            self._page_of[h] = pid
            self._chunks_of[h] = chunks
        self.nr_objects += len(handles)

    def free(self, handles: np.ndarray) -> None:
        for h in handles.tolist():
            self.free_one(h)

    def free_one(self, h: int) -> None:
        pid = int(self._page_of[h])
        self._page_of[h] = -1
        if self._page_objs[pid] < self.max_objects_per_page and self._page_free[pid] > 0:
            self._unlist(pid)
        self._page_free[pid] += int(self._chunks_of[h])
        self._page_objs[pid] -= 1
        if self._page_objs[pid] == 0:
            self._free_page_ids.append(pid)
            self.total_pages -= 1
        else:
            self._list(pid)
        self.nr_objects -= 1

    def totals_after_frees(self, handles: np.ndarray) -> np.ndarray:
        """total_pages after each of the frees of `handles` (distinct, in order), as free_one
        would leave it; nothing is freed."""
        pids = self._page_of[handles]
        objs = np.asarray(self._page_objs, dtype=np.int64)[pids]
        emptied = objs - 1 - _nth_in_group(pids) == 0  # its page's last object
        return self.total_pages - np.cumsum(emptied)

    def objects_per_page(self) -> np.ndarray:
        """Objects on every pool page in use (for the invariant tests)."""
        objs = np.array(self._page_objs, dtype=np.int64)
        return objs[objs > 0]


def make_allocator(name: str, nr_handles: int, nr_zpools: int, rng: np.random.Generator):
    if name == "zsmalloc":
        return Zsmalloc(nr_handles, nr_zpools, rng)
    return BuddyAllocator(name, 2 if name == "zbud" else 3, nr_handles)
