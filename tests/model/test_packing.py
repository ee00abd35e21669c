"""Objects per pool page per allocator: what the allocator chart says, checked against runs."""

import numpy as np
import pytest

from zswap_widgets import Config, simulate
from zswap_widgets.model.packing import SHARE_LIMIT, explain, packing

QUARTER = Config().scaled(0.25)


def test_limits_of_the_buddy_allocators():
    assert SHARE_LIMIT == {2: 1984, 3: 1344}


@pytest.mark.parametrize("allocator", ["zsmalloc", "zbud", "z3fold"])
def test_packing_matches_the_pool_of_a_run(allocator):
    """While the pool is full (stage 4) a run's stored pages per pool page are the packing."""
    run = simulate(QUARTER.replace(allocator=allocator, max_time_s=3.0))
    s = run.series
    full = s["stage"] == 4
    assert full.any()
    measured = float(np.median(s["stored_pages"][full] / s["pool_pages"][full]))
    assert measured == pytest.approx(packing(QUARTER)[allocator], rel=0.03)


def test_default_pages_are_too_big_to_share_a_buddy_page():
    per = packing(QUARTER)
    assert per["zbud"] == per["z3fold"] == 1.0
    assert 1.4 < per["zsmalloc"] < 1.7
    text = explain(QUARTER)
    assert "zbud and z3fold both keep one object per page" in text
    assert "fewer pages with zbud" in text


def test_small_pages_pair_in_zbud_and_triple_in_z3fold():
    small_pages = QUARTER.replace(filler="byte")  # about a quarter of a page each
    per = packing(small_pages)
    assert per["zbud"] == pytest.approx(2.0, rel=0.02)
    assert per["z3fold"] == pytest.approx(3.0, rel=0.02)
    assert "three" in explain(small_pages)
