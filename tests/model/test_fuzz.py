"""Property-based fuzz test of the model: random valid configs, every knob drawn from its own
metadata (`Config.knobs()`: min/max/step, choices, Bool/None), on small machines; the invariants
of model_invariants.py are checked every few steps, and a second run must be identical.

The normal suite runs a short budget. The long run (README "Reliability") is

    ZSWAP_FUZZ_EXAMPLES=10000 python3 -m pytest -q tests/model/test_fuzz.py
"""

from __future__ import annotations

import math
import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_invariants import run_checked
from traitlets import Bool, Enum, Float, Int

from zswap_widgets import Config, Simulation, simulate
from zswap_widgets.model.costs import CPU_US

KNOBS = Config.knobs()

# Small machines: the sizes that set the number of pages, and the simulated time, are narrowed so
# that one example takes well under a second. Every other knob spans its whole range.
SMALL = {
    "ram_mib": (128, 512),
    "alloc_mib": (1, 640),
    "reaccess_mib": (0, 65536),  # the model reads back at most what was allocated
    "max_time_s": (1.0, 30.0),
}
MAX_STEPS = 12_000  # max_time_s / step_ms at most this


def knob(name: str, lo: float | None = None, hi: float | None = None) -> st.SearchStrategy:
    """Values of one knob from its metadata, within [lo, hi] when narrowed."""
    trait = KNOBS[name]
    m = trait.metadata
    if isinstance(trait, Enum):
        return st.sampled_from(list(trait.values))
    if isinstance(trait, Bool):
        return st.sampled_from([None, True, False] if trait.allow_none else [True, False])
    lo = m["min"] if lo is None else max(lo, m["min"])
    hi = m["max"] if hi is None else min(hi, m["max"])
    step = m.get("step", 1)
    if isinstance(trait, Int):
        first = lo + (-(lo - m["min"]) % step)  # on the slider's grid
        ends = st.sampled_from([lo, hi])  # the ends themselves
        grid = st.integers(0, (hi - first) // step).map(lambda k: first + k * step)
        values = st.one_of(grid, ends) if first <= hi else ends
    else:
        assert isinstance(trait, Float)
        n = math.floor((hi - lo) / step + 1e-9)
        grid = st.integers(0, n).map(lambda k: round(lo + k * step, 10))
        values = st.one_of(grid, st.floats(lo, hi, allow_nan=False), st.sampled_from([lo, hi]))
    return st.one_of(st.none(), values) if trait.allow_none else values


@st.composite
def small_configs(draw) -> Config:
    """A valid Config: every knob from its metadata, narrowed only by SMALL and the rules
    between knobs (Config._check_rules), drawn in the order the rules need."""
    v = {}
    v["kernel"] = draw(knob("kernel"))
    allocators = ("zsmalloc",) if v["kernel"] == "v6.18" else KNOBS["allocator"].values
    v["allocator"] = draw(st.sampled_from(list(allocators)))
    v["ram_mib"] = draw(knob("ram_mib", *SMALL["ram_mib"]))
    v["kernel_reserved_mib"] = draw(knob("kernel_reserved_mib", hi=v["ram_mib"] - 64))
    ram = v["ram_mib"] - v["kernel_reserved_mib"]
    v["baseline_used_mib"] = draw(knob("baseline_used_mib", hi=ram - 32))
    # the x86 page fault bounds the allocation rate (Config._check_rules)
    hi = math.ceil(1e6 / (CPU_US["fault"] * 256)) - 1
    v["alloc_rate_mib_s"] = draw(knob("alloc_rate_mib_s", hi=hi))
    v["nr_memcgs"] = draw(knob("nr_memcgs"))
    v["empty_memcgs"] = draw(knob("empty_memcgs", hi=v["nr_memcgs"] - 1))
    v["accept_threshold_percent"] = draw(knob("accept_threshold_percent"))
    v["shrink_start_percent"] = draw(knob("shrink_start_percent", lo=v["accept_threshold_percent"]))
    v["step_ms"] = draw(knob("step_ms"))
    v["max_time_s"] = draw(
        knob(
            "max_time_s",
            SMALL["max_time_s"][0],
            min(SMALL["max_time_s"][1], MAX_STEPS * v["step_ms"] / 1000),
        )
    )
    for name in KNOBS:
        if name not in v:
            v[name] = draw(knob(name, *SMALL.get(name, (None, None))))
    return Config(**v)


EXAMPLES = int(os.environ.get("ZSWAP_FUZZ_EXAMPLES") or 30)  # the long run sets 10,000


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_configs())
def test_invariants_hold_under_every_setting(config):
    sim = Simulation(config)
    run_checked(sim, every=64)
    first = sim.result()
    again = simulate(config)  # determinism: the same config gives the same run
    assert again.counters == first.counters and again.elapsed_s == first.elapsed_s
    for name, values in first.series.items():
        np.testing.assert_array_equal(again.series[name], values, err_msg=name)
