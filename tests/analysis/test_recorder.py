"""`record` against a /sys and /proc tree made by the test: what it reads, what it writes (the
trace format), the clear errors, and that it never writes to /sys."""

import sys
from pathlib import Path

import pytest

from zswap_widgets import traces
from zswap_widgets.analysis.recorder import COLUMNS, RecordError


def snapshot(root: Path) -> dict:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_records_a_command_in_the_trace_format_and_writes_nothing(tmp_path, fake_kernel):
    rec = fake_kernel()
    before = snapshot(tmp_path / "sys")
    # The "kernel" stores 42 pages while the command runs (the test plays the kernel here).
    stored = rec.debugfs_dir / "stored_pages"
    command = [
        sys.executable,
        "-c",
        f"import time, pathlib; time.sleep(0.2); pathlib.Path({str(stored)!r}).write_text('42')"
        "; time.sleep(0.2)",
    ]
    text = rec.record(command, hold_s=0.2)
    tr = traces.parse(text, "mine")
    assert tr.params["max_pool_percent"] == 25 and tr.params["enabled"] is True
    assert list(tr.columns) == list(COLUMNS)
    assert tr["stored_pages"][0] == 0 and tr["stored_pages"][-1] == 42
    assert tr["pswpout"][0] == 7 and tr["memfree_kb"][0] == 500_000
    assert 0.35 < tr.alloc_elapsed_s < 2.0 and tr.hold_s >= 0.15
    assert tr.machine["visible_mib"] == 976 and tr.kernel_preset == "v6.12"
    assert "6.12.99-test" in tr.description[0]
    snapshot(tmp_path / "sys")  # the test changed stored_pages itself; nothing else changed
    after = snapshot(tmp_path / "sys")
    changed = [p for p in before if before[p] != after[p]]
    assert changed == [stored]


def test_builtin_allocator_reports_its_own_times(tmp_path, fake_kernel):
    rec = fake_kernel()
    text = rec.record(mib=8, fraction=0.5, hold_s=0.1)
    tr = traces.parse(text)
    assert tr.t_s[0] >= 0 and tr.alloc_elapsed_s > 0
    assert "writes 8 MiB of pages, each a fraction 0.5" in " ".join(tr.description)
    c = tr.model_config()
    assert (c.alloc_mib, c.compressible_fraction, c.kernel) == (8, 0.5, "v6.12")
    assert (c.ram_mib, c.kernel_reserved_mib) == (976, 0)


def test_zswap_absent(tmp_path, fake_kernel):
    rec = fake_kernel()
    for f in rec.params_dir.iterdir():
        f.unlink()
    rec.params_dir.rmdir()
    with pytest.raises(RecordError, match="zswap is not available on this machine"):
        rec.check()


def test_debugfs_not_mounted(tmp_path, fake_kernel):
    rec = fake_kernel(mounted=False)
    with pytest.raises(RecordError, match=r"debugfs is not mounted at .*mount -t debugfs"):
        rec.check()


def test_debugfs_not_readable(tmp_path, fake_kernel, monkeypatch):
    rec = fake_kernel()
    real = Path.iterdir

    def denied(self):
        if self == rec.debugfs_dir:
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "iterdir", denied)
    with pytest.raises(RecordError, match=r"permission denied.*run `sudo zswap-widgets record"):
        rec.check()


def test_zswap_disabled_records_minus_one_like_the_off_trace(tmp_path, fake_kernel):
    rec = fake_kernel(params={"enabled": "N"}, debugfs=False)
    tr = traces.parse(rec.record([sys.executable, "-c", "pass"], hold_s=0.05))
    assert not tr.readable("stored_pages") and tr.kernel_preset == "off"
    assert any("disabled" in n for n in rec.notes)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"fraction": 1.5}, "fraction = 1.5 is not allowed"),
        ({"hold_s": -1}, "hold = -1 s is not allowed"),
        ({"mib": 0}, "mib = 0 is not allowed"),
        ({"mib": 4, "command": ["true"]}, "either a command"),
        ({"command": ["/nonexistent/x"]}, "cannot run '/nonexistent/x'"),
    ],
)
def test_bad_arguments_are_explained(tmp_path, fake_kernel, kw, match):
    rec = fake_kernel()
    with pytest.raises(RecordError, match=match):
        rec.record(**kw)


def test_default_size_needs_swap(tmp_path, fake_kernel):
    rec = fake_kernel()
    (rec.proc_root / "meminfo").write_text(
        "MemTotal: 1000000 kB\nMemFree: 500000 kB\nSwapFree: 100000 kB\n"
    )
    with pytest.raises(RecordError, match=r"twice the RAM.*free swap"):
        rec.default_mib()
