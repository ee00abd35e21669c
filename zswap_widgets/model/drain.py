"""The steady drain in bulk: the steps after the allocation in which shrink_worker writes the
pool down to the accept threshold, computed without the step's general machinery. Part of
`Simulation`.

In the drain the process is idle, kswapd sleeps, the device holds only shrink_worker's one-page
writes, and (with patches 1 and 2) the workload's memcg is the only one with entries. Every step
then does the same: the device serves and completes requests, the freed tags go to the worker,
and the worker writes back one entry per tag from the head of the zswap LRU, then blocks on the
next tag. A step computed by `_step` spends most of its time finding this out again (vCPU
shares, the process's call, shrink_worker's memcg walk and LRU peeks, the device's request
tuples). `_drain_steps` keeps the device's queue as counts and submit times, frees the entries
from the pool as `_writeback_entry` does, records each step's row with `_row`, and writes the
pages' new places, the LRU head and the queue back at the end of the span.

It is exact, not an approximation: each bulk step leaves the state, the counters and the series
row that `_step` would (tests/model/test_drain.py runs configurations both ways and compares
every series and the state; tests/model/test_equivalence.py holds the recorded runs). A step is
taken in bulk only when all of this holds, otherwise `_step` computes it:

* the idle tail, shrink_worker RUNNING and resting where its last blocked step left it (cursor
  one before the workload's memcg, no attempt counted), no CPU debt or carried time, patch 6's
  delay over, only one-page writebacks at the device;
* free memory stays above the low watermark and leaves a page per tag (kswapd stays asleep and
  the worker's folio allocation succeeds);
* the pool cannot reach the accept threshold within the step (the end of the drain, where
  shrink_worker goes IDLE, is left to `_step`), and max_time_s is not reached;
* the entries at the LRU's head are unreferenced (no second-chance rotation), and the worker's
  CPU time for the step fits its budget (it blocks on a tag, not on time).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .device import WRITEBACK
from .results import RUNNING
from .states import IDLE_TAIL, POOL, PROCESS, SHRINKER, SWAP, SWAPCACHE

WINDOW = 4096  # live LRU entries looked up at the start of a span


class SteadyDrain:
    """_drain_steps(): up to n steps of the steady drain at once."""

    def _drain_steps(self, n: int) -> int:
        """Take up to n steps in bulk while the drain is steady; returns how many (0: this
        step needs `_step`)."""
        if self.phase != IDLE_TAIL or self.shrinker != RUNNING or not self._drain_ready():
            return 0
        limits = self._steady_limits()
        dev = self.device
        if not self._next_step_steady(limits, len(dev.in_service), len(dev.writes)):
            return 0
        heads, positions = self._lru_window()
        steps, written, completed = self._bulk(n, heads, limits)
        if steps:
            # What the steps did to the pages, in order: written back, then on the device.
            self.where[np.asarray(heads[:written], dtype=np.intp)] = SWAPCACHE
            self.where[np.asarray(completed, dtype=np.intp)] = SWAP
            if written:
                self.zhead = positions[written - 1] + 1
            self._zlru_peek()  # as the worker's last look at the head left it
        return steps

    def _steady_limits(self) -> tuple[float, float, float, int]:
        """What _next_step_steady compares with, the same for every step: the worker's CPU time
        before its first writeback, per further writeback, its budget, and the free memory a
        steady step needs."""
        per_entry, _ = self._cycle_us()
        m = self.machine
        return (
            self.cpu["memcg_iter"] + self._writeback_us(),
            per_entry,
            self.dt * 1e6 * min(1.0, self._vcpus),  # the worker's share: nobody else runs
            max(m.low_pages, m.min_pages + self.device.depth),
        )

    def _next_step_steady(
        self, limits: tuple[float, float, float, int], serving: int, queued: int
    ) -> bool:
        """Whether memory, the pool, the clock and the worker's CPU time allow the next step to
        be a steady one (see the module's docstring), with `serving` requests in service and
        `queued` waiting at the device."""
        first_us, per_entry, budget_us, free_floor = limits
        dev = self.device
        pool = self.pool
        # Tags the worker may get in the step: the free ones and those of requests completing.
        most = dev.free_tags + serving
        if dev.latency <= 1e-12:  # a request may complete in the step it is served
            most += queued
        return (
            # each entry written back frees at most one zspage: the pool stays above accept
            pool.total_pages - most * pool.max_alloc_pages > self.accept_pages
            # kswapd stays asleep and the worker's folio allocation finds a page per tag
            and self.free_pages >= free_floor
            and (self.steps + 2) * self.dt < self._max_time
            # the worker blocks on a tag before its CPU time runs out (shrink_worker's sum)
            and (not most or first_us + (most - 1) * per_entry < budget_us)
        )

    def _drain_ready(self) -> bool:
        """The state that makes a step of the drain steady (see the module's docstring): the
        worker where its last blocked step left it, nothing else running or owed."""
        walk = self.walk
        w = self._workload_memcg
        dev = self.device
        return (
            not self.kswapd_awake
            and not self.read_wait
            and not self.cpu_carry_us
            and not self._cpu_debt[PROCESS]
            and not self._cpu_debt[SHRINKER]
            and not self._busy_cpus
            and not self._rotations_since_writeback
            and self.cnt["written_back_pages"] > 0
            and walk.cursor == w - 1
            and not walk.attempts
            and not walk.gave_up
            and walk.only_candidate(w)
            and not (self.delay and self.t < self.delay_stamp + self.delay)
            and not dev.queued_swapouts
            and dev.one_page_writebacks()
        )

    def _lru_window(self) -> tuple[list[int], list[int]]:
        """The live entries from the zswap LRU's head up to the first referenced one (at most
        WINDOW), and their positions in the LRU array."""
        a = self.zhead
        seg = self.zlru[a : min(a + 2 * WINDOW, self.ztail)]
        pos = np.arange(a, a + len(seg))
        live = (self.where[seg] == POOL) & (self.zpos[seg] == pos)
        idx = np.flatnonzero(live)[:WINDOW]
        refd = self.referenced[seg[idx]]
        if refd.any():
            idx = idx[: int(np.argmax(refd))]
        return seg[idx].tolist(), (idx + a).tolist()

    def _bulk(self, n: int, heads: list[int], limits: tuple) -> tuple[int, int, list[int]]:
        """The steps themselves. Returns the steps taken, how many entries of `heads` were
        written back, and the pages whose write completed.

        The device's queue is kept as counts meanwhile: request r writes page pages[r],
        submitted at submit_t[r]; requests [0, started) have started, in runs of (done_t, end)
        that complete together, and [0, finished) have completed."""
        dev = self.device
        pool = self.pool
        cnt = self.cnt
        depth = dev.depth
        latency = dev.latency
        in_service, waiting = list(dev.in_service), list(dev.writes)
        submit_t = [r[3] for r in in_service] + [r[2] for r in waiting]
        pages = [int(r[2][0]) for r in in_service] + [int(r[1][0]) for r in waiting]
        runs: deque[tuple[float, int]] = deque()
        for i, r in enumerate(in_service):
            if runs and runs[-1][0] == r[0]:
                runs[-1] = (r[0], i + 1)
            else:
                runs.append((r[0], i + 1))
        started = len(in_service)
        finished = 0
        written = 0
        steps = 0
        # What _step zeroes at a step's start and nothing in the drain sets again.
        self._new_step_counts()
        self.step_stall = 0.0
        steady = self._next_step_steady
        while (
            steps < n
            and written + depth < len(heads)
            and steady(limits, started - finished, len(submit_t) - started)
        ):
            t = self.t
            # The device: serve() and complete() (Simulation._complete_io, writebacks only).
            begin = dev.serve_writebacks(len(submit_t) - started)
            if begin:
                started += begin
                runs.append((t + latency, started))
            latencies = []
            now = t + 1e-12
            while runs and runs[0][0] <= now:
                done_t, end = runs.popleft()
                latencies += [done_t - t0 for t0 in submit_t[finished:end]]
                finished = end
            self.step_latency = latencies
            done = len(latencies)
            self.on_swap += done
            self.inflight -= done
            dev.busy = len(submit_t) - finished
            # The tags go to the only waiter (Simulation._step's fair shares with one thread).
            tags = depth - dev.busy
            _, shrink_tags = self._share_tags(tags, 1, True)
            self._smooth_rejects()
            # shrink_worker: one entry per tag it may take, then it blocks on the next tag.
            k = max(min(tags, shrink_tags), 0)
            if k:
                entries = heads[written : written + k]
                for h in entries:
                    pool.free_one(h)
                pages += entries
                submit_t += [t] * k
                written += k
                dev.busy += k
                self.stored -= k
                self.inflight += k
                cnt["written_back_pages"] += k
                cnt["zswpwb"] += k
                cnt["pswpout"] += k
                paid = min(self.shrinker_pages, k)
                self.shrinker_pages -= paid
            self._tag_quota = shrink_tags - k
            self.recorder.add(self._row())
            self.steps += 1
            self.t = self.steps * self.dt
            steps += 1
        one_page = self._one_page
        service = []
        first = finished
        for done_t, end in runs:
            for r in range(first, end):
                p = pages[r]
                service.append((done_t, WRITEBACK, one_page[p : p + 1], submit_t[r], SHRINKER))
            first = end
        queue = [
            (WRITEBACK, one_page[p : p + 1], t0, SHRINKER)
            for p, t0 in zip(pages[started:], submit_t[started:], strict=True)
        ]
        dev.replace_writebacks(service, queue)
        self.active_steps += steps
        self.bulk_steps += steps
        self._owner = SHRINKER
        return steps, written, pages[:finished]
