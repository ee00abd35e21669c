"""The swap device: token buckets, reads before writes, tags, merging of queued writes."""

import numpy as np

from zswap_widgets import Config
from zswap_widgets.model.device import SWAPIN, SWAPOUT, WRITEBACK, SwapDevice


def device(**kw) -> SwapDevice:
    return SwapDevice(Config(**kw), dt=0.001)


def test_iops_limit_and_latency():
    dev = device(swap_iops=2000, swap_latency_ms=2.0)
    for i in range(10):
        dev.submit(WRITEBACK, np.array([i]), 0.0)
    dev.serve(0.0)
    assert dev.served[WRITEBACK] == 2  # 2000 IOPS x 1 ms
    assert dev.complete(0.001) == [] and len(dev.complete(0.002)) == 2
    assert dev.busy == 8 and dev.free_tags == dev.depth - 8


def test_reads_go_before_writes_until_write_expire():
    dev = device(swap_iops=1000, write_expire_ms=10)
    dev.submit(SWAPOUT, np.arange(8), 0.0)
    dev.submit(SWAPIN, np.arange(100, 108), 0.0)
    dev.serve(0.001)
    assert dev.served == [0, 0, 1]
    dev.submit(SWAPIN, np.arange(200, 208), 0.011)
    dev.serve(0.011)  # the write has waited past write_expire: it goes first
    assert dev.served[SWAPOUT] == 1


def test_adjacent_queued_writes_merge_only_when_enabled():
    for merge, queued in ((False, 3), (True, 1)):
        dev = device(merge_queued_writes=merge)
        for i in range(3):
            dev.submit(SWAPOUT, np.array([10 + i]), 0.0)
        assert len(dev.writes) == queued
    dev = device(merge_queued_writes=True)
    dev.submit(SWAPOUT, np.array([1]), 0.0)
    dev.submit(SWAPOUT, np.array([5]), 0.0)  # not adjacent: its own request
    assert len(dev.writes) == 2


def test_writebacks_merge_only_while_reclaim_writes_wait():
    """shrink_worker's bios come one at a time; QEMU merges those it takes in one batch, which
    happens while reclaim's batches keep the virtqueue busy."""
    alone = device(merge_queued_writes=True)
    for i in range(3):
        alone.submit(WRITEBACK, np.array([10 + i]), 0.0)
    assert len(alone.writes) == 3
    busy = device(merge_queued_writes=True)
    busy.submit(SWAPOUT, np.arange(100, 132), 0.0)
    for i in range(3):
        busy.submit(WRITEBACK, np.array([10 + i]), 0.0)
    assert len(busy.writes) == 2 and busy.queued_swapouts == 1
    busy.serve(0.0)  # the reclaim write goes first; later writebacks stay one page each
    assert busy.queued_swapouts == 0
    busy.submit(WRITEBACK, np.array([13]), 0.0)
    assert len(busy.writes[-1][1]) == 1
