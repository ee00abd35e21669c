"""The v6.12 preset against the real 6.12 kernel's trace (docs/kernel-notes.md §13): the
course, the pool against its thresholds, how the counters move together, the pool bytes per
stored page. The figures themselves are in test_against_612.py.
"""

import numpy as np
import pytest

from zswap_widgets import simulate, traces
from zswap_widgets.model.machine import PAGES_PER_MIB


@pytest.fixture(scope="module")
def both():
    tr = traces.load("on_zs")
    return tr, simulate(tr.model_config(idle_s=8.0))


def test_pool_reaches_max_then_falls_toward_accept(both):
    tr, run = both
    c = run.config
    total = (c.ram_mib - c.kernel_reserved_mib) * PAGES_PER_MIB
    max_pages = total * c.max_pool_percent // 100
    accept = max_pages * c.accept_threshold_percent // 100
    for pool in (tr["pool_total_size"] / 4096, run.series["pool_pages"]):
        top = int(np.argmax(pool))
        assert abs(pool[top] - max_pages) <= 16  # at max, within one zspage
        after = pool[top:]
        assert after[-1] < max_pages - 1000  # writeback drains it below max ...
        assert after[-1] >= accept - 16  # ... but not below the accept threshold
        assert np.all(np.diff(after) <= 16)  # and nothing refills it (hysteresis)


def test_limit_hits_only_at_max_and_stores_stop_in_the_band(both):
    tr, run = both
    s = run.series
    for pool, hits, stored in (
        (tr["pool_total_size"] / 4096, tr["pool_limit_hit"], tr["stored_pages"]),
        (s["pool_pages"], None, s["stored_pages"]),
    ):
        top = int(np.argmax(pool))
        assert np.all(np.diff(stored[top + 15 :]) <= 0)  # stored only falls once past max
        if hits is not None:
            rising = np.flatnonzero(np.diff(hits) > 0)
            assert rising.size and np.all(pool[rising] >= pool[top] * 0.97)
    assert run.counters["pool_limit_hit"] > 0
    assert [st for st, _, _ in run.stages][:4] == [1, 2, 4, 5]  # no stage 3: no patch 3 in 6.12


def test_pool_bytes_per_stored_page(both):
    tr, run = both
    real = np.nanmedian(tr.bytes_per_stored_page()[-50:])
    model = run.counters["pool_total_size"] / run.counters["stored_pages"]
    assert abs(model / real - 1) < 0.05


def test_writeback_beats_the_iops_limit_only_with_merging(both):
    tr, run = both
    t, wb = tr.t_s, tr["written_back_pages"]
    real_rate = (wb[-1] - wb[np.argmax(wb > 0)]) / (t[-1] - t[np.argmax(wb > 0)])
    iops = run.config.swap_iops
    assert real_rate > iops  # the traced VM wrote back faster than its IOPS limit
    s = run.series
    drain = s["writeback_ops"] > 0
    pages_per_op = run.counters["written_back_pages"] / s["writeback_ops"].sum()
    assert pages_per_op > 1.5 and drain.any()
    unmerged = simulate(run.config.replace(merge_queued_writes=False, idle_s=2.0))
    served = unmerged.series["writeback_ops"].sum()  # one page per op; the rest still queued
    assert served <= unmerged.counters["written_back_pages"] <= served + run.config.swap_queue_depth
