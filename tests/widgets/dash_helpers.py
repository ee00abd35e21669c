"""Helpers of the dashboard tests: the small scenario and checks of mark data against views."""

from __future__ import annotations

import numpy as np

from zswap_widgets.model.config import Config
from zswap_widgets.widgets.charts import MARK_KEYS

SMALL = Config(ram_mib=128, alloc_mib=192, idle_s=1.0)


def expected_y(view: dict[str, np.ndarray], keys: tuple[str, ...]) -> np.ndarray:
    return np.stack([view[k] for k in keys]) if len(keys) > 1 else view[keys[0]]


def assert_marks_show(marks: dict, view: dict[str, np.ndarray], suffix: str = "") -> None:
    """Every time-series mark (suffix "_b": of run B) draws exactly the view (x and every y row)."""
    for name, keys in MARK_KEYS.items():
        mark = marks[name + suffix]
        np.testing.assert_array_equal(mark.x, view["x"], err_msg=f"{name}{suffix}.x")
        np.testing.assert_array_equal(mark.y, expected_y(view, keys), err_msg=f"{name}{suffix}.y")
        assert mark.y.dtype == np.float32, name
