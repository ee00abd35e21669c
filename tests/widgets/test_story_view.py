"""The story view: show_stage zooms every time chart to a stage for every kernel, the chips, the
stage texts, fixed axes with a ghost of the previous run, and compare mode's two strips."""

from __future__ import annotations

import numpy as np
import pytest

from zswap_widgets import KERNELS, Config
from zswap_widgets.widgets import Dashboard
from zswap_widgets.widgets.charts import Charts
from zswap_widgets.widgets.dashboard import ZOOM_MARGIN
from zswap_widgets.widgets.story_view import MIN_SHARE, chip_weights
from zswap_widgets.widgets.view import nice_ceil

QUARTER = Config().scaled(0.25)  # the dashboard's default scenario


@pytest.fixture(scope="module")
def dashboards():
    """One dashboard per kernel preset on the default scenario (the runs are shared)."""
    return {k: Dashboard(QUARTER.replace(kernel=k), debounce_s=0) for k in KERNELS}


def _time_axes(dash: Dashboard) -> list:
    return [fig.axes[0].scale for name, fig in dash.figures.items() if name in Charts.TIME_FIGURES]


@pytest.mark.parametrize("kernel", list(KERNELS))
def test_show_stage_zooms_every_time_chart_to_the_stage(dashboards, kernel):
    dash = dashboards[kernel]
    run = dash.run
    dt = run.config.step_ms / 1000
    visited = sorted({s for s, _, _ in run.stages})
    if kernel == "off":
        assert visited == []
        with pytest.raises(ValueError, match="not visited"):
            dash.show_stage(1)
    for n in visited:
        dash.show_stage(n)
        _, t0, t1 = next(seg for seg in run.stages if seg[0] == n)
        margin = max(ZOOM_MARGIN * (t1 - t0), 3 * dt)
        want = (max(t0 - margin, 0.0), t1 + margin)
        for scale in _time_axes(dash):
            assert (scale.min, scale.max) == pytest.approx(want), (kernel, n)
        assert dash.window == pytest.approx(want)
        # the playhead at the stage's start: the first point of the player's grid in it
        step = float(np.max(np.diff(dash._times))) if len(dash._times) > 1 else dt
        assert t0 - 1e-6 <= dash.time_s <= t0 + step + 1e-6
        assert run.stage_at(dash.time_s) == n
        assert f"Stage {n}</b>" in dash.story.text.value
        # the pool line covers the zoomed span up to the playhead, at the window's resolution
        dash.set_time(t1)
        x = np.asarray(dash.charts.marks["pool"].x)
        assert x[0] <= max(want[0], 0.0) + step + 2 * dt and x[-1] >= t1 - step - 2 * dt
    dash.show_stage(None)
    end = float(run.series["t_s"][-1])
    for scale in _time_axes(dash):
        assert (scale.min, scale.max) == (0.0, pytest.approx(nice_ceil(end * 1.15)))


@pytest.mark.parametrize("kernel", ["patches-1-6", "v6.10"])
def test_next_stage_walks_the_segments_in_order(dashboards, kernel):
    dash = dashboards[kernel]
    dash.reset()
    assert dash.time_s == 0.0 and "The process will write" in dash.story.text.value
    seen = []
    for _ in dash.run.stages:
        dash.next_stage()
        seen.append(dash.run.stage_at(dash.time_s + 1e-6))
        assert dash.autoplaying  # each stage plays from its start (ticks need the kernel's loop)
    assert seen == [s for s, _, _ in dash.run.stages]
    dash.next_stage()  # past the last one: the whole run
    assert dash.window is None


def test_stage_chips_are_readable_and_one_per_segment(dashboards):
    dash = dashboards["patches-1-6"]
    strip = dash.story.strips[0]
    segs = dash.run.stages
    shown = [c for c in strip.chips if c.layout.display != "none"]
    assert len(shown) == len(segs) == 6
    weights = chip_weights(segs)
    share = [w / sum(weights) for w in weights]
    # 24 px at a 1024 px page: the strip is about 990 px wide there
    assert min(share) * 990 >= 24 and min(weights) >= MIN_SHARE
    for chip, (s, t0, t1) in zip(shown, segs, strict=True):
        assert chip.description.startswith(f"{s} · {t0:.2f}–{t1:.2f}")
    assert dash.story.strips[1].layout.display == "none"  # one run, one strip
    shown[2].click()
    assert dash.window[0] < segs[2][1] < segs[2][2] < dash.window[1]
    assert shown[2].layout.border.startswith("2px solid #000")


def test_stage_texts_follow_the_playhead(dashboards):
    dash = dashboards["v6.10"]
    dash.show_stage(5)
    dash.set_time(float(dash.run.series["t_s"][-1]) - 1.0)
    text = dash.story.text.value
    assert "shrink_worker gave up after 16 failures" in text
    assert "stays full" in text or "stays nearly full" in text
    assert "patch 6" not in text


FOUR_KNOBS = [
    ("max_pool_percent", 20),
    ("accept_threshold_percent", 45),
    ("shrinker_delay_ms", 1000),
    ("allocator", "zbud"),
]


def test_the_four_knobs_keep_the_axes_and_leave_a_ghost():
    dash = Dashboard(QUARTER, debounce_s=0)
    pool = dash.figures["pool"]
    axes = [(float(a.scale.min), float(a.scale.max)) for a in pool.axes]
    for name, value in FOUR_KNOBS:
        before = dash.run
        view_before = dash.charts._views[0]
        dash.controls[name].value = value
        assert dash.run is not before and dash.error == ""
        assert [(float(a.scale.min), float(a.scale.max)) for a in pool.axes] == axes, name
        ghost = dash.charts.marks["ghost"]
        assert ghost.visible and dash.charts.runs[2] is before, name
        np.testing.assert_array_equal(ghost.y, view_before["pool_mib"][: len(ghost.y)])
        assert len(ghost.x) == len(view_before["x"])  # drawn whole (the playhead is at the end)
        assert "previous run" in dash.charts.legends["pool"].value
    # the ghost stays until the next change, then the run before becomes the ghost
    last = dash.run
    dash.controls["max_pool_percent"].value = 22
    assert dash.charts.runs[2] is last


def test_axes_grow_only_when_a_run_does_not_fit_and_fit_rescales():
    dash = Dashboard(QUARTER, debounce_s=0)
    sp = dash.charts.scales["pool"]
    top = float(sp.max)
    dash.controls["max_pool_percent"].value = 50  # 121 MiB: does not fit in the 80 MiB axis
    assert float(sp.max) > top and float(sp.max) >= 121
    dash.controls["max_pool_percent"].value = 10
    grown = float(sp.max)
    assert float(sp.max) == grown  # a smaller pool keeps the axis: the change shows
    dash.story.fit_button.click()
    assert float(sp.max) < grown and float(sp.max) == nice_ceil(24.2 * 1.1)


def test_threshold_labels_say_value_meaning_and_overlap():
    dash = Dashboard(QUARTER, debounce_s=0)
    labels = dash.charts.threshold_texts()
    assert labels[0] == "max 60.5 MiB = 25 % of RAM"
    assert "accept 30.2 MiB = 50 % of max" in labels[1] and "the lines overlap" in labels[1]
    # the lines span the whole time axis, also when zoomed
    for name in ("th_max", "th_accept", "th_shrink start"):
        x = dash.charts.marks[name].x
        assert x[0] <= dash.charts.sx.min and x[-1] >= dash.charts.sx.max
    dash.show_stage(2)
    x = dash.charts.marks["th_max"].x
    assert x[0] <= dash.charts.sx.min and x[-1] >= dash.charts.sx.max
    # apart, each line has its own label; without patch 3 there is no shrink start
    dash.controls["shrink_start_percent"].value = 80
    assert len(dash.charts.threshold_texts()) == 3
    assert "shrink start 48.4 MiB = 80 % of max" in dash.charts.threshold_texts()
    dash.controls["kernel"].value = "v6.12"
    texts = dash.charts.threshold_texts()
    assert not any("shrink start" in t for t in texts)
    assert len(dash.charts.marks["th_shrink start"].x) == 0


def test_cut_here_when_max_time_ends_the_drain():
    dash = Dashboard(QUARTER.replace(shrinker_delay_ms=3000, max_time_s=14.0), debounce_s=0)
    assert dash.run.cut
    assert dash.charts.marks["cut"].visible
    assert "cut here" in dash.charts.marks["cut_label"].text[0]


def test_compare_mode_names_the_kernels_and_shows_two_strips():
    dash = Dashboard(QUARTER, debounce_s=0)
    dash.compare_b.value = "v6.10"
    dash.compare_toggle.value = True
    assert dash.names == ("patches-1-6", "v6.10")
    # the controls show what is drawn solid: the knobs' own kernel and patches
    assert dash.controls["kernel"].value == "patches-1-6"
    assert all(dash.controls[f"patch{n}"].check.value for n in range(1, 7))
    a, b = dash.story.strips
    assert a.layout.display != "none" and b.layout.display != "none"
    assert "v6.10" in b.name.value and len([c for c in b.chips if c.layout.display != "none"]) == 4
    assert list(dash.charts.marks["pool_b"].labels) == ["pool (v6.10)"]
    assert list(dash.charts.marks["pool"].labels) == ["pool (patches-1-6)"]
    assert set(dash.charts.bar_values()["elapsed"]) >= {"patches-1-6", "v6.10", "zswap off"}
    assert "solid: patches-1-6" in dash.charts.legends["pool"].value
    assert "v6.10 (dashed" in dash.status.value
    # stage 3: only patches-1-6 has one; stage 4: the zoom spans both runs' stage 4
    dash.show_stage(4)
    four = [seg for r in dash.compare_runs for seg in r.stages if seg[0] == 4]
    assert dash.window[0] <= min(t0 for _, t0, _ in four)
    assert dash.window[1] >= max(t1 for _, _, t1 in four)
    # a pair that cannot run says so and draws the knobs' run alone, saying that
    dash.controls["allocator"].value = "zbud"
    dash.compare_b.value = "v6.18"
    assert dash.compare_runs is None and "compare mode" in dash.error
    assert "The charts show kernel patches-1-6" in dash.error_box.value
    assert dash.story.strips[1].layout.display == "none"


def test_a_stage_plays_through_on_the_kernels_loop(small):
    import asyncio

    async def session():
        dash = Dashboard(small, debounce_s=0)
        dash.next_stage()
        dash.next_stage()  # stage 2
        _, t0, t1 = dash.run.stages[1]
        start = dash.time_s
        for _ in range(200):
            await asyncio.sleep(0.05)
            if not dash.autoplaying:
                break
        return dash, start, t0, t1

    dash, start, t0, t1 = asyncio.run(session())
    assert start == pytest.approx(t0, abs=0.01)
    assert not dash.autoplaying and dash.time_s == pytest.approx(t1, abs=0.01)
    assert "Stage 2</b>" in dash.story.text.value or dash.run.stage_at(dash.time_s) != 2
