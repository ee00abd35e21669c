"""`zswap-widgets tutorial`: copy the notebooks to a writable folder and open them.

The notebooks ship inside the package (``zswap_widgets/notebooks`` in the wheel); when running from
a source checkout they come from the repository's ``notebooks/``. Files that already exist in the
target folder are never overwritten, so a student's edits survive a second launch. The front end
runs as ``sys.executable -m jupyterlab|notebook|voila``: the same environment as this package, so
its kernel can import zswap_widgets. Servers listen on 127.0.0.1 only.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

APPS = {"lab": "jupyterlab", "notebook": "notebook", "voila": "voila"}
APP_NOTEBOOK = "app.ipynb"
FIRST_NOTEBOOK = "01-what-zswap-is.ipynb"
DEFAULT_DIR = Path("~/zswap-tutorial")
HOST = "127.0.0.1"
# The app's Voila template (jupyter/voila/templates/zswap, found through JUPYTER_PATH): Voila's
# lab template without its Font Awesome stylesheets from a CDN (Voila bundles Font Awesome; offline
# the links only log errors), and no JupyterLab-only extensions loaded into the page (Notebook 7's,
# Voila's own preview button, nbgrader's), whose code the page does not use.
VOILA_TEMPLATE = "zswap"
VOILA_EXTENSION_DENYLIST = (
    "@jupyter-notebook/lab-extension",
    "@voila-dashboards/jupyterlab-preview",
    "@jupyter/nbgrader",
)
JUPYTER_DATA = Path(__file__).resolve().parent / "jupyter"


def voila_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a Voila server needs to find the app's template."""
    env = dict(os.environ if env is None else env)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(JUPYTER_DATA), env.get("JUPYTER_PATH", "")) if p
    )
    return env


def notebooks_source() -> Path:
    """Where the shipped notebooks are: inside the installed package, else the repository."""
    packaged = files("zswap_widgets") / "notebooks"
    if packaged.is_dir():
        return Path(str(packaged))
    repo = Path(__file__).resolve().parents[2] / "notebooks"
    if repo.is_dir():
        return repo
    raise FileNotFoundError(
        "the tutorial notebooks are missing: neither zswap_widgets/notebooks (installed package) "
        f"nor {repo} (source checkout) exists"
    )


def copy_notebooks(dest: Path, source: Path | None = None) -> tuple[list[str], list[str]]:
    """Copy every .ipynb of source into dest. Returns (copied, kept): kept files already existed."""
    source = notebooks_source() if source is None else source
    dest.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for nb in sorted(source.glob("*.ipynb")):
        target = dest / nb.name
        if target.exists():
            kept.append(nb.name)
        else:
            shutil.copyfile(nb, target)
            copied.append(nb.name)
    return copied, kept


def server_command(
    app: str,
    directory: Path,
    *,
    port: int | None = None,
    open_browser: bool = True,
    python: str | None = None,
) -> list[str]:
    """The command that serves `directory` with `app` (voila shows app.ipynb only)."""
    if app not in APPS:
        raise ValueError(f"unknown app {app!r}; choose one of {', '.join(APPS)}")
    cmd = [python or sys.executable, "-m", APPS[app]]
    if app == "voila":
        denied = ",".join(f'"{name}"' for name in VOILA_EXTENSION_DENYLIST)
        cmd += [
            str(directory / APP_NOTEBOOK),
            f"--Voila.ip={HOST}",
            f"--template={VOILA_TEMPLATE}",
            f"--VoilaConfiguration.extension_denylist=[{denied}]",
        ]
    else:
        cmd += [f"--ServerApp.root_dir={directory}", f"--ServerApp.ip={HOST}"]
    if port is not None:
        cmd.append(f"--port={port}")
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def launch(
    app: str = "lab",
    directory: str | Path | None = None,
    *,
    port: int | None = None,
    open_browser: bool = True,
) -> int:
    """Copy the notebooks into `directory` (default ~/zswap-tutorial) and start `app` there.

    On POSIX the server replaces this process (Ctrl-C stops it); returns an exit code otherwise.
    """
    if app not in APPS:
        print(f"zswap-widgets tutorial: unknown app {app!r}; choose {', '.join(APPS)}")
        return 2
    module = APPS[app]
    if importlib.util.find_spec(module) is None:
        print(
            f"zswap-widgets tutorial: {module} is not installed for {sys.executable}.\n"
            "Install the Jupyter front ends with:  python -m pip install 'zswap-widgets[lab]'",
            file=sys.stderr,
        )
        return 2
    target = (DEFAULT_DIR if directory is None else Path(directory)).expanduser().resolve()
    try:
        copied, kept = copy_notebooks(target)
    except OSError as e:
        print(f"zswap-widgets tutorial: cannot copy the notebooks: {e}", file=sys.stderr)
        return 1
    print(f"tutorial folder: {target}")
    if copied:
        print(f"  copied: {', '.join(copied)}")
    if kept:
        print(f"  kept your existing copies (not overwritten): {', '.join(kept)}")
        print("  delete a file there to get the original back on the next launch")
    cmd = server_command(app, target, port=port, open_browser=open_browser)
    print("starting: " + " ".join(cmd), flush=True)
    env = voila_env() if app == "voila" else dict(os.environ)
    if os.name == "posix":
        os.chdir(target)
        os.execve(cmd[0], cmd, env)
        return 0  # not reached: the server replaced this process
    return subprocess.call(cmd, cwd=target, env=env)  # pragma: no cover - Windows
