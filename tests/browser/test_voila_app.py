"""The app notebook served by Voila, in headless Chromium: the Dashboard renders, responds to the
keyboard, plays, compares two kernels and shows invalid input as an error, with a clean console.

What the page shows is checked against a fresh local `simulate()` of the configuration the page
itself reports (its scenario code field): Voila gives no access to its kernel.
"""

from __future__ import annotations

import pytest
from browser_helpers import DashboardPage, parse_number, path_points, wait_changed, wait_until

from zswap_widgets import simulate
from zswap_widgets.model.scenario import from_code
from zswap_widgets.widgets.view import labelled_bands, nice_ceil

pytestmark = pytest.mark.browser

MAX_POOL = "max_pool_percent"


@pytest.fixture
def dash(page, voila_server) -> DashboardPage:
    page.goto(f"{voila_server.url}/")
    d = DashboardPage(page)
    d.wait_rendered()
    return d


def _cursor_x(d: DashboardPage) -> float:
    pts = path_points(d.pool()["cursor"])
    assert pts, "the time marker (dashed cursor) of the pool chart is not visible"
    return pts[0][0]


def _band_labels(run) -> list[str]:
    """The band labels: "stage N" on bands wide enough for it (axis end: nice_ceil(run end))."""
    x_max = nice_ceil(float(run.series["t_s"][-1]))
    return [f"stage {s}" for s, _, _ in labelled_bands(run.stages, x_max)]


def _assert_page_shows(d: DashboardPage, page) -> None:
    """The page's status, counters and stage bands are those of a fresh local run of the
    configuration in its scenario code field."""
    config = from_code(d.scenario_code())
    run = simulate(config)
    expected = f"kernel {config.kernel}: elapsed {run.elapsed_s:.2f} s"
    deadline = 30_000
    page.wait_for_function(
        "args => args.root.innerText.includes(args.text)",
        arg={"root": d.root.element_handle(), "text": expected},
        timeout=deadline,
    )
    shown = d.counters()
    for name in ("stored_pages", "written_back_pages", "pool_limit_hit", "pswpout", "zswpout"):
        assert parse_number(shown[name][1]) == run.counters[name], name
    pool = d.pool()
    assert len(pool["bands"]) == len(run.stages), (pool["bands"], run.stages)
    assert pool["band_labels"] == _band_labels(run)
    return config


def test_renders(dash: DashboardPage, output_dir) -> None:
    figures = dash.figures()
    titles = [f["title"] for f in figures]
    assert len(figures) == 9, titles
    for f in figures:
        assert f["paths"] > 0 and f["width"] > 100 and f["height"] > 100, f
    pool = dash.pool()
    assert len(path_points(pool["pool"])) > 10, "pool line has no points"
    assert pool["bands"], "no stage bands"
    assert all(d for _, d, _ in pool["bands"]), "a stage band has no path"
    assert any(label.startswith("stage ") for label in pool["band_labels"]), pool["band_labels"]
    counters = dash.counters()
    assert parse_number(counters["stored_pages"][1]) > 0, counters
    assert parse_number(counters["pswpout"][1]) > 0, counters
    dash.screenshot(output_dir / "voila-app.png")
    # drawn last: the bands must be seen, not only be in the DOM
    opacities = [float(o) for _, _, o in pool["bands"]]
    assert all(o > 0 for o in opacities), (
        f"stage bands are drawn fully transparent (computed opacity {opacities}): "
        "Charts._show_bands sets bands.opacities = [0.0], which hides the fill too"
    )


def test_keyboard_slider_reruns_and_python_agrees(dash: DashboardPage, page, output_dir) -> None:
    before = dash.pool()
    code0 = dash.scenario_code()
    start = int(dash.readout(MAX_POOL))
    dash.press(MAX_POOL, "ArrowRight", 3)
    assert wait_changed(page, lambda: dash.readout(MAX_POOL), str(start)) == str(start + 3)
    after = wait_changed(page, lambda: dash.pool()["pool"], before["pool"], what="pool line")
    wait_changed(page, dash.scenario_code, code0, what="scenario code")
    config = _assert_page_shows(dash, page)
    assert config.max_pool_percent == start + 3 == int(dash.readout(MAX_POOL))
    assert dash.pool()["bands"] != before["bands"], "stage bands did not move"
    assert after != before["pool"]
    # one step back: the run comes back to what the page shows for start + 2
    dash.press(MAX_POOL, "ArrowLeft")
    wait_changed(page, lambda: dash.pool()["pool"], after, what="pool line")
    wait_until(
        page,
        lambda: from_code(dash.scenario_code()).max_pool_percent,
        lambda v: v == start + 2,
        what="max_pool_percent in the scenario code",
    )
    _assert_page_shows(dash, page)
    dash.screenshot(output_dir / "voila-after-slider.png")


def test_play_scrub_reset(dash: DashboardPage, page, output_dir) -> None:
    code0 = dash.scenario_code()
    dash.press(MAX_POOL, "ArrowLeft", 2)
    code = wait_changed(page, dash.scenario_code, code0, what="scenario code")
    value = dash.readout(MAX_POOL)
    t_end = dash.time_label()
    play = dash.root.locator(".widget-play button")
    play.nth(0).click()  # ▶: from the end it starts again at 0
    page.wait_for_function(
        "root => /t = (\\d+\\.\\d+) s/.test(root.innerText) && "
        "parseFloat(root.innerText.match(/t = (\\d+\\.\\d+) s/)[1]) > 0.3 && "
        f"parseFloat(root.innerText.match(/t = (\\d+\\.\\d+) s/)[1]) < {t_end}",
        arg=dash.root.element_handle(),
        timeout=30_000,
    )
    t1, x1 = dash.time_label(), _cursor_x(dash)
    page.wait_for_timeout(700)
    t2, x2 = dash.time_label(), _cursor_x(dash)
    assert t2 > t1 and x2 > x1, f"playing did not advance: t {t1} -> {t2}, marker x {x1} -> {x2}"
    play.nth(0).click()  # the same button pauses (ipywidgets 8: play/pause, stop, repeat)
    page.wait_for_timeout(400)
    t3 = dash.time_label()
    page.wait_for_timeout(500)
    assert dash.time_label() == t3, "still playing after pause"
    x3 = _cursor_x(dash)
    dash.press("time", "PageDown", 3)
    t4 = wait_changed(page, dash.time_label, t3, what="time after scrubbing")
    assert t4 < t3 and _cursor_x(dash) < x3, f"scrubbing back: t {t3} -> {t4}"
    dash.screenshot(output_dir / "voila-scrubbed.png")
    dash.button("Reset").click()
    seen = []
    wait_until(
        page,
        lambda: seen.append(dash.time_label()) or seen[-1],
        lambda t: t == 0.0,
        timeout_s=10,
        what="time after Reset",
    )
    page.wait_for_timeout(1000)
    assert dash.time_label() == 0.0, f"after Reset the time went on: {seen} -> {dash.time_label()}"
    assert dash.readout(MAX_POOL) == value, "Reset changed the slider"
    assert dash.scenario_code() == code, "Reset changed the configuration"


def test_preset_and_compare_draw_both_runs(dash: DashboardPage, page, output_dir) -> None:
    code0 = dash.scenario_code()
    dash.dropdown("kernel").select_option("v6.10")
    wait_changed(page, dash.scenario_code, code0, what="scenario code")
    config = _assert_page_shows(dash, page)
    assert config.kernel == "v6.10"
    assert dash.pool()["pool_b"] == "", "run B drawn outside compare mode"
    pool_a = dash.pool()["pool"]
    dash.button("compare").click()
    pool = wait_changed(page, lambda: dash.pool()["pool_b"], "", what="run B's pool line")
    pool = dash.pool()
    assert len(path_points(pool["pool"])) > 10 and len(path_points(pool["pool_b"])) > 10
    assert pool["pool"] != pool["pool_b"], "A and B draw the same line"
    assert pool["pool"] != pool_a, "compare mode: run A is still the single run"
    dash.screenshot(output_dir / "voila-compare.png")


def test_invalid_combination_shows_error_not_traceback(
    dash: DashboardPage, page, output_dir
) -> None:
    dash.root.get_by_role("checkbox", name="auto", exact=True).first.uncheck()
    dash.press("shrink_start_percent", "ArrowLeft")  # 51 -> 50 = accept: still valid
    code0 = wait_until(
        page,
        dash.scenario_code,
        lambda code: from_code(code).shrink_start_percent == 50,
        what="shrink_start_percent 50 applied",
    )
    page.wait_for_timeout(500)  # let the re-run of the valid value finish drawing
    pool0 = dash.pool()["pool"]
    dash.press("shrink_start_percent", "ArrowLeft")  # 49: below accept (50)
    page.wait_for_function(
        "root => root.innerText.includes('Not applied')",
        arg=dash.root.element_handle(),
        timeout=30_000,
    )
    text = dash.error_text()
    assert "shrink_start_percent" in text and "accept_threshold_percent" in text, text
    assert "Traceback" not in page.inner_text("body")
    assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert dash.scenario_code() == code0, "an invalid configuration was applied"
    assert dash.pool()["pool"] == pool0
    dash.screenshot(output_dir / "voila-error.png")


def test_console_clean(dash: DashboardPage, page) -> None:
    """Load, re-run by keyboard, play, compare: no console error beyond the known noise."""
    code0 = dash.scenario_code()
    dash.press(MAX_POOL, "ArrowRight")
    wait_changed(page, dash.scenario_code, code0, what="scenario code")
    dash.root.locator(".widget-play button").nth(0).click()
    page.wait_for_timeout(1000)
    dash.button("compare").click()
    wait_changed(page, lambda: dash.pool()["pool_b"], "", what="run B's pool line")
    page.wait_for_timeout(500)
    assert not page.console.errors, "\n".join(page.console.errors)
