"""`zswap-widgets sweep`: tables, JSON and CSV equal to sweep(), one-line errors with exit 2,
a progress bar on stderr, Ctrl-C stopping cleanly, and --scheduler on a Dask cluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from zswap_widgets import Config, sweep
from zswap_widgets.cli import main

REPO = Path(__file__).resolve().parents[2]
SCALE = ["--scale", "0.125", "--set", "idle_s=0.5"]
SMALL = Config(idle_s=0.5).scaled(0.125)
GRID = ["--grid", "max_pool_percent=10:40:30", "--grid", "accept_threshold_percent=30,90"]


@pytest.fixture(scope="module")
def expected():
    return sweep(
        SMALL,
        {"max_pool_percent": [10, 40], "accept_threshold_percent": [30, 90]},
        metrics=["elapsed_s", "written_back_pages"],
        workers=1,
    )


def test_json_holds_the_arrays_of_the_api(capsys, expected):
    args = ["sweep", *GRID, *SCALE, "--metric", "elapsed_s", "--metric", "written_back_pages"]
    assert main([*args, "--workers", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["grid"] == {"max_pool_percent": [10, 40], "accept_threshold_percent": [30, 90]}
    assert out["shape"] == [2, 2] and out["runs_done"] == out["runs_total"] == 5
    for m in ("elapsed_s", "written_back_pages"):
        np.testing.assert_array_equal(np.array(out["arrays"][m]), expected[m])
        np.testing.assert_array_equal(np.array(out["baseline"][m]), expected.baseline[m])
    assert Config(**out["config"]) == SMALL


def test_the_table_marks_cells_above_zswap_off(capsys, expected):
    assert main(["sweep", *GRID, *SCALE, "--metric", "sys_s", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("max_pool_percent \\"))
    assert lines[header].split()[-2:] == ["30", "90"]
    assert lines[header + 1].split()[0] == "10" and lines[header + 2].split()[0] == "40"
    base = sweep(SMALL, {"max_pool_percent": [10]}, "sys_s", workers=1).baseline["sys_s"][0]
    assert f"zswap off (same machine and workload): {base:.3f}" in out
    cells = lines[header + 1].split()[1:]
    assert all(c.endswith("*") == (float(c.rstrip("*")) > base) for c in cells)


def test_csv_writes_one_row_per_run(tmp_path, capsys, expected):
    path = tmp_path / "sweep.csv"
    args = ["sweep", *GRID, *SCALE, "--metric", "elapsed_s", "--metric", "written_back_pages"]
    assert main([*args, "--workers", "1", "--csv", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"4 runs written to {path}"
    df = pd.read_csv(path, comment="#")
    pd.testing.assert_frame_equal(df, expected.to_pandas(), check_dtype=False)


def test_the_progress_bar_goes_to_stderr(capsys):
    assert main(["sweep", "--grid", "max_pool_percent=10,40", *SCALE, "--workers", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("[") and "1/3 runs" in err[0] and "s left" in err[0]
    assert err[-1] == "[" + "#" * 30 + "] 3/3 runs, 0 s left"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--grid", "max_pool_percent=5:200:50"], "max_pool_percent = 105 is not allowed"),
        (["--grid", "max_pool_percent"], "expected NAME=START:STOP:STEP or NAME=A,B,C"),
        (["--grid", "kernel=1:2:1"], "a START:STOP:STEP range needs a numeric knob"),
        (["--grid", "seed=1,2", "--grid", "seed=3"], "--grid seed: given twice"),
        (["--grid", "seed=1", "--metric", "speed"], "metric 'speed' is not known"),
        (["--grid", "seed=1", "--workers", "0"], "--workers 0: must be at least 1"),
        (["--grid", "seed=1", "--set", "vcpus=two"], "vcpus = 'two' is not allowed"),
        (["--grid", "seed=1", "--scale", "0"], "--scale 0.0: must be above 0"),
        (
            ["--grid", "accept_threshold_percent=40,80", "--set", "shrink_start_percent=60"],
            "grid point accept_threshold_percent=80: shrink_start_percent = 60 is not allowed: "
            "shrink_start_percent (60) must lie between accept_threshold_percent (80) and 100",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, args, message):
    assert main(["sweep", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zswap-widgets: error: ") and message in err
    assert err.count("\n") == 1


def test_ctrl_c_stops_cleanly_and_prints_what_finished():
    """A real Ctrl-C: SIGINT to the whole process group (the CLI and its pool's workers)."""
    cmd = [sys.executable, "-m", "zswap_widgets", "sweep", "--grid", "max_pool_percent=5:95:5"]
    cmd += [*SCALE, "--workers", "2", "--json"]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        first = proc.stderr.readline()  # the non-terminal bar prints the first finished run
        assert "1/20 runs" in first, first
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip().splitlines()[-1].startswith("zswap-widgets: interrupted: ")
    result = json.loads(out)
    assert result["cancelled"] and 1 <= result["runs_done"] < result["runs_total"] == 20
    # the zswap-off baseline is one of the runs done (or not yet: two run at a time)
    table, done = result["table"], result["runs_done"]
    assert len(table) == done - 1 or (len(table) == done and table[0]["elapsed_s_off"] is None)


def test_scheduler_runs_the_sweep_on_a_dask_cluster(capsys, dask_client, expected):
    address = dask_client.scheduler.address
    args = ["sweep", *GRID, *SCALE, "--metric", "elapsed_s", "--metric", "written_back_pages"]
    assert main([*args, "--scheduler", address, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for m in ("elapsed_s", "written_back_pages"):
        np.testing.assert_array_equal(np.array(out["arrays"][m]), expected[m])


def test_an_unreachable_scheduler_is_a_one_line_error(capsys):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.monotonic()
    assert main(["sweep", "--grid", "seed=1", "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"zswap-widgets: error: --scheduler tcp://127.0.0.1:{port}: cannot")
    assert time.monotonic() - start < 60
