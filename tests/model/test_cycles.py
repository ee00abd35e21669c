"""Repeating periods of the allocation, skipped (model/cycles.py): the runs are those of the
step-by-step loop, every series, counter, event and stage equal, except the last bits of the
float sums user_s and sys_s (1e-10 relative) and of io_latency_ms (1e-9 ms), and the state after
a skip is the state the same steps leave one by one."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from test_equivalence import _cases
from test_fuzz import small_configs
from traitlets import TraitError
from twin_runs import assert_same_run, run_both

from zswap_widgets import Config
from zswap_widgets.model.scenario import to_code
from zswap_widgets.model.simulation import Simulation
from zswap_widgets.model.states import ALLOC

# The float columns that may differ in their last bits, with the tolerance the model states.
FLOAT_SUMS = {"user_s": {"rtol": 1e-10, "atol": 0}, "sys_s": {"rtol": 1e-10, "atol": 0}}
FLOAT_SUMS["io_latency_ms"] = {"rtol": 0, "atol": 1e-9}
RTOL = FLOAT_SUMS["user_s"]["rtol"]


def _both(config: Config) -> tuple[Simulation, Simulation]:
    """The config run step by step and with periods skipped."""
    return run_both(config, "skip_periods")


def _assert_same_run(a: Simulation, b: Simulation) -> None:
    assert_same_run(a, b, FLOAT_SUMS)


CONFIGS = {
    **_cases(),
    "quarter-1vcpu": Config(vcpus=1).scaled(0.25),
    "quarter-merged": Config(merge_queued_writes=True).scaled(0.25),
    "quarter-cut-in-stage-4": Config(max_time_s=4.0).scaled(0.25),
    "quarter-zbud-deep-queue": Config(allocator="zbud", swap_queue_depth=256).scaled(0.25),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_skipped_periods_equal_step_by_step(name):
    a, b = _both(CONFIGS[name])
    _assert_same_run(a, b)


@pytest.mark.parametrize("config", [Config(), Config().scaled(0.25)], ids=to_code)
def test_stage_4_of_the_cover_letter_is_skipped(config):
    """Not a speed test: which path computed the steps. Under patches 1-6 the pool stays at its
    max and the shrinker asleep through stage 4, which repeats every few steps."""
    sim = Simulation(config)
    run = sim.run()
    stage_4 = [b - a for s, a, b in run.stages if s == 4]
    assert sim.cycle_steps >= 0.7 * stage_4[0] / sim.dt, (sim.cycle_steps, stage_4)
    v610 = Simulation(config.replace(kernel="v6.10"))  # its shrinker gives up: no period
    v610.run()
    assert v610.cycle_steps == 0


def test_state_after_a_skip_is_the_steps_state():
    """Beyond the series: pages, LRU, device queue, memory and carries after skipped periods
    are what the same steps one by one leave."""
    sims = [Simulation(Config().scaled(0.25)) for _ in range(2)]
    sims[0].skip_periods = False
    for sim in sims:
        sim.step(400)  # into stage 4
    for sim in sims:
        sim.step(1000)
    a, b = sims
    assert b.cycle_steps > 500 and b.phase == a.phase == ALLOC

    def state(s: Simulation) -> dict:
        dev = s.device
        return {
            "steps": (s.steps, s.t, s.next_page),
            "memory": (s.resident, s.inflight, s.reading, s.on_swap, s.shrinker_pages, s.stored),
            "pool": s.pool.total_pages,
            "shrinker": (s.shrinker, s.delay_stamp, s.kswapd_awake),
            "carries": (s._tag_carry, s._shrink_tag_carry, s.rejects_per_step, s._tag_quota),
            "cpu": (tuple(s._cpu_debt), s.cpu_carry_us, s._busy_cpus),
            "device": (dev.busy, dev._ops, dev._bytes, dev.queued_swapouts),
            "queued": [(r[0], r[1].tolist(), r[2], r[3]) for r in dev.writes],
            "serving": [(r[0], r[1], r[2].tolist(), r[3], r[4]) for r in dev.in_service],
            "lru": s.lru[s.lru_head : s.lru_tail].tolist(),
            "counters": dict(s.cnt),
        }

    assert state(a) == state(b)
    np.testing.assert_array_equal(a.where, b.where)
    np.testing.assert_allclose((b.user_s, b.sys_s), (a.user_s, a.sys_s), rtol=RTOL, atol=0)


# Random configs, every knob as the fuzz test draws it; a longer run:
#     ZSWAP_CYCLE_EXAMPLES=400 python3 -m pytest -q tests/model/test_cycles.py -k random
EXAMPLES = int(os.environ.get("ZSWAP_CYCLE_EXAMPLES") or 15)


@st.composite
def repeating_configs(draw) -> Config:
    """Configs whose allocation may repeat: zswap off, or patches 1-6 with the pool at its max;
    the machine, the device and the limits drawn."""
    changes = dict(
        kernel=draw(st.sampled_from(["off", "patches-1-6"])),
        max_pool_percent=draw(st.integers(5, 40)),
        swap_iops=draw(st.sampled_from([300, 875, 2000, 6000])),
        swap_bandwidth_mib_s=draw(st.sampled_from([20, 42, 120])),
        swap_latency_ms=draw(st.sampled_from([0.0, 1.0, 7.5, 35.0])),
        swap_queue_depth=draw(st.sampled_from([1, 8, 32, 128])),
        swap_merge_pages=draw(st.sampled_from([1, 8, 32])),
        merge_queued_writes=draw(st.booleans()),
        vcpus=draw(st.sampled_from([1, 2, 4])),
        step_ms=draw(st.sampled_from([1.0, 2.0, 4.0, 8.0])),
        seed=draw(st.integers(0, 5)),
    )
    try:
        return Config().scaled(0.25).replace(**changes)
    except TraitError:
        assume(False)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(small_configs(), repeating_configs()))
def test_skipped_periods_equal_step_by_step_for_random_configs(config):
    a, b = _both(config)
    event("periods skipped" if b.cycle_steps else "no period")
    _assert_same_run(a, b)
