"""The allocating process: it touches new pages (allocation phase) or old ones (re-access phase),
enters direct reclaim below the min watermark, loads pages from zswap and reads missed ones from
the swap device with readahead, stalling while that IO is in flight. Part of `Simulation`."""

from __future__ import annotations

import numpy as np

from .device import SWAPIN
from .states import (
    ALLOC,
    PAGE_CLUSTER,
    POOL,
    PROCESS,
    RAM,
    REACCESS,
    SWAP,
    SWAP_CLUSTER_MAX,
    SWAPCACHE,
    ZEROMAP,
)


class AllocatingProcess:
    """The workload's process for one step."""

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
            elif w == ZEROMAP:
                # swap_read_folio_zeromap (6.12+): the page is filled with zeros again; neither
                # a zswap load nor IO.
                where[i] = RAM
                self.resident += 1
                self._lru_push(self._one_page[i : i + 1])
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

    def _swapin(self, i: int) -> None:
        """A load miss: read the page and its readahead window from disk; the process waits."""
        self.delay_stamp = self.t  # patch 6: a load miss postpones writeback too
        window = 1 << PAGE_CLUSTER
        j = i
        while j < min(i + window, self.n_reaccess) and self.where[j] == SWAP:
            j += 1
        ids = np.arange(i, j)
        self.where[ids] = SWAPCACHE
        self.on_swap -= len(ids)
        self.reading += len(ids)
        self.read_wait = len(ids)
        self.cnt["pswpin"] += len(ids)
        self.device.submit(SWAPIN, ids, self.t, PROCESS)
        self.sys_s += self.cpu["submit"] / 1e6
