"""The steady drain's bulk steps (model/drain.py) leave exactly what `_step` would: the same
series, counters, events and state, for configurations that take the bulk path and for random
ones. The suite draws 20 random configs; a longer run:

    ZSWAP_DRAIN_EXAMPLES=400 python3 -m pytest -q tests/model/test_drain.py -k random --hypothesis-show-statistics
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from test_fuzz import small_configs
from twin_runs import assert_same_run, run_both

from zswap_widgets import Config
from zswap_widgets.analysis import traces
from zswap_widgets.model.scenario import to_code
from zswap_widgets.model.simulation import Simulation
from zswap_widgets.model.states import ALLOC

QUARTER = Config().scaled(0.25)


def _both(config: Config) -> tuple[Simulation, Simulation]:
    """The config run step by step and with the bulk drain."""
    return run_both(config, "bulk_drain")


def _quarter(**changes) -> Config:
    return Config(**changes).scaled(0.25)


@pytest.mark.parametrize(
    "config",
    [
        _quarter(),
        _quarter(kernel="patches-1-3"),
        _quarter(kernel="v6.12"),  # second chance: rotations interrupt the bulk
        _quarter(kernel="v6.18"),
        _quarter(allocator="zbud"),
        _quarter(allocator="z3fold", kernel="patches-1-3"),
        _quarter(compressor="zstd", accept_threshold_percent=20),
        _quarter(merge_queued_writes=True),  # merged writebacks complete several pages
        _quarter(swap_latency_ms=0.0),  # requests complete in the step they are served
        _quarter(vcpus=1, swap_queue_depth=1024),  # the worker's CPU time limits some steps
        _quarter(max_time_s=8.0),  # cut during the drain
        _quarter(kernel="v6.12", reaccess_mib=512),  # the drain ends in the re-access
        _quarter(offline_memcgs=3, empty_memcgs=0),
        # the 6.12 trace's machine: merged writebacks (QEMU) still in flight when the drain starts
        traces.load("on_zs").model_config(),
    ],
    ids=to_code,
)
def test_bulk_drain_equals_step_by_step(config):
    a, b = _both(config)
    assert_same_run(a, b)


def test_the_default_drain_is_taken_in_bulk():
    """Not a speed test: which path computed the steps. Most of the drain after the allocation
    of the cover letter's scenario is steady."""
    sim = Simulation(QUARTER)
    sim.run()
    drain_steps = round((sim.drain_end - sim.alloc_end) / sim.dt)
    assert sim.bulk_steps >= 0.8 * drain_steps, (sim.bulk_steps, drain_steps)
    off = Simulation(Config(kernel="v6.10").scaled(0.25))  # no patches 1-2: no steady drain
    off.run()
    assert off.bulk_steps == 0


def test_state_after_a_bulk_span_is_the_steps_state():
    """Beyond the series: the memory, device, LRU, pool and walk state after a span of bulk
    steps is what the same steps one by one leave."""
    sims = [Simulation(QUARTER) for _ in range(2)]
    for sim in sims:
        while sim.phase == ALLOC:
            sim.step(1)
        sim.step(100)  # into the drain, past patch 6's pause
    a, b = sims
    a.bulk_drain = False
    a.step(400)
    before = b.bulk_steps
    b.step(400)
    assert b.bulk_steps - before > 200

    def state(s: Simulation) -> dict:
        dev = s.device
        return {
            "t": s.t,
            "memory": (s.resident, s.inflight, s.reading, s.on_swap, s.shrinker_pages, s.stored),
            "pool": (s.pool.total_pages, s.pool.nr_objects),
            "shrinker": (s.shrinker, s.walk.cursor, s.walk.attempts, s.walk.failures),
            "carries": (s._tag_carry, s._shrink_tag_carry, s.rejects_per_step, s._tag_quota),
            "debts": tuple(s._cpu_debt),
            "device": (dev.busy, dev._ops, dev._bytes, len(dev.writes), len(dev.in_service)),
            "queue": [(r[0], r[1].tolist(), r[2], r[3]) for r in dev.writes],
            "lru": (s.zhead, s.ztail, s.lru_head, s.lru_tail),
            "counters": dict(s.cnt),
        }

    assert state(a) == state(b)
    np.testing.assert_array_equal(a.where, b.where)
    np.testing.assert_array_equal(a.pool._count, b.pool._count)


# Random configs under which a drain can be steady: patches 1 and 2 (the workload's memcg alone
# in the walk) and zswap on; every other knob as the fuzz test draws it.
EXAMPLES = int(os.environ.get("ZSWAP_DRAIN_EXAMPLES") or 20)


def _may_drain(c: Config) -> bool:
    return c.preset.enabled and c.patch(1) and c.patch(2)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_configs().filter(_may_drain))
def test_bulk_drain_equals_step_by_step_for_random_configs(config):
    a, b = _both(config)
    event("bulk steps" if b.bulk_steps else "no bulk step")
    assert_same_run(a, b)
