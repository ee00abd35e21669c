"""Fixtures of the browser tests: Chromium through Python playwright, Voila serving the app
notebook and JupyterLab with a tutorial notebook, each on 127.0.0.1 with a free port.

Without a Chromium (or without playwright/voila/jupyterlab) the tests skip with a message that
says how to install it, except under CI (CI=true), where they fail instead.
Screenshots go to test-output/browser/ at the top of the checkout (ignored by git).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import (
    INSTALL_HINT,
    REPO,
    ConsoleLog,
    Server,
    app_notebook,
    find_chromium,
    lab_notebook,
    launch_chromium,
    start_lab,
    start_voila,
)

OUTPUT = REPO / "test-output" / "browser"
# tall enough for the whole dashboard: nothing is off screen (JupyterLab hides off-screen output)
VIEWPORT = {"width": 1400, "height": 2600}
PAGE_TIMEOUT_MS = 60_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _missing(what: str) -> None:
    message = f"browser tests need {what}: {INSTALL_HINT}"
    if _in_ci():
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    for module in ("playwright", "voila", "jupyterlab", "nbformat"):
        if importlib.util.find_spec(module) is None:
            _missing(f"the Python package {module}")
    path = find_chromium()
    if path is None:
        _missing("a Chromium executable (none at /usr/bin/chromium, none on PATH)")
    return path


@pytest.fixture(scope="module")  # stopped after each module: its event loop must not outlive them
def browser(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p, chromium_path)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Where screenshots go; a .gitignore inside keeps git from seeing them."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    ignore = OUTPUT.parent / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return OUTPUT


def _server(request: pytest.FixtureRequest, server: Server) -> Server:
    def stop() -> None:
        server.stop()
        # keep the server's log with the screenshots for a reviewer
        shutil.copyfile(server.log, OUTPUT / f"{server.name}.log")

    request.addfinalizer(stop)
    return server


@pytest.fixture(scope="session")
def voila_server(
    request: pytest.FixtureRequest, chromium_path: str, tmp_path_factory, output_dir: Path
) -> Server:
    workdir = tmp_path_factory.mktemp("voila")
    return _server(request, start_voila(workdir, app_notebook(workdir)))


@pytest.fixture(scope="session")
def lab_server(
    request: pytest.FixtureRequest, chromium_path: str, tmp_path_factory, output_dir: Path
) -> tuple[Server, str]:
    workdir = tmp_path_factory.mktemp("lab")
    server = start_lab(workdir)
    notebook = lab_notebook(workdir / "root")
    return _server(request, server), notebook.name


def _page(browser: Any, viewport: dict) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    pg = context.new_page()
    pg.console = ConsoleLog(pg)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page with its console recorded as `page.console` (a ConsoleLog)."""
    yield from _page(browser, VIEWPORT)


# The sizes a student's screen has: a small laptop and a common desktop.
SIZES = [(1024, 768), (1440, 900)]


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def sized(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page of each size in SIZES (console recorded as in `page`)."""
    width, height = request.param
    yield from _page(browser, {"width": width, "height": height})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium against Voila or JupyterLab")
