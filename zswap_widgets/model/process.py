"""The allocating process: it touches new pages (allocation phase) or old ones (re-access phase),
enters direct reclaim below the min watermark, loads pages from zswap and reads missed ones from
the swap device with readahead, stalling while that IO is in flight. Part of `Simulation`.

The process is one thread and does only the work its CPU time pays for: each step it gets its
vCPU share. A page (or a page read back) that costs more than is left waits for the next step,
with the time left carried over (`cpu_carry_us`): the allocation never beats alloc_rate_mib_s. A
direct-reclaim batch runs whole and what it costs past the step is paid in the next steps
(Simulation._on_cpu), its sys time counted as it is paid, so user + sys never exceeds the time
that passed. Time left when it blocks (IO, no free tag, no free page) is not carried."""

from __future__ import annotations

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
        """The allocating process for one step with `budget_us` of CPU; returns the microseconds
        of this step it was busy (working, or saving its time for pending work)."""
        carry_in = self.cpu_carry_us
        self.cpu_carry_us = 0.0
        if self.phase == ALLOC:
            end = self.n_pages
        elif self.phase == REACCESS:
            end = self.n_reaccess
        else:
            return 0.0
        if self.read_wait:
            self.step_stall = self.dt * 1e6
            return 0.0
        m = self.machine
        per_page = self._page_us
        budget = budget_us + carry_in
        used = 0.0
        while self.next_page < end:
            left = budget - used
            if left <= 0:
                break
            free = self.free_pages - m.min_pages
            if free <= 0:
                # Direct reclaim: one whole batch; what it costs past this step's time is paid
                # in the next steps (Simulation._on_cpu).
                self._charge = 0.0
                us, blocked = self.reclaim(left, SWAP_CLUSTER_MAX)
                self.sys_s += us / 1e6
                used += us
                if blocked or self.free_pages <= m.min_pages:
                    break
                continue
            if self.phase == ALLOC:
                can = min(free, end - self.next_page, int(left / per_page))
                if can <= 0:
                    self.cpu_carry_us = left  # less than a page's time left
                    break
                a = self.next_page
                self.where[a : a + can] = RAM
                self._lru_push(self._one_page[a : a + can])
                self.resident += can
                self.next_page += can
                used += can * per_page
                self.user_s += can * (per_page - self.cpu["fault"]) / 1e6
                self.sys_s += can * self.cpu["fault"] / 1e6
                free_now = free + m.min_pages - can  # only the process's pages changed
            else:
                us, out_of_memory = self._reaccess(left, free)
                used += us
                if not out_of_memory:
                    break
                free_now = self.free_pages
            if free_now < m.low_pages:
                self.kswapd_awake = True
        busy = used - carry_in + self.cpu_carry_us
        self.step_stall = max(self.dt * 1e6 - busy, 0.0)
        return busy

    def _reaccess(self, budget_us: float, free: int) -> tuple[float, bool]:
        """Touch pages from next_page within budget_us, bringing at most `free` of them into RAM.
        Stops at a page that needs a disk read (once its read is submitted), a page under write
        IO, or a read with no free tag. Returns the microseconds used and whether it stopped for
        lack of free memory; when it stopped for lack of time, the rest is in cpu_carry_us."""
        i = self.next_page
        end = self.n_reaccess
        where = self.where
        per_page = self._page_us
        load_us = per_page + self.decompress_us
        read_us = per_page + self.cpu["submit"]
        used = 0.0
        pages = 0  # pages touched
        brought = 0  # of which brought into RAM
        out_of_memory = False
        while i < end:
            w = where[i]
            cost = per_page if w != POOL else load_us
            if w == SWAP:
                cost = read_us
            if used + cost > budget_us:
                self.cpu_carry_us = budget_us - used
                break
            if w != RAM:
                if brought >= free:
                    out_of_memory = True
                    break
                if w == POOL:
                    self._zswap_load(i)
                elif w == ZEROMAP:
                    # swap_read_folio_zeromap (6.12+): the page is filled with zeros again;
                    # neither a zswap load nor IO.
                    where[i] = RAM
                    self.resident += 1
                    self._lru_push(self._one_page[i : i + 1])
                elif w == SWAP:
                    if min(self.device.free_tags, self._tag_quota) < 1:
                        break  # the read waits for a free tag, as any request does
                    self._swapin(i)
                    used += cost
                    pages += 1
                    i += 1
                    break
                else:  # under write IO: wait for it
                    break
                brought += 1
            used += cost
            pages += 1
            i += 1
        self.next_page = i
        self.user_s += pages * (per_page - self.cpu["fault"]) / 1e6
        self.sys_s += pages * self.cpu["fault"] / 1e6
        return used, out_of_memory

    def _swapin(self, i: int) -> None:
        """A load miss: read the page and its readahead window from disk; the process waits."""
        self.delay_stamp = self.t  # patch 6: a load miss postpones writeback too
        window = 1 << PAGE_CLUSTER
        j = i
        while j < min(i + window, self.n_reaccess) and self.where[j] == SWAP:
            j += 1
        ids = self._one_page[i:j].copy()
        self.where[ids] = SWAPCACHE
        self.on_swap -= len(ids)
        self.reading += len(ids)
        self.read_wait = len(ids)
        self.cnt["pswpin"] += len(ids)
        self.device.submit(SWAPIN, ids, self.t, PROCESS)
        self._tag_quota -= 1
        self.sys_s += self.cpu["submit"] / 1e6
