"""The wheel works on its own: build it, install it into a new venv, run the CLI and import the
Dashboard from there, with the working directory outside the source tree and nothing from the
source tree on sys.path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KERNELS = ("off", "patches-1-3", "patches-1-6", "v6.10")


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, (
        f"{cmd} exited {p.returncode}:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    )
    return p.stdout


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH")
    }
    env["HOME"] = str(tmp / "home")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """(venv bin dir, a working directory outside the source tree, environment)."""
    if not (REPO / "pyproject.toml").exists():
        pytest.skip("not a source checkout")
    pytest.importorskip("build", reason="needs the `build` package (test extra)")
    tmp = tmp_path_factory.mktemp("fresh")
    (tmp / "home").mkdir()
    env = _clean_env(tmp)
    dist = tmp / "dist"
    _run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)],
        cwd=tmp,
        env=env,
        timeout=300,
    )
    wheels = list(dist.glob("zswap_widgets-*.whl"))
    assert len(wheels) == 1, wheels
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bin_dir = env_dir / "bin"
    _run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])],
        cwd=tmp,
        env=env,
        timeout=600,
    )
    work = tmp / "elsewhere"
    work.mkdir()
    return bin_dir, work, env


def test_wheel_holds_no_source_tree_paths(installed) -> None:
    bin_dir, work, env = installed
    out = _run(
        [
            str(bin_dir / "python"),
            "-c",
            "import sys, json, zswap_widgets; "
            "print(json.dumps({'file': zswap_widgets.__file__, 'path': sys.path}))",
        ],
        cwd=work,
        env=env,
        timeout=120,
    )
    info = json.loads(out)
    repo = str(REPO)
    assert not info["file"].startswith(repo), info["file"]
    assert "site-packages" in info["file"], info["file"]
    assert not [p for p in info["path"] if p and p.startswith(repo)], info["path"]


def test_bench_json_from_the_wheel(installed) -> None:
    bin_dir, work, env = installed
    out = _run(
        [str(bin_dir / "zswap-widgets"), "bench", "--json", "--runs", "1"],
        cwd=work,
        env=env,
        timeout=300,
    )
    result = json.loads(out)
    assert set(KERNELS) <= set(result), list(result)
    for k in KERNELS:
        row = result[k]
        for field in ("elapsed_s", "user_s", "sys_s"):
            assert isinstance(row[field], float) and row[field] > 0, (k, field, row[field])
        assert isinstance(row["counters"], dict) and row["counters"], (k, row["counters"])
        assert all(isinstance(v, int) for v in row["counters"].values()), (k, row["counters"])


def test_dashboard_imports_from_the_wheel(installed) -> None:
    bin_dir, work, env = installed
    _run(
        [str(bin_dir / "python"), "-c", "from zswap_widgets import Dashboard; Dashboard"],
        cwd=work,
        env=env,
        timeout=120,
    )
