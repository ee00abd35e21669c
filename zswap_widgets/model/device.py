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
        # Tags in use (queued plus in service), kept as requests come and go: the step loop
        # reads it many times per step.
        self.busy = 0

    @property
    def free_tags(self) -> int:
        return self.depth - self.busy

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
        self.busy += 1
        if kind == SWAPOUT:
            self.queued_swapouts += 1

    def _refill(self) -> tuple[float, float]:
        """The step's tokens: operations and bytes, each bucket holding about two steps' worth."""
        ops = self.ops_per_step
        ops = min(self._ops + ops, 2 * ops + 1)
        nbytes = self.bytes_per_step
        nbytes = min(self._bytes + nbytes, 2 * nbytes + 64 * PAGE_SIZE)
        return ops, nbytes

    def serve(self, now: float) -> None:
        """Start the requests the step's tokens allow; they complete after the base latency."""
        ops, nbytes = self._refill()
        reads, writes = self.reads, self.writes
        if reads or writes:
            served = self.served
            expire = self.write_expire
            done_t = now + self.latency
            start = self.in_service.append
            while (reads or writes) and ops >= 1 and nbytes > 0:
                if reads and not (writes and now - writes[0][2] >= expire):
                    kind, pages, t0, owner = reads.popleft()
                else:
                    kind, pages, t0, owner = writes.popleft()
                    if kind == SWAPOUT:
                        self.queued_swapouts -= 1
                ops -= 1
                nbytes -= (len(pages) or 1) * PAGE_SIZE  # a service page's writeback: 1
                served[kind] += 1
                start((done_t, kind, pages, t0, owner))
        self._ops = ops
        self._bytes = nbytes

    def complete(self, now: float) -> list[tuple[float, int, np.ndarray, float, int]]:
        """Requests finished by `now`, taken out of service: (done_t, kind, pages, submit_t,
        owner)."""
        done = []
        q = self.in_service
        now += 1e-12
        while q and q[0][0] <= now:
            done.append(q.popleft())
        self.busy -= len(done)
        return done

    # ------------------------------------------------------------------ a queue of one kind
    # The steady drain (drain.py) keeps its queue of one-page writebacks as counts while it takes
    # steps in bulk; these give it the device's part of a step and hand the queue back.

    def serve_writebacks(self, queued: int) -> int:
        """serve() for a step in which the queue holds `queued` one-page writebacks and no
        read: how many start (the tokens are spent as serve() spends them)."""
        ops, nbytes = self._refill()
        started = 0
        while queued > started and ops >= 1 and nbytes > 0:
            ops -= 1
            nbytes -= PAGE_SIZE
            started += 1
        self._ops = ops
        self._bytes = nbytes
        self.served = [0, 0, 0]
        self.served[WRITEBACK] = started
        return started

    def one_page_writebacks(self) -> bool:
        """Whether the queue holds only one-page writebacks and nothing reads."""
        return (
            not self.reads
            and all(r[0] == WRITEBACK and len(r[1]) == 1 for r in self.writes)
            and all(r[1] == WRITEBACK and len(r[2]) == 1 for r in self.in_service)
        )

    def replace_writebacks(self, in_service: list[tuple], writes: list[tuple]) -> None:
        """Put back the queue the steady drain kept as counts: the requests in service
        (done_t, kind, pages, submit_t, owner) and those waiting (kind, pages, submit_t, owner)."""
        self.in_service = deque(in_service)
        self.writes = deque(writes)
        self.busy = len(in_service) + len(writes)
