"""Helpers of the dashboard tests: the small scenario and checks of mark data against views."""

from __future__ import annotations

import numpy as np

from zswap_widgets.config import Config
from zswap_widgets.dashboard.view import IO_SERIES, MEMORY_SERIES

SMALL = Config(ram_mib=128, alloc_mib=192, idle_s=1.0)

MEM_KEYS = tuple(k.replace("_pages", "_mib") for k in MEMORY_SERIES)
IO_KEYS = tuple(k.replace("_ops", "_iops") for k in IO_SERIES)
# mark name -> the run_view keys it draws (one key: a 1-D y; several: one row each)
MARK_KEYS = {
    "pool": ("pool_mib",),
    "thresholds": ("max_mib", "shrink_start_mib", "accept_mib"),
    "memory": MEM_KEYS,
    "io": IO_KEYS,
    "queue": ("queue_depth",),
    "latency": ("io_latency_ms",),
    "stall": ("stall_pct",),
    "cpu": ("user_s", "sys_s"),
    "shrinker": ("shrinker_state",),
}


def expected_y(view: dict[str, np.ndarray], keys: tuple[str, ...]) -> np.ndarray:
    return np.stack([view[k] for k in keys]) if len(keys) > 1 else view[keys[0]]


def assert_marks_show(marks: dict, view: dict[str, np.ndarray], suffix: str = "") -> None:
    """Every time-series mark draws exactly the view (x and every y row)."""
    for name, keys in MARK_KEYS.items():
        if suffix and name in ("thresholds", "stall", "cpu", "shrinker"):
            continue
        mark = marks[name + suffix]
        np.testing.assert_array_equal(mark.x, view["x"], err_msg=f"{name}{suffix}.x")
        np.testing.assert_array_equal(mark.y, expected_y(view, keys), err_msg=f"{name}{suffix}.y")
        assert mark.y.dtype == np.float32, name
