"""Repeating spans of the allocation, skipped: part of `Simulation`.

Once the pool is at its max and shrink_worker stands still (stage 4 under patches 1-6, where each
rejection restarts patch 6's delay, or any run with zswap off), the allocation's steps read no
page's content: zswap_store rejects a page before it looks at it, the pool does not change and
the process and reclaim move pages only by number. The allocation, kswapd, direct reclaim and
the device then settle into a pattern that repeats exactly every few steps: the same token
buckets, tag shares, CPU carries, queue and memory counts, with page numbers and times moved on.

`_observe_cycle` watches for such a repeat after each step computed by `_step`; when the state
`_cycle_state` (everything the next steps depend on, page numbers and times taken relative to
the step) repeats after P <= MAX_PERIOD steps, and the P steps in between read no page and
changed neither the pool nor the shrinker nor the event log, the period is known. `_skip_cycles`
then takes whole periods at once: page numbers move on by the pages the period allocated, times
by its steps, counters by its increments, and the period's rows repeat.

Exact except in the last bits of three float columns. user_s and sys_s are sums of many small
additions per step, and the skipped steps add the period's per-step increments instead: they
differ from the step-by-step sums by less than 1e-10 relative. io_latency_ms is a difference of
two clock readings, repeated from the period: it differs by less than 1e-9 ms.
tests/model/test_cycles.py compares runs both ways; every other series, counter, event and
stage is equal, and so is the state after a skip.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .device import SWAPOUT
from .results import GAVE_UP, IDLE, SERIES, SLEEPING
from .states import ALLOC, POOL, SWAP, ZEROMAP

MAX_PERIOD = 8  # longest period looked for, in steps
LOOK = 64  # steps a repeat is looked for before a pause (a run that does not repeat pays little)
BACKOFF = 512  # steps of that pause
STILL = ("zswpout", "written_back_pages", "zswpin", "same_filled_pages")  # unchanged in a period
COL = {name: i for i, name in enumerate(SERIES)}


class PeriodicSkip:
    """_observe_cycle() and _skip_cycles(): periods of the allocation, skipped."""

    def _cycle_reset(self) -> None:
        self._ring: deque = deque(maxlen=MAX_PERIOD + 1)  # (signature, step) of recent steps
        self._trial = None  # a period being checked
        self._period = None  # a period checked, ready to be skipped
        self._quiet_until = 0  # no repeat is looked for before this step
        self._looked = 0  # steps looked at since the last pause

    def _content_free(self) -> bool:
        """Whether a step from this state reads no page's content and leaves the pool and the
        shrinker alone (see the module's docstring)."""
        return (
            self.phase == ALLOC
            and not self.read_wait
            and not self.zero_in_swap_layer
            and self.shrinker in (IDLE, SLEEPING, GAVE_UP)
            and (
                not self.enabled
                or self.pool.total_pages >= self.max_pages
                or (self.hysteresis and self.reached_full)
            )
        )

    def _signature(self) -> tuple:
        """The scalar state the next step depends on (page numbers and times excluded)."""
        dev = self.device
        return (
            dev._ops,
            dev._bytes,
            dev.busy,
            dev.queued_swapouts,
            len(dev.writes),
            len(dev.in_service),
            self._tag_carry,
            self._shrink_tag_carry,
            tuple(self._cpu_debt),
            self.cpu_carry_us,
            self.rejects_per_step,
            self._busy_cpus,
            self.kswapd_awake,
            self.shrinker,
            self._charge,
            self._tag_quota,
            self.shrinker_pages,
            self.step_stall,
            self.reached_full,
            self.pool.total_pages,
            self.resident,
            self.inflight,
            self.reading,
            self.stored,
            self._owner,
            self._stage,
            min(self._since_stamp(), round(self.delay / self.dt) + MAX_PERIOD + 1),
            self.lru_tail - self.lru_head,
        )

    def _since_stamp(self) -> int:
        """Steps since patch 6's delay stamp (any longer than the delay compare alike)."""
        return round((self.t - self.delay_stamp) / self.dt)

    def _layout(self) -> tuple | None:
        """Where the pages in motion are, relative to next_page and the clock: the LRU (a run of
        consecutive pages) and every request at the device (each a run of consecutive pages
        written by reclaim). None if they are not so (then nothing is skipped)."""
        dev = self.device
        top, now, dt = self.next_page, self.steps, self.dt
        lru = self.lru[self.lru_head : self.lru_tail]
        if len(lru):
            first = int(lru[0])
            if int(lru[-1]) != top - 1 or not np.array_equal(lru, np.arange(first, top)):
                return None
        requests = []
        for queue, served in ((dev.writes, False), (dev.in_service, True)):
            for r in queue:
                if served:
                    done_t, kind, pages, t0, owner = r
                    start = round((done_t - dev.latency) / dt) - now
                else:
                    kind, pages, t0, owner = r
                    start = None
                k = len(pages)
                if kind != SWAPOUT or not k or int(pages[-1]) - int(pages[0]) != k - 1:
                    return None
                requests.append(
                    (served, int(pages[0]) - top, k, round(t0 / dt) - now, start, owner)
                )
        lo = min([top, *(top + r[1] for r in requests)] + ([first] if len(lru) else []))
        if np.isin(self.where[lo:top], (POOL, ZEROMAP)).any():
            return None  # a stored page among them: not a run of pages moved by number
        return (len(lru) and first - top, tuple(requests))

    def _observe_cycle(self) -> None:
        """After a step computed by `_step`: look for a repeat of the state, check a period."""
        if not self._content_free():
            self._ring.clear()
            self._trial = self._period = None
            return
        trial = self._trial
        if trial is None and self.steps < self._quiet_until:
            return
        if trial is not None:
            trial["rows"].append(self._last_row)
            if len(trial["rows"]) == trial["period"]:
                self._trial = None
                self._check_period(trial)
            return
        if self._ring and self._ring[-1][1] != self.steps - 1:
            self._ring.clear()  # steps were taken otherwise since: a period is of steps in a row
        sig = self._signature()
        for old, step in reversed(self._ring):
            if old == sig:
                layout = self._layout()
                if layout is not None:
                    self._trial = self._snapshot(sig, layout, self.steps - step)
                break
        self._ring.append((sig, self.steps))
        self._looked += 1
        if self._trial is None and self._period is None and self._looked >= LOOK:
            self._looked = 0
            self._ring.clear()
            self._quiet_until = self.steps + BACKOFF

    def _snapshot(self, sig: tuple, layout: tuple, period: int) -> dict:
        return dict(
            sig=sig,
            layout=layout,
            period=period,
            step=self.steps,
            next_page=self.next_page,
            cnt=dict(self.cnt),
            on_swap=self.on_swap,
            user_s=self.user_s,
            sys_s=self.sys_s,
            events=(len(self.events.items), dict(self.events._counts)),
            rows=[],
        )

    def _check_period(self, trial: dict) -> None:
        """The trial's P steps are done: a period if the state repeats and the steps changed
        neither the pool nor the events."""
        if (
            self.steps - trial["step"] != trial["period"]  # steps in a row, none skipped
            or self._signature() != trial["sig"]
            or self._layout() != trial["layout"]
            or (len(self.events.items), self.events._counts) != trial["events"]
            or any(self.cnt[k] != trial["cnt"][k] for k in STILL)
        ):
            self._quiet_until = self.steps + BACKOFF
            return
        self._period = dict(
            trial,
            start_cnt=trial["cnt"],
            start_on_swap=trial["on_swap"],
            pages=self.next_page - trial["next_page"],
            cnt={k: v - trial["cnt"][k] for k, v in self.cnt.items()},
            on_swap=self.on_swap - trial["on_swap"],
            rows=np.array(trial["rows"], dtype=np.float64),
        )

    def _skip_cycles(self, n: int) -> int:
        """Take whole periods of up to n steps at once; returns the steps taken (0: none)."""
        p = self._period
        if p is None or n < p["period"] or self.phase != ALLOC:
            return 0
        period, pages = p["period"], p["pages"]
        # Whole periods that end before the allocation's last pages and max_time_s, with two
        # periods to spare (the end of the allocation is computed step by step).
        by_pages = (self.n_pages - self.next_page) // pages - 2 if pages > 0 else 0
        by_time = int((self._max_time - self.t) / self.dt) // period - 2
        m = min(n // period, by_pages, by_time)
        if m < 1 or self._signature() != p["sig"] or self._layout() != p["layout"]:
            return 0
        self._trial = None  # a period being checked would span the skipped steps
        self._advance_periods(m)
        return m * period

    def _advance_periods(self, m: int) -> None:
        """Move the state and the series on by m periods."""
        p = self._period
        period, dt = p["period"], self.dt
        shift = m * p["pages"]
        steps = m * period
        dev = self.device
        # The rows: the period's, m times, with the clock moved on and the growing columns
        # counted on from their values now (the period was seen from start to end earlier).
        once = p["rows"]
        rows = np.tile(once, (m, 1))
        rows[:, COL["t_s"]] = (self.steps + np.arange(steps)) * dt
        growing = {  # row column: (counter, its value at the period's start, its value now)
            "swapped_pages": (p["on_swap"], p["start_on_swap"], self.on_swap),
            "lru_rotations": ("model_only_lru_rotations",),
            "written_back_pages": ("written_back_pages",),
            "pool_limit_hit": ("pool_limit_hit",),
            "zswpout": ("zswpout",),
            "pswpout": ("pswpout",),
        }
        for column, spec in growing.items():
            if len(spec) == 1:
                name = spec[0]
                spec = (p["cnt"][name], p["start_cnt"][name], self.cnt[name])
            grow, start, now = spec
            c = COL[column]
            within = np.tile(once[:, c] - start, m)  # since the start of its period
            rows[:, c] = within + np.repeat(now + grow * np.arange(m), period)
        # The pages: those in motion move on; those they leave behind are on the device.
        lo, top = self._lowest_in_motion(), self.next_page
        moved = self.where[lo:top].copy()
        self.where[lo + shift : top + shift] = moved
        self.where[lo : lo + shift] = SWAP
        self.lru[self.lru_head : self.lru_tail] += shift
        self.next_page += shift
        self.on_swap += m * p["on_swap"]
        for k, v in p["cnt"].items():
            self.cnt[k] += m * v
        latency = dev.latency
        dev.writes = deque(
            (kind, pages + shift, (round(t0 / dt) + steps) * dt, owner)
            for kind, pages, t0, owner in dev.writes
        )
        dev.in_service = deque(
            (
                (round((done_t - latency) / dt) + steps) * dt + latency,
                kind,
                pages + shift,
                (round(t0 / dt) + steps) * dt,
                owner,
            )
            for done_t, kind, pages, t0, owner in dev.in_service
        )
        if self._since_stamp() <= period:  # a rejection in the period stamped it: move it on
            self.delay_stamp = (round(self.delay_stamp / dt) + steps) * dt
        # user_s and sys_s: the period's increments per step added again, in order.
        for name in ("user_s", "sys_s"):
            c = COL[name]
            per_step = np.diff(np.concatenate(([p[name]], once[:, c]))).tolist()
            value = getattr(self, name)
            out = []
            for _ in range(m):
                for inc in per_step:
                    value += inc
                    out.append(value)
            rows[:, c] = out
            setattr(self, name, value)
        self.recorder.add_rows(rows)
        self.steps += steps
        self.t = self.steps * dt
        self.cycle_steps += steps

    def _lowest_in_motion(self) -> int:
        """The lowest page in the LRU or at the device (next_page if none)."""
        dev = self.device
        lo = int(self.lru[self.lru_head]) if self.lru_tail > self.lru_head else self.next_page
        for r in dev.writes:
            lo = min(lo, int(r[1][0]))
        for r in dev.in_service:
            lo = min(lo, int(r[2][0]))
        return lo
