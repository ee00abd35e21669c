"""The global shrinker: shrink_worker's loop (patch 6's delay, the accept-threshold target, the
memcg walk of memcg_walk.py), its folio allocation (which may enter direct reclaim) and
zswap_writeback_entry (one unmerged 4 KiB write per entry). Part of `Simulation`."""

from __future__ import annotations

from .device import WRITEBACK
from .memcg_walk import MAX_RECLAIM_RETRIES
from .memcg_walk import SERVICE as MEMCG_SERVICE
from .results import GAVE_UP, IDLE, QUEUED, RUNNING, SLEEPING
from .states import SHRINKER, SWAP_CLUSTER_MAX, SWAPCACHE


class ShrinkWorker:
    """queue_work(shrink_wq, ...) and shrink_worker()."""

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
