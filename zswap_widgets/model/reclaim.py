"""Reclaim: shrink_folio_list over SWAP_CLUSTER_MAX batches from the head of the anonymous LRU,
each page offered to zswap_store and the rejected ones written to the swap device, merged
`swap_merge_pages` to a request (blk_start_plug). Used by kswapd, by the allocating process in
direct reclaim and by shrink_worker's folio allocation. Part of `Simulation`."""

from __future__ import annotations

import numpy as np

from .device import SWAPOUT
from .states import NOBODY, POOL, SHRINKER, SWAP_CLUSTER_MAX, SWAPCACHE, ZEROMAP


class Reclaim:
    """reclaim() and the anonymous LRU."""

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
        # A copy (the requests keep these pages while the LRU's slots are reused), as intp so
        # that indexing with it needs no conversion.
        ids = self.lru[self.lru_head : self.lru_head + k].astype(np.intp)
        self.lru_head += k
        self._charge = self.cpu["reclaim"] * k
        self.resident -= k
        zero = self.zero[ids] if self.zero_in_swap_layer else None
        if zero is not None and not zero.any():
            zero = None  # no zero page in this batch
        if zero is not None:
            # swap_writepage (6.12+): a zero-filled folio only sets its bit in the swap layer's
            # zeromap; no zswap entry, no IO.
            stored = zero.copy()
            if not zero.all():
                mask, _ = self.zswap_store(ids[~zero])
                if mask is not None:
                    stored[~zero] = mask
            self.events.once("zeromap", "zero pages kept in the swap layer's zeromap (no IO)")
            n_rej = k - int(np.count_nonzero(stored))
        else:
            stored, n_stored = self.zswap_store(ids)
            n_rej = k - n_stored
        self.where[ids] = SWAPCACHE if n_rej == k else np.where(stored, POOL, SWAPCACHE)
        if zero is not None:
            self.where[ids[zero]] = ZEROMAP
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

    def _lru_push(self, ids: np.ndarray) -> None:
        """Add pages at the LRU tail. The LRU holds exactly the resident pages (a page enters
        when it comes into RAM and leaves when reclaim takes it), at most `lru_bound`; when the
        tail reaches the end of the array they move to its front, so a capacity of
        n_pages + lru_bound leaves room for n_pages pushes between two moves."""
        k = len(ids)
        tail = self.lru_tail
        if tail + k > len(self.lru):
            live = tail - self.lru_head
            self.lru[:live] = self.lru[self.lru_head : tail]
            self.lru_head, tail = 0, live
        self.lru[tail : tail + k] = ids
        self.lru_tail = tail + k
