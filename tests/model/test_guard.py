"""The cost guard: runs too large for the budget are refused before they start, in one line that
names the knobs and what fits; a run that passes its time budget is stopped; memory is bounded
for every setting the knobs allow."""

import re
import tracemalloc

import pytest
from traitlets import Enum, TraitError

from zswap_widgets import Budget, Config, RunTooLarge, Simulation, simulate
from zswap_widgets.model import guard
from zswap_widgets.model.guard import check, estimate

# The examples (issue 12): each is refused before it starts.
TOO_LARGE = {
    "64 GiB allocated": Config(alloc_mib=65536),
    "slow device, 64 GiB written and read back": Config(
        swap_iops=50, swap_bandwidth_mib_s=1, alloc_mib=65536, reaccess_mib=65536
    ),
    "64 GiB with zbud on the fastest device": Config(
        alloc_mib=65536,
        allocator="zbud",
        kernel="patches-1-3",
        swap_iops=1_000_000,
        swap_bandwidth_mib_s=100_000,
    ),
    "0.1 ms steps for an hour on a slow device": Config(
        step_ms=0.1, max_time_s=3600, swap_iops=50, swap_bandwidth_mib_s=1
    ),
}


@pytest.mark.parametrize("config", TOO_LARGE.values(), ids=TOO_LARGE.keys())
def test_too_large_runs_are_refused_in_one_line_that_says_what_fits(config):
    with pytest.raises(RunTooLarge) as e:
        simulate(config)
    text = str(e.value)
    assert isinstance(e.value, ValueError) and "\n" not in text
    assert text.startswith("run too large for its budget (10 s and 500 MiB): about ")
    assert "raise the budget: simulate(config, budget=Budget(" in text
    fixes = re.findall(r"(\w+) (<=|>=) ([\d.]+)", text)
    assert fixes  # names at least one knob and a value of it that fits
    for name, _, value in fixes:
        value = type(getattr(config, name))(float(value))
        assert estimate(config.replace(**{name: value})).fits(Budget()), name


def test_an_explicit_budget_allows_what_the_default_refuses():
    config = TOO_LARGE["64 GiB allocated"]
    est = check(config, Budget.unlimited())
    assert est.memory_mib > 500 and check(config, Budget(seconds=1e4, memory_mib=1e4)) == est


def test_a_run_that_passes_its_time_budget_is_stopped(monkeypatch, small):
    clock = iter(range(10**6))  # a CPU clock that advances 1 s each time it is read
    monkeypatch.setattr(guard, "estimate", lambda c: guard.Estimate(1, 1, 1, 0.0, 1.0))
    monkeypatch.setattr("zswap_widgets.model.simulation.time.thread_time", lambda: next(clock))
    with pytest.raises(RunTooLarge, match=r"^run stopped at [\d.]+ s of simulated time: it passed"):
        simulate(small, budget=Budget(seconds=5))
    assert next(clock) == 7  # started at 0, stopped at the first reading past 5 s


def test_progress_may_raise_to_cancel(small):
    class Cancelled(Exception):
        pass

    def progress(fraction):
        if fraction > 0.2:
            raise Cancelled

    with pytest.raises(Cancelled):
        simulate(small, progress=progress)


@pytest.mark.parametrize("bad", [0, -1, float("nan"), "10", True])
def test_budget_values_are_checked(bad):
    with pytest.raises(ValueError, match=r"Budget seconds = .* is not allowed: must be above 0"):
        Budget(seconds=bad)


def corners() -> list[dict]:
    """Every knob at its min and its max (and every choice), the others at their defaults, and
    the combinations of the issue."""
    out = []
    for name, trait in Config.knobs().items():
        m = trait.metadata
        if "min" in m:
            out += [{name: m["min"]}, {name: m["max"]}]
        elif isinstance(trait, Enum):
            out += [{name: v} for v in trait.values]
    worst = dict(alloc_mib=65536, reaccess_mib=65536, step_ms=0.1, max_time_s=3600, idle_s=600)
    out += [
        worst,
        {**worst, "swap_iops": 50, "swap_bandwidth_mib_s": 1},
        {**worst, "alloc_mib": 1},
        dict(step_ms=0.1, idle_s=600, max_time_s=3600),
        dict(alloc_mib=65536, ram_mib=65536),
        dict(nr_memcgs=4096, empty_memcgs=0, ram_mib=65536, max_pool_percent=100),
        dict(nr_memcgs=4096, empty_memcgs=0, ram_mib=65536, max_pool_percent=100, allocator="zbud"),
    ]
    return out


def test_every_corner_is_refused_or_estimated_within_the_budget():
    refused = fits = 0
    for changes in corners():
        try:
            config = Config(**changes)
        except TraitError:
            continue  # not a setting the controls allow (a rule between knobs)
        try:
            est = check(config)
        except RunTooLarge:
            refused += 1
        else:
            assert est.seconds <= 10 and est.memory_mib <= 500
            fits += 1
    assert refused >= 4 and fits >= 40


# Settings whose memory is largest among those the default budget allows: many pages (no
# reclaim), many service memcgs with zbud, long series. The estimate must bound the measure.
MEMORY_HEAVY = {
    "8 GiB allocated in 64 GiB": Config(alloc_mib=8192, ram_mib=65536, idle_s=0),
    "4,095 service memcgs, zbud": Config(
        nr_memcgs=4096,
        empty_memcgs=0,
        ram_mib=65536,
        max_pool_percent=100,
        allocator="zbud",
        alloc_mib=64,
        idle_s=0,
    ),
    "long series": Config(alloc_mib=64, step_ms=0.1, idle_s=600, max_time_s=60),
}


@pytest.mark.parametrize("config", MEMORY_HEAVY.values(), ids=MEMORY_HEAVY.keys())
def test_memory_estimate_bounds_the_measured_peak(config):
    est = check(config)
    tracemalloc.start()
    try:
        run = Simulation(config).run()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert len(run.series["t_s"]) and peak <= est.memory_mib, (peak, est.memory_mib)


def test_a_budget_is_a_budget(small):
    with pytest.raises(ValueError, match=r"^budget = 60 is not allowed: must be a Budget, e.g."):
        simulate(small, budget=60)
