"""What a run produces: `Run`, its series, the five stages and the narrated event log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Debugfs counters (/sys/kernel/debug/zswap) and vmstat counters (/proc/vmstat), in that order.
DEBUGFS_COUNTERS = (
    "pool_total_size",
    "stored_pages",
    "written_back_pages",
    "pool_limit_hit",
    "reject_reclaim_fail",
    "reject_compress_poor",
    "reject_compress_fail",
    "reject_alloc_fail",
    "reject_kmemcache_fail",
    "same_filled_pages",
)
VMSTAT_COUNTERS = ("pswpin", "pswpout", "zswpin", "zswpout", "zswpwb")
# The model's own counters: the kernel exports nothing for these (no debugfs or vmstat entry).
# model_only_lru_rotations: entries shrink_memcg_cb rotated instead of writing back because their
# referenced bit was set (6.12's second chance; mm/zswap.c shrink_memcg_cb, LRU_ROTATE).
MODEL_COUNTERS = ("model_only_lru_rotations",)
COUNTERS = DEBUGFS_COUNTERS + VMSTAT_COUNTERS + MODEL_COUNTERS

# Series recorded at every step; all in pages, ops or ms per step unless the name says otherwise.
# A long run records one row per `Run.steps_per_row` steps instead (a power of two, see
# series.py: at most 131,072 rows): a row's t_s is the start of its steps, levels and
# cumulative values are those at their end, and the per-step values of SERIES_MEAN are the mean
# per step over them (io_latency_ms over the steps that completed requests).
SERIES = (
    "t_s",
    "pool_pages",  # zswap_total_pages()
    "max_pages",
    "shrink_start_pages",
    "accept_pages",
    "stored_pages",
    "free_pages",
    "resident_pages",  # the allocating process's pages in RAM
    "swapcache_pages",  # pages under write IO (reclaim swap-out and writeback folios)
    "swapped_pages",  # the process's pages on the swap device
    "swapout_ops",  # write requests the device served for reclaim (rejected or zswap-off pages)
    "writeback_ops",  # write requests the device served for zswap writeback (one page each)
    "swapin_ops",  # read requests the device served
    "queue_depth",  # requests queued or in service at the device
    "io_latency_ms",  # mean latency of requests completed in the step (NaN if none)
    "stall_ms",  # time the allocating process spent blocked in the step
    "user_s",  # cumulative
    "sys_s",  # cumulative
    "shrinker_state",  # see SHRINKER_STATES
    "rejections",  # stores rejected in the step, any reason
    "stage",  # 1..5, see STAGES
    # cumulative counters, as /sys/kernel/debug/zswap and /proc/vmstat show them at that time
    "written_back_pages",
    "pool_limit_hit",
    "zswpout",
    "pswpout",
    "lru_rotations",  # model_only_lru_rotations (cumulative; no kernel counter)
)

SERIES_MEAN = (
    "swapout_ops",
    "writeback_ops",
    "swapin_ops",
    "io_latency_ms",
    "stall_ms",
    "rejections",
)

SHRINKER_STATES = ("idle", "queued", "running", "sleeping", "gave up")
IDLE, QUEUED, RUNNING, SLEEPING, GAVE_UP = range(5)

# One title per stage, true under every kernel; story.py says what each kernel does in it.
STAGES = {
    1: "pool below the accept threshold",
    2: "stores absorbed by zswap with no IO",
    3: "past the shrink-start threshold: writeback while stores are still accepted",
    4: "pool at its max: stores rejected to the swap device",
    5: "allocation stopped, pool above the accept threshold: the drain",
}


@dataclass
class Run:
    """The outcome of one simulation."""

    config: Any
    elapsed_s: float  # allocation phase, as the cover letter measures it
    user_s: float
    sys_s: float
    counters: dict[str, int]
    series: dict[str, np.ndarray]
    stages: list[tuple[int, float, float]] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)
    cut: bool = False  # max_time_s ended the run before the workload and the drain were done
    alloc_end_s: float | None = None  # when the allocation finished (None: it did not)
    drain_end_s: float | None = None  # when the idle tail's drain was done (None: it was not)
    steps_per_row: int = 1  # model steps each row of the series covers (see SERIES)

    def stage_at(self, t_s: float) -> int:
        """The stage in force at time t_s."""
        for stage, start, end in self.stages:
            if start <= t_s < end:
                return stage
        return self.stages[-1][0] if self.stages else 1

    def event_log(self) -> list[str]:
        return [f"{t:.2f} s: {text}" for t, text in self.events]

    def summary(self) -> dict[str, Any]:
        return {
            "elapsed_s": round(self.elapsed_s, 4),
            "user_s": round(self.user_s, 4),
            "sys_s": round(self.sys_s, 4),
            "counters": dict(self.counters),
        }

    def to_pandas(self) -> Any:
        """The series as a pandas DataFrame; config, timings, counters and stages in its
        ``attrs`` (model/export.py; needs pandas)."""
        from .export import run_to_pandas

        return run_to_pandas(self)

    def to_csv(self, path: Any) -> Any:
        """Write the series as CSV after ``# name: JSON`` metadata lines (config, timings,
        counters, stages); the format is described in model/export.py. Returns the path."""
        from .export import run_to_csv

        return run_to_csv(self, path)


def stage_segments(
    t_s: np.ndarray, stage: np.ndarray, min_s: float = 0.05
) -> list[tuple[int, float, float]]:
    """Run-length segments of the per-step stage (start, end in s).

    Every stage the run visits keeps a segment, however short. Only flicker is absorbed: a
    segment shorter than min_s between two segments of one stage (A, x, A), when stage x has
    another segment in the run, becomes part of A.
    """
    if len(stage) == 0:
        return []
    cuts = np.flatnonzero(np.diff(stage)) + 1
    starts = np.concatenate(([0], cuts))
    ends = np.concatenate((cuts, [len(stage)]))
    dt = t_s[1] - t_s[0] if len(t_s) > 1 else 0.001
    segs = [
        [int(stage[a]), float(t_s[a]), float(t_s[b - 1] + dt)]
        for a, b in zip(starts, ends, strict=True)
    ]
    while True:
        flicker = [
            i
            for i in range(1, len(segs) - 1)
            if segs[i][2] - segs[i][1] < min_s
            and segs[i - 1][0] == segs[i + 1][0]
            and sum(seg[0] == segs[i][0] for seg in segs) > 1
        ]
        if not flicker:
            break
        i = min(flicker, key=lambda j: segs[j][2] - segs[j][1])
        segs[i - 1 : i + 2] = [[segs[i - 1][0], segs[i - 1][1], segs[i + 1][2]]]
    # Boundaries to the nanosecond: the clock is a float sum (0.12800000000000009 is 0.128).
    return [(s, round(t0, 9), round(t1, 9)) for s, t0, t1 in segs]
