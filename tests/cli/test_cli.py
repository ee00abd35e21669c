import json
import subprocess
import sys

import pytest

from zswap_widgets import Config
from zswap_widgets.cli import main
from zswap_widgets.model.config import GROUPS


def test_run_prints_stages_counters_and_events(capsys):
    rc = main(
        [
            "run",
            "--kernel",
            "v6.12",
            "--set",
            "alloc_mib=256",
            "--set",
            "ram_mib=256",
            "--set",
            "idle_s=1",
            "--json",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["counters"]["zswpout"] > 0 and out["stages"] and out["events"]


def test_bad_arguments_exit_2_with_the_config_error(capsys):
    assert main(["run", "--set", "max_pool_percent=200"]) == 2
    assert "max_pool_percent = 200 is not allowed" in capsys.readouterr().err
    assert main(["run", "--set", "vcpus=two"]) == 2
    assert "vcpus = 'two' is not allowed" in capsys.readouterr().err
    assert main(["run", "--set", "nonsense=1"]) == 2
    assert "unknown parameter" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv,expected",
    [
        (
            ["bench", "--runs", "0"],
            "argument --runs: '0' is not allowed: must be a whole number >= 1",
        ),
        (["bench", "--runs", "many"], "argument --runs: 'many' is not allowed"),
        (
            ["run", "--kernel", "off", "--set", "kernel=v6.18"],
            "--kernel off and --set kernel=v6.18 disagree; give the kernel once",
        ),
        (
            ["run", "--set", "max_pool_percent=20.5"],
            "max_pool_percent = '20.5' is not allowed: must be a whole number from 1 to 100 %",
        ),
        (
            ["run", "--set", "allocator=slab"],
            "allocator = 'slab' is not allowed: must be one of zsmalloc, zbud, z3fold",
        ),
        (["run", "--set", "patch6=maybe"], "patch6 = 'maybe' is not allowed: must be true, false"),
        (["run", "--set", "idle_s"], "--set 'idle_s': expected NAME=VALUE"),
        (["run", "--set", "seed=1", "--set", "seed=2"], "--set seed is given twice (1 and 2)"),
        (["run", "--set", "alloc_mib=65536"], "run too large for its budget (10 s and 500 MiB)"),
        (["run", "--kernel", "v7"], "argument --kernel: invalid choice: 'v7'"),
        (["run", "--budget-s", "0"], "argument --budget-s: '0' is not allowed: must be a number"),
        (["run", "--budget-mib", "nan"], "argument --budget-mib: 'nan' is not allowed"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(capsys, argv, expected):
    assert main(argv) == 2
    captured = capsys.readouterr()
    err = captured.err
    assert err.startswith("zswap-widgets: error: ") and err.count("\n") == 1
    assert expected in err and captured.out == ""


def test_bench_json_has_every_kernel(capsys):
    assert main(["bench", "--runs", "1", "--kernels", "off", "patches-1-6", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"off", "patches-1-6"}
    assert set(out["off"]) == {"elapsed_s", "user_s", "sys_s", "counters"}


def test_knobs_lists_every_knob_with_its_range_default_and_description(capsys):
    assert main(["knobs"]) == 0
    out = capsys.readouterr().out
    headings = [line[:-1] for line in out.splitlines() if not line.startswith(" ")]
    assert headings == list(GROUPS)
    for name, trait in Config.knobs().items():
        line = next(line for line in out.splitlines() if line.strip().startswith(f"{name} = "))
        assert Config.allowed(name) in line
        assert trait.metadata["description"].split()[0] in out
    assert "  max_pool_percent = 25" in out and "a whole number from 1 to 100 %" in out


@pytest.mark.parametrize(
    "command", ["run", "bench", "knobs", "tutorial", "sweep", "validate", "record"]
)
def test_every_subcommand_documents_its_options(capsys, command):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"])
    assert e.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith(f"usage: zswap-widgets {command}")
    if command in ("run", "sweep", "validate"):
        assert "--set NAME=VALUE" in out and "`zswap-widgets knobs` lists every NAME" in out
    if command == "run":
        assert "(default: 10.0)" in out
    if command == "bench":
        assert "(default: 10)" in out and "off patches-1-3 patches-1-6 v6.10" in out


@pytest.mark.parametrize("argv", [["knobs"], ["run", "--set", "alloc_mib=64", "--set", "idle_s=0"]])
def test_a_closed_pipe_ends_quietly(argv):
    # `zswap-widgets run ... | head`: the reader goes away before the output is written
    p = subprocess.Popen(
        [sys.executable, "-m", "zswap_widgets", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    p.stdout.close()
    err = p.stderr.read().decode()
    p.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert p.returncode == 1
