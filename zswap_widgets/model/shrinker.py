"""The global shrinker: shrink_worker's loop (patch 6's delay, the accept-threshold target, the
memcg walk of memcg_walk.py), v6.12's second chance, its folio allocation (which may enter direct
reclaim) and zswap_writeback_entry (one unmerged 4 KiB write per entry). Part of `Simulation`.

The kernel's code (mm/zswap.c at v6.12): shrink_worker calls shrink_memcg(memcg), which walks
one entry per node (list_lru_walk_one with nr_to_walk = 1) through shrink_memcg_cb. From v6.12
that callback first checks entry->referenced: if set, it clears it and returns LRU_ROTATE, and
mm/list_lru.c's __list_lru_walk_one moves the entry to the tail. The rotation used up the walk
(nr_to_walk is decremented before the callback) and isolated nothing, so shrink_memcg returns
-EAGAIN: shrink_worker counts an attempt and a failure, and 16 failures (MAX_RECLAIM_RETRIES)
stop it until a rejected store queues it again. zswap_store sets the bit on every new entry.
"""

from __future__ import annotations

from .device import WRITEBACK
from .memcg_walk import MAX_RECLAIM_RETRIES
from .memcg_walk import SERVICE as MEMCG_SERVICE
from .results import GAVE_UP, IDLE, QUEUED, RUNNING, SLEEPING
from .states import SHRINKER, SWAP_CLUSTER_MAX, SWAPCACHE

AGEING_STEPS = 4  # narrate the LRU's ageing at each quarter of it rotated


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
        cost = self._writeback_us()
        while used < budget_us:
            if self.delay and self.t < self.delay_stamp + self.delay:
                # Patch 6 (as intended for v3): sleep until the stamp is 500 ms old, then re-check.
                self.shrinker = SLEEPING
                return used
            if self.pool.total_pages <= self.accept_pages:
                self.shrinker = IDLE
                return used
            if self.shrinker == QUEUED:
                used += self.cpu["worker_wakeup"]  # a kworker picks the work item up
            self.shrinker = RUNNING
            if walk.cursor == self._workload_memcg and walk.only_candidate(walk.cursor):
                run = self._writeback_cycles(budget_us - used)
                if run:
                    used += run
                    if walk.gave_up:
                        wait = self._requeued(used, budget_us)
                        if not wait:
                            return self._gave_up(used)
                        used += wait
                    continue
            memcg, visits = walk.next_memcg()
            used += visits * self.cpu["memcg_iter"]
            h = self._lru_head(memcg) if memcg >= 0 else -1
            rotated = h >= 0 and self.referenced[h]
            if rotated:
                # shrink_memcg_cb: second chance, LRU_ROTATE; shrink_memcg returns -EAGAIN.
                self._rotate(memcg, h)
                walk.attempts += 1
                used += self.cpu["lru_rotate"]
                stop = walk.rotated()
            else:
                stop = memcg < 0 or (h < 0 and walk.empty_lru())
            if stop:
                wait = self._requeued(used, budget_us)
                if not wait:
                    return self._gave_up(used)
                used += wait
            if rotated or stop or h < 0:
                continue
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
            walk.attempts += 1
            self._writeback_entry(self._lru_take(memcg))
            used += cost
        return used

    def _writeback_cycles(self, budget_us: float) -> float:
        """The common case, in one go: the workload's memcg is the only one with entries and
        the cursor rests on it, so each iteration is one full walk back to it and one call of
        shrink_memcg: a writeback, or (second chance) a rotation that counts a failure.
        Returns the microseconds used, 0 if it could not start."""
        m = self.machine
        room = min(
            self.device.free_tags,
            self._tag_quota,
            self.shrinker_pages + max(self.free_pages - m.min_pages, 0),
        )
        if room <= 0 and self.pool.total_pages > self.accept_pages:
            # No entry can be written back: only a referenced head would rotate (below).
            h = self._zlru_peek()
            if h < 0 or not self.referenced[h]:
                return 0.0
        elif room <= 0:
            return 0.0
        per_entry, per_rotation = self._cycle_us()
        done = 0
        rotated_us = 0.0
        walk = self.walk
        pool = self.pool
        accept = self.accept_pages
        referenced = self.referenced
        limit = min(room, int(budget_us / per_entry) + 1)  # entries written back at most
        while pool.total_pages > accept:
            h = self._zlru_peek()
            if h < 0:
                break
            if referenced[h]:
                left = budget_us - done * per_entry - rotated_us
                if left <= 0:
                    break
                # A run of referenced entries: one rotation (and one failure) per walk.
                most = min(MAX_RECLAIM_RETRIES - walk.failures, int(left / per_rotation) + 1)
                n = self._zlru_rotate(most)
                self._count_rotations(n)
                rotated_us += n * per_rotation
                limit = min(room, int((budget_us - rotated_us) / per_entry) + 1)
                walk.attempts = 1
                if walk.rotated(n):
                    break
                continue
            if done >= limit:
                break
            self.zhead += 1  # _zlru_pop: h is at the head
            self._writeback_entry(h)
            done += 1
            walk.attempts = 1
        return done * per_entry + rotated_us

    def _writeback_us(self) -> float:
        """CPU microseconds of one zswap_writeback_entry (decompressing into the new folio)."""
        return self.cpu["writeback"] + self.decompress_us

    def _cycle_us(self) -> tuple[float, float]:
        """CPU microseconds of one full walk back to the workload's memcg with a writeback,
        and with a rotation instead."""
        walk_us = (len(self.memcgs) + 1) * self.cpu["memcg_iter"]
        # summed left to right from the walk (not walk_us + _writeback_us()): floats round
        per_entry = walk_us + self.cpu["writeback"] + self.decompress_us
        return per_entry, walk_us + self.cpu["lru_rotate"]

    def _requeued(self, used: float, budget_us: float) -> float:
        """The worker stopped at CPU time `used` of its step budget; the next rejected store
        queues it again (each one does while zswap_pool_reached_full is set, or under patch 3
        when the limit was hit). Reclaim rejects its pages one by one, so rejections arrive at
        the recent rate `rejects_per_step`; if the next is due within this step, the worker
        waits for it and runs again. Returns the budget the wait used (0: not requeued)."""
        rate = self.rejects_per_step
        if rate < 1.0 or budget_us <= 0:
            return 0.0
        wait = budget_us / rate  # one rejection's spacing, in this step's budget units
        if used + wait >= budget_us:
            return 0.0
        self.shrinker = QUEUED
        self.walk.restart()
        self.events.count("gave_up", self._gave_up_text())
        return wait

    def _gave_up(self, used: float) -> float:
        self.shrinker = GAVE_UP
        self.events.count("gave_up", self._gave_up_text())
        return used

    def _gave_up_text(self) -> str:
        why = " (referenced entries rotated)" if self._rotations_since_writeback else ""
        return f"shrink_worker gave up after {MAX_RECLAIM_RETRIES} failures{why}"

    def _lru_head(self, memcg: int) -> int:
        """The entry shrink_memcg's one-entry walk would look at: the LRU head, or -1 if empty."""
        if self.memcgs[memcg] == MEMCG_SERVICE:
            left = self.service_left[memcg]
            return left[-1] if left else -1
        return self._zlru_peek()

    def _lru_take(self, memcg: int) -> int:
        """Take the head entry off the memcg's LRU for writeback."""
        if self.memcgs[memcg] == MEMCG_SERVICE:
            left = self.service_left[memcg]
            h = left.pop()
            if not left:
                self.walk.drained(memcg)
            return h
        return self._zlru_pop()

    def _rotate(self, memcg: int, h: int) -> None:
        """shrink_memcg_cb's second chance: clear the referenced bit, LRU_ROTATE to the tail."""
        if self.memcgs[memcg] == MEMCG_SERVICE:
            left = self.service_left[memcg]
            left.insert(0, left.pop())
            self.referenced[h] = False
        else:
            self._zlru_rotate(1)
        self._count_rotations(1)

    def _count_rotations(self, n: int) -> None:
        """The model-only counter and the narration: "the shrinker is ageing the LRU" at each
        quarter of the LRU rotated without a writeback."""
        self.cnt["model_only_lru_rotations"] += n
        first = self._rotations_since_writeback == 0
        self._rotations_since_writeback += n
        n = self._rotations_since_writeback
        if first:
            self.events.once(
                "second_chance",
                "shrink_worker met a referenced entry: second chance, rotated instead of written "
                "back (shrink_memcg returns -EAGAIN, a failure)",
            )
        lru = max(self.stored, 1)
        if n * AGEING_STEPS >= (self._ageing_logged + 1) * lru:
            self._ageing_logged += 1
            self.events.count(
                "ageing",
                f"the shrinker is ageing the LRU: {n:,} of {lru:,} entries rotated, "
                "nothing written back yet",
                limit=2 * AGEING_STEPS,
            )

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
        if self._rotations_since_writeback:
            self.events.once(
                "writeback",
                f"shrink_worker wrote the first entry back, after "
                f"{self._rotations_since_writeback:,} rotations (second chance)",
            )
            self._rotations_since_writeback = 0
            self._ageing_logged = 0
        else:
            self.events.once("writeback", "shrink_worker wrote the first entry back")
