"""The steady drain in bulk: the steps after the allocation in which shrink_worker writes the
pool down to the accept threshold, computed without the step's general machinery. Part of
`Simulation`.

In the drain the process is idle, kswapd sleeps, the device holds only shrink_worker's one-page
writes, and (with patches 1 and 2) the workload's memcg is the only one with entries. Every step
then does the same: the device serves and completes requests, the freed tags go to the worker,
and the worker writes back one entry per tag from the head of the zswap LRU, then blocks on the
next tag. A step computed by `_step` spends most of its time finding this out again (vCPU
shares, the process's call, shrink_worker's memcg walk and LRU peeks, the device's request
tuples). `_drain_steps` keeps the device's queue as counts and submit times and steps through
the span with what the next step depends on; the pool's size after each entry written back comes
from the allocator's own arithmetic (`totals_after_frees`). At the end of the span it frees the
entries, writes the rows (the last step's row, with the columns that changed step by step
filled in) and writes the pages' new places, the LRU head and the queue back.

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
from .results import RUNNING, SERIES
from .states import IDLE_TAIL, POOL, PROCESS, SHRINKER, SWAP, SWAPCACHE

WINDOW = 4096  # live LRU entries looked up at the start of a span
COL = {name: i for i, name in enumerate(SERIES)}


class SteadyDrain:
    """_drain_steps(): up to n steps of the steady drain at once."""

    def _drain_steps(self, n: int) -> int:
        """Take up to n steps in bulk while the drain is steady; returns how many (0: this
        step needs `_step`)."""
        if self.phase != IDLE_TAIL or self.shrinker != RUNNING or not self._drain_ready():
            return 0
        limits = self._steady_limits()
        dev = self.device
        pool_pages, free_pages = self.pool.total_pages, self.free_pages
        serving, queued = len(dev.in_service), len(dev.writes)
        if not self._steady(
            limits, dev.free_tags, serving, queued, pool_pages, free_pages, self.steps
        ):
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

    def _steady(
        self,
        limits: tuple[float, float, float, int],
        free_tags: int,
        serving: int,
        queued: int,
        pool_pages: int,
        free_pages: int,
        step: int,
    ) -> bool:
        """Whether memory, the pool, the clock and the worker's CPU time allow step number
        `step` to be a steady one (see the module's docstring), starting with `serving` requests
        in service and `queued` waiting at the device."""
        first_us, per_entry, budget_us, free_floor = limits
        # Tags the worker may get in the step: the free ones and those of requests completing.
        most = free_tags + serving
        if self.device.latency <= 1e-12:  # a request may complete in the step it is served
            most += queued
        return (
            # each entry written back frees at most one zspage: the pool stays above accept
            pool_pages - most * self.pool.max_alloc_pages > self.accept_pages
            # kswapd stays asleep and the worker's folio allocation finds a page per tag
            and free_pages >= free_floor
            and (step + 2) * self.dt < self._max_time
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
        that complete together, and [0, finished) have completed. The loop keeps what the next
        step depends on; the rows and the pool are brought up to date after it (`_close_span`)."""
        dev = self.device
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
        # The pool's size after each entry of heads is written back, from the allocator.
        pool_after = self.pool.totals_after_frees(np.asarray(heads, dtype=np.intp)).tolist()
        pool_pages = self.pool.total_pages
        # What free memory is besides the pool, the pages under IO and the worker's pages.
        other = self._usable_pages - self.resident - self.reading
        inflight, shrinker_pages = self.inflight, self.shrinker_pages
        started, finished, written, steps = len(in_service), 0, 0, 0
        first_step, dt = self.steps, self.dt
        # per step: requests served and completed, entries written so far, pool pages, latency
        per_step: list[tuple[int, int, int, int, float]] = []
        latencies: list[float] = []
        shrink_tags = k = 0
        steady = self._steady
        # What _step zeroes at a step's start and nothing in the drain sets again.
        self._new_step_counts()
        self.step_stall = 0.0
        while (
            steps < n
            and written + depth < len(heads)
            and steady(
                limits,
                depth - len(submit_t) + finished,
                started - finished,
                len(submit_t) - started,
                pool_pages,
                other - pool_pages - inflight - shrinker_pages,
                first_step + steps,
            )
        ):
            t = (first_step + steps) * dt
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
            done = len(latencies)
            inflight -= done
            # The tags go to the only waiter (Simulation._step's fair shares with one thread).
            tags = depth - len(submit_t) + finished
            _, shrink_tags = self._share_tags(tags, 1, True)
            self._smooth_rejects()
            # shrink_worker: one entry per tag it may take, then it blocks on the next tag.
            k = max(min(tags, shrink_tags), 0)
            if k:
                pages += heads[written : written + k]
                submit_t += [t] * k
                written += k
                pool_pages = pool_after[written - 1]
                inflight += k
                shrinker_pages = max(shrinker_pages - k, 0)
            mean = sum(latencies) / done * 1000 if done else np.nan
            per_step.append((begin, done, written, pool_pages, mean))
            steps += 1
        if steps:
            self.step_latency = latencies
            self._tag_quota = shrink_tags - k
            self._close_span(per_step, heads[:written])
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
        self._owner = SHRINKER
        return steps, written, pages[:finished]

    def _close_span(
        self, per_step: list[tuple[int, int, int, int, float]], written: list[int]
    ) -> None:
        """Bring the state and the series up to date after a span of bulk steps: per step the
        requests served and completed, the entries written back so far, the pool's pages and
        the mean latency (ms, NaN if none completed); and the entries written back, in order."""
        columns = (np.array(c) for c in zip(*per_step, strict=True))
        served, completed, so_far, pool_pages, latency = columns
        n, w = len(per_step), len(written)
        after = np.cumsum(completed)  # requests completed by the end of each step
        row0 = dict(
            stored_pages=self.stored,
            swapcache_pages=self.inflight + self.reading,
            swapped_pages=self.on_swap,
            queue_depth=self.device.busy,
            written_back_pages=self.cnt["written_back_pages"],
            pswpout=self.cnt["pswpout"],
        )
        shrinker_pages = np.maximum(self.shrinker_pages - so_far, 0)
        # The state at the end of the span.
        if w:
            self.pool.free(np.asarray(written, dtype=np.intp))
        for name in ("written_back_pages", "zswpwb", "pswpout"):
            self.cnt[name] += w
        self.stored -= w
        self.inflight += w - int(after[-1])
        self.on_swap += int(after[-1])
        self.device.busy += w - int(after[-1])
        self.shrinker_pages = int(shrinker_pages[-1])
        self.steps += n
        self.t = self.steps * self.dt
        self.active_steps += n
        self.bulk_steps += n
        # The rows: the last step's row for what stays the same, then what changed step by step.
        rows = np.empty((n, len(SERIES)))
        rows[:] = self._row()
        inflight = row0["swapcache_pages"] + so_far - after
        rows[:, COL["t_s"]] = (self.steps - n + np.arange(n)) * self.dt
        rows[:, COL["pool_pages"]] = pool_pages
        rows[:, COL["stored_pages"]] = row0["stored_pages"] - so_far
        rows[:, COL["free_pages"]] = (
            self._usable_pages - pool_pages - self.resident - inflight - shrinker_pages
        )
        rows[:, COL["swapcache_pages"]] = inflight
        rows[:, COL["swapped_pages"]] = row0["swapped_pages"] + after
        rows[:, COL["writeback_ops"]] = served
        rows[:, COL["queue_depth"]] = row0["queue_depth"] + so_far - after
        rows[:, COL["io_latency_ms"]] = latency
        rows[:, COL["written_back_pages"]] = row0["written_back_pages"] + so_far
        rows[:, COL["pswpout"]] = row0["pswpout"] + so_far
        self.recorder.add_rows(rows)
