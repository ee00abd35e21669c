import importlib.util
import os

import pytest

from zswap_widgets import Config


@pytest.fixture
def small() -> Config:
    """A scaled-down scenario with the cover letter's shape (runs in well under a second)."""
    return Config(ram_mib=256, kernel_reserved_mib=16, alloc_mib=512, idle_s=3.0, swap_iops=900)


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
