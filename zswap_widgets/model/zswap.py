"""zswap_store and zswap_load: the store flow with every rejection path of docs/kernel-notes.md
§3, the v6.10 hysteresis or patch 3's limits, same-filled pages, what each compressor and
allocator refuses, and the workload memcg's zswap LRU (added at the tail, written back from the
head). Part of `Simulation`; the state it uses is set up in `Simulation.__init__`."""

from __future__ import annotations

import numpy as np

from .compressors import EINVAL, PAGE_SIZE
from .states import POOL, RAM


class ZswapPaths:
    """zswap_store(), zswap_load() and the zswap LRU."""

    def _stored_lengths(self, handles: np.ndarray) -> np.ndarray:
        return np.where(self.length[handles] < 0, PAGE_SIZE, self.length[handles])

    def _pool_store(self, handles: np.ndarray, lengths: np.ndarray) -> None:
        self.stored_length[handles] = lengths
        self.pool.store(handles, lengths)

    def _store_before_run(self, handles: np.ndarray) -> int:
        """Store entries that other memcgs' reclaim put in zswap before the run, in order, through
        the limits every store meets: a store is refused once the pool is at max_pages (so the
        pool passes max by at most one allocation), and the pool's pages come from free memory
        above the min watermark. Stops at the first refusal (setting zswap_pool_reached_full
        under the hysteresis, as that store would); returns how many were stored."""
        pool = self.pool
        mem_cap = self._usable_pages - self.machine.min_pages
        lengths = self._stored_lengths(handles)
        # Dense packing is a lower bound of the pages objects take: store the longest prefix
        # that might fit, then take back the last ones until both limits hold.
        cost = np.cumsum(pool.pages_per_object(lengths))
        k = int(np.searchsorted(cost, min(self.max_pages + pool.max_alloc_pages, mem_cap), "right"))
        self._pool_store(handles[:k], lengths[:k])
        while k:
            after = pool.total_pages
            pool.free_one(int(handles[k - 1]))
            if pool.total_pages < self.max_pages and after <= mem_cap:
                self._pool_store(handles[k - 1 : k], lengths[k - 1 : k])
                break
            k -= 1
        if k < len(handles) and pool.total_pages >= self.max_pages and self.hysteresis:
            self.reached_full = True
        self.referenced[handles[:k]] = self.second_chance
        return k

    def zswap_store(self, ids: np.ndarray) -> tuple[np.ndarray | None, int]:
        """zswap_store() for a batch of pages from reclaim; returns the mask of stored pages
        (None: none was) and how many were stored."""
        n = len(ids)
        if not self.enabled:
            return None, 0
        cnt = self.cnt
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
        if passed == 0:
            # Nothing gets past the limit (stage 4): no compression, all rejected.
            self._rejected(n, over)
            return None, 0
        stored = np.zeros(n, dtype=bool)
        cand = np.arange(passed)
        h = ids[:passed]
        if len(h):
            # Same-filled pages (<= 6.11); from 6.12 zswap has no same-filled code.
            same = None if self.zero_in_swap_layer else self.same[h]
            n_same = 0 if same is None else int(np.count_nonzero(same))
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
            if not ok.all():
                cand, h, lengths = cand[ok], h[ok], lengths[ok]
            if len(h):
                self._pool_store(h, lengths)
                # The batch's limit check used average costs; the kernel checks before each
                # store, so the pool passes max by at most one allocation (a zspage, or one
                # zbud/z3fold page). Undo the overshoot.
                undo = 0
                slack = self.pool.max_alloc_pages
                while self.pool.total_pages > self.max_pages + slack and undo < len(h):
                    undo += 1
                    self.pool.free(h[-undo:][:1])
                if undo:
                    cand, h = cand[:-undo], h[:-undo]
                    cnt["pool_limit_hit"] += undo
                    self.step_limit_rejects += undo
                    over += undo
                stored[cand] = True
                self._zlru_push(h)
        n_stored = int(np.count_nonzero(stored))
        n_rej = n - n_stored
        cnt["zswpout"] += n_stored
        self.stored += n_stored
        self.step_stores += n_stored
        if n_rej:
            self._rejected(n_rej, over)
        if not self.hysteresis and self.pool.total_pages >= self.shrink_start_pages:
            self.events.once(
                "shrink_start",
                "pool reached the shrink-start threshold (patch 3): shrink_worker queued, "
                "stores still accepted",
            )
            self.queue_shrink()
        return stored, n_stored

    def _rejected(self, n: int, over_limit: int) -> None:
        """The reject path: stamp patch 6's delay, queue the shrinker if the limit was hit."""
        self.step_rejects += n
        self.delay_stamp = self.t  # patch 6: any reject postpones writeback
        if self.reached_full or over_limit:
            self.queue_shrink()
            self.step_queueing_rejects += n  # each of them queues a stopped worker again

    def _zlru_push(self, h: np.ndarray) -> None:
        """zswap_lru_add at the tail, with entry->referenced = true from zswap_store (v6.12+)."""
        self.referenced[h] = self.second_chance
        k = len(h)
        if self.ztail + k > len(self.zlru):
            self._zlru_compact()
        self.zlru[self.ztail : self.ztail + k] = h
        self.zpos[h] = np.arange(self.ztail, self.ztail + k)
        self.ztail += k

    def _zlru_compact(self) -> None:
        """Drop the stale entries (pages loaded or written back since) and move the live ones,
        at most one per page, to the front: with room for 2 x n_pages entries at least n_pages
        pushes fit before the next compaction."""
        pos = np.arange(self.zhead, self.ztail)
        seg = self.zlru[self.zhead : self.ztail]
        live = seg[(self.where[seg] == POOL) & (self.zpos[seg] == pos)]
        k = len(live)
        self.zlru[:k] = live
        self.zpos[live] = np.arange(k)
        self.zhead, self.ztail = 0, k

    def _zlru_peek(self) -> int:
        """The oldest live entry of the workload memcg's zswap LRU (left at the head), or -1."""
        zlru, zpos, where = self.zlru, self.zpos, self.where
        while self.zhead < self.ztail:
            pos = self.zhead
            h = int(zlru[pos])
            if where[h] == POOL and zpos[h] == pos:
                return h
            self.zhead += 1
        return -1

    def _zlru_pop(self) -> int:
        """The oldest live entry of the workload memcg's zswap LRU, taken off the head, or -1."""
        h = self._zlru_peek()
        if h >= 0:
            self.zhead += 1
        return h

    def _zlru_rotate(self, most: int) -> int:
        """LRU_ROTATE of up to `most` entries at the head, while they are live and referenced:
        each moves to the tail with its referenced bit cleared. Returns how many rotated."""
        if self.ztail + min(most, self.ztail - self.zhead) > len(self.zlru):
            self._zlru_compact()  # room at the tail for what moves there
        a = self.zhead
        seg = self.zlru[a : min(a + most, self.ztail)]
        ok = (self.where[seg] == POOL) & (self.zpos[seg] == np.arange(a, a + len(seg)))
        ok &= self.referenced[seg]
        n = len(seg) if ok.all() else int(np.argmin(ok))
        if n:
            h = seg[:n].copy()
            t = self.ztail
            self.zlru[t : t + n] = h
            self.zpos[h] = np.arange(t, t + n)
            self.referenced[h] = False
            self.zhead += n
            self.ztail += n
        return n

    def _zswap_load(self, i: int) -> None:
        self.sys_s += self.decompress_us / 1e6
        if self.stored_length[i] > 0:
            self.pool.free_one(i)
        self.stored -= 1
        self.zpos[i] = -1  # its entry on the zswap LRU is stale now
        self.where[i] = RAM
        self.resident += 1
        self._lru_push(self._one_page[i : i + 1])
        self.cnt["zswpin"] += 1
