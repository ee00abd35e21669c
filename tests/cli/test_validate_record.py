"""`zswap-widgets validate` and `zswap-widgets record` from the command line."""

import json
import shutil
import sys
from importlib.resources import files

import pytest

from zswap_widgets.cli import main


def test_validate_a_shipped_trace_by_name_prints_the_table(capsys):
    assert main(["validate", "on_zs"]) == 0
    out = capsys.readouterr().out
    for figure in (
        "elapsed",
        "user",
        "sys",
        "stored at first full",
        "time at max before writeback",
        "pool_limit_hit",
        "written back at allocation end",
        "final pool",
        "writeback rate after allocation",
    ):
        assert figure in out
    assert "model/trace" in out and "cpu_costs='qemu-tcg'" in out


def test_validate_a_trace_file_as_json_with_a_changed_knob(tmp_path, capsys):
    path = tmp_path / "copy.csv"
    shutil.copy(files("zswap_widgets") / "data" / "off.csv", path)
    assert main(["validate", str(path), "--json", "--set", "alloc_mib=128"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["trace"] == "copy" and out["config"]["alloc_mib"] == 128
    assert [r["name"] for r in out["rows"]][:3] == ["elapsed", "user", "sys"]


@pytest.mark.parametrize(
    ("arg", "message"),
    [("nonexistent.csv", "neither a file nor a shipped trace (off, on_zs)"), ("", "")],
)
def test_validate_explains_a_bad_trace(tmp_path, capsys, arg, message):
    if not arg:  # a file that is not a trace
        bad = tmp_path / "bad.csv"
        bad.write_text("hello\n")
        arg, message = str(bad), "is not a trace file"
    assert main(["validate", arg]) == 2
    assert message in capsys.readouterr().err


def test_record_then_validate(tmp_path, capsys, fake_kernel):
    rec = fake_kernel()
    out = tmp_path / "mine.csv"
    args = ["--sys-root", str(rec.sys_root), "--proc-root", str(rec.proc_root)]
    cmd = ["--out", str(out), "--hold", "0.1", "--interval", "0.05"]
    assert main(["record", *args, *cmd, "--", sys.executable, "-c", "pass"]) == 0
    assert f"zswap-widgets validate {out}" in capsys.readouterr().out
    assert out.read_text().startswith("# real Linux 6.12.99-test")
    # an existing file is never overwritten
    assert main(["record", *args, *cmd, "--", sys.executable, "-c", "pass"]) == 2
    assert "exists" in capsys.readouterr().err


def test_record_says_why_it_cannot(tmp_path, capsys, fake_kernel):
    rec = fake_kernel(mounted=False)
    args = ["--sys-root", str(rec.sys_root), "--proc-root", str(rec.proc_root)]
    assert main(["record", *args, "--out", str(tmp_path / "x.csv"), "--mib", "4"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zswap-widgets record: debugfs is not mounted")
    assert not (tmp_path / "x.csv").exists()
