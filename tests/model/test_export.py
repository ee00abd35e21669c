"""Run export: CSV with the config as metadata (read back with pandas) and a DataFrame."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from zswap_widgets import Config, simulate
from zswap_widgets.model.export import read_csv, read_metadata
from zswap_widgets.model.results import SERIES


@pytest.fixture(scope="module")
def run():
    # patches 1-3 on a small machine: stages, writeback and NaN latencies in the series
    return simulate(Config(kernel="patches-1-3", ram_mib=128, alloc_mib=192, idle_s=1.0))


def test_csv_read_back_with_pandas_gives_the_same_series_and_config(run, tmp_path):
    path = run.to_csv(tmp_path / "run.csv")
    df = pd.read_csv(path, comment="#")
    assert list(df.columns) == list(SERIES)
    for name in SERIES:
        np.testing.assert_array_equal(df[name].to_numpy(), run.series[name], err_msg=name)
    assert np.isnan(df["io_latency_ms"]).any()  # steps without completions stay NaN
    meta = read_metadata(path)
    assert Config(**meta["config"]) == run.config
    assert meta["counters"] == run.counters
    assert meta["elapsed_s"] == run.elapsed_s
    assert [tuple(s) for s in meta["stages"]] == [tuple(s) for s in run.stages]


def test_read_csv_puts_the_metadata_in_attrs(run, tmp_path):
    df = read_csv(run.to_csv(tmp_path / "run.csv"))
    assert Config(**df.attrs["config"]) == run.config
    assert df.attrs["kind"] == "zswap-widgets run"
    np.testing.assert_array_equal(df["t_s"].to_numpy(), run.series["t_s"])


def test_to_pandas_has_every_series_and_the_metadata(run):
    df = run.to_pandas()
    assert list(df.columns) == list(SERIES) and len(df) == len(run.series["t_s"])
    np.testing.assert_array_equal(df["pool_pages"].to_numpy(), run.series["pool_pages"])
    assert df.attrs["config"] == run.config.to_dict()
    assert df.attrs["sys_s"] == run.sys_s and df.attrs["counters"] == run.counters


def test_the_model_writes_csv_without_pandas(tmp_path):
    code = (
        "import sys; from zswap_widgets import Config, simulate; "
        "run = simulate(Config(ram_mib=128, alloc_mib=16, idle_s=0)); "
        f"run.to_csv({str(tmp_path / 'r.csv')!r}); "
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
