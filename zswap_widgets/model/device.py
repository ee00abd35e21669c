"""The swap device: a request queue with an IOPS limit, a bandwidth limit and a base latency.

Requests are served by two token buckets (operations and bytes, refilled every step, as a cloud
disk's throttle does), reads ahead of writes as mq-deadline does until the oldest write has waited
`write_expire_ms`. A request holds one of `swap_queue_depth` tags from submission to completion; a
submitter that finds no free tag blocks (the model retries on the next step). Optionally,
adjacent queued writes merge (`merge_queued_writes`).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .compressors import PAGE_SIZE

SWAPOUT, WRITEBACK, SWAPIN = 0, 1, 2
MAX_REQUEST_PAGES = 128  # max_sectors_kb 512: the largest merged request


class SwapDevice:
    def __init__(self, c, dt: float) -> None:
        self.ops_per_step = c.swap_iops * dt
        self.bytes_per_step = c.swap_bandwidth_mib_s * 1024 * 1024 * dt
        self.latency = c.swap_latency_ms / 1000
        self.write_expire = c.write_expire_ms / 1000
        self.depth = c.swap_queue_depth
        self._ops = 0.0
        self._bytes = 0.0
        self.reads: deque = deque()
        self.writes: deque = deque()
        self.in_service: deque = deque()  # (done_t, kind, pages, submit_t), done_t ascending
        self.merge_queued = c.merge_queued_writes
        self.served = [0, 0, 0]  # requests the device started, by kind, in the current step
        self.queued_swapouts = 0  # reclaim's write requests waiting to be served

    @property
    def busy(self) -> int:
        """Tags in use: queued plus in service."""
        return len(self.reads) + len(self.writes) + len(self.in_service)

    @property
    def free_tags(self) -> int:
        return self.depth - len(self.reads) - len(self.writes) - len(self.in_service)

    def submit(self, kind: int, pages: np.ndarray, now: float, owner: int = -1) -> None:
        """Queue a request; `owner` is the thread waiting for a page from it (-1: none).

        With merge_queued_writes, a write whose first page follows the last page of the newest
        queued write of the same kind joins it (pages stand for swap slots, allocated in LRU
        order), as QEMU's virtio-blk merges adjacent requests before its throttle counts them.
        QEMU merges the requests it takes from the virtqueue in one batch: reclaim's come in
        batches (its plug), shrink_worker's bios one at a time, so a writeback joins another
        only while reclaim's writes also wait at the device (see README "Calibration")."""
        writes = self.writes
        batched = kind == SWAPOUT or (kind == WRITEBACK and self.queued_swapouts > 0)
        if batched and self.merge_queued and writes and len(pages):
            k0, p0, t0, o0 = writes[-1]
            if (
                k0 == kind
                and len(p0)
                and p0[-1] + 1 == pages[0]
                and len(p0) + len(pages) <= MAX_REQUEST_PAGES
            ):
                writes[-1] = (kind, np.concatenate((p0, pages)), t0, o0 if o0 >= 0 else owner)
                return
        (self.reads if kind == SWAPIN else writes).append((kind, pages, now, owner))
        if kind == SWAPOUT:
            self.queued_swapouts += 1

    def serve(self, now: float) -> None:
        """Start the requests the step's tokens allow; they complete after the base latency."""
        self._ops = min(self._ops + self.ops_per_step, 2 * self.ops_per_step + 1)
        self._bytes = min(
            self._bytes + self.bytes_per_step, 2 * self.bytes_per_step + 64 * PAGE_SIZE
        )
        reads, writes = self.reads, self.writes
        while (reads or writes) and self._ops >= 1 and self._bytes > 0:
            if reads and not (writes and now - writes[0][2] >= self.write_expire):
                kind, pages, t0, owner = reads.popleft()
            else:
                kind, pages, t0, owner = writes.popleft()
                if kind == SWAPOUT:
                    self.queued_swapouts -= 1
            self._ops -= 1
            self._bytes -= max(len(pages), 1) * PAGE_SIZE  # a service page's writeback: 1
            self.served[kind] += 1
            self.in_service.append((now + self.latency, kind, pages, t0, owner))

    def complete(self, now: float) -> list[tuple[int, np.ndarray, float, int]]:
        """Requests finished by `now`: (kind, pages, latency_s, owner)."""
        done = []
        q = self.in_service
        while q and q[0][0] <= now + 1e-12:
            t, kind, pages, t0, owner = q.popleft()
            done.append((kind, pages, t - t0, owner))
        return done
