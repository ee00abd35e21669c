import numpy as np
import pytest
from dash_helpers import SMALL

from zswap_widgets.model.simulation import simulate
from zswap_widgets.widgets.view import counters_at, nice_ceil, run_view


@pytest.fixture(scope="module")
def run():
    return simulate(SMALL)


def test_view_is_float32_within_the_point_budget_and_in_units(run):
    v = run_view(run, max_points=500)
    assert all(a.dtype == np.float32 and len(a) == len(v["x"]) <= 500 for a in v.values())
    s = run.series
    assert v["pool_mib"].max() == pytest.approx(s["pool_pages"].max() / 256, rel=1e-6)
    assert v["sys_s"][-1] == pytest.approx(s["sys_s"][-1], rel=1e-6)
    # requests per second x duration = requests (the 80 ms average moves a few at the ends)
    dt = float(s["t_s"][1] - s["t_s"][0])
    n = len(s["t_s"])
    k = -(-n // 250)
    steps = np.full(len(v["x"]) // 2, k)
    steps[-1] = n - k * (len(steps) - 1)  # the last bucket may be short
    assert (v["writeback_iops"][0::2] * steps * dt).sum() == pytest.approx(
        s["writeback_ops"].sum(), rel=2e-3
    )


def test_rates_are_smoothed_over_80_ms(run):
    s = run.series
    raw = run_view(run, max_points=len(s["t_s"]) * 2)  # one step per bucket
    dt = float(s["t_s"][1] - s["t_s"][0])
    per_step = s["swapout_ops"] / dt
    assert raw["swapout_iops"][0::2].std() < per_step.std()  # the 1-step noise is gone
    w = round(0.08 / dt)
    i = len(per_step) // 2
    assert raw["swapout_iops"][2 * i] == pytest.approx(
        per_step[i - w // 2 : i - w // 2 + w].mean(), rel=1e-4
    )


def test_a_window_view_covers_the_window_only(run):
    t = run.series["t_s"]
    t0, t1 = float(t[len(t) // 3]), float(t[len(t) // 2])
    v = run_view(run, t0=t0, t1=t1)
    assert v["x"][0] <= t0 and v["x"][-1] >= t1
    assert v["x"][0] >= t0 - 3 * (t[1] - t[0]) and v["x"][-1] <= t1 + 3 * (t[1] - t[0])


def test_counters_at_the_end_are_the_runs_counters(run):
    assert counters_at(run, float("inf")) == {k: float(v) for k, v in run.counters.items()}
    early = counters_at(run, float(run.series["t_s"][len(run.series["t_s"]) // 2]))
    assert early["stored_pages"] <= max(run.series["stored_pages"])
    assert early["pswpout"] is None  # not recorded per step: not made up


@pytest.mark.parametrize(
    ("v", "want"), [(0, 1), (1, 1), (1.01, 1.2), (7, 8), (81, 100), (0.013, 0.015), (4000, 4000)]
)
def test_nice_ceil(v, want):
    assert nice_ceil(v) == pytest.approx(want)
