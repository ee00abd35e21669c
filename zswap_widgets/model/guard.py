"""The cost guard: how long a run will take and how much memory it needs, before it starts.

`simulate(config)` first calls `check(config, budget)`: it estimates the run's steps, its memory
(the per-page arrays, the pool's bookkeeping and the series) and its wall time on this machine,
and raises `RunTooLarge` (a ValueError) with one line naming the knobs that make the run large and
values of them that fit. While the run goes on, `Simulation.run` also stops it with
`RunTooLarge` once the CPU time it took passes the budget, since the estimate of the time is
rough (CPU time of the thread that runs it: on an idle machine about its wall time, on a busy
one less). The default `Budget()` keeps a run under about 10 s and 500 MiB; pass a larger one to
allow more:

    simulate(config, budget=Budget(seconds=120, memory_mib=4000))
    simulate(config, budget=Budget.unlimited())

The estimate, in the model's own terms:

* the simulated duration: the allocation takes at least its pages at alloc_rate_mib_s, or the
  pages that do not fit in RAM or in the pool written at the device's write rate (IOPS x pages
  per request, or its bandwidth); the re-access reads back its share of the pages on disk in
  synchronous requests of up to 8 pages (each at least swap_latency_ms or one IOPS slot); the
  idle tail adds idle_s. All capped at max_time_s;
* steps: that duration over step_ms; the idle tail's steps are "quiet" (recorded in bulk) except
  while writeback drains the pool to the accept threshold at one page per request (steps that,
  with patches 1 and 2, drain.py takes in bulk at about half the cost of a full step);
* time: per-step, per-page and per-object CPU costs measured on the development machine (two
  shared x86 cores, `python3 benchmarks/bench_guard.py`, which also prints how estimate and
  measurement compare: on its 14 runs from 0.5x to 4.6x the measured time, median 0.73x; it
  errs high for long re-access runs, low by at most 2x);
* memory: bytes per page and per zswap entry handle (measured with tracemalloc, the peak while
  the simulation is set up), the zbud/z3fold page lists, and the series (bounded, see
  series.py) with the copies `Run` makes of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from traitlets import Int, TraitError

from .allocators import make_allocator
from .config import Config
from .machine import PAGES_PER_MIB, Machine
from .results import SERIES
from .series import MAX_ROWS
from .states import PAGE_CLUSTER
from .workload import sample_lengths

# CPU time per unit of work (benchmarks/bench_guard.py; two shared x86 cores, Python 3.11).
SETUP_US_PER_HANDLE = 0.1  # arrays, page contents and the start's pool
STEP_US = 22.0  # one step computed in full
BULK_US = 12.0  # one step of the steady drain taken in bulk (drain.py; patches 1 and 2)
QUIET_US = 0.2  # one quiet step (idle process, device and shrinker) recorded in bulk
PAGE_US = 0.05  # one page allocated (a step's pages at once)
REREAD_US = 12.0  # one page read back (one at a time: zswap_load, swap-in, readahead)
RECLAIM_US = 1.5  # one page through reclaim and zswap_store
OBJECT_US = {"zsmalloc": 0.0, "zbud": 5.0, "z3fold": 5.0}  # zbud/z3fold's first fit, in Python

# Memory (tracemalloc, peak during setup).
BYTES_PER_PAGE = 90  # page state and contents, LRUs, the allocator's arrays, temporaries
BYTES_PER_HANDLE = 30  # a service memcg's entry: contents, stored length, allocator arrays
BYTES_PER_BUDDY_PAGE = 120  # zbud/z3fold: Python lists and dicts per pool page
BYTES_PER_ROW = len(SERIES) * 8 * 3 + 6 * 8  # a row, its copy in rows() and in Run.series
BASE_BYTES = 8 << 20  # sample pages, the device's queues, events


@dataclass(frozen=True)
class Budget:
    """What one run may cost: CPU seconds on this machine and memory in MiB."""

    seconds: float = 10.0
    memory_mib: float = 500.0

    def __post_init__(self) -> None:
        for name in ("seconds", "memory_mib"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(f"Budget {name} = {value!r} is not allowed: must be above 0")

    @classmethod
    def unlimited(cls) -> Budget:
        return cls(math.inf, math.inf)

    def __str__(self) -> str:
        return f"{self.seconds:g} s and {self.memory_mib:g} MiB"


class RunTooLarge(ValueError):
    """A run would pass its budget (or did, while running); str() is one line."""


@dataclass(frozen=True)
class Estimate:
    """What a run is expected to cost."""

    duration_s: float  # simulated time
    steps: int  # steps in all
    active_steps: int  # steps computed one by one (the rest are quiet)
    seconds: float  # wall time
    memory_mib: float

    def fits(self, budget: Budget) -> bool:
        return self.seconds <= budget.seconds and self.memory_mib <= budget.memory_mib


def estimate(c: Config) -> Estimate:
    """The estimated cost of simulating `c` (see the module's docstring)."""
    m = Machine.from_config(c)
    dt = c.step_ms / 1000
    n = c.alloc_mib * PAGES_PER_MIB
    reread = min(c.reaccess_mib * PAGES_PER_MIB, n)
    services = max(c.nr_memcgs - 1 - c.empty_memcgs, 0)
    handles = n + 16 * services

    # Pages that must leave RAM, how many the pool can take, the rest to disk.
    usable = m.total_pages - m.baseline_pages
    out = max(n - max(usable - m.high_pages, 0), 0)
    lengths, same, zero = sample_lengths(c.compressor, c.compressible_fraction, c.filler)
    preset = c.preset
    enabled = preset.enabled
    max_pages = m.total_pages * c.max_pool_percent // 100
    as_is = c.patch(5) or preset.store_incompressible_upstream
    free_of_pool = zero if preset.zero_pages_in_swap_layer else same
    storable = (lengths >= 0) | as_is | free_of_pool
    cost = make_allocator(c.allocator, 1, 1, np.random.default_rng(0)).pages_per_object(
        np.where(lengths < 0, 4096, lengths)
    )
    cost = np.where(free_of_pool, 0.0, cost)
    mean_cost = float(cost[storable].mean()) if storable.any() else 0.0
    capacity = (max_pages / mean_cost if mean_cost else math.inf) if enabled else 0.0
    stored = min(out * float(storable.mean()), capacity)
    disk = out - stored

    # Simulated time: allocation, idle tail, re-access.
    merge = 128 if c.merge_queued_writes else c.swap_merge_pages
    write_pages_s = min(c.swap_iops * merge, c.swap_bandwidth_mib_s * PAGES_PER_MIB)
    alloc_s = max(n / (c.alloc_rate_mib_s * PAGES_PER_MIB), disk / write_pages_s)
    drain_s = min(max_pages * (100 - c.accept_threshold_percent) / 100 / c.swap_iops, c.idle_s)
    reads = reread * disk / n / (1 << PAGE_CLUSTER)
    read_s = reads * max(c.swap_latency_ms / 1000, 1 / c.swap_iops)
    reaccess_s = max(reread / (c.alloc_rate_mib_s * PAGES_PER_MIB), read_s)
    duration = min(alloc_s + c.idle_s + reaccess_s, c.max_time_s)
    if reaccess_s > 0:  # what max_time_s leaves of the re-access
        reread *= min(max(c.max_time_s - alloc_s - c.idle_s, 0.0) / reaccess_s, 1.0)
    steps = math.ceil(duration / dt) + 1
    busy_s = alloc_s + (drain_s if enabled else 0.0) + reaccess_s
    active = min(math.ceil(busy_s / dt) + 1, steps)
    # With patches 1 and 2 the drain's steady steps are taken in bulk (drain.py).
    bulk = math.ceil(drain_s / dt) if enabled and c.patch(1) and c.patch(2) else 0
    bulk = min(bulk, active)

    seconds = 1e-6 * (
        SETUP_US_PER_HANDLE * handles
        + STEP_US * (active - bulk)
        + BULK_US * bulk
        + QUIET_US * (steps - active)
        + PAGE_US * n
        + REREAD_US * reread
        + RECLAIM_US * (out + reread * disk / n)
        + OBJECT_US[c.allocator] * stored
    )
    # zbud/z3fold's page lists: at most a page per stored object, at most the pool limit
    buddy_pages = min(max_pages + 1, handles) if c.allocator != "zsmalloc" and enabled else 0
    memory = (
        BASE_BYTES
        + BYTES_PER_PAGE * n
        + BYTES_PER_HANDLE * (handles - n)
        + BYTES_PER_BUDDY_PAGE * buddy_pages
        + BYTES_PER_ROW * min(steps, MAX_ROWS)
    )
    return Estimate(duration, steps, active, seconds, memory / 2**20)


# Knobs that change a run's cost, and which way makes it cheaper (-1: lower, +1: higher).
_LEVERS = {
    "alloc_mib": -1,
    "reaccess_mib": -1,
    "max_time_s": -1,
    "step_ms": +1,
    "idle_s": -1,
    "swap_iops": +1,
    "swap_bandwidth_mib_s": +1,
    "nr_memcgs": -1,
}


def as_budget(budget: Budget | None) -> Budget:
    """`budget`, or the default one for None."""
    if budget is None:
        return Budget()
    if not isinstance(budget, Budget):
        raise ValueError(
            f"budget = {budget!r} is not allowed: must be a Budget, e.g. "
            "Budget(seconds=60, memory_mib=2000), or None for the default"
        )
    return budget


def check(config: Config, budget: Budget | None = None) -> Estimate:
    """The estimate of `config`; raises RunTooLarge if it does not fit `budget`."""
    budget = as_budget(budget)
    est = estimate(config)
    if not est.fits(budget):
        raise RunTooLarge(too_large(config, est, budget))
    return est


def too_large(config: Config, est: Estimate, budget: Budget) -> str:
    """One line: what the run would cost, which knobs make it large and what would fit."""
    fixes = []
    for name, way in _LEVERS.items():
        value = _fitting_value(config, name, way, budget)
        if value is not None and value != getattr(config, name):
            fixes.append(f"{name} {'<=' if way < 0 else '>='} {value:g}")
    return (
        f"run too large for its budget ({budget}): about {est.seconds:.0f} s and "
        f"{est.memory_mib:.0f} MiB ({est.steps:,} steps of {config.step_ms:g} ms); "
        + (f"it fits with {' or '.join(fixes[:3])}; " if fixes else "")
        + "or raise the budget: simulate(config, budget=Budget(seconds=..., memory_mib=...))"
    )


def _fitting_value(config: Config, name: str, way: int, budget: Budget) -> float | None:
    """The value of knob `name` nearest its current one that makes the run fit, or None."""
    trait = Config.knobs()[name]
    m = trait.metadata
    whole = isinstance(trait, Int)

    def fits(value: float) -> bool:
        try:
            return estimate(config.replace(**{name: int(value) if whole else value})).fits(budget)
        except TraitError:
            return False

    current = getattr(config, name)
    end = m["min"] if way < 0 else m["max"]
    if not fits(end):
        return None
    lo, hi = (end, current) if way < 0 else (current, end)
    for _ in range(40):  # bisect towards the current value
        mid = (lo + hi) / 2
        if whole:
            mid = math.floor(mid) if way < 0 else math.ceil(mid)
        if fits(mid) == (way < 0):
            lo = mid
        else:
            hi = mid
        if hi - lo <= (1 if whole else m["step"]):
            break
    value = lo if way < 0 else hi
    return int(value) if whole else round(value, 3)


def ran_too_long(config: Config, t_s: float, cpu_s: float, budget: Budget) -> str:
    """One line for a run stopped by its time budget while running."""
    fit = math.floor(t_s * budget.seconds / cpu_s) if cpu_s > 0 else 0
    return (
        f"run stopped at {t_s:.1f} s of simulated time: it passed its time budget "
        f"({budget.seconds:g} s of CPU time; the estimate before it started was lower)"
        + (f"; it fits with max_time_s <= {fit}" if fit >= 1 else "")
        + "; or raise the budget: simulate(config, budget=Budget(seconds=...))"
    )
