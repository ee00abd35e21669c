"""The story of a run in words: what will happen, and what happens in each stage it visits.

Every sentence is built from the run's own series (the pool, the thresholds, the cumulative
counters, the per-step rejections and shrink_worker's state) and from what the configuration's
kernel does (`Config.patch(n)`, the preset), so it holds for every kernel: a patch that is off is
never named, and a run with zswap off has no stages. The dashboard's story view, `Run.event_log()`
and `zswap-widgets run` all read their texts from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .machine import PAGES_PER_MIB
from .memcg_walk import MAX_RECLAIM_RETRIES
from .results import GAVE_UP, STAGES, Run

FULL_SHARE = 0.95  # a pool this close to its max is "full" in the texts
NEARLY_FULL_SHARE = 0.75  # and this close "nearly full"


def _mib(pages: float) -> str:
    return f"{pages / PAGES_PER_MIB:.1f} MiB"


def _n(x: float) -> str:
    return f"{round(x):,}"


@dataclass(frozen=True)
class Kernel:
    """What the run's kernel does, as far as the story is concerned."""

    name: str
    enabled: bool
    hysteresis: bool  # no patch 3: zswap_pool_reached_full
    proactive: bool  # patch 3: shrink-start threshold
    background: bool  # patch 4: no WQ_MEM_RECLAIM
    delay_ms: int  # patch 6's delay (0: patch 6 off or no delay)
    fixed_walk: bool  # patch 2: empty memcgs are skipped, not failures

    @classmethod
    def of(cls, config: Any) -> Kernel:
        delay = config.shrinker_delay_ms if config.patch(6) else 0
        return cls(
            name=config.kernel,
            enabled=config.preset.enabled,
            hysteresis=not config.patch(3),
            proactive=config.patch(3),
            background=config.patch(4),
            delay_ms=delay,
            fixed_walk=config.patch(2),
        )


class Story:
    """The texts of one run. Segments are indexes into `run.stages`."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.kernel = Kernel.of(run.config)
        s = run.series
        self.t = s["t_s"]
        self.dt = float(self.t[1] - self.t[0]) if len(self.t) > 1 else 0.001
        self.max_pages = float(s["max_pages"][0]) if len(self.t) else 0.0
        self.accept_pages = float(s["accept_pages"][0]) if len(self.t) else 0.0
        self.shrink_start_pages = float(s["shrink_start_pages"][0]) if len(self.t) else 0.0

    # ------------------------------------------------------------------ reading the series
    def _i(self, t_s: float) -> int:
        """Index of the step in force at t_s."""
        i = int(np.searchsorted(self.t, t_s + 1e-9, side="right")) - 1
        return min(max(i, 0), len(self.t) - 1)

    def _moved(self, name: str, t0: float, t1: float) -> float:
        """How much a cumulative counter rose from t0 to t1."""
        s = self.run.series[name]
        before = s[self._i(t0) - 1] if self._i(t0) > 0 and t0 > self.t[0] else 0.0
        return float(s[self._i(t1)] - before)

    def _sum(self, name: str, t0: float, t1: float) -> float:
        """Total of a per-step series from t0 to t1 (inclusive of both steps)."""
        a, b = self._i(t0), self._i(t1)
        return float(np.sum(self.run.series[name][a : b + 1]))

    def _at(self, name: str, t_s: float) -> float:
        return float(self.run.series[name][self._i(t_s)])

    def give_ups(self, t0: float, t1: float) -> int:
        """How many times shrink_worker gave up (16 failures) from t0 to t1."""
        a, b = self._i(t0), self._i(t1)
        state = self.run.series["shrinker_state"][max(a - 1, 0) : b + 1]
        entered = (state[1:] == GAVE_UP) & (state[:-1] != GAVE_UP)
        return int(entered.sum()) + int(a == 0 and len(state) and state[0] == GAVE_UP)

    def patch6_pause(self) -> tuple[float, float] | None:
        """(last rejection, first writeback after it) once the allocation stopped: patch 6's
        pause, measured. None without patch 6 or if either is missing."""
        run = self.run
        if not self.kernel.delay_ms or run.alloc_end_s is None:
            return None
        s = run.series
        i0 = self._i(run.alloc_end_s)
        wb = s["written_back_pages"]
        rose = np.flatnonzero(np.diff(wb[i0 - 1 :]) > 0) if i0 > 0 else np.zeros(0, int)
        if not len(rose):
            return None
        i_wb = i0 + int(rose[0])
        rejected = np.flatnonzero(s["rejections"][:i_wb] > 0)
        if not len(rejected):
            return None
        return float(self.t[rejected[-1]]), float(self.t[i_wb])

    def outcome(self) -> str:
        """How the drain ends: "drained", "cut", "gave up" or "stopped" (shrinker idle above
        the accept threshold), or "" if the allocation never finished."""
        run = self.run
        if run.alloc_end_s is None:
            return "cut" if run.cut else ""
        if any(s == 1 and t0 >= run.alloc_end_s - self.dt for s, t0, _ in run.stages):
            return "drained"
        if run.cut:
            return "cut"
        if len(self.t) and run.series["shrinker_state"][-1] == GAVE_UP:
            return "gave up"
        return "stopped"

    # ------------------------------------------------------------------ texts
    def title(self, index: int) -> str:
        """The stage's headline for this kernel and run (the event log's stage line)."""
        k = self.kernel
        stage, t0, t1 = self.run.stages[index]
        if stage == 1:
            if self.run.alloc_end_s is not None and t0 >= self.run.alloc_end_s - self.dt:
                return "pool back at the accept threshold: the drain is over"
            return "pool below the accept threshold: zswap has nothing to do yet"
        if stage == 3 and k.proactive:
            return (
                "past the shrink-start threshold (patch 3): shrink_worker writes back while "
                "stores are still accepted"
            )
        if stage == 4:
            if k.hysteresis:
                text = (
                    "pool at its max: zswap_pool_reached_full is set, every store is rejected "
                    "until the pool falls to the accept threshold"
                )
            elif k.delay_ms:
                text = (
                    "pool at its max: stores rejected to the swap device; patch 6 pauses writeback"
                )
            else:
                text = "pool at its max: stores rejected while shrink_worker writes back"
            if self.give_ups(t0, t1):
                text += f"; shrink_worker gives up after {MAX_RECLAIM_RETRIES} failures"
            return text
        if stage == 5:
            outcome = self.outcome()
            pause = self.patch6_pause()
            if outcome == "gave up":
                return (
                    f"allocation stopped: shrink_worker gave up after {MAX_RECLAIM_RETRIES} "
                    "failures; the pool stays " + self._fullness(t1 - self.dt)
                )
            if outcome == "cut":
                return "allocation stopped: the drain was cut by max_time_s"
            if outcome == "stopped":
                return "allocation stopped: shrink_worker is idle above the accept threshold"
            if pause:
                return (
                    f"allocation stopped: after patch 6's {k.delay_ms} ms pause, writeback "
                    "drains the pool to the accept threshold"
                )
            return "allocation stopped: writeback drains the pool to the accept threshold"
        return STAGES[stage]

    def _fullness(self, t_s: float) -> str:
        """ "full", "nearly full" or "above the accept threshold": the pool at t_s."""
        pool = self._at("pool_pages", t_s)
        if pool >= FULL_SHARE * self.max_pages:
            return "full"
        if pool >= NEARLY_FULL_SHARE * self.max_pages:
            return "nearly full"
        return "above the accept threshold"

    def intro(self) -> str:
        """One sentence, before t = 0: what will happen."""
        c = self.run.config
        k = self.kernel
        head = f"The process will write {c.alloc_mib} MiB into a {c.ram_mib} MiB VM"
        if not k.enabled:
            return (
                f"{head} with zswap off (kernel preset {k.name}): reclaim sends every evicted page straight "
                "to the swap device, so there are no stages to show; pick another kernel preset "
                "to see them."
            )
        visited = [s for s, _, _ in self.run.stages]
        parts = [f"zswap ({k.name}) will take the pages reclaim evicts into its compressed pool"]
        if 3 in visited:
            parts.append(
                f"start writing back at the shrink-start threshold "
                f"({_mib(self.shrink_start_pages)})"
            )
        if 4 in visited:
            parts.append(
                f"reject pages once the pool reaches its max ({_mib(self.max_pages)})"
                + (" until it falls to the accept threshold" if k.hysteresis else "")
            )
        else:
            parts.append(f"never reach its max ({_mib(self.max_pages)})")
        outcome = self.outcome()
        after = {
            "drained": f"drain it to the accept threshold ({_mib(self.accept_pages)})",
            "gave up": "leave it full because shrink_worker gives up",
            "cut": "not finish the drain before max_time_s",
            "stopped": "leave it above the accept threshold",
        }.get(outcome)
        if after:
            if outcome == "drained" and self.patch6_pause():
                after += f" after patch 6's {k.delay_ms} ms pause"
            parts.append("and, once the allocation stops, " + after)
        order = " → ".join(str(s) for s in visited)
        return f"{head}: " + ", ".join(parts) + f" (stages {order})."

    def text(self, index: int, t_s: float | None = None) -> str:
        """What happens in the segment, with numbers at t_s (default: its end)."""
        k = self.kernel
        c = self.run.config
        stage, t0, t1 = self.run.stages[index]
        t = t1 - self.dt if t_s is None else min(max(t_s, t0), t1 - self.dt)
        pool = self._at("pool_pages", t)
        wb = self._moved("written_back_pages", t0, t)
        zsw = self._moved("zswpout", t0, t)
        out = self._moved("pswpout", t0, t)
        hits = self._moved("pool_limit_hit", t0, t)
        rejected = self._sum("rejections", t0, t)
        acc, mx, ss = self.accept_pages, self.max_pages, self.shrink_start_pages
        so_far = "so far in this stage" if t_s is not None and t < t1 - self.dt else "in this stage"
        if stage == 1:
            if self.run.alloc_end_s is not None and t0 >= self.run.alloc_end_s - self.dt:
                total = self._moved("written_back_pages", self.run.alloc_end_s, t)
                return (
                    f"The pool is down to the accept threshold ({_mib(acc)}; now {_mib(pool)}): "
                    f"shrink_worker has stopped and nothing more is written back. Since the "
                    f"allocation stopped it wrote back {_n(total)} pages."
                )
            free = self._at("free_pages", t)
            held = (
                f" (its {_mib(pool)} are other memcgs' entries from before the run)" if pool else ""
            )
            return (
                f"Free memory ({_mib(free)}) is above the low watermark: the process allocates "
                f"without reclaim and zswap stores nothing new{held}. Accept threshold "
                f"{_mib(acc)}, max {_mib(mx)}."
            )
        if stage == 2:
            text = (
                f"Free memory fell to the low watermark: kswapd reclaims and zswap_store "
                f"compresses each evicted page into the pool without IO (zswpout +{_n(zsw)} "
                f"{so_far}; pool {_mib(pool)} of its {_mib(mx)} max)."
            )
            if out:
                text += (
                    f" pswpout +{_n(out)}: {_n(rejected)} pages zswap rejected went to the swap "
                    "device."
                )
            else:
                text += " The swap device is idle: pswpout +0."
            return text
        if stage == 3:
            if k.proactive:
                text = (
                    f"The pool passed the shrink-start threshold ({_mib(ss)} = "
                    f"{c.effective_shrink_start_percent} % of the max, patch 3): shrink_worker is queued and writes entries back, one "
                    f"4 KiB write each (written_back_pages +{_n(wb)} {so_far}), while zswap_store "
                    f"still accepts pages (zswpout +{_n(zsw)}); the pool is at {_mib(pool)}."
                )
            else:
                text = (
                    f"shrink_worker writes entries back (written_back_pages +{_n(wb)} {so_far}) "
                    f"while zswap_store accepts pages again (zswpout +{_n(zsw)}); pool "
                    f"{_mib(pool)}."
                )
            if k.background:
                text += (
                    " Without WQ_MEM_RECLAIM (patch 4) the worker runs on the CPU time reclaim "
                    "leaves."
                )
            else:
                text += (
                    " Its work queue has WQ_MEM_RECLAIM: it competes with reclaim for the vCPUs."
                )
            return text
        if stage == 4:
            text = (
                f"The pool reached its max ({_mib(mx)} = {c.max_pool_percent} % of RAM): "
                f"zswap_store rejects the pages and reclaim writes them to the swap device "
                f"(pool_limit_hit +{_n(hits)}, pswpout +{_n(out)} {so_far})."
            )
            if k.hysteresis:
                text += (
                    f" zswap_pool_reached_full stays set: every store is rejected until the pool "
                    f"falls to the accept threshold ({_mib(acc)}); pool_limit_hit counts only "
                    "the rejections made at the max."
                )
            if k.delay_ms:
                text += (
                    f" Each rejection restarts patch 6's {k.delay_ms} ms delay, so shrink_worker "
                    f"sleeps: written_back_pages +{_n(wb)}."
                )
            else:
                text += (
                    f" shrink_worker writes back meanwhile (written_back_pages +{_n(wb)}): each "
                    "single-page write takes an IO that reclaim's writes need."
                )
            gave = self.give_ups(t0, t)
            if gave:
                text += (
                    f" shrink_worker gave up after {MAX_RECLAIM_RETRIES} failures {_n(gave)} "
                    f"times: its walk counts each of the {c.empty_memcgs} empty memcgs as a "
                    "failure, and each rejection queues it again."
                )
            return text
        # stage 5
        alloc_end = self.run.alloc_end_s if self.run.alloc_end_s is not None else t0
        text = f"The allocation finished at {alloc_end:.2f} s."
        pause = self.patch6_pause()
        if pause:
            t_rej, t_wb = pause
            if t < t_wb:
                text += (
                    f" Patch 6 keeps shrink_worker asleep until {k.delay_ms} ms after the last "
                    f"rejection ({t_rej:.2f} s)."
                )
            else:
                text += (
                    f" Patch 6 kept shrink_worker asleep after the last rejection at "
                    f"{t_rej:.2f} s: the first writeback came at {t_wb:.2f} s, a pause of "
                    f"{(t_wb - t_rej) * 1000:.0f} ms."
                )
        outcome = self.outcome()
        start_pool = self._at("pool_pages", t0)
        if outcome == "gave up":
            gave_at = self._last_give_up(t)
            text += (
                f" shrink_worker gave up after {MAX_RECLAIM_RETRIES} failures"
                + (f" (the last time at {gave_at:.2f} s)" if gave_at is not None else "")
                + "; with no more stores nothing queues it again, so the pool stays "
                + self._fullness(t)
                + f" at {_mib(pool)}, {100 * pool / max(mx, 1):.0f} % of its max "
                + f"(written_back_pages +{_n(wb)} {so_far})."
            )
        elif outcome == "cut":
            text += (
                f" Writeback takes the pool from {_mib(start_pool)} toward the accept threshold "
                f"({_mib(acc)}): written_back_pages +{_n(wb)} {so_far}, pool {_mib(pool)}. The "
                f"run was cut at max_time_s ({c.max_time_s:g} s) before the drain was done."
            )
        elif outcome == "stopped":
            text += (
                f" shrink_worker is idle and nothing queues it, so the pool stays at "
                f"{_mib(pool)}, above the accept threshold ({_mib(acc)})."
            )
        else:
            text += (
                f" Writeback takes the pool from {_mib(start_pool)} down to the accept "
                f"threshold ({_mib(acc)}): written_back_pages +{_n(wb)} {so_far}, pool "
                f"{_mib(pool)}."
            )
        return text

    def _last_give_up(self, t_s: float) -> float | None:
        """When shrink_worker last gave up, at or before t_s."""
        state = self.run.series["shrinker_state"][: self._i(t_s) + 1]
        entered = np.flatnonzero((state[1:] == GAVE_UP) & (state[:-1] != GAVE_UP)) + 1
        return float(self.t[entered[-1]]) if len(entered) else None

    def segment_at(self, t_s: float) -> int | None:
        """Index of the segment in force at t_s (None: zswap off)."""
        for i, (_, t0, t1) in enumerate(self.run.stages):
            if t0 <= t_s < t1:
                return i
        return len(self.run.stages) - 1 if self.run.stages else None

    # ------------------------------------------------------------------ event log
    def narrate(self, model_events: list[tuple[float, str]]) -> list[tuple[float, str]]:
        """The model's events with one line per stage change and the measured pause, in time
        order."""
        lines = [
            (t0, f"stage {s}: {self.title(i)}") for i, (s, t0, _) in enumerate(self.run.stages)
        ]
        pause = self.patch6_pause()
        if pause:
            t_rej, t_wb = pause
            lines.append(
                (
                    t_wb,
                    f"first writeback {(t_wb - t_rej) * 1000:.0f} ms after the last rejection "
                    f"({t_rej:.2f} s): patch 6's delay",
                )
            )
        if self.run.cut:
            lines.append(
                (
                    float(self.t[-1]) + self.dt if len(self.t) else 0.0,
                    f"cut here: max_time_s ({self.run.config.max_time_s:g} s) ended the run "
                    + (
                        "before the drain was done"
                        if self.run.alloc_end_s is not None
                        else "before the allocation finished"
                    ),
                )
            )
        return sorted(model_events + lines, key=lambda e: e[0])


def narrate(run: Run, model_events: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """The run's event log: see `Story.narrate`."""
    return Story(run).narrate(model_events)
