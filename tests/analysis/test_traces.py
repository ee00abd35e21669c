"""The loader of the measured 6.12 traces (zswap_widgets/data/*.csv)."""

from __future__ import annotations

import numpy as np
import pytest

from zswap_widgets import traces
from zswap_widgets.model.results import DEBUGFS_COUNTERS

COLUMNS = ["t", *DEBUGFS_COUNTERS, "pswpout", "pswpin", "memfree_kb", "swapfree_kb"]


@pytest.mark.parametrize("name", traces.TRACES)
def test_shipped_traces_load_with_every_column(name):
    tr = traces.load(name)
    assert list(tr.columns) == COLUMNS
    n = len(tr.t_s)
    assert n > 200 and all(len(a) == n for a in tr.columns.values())
    assert tr.t_s.dtype == np.float64 and tr["pswpout"].dtype == np.int64
    assert np.all(np.diff(tr.t_s) > 0)
    assert np.all(np.diff(tr["pswpout"]) >= 0)  # a vmstat counter never falls
    assert tr.machine == {
        "ram_mib": 1024,
        "visible_mib": 967,
        "vcpus": 2,
        "iops": 2000,
        "bandwidth_mib_s": 120,
    }
    assert any("QEMU" in line for line in tr.description)


def test_header_params_and_times():
    on, off = traces.load("on_zs"), traces.load("off")
    assert on.params == {
        "accept_threshold_percent": 50,
        "compressor": "lz4",
        "enabled": True,
        "max_pool_percent": 25,
        "shrinker_enabled": False,
        "zpool": "zsmalloc",
    }
    assert (on.alloc_elapsed_s, on.alloc_user_s, on.alloc_sys_s) == (24.944, 4.551, 18.442)
    assert (off.alloc_elapsed_s, off.alloc_user_s, off.alloc_sys_s) == (22.514, 4.819, 17.724)
    assert off.params["enabled"] is False and not off.zswap_enabled and on.zswap_enabled


def test_debugfs_is_unreadable_with_zswap_off():
    off, on = traces.load("off"), traces.load("on_zs")
    assert not off.readable("pool_total_size") and np.all(off["stored_pages"] == -1)
    assert on.readable("pool_total_size") and off.readable("pswpout")


def test_the_measured_pool_reaches_its_limit_and_is_dense():
    on = traces.load("on_zs")
    limit = on.machine["visible_mib"] * 2**20 * on.params["max_pool_percent"] / 100
    assert abs(on["pool_total_size"].max() / limit - 1) < 0.01  # a zspage or so of overshoot
    bpp = on.bytes_per_stored_page()
    assert np.isnan(bpp[0])  # nothing stored at the start
    assert 1000 < bpp[-1] < 1200  # 1/4 random bytes survive lz4; zsmalloc's 1056-byte class


def test_model_config_mirrors_the_measured_machine():
    c = traces.load("on_zs").model_config(idle_s=2.0)
    assert c.kernel == "v6.12" and c.idle_s == 2.0
    assert (c.swap_iops, c.swap_bandwidth_mib_s) == (2000, 120)
    assert (c.ram_mib, c.ram_mib - c.kernel_reserved_mib, c.vcpus) == (1024, 967, 2)
    assert (c.filler, c.compressible_fraction) == ("byte", 0.75)
    assert (c.max_pool_percent, c.accept_threshold_percent) == (25, 50)
    assert (c.compressor, c.allocator) == ("lz4", "zsmalloc")
    assert traces.load("off").model_config().kernel == "off"


def test_unknown_column_and_trace_are_explained():
    with pytest.raises(KeyError, match="no column 'nope'; columns: t, pool_total_size"):
        traces.load("on_zs")["nope"]
    with pytest.raises(ValueError, match="shipped traces: off, on_zs"):
        traces.load("on")


def test_parse_rejects_malformed_files(tmp_path):
    good = (
        "# params max_pool_percent=20 enabled=Y\n# alloc_elapsed 1.5 user 0.1 sys 0.2\nt,a\n0.1,3\n"
    )
    tr = traces.parse(good, "x")
    assert tr.params == {"max_pool_percent": 20, "enabled": True} and tr["a"].tolist() == [3]
    path = tmp_path / "mine.csv"
    path.write_text(good)
    assert traces.load_path(path).name == "mine"
    with pytest.raises(ValueError, match="2 values, expected 3"):
        traces.parse(good.replace("t,a", "t,a,b"))
    with pytest.raises(ValueError, match="alloc_elapsed"):
        traces.parse("t,a\n0.1,3\n")
    with pytest.raises(ValueError, match="not name=value"):
        traces.parse("# params enabled\n" + good)
    with pytest.raises(ValueError, match="no header row or no samples"):
        traces.parse("# alloc_elapsed 1 user 1 sys 1\n")
    with pytest.raises(ValueError, match="not a number"):
        traces.parse(good + "0.2,x\n")


HEAD = "# alloc_elapsed 1.5 user 0.1 sys 0.2\nt,memfree_kb\n"


@pytest.mark.parametrize(
    "rows,expected",
    [
        ("0.1,nan\n", r"mine.csv:3: column 'memfree_kb' = 'nan'; values must be finite"),
        ("0.1,900\ninf,800\n", r"mine.csv:4: column 't' = 'inf'; values must be finite"),
        ("0.1,1e300\n", r"mine.csv:3: column 'memfree_kb' = '1e300'; counters and sizes are whole"),
        ("0.1,12.5\n", r"mine.csv:3: column 'memfree_kb' = '12.5'; counters and sizes are whole"),
        ("0.1,x\n", r"mine.csv:3: column 'memfree_kb' = 'x' is not a number"),
    ],
)
def test_bad_cells_name_the_file_line_and_column(tmp_path, rows, expected):
    path = tmp_path / "mine.csv"
    path.write_text(HEAD + rows)
    with pytest.raises(ValueError, match="^" + str(tmp_path / expected).replace("(", r"\(")):
        traces.load_path(path)


def test_allocation_rate_fit_needs_three_early_samples(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(HEAD + "0.1,900000\n1.1,800000\n2.5,700000\n")
    tr = traces.load_path(path)  # loading is fine; the fit says what it lacks
    with pytest.raises(ValueError, match=r"mine.csv:3: the allocation-rate fit needs samples"):
        tr.alloc_rate_mib_s()
    path.write_text(HEAD + "0.1,900000\n0.6,850000\n1.1,800000\n")
    assert traces.load_path(path).alloc_rate_mib_s() == 97  # 100,000 KiB in 1 s
    path.write_text(HEAD + "0.1,900000\n0.6,900000\n1.1,900000\n")
    assert traces.load_path(path).alloc_rate_mib_s() is None  # MemFree did not fall
    path.write_text(HEAD.replace("memfree_kb", "other") + "0.1,900000\n1.1,800000\n")
    with pytest.raises(ValueError, match=r"mine.csv: no column 'memfree_kb' for the allocation"):
        traces.load_path(path).alloc_rate_mib_s()


def test_missing_time_column_names_the_header_line(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(HEAD.replace("t,", "time,") + "0.1,900\n")
    with pytest.raises(ValueError, match=r"mine.csv:2: the header has no column 't'"):
        traces.load_path(path)


def test_a_byte_order_mark_is_skipped(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEAD + "0.1,900\n").encode())
    tr = traces.load_path(path)
    assert tr["memfree_kb"].tolist() == [900] and tr.alloc_elapsed_s == 1.5


@pytest.mark.parametrize(
    "junk,line",
    [(b"\x89PNG\r\n\x1a\n\x00\x00", 1), (b"t,a\n0.1,\xff\xfe\n", 2), (b"t,a\n1,2\n\x00", 3)],
)
def test_a_binary_file_names_the_file_and_line(tmp_path, junk, line):
    path = tmp_path / "picture.csv"
    path.write_bytes(junk)
    with pytest.raises(ValueError, match=rf"picture.csv:{line}: not UTF-8 text \(binary data\)"):
        traces.load_path(path)
