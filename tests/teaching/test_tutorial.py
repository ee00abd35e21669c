"""`zswap-widgets tutorial`: copying the notebooks, the server command, and a real Voila server."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from binder_venv import binder_python

from zswap_widgets.cli import main
from zswap_widgets.teaching import tutorial

REPO_NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_notebooks_come_from_the_package_or_the_repository():
    src = tutorial.notebooks_source()
    assert (src / tutorial.APP_NOTEBOOK).is_file()
    assert (src / tutorial.FIRST_NOTEBOOK).is_file()


def test_copy_never_overwrites_a_students_edits(tmp_path):
    copied, kept = tutorial.copy_notebooks(tmp_path)
    assert kept == [] and tutorial.APP_NOTEBOOK in copied
    assert sorted(copied) == sorted(p.name for p in REPO_NOTEBOOKS.glob("*.ipynb"))
    mine = tmp_path / tutorial.FIRST_NOTEBOOK
    mine.write_text("my edits")
    (tmp_path / tutorial.APP_NOTEBOOK).unlink()
    copied, kept = tutorial.copy_notebooks(tmp_path)
    assert copied == [tutorial.APP_NOTEBOOK]
    assert tutorial.FIRST_NOTEBOOK in kept
    assert mine.read_text() == "my edits"


@pytest.mark.parametrize("app", ["lab", "notebook", "voila"])
def test_server_command_uses_this_python_and_listens_on_localhost(app, tmp_path):
    cmd = tutorial.server_command(app, tmp_path, port=9999, open_browser=False)
    assert cmd[:3] == [sys.executable, "-m", tutorial.APPS[app]]
    assert "--port=9999" in cmd and "--no-browser" in cmd
    assert any(a.endswith("ip=127.0.0.1") for a in cmd)
    if app == "voila":
        assert cmd[3] == str(tmp_path / "app.ipynb")
    else:
        assert f"--ServerApp.root_dir={tmp_path}" in cmd
    with pytest.raises(ValueError, match="unknown app"):
        tutorial.server_command("jupyter", tmp_path)


def test_cli_copies_then_execs_the_server(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    monkeypatch.setattr(os, "chdir", lambda path: calls.append(("chdir", path)))
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: calls.append(("execv", argv, env)))
    target = tmp_path / "tut"
    main(["tutorial", "--app", "voila", "--dir", str(target), "--no-browser", "--port", "8899"])
    out = capsys.readouterr().out
    assert f"tutorial folder: {target}" in out and "copied:" in out
    assert ("chdir", target) in calls
    argv, env = next(c[1:] for c in calls if c[0] == "execv")
    assert argv[2] == "voila" and argv[3] == str(target / "app.ipynb") and "--port=8899" in argv
    assert "--template=zswap" in argv
    assert env["JUPYTER_PATH"].split(os.pathsep)[0] == str(tutorial.JUPYTER_DATA)
    assert (tutorial.JUPYTER_DATA / "voila" / "templates" / "zswap" / "index.html.j2").is_file()
    calls.clear()
    main(["tutorial", "--app", "lab", "--dir", str(target)])
    out = capsys.readouterr().out
    assert "kept your existing copies (not overwritten)" in out
    argv = next(c[1] for c in calls if c[0] == "execv")
    assert argv[2] == "jupyterlab" and "--no-browser" not in argv


def test_cli_says_how_to_install_a_missing_front_end(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert main(["tutorial", "--app", "notebook", "--dir", str(tmp_path)]) == 2
    assert "pip install 'zswap-widgets[lab]'" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_cli_rejects_an_unknown_app(capsys):
    assert main(["tutorial", "--app", "jupyter"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "argument --app: invalid choice: 'jupyter'" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _voila_python(tmp_path_factory) -> str:
    """This interpreter when it has voila and ipykernel, else the binder venv's."""
    if all(importlib.util.find_spec(m) for m in ("voila", "ipykernel")):
        return sys.executable
    return str(binder_python(tmp_path_factory))


@pytest.mark.slow
def test_voila_tutorial_serves_the_app_notebook_on_localhost(tmp_path, tmp_path_factory):
    python = _voila_python(tmp_path_factory)
    port = _free_port()
    folder = tmp_path / "tutorial"
    log = (tmp_path / "server.log").open("w")
    cmd = [python, "-m", "zswap_widgets", "tutorial", "--app", "voila", "--no-browser"]
    cmd += ["--port", str(port), "--dir", str(folder)]
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", "")}
    if python != sys.executable:
        env["PYTHONPATH"] = ""
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        page = ""
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "server.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(url, timeout=60) as r:
                    if r.status == 200:
                        page = r.read().decode("utf-8", "replace")
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert page, f"no answer from {url}: " + (tmp_path / "server.log").read_text()[-3000:]
        assert "zswap: the five stages of reclaim" in page  # the app notebook's title, rendered
        assert "application/vnd.jupyter.widget-view+json" in page  # Dashboard() ran: a widget
        assert (folder / "app.ipynb").is_file() and (folder / tutorial.FIRST_NOTEBOOK).is_file()
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()
