"""A fresh virtual environment built only from binder/requirements.txt, once per test session.

`binder_python(tmp_path_factory)` returns its interpreter. Everything (the venv, pip's cache, the
kernelspec) lives under pytest's temporary directory; nothing is cached between sessions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
REQUIREMENTS = REPO / "binder" / "requirements.txt"
KERNEL_NAME = "zswap-binder"
PIP_TIMEOUT_S = 900

_cache: dict[str, Path] = {}


def _bin(env: Path, name: str) -> Path:
    return env / ("Scripts" if os.name == "nt" else "bin") / name


def binder_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a venv with `pip install -r binder/requirements.txt` (run from the repo)."""
    if "python" in _cache:
        return _cache["python"]
    root = tmp_path_factory.mktemp("binder")
    env = root / "venv"
    t0 = time.monotonic()
    venv.EnvBuilder(with_pip=True).create(env)
    python = _bin(env, "python")
    pip_env = {
        **os.environ,
        "PIP_CACHE_DIR": str(root / "pip-cache"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PYTHONPATH": "",
    }
    log = root / "pip.log"
    with log.open("w") as out:
        proc = subprocess.run(
            [str(python), "-m", "pip", "install", "-r", str(REQUIREMENTS)],
            cwd=REPO,  # "." in the requirements is the repository
            env=pip_env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=PIP_TIMEOUT_S,
            check=False,
        )
    if proc.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-30:])
        pytest.fail(f"pip install -r binder/requirements.txt failed:\n{tail}")
    print(f"\nbinder venv built in {time.monotonic() - t0:.0f} s: {env}", file=sys.stderr)
    _cache["python"] = python
    return python


def binder_kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A kernelspec folder whose kernel KERNEL_NAME runs ipykernel from the binder venv."""
    if "kernels" in _cache:
        return _cache["kernels"]
    python = binder_python(tmp_path_factory)
    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / KERNEL_NAME
    spec.mkdir()
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (binder requirements)",
                "language": "python",
                "env": {"PYTHONPATH": ""},
            }
        )
    )
    _cache["kernels"] = kernels
    return kernels
