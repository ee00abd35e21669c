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
from zswap_widgets.widgets.view import labelled_bands, run_view


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


def test_compare_mode_shows_a_and_b_everywhere_and_says_which_is_which(small):
    dash = Dashboard(small.replace(kernel="v6.10"), debounce_s=0)
    dash.compare_toggle.value = True
    a, b = dash.compare_runs
    assert dash.shown_run is a and dash.run.config.kernel == "v6.10"
    # every time chart has A and B; the bars have both and the shared zswap-off baseline
    marks = dash.charts.marks
    for name in ("pool", "thresholds", "memory", "io", "queue", "latency", "stall", "cpu"):
        assert marks[f"{name}_b"].visible, name
    assert marks["shrinker_b"].visible and marks["elapsed_b"].visible
    np.testing.assert_allclose(marks["elapsed"].x, [a.elapsed_s] * 2, rtol=1e-6)
    np.testing.assert_allclose(marks["elapsed_b"].x, [b.elapsed_s] * 2, rtol=1e-6)
    assert list(marks["elapsed_label"].text) == [
        f"A: elapsed {a.elapsed_s:.2f} s",
        f"B: elapsed {b.elapsed_s:.2f} s",
    ]
    bars = dash.charts.bar_values()["elapsed"]
    assert list(bars) == ["A", "B", "off"]
    assert bars["A"] == pytest.approx(a.elapsed_s) and bars["B"] == pytest.approx(b.elapsed_s)
    # the one-run parts show run A and say so
    who = "run A = patches-1-3"
    assert who in dash.counters_title.value and who in dash.events_title.value
    assert who in dash.stage.value
    assert dash.events.value == events_html(a, np.inf)
    assert f"{a.counters['stored_pages']:,}" in dash.counters.value
    starts = [float(x[0]) for x in marks["bands"].x]
    assert starts == pytest.approx([t0 for _, t0, _ in a.stages], rel=1e-6)
    # the status line and the legends name both runs
    assert "A = patches-1-3 (solid)" in dash.status.value
    assert "B = patches-1-6 (dashed)" in dash.status.value
    assert "v6.10" in dash.status.value  # the kernel knob, said not to be shown
    for legend in dash.charts.legends.values():
        assert "A = patches-1-3" in legend.value and "B = patches-1-6" in legend.value
    # back to one run: nothing about A and B is left
    dash.compare_toggle.value = False
    assert dash.shown_run is dash.run
    assert "run A" not in dash.counters_title.value + dash.events_title.value + dash.stage.value
    assert list(dash.charts.bar_values()["elapsed"]) == ["this run", "off"]
    assert not marks["elapsed_b"].visible and not marks["pool_b"].visible
    assert all("A = " not in legend.value for legend in dash.charts.legends.values())


def test_labelled_bands_are_the_wide_ones():
    segs = [(1, 0.0, 0.2), (2, 0.2, 0.3), (3, 0.3, 0.4), (4, 0.4, 9.0), (5, 9.0, 9.6)]
    assert labelled_bands(segs, 10.0) == [(4, 0.4, 9.0), (5, 9.0, 9.6)]
    assert labelled_bands(segs, 10.0, min_fraction=0.005) == segs


def test_band_labels_only_on_bands_wide_enough_for_their_text(small):
    dash = Dashboard(small, debounce_s=0)
    run, labels = dash.run, dash.charts.marks["band_labels"]
    x_max = float(dash.charts.sx.max)
    wide = [seg for seg in run.stages if (seg[2] - seg[1]) / x_max >= 0.05]
    assert 0 < len(wide) < len(run.stages)  # this run has a narrow stage 1 at the start
    assert list(labels.text) == [f"stage {s}" for s, _, _ in wide]
    bands = dash.charts.marks["bands"]
    assert len(bands.x) == len(run.stages) and all(o > 0 for o in bands.opacities)  # seen
    for (_, t0, t1), x in zip(wide, labels.x, strict=True):
        assert t0 < x < t1 and x <= x_max  # in the middle of its own band, inside the plot
    # while scrubbing, a band cut short loses its label until it is wide enough again
    dash.set_time(wide[0][1] + 0.01 * x_max)
    assert f"stage {wide[0][0]}" not in list(dash.charts.marks["band_labels"].text)


def test_default_scenario_log_at_the_end_has_every_stage(small):
    dash = Dashboard(debounce_s=0)  # the dashboard's default scenario, ending in stage 1
    run = dash.run
    assert dash.scrubber.value == dash.scrubber.max
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
    assert _px(CONTROL_WIDTH) - _px(DESCRIPTION_WIDTH) >= 200  # the track and its readout
    slider = dash.controls["accept_threshold_percent"]
    assert slider.style.description_width == DESCRIPTION_WIDTH
    assert slider.layout.width == CONTROL_WIDTH
    assert dash.controls["shrink_start_percent"].slider.layout.width == CONTROL_WIDTH
