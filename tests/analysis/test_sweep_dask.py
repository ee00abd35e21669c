"""The same sweep on a Dask cluster (two worker processes on 127.0.0.1) gives identical numbers
to the local process pool and to a serial run."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

from zswap_widgets import Config, sweep

SMALL = Config().scaled(0.125).replace(idle_s=0.5)
GRID = {"max_pool_percent": [10, 25, 40], "accept_threshold_percent": [30, 90]}
METRICS = ("elapsed_s", "sys_s", "written_back_pages", "rejections", "pool_limit_hit")

if importlib.util.find_spec("distributed") is None:
    hint = "dask.distributed is not installed: pip install -e '.[test]' (or '.[dask]')"
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(f"CI=true and {hint}", pytrace=False)
    pytest.skip(hint, allow_module_level=True)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.mark.slow
def test_a_dask_cluster_gives_the_numbers_of_the_local_pool_and_of_a_serial_run(client):
    assert len(client.scheduler_info()["workers"]) == 2
    on_dask = sweep(SMALL, GRID, metrics=METRICS, executor=client.get_executor())
    local = sweep(SMALL, GRID, metrics=METRICS, workers=2)
    serial = sweep(SMALL, GRID, metrics=METRICS, workers=1)
    assert on_dask.finished.all() and not on_dask.cancelled
    for m in METRICS:
        np.testing.assert_array_equal(on_dask[m], serial[m], err_msg=m)
        np.testing.assert_array_equal(local[m], serial[m], err_msg=m)
        np.testing.assert_array_equal(on_dask.baseline[m], serial.baseline[m], err_msg=m)
    assert on_dask.table() == serial.table()
