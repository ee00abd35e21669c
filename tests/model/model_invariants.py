"""The model's physical invariants, checked on a running `Simulation` (issue 12).

`InvariantChecker(sim).check()` after any number of steps asserts:

* pages are conserved: each of the process's pages is in exactly one place, the counts of
  pages in RAM and on the swap device match the accounting, and the LRU holds the RAM pages;
* free pages >= 0;
* stored pages >= 0 and equal to the entries in zswap (the process's pages in the pool plus the
  service memcgs' entries); the pool's objects are those entries minus same-filled ones;
* pool <= max_pages + one allocation of the allocator (`max_alloc_pages`: the largest zspage,
  8 pages, for zsmalloc; one page for zbud and z3fold), the kernel's overshoot when it checks
  the limit before each store;
* the process (one thread) used no more CPU than the time that passed (so also no more than
  vcpus x elapsed), and allocated no faster than alloc_rate_mib_s (a rate on x86; the model's
  CPU speeds scale it: one page per `_page_us` of CPU);
* the device holds no more requests than swap_queue_depth;
* counters never fall, and with zswap off nothing is stored.
"""

from __future__ import annotations

import numpy as np

from zswap_widgets import COUNTERS, Simulation
from zswap_widgets.model.states import POOL, RAM, SWAP, SWAPCACHE, UNTOUCHED, ZEROMAP

PLACES = (UNTOUCHED, RAM, POOL, SWAPCACHE, SWAP, ZEROMAP)
LEVELS = ("pool_total_size", "stored_pages")  # debugfs values that may fall


class InvariantChecker:
    """Checks one simulation's invariants; remembers counters to check they never fall."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.before: dict[str, int] = {}
        self.checks = 0

    def check(self) -> None:
        sim = self.sim
        c = sim.config
        where = sim.where
        places = np.bincount(where, minlength=len(PLACES))
        assert places.sum() == sim.n_pages and len(places) == len(PLACES)
        assert places[RAM] == sim.resident == sim.lru_tail - sim.lru_head
        assert places[SWAP] == sim.on_swap
        assert places[SWAPCACHE] <= sim.inflight + sim.reading
        assert sim.free_pages >= 0, sim.free_pages

        service_entries = sum(len(left) for left in sim.service_left.values())
        assert sim.stored >= 0
        assert sim.stored == places[POOL] + service_entries
        same_filled = int(
            np.count_nonzero((where == POOL) & (sim.stored_length[: sim.n_pages] == 0))
        )
        assert sim.pool.nr_objects == sim.stored - same_filled
        assert sim.pool.total_pages <= sim.max_pages + sim.pool.max_alloc_pages
        if sim.pool.max_objects_per_page:
            assert sim.pool.objects_per_page().max(initial=0) <= sim.pool.max_objects_per_page

        t = sim.t
        assert sim.user_s + sim.sys_s <= t + 1e-9 <= c.vcpus * t + 1e-9
        alloc_t = t if sim.alloc_end is None else sim.alloc_end
        allocated = sim.next_page if sim.alloc_end is None else sim.n_pages
        # alloc_rate_mib_s is the x86 rate; user_cpu_speed and cpu_speed scale it (_page_us)
        assert allocated <= alloc_t * 1e6 / sim._page_us + 1e-6
        assert sim.device.busy <= c.swap_queue_depth

        now = sim.counters()
        for name in COUNTERS:
            if name not in LEVELS:
                assert now[name] >= self.before.get(name, 0), name
        if not c.preset.enabled:
            assert now["zswpout"] == now["stored_pages"] == now["pool_total_size"] == 0
        self.before = now
        self.checks += 1

    def check_run(self) -> None:
        """At the end: the recorded series agree (the device's queue never passed its depth)."""
        run = self.sim.result()
        assert np.nanmax(run.series["queue_depth"], initial=0) <= self.sim.config.swap_queue_depth
        assert np.all(np.diff(run.series["t_s"]) > 0)
        assert run.user_s + run.sys_s <= run.elapsed_s + 1e-9


def run_checked(sim: Simulation, every: int = 64) -> InvariantChecker:
    """Step `sim` to the end, checking the invariants every `every` steps."""
    checker = InvariantChecker(sim)
    checker.check()
    while not sim.done:
        sim.step(every)
        checker.check()
    checker.check_run()
    return checker
