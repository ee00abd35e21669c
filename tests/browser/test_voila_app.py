"""The app notebook served by Voila as `zswap-widgets tutorial --app voila` serves it, in headless
Chromium at 1024x768 and 1440x900: the story view opens at t = 0, walks through the five stages
(each chip zooms the pool chart to its stage), the thresholds are labelled, no label collides,
knob changes keep the axes and leave a ghost, bad input is refused with a message, compare mode
names the kernels, and the console stays clean.

What the page shows is checked against a fresh local `simulate()` of the configuration the page
itself reports (its scenario code field): Voila gives no access to its kernel.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import DashboardPage, parse_number, path_points, wait_changed, wait_until

from zswap_widgets import simulate
from zswap_widgets.model.scenario import from_code

pytestmark = pytest.mark.browser

MAX_POOL = "max_pool_percent"
ZOOM_MARGIN = 0.12  # the dashboard's, of the stage's span either side


def _open(page, server) -> DashboardPage:
    page.goto(f"{server.url}/")
    d = DashboardPage(page)
    d.wait_rendered()
    return d


@pytest.fixture
def dash(page, voila_server) -> DashboardPage:
    return _open(page, voila_server)


def _window(run, stage: int) -> tuple[float, float]:
    _, t0, t1 = next(seg for seg in run.stages if seg[0] == stage)
    margin = max(ZOOM_MARGIN * (t1 - t0), 3 * run.config.step_ms / 1000)
    return max(t0 - margin, 0.0), t1 + margin


def _spans(shown: tuple[float, float], want: tuple[float, float]) -> bool:
    """The axis shows want (within 1 % of its span: the axis line overhangs a little)."""
    tol = 0.01 * (want[1] - want[0]) + 1e-4
    return abs(shown[0] - want[0]) <= tol and abs(shown[1] - want[1]) <= tol


def _assert_no_overlaps(d: DashboardPage, page) -> None:
    """No title or axis label on a tick label, every figure laid out (a tall viewport: bqplot
    sizes a figure when it is on screen)."""
    size = dict(page.viewport_size)
    page.set_viewport_size({"width": size["width"], "height": 4000})
    page.wait_for_timeout(500)
    overlaps = d.text_overlaps()
    page.set_viewport_size(size)
    assert overlaps == [], "\n".join(overlaps)


def test_story_view_walks_the_five_stages(sized, voila_server, output_dir):
    page = sized
    width = page.viewport_size["width"]
    d = _open(page, voila_server)
    # opens at t = 0 with what will happen
    assert d.time_label() == 0.0
    assert "The process will write" in d.story_text()
    # the pool chart is on screen without scrolling
    box = d.figure_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"], box
    # every stage has a chip, readable at the whole-run zoom
    run = simulate(from_code(d.scenario_code()))
    chips = d.chips()
    assert [c["text"].split(" ")[0] for c in chips] == [str(s) for s, _, _ in run.stages]
    assert {1, 2, 3, 4, 5} <= {s for s, _, _ in run.stages}
    for chip in chips:
        assert chip["width"] >= 24, chips
    # the thresholds are labelled with value and meaning, overlap said
    labels = d.root.locator(".bqplot.figure text.label").all_text_contents()
    assert any(re.match(r"max \d+\.\d MiB = 25 % of RAM", t) for t in labels), labels
    assert any("the lines overlap" in t for t in labels), labels
    page.screenshot(path=str(output_dir / f"voila-{width}-open.png"))
    _assert_no_overlaps(d, page)
    page.screenshot(path=str(output_dir / f"voila-{width}-open.png"))
    # each chip zooms the pool chart to its stage
    for i, (stage, _, _) in enumerate(run.stages[:5]):
        lo, hi = _window(run, stage)
        d.click_chip(i)
        wait_until(
            page,
            d.x_range,
            lambda r, lo=lo, hi=hi: _spans(r, (lo, hi)),
            what=f"pool chart's time axis zoomed to stage {stage} ({lo:.3f}-{hi:.3f} s)",
        )
        wait_until(
            page, d.story_text, lambda text, s=stage: f"Stage {s} of" in text, what="stage text"
        )
        page.screenshot(path=str(output_dir / f"voila-{width}-stage{stage}.png"))
    d.button("whole run").click()
    wait_until(page, d.x_range, lambda r: _spans(r, (0.0, 30.0)), what="whole run")
    assert not page.console.errors, "\n".join(page.console.errors)


def test_knob_change_keeps_the_axes_and_leaves_a_ghost(dash: DashboardPage, page, output_dir):
    axes = dash.axis_ticks()
    before = dash.pool()
    start = int(dash.readout(MAX_POOL))
    dash.press(MAX_POOL, "ArrowLeft", 3)
    wait_until(page, lambda: dash.readout(MAX_POOL), lambda v: v == str(start - 3))
    wait_until(
        page,
        lambda: from_code(dash.scenario_code()).max_pool_percent,
        lambda v: v == start - 3,
        what="max_pool_percent in the scenario code",
    )
    config = from_code(dash.scenario_code())
    after = wait_until(page, dash.pool, lambda p: len(path_points(p["pool"])) > 10)
    ghost = page.evaluate(
        """root => { const g = [...root.querySelectorAll('g.curve')].find(c => [...c.querySelectorAll(
           'text.curve_label')].some(t => t.textContent === 'previous run'));
           return g ? g.querySelector('path.line').getAttribute('d') || '' : ''; }""",
        dash.root.element_handle(),
    )
    assert len(path_points(ghost)) > 10, "no ghost of the previous run"
    assert dash.axis_ticks() == axes, "the pool chart's axes moved"
    assert after["max_threshold"] != before["max_threshold"]  # the max line moved down
    run = simulate(config)
    page.wait_for_function(
        "args => args.root.innerText.includes(args.text)",
        arg={"root": dash.root.element_handle(), "text": f"elapsed {run.elapsed_s:.2f} s"},
    )
    dash.screenshot(output_dir / "voila-after-knob.png")


def test_bad_input_is_refused_with_a_message(dash: DashboardPage, page, output_dir):
    code0 = dash.scenario_code()
    dash.type_value(MAX_POOL, "150")
    page.wait_for_function(
        "root => root.innerText.includes('Not applied')", arg=dash.root.element_handle()
    )
    assert "max_pool_percent = 150 is not allowed: must be a whole number from 1 to 100" in (
        dash.error_text()
    )
    assert dash.readout(MAX_POOL) == "150"  # what was typed stays
    assert dash.scenario_code() == code0
    dash.screenshot(output_dir / "voila-error.png")
    dash.type_value(MAX_POOL, "25")
    page.wait_for_function(
        "root => !root.innerText.includes('Not applied')", arg=dash.root.element_handle()
    )
    for text in ("3.7", "1e3", "-5", "abc"):
        dash.type_value("seed", text)
        said = f"seed = {text if text == '-5' else repr(text)} is not allowed: must be"
        page.wait_for_function(
            "args => args.root.innerText.includes(args.text)",
            arg={"root": dash.root.element_handle(), "text": said},
        )
        assert dash.root.locator(".zsw-knob-seed input").first.input_value() == text
        assert dash.scenario_code() == code0
    assert "Traceback" not in page.inner_text("body")


def test_a_long_run_dims_the_charts_under_a_progress_bar(dash: DashboardPage, page):
    dash.root.locator(".widget-dropdown select").filter(
        has=page.locator("option", has_text="load a scenario")
    ).select_option(label="cover letter, all patches (full scale)")
    page.wait_for_function(
        "root => root.classList.contains('zsw-busy')", arg=dash.root.element_handle(), polling=50
    )
    overlay = dash.root.locator(".zsw-overlay")
    overlay.wait_for(state="visible", timeout=2000)  # its layout message follows the class's
    assert "simulating" in overlay.inner_text()
    opacity = dash.root.locator(".zsw-dim").first.evaluate("e => getComputedStyle(e).opacity")
    page.wait_for_function(
        "root => !root.classList.contains('zsw-busy')", arg=dash.root.element_handle()
    )
    assert float(opacity) < 0.5
    page.wait_for_function(
        "root => root.innerText.includes('full scale: 1024 MiB VM, 2048 MiB allocated')",
        arg=dash.root.element_handle(),
    )


def test_compare_mode_names_both_kernels(dash: DashboardPage, page, output_dir):
    dash.button("compare with").click()
    pool = wait_changed(page, lambda: dash.pool()["pool_b"], "", what="the second pool line")
    assert len(path_points(pool)) > 10
    assert len(dash.chips(1)) >= 4  # the second run's strip
    ticks = dash.axis_ticks("elapsed (s)")[0]
    assert "patches-1-6" in ticks and "patches-1-3" in ticks and "A" not in ticks
    assert "patches-1-3 (dashed" in dash.status_text()
    dash.screenshot(output_dir / "voila-compare.png")


def test_console_clean(dash: DashboardPage, page) -> None:
    """Load, re-run by keyboard, walk a stage, compare: no console error and no warning at all.

    Webpack's "Unsatisfied version" warnings would show here: the pins (voila 0.5.8 with
    jupyterlab_widgets 3.0.13, whose shared-scope requirements its JupyterLab 4.2.5 page core
    meets) keep them away; a newer Voila 0.5.x or jupyterlab_widgets brings them back."""
    code0 = dash.scenario_code()
    dash.press(MAX_POOL, "ArrowRight")
    wait_changed(page, dash.scenario_code, code0, what="scenario code")
    dash.button("next stage").click()
    page.wait_for_timeout(500)
    dash.button("compare with").click()
    wait_changed(page, lambda: dash.pool()["pool_b"], "", what="the second pool line")
    assert not page.console.errors, "\n".join(page.console.errors)
    warnings = [e for e in page.console.entries if e.startswith(("warning:", "error:"))]
    assert warnings == [], "\n".join(warnings)
    counters = dash.counters()
    assert parse_number(counters["stored_pages"][1]) > 0
