import importlib.util
import os
from pathlib import Path

import pytest

from zswap_widgets import Config
from zswap_widgets.analysis.recorder import COLUMNS, Recorder


@pytest.fixture
def small() -> Config:
    """A scaled-down scenario with the cover letter's shape (runs in well under a second)."""
    return Config(ram_mib=256, kernel_reserved_mib=16, alloc_mib=512, idle_s=3.0, swap_iops=900)


ZSWAP_PARAMS = {
    "enabled": "Y",
    "max_pool_percent": "25",
    "accept_threshold_percent": "50",
    "compressor": "lz4",
    "zpool": "zsmalloc",
    "shrinker_enabled": "N",
}


def _make_tree(root: Path, params=None, debugfs=True, mounted=True) -> Recorder:
    """A /sys and /proc tree with zswap, for `record` (see tests/analysis/test_recorder.py)."""
    params = {**ZSWAP_PARAMS, **(params or {})}
    sys_root, proc_root = root / "sys", root / "proc"
    p = sys_root / "module" / "zswap" / "parameters"
    p.mkdir(parents=True)
    for name, value in params.items():
        (p / name).write_text(value + "\n")
    d = sys_root / "kernel" / "debug" / "zswap"
    d.mkdir(parents=True)
    if debugfs:
        for name in COLUMNS[1:11]:
            (d / name).write_text("0\n")
        (d / "pool_total_size").write_text("4096\n")
    (proc_root / "sys" / "kernel").mkdir(parents=True)
    (proc_root / "sys" / "kernel" / "osrelease").write_text("6.12.99-test\n")
    mounts = "sysfs /sys sysfs rw 0 0\n"
    if mounted:
        mounts += "debugfs /sys/kernel/debug debugfs rw 0 0\n"
    (proc_root / "mounts").write_text(mounts)
    (proc_root / "vmstat").write_text("nr_free_pages 100\npswpin 3\npswpout 7\n")
    (proc_root / "meminfo").write_text(
        "MemTotal:        1000000 kB\nMemFree:          500000 kB\nSwapFree:        4000000 kB\n"
    )
    return Recorder(sys_root, proc_root, interval_s=0.05)


@pytest.fixture
def fake_kernel(tmp_path):
    """make(params=None, debugfs=True, mounted=True) -> a Recorder on a made-up /sys and /proc."""
    return lambda **kw: _make_tree(tmp_path, **kw)


@pytest.fixture(scope="module")
def dask_client():
    """A Dask LocalCluster of two worker processes on 127.0.0.1 and a client of it, for one test
    module (its threads do not outlive the module). Without dask.distributed the test skips,
    except under CI (CI=true), where it fails."""
    if importlib.util.find_spec("distributed") is None:
        hint = "dask.distributed is not installed: pip install -e '.[test]' (or '.[dask]')"
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"CI=true and {hint}", pytrace=False)
        pytest.skip(hint)
    from zswap_widgets.analysis.sweep import local_dask_client

    with local_dask_client(2) as client:
        yield client
