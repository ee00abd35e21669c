"""The dashboard's sweep panel in a real browser (the app notebook in Voila, headless Chromium):
open it, choose two knobs and their values, run the sweep, wait for the heatmap, click a cell and
see the dashboard load that configuration. Screenshots at 1024x768 and 1440x900 go to
test-output/browser/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_helpers import DashboardPage, wait_until

from zswap_widgets.model.scenario import from_code

pytestmark = pytest.mark.browser

_JS_CELLS = """root => [...root.querySelectorAll('g.heatmaprow')].map(
    g => [...g.querySelectorAll('rect.heatmapcell')].map(r => r.style.fill))"""


def _choose(page, label: str, knob: str, values: str) -> None:
    row = page.locator(".widget-hbox").filter(
        has=page.locator(".widget-dropdown .widget-label", has_text=re.compile(rf"^{label}$"))
    )
    row.locator("select").first.select_option(knob)
    field = row.locator(".widget-text input").first
    wait_until(page, field.input_value, lambda v: v != "", what=f"{label} default values")
    field.fill(values)
    field.press("Enter")


def test_choose_two_knobs_run_click_a_cell_and_the_dashboard_loads_it(
    page, voila_server, output_dir: Path
) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{voila_server.url}/")
    dash = DashboardPage(page)
    dash.wait_rendered()
    base = from_code(dash.scenario_code())
    assert [f["sweep"] for f in dash.all_figures()].count(
        True
    ) == 1  # the heatmap, below the charts
    panel = page.locator(".widget-vbox", has_text="Sweep two knobs").last
    panel.scroll_into_view_if_needed()

    _choose(page, "rows", "max_pool_percent", "10,25,40")
    _choose(page, "columns", "kernel", "patches-1-3,patches-1-6")
    page.locator("button", has_text="Run sweep").click()
    page.wait_for_function(
        "root => root.innerText.includes('done: 7 runs')",
        arg=panel.element_handle(),
        timeout=180_000,
    )
    fills = wait_until(
        page,
        lambda: panel.evaluate(_JS_CELLS),
        lambda f: (
            len(f) == 3 and all(len(r) == 2 and all(c.startswith("rgb") for c in r) for r in f)
        ),
        what="heatmap cells",
    )
    assert len({c for row in fills for c in row}) > 1  # the colours tell the cells apart
    text = panel.inner_text()
    assert "zswap off on the same machine and workload" in text
    panel.screenshot(path=str(output_dir / "sweep-panel-1024.png"))

    # row 2 is max_pool_percent = 40, column 0 is kernel patches-1-3
    panel.locator("g.heatmaprow").nth(2).locator("rect.heatmapcell").nth(0).click()
    wait_until(
        page,
        lambda: from_code(dash.scenario_code()),
        lambda c: c.max_pool_percent == 40 and c.kernel == "patches-1-3",
        timeout_s=60,
        what="the dashboard's configuration",
    )
    loaded = from_code(dash.scenario_code())
    assert loaded == base.replace(max_pool_percent=40, kernel="patches-1-3")
    page.wait_for_function(
        "root => root.innerText.includes('kernel patches-1-3: elapsed')",
        arg=dash.root.element_handle(),
        timeout=60_000,
    )
    assert "selected: max_pool_percent = 40, kernel = patches-1-3" in panel.inner_text()

    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_timeout(500)
    panel.screenshot(path=str(output_dir / "sweep-panel-1440.png"))
    page.screenshot(path=str(output_dir / "sweep-page-1440.png"))
    assert not page.console.errors, page.console.errors
