"""A tutorial notebook in JupyterLab, in headless Chromium: run all cells, then drive the
Dashboard it displays and read the kernel's own state through the page
(`window.jupyterapp`, exposed by `--LabApp.expose_app_in_browser=True`).

The notebook is notebooks/app.ipynb (the dashboard alone). Each test opens its own copy, so it
gets its own kernel. The story view is checked at 1024x768 and 1440x900 as in Voila.
"""

from __future__ import annotations

import json
import shutil
from itertools import count

import pytest
from browser_helpers import DashboardPage, wait_changed, wait_until

pytestmark = pytest.mark.browser

MAX_POOL = "max_pool_percent"
_copies = count(1)

_JS_KERNEL_READY = """() => {
  const app = window.jupyterapp; const w = app && app.shell.currentWidget;
  const ctx = w && w.sessionContext; const k = ctx && ctx.session && ctx.session.kernel;
  return !!(ctx && ctx.isReady && k && k.status === 'idle' && w.content && w.content.widgets);
}"""
_JS_ALL_RUN = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w.sessionContext.session.kernel;
  const prompts = [...document.querySelectorAll('.jp-InputArea-prompt')].map(p => p.textContent);
  return k.status === 'idle' && !prompts.some(p => p.includes('*')) &&
         prompts.some(p => /\\[\\d+\\]/.test(p));
}"""
_JS_EXECUTE = """async code => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, store_history: false, silent: false});
  let out = '', err = '';
  future.onIOPub = msg => {
    const t = msg.header.msg_type;
    if (t === 'stream') out += msg.content.text;
    else if (t === 'error') err += msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return {out, err};
}"""
# What the kernel holds: every Dashboard's controls, config, run, and a fresh run of its config.
_PY_STATE = """
import gc as _gc, json as _json
from zswap_widgets import Dashboard as _Dashboard, simulate as _simulate
_ds = [_o for _o in _gc.get_objects() if isinstance(_o, _Dashboard)]
_d = _ds[0]
_fresh = _simulate(_d.config)
print(_json.dumps({
    "dashboards": len(_ds),
    "control": _d.controls["max_pool_percent"].value,
    "max_pool_percent": _d.config.max_pool_percent,
    "kernel": _d.config.kernel,
    "shrink_start_percent": _d.config.shrink_start_percent,
    "shrink_start_control": _d.controls["shrink_start_percent"].value,
    "error": _d.error,
    "elapsed_s": _d.run.elapsed_s,
    "fresh_elapsed_s": _fresh.elapsed_s,
    "same_counters": _d.run.counters == _fresh.counters,
    "stages": [_s for _s, _t0, _t1 in _d.run.stages],
    "pool_points": int(len(_d.charts.marks["pool"].x)),
    "window": _d.window,
}))
"""


def kernel_state(page) -> dict:
    reply = page.evaluate(_JS_EXECUTE, _PY_STATE)
    assert not reply["err"], reply["err"]
    return json.loads(reply["out"].strip().splitlines()[-1])


def _open_lab(page, lab_server) -> DashboardPage:
    server, notebook = lab_server
    root = server.root_dir
    name = f"copy{next(_copies)}-{notebook}"
    shutil.copyfile(root / notebook, root / name)
    page.goto(f"{server.url}/lab/tree/{name}?reset")
    page.wait_for_function(_JS_KERNEL_READY, timeout=120_000, polling=250)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    d = DashboardPage(page)
    d.wait_rendered(timeout_ms=240_000)
    page.wait_for_function(_JS_ALL_RUN, timeout=240_000, polling=250)
    errors = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()
    return d


@pytest.fixture
def lab_dash(page, lab_server, output_dir) -> DashboardPage:
    return _open_lab(page, lab_server)


def test_lab_story_view_walks_the_five_stages(sized, lab_server, output_dir):
    page = sized
    width = page.viewport_size["width"]
    d = _open_lab(page, lab_server)
    d.root.scroll_into_view_if_needed()
    assert d.time_label() == 0.0 and "The process will write" in d.story_text()
    state = kernel_state(page)
    chips = d.chips()
    assert [int(c["text"].split(" ")[0]) for c in chips] == state["stages"]
    assert all(c["width"] >= 24 for c in chips), chips
    labels = d.root.locator(".bqplot.figure text.label").all_text_contents()
    assert any("= 25 % of RAM" in t for t in labels), labels
    window = None
    for i, stage in enumerate(state["stages"][:5]):
        previous = window
        d.click_chip(i)
        window = wait_until(
            page,
            lambda: kernel_state(page)["window"],
            lambda w, p=previous: w is not None and w != p,
            what="zoom",
        )
        wait_until(
            page,
            d.x_range,
            lambda r, w=window: all(
                abs(a - b) <= 0.01 * (w[1] - w[0]) + 1e-4 for a, b in zip(r, w, strict=False)
            ),
            what=f"the pool chart zoomed to stage {stage}",
        )
        wait_until(page, d.story_text, lambda t, s=stage: f"Stage {s} of" in t)
        d.figure_box()  # still there
        page.screenshot(path=str(output_dir / f"lab-{width}-stage{stage}.png"))
    assert not page.console.errors, "\n".join(page.console.errors)


def test_lab_renders_and_python_agrees_after_keyboard(lab_dash, page, output_dir) -> None:
    d = lab_dash
    figures = d.figures()
    assert len(figures) == 10 and all(f["paths"] > 0 for f in figures), figures
    pool = d.pool()
    assert pool["bands"] and pool["band_labels"] and pool["max_threshold"]
    assert d.counters()["stored_pages"][1] not in ("", "0")
    d.root.scroll_into_view_if_needed()
    d.screenshot(output_dir / "lab-notebook.png")
    state = kernel_state(page)
    assert state["dashboards"] == 1
    start = state["max_pool_percent"]
    assert int(d.readout(MAX_POOL)) == start == state["control"]

    d.press(MAX_POOL, "ArrowRight", 2)
    wait_changed(page, lambda: d.pool()["pool"], pool["pool"], timeout_s=120, what="pool line")
    assert d.readout(MAX_POOL) == str(start + 2)
    state = wait_changed(page, lambda: kernel_state(page)["max_pool_percent"], start)
    state = kernel_state(page)
    assert state["control"] == state["max_pool_percent"] == start + 2, state
    assert state["error"] == ""
    assert state["elapsed_s"] == state["fresh_elapsed_s"] and state["same_counters"], state
    page.wait_for_function(
        "args => args.root.innerText.includes(args.text)",
        arg={"root": d.root.element_handle(), "text": f"elapsed {state['elapsed_s']:.2f} s"},
        timeout=30_000,
    )
    after = d.pool()
    assert after["bands"] != pool["bands"], "stage bands did not move"
    assert len(after["bands"]) == len(state["stages"])
    d.screenshot(output_dir / "lab-after-slider.png")
    assert not page.console.errors, "\n".join(page.console.errors)


def test_lab_invalid_combination_shows_error(lab_dash, page, output_dir) -> None:
    d = lab_dash
    d.root.get_by_role("checkbox", name="auto", exact=True).first.uncheck()
    d.press("shrink_start_percent", "ArrowLeft", 1)  # accept + 1 -> accept: still valid
    wait_until(page, lambda: kernel_state(page)["shrink_start_percent"], lambda v: v == 50)
    before = kernel_state(page)
    d.press("shrink_start_percent", "ArrowLeft", 1)  # accept - 1: invalid
    page.wait_for_function(
        "root => root.innerText.includes('Not applied')",
        arg=d.root.element_handle(),
        timeout=60_000,
    )
    assert "shrink_start_percent" in d.error_text()
    state = kernel_state(page)
    assert "shrink_start_percent" in state["error"], state
    assert state["elapsed_s"] == before["elapsed_s"], "an invalid configuration was run"
    assert state["shrink_start_percent"] == 50 and state["shrink_start_control"] == 49, state
    assert "Traceback" not in page.inner_text("body")
    d.screenshot(output_dir / "lab-error.png")
    assert not page.console.errors, "\n".join(page.console.errors)
