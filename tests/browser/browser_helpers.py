"""Shared by the browser tests and `benchmarks/bench_browser.py`.

Finds a Chromium to drive with Python playwright (Playwright's own browser download is not
used), starts Voila and JupyterLab on 127.0.0.1 with a free port, and drives one zswap
`Dashboard` in a page (`DashboardPage`): its sliders by keyboard, its charts read from the SVG.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
LAB_NOTEBOOK = "02-five-stages.ipynb"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)
INSTALL_HINT = (
    "install Debian's Chromium (`sudo apt-get install -y chromium`, as .ci/run does) "
    "or set ZSWAP_CHROMIUM=/path/to/chromium, and `pip install -e '.[test]'` for playwright, "
    "voila and jupyterlab (Playwright's own browser download is not used)"
)
# Lab extensions a Voila page has no use for and that fail to load in it (console errors):
# Notebook 7's (RUNTIME-012) and nbgrader's (needs JupyterLab's file browser).
VOILA_EXTENSION_DENYLIST = '["@jupyter-notebook/lab-extension", "@jupyter/nbgrader"]'
# Console errors that are not the dashboard's (known upstream noise of Voila 0.5):
# the page is offline (Font Awesome from a CDN), Voila's shutdown beacon has no _xsrf (403 at
# unload).
ALLOWED_CONSOLE_ERRORS = (
    re.compile(r"net::ERR_NAME_NOT_RESOLVED"),
    re.compile(r"net::ERR_INTERNET_DISCONNECTED"),
    re.compile(r"_xsrf|xsrf", re.IGNORECASE),
    re.compile(r"403 \(Forbidden\).*shutdown|shutdown.*403"),
    re.compile(r"RUNTIME-012"),
)
ALLOWED_CONSOLE_URLS = (re.compile(r"^https?://(?!127\.0\.0\.1[:/])"),)  # anything not ours

DASHBOARD_TITLE = "zswap: the five stages of reclaim"


# ---------------------------------------------------------------------------------- Chromium
def find_chromium() -> str | None:
    """A Chromium/Chrome executable: $ZSWAP_CHROMIUM, a usual path, or one on PATH."""
    env = os.environ.get("ZSWAP_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    for path in CHROMIUM_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_chromium(playwright: Any, executable: str) -> Any:
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)


# ---------------------------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A Jupyter server started by us; `stop()` ends it (and its kernels) by its own pid."""

    name: str
    proc: subprocess.Popen
    url: str
    log: Path
    root_dir: Path | None = None

    def log_tail(self, n: int = 40) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(lines[-n:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def server_env(workdir: Path) -> dict[str, str]:
    """The environment of a server and its kernels: this checkout first on sys.path, and
    Jupyter's config, runtime and Lab settings/workspaces in workdir (no user config)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    for var, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
    ):
        (workdir / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(workdir / sub)
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    return env


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status < 500
    except Exception:
        return False


def start_server(
    name: str, cmd: list[str], workdir: Path, url: str, probe: str, timeout_s: float = 90
) -> Server:
    log = workdir / f"{name}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=workdir,
            env=server_env(workdir),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, proc, url, log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}:\n{server.log_tail()}")
        if _ready(probe):
            return server
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"{name} did not answer {probe} in {timeout_s:.0f} s:\n{server.log_tail()}")


def write_notebook(path: Path, title: str, code: str) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(title), nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def app_notebook(workdir: Path) -> Path:
    """notebooks/app.ipynb copied into workdir; written with the same content if it is absent."""
    dest = workdir / "app.ipynb"
    src = NOTEBOOKS / "app.ipynb"
    if src.exists():
        shutil.copyfile(src, dest)
        return dest
    return write_notebook(
        dest,
        "# zswap: the five stages of reclaim",
        "from zswap_widgets import Dashboard\n\nDashboard()",
    )


def lab_notebook(workdir: Path) -> Path:
    """The tutorial notebook for the JupyterLab test (notebooks/02-five-stages.ipynb), else a
    small one that displays a Dashboard."""
    src = NOTEBOOKS / LAB_NOTEBOOK
    if src.exists():
        dest = workdir / src.name
        shutil.copyfile(src, dest)
        return dest
    return write_notebook(
        workdir / "dashboard.ipynb",
        "# zswap dashboard",
        "from zswap_widgets import Dashboard\n\ndash = Dashboard()\ndash",
    )


def start_voila(workdir: Path, notebook: Path) -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.show_tracebacks=True",
        f"--VoilaConfiguration.extension_denylist={VOILA_EXTENSION_DENYLIST}",
        str(notebook),
    ]
    # GET / would start a kernel: probe a static file instead.
    return start_server("voila", cmd, workdir, url, f"{url}/voila/static/voila.js")


LAB_SETTINGS = {
    # every cell rendered, also off screen (JupyterLab 4's windowing detaches them)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # no news or PyPI look-ups from an offline machine
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}


def start_lab(workdir: Path) -> Server:
    root = workdir / "root"
    root.mkdir(exist_ok=True)
    settings = workdir / "lab-settings"
    for rel, values in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
        f"--ServerApp.root_dir={root}",
    ]
    server = start_server("jupyterlab", cmd, workdir, url, f"{url}/api/status")
    server.root_dir = root
    return server


# ---------------------------------------------------------------------------------- console
def is_allowed_console_error(text: str, url: str = "") -> bool:
    if any(p.search(text) for p in ALLOWED_CONSOLE_ERRORS):
        return True
    return (
        bool(url)
        and "Failed to load resource" in text
        and any(p.search(url) for p in ALLOWED_CONSOLE_URLS)
    )


class ConsoleLog:
    """Console errors and uncaught page errors of one page."""

    def __init__(self, page: Any) -> None:
        self.entries: list[str] = []
        self.errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _on_console(self, msg: Any) -> None:
        url = (msg.location or {}).get("url", "")
        self.entries.append(f"{msg.type}: {msg.text} ({url})")
        if msg.type == "error" and not is_allowed_console_error(msg.text, url):
            self.errors.append(f"console error: {msg.text} ({url})")


# ---------------------------------------------------------------------------------- dashboard
# JS helpers evaluated in the page; `fig` is a `.bqplot.figure` element.
_JS_FIGURE = """
(root, title) => [...root.querySelectorAll('.bqplot.figure')].find(
    f => (f.querySelector('text.mainheading') || {}).textContent === title)
"""
_JS_POOL = (
    """
(root, args) => {
  const figure = """
    + _JS_FIGURE
    + """;
  const fig = figure(root, args.title);
  if (!fig) return null;
  const curve = label => {
    const g = [...fig.querySelectorAll('g.curve')].find(c => [...c.querySelectorAll(
        'text.curve_label')].some(t => t.textContent === label));
    return g ? g.querySelector('path.line') : null;
  };
  const visible = p => !!p && getComputedStyle(p).visibility !== 'hidden' &&
      getComputedStyle(p).display !== 'none';
  const a = curve('pool') || curve('pool (A)');
  const b = curve('pool (B)');
  const lines = [...fig.querySelectorAll('g.curve path.line')];
  const bands = lines.filter(p => { const f = p.style.fill; return f && f !== 'none'; });
  const cursor = lines.find(p => p.style.stroke === 'black' && p.style.strokeWidth === '1');
  const svg = fig.querySelector('svg.svg-figure');
  return {
    pool: a ? a.getAttribute('d') || '' : null,
    pool_b: b && visible(b) ? b.getAttribute('d') || '' : '',
    bands: bands.map(p => [p.style.fill, p.getAttribute('d') || '',
                           getComputedStyle(p).opacity]),
    band_labels: [...fig.querySelectorAll('text.label')].map(t => t.textContent),
    cursor: cursor && visible(cursor) ? cursor.getAttribute('d') || '' : '',
    svg_children: svg ? svg.childElementCount : 0,
  };
}
"""
)
_JS_FIGURES = """
root => [...root.querySelectorAll('.bqplot.figure')].map(f => ({
  title: (f.querySelector('text.mainheading') || {}).textContent || '',
  sweep: f.classList.contains('zswap-sweep-heatmap'),
  paths: [...f.querySelectorAll('path.line, rect.bar, path.area')].filter(
      p => (p.getAttribute('d') || p.getAttribute('height') || '').length > 0).length,
  width: f.getBoundingClientRect().width, height: f.getBoundingClientRect().height,
}))
"""
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def path_points(d: str) -> list[tuple[float, float]]:
    """The (x, y) points of an SVG path of M/L commands (what bqplot writes for Lines)."""
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", d)]
    return list(zip(nums[0::2], nums[1::2], strict=False))


class DashboardPage:
    """One Dashboard in a page (Voila or a JupyterLab notebook): the first one on the page."""

    POOL_TITLE = "zswap pool (MiB)"

    def __init__(self, page: Any) -> None:
        self.page = page
        title = page.locator("h3", has_text=DASHBOARD_TITLE).first
        self.root = title.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")

    # -- waiting
    def wait_rendered(self, timeout_ms: float = 120_000) -> None:
        """Until every figure of the dashboard has drawn its SVG and the pool line is there.

        Fails at once if the page shows a failed cell (Voila's message or a Lab error output)."""
        state = self.page.wait_for_function(
            f"""args => {{
              const body = document.body.innerText;
              if (body.includes('There was an error when executing cell') ||
                  document.querySelector("[data-mime-type='application/vnd.jupyter.error']") ||
                  document.querySelector("[data-mime-type='application/vnd.jupyter.stderr']"))
                return 'error: ' + body.slice(-3000);
              const h = [...document.querySelectorAll('h3')].find(
                  e => e.textContent.includes(args.heading));
              const root = h && h.closest('.widget-vbox');
              if (!root) return false;
              const figs = root.querySelectorAll('.bqplot.figure svg.svg-figure');
              if (figs.length < 9 || ![...figs].every(
                  s => s.querySelector('g') && s.getBoundingClientRect().width > 0)) return false;
              const r = ({_JS_POOL})(root, args);
              return r && r.pool ? 'ok' : false;
            }}""",
            arg={"heading": DASHBOARD_TITLE, "title": self.POOL_TITLE},
            timeout=timeout_ms,
            polling=250,
        ).json_value()
        assert state == "ok", f"the notebook failed in the page:\n{state}"

    # -- reading
    def figures(self) -> list[dict]:
        """The charts of the run (not the sweep panel's heatmap)."""
        return [f for f in self.all_figures() if not f["sweep"]]

    def all_figures(self) -> list[dict]:
        return self.root.evaluate(_JS_FIGURES)

    def pool(self) -> dict:
        return self.page.evaluate(
            f"args => ({_JS_POOL})(args.root, args)",
            {"root": self.root.element_handle(), "title": self.POOL_TITLE},
        )

    def control(self, label: str, kind: str = ".widget-slider") -> Any:
        """The widget of class `kind` whose description label is exactly `label`."""
        return (
            self.root.locator(kind)
            .filter(
                has=self.page.locator(".widget-label", has_text=re.compile(rf"^{re.escape(label)}"))
            )
            .first
        )

    def slider_handle(self, label: str) -> Any:
        return self.control(label).locator(".noUi-handle").first

    def readout(self, label: str) -> str:
        return self.control(label).locator(".widget-readout").first.inner_text().strip()

    def press(self, label: str, key: str, times: int = 1) -> None:
        handle = self.slider_handle(label)
        handle.focus()
        for _ in range(times):
            handle.press(key)

    def dropdown(self, label: str) -> Any:
        return self.control(label, ".widget-dropdown").locator("select")

    def button(self, text: str) -> Any:
        return self.root.locator("button", has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).first

    def scenario_code(self) -> str:
        return self.control("scenario code", ".widget-text").locator("input").input_value()

    def status_text(self) -> str:
        return self.root.locator(".widget-html", has_text="elapsed").first.inner_text()

    def time_label(self) -> float:
        text = self.root.locator(".widget-label", has_text=re.compile(r"^t = ")).first.inner_text()
        return float(re.search(r"t = (-?[\d.]+) s", text).group(1))

    def error_text(self) -> str:
        box = self.root.locator(".widget-html", has_text="Not applied")
        return box.first.inner_text() if box.count() else ""

    def counters(self) -> dict[str, tuple[str, str]]:
        """The counters table: name -> (value at the scrubber's time, value at the end)."""
        rows = self.root.locator("table tr").evaluate_all(
            "rows => rows.map(r => [...r.querySelectorAll('td')].map(c => c.textContent.trim()))"
        )
        return {r[0]: (r[1], r[2]) for r in rows if len(r) == 3}

    def screenshot(self, path: Path) -> Path:
        """The whole dashboard (the viewport is made tall enough for it first)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        height = int(self.root.evaluate("e => e.scrollHeight")) + 300
        size = self.page.viewport_size
        if size and size["height"] < height:
            self.page.set_viewport_size({"width": size["width"], "height": height})
            self.page.wait_for_timeout(300)
        self.root.scroll_into_view_if_needed()
        self.root.screenshot(path=str(path))
        return path


def wait_changed(page: Any, fn: Any, old: Any, timeout_s: float = 60, what: str = "") -> Any:
    """Poll fn() until it differs from old; return the new value."""
    deadline = time.monotonic() + timeout_s
    while True:
        new = fn()
        if new != old:
            return new
        if time.monotonic() > deadline:
            raise AssertionError(f"{what or 'value'} did not change in {timeout_s} s: {old!r}")
        page.wait_for_timeout(100)


def wait_until(page: Any, fn: Any, pred: Any, timeout_s: float = 30, what: str = "") -> Any:
    """Poll fn() until pred(value); return the value (AssertionError with the last one)."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = fn()
        if pred(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what or 'value'} after {timeout_s} s: {value!r}")
        page.wait_for_timeout(100)


def parse_number(text: str) -> float:
    m = _NUMBER.search(text)
    if not m:
        raise ValueError(f"no number in {text!r}")
    return float(m.group(0).replace(",", ""))


@contextlib.contextmanager
def voila_app(workdir: Path):
    """Voila serving the app notebook, for the benchmark."""
    server = start_voila(workdir, app_notebook(workdir))
    try:
        yield server
    finally:
        server.stop()
