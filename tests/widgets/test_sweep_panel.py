"""SweepPanel without a browser: knobs and grids from Config, the heatmap holds the sweep's
numbers, the colour scale centres on zswap off, cells select configs, errors never escape."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
import pytest

from zswap_widgets import Config, sweep
from zswap_widgets.analysis import sweep as sweep_module
from zswap_widgets.analysis.grid import default_values, format_values
from zswap_widgets.widgets import sweep_panel
from zswap_widgets.widgets.sweep_panel import COUNT_COLORS, PANEL_METRICS, SweepPanel

SMALL = Config().scaled(0.125).replace(idle_s=0.5)
ROWS, COLUMNS = [10, 40], [30, 60, 90]


def small_panel(**kwargs) -> SweepPanel:
    panel = SweepPanel(SMALL, workers=1, **kwargs)
    panel.row_values.value = "10,40"
    panel.column_values.value = "30:90:30"
    return panel


@pytest.fixture(scope="module")
def done() -> SweepPanel:
    selected = []
    panel = small_panel(on_select=selected.append)
    panel.selected_configs = selected
    assert panel.run()
    panel.wait()
    return panel


@pytest.fixture(scope="module")
def expected():
    grid = {"max_pool_percent": ROWS, "accept_threshold_percent": COLUMNS}
    return sweep(SMALL, grid, metrics=tuple(PANEL_METRICS.values()), workers=1)


def test_knobs_and_default_grids_come_from_config():
    panel = SweepPanel(SMALL)
    assert list(panel.row_knob.options) == list(Config.knobs())
    assert panel.row_values.value == format_values(default_values("max_pool_percent"))
    assert panel.column_values.value == "10:90:10"
    panel.row_knob.value = "kernel"
    assert panel.row_values.value == "off,v6.10,patches-1-3,patches-1-6,v6.12,v6.18"
    panel.column_knob.value = "cpu_speed"
    assert panel.column_values.value == "0.5:4.0:0.5"


def test_the_heatmap_shows_the_sweeps_numbers(done, expected):
    r = done.result
    assert r.finished.all() and not r.cancelled
    for m in PANEL_METRICS.values():
        np.testing.assert_array_equal(r[m], expected[m])
        np.testing.assert_array_equal(r.baseline[m], expected.baseline[m])
    np.testing.assert_array_equal(done.heatmap.color, expected["elapsed_s"])
    assert list(done.heatmap.row) == ["10", "40"] and list(done.heatmap.column) == [
        "30",
        "60",
        "90",
    ]
    assert done.status.value == f"done: 7 runs in {r.wall_s:.1f} s"
    assert done.progress.value == done.progress.max == 7
    assert not done.run_button.disabled and done.cancel_button.disabled


def test_time_metrics_diverge_around_zswap_off(done, expected):
    done.metric.value = "elapsed_s"
    off = float(expected.baseline["elapsed_s"][0, 0])
    scale = done.color_scale
    assert scale.mid == off and len(scale.colors) == 3
    spread = np.abs(expected["elapsed_s"] - off).max()
    assert scale.min == pytest.approx(off - spread) and scale.max == pytest.approx(off + spread)
    assert f"<b>{off:.2f}</b>" in done.note.value
    faster = int((expected["elapsed_s"] < off).sum())
    assert f"({faster} of 6 cells)" in done.note.value


def test_switching_the_metric_redraws_without_running_again(done, expected):
    done.metric.value = "rejections"
    try:
        np.testing.assert_array_equal(done.heatmap.color, expected["rejections"])
        assert done.color_scale.mid is None and done.color_scale.colors == COUNT_COLORS
        assert done.color_scale.min == expected["rejections"].min()
        assert done.heatmap.display_format == ",.0f"
        assert "rejected stores" in done.title.value
    finally:
        done.metric.value = "elapsed_s"


def test_clicking_a_cell_selects_its_configuration(done, expected):
    # the message bqplot's GridHeatMap sends for a click on a cell
    done.heatmap._handle_custom_msg(
        {"event": "element_click", "data": {"rowNum": 1, "columnNum": 2, "color": 1.0}}, []
    )
    config = SMALL.replace(max_pool_percent=40, accept_threshold_percent=90)
    assert done.selected_configs[-1] == config == done.selected
    assert done.heatmap.selected.tolist() == [[1, 2]]
    assert f"elapsed time (s): {expected['elapsed_s'][1, 2]:.2f}" in done.selection.value


def test_the_download_link_holds_the_table(done, expected):
    data = re.search(r"base64,([^']+)'", done.download.value).group(1)
    df = pd.read_csv(io.StringIO(base64.b64decode(data).decode()), comment="#")
    pd.testing.assert_frame_equal(df, expected.to_pandas(), check_dtype=False)
    assert "save the table (6 runs, CSV)" in done.download.value


@pytest.mark.parametrize(
    ("rows", "values", "message"),
    [
        ("max_pool_percent", "10,400", "max_pool_percent = 400 is not allowed"),
        ("max_pool_percent", "10", "max_pool_percent: give at least two values"),
        ("accept_threshold_percent", "10,20", "rows and columns are both"),
        ("max_pool_percent", "10:5:1", "STOP (5) is below START (10)"),
    ],
)
def test_a_bad_grid_shows_one_line_runs_nothing_and_keeps_the_input(rows, values, message):
    panel = small_panel()
    panel.row_knob.value = rows
    panel.row_values.value = values
    assert panel.run() is False
    assert message in panel.error.value and "Not run" in panel.error.value
    assert panel.row_values.value == values and panel.result is None and not panel.running


def test_rules_between_the_two_knobs_are_checked_before_running():
    panel = SweepPanel(SMALL.replace(shrink_start_percent=60), workers=1)
    panel.row_values.value = "10,20"
    panel.column_values.value = "40,80"
    assert panel.run() is False
    assert "grid point max_pool_percent=10, accept_threshold_percent=80" in panel.error.value


def test_cancel_keeps_the_finished_cells_and_greys_the_rest(monkeypatch):
    panel = small_panel()
    real = sweep_module.run_metrics

    def slow_then_cancel(config, metrics, budget=None):
        out = real(config, metrics, budget)
        panel.cancel()  # the user presses Cancel while the first runs finish
        return out

    monkeypatch.setattr(sweep_module, "run_metrics", slow_then_cancel)
    assert panel.run()
    r = panel.wait(60)
    assert r.cancelled and r.done == 1 and not r.finished.any()
    assert np.isnan(panel.heatmap.color).all()
    assert panel.status.value == "cancelled: 1 of 7 runs finished"
    assert "Grey cells: not run yet" in panel.note.value
    assert not panel.run_button.disabled and panel.cancel_button.disabled


def test_an_error_in_a_run_is_one_line_in_the_panel(monkeypatch):
    def fail(config, metrics, budget=None):
        raise ValueError("the run is too large\nsecond line")

    monkeypatch.setattr(sweep_module, "run_metrics", fail)
    panel = small_panel()
    assert panel.run()
    panel.wait(60)
    assert "ValueError: the run is too large" in panel.error.value
    assert "second line" not in panel.error.value and "Traceback" not in panel.error.value
    assert not panel.run_button.disabled


def test_updates_are_throttled(monkeypatch):
    monkeypatch.setattr(sweep_panel, "DRAW_INTERVAL_S", 1e9)
    panel = small_panel()
    updates = []
    panel.heatmap.observe(lambda c: updates.append(c["new"]), "color")
    assert panel.run()
    panel.wait(60)
    # the empty grid, the first progress call (nothing done) and the end: not one per run
    assert len(updates) <= 3
    assert not np.isnan(updates[-1]).any()


def test_the_local_pool_runs_from_the_panels_thread(expected):
    panel = SweepPanel(SMALL, workers=2)
    panel.row_values.value = "10,40"
    panel.column_values.value = "30,60,90"
    assert panel.run()
    r = panel.wait(120)
    np.testing.assert_array_equal(r["elapsed_s"], expected["elapsed_s"])
