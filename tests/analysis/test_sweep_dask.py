"""The same sweep on a Dask cluster (two worker processes on 127.0.0.1) gives identical numbers
to the local process pool and to a serial run."""

from __future__ import annotations

import numpy as np
import pytest

from zswap_widgets import Config, sweep

SMALL = Config().scaled(0.125).replace(idle_s=0.5)
GRID = {"max_pool_percent": [10, 25, 40], "accept_threshold_percent": [30, 90]}
METRICS = ("elapsed_s", "sys_s", "written_back_pages", "rejections", "pool_limit_hit")


@pytest.mark.slow
def test_a_dask_cluster_gives_the_numbers_of_the_local_pool_and_of_a_serial_run(dask_client):
    assert len(dask_client.scheduler_info()["workers"]) == 2
    on_dask = sweep(SMALL, GRID, metrics=METRICS, executor=dask_client.get_executor())
    local = sweep(SMALL, GRID, metrics=METRICS, workers=2)
    serial = sweep(SMALL, GRID, metrics=METRICS, workers=1)
    assert on_dask.finished.all() and not on_dask.cancelled
    for m in METRICS:
        np.testing.assert_array_equal(on_dask[m], serial[m], err_msg=m)
        np.testing.assert_array_equal(local[m], serial[m], err_msg=m)
        np.testing.assert_array_equal(on_dask.baseline[m], serial.baseline[m], err_msg=m)
    assert on_dask.table() == serial.table()
