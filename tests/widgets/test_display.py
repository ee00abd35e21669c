"""What the dashboard says and draws: finite mark data, the status line, compare mode's labels,
stage band labels, the event log, the scenario menu and the control layout."""

from __future__ import annotations

import asyncio
import inspect
import re

import numpy as np
import pytest
from bqplot import Bars, Label, Lines

from zswap_widgets.model.simulation import simulate
from zswap_widgets.widgets import SCENARIOS, Dashboard
from zswap_widgets.widgets.controls import CONTROL_WIDTH, DESCRIPTION_WIDTH
from zswap_widgets.widgets.tables import events_html
from zswap_widgets.widgets.view import run_view


def _px(width: str) -> int:
    return int(width.removesuffix("px"))


def _assert_all_marks_finite(dash: Dashboard) -> None:
    for fig_name, fig in dash.figures.items():
        for mark in fig.marks:
            if not isinstance(mark, (Lines, Label, Bars)):
                continue
            for attr in ("x", "y"):
                data = np.asarray(getattr(mark, attr))
                if data.dtype.kind in "fiu":
                    assert np.isfinite(data).all(), (fig_name, type(mark).__name__, attr)


def test_latency_without_completions_is_carried_not_nan(small):
    run = simulate(small.replace(kernel="v6.10"))
    latency = run.series["io_latency_ms"]
    assert np.isnan(latency[0]) and np.isnan(latency).any()  # the model's NaN steps
    view = run_view(run)
    assert all(np.isfinite(a).all() for a in view.values())
    assert view["io_latency_ms"][0] == 0.0  # before the first completion
    assert view["io_latency_ms"].max() == pytest.approx(np.nanmax(latency), rel=1e-6)


@pytest.mark.parametrize("kernel", ["patches-1-6", "v6.10", "off"])
def test_every_mark_draws_finite_data(small, kernel):
    dash = Dashboard(small.replace(kernel=kernel), debounce_s=0)
    _assert_all_marks_finite(dash)
    dash.set_time(0.0)
    _assert_all_marks_finite(dash)
    dash.set_time(1.0)
    dash.compare_toggle.value = True
    _assert_all_marks_finite(dash)


def test_an_invalid_change_says_it_is_not_applied(small):
    dash = Dashboard(small, debounce_s=0)
    dash.controls["shrink_start_percent"].value = 20  # below accept_threshold_percent
    assert dash.error
    assert "not applied" in dash.status.value and "re-running" not in dash.status.value
    assert f"kernel {small.kernel}: elapsed {dash.run.elapsed_s:.2f} s" in dash.status.value
    dash.controls["shrink_start_percent"].value = None
    assert "not applied" not in dash.status.value and dash.error == ""


def test_an_invalid_change_after_the_debounce_says_it_is_not_applied(small):
    async def session():
        dash = Dashboard(small, debounce_s=0.05)
        dash.controls["shrink_start_percent"].value = 20
        assert "re-running" in dash.status.value
        await asyncio.sleep(0.3)
        return dash

    dash = asyncio.run(session())
    assert dash.error and "not applied" in dash.status.value
    assert "re-running" not in dash.status.value


def test_debounce_is_short_by_default():
    default = inspect.signature(Dashboard).parameters["debounce_s"].default
    assert 0 < default <= 0.1


def test_compare_mode_says_which_run_is_which_everywhere(small):
    dash = Dashboard(small.replace(kernel="v6.10"), debounce_s=0)
    dash.compare_toggle.value = True
    a, b = dash.compare_runs
    assert a is dash.run and a.config.kernel == "v6.10" and b.config.kernel == "patches-1-3"
    marks = dash.charts.marks
    for name in ("pool", "memory", "io", "queue", "latency", "stall", "cpu", "shrinker"):
        assert marks[f"{name}_b"].visible, name
    np.testing.assert_allclose(marks["elapsed"].x, [a.elapsed_s] * 2, rtol=1e-6)
    np.testing.assert_allclose(marks["elapsed_b"].x, [b.elapsed_s] * 2, rtol=1e-6)
    assert list(marks["elapsed_label"].text) == [
        f"v6.10: elapsed {a.elapsed_s:.2f} s",
        f"patches-1-3: elapsed {b.elapsed_s:.2f} s",
    ]
    bars = dash.charts.bar_values()["elapsed"]
    assert list(bars) == ["v6.10", "patches-1-3", "zswap off"]
    assert bars["v6.10"] == pytest.approx(a.elapsed_s) and bars["patches-1-3"] == pytest.approx(
        b.elapsed_s
    )
    assert "counters of v6.10" in dash.counters_title.value
    assert "what happened in" not in dash.events_title.value
    assert dash.events.value == events_html(a, np.inf) or dash.time_s < a.series["t_s"][-1]
    for legend in dash.charts.legends.values():
        assert "solid: v6.10" in legend.value and "dashed: patches-1-3" in legend.value
    text = dash.story.text.value
    assert "<b>v6.10</b>" in text and "<b>patches-1-3</b>" in text  # both runs' stories
    # back to one run: nothing about the second run is left
    dash.compare_toggle.value = False
    assert dash.compare_runs is None
    assert "patches-1-3" not in dash.counters_title.value + dash.story.text.value
    assert list(dash.charts.bar_values()["elapsed"]) == ["v6.10", "zswap off"]
    assert not marks["elapsed_b"].visible and not marks["pool_b"].visible
    assert all("solid:" not in legend.value for legend in dash.charts.legends.values())


def test_default_scenario_log_at_the_end_has_every_stage(small):
    dash = Dashboard(debounce_s=0)  # the dashboard's default scenario, ending in stage 1
    run = dash.run
    dash.set_time(float("inf"))
    log = dash.events.value
    stage_lines = re.findall(r"stage (\d):", log)
    assert [int(s) for s in stage_lines] == [s for s, _, _ in run.stages]
    assert log.count("display:flex;gap") == len(run.events)  # one line per event
    assert "pre-wrap" not in log and "<pre" not in log
    last_t, last_text = run.events[-1]
    assert re.search(rf"font-weight:bold.*{last_t:.2f} s.*{re.escape(last_text)}", log)
    # scrubbed back, the log ends at the scrubber's time
    dash.set_time(run.stages[-1][1] - 1.0)
    assert len(re.findall(r"stage (\d):", dash.events.value)) == len(run.stages) - 1


def test_scenario_menu_shows_its_placeholder_and_loads(small):
    dash = Dashboard(small, debounce_s=0)
    assert dash.scenario.value == "" and dash.scenario.label.startswith("load a scenario")
    name = "cover letter, zswap off (full scale)"
    dash.scenario.value = name
    assert dash.config == SCENARIOS[name]
    assert dash.scenario.label.startswith("load a scenario")  # back to the placeholder


def test_knob_labels_and_tracks_have_room(small):
    dash = Dashboard(small, debounce_s=0)
    assert _px(DESCRIPTION_WIDTH) >= 220
    assert _px(CONTROL_WIDTH) - _px(DESCRIPTION_WIDTH) >= 180  # the track
    knob = dash.controls["accept_threshold_percent"]
    assert knob.slider.style.description_width == DESCRIPTION_WIDTH
    assert knob.slider.layout.width == CONTROL_WIDTH
    assert dash.controls["shrink_start_percent"].slider.layout.width == CONTROL_WIDTH


def test_one_title_and_the_scale_on_top(small):
    dash = Dashboard(debounce_s=0)
    titles = [c for c in dash.children if "<h3" in str(getattr(c, "value", ""))]
    titles += [
        x
        for c in dash.children
        for x in getattr(c, "children", ())
        if "<h3" in str(getattr(x, "value", ""))
    ]
    assert len(titles) == 1
    assert "1/4 scale: 256 MiB VM, 512 MiB allocated" in dash.scale_line.value
    assert "queue depth 32" in dash.scale_line.value  # in the explanation (its tooltip)
    other = Dashboard(small, debounce_s=0)
    assert "scale" not in other.scale_line.value.split("title=")[0]
    assert "128 MiB VM, 192 MiB allocated" in other.scale_line.value
