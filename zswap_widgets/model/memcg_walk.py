"""shrink_worker's walk over the memcg tree (zswap_next_shrink) and its failure accounting.

v6.10 (docs/kernel-notes.md §8): every visit to a memcg with nothing to write back counts as a
failure, so does the end of each walk, and an offline memcg counts as a failure and restarts the
walk from the root. Patch 1 skips offline memcgs; patch 2 skips memcgs with empty LRUs (-ENOENT)
and counts a failure at the end of a walk only if no memcg was attempted. 16 failures
(MAX_RECLAIM_RETRIES) stop the worker.

Runs of memcgs that cannot be written back from are skipped in one go, with the same counts as
visiting them one by one.
"""

from __future__ import annotations

import bisect

import numpy as np

MAX_RECLAIM_RETRIES = 16  # mm/internal.h, reused by shrink_worker

EMPTY, SERVICE, WORKLOAD, OFFLINE = range(4)


class MemcgWalk:
    def __init__(self, kinds: list[int], fixed_iteration: bool, fixed_errors: bool) -> None:
        self.kinds = kinds
        self.fixed_iteration = fixed_iteration
        self.fixed_errors = fixed_errors
        offline = np.array([k == OFFLINE for k in kinds], dtype=np.int64)
        self._offline_before = np.concatenate(([0], np.cumsum(offline))).tolist()
        self._offline_at = [i for i, k in enumerate(kinds) if k == OFFLINE]
        # Memcgs that may hold entries; a service memcg leaves when it has none left.
        self.candidates = [i for i, k in enumerate(kinds) if k in (SERVICE, WORKLOAD)]
        self.cursor = -1  # the NULL before the first memcg
        self.failures = 0
        self.attempts = 0

    def restart(self) -> None:
        """A new run of the worker: failures and attempts start from zero."""
        self.failures = 0
        self.attempts = 0

    @property
    def gave_up(self) -> bool:
        return self.failures >= MAX_RECLAIM_RETRIES

    def drained(self, memcg: int) -> None:
        """A service memcg has no entries left."""
        i = bisect.bisect_left(self.candidates, memcg)
        if i < len(self.candidates) and self.candidates[i] == memcg:
            del self.candidates[i]

    def _fail(self, n: int) -> bool:
        """Count n failures; True if the worker must stop."""
        self.failures = min(self.failures + n, MAX_RECLAIM_RETRIES)
        return self.gave_up

    def _fail_empties(self, start: int, end: int) -> bool:
        """v6.10: each empty memcg in [start, end) is a failure. On the 16th the cursor stays
        at that memcg, where the kernel's loop stopped. True if the worker must stop."""
        empties = end - start - (self._offline_before[end] - self._offline_before[start])
        need = MAX_RECLAIM_RETRIES - self.failures
        if empties < need:
            self.failures += empties
            return False
        for i in range(start, end):
            if self.kinds[i] != OFFLINE:
                need -= 1
                if need == 0:
                    self.cursor = i
                    break
        self.failures = MAX_RECLAIM_RETRIES
        return True

    def next_memcg(self) -> tuple[int, int]:
        """Advance to the next memcg to shrink. Returns (index or -1 if the worker gave up,
        number of memcgs visited)."""
        n = len(self.kinds)
        visits = 0
        while not self.gave_up:
            start = self.cursor + 1
            c = bisect.bisect_left(self.candidates, start)
            j = self.candidates[c] if c < len(self.candidates) else n
            if not self.fixed_iteration:
                o = bisect.bisect_left(self._offline_at, start)
                if o < len(self._offline_at) and self._offline_at[o] < j:
                    off = self._offline_at[o]
                    visits += off - start + 1
                    if not self.fixed_errors and self._fail_empties(start, off):
                        break
                    self.cursor = -1  # v6.10 restarts the walk from the root
                    if self._fail(1):
                        break
                    continue
            if not self.fixed_errors and self._fail_empties(start, j):
                visits += self.cursor - start + 1
                break
            if j == n:  # end of the walk: mem_cgroup_iter returned NULL
                visits += j - start + 1
                self.cursor = -1
                failed = not self.fixed_errors or self.attempts == 0
                self.attempts = 0
                if failed and self._fail(1):
                    break
                continue
            visits += j - start + 1
            self.cursor = j
            return j, visits
        return -1, visits

    def only_candidate(self, memcg: int) -> bool:
        """Whether a full walk from `memcg` comes back to it without a failure: it is the only
        memcg with entries, patch 2 skips the empty ones, and no offline memcg restarts the
        walk (patch 1, or none offline)."""
        return (
            self.fixed_errors
            and (self.fixed_iteration or not self._offline_at)
            and len(self.candidates) == 1
            and self.candidates[0] == memcg
        )

    def rotated(self, n: int = 1) -> bool:
        """shrink_memcg returned -EAGAIN (n times) because its one-entry walk (nr_to_walk = 1)
        only rotated a referenced entry (v6.12's second chance): a failure in every version.
        True if the worker must stop."""
        return self._fail(n)

    def empty_lru(self) -> bool:
        """The memcg at the cursor had nothing to write back; True if the worker must stop."""
        return not self.fixed_errors and self._fail(1)

    def retry_later(self) -> None:
        """The worker blocked before shrinking the memcg at the cursor: visit it again next."""
        self.cursor -= 1
