"""One config run twice, a faster path of the model switched off and on, and the two runs
compared (tests/model/test_drain.py, test_cycles.py)."""

from __future__ import annotations

import numpy as np

from zswap_widgets import Config
from zswap_widgets.model.simulation import Simulation


def run_both(config: Config, switch: str) -> tuple[Simulation, Simulation]:
    """The config run with the Simulation flag `switch` (bulk_drain, skip_periods) off, then on."""
    sims = []
    for on in (False, True):
        sim = Simulation(config)
        setattr(sim, switch, on)
        sim.run()
        sims.append(sim)
    return sims[0], sims[1]


def assert_same_run(a: Simulation, b: Simulation, tolerances: dict | None = None) -> None:
    """Equal counters, times, stages, events and series; `tolerances` maps a series (and the
    run's user_s and sys_s) to the assert_allclose tolerance it may differ by."""
    tol = tolerances or {}
    ra, rb = a.result(), b.result()
    assert ra.counters == rb.counters
    assert (ra.elapsed_s, ra.cut, ra.alloc_end_s, ra.drain_end_s) == (
        rb.elapsed_s,
        rb.cut,
        rb.alloc_end_s,
        rb.drain_end_s,
    )
    for name in ("user_s", "sys_s"):
        if name in tol:
            np.testing.assert_allclose(getattr(rb, name), getattr(ra, name), **tol[name])
        else:
            assert getattr(rb, name) == getattr(ra, name), name
    assert ra.stages == rb.stages
    assert ra.events == rb.events
    for name, values in ra.series.items():
        if name in tol:
            np.testing.assert_allclose(rb.series[name], values, err_msg=name, **tol[name])
        else:
            np.testing.assert_array_equal(rb.series[name], values, err_msg=name)
