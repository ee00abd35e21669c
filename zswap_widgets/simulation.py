"""The stepwise model: pages, reclaim, zswap_store, the pool, shrink_worker and the swap device.

One `Simulation.step()` advances the clock by `step_ms`. In each step, in this order:

1. the swap device serves queued requests and completes those whose latency has passed;
2. kswapd reclaims while free memory is below the high watermark (it wakes below low);
3. shrink_worker (if queued or running) walks the memcgs and writes entries back;
4. the workload touches pages; below the min watermark it enters direct reclaim and stalls
   while its IO is in flight;
5. the step's series and the stage are recorded.

Reclaim takes SWAP_CLUSTER_MAX pages at a time from the head of the LRU and calls zswap_store on
each; pages zswap rejects are written to the swap device, `swap_merge_pages` to a request.
Simplifications, each noted where it is made: one anonymous LRU in allocation order (no
active/inactive lists, no file pages), a vCPU model that shares each step's time between the
runnable threads, and fixed CPU costs per operation (see CPU_US).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .allocators import make_allocator
from .compressors import COMPRESSORS, EINVAL, PAGE_SIZE
from .config import Config
from .costs import CPU_US
from .device import SWAPIN, SWAPOUT, WRITEBACK, SwapDevice
from .events import EventLog
from .machine import PAGES_PER_MIB, Machine
from .memcg_walk import EMPTY as MEMCG_EMPTY
from .memcg_walk import MAX_RECLAIM_RETRIES, MemcgWalk
from .memcg_walk import OFFLINE as MEMCG_OFFLINE
from .memcg_walk import SERVICE as MEMCG_SERVICE
from .memcg_walk import WORKLOAD as MEMCG_WORKLOAD
from .results import COUNTERS, GAVE_UP, IDLE, QUEUED, RUNNING, SERIES, SLEEPING, Run
from .results import stage_segments as _segments
from .workload import SAMPLE_PAGES, sample_lengths

SWAP_CLUSTER_MAX = 32  # include/linux/swap.h: the reclaim batch
PAGE_CLUSTER = 3  # vm.page-cluster: swap readahead of up to 2^3 pages
SERVICE_ENTRIES = 16
ZSPAGE_SLACK = 8  # "at max" means within one zspage of max_pages  # zswap entries each non-empty service memcg holds before the run


# Where each of the process's pages is.
UNTOUCHED, RAM, POOL, SWAPCACHE, SWAP = range(5)


ALLOC, IDLE_TAIL, REACCESS, DONE = range(4)

# The threads that reclaim and submit IO; NOBODY waits for the pages of most requests.
NOBODY, KSWAPD, SHRINKER, PROCESS = range(-1, 3)


class Simulation:
    """A zswap scenario that advances one time step at a time."""

    def __init__(self, config: Config | None = None) -> None:
        c = config if config is not None else Config()
        self.config = c
        self.dt = c.step_ms / 1000
        self.machine = m = Machine.from_config(c)
        rng = np.random.default_rng(c.seed)
        self._rng = rng

        # Behaviour switches.
        k = c.preset
        self.enabled = k.enabled
        self.hysteresis = not c.patch(3)
        self.mem_reclaim_wq = not c.patch(4)
        self.store_as_is = (c.patch(5) or k.store_incompressible_upstream) and self.enabled
        self.delay = c.shrinker_delay_ms / 1000 if c.patch(6) else 0.0
        self.zero_in_swap_layer = k.zero_pages_in_swap_layer
        self.compressor = COMPRESSORS[c.compressor]

        # Limits in pages (zswap_max_pages, zswap_accept_thr_pages, zswap_shrink_start_pages).
        self.max_pages = m.total_pages * c.max_pool_percent // 100
        self.accept_pages = self.max_pages * c.accept_threshold_percent // 100
        self.shrink_start_pages = (
            self.max_pages * c.effective_shrink_start_percent // 100
            if not self.hysteresis
            else self.max_pages
        )
        self.reached_full = False  # zswap_pool_reached_full (v6.10 hysteresis)

        # Pages and their contents: each handle takes one of the sampled real pages.
        self.n_pages = n = c.alloc_mib * PAGES_PER_MIB
        self.n_reaccess = min(c.reaccess_mib * PAGES_PER_MIB, n)
        services = max(c.nr_memcgs - 1 - c.empty_memcgs, 0)
        n_handles = n + services * SERVICE_ENTRIES
        lengths, same, zero = sample_lengths(c.compressor, c.compressible_fraction, c.filler)
        pick = rng.integers(0, SAMPLE_PAGES, n_handles)
        self.length = lengths[pick]
        self.same = same[pick]
        self.zero = zero[pick]
        self.where = np.zeros(n, dtype=np.int8)
        self.stored_length = np.zeros(n_handles, dtype=np.int32)

        # LRUs: the process's anonymous LRU and the workload memcg's zswap LRU, as FIFO rings.
        cap = n + self.n_reaccess + 1
        self.lru = np.empty(cap, dtype=np.int64)
        self.lru_head = self.lru_tail = 0
        self.zlru = np.empty(cap + 1, dtype=np.int64)
        self.zpos = np.full(n, -1, dtype=np.int64)
        self.zhead = self.ztail = 0

        self.pool = make_allocator(c.allocator, n_handles, k.nr_zpools, rng)
        # Average pool pages each page would cost, for the limit check of a batch.
        self._obj_cost = self.pool.pages_per_object(self._stored_lengths(np.arange(n)))
        self._max_obj_cost = float(self._obj_cost.max(initial=0.0))
        self.device = SwapDevice(c, self.dt)

        # Memory accounting in pages.
        self._usable_pages = m.total_pages - m.baseline_pages
        self.resident = 0  # the process's pages in RAM
        self.inflight = 0  # pages under write IO (swap cache), reclaim and writeback
        self.reading = 0  # pages allocated for swap-in reads in flight
        # Pages held for shrink_worker's next writeback folio: when free memory is at the min
        # watermark its GFP_KERNEL allocation reclaims one SWAP_CLUSTER_MAX batch and gets one
        # page when that batch's IO completes (the allocating process races for the rest).
        self.shrinker_pages = 0
        self._owner = KSWAPD

        # Memcg walk: root, then the other memcgs in a seeded order.
        kinds = (
            [MEMCG_WORKLOAD]
            + [MEMCG_SERVICE] * services
            + [MEMCG_EMPTY] * c.empty_memcgs
            + [MEMCG_OFFLINE] * c.offline_memcgs
        )
        order = rng.permutation(len(kinds))
        self.memcgs = [MEMCG_EMPTY] + [kinds[i] for i in order]  # root's own LRU holds nothing
        self.service_left = {}
        handle = n
        for i, kind in enumerate(self.memcgs):
            if kind == MEMCG_SERVICE and self.enabled:
                hs = np.arange(handle, handle + SERVICE_ENTRIES)
                handle += SERVICE_ENTRIES
                self._pool_store(hs, self._stored_lengths(hs))
                self.service_left[i] = list(hs[::-1])
        self.stored = self.pool.nr_objects
        self.walk = MemcgWalk(self.memcgs, c.patch(1), c.patch(2))
        self._workload_memcg = self.memcgs.index(MEMCG_WORKLOAD)
        for i, left in self.service_left.items():
            if not left:
                self.walk.drained(i)
        self._one_page = np.arange(n, dtype=np.int64)  # slices of it name single pages

        # Shrinker state.
        self.shrinker = IDLE
        self.delay_stamp = -1e9  # zswap_shrinker_delay_start (patch 6)

        # Workload state.
        self.phase = ALLOC
        self.next_page = 0  # next page to touch (allocation or re-access)
        self.alloc_end = None
        self.idle_end = None
        self.read_wait = 0  # pages of the read the process waits for
        self.alloc_carry = 0.0  # fraction of a page of allocation budget carried over

        # kswapd's state carries over from step to step.
        self.kswapd_awake = False
        self._busy_cpus = 0.0  # vCPUs kswapd and the process kept busy in the last step

        # Accounting.
        self.t = 0.0
        self.steps = 0
        self.user_s = 0.0
        self.sys_s = 0.0
        self.cnt = dict.fromkeys(COUNTERS, 0)
        self.step_rejects = 0
        self.step_limit_rejects = 0
        self.step_stores = 0
        self.step_stall = 0.0
        self.step_latency: list[float] = []
        self._tag_quota = 0  # device tags the running thread may still take this step
        self._tag_carry = 0.0
        # CPU costs on this machine: the x86 figures divided by cpu_speed.
        self.cpu = {name: us / c.cpu_speed for name, us in CPU_US.items()}
        self.compress_us = self.compressor.compress_us / c.cpu_speed
        self.decompress_us = self.compressor.decompress_us / c.cpu_speed
        # Config values read in the step loop, as plain attributes.
        self._merge = c.swap_merge_pages
        self._vcpus = c.vcpus
        self._max_time = c.max_time_s
        self._page_us = 1e6 / (c.alloc_rate_mib_s * PAGES_PER_MIB)
        self._reclaim_us_per_page = self.cpu["reclaim"] + (
            self.compress_us if self.enabled else 0.0
        )
        self._shrink_tag_carry = 0.0
        self._charge = 0.0  # CPU microseconds of the running thread's current reclaim batch
        self.events = EventLog(self)

        n_steps = int(np.ceil(c.max_time_s / self.dt)) + 1
        self._rows = np.zeros((min(n_steps, 1 << 15), len(SERIES)), dtype=np.float64)
        self._stage = 1 if self.enabled else 0

    # ------------------------------------------------------------------ memory
    @property
    def pool_pages(self) -> int:
        return self.pool.total_pages

    @property
    def free_pages(self) -> int:
        return (
            self._usable_pages
            - self.pool.total_pages
            - self.resident
            - self.inflight
            - self.reading
            - self.shrinker_pages
        )

    # ------------------------------------------------------------------ zswap_store
    def _stored_lengths(self, handles: np.ndarray) -> np.ndarray:
        return np.where(self.length[handles] < 0, PAGE_SIZE, self.length[handles])

    def _pool_store(self, handles: np.ndarray, lengths: np.ndarray) -> None:
        self.stored_length[handles] = lengths
        self.pool.store(handles, lengths)

    def zswap_store(self, ids: np.ndarray) -> np.ndarray:
        """zswap_store() for a batch of pages from reclaim; returns the mask of stored pages."""
        n = len(ids)
        stored = np.zeros(n, dtype=bool)
        if not self.enabled:
            return stored
        cnt = self.cnt
        if self.zero_in_swap_layer:
            # v6.12+: zero pages never reach zswap; the swap layer's zeromap keeps them.
            stored |= self.zero[ids]
        total = self.pool.total_pages
        # Limit check: how many of the batch get past it (step 4 of the store flow).
        if self.hysteresis and self.reached_full:
            if total <= self.accept_pages:
                self.reached_full = False
                self.events.once(
                    "accept_again", "pool fell to the accept threshold; stores accepted again"
                )
        if (self.hysteresis and self.reached_full) or total >= self.max_pages:
            passed = 0
        elif total + n * self._max_obj_cost < self.max_pages:
            passed = n  # the whole batch fits below max whatever it compresses to
        else:
            cost = np.cumsum(self._obj_cost[ids])
            passed = int(np.searchsorted(cost, self.max_pages - total, side="left")) + 1
            passed = min(passed, n)
        over = n - passed
        if over:
            # zswap_check_limits counts pool_limit_hit only at or above max; rejections in the
            # hysteresis band (below max, reached_full still set) are counted nowhere.
            if total >= self.max_pages or passed:
                cnt["pool_limit_hit"] += over
            self.step_limit_rejects += over
            if self.hysteresis:
                if not self.reached_full:
                    self.events.once(
                        "full", "pool reached max_pool_percent: zswap_pool_reached_full set"
                    )
                self.reached_full = True
            else:
                self.events.once(
                    "limit", "pool reached max_pool_percent: stores rejected (pool_limit_hit)"
                )
        if passed == 0 and not self.zero_in_swap_layer:
            # Nothing gets past the limit (stage 4): no compression, all rejected.
            self._rejected(n, over)
            return stored
        cand = np.flatnonzero(~stored[:passed])
        h = ids[cand]
        if len(h):
            same = self.same[h] & ~self.zero_in_swap_layer
            n_same = int(same.sum())
            if n_same:
                # Same-filled pages: length 0, no pool memory, not on the LRU.
                stored[cand[same]] = True
                self.stored_length[h[same]] = 0
                cnt["same_filled_pages"] += n_same
                cand, h = cand[~same], h[~same]
            lengths = self.length[h]
            self.sys_cost(len(h) * self.compress_us)
            failed = lengths < 0
            if self.store_as_is:
                lengths = np.where(failed, PAGE_SIZE, lengths)
                failed = np.zeros_like(failed)
            elif failed.any():
                fail = lengths[failed]
                cnt["reject_compress_fail"] += int((fail == EINVAL).sum())
                cnt["reject_compress_poor"] += int((fail != EINVAL).sum())
                self.events.once(
                    "incompressible", "incompressible pages rejected by the compressor"
                )
            fits = self.pool.fits(np.maximum(lengths, 0)) | failed
            if not fits.all():
                cnt["reject_compress_poor"] += int((~fits).sum())
                self.events.once(
                    "too_big", "objects too big for the allocator (reject_compress_poor)"
                )
            ok = ~failed & fits
            cand, h = cand[ok], h[ok]
            if len(h):
                self._pool_store(h, lengths[ok])
                # The batch's limit check used average costs; the kernel checks before each
                # store, so the pool passes max by at most one zspage. Undo the overshoot.
                undo = 0
                while self.pool.total_pages > self.max_pages + ZSPAGE_SLACK and undo < len(h):
                    undo += 1
                    self.pool.free(h[-undo:][:1])
                if undo:
                    cand, h = cand[:-undo], h[:-undo]
                    cnt["pool_limit_hit"] += undo
                    self.step_limit_rejects += undo
                    over += undo
                stored[cand] = True
                self._zlru_push(h)
        n_stored = int(stored.sum())
        n_rej = n - n_stored
        n_zswap = n_stored - (int(self.zero[ids].sum()) if self.zero_in_swap_layer else 0)
        cnt["zswpout"] += n_zswap
        self.stored += n_zswap
        self.step_stores += n_stored
        if n_rej:
            self._rejected(n_rej, over)
        if not self.hysteresis and self.pool.total_pages >= self.shrink_start_pages:
            self.events.once(
                "shrink_start",
                "pool reached the shrink-start threshold; background writeback starts",
            )
            self.queue_shrink()
        return stored

    def _rejected(self, n: int, over_limit: int) -> None:
        """The reject path: stamp patch 6's delay, queue the shrinker if the limit was hit."""
        self.step_rejects += n
        self.delay_stamp = self.t  # patch 6: any reject postpones writeback
        if self.reached_full or over_limit:
            self.queue_shrink()

    def _zlru_push(self, h: np.ndarray) -> None:
        k = len(h)
        self.zlru[self.ztail : self.ztail + k] = h
        self.zpos[h] = np.arange(self.ztail, self.ztail + k)
        self.ztail += k

    # ------------------------------------------------------------------ reclaim
    def sys_cost(self, us: float) -> None:
        """Charge CPU microseconds to the thread currently running (see _charge)."""
        self._charge += us

    def reclaim(self, budget_us: float, target: int) -> tuple[float, bool]:
        """shrink_folio_list over SWAP_CLUSTER_MAX batches from the LRU head, for about `target`
        pages, within the CPU budget and the device tags this thread may take. Returns the
        microseconds used and whether it was blocked (no pages on the LRU or no free tag)."""
        dev = self.device
        avail = self.lru_tail - self.lru_head
        tags = min(dev.free_tags, self._tag_quota)
        if avail <= 0:
            return 0.0, True
        if tags < 1:
            # Congested: a batch is scanned, found unwritable for now, and put back before
            # the reclaimer throttles (reclaim_throttle) until IO completes.
            return self.cpu["reclaim"] * SWAP_CLUSTER_MAX, True
        merge = self._merge
        batch = SWAP_CLUSTER_MAX
        per_batch = -(-batch // merge)  # requests if zswap rejected a whole batch
        # Isolate no more than the free tags could write if zswap rejected every page.
        by_tags = (tags // per_batch) * batch if tags >= per_batch else tags * merge
        by_cpu = -(-int(budget_us / self._reclaim_us_per_page) // batch) * batch
        k = min(avail, by_tags, -(-max(target, 1) // batch) * batch, max(by_cpu, batch))
        ids = self.lru[self.lru_head : self.lru_head + k]
        self.lru_head += k
        self._charge = self.cpu["reclaim"] * k
        stored = self.zswap_store(ids)
        self.resident -= k
        n_rej = k - int(np.count_nonzero(stored))
        self.where[ids] = SWAPCACHE if n_rej == k else np.where(stored, POOL, SWAPCACHE)
        if n_rej:
            self.inflight += n_rej
            self.cnt["pswpout"] += n_rej
            rejected = None if n_rej == k else ~stored
            for b in range(0, k, batch):
                rej = ids[b : b + batch]
                if rejected is not None:
                    rej = rej[rejected[b : b + batch]]
                for j in range(0, len(rej), merge):
                    # The worker's allocation is satisfied by one page once its batch's IO
                    # completes; the other freed pages go to the free lists for anyone.
                    waiter = SHRINKER if j == 0 and self._owner == SHRINKER else NOBODY
                    dev.submit(SWAPOUT, rej[j : j + merge], self.t, waiter)
                    self._tag_quota -= 1
                    self._charge += self.cpu["submit"]
        blocked = k < target and k in (avail, by_tags)
        return self._charge, blocked

    # ------------------------------------------------------------------ shrink_worker
    def queue_shrink(self) -> None:
        """queue_work(shrink_wq, &zswap_shrink_work): a no-op if queued or running."""
        if self.shrinker in (IDLE, GAVE_UP):
            self.shrinker = QUEUED
            self.walk.restart()

    def shrink_worker(self, budget_us: float) -> float:
        """shrink_worker for one step; returns the CPU microseconds it used."""
        used = 0.0
        walk = self.walk
        dev = self.device
        m = self.machine
        cost = self.cpu["writeback"] + self.decompress_us
        while used < budget_us:
            if self.delay and self.t < self.delay_stamp + self.delay:
                # Patch 6 (as intended for v3): sleep until the stamp is 500 ms old, then re-check.
                self.shrinker = SLEEPING
                return used
            if self.pool.total_pages <= self.accept_pages:
                self.shrinker = IDLE
                return used
            self.shrinker = RUNNING
            if walk.cursor == self._workload_memcg and walk.only_candidate(walk.cursor):
                run = self._writeback_cycles(budget_us - used)
                if run:
                    used += run
                    continue
            memcg, visits = walk.next_memcg()
            used += visits * self.cpu["memcg_iter"]
            if memcg < 0:
                return self._gave_up(used)
            if not (self.shrinker_pages > 0 or self.free_pages > m.min_pages):
                # The GFP_KERNEL folio allocation enters direct reclaim itself.
                self._charge = 0.0
                us, _ = self.reclaim(budget_us - used, SWAP_CLUSTER_MAX)
                used += us
            has_page = self.shrinker_pages > 0 or self.free_pages > m.min_pages
            if not has_page or min(dev.free_tags, self._tag_quota) < 1:
                # Still no page (its reclaim IO is in flight), or the bio waits for a tag:
                # the worker blocks and tries the same memcg again next step.
                walk.retry_later()
                return budget_us
            h = self._shrink_memcg(memcg)
            if h < 0:
                if walk.empty_lru():
                    return self._gave_up(used)
                continue
            walk.attempts += 1
            self._writeback_entry(h)
            used += cost
        return used

    def _writeback_cycles(self, budget_us: float) -> float:
        """The common case, in one go: the workload's memcg is the only one with entries and
        the cursor rests on it, so each iteration is one full walk back to it (no failures)
        and one writeback. Returns the microseconds used, 0 if it could not start."""
        m = self.machine
        per_entry = (
            (len(self.memcgs) + 1) * self.cpu["memcg_iter"]
            + self.cpu["writeback"]
            + self.decompress_us
        )
        n = min(
            int(budget_us / per_entry) + 1,
            self.device.free_tags,
            self._tag_quota,
            self.shrinker_pages + max(self.free_pages - m.min_pages, 0),
        )
        done = 0
        while done < n and self.pool.total_pages > self.accept_pages:
            h = self._zlru_pop()
            if h < 0:
                break
            self._writeback_entry(h)
            done += 1
        if done:
            self.walk.attempts = 1
        return done * per_entry

    def _gave_up(self, used: float) -> float:
        self.shrinker = GAVE_UP
        self.events.count("gave_up", f"shrink_worker gave up after {MAX_RECLAIM_RETRIES} failures")
        return used

    def _shrink_memcg(self, memcg: int) -> int:
        """shrink_memcg walks one entry of the memcg's zswap LRU: its handle, or -1 if empty."""
        if self.memcgs[memcg] == MEMCG_SERVICE:
            left = self.service_left[memcg]
            h = left.pop()
            if not left:
                self.walk.drained(memcg)
            return h
        return self._zlru_pop()

    def _writeback_entry(self, h: int) -> None:
        """zswap_writeback_entry: a new swap-cache folio, the entry freed, one 4 KiB write."""
        self.pool.free_one(h)
        self.stored -= 1
        cnt = self.cnt
        cnt["written_back_pages"] += 1
        cnt["zswpwb"] += 1
        cnt["pswpout"] += 1
        self.inflight += 1  # the new swap-cache folio, freed when the write completes
        if self.shrinker_pages:
            self.shrinker_pages -= 1
        if h < self.n_pages:
            self.where[h] = SWAPCACHE
            pages = self._one_page[h : h + 1]
        else:  # a service memcg's page: not one of the process's pages
            pages = self._one_page[:0]
        self.device.submit(WRITEBACK, pages, self.t, SHRINKER)
        self._tag_quota -= 1
        self.events.once("writeback", "shrink_worker wrote the first entry back")

    def _zlru_pop(self) -> int:
        """The oldest live entry of the workload memcg's zswap LRU, or -1."""
        zlru, zpos, where = self.zlru, self.zpos, self.where
        while self.zhead < self.ztail:
            pos = self.zhead
            h = int(zlru[pos])
            self.zhead += 1
            if where[h] == POOL and zpos[h] == pos:
                return h
        return -1

    # ------------------------------------------------------------------ workload
    def _process(self, budget_us: float) -> float:
        """The allocating process for one step; returns the CPU microseconds it used."""
        m = self.machine
        used = 0.0
        if self.read_wait:
            self.step_stall = self.dt * 1e6
            return 0.0
        per_page = self._page_us
        user_per_page = per_page - self.cpu["fault"]
        if self.phase == ALLOC:
            end = self.n_pages
        elif self.phase == REACCESS:
            end = self.n_reaccess
        else:
            return 0.0
        while used < budget_us and self.next_page < end:
            free = self.free_pages - m.min_pages
            if free <= 0:
                # Direct reclaim: one batch; stall when nothing could be freed at once.
                self._charge = 0.0
                us, blocked = self.reclaim(budget_us - used, SWAP_CLUSTER_MAX)
                self.sys_s += us / 1e6
                used += us
                if blocked or self.free_pages <= m.min_pages:
                    break
                continue
            can = min(free, end - self.next_page, int((budget_us - used) / per_page) + 1)
            if self.phase == ALLOC:
                a = self.next_page
                ids = np.arange(a, a + can)
                self.where[a : a + can] = RAM
                self._lru_push(ids)
                self.resident += can
                self.next_page += can
            else:
                can = self._reaccess(can)
                if can == 0:
                    break
            used += can * per_page
            self.user_s += can * user_per_page / 1e6
            self.sys_s += can * self.cpu["fault"] / 1e6
            if self.free_pages < m.low_pages:
                self.kswapd_awake = True
        self.step_stall = max(self.dt * 1e6 - used, 0.0)
        return used

    def _lru_push(self, ids: np.ndarray) -> None:
        k = len(ids)
        self.lru[self.lru_tail : self.lru_tail + k] = ids
        self.lru_tail += k

    def _reaccess(self, can: int) -> int:
        """Touch up to `can` pages from next_page; stops at a page that needs a disk read."""
        i = self.next_page
        touched = 0
        where = self.where
        while touched < can and i < self.n_reaccess:
            w = where[i]
            if w == RAM:
                pass
            elif w == POOL:
                self._zswap_load(i)
            elif w == SWAP:
                self._swapin(i)
                self.next_page = i + 1
                return touched
            else:  # under write IO: wait for it
                self.read_wait = 0
                break
            i += 1
            touched += 1
        self.next_page = i
        return touched

    def _zswap_load(self, i: int) -> None:
        h = np.array([i])
        self.sys_s += self.decompress_us / 1e6
        if self.stored_length[i] > 0:
            self.pool.free(h)
        self.stored -= 1
        self.where[i] = RAM
        self.resident += 1
        self._lru_push(h)
        self.cnt["zswpin"] += 1

    def _swapin(self, i: int) -> None:
        """A load miss: read the page and its readahead window from disk; the process waits."""
        self.delay_stamp = self.t  # patch 6: a load miss postpones writeback too
        window = 1 << PAGE_CLUSTER
        j = i
        while j < min(i + window, self.n_reaccess) and self.where[j] == SWAP:
            j += 1
        ids = np.arange(i, j)
        self.where[ids] = SWAPCACHE
        self.reading += len(ids)
        self.read_wait = len(ids)
        self.cnt["pswpin"] += len(ids)
        self.device.submit(SWAPIN, ids, self.t, PROCESS)
        self.sys_s += self.cpu["submit"] / 1e6

    # ------------------------------------------------------------------ device completions
    def _complete_io(self) -> None:
        dev = self.device
        dev.serve(self.t)
        for kind, pages, latency, owner in dev.complete(self.t):
            self.step_latency.append(latency)
            if kind == SWAPIN:
                self.where[pages] = RAM
                self.reading -= len(pages)
                self.resident += len(pages)
                self._lru_push(pages)
                self.read_wait = 0
            else:
                self.where[pages] = SWAP
                self.inflight -= max(len(pages), 1) if kind == WRITEBACK else len(pages)
                if owner == SHRINKER and kind == SWAPOUT:
                    self.shrinker_pages += 1

    # ------------------------------------------------------------------ the step
    def step(self, n: int = 1) -> None:
        """Advance the model by n time steps."""
        while n > 0 and self.phase != DONE:
            quiet = self._quiet_steps(n)
            if quiet:
                self._skip(quiet)
                n -= quiet
            else:
                self._step()
                n -= 1

    def _quiet_steps(self, n: int) -> int:
        """How many of the next n steps are certain to change nothing but the clock: idle
        process, empty device, kswapd asleep and the shrinker idle or sleeping for the delay."""
        if self.phase != IDLE_TAIL or self.kswapd_awake or self.device.busy:
            return 0
        if self.shrinker == SLEEPING:
            until = self.delay_stamp + self.delay
        elif self.shrinker in (IDLE, GAVE_UP):
            until = self.idle_end
        else:
            return 0
        until = min(until, self.idle_end, self.config.max_time_s)
        return max(min(int((until - self.t) / self.dt) - 1, n), 0)

    def _skip(self, k: int) -> None:
        """Record k quiet steps at once: the last row repeated with the clock advanced."""
        i = self.steps
        while i + k > len(self._rows):
            self._rows = np.concatenate((self._rows, np.zeros_like(self._rows)))
        self.step_rejects = self.step_limit_rejects = self.step_stores = 0
        self.step_latency = []
        self.step_stall = self.dt * 1e6 if self.phase in (ALLOC, REACCESS) else 0.0
        self.device.served = [0, 0, 0]
        self._record()  # the row of a step in which nothing happened
        self._rows[i : i + k] = self._rows[i]
        self._rows[i : i + k, 0] = self.t + self.dt * np.arange(k)
        self.t += self.dt * k
        self.steps += k
        if self.t >= self.config.max_time_s - 1e-9:
            self.phase = DONE

    def _step(self) -> None:
        m = self.machine
        dt_us = self.dt * 1e6
        self.step_rejects = self.step_limit_rejects = self.step_stores = 0
        self.step_latency = []
        self.step_stall = 0.0
        self.device.served = [0, 0, 0]
        self._complete_io()

        # vCPU shares: the runnable threads split the vCPUs. Without patch 4 the shrinker's
        # WQ_MEM_RECLAIM work competes as an equal; with it, it only gets time left over.
        free = self.free_pages
        if free < m.low_pages:
            self.kswapd_awake = True
        shrinking = self.shrinker in (QUEUED, RUNNING) or (
            self.shrinker == SLEEPING and self.t >= self.delay_stamp + self.delay
        )
        working = self.phase in (ALLOC, REACCESS)
        others = int(self.kswapd_awake) + int(working)
        if shrinking and self.mem_reclaim_wq:
            share = min(1.0, self._vcpus / (others + 1))
            shrink_share = share
        else:
            share = min(1.0, self._vcpus / max(others, 1))
            # The vCPU time kswapd and the process actually used last step is not available.
            shrink_share = min(1.0, max(self._vcpus - self._busy_cpus, 0.0))

        # Free tags go to the waiting threads in turn: blk_mq_get_tag sleeps on the sbitmap
        # wait queues and each wake-up yields one tag. Reclaim's plug (blk_start_plug in
        # shrink_lruvec, nr_ios 1) merges bios but allocates no tags in bulk, so kswapd, the
        # process and shrink_worker each get an equal share. Fractions carry over.
        tags = self.device.free_tags
        waiters = int(self.kswapd_awake) + int(working) + int(shrinking)
        tag_share = tags / waiters if waiters else 0.0
        self._tag_carry += tag_share
        fair = int(self._tag_carry)  # kswapd's whole tags this step
        self._tag_carry -= fair
        self._shrink_tag_carry += tag_share if shrinking else 0.0
        shrink_tags = int(self._shrink_tag_carry)
        self._shrink_tag_carry -= shrink_tags
        k_used = 0.0
        if self.kswapd_awake:
            target = m.high_pages - self.free_pages - self.inflight
            if target > 0:
                self._charge = 0.0
                self._tag_quota = fair
                self._owner = KSWAPD
                k_used, _ = self.reclaim(dt_us * share, target)
            else:
                self.kswapd_awake = self.free_pages < m.high_pages and self.inflight > 0
        # The process allocates continuously and takes the free pages first; the shrinker's
        # folio allocation then comes from its own direct reclaim (see shrinker_pages).
        self._tag_quota = self.device.free_tags - shrink_tags
        self._owner = PROCESS
        used = self._process(dt_us * share)
        self._busy_cpus = (k_used + used) / dt_us
        if shrinking:
            self._tag_quota = shrink_tags
            self._owner = SHRINKER
            self.shrink_worker(dt_us * shrink_share)
        self._advance_phase()
        self._record()
        self.t += self.dt
        self.steps += 1
        if self.t >= self._max_time - 1e-9:
            self.phase = DONE

    def _advance_phase(self) -> None:
        c = self.config
        if self.phase == ALLOC and self.next_page >= self.n_pages:
            self.alloc_end = self.t + self.dt
            self.phase = IDLE_TAIL
            self.idle_end = self.alloc_end + c.idle_s
            self.events.add(self.alloc_end, f"allocation finished ({c.alloc_mib} MiB written)")
        if self.phase == IDLE_TAIL and self.t + self.dt >= self.idle_end - 1e-9:
            if self.n_reaccess:
                self.phase = REACCESS
                self.next_page = 0
                self.events.add(self.t + self.dt, f"re-access of {c.reaccess_mib} MiB starts")
            else:
                self.phase = DONE
        if self.phase == REACCESS and self.next_page >= self.n_reaccess and not self.read_wait:
            self.phase = DONE

    # ------------------------------------------------------------------ recording
    def _current_stage(self) -> int:
        """The cover letter's stage, from state (0 when zswap is off)."""
        if not self.enabled:
            return 0
        pool = self.pool.total_pages
        if self.phase == ALLOC:
            if pool >= self.max_pages - ZSPAGE_SLACK or (self.hysteresis and self.reached_full):
                return 4
            if pool >= self.shrink_start_pages or self.shrinker in (QUEUED, RUNNING):
                return 3
            return 2 if self.cnt["zswpout"] else 1
        if self.alloc_end is not None and pool > self.accept_pages:
            return 5
        return 1

    def _record(self) -> None:
        """One row of the series (in SERIES order) for this step."""
        i = self.steps
        if i >= len(self._rows):
            self._rows = np.concatenate((self._rows, np.zeros_like(self._rows)))
        self._stage = self._current_stage()
        dev = self.device
        lat = self.step_latency
        cnt = self.cnt
        served = dev.served
        self._rows[i] = (
            self.t,
            self.pool.total_pages,
            self.max_pages,
            self.shrink_start_pages,
            self.accept_pages,
            self.stored,
            self.free_pages,
            self.resident,
            self.inflight + self.reading,
            cnt["pswpout"] - cnt["pswpin"],
            served[SWAPOUT],
            served[WRITEBACK],
            served[SWAPIN],
            dev.busy,
            sum(lat) / len(lat) * 1000 if lat else np.nan,
            self.step_stall / 1000,
            self.user_s,
            self.sys_s,
            self.shrinker,
            self.step_rejects,
            self._stage,
            cnt["written_back_pages"],
            cnt["pool_limit_hit"],
            cnt["zswpout"],
            cnt["pswpout"],
        )

    # ------------------------------------------------------------------ API
    @property
    def time_s(self) -> float:
        return self.t

    @property
    def stage(self) -> int:
        return self._stage

    @property
    def done(self) -> bool:
        return self.phase == DONE

    def counters(self) -> dict[str, int]:
        out = dict(self.cnt)
        out["pool_total_size"] = self.pool.total_pages * PAGE_SIZE
        out["stored_pages"] = self.stored
        if self.zero_in_swap_layer:
            out["same_filled_pages"] = 0
        return out

    def run(self, progress: Callable[[float], None] | None = None) -> Run:
        """Run to the end and return the result; `progress(fraction)` is called every 250 steps."""
        shown = 0.0
        while not self.done:
            self.step(250)
            if progress is not None:
                shown = max(shown, self.progress())
                progress(shown)
        if progress is not None:
            progress(1.0)
        return self.result()

    def progress(self) -> float:
        """Estimated fraction of the run done: the allocation's end is extrapolated from the
        pages written so far, then the idle tail and the re-access follow."""
        c = self.config
        if self.done:
            return 1.0
        alloc_end = self.alloc_end
        if alloc_end is None:
            done = self.next_page / self.n_pages
            alloc_end = self.t / done if done > 0 else self.t + c.idle_s + 1.0
        end = alloc_end + c.idle_s + (alloc_end * self.n_reaccess / self.n_pages)
        return min(self.t / min(end, c.max_time_s), 0.99)

    def result(self) -> Run:
        n = self.steps
        series = {name: self._rows[:n, k].copy() for k, name in enumerate(SERIES)}
        end = self.alloc_end if self.alloc_end is not None else self.t
        i_end = max(min(round(end / self.dt) - 1, n - 1), 0)
        stage = series["stage"].astype(np.int64)
        stages = [seg for seg in _segments(series["t_s"], stage) if seg[0] > 0]
        return Run(
            config=self.config,
            elapsed_s=end,
            user_s=float(series["user_s"][i_end]) if n else 0.0,
            sys_s=float(series["sys_s"][i_end]) if n else 0.0,
            counters=self.counters(),
            series=series,
            stages=stages,
            events=self.events.narrate(stages),
        )


def simulate(config: Config | None = None, progress: Callable[[float], None] | None = None) -> Run:
    """Run one scenario to the end."""
    return Simulation(config).run(progress)
