"""sweep(): grid-shaped metrics equal to single runs, the same on any executor, baselines, checks
before anything runs, progress, cancel and export."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from zswap_widgets import Config, SweepResult, simulate, sweep
from zswap_widgets.analysis.grid import GridError
from zswap_widgets.analysis.sweep import METRICS, metric_value
from zswap_widgets.model.baseline import off_baseline
from zswap_widgets.model.export import read_metadata
from zswap_widgets.model.guard import Budget

# The cover letter's story at 1/8 scale with a short idle tail: about 0.2 s a run.
SMALL = Config().scaled(0.125).replace(idle_s=0.5)
GRID = {"max_pool_percent": [10, 40], "accept_threshold_percent": [30, 60, 90]}
ALL = ("elapsed_s", "user_s", "sys_s", "written_back_pages", "rejections", "pool_limit_hit")


@pytest.fixture(scope="module")
def serial() -> SweepResult:
    return sweep(SMALL, GRID, metrics=ALL, workers=1)


def assert_same(a: SweepResult, b: SweepResult) -> None:
    assert a.knobs == b.knobs and a.values == b.values
    for m in a.metrics:
        np.testing.assert_array_equal(a[m], b[m], err_msg=m)
        np.testing.assert_array_equal(a.baseline[m], b.baseline[m], err_msg=m)


def test_each_cell_is_the_metric_of_its_own_run(serial):
    assert serial.shape == (2, 3) and serial.finished.all() and not serial.cancelled
    assert serial.done == serial.total == 7  # six grid points and one zswap-off baseline
    for index in [(0, 0), (1, 2)]:
        config = serial.config_at(index)
        assert config == SMALL.replace(
            max_pool_percent=GRID["max_pool_percent"][index[0]],
            accept_threshold_percent=GRID["accept_threshold_percent"][index[1]],
        )
        run = simulate(config)
        for m in ALL:
            assert serial[m][index] == metric_value(run, m), m
    # rejections counts every reason: at least the pool limit's
    assert (serial["rejections"] >= serial["pool_limit_hit"]).all()
    assert (
        serial["rejections"][0, 0] == simulate(serial.config_at((0, 0))).series["rejections"].sum()
    )


def test_the_baseline_is_the_zswap_off_run_of_the_same_machine(serial):
    off = simulate(off_baseline(SMALL))
    assert off.config.kernel == "off"
    for m in ALL:
        assert (serial.baseline[m] == metric_value(off, m)).all(), m
    assert (serial.baseline["written_back_pages"] == 0).all()
    # a bigger pool lets zswap absorb more: fewer rejected stores
    assert serial["rejections"][1].mean() < serial["rejections"][0].mean()


def test_machine_knobs_on_the_grid_get_one_baseline_each():
    result = sweep(SMALL, {"swap_iops": [300, 600]}, metrics="elapsed_s", workers=1)
    assert result.total == 4
    slow, fast = (simulate(off_baseline(SMALL.replace(swap_iops=v))).elapsed_s for v in (300, 600))
    assert list(result.baseline["elapsed_s"]) == [slow, fast] and slow != fast


def test_the_local_pool_and_any_executor_give_the_serial_numbers(serial):
    assert_same(sweep(SMALL, GRID, metrics=ALL, workers=2), serial)
    with ThreadPoolExecutor(3) as pool:  # completion order differs from grid order
        assert_same(sweep(SMALL, GRID, metrics=ALL, executor=pool), serial)


def test_the_table_has_one_record_per_run_in_grid_order(serial, tmp_path):
    table = serial.table()
    assert len(table) == 6
    assert [(r["max_pool_percent"], r["accept_threshold_percent"]) for r in table] == [
        (a, b) for a in GRID["max_pool_percent"] for b in GRID["accept_threshold_percent"]
    ]
    assert table[4]["elapsed_s"] == serial["elapsed_s"][1, 1]
    assert table[4]["elapsed_s_off"] == serial.baseline["elapsed_s"][1, 1]
    df = serial.to_pandas()
    assert list(df.columns) == serial.columns() and df.attrs["grid"]["max_pool_percent"] == [10, 40]
    path = serial.to_csv(tmp_path / "sweep.csv")
    back = pd.read_csv(path, comment="#")
    pd.testing.assert_frame_equal(back, df, check_dtype=False)
    meta = read_metadata(path)
    assert Config(**meta["config"]) == SMALL and meta["metrics"] == list(ALL)


def test_a_bad_grid_fails_before_anything_runs():
    calls = []
    bad = {"max_pool_percent": [10, 20, 101]}
    with pytest.raises(
        GridError, match=r"max_pool_percent = 101 is not allowed: must be a whole number"
    ):
        sweep(SMALL, bad, progress=calls.append, workers=1)
    cross = {"accept_threshold_percent": [40, 80]}
    with pytest.raises(GridError, match=r"grid point accept_threshold_percent=80: .* between"):
        sweep(SMALL.replace(shrink_start_percent=60), cross, progress=calls.append)
    with pytest.raises(GridError, match="metric 'speed' is not known; allowed: elapsed_s"):
        sweep(SMALL, GRID, metrics=["speed"], progress=calls.append)
    assert calls == []


def test_a_grid_point_the_cost_guard_refuses_fails_before_anything_runs():
    calls = []
    huge = {"alloc_mib": [64, 65536]}  # 64 GiB allocated: minutes of model time, GiBs of memory
    with pytest.raises(GridError, match=r"^the zswap-off baseline run at alloc_mib=65536 is too "):
        sweep(SMALL, huge, progress=calls.append, workers=1)
    with pytest.raises(GridError, match=r"^the grid run at max_pool_percent=10 is too large: "):
        sweep(SMALL, {"max_pool_percent": [10]}, budget=Budget(seconds=0.001), baseline=False)
    assert calls == []
    # the budget a caller gives is the one every run is held to
    fits = sweep(SMALL, {"max_pool_percent": [10]}, budget=Budget(seconds=60), baseline=False)
    assert fits.finished.all()


def test_every_counter_is_a_metric():
    result = sweep(SMALL, {"kernel": ["v6.10"]}, metrics=["zswpwb", "stored_pages"], baseline=False)
    run = simulate(SMALL.replace(kernel="v6.10"))
    assert result["zswpwb"][0] == run.counters["zswpwb"] > 0
    assert result.total == 1 and np.isnan(result.baseline["zswpwb"]).all()
    assert {"elapsed_s", "rejections", "pool_limit_hit", "zswpwb"} <= set(METRICS)


def test_progress_reports_runs_done_total_and_time_left():
    seen = []
    sweep(
        SMALL,
        {"max_pool_percent": [10, 40]},
        metrics="elapsed_s",
        workers=1,
        progress=lambda r: seen.append((r.done, r.total, r.left_s)),
    )
    assert [s[:2] for s in seen] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert seen[0][2] is None and seen[1][2] > 0 and seen[-1][2] == 0


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_stops_cleanly_and_keeps_what_finished(workers):
    cancel = threading.Event()

    def progress(r):
        if r.done >= 2:
            cancel.set()

    grid = {"max_pool_percent": [5, 10, 15, 20, 25, 30, 35, 40]}
    result = sweep(SMALL, grid, "elapsed_s", workers=workers, progress=progress, cancel=cancel)
    assert result.cancelled and 2 <= result.done < result.total
    finished = result.finished.sum()
    assert len(result.table()) == finished == result.done - 1  # the baseline ran first
    assert np.isnan(result["elapsed_s"][~result.finished]).all()
    assert not np.isnan(result["elapsed_s"][result.finished]).any()


def test_ctrl_c_returns_what_finished():
    def progress(r):
        if r.done == 2:
            raise KeyboardInterrupt

    result = sweep(SMALL, {"max_pool_percent": [10, 20, 30]}, "elapsed_s", progress=progress)
    assert result.cancelled and result.done == 2 and result.finished.sum() == 1
