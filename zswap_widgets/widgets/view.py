"""What each chart shows of a `Run`: downsampled float32 arrays in MiB, requests/s, % and s.

Pure numpy, no widgets: the tests compare the marks with `run_view(simulate(config))`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..model.machine import PAGES_PER_MIB
from ..model.results import Run
from . import downsample as ds

MEMORY_SERIES = ("resident_pages", "pool_pages", "free_pages", "swapcache_pages", "swapped_pages")
IO_SERIES = ("swapout_ops", "writeback_ops", "swapin_ops")
THRESHOLDS = ("max_pages", "shrink_start_pages", "accept_pages")

# The cover letter's table (elapsed, user, sys in s; 2 GB of 3/4 compressible data, 10 runs).
PUBLISHED: dict[str, tuple[float, float, float]] = {
    "patches-1-3": (13.10, 0.183, 2.049),
    "patches-1-6": (11.17, 0.116, 1.490),
    "off": (11.81, 0.149, 1.381),
}


SMOOTH_S = 0.08  # per-step rates are averaged over 80 ms (at most 1/40 of the window shown)


def window_steps(t_s: np.ndarray, t0: float | None, t1: float | None) -> slice:
    """The steps from t0 to t1 (None: the run's start or end), one step either side."""
    a = 0 if t0 is None else max(int(np.searchsorted(t_s, t0, side="right")) - 2, 0)
    b = len(t_s) if t1 is None else min(int(np.searchsorted(t_s, t1, side="left")) + 2, len(t_s))
    return slice(a, max(b, a + 1))


def run_view(
    run: Run,
    max_points: int = ds.MAX_POINTS,
    t0: float | None = None,
    t1: float | None = None,
) -> dict[str, np.ndarray]:
    """Every downsampled array the time charts draw, keyed by series name (+ unit suffix), for
    the steps from t0 to t1 (default: the whole run)."""
    s = run.series
    steps = window_steps(s["t_s"], t0, t1)
    t = s["t_s"][steps]
    k = ds.bucket_steps(len(t), max_points)
    dt = float(t[1] - t[0]) if len(t) > 1 else 0.001
    span = float(t[-1] - t[0]) if len(t) else 0.0
    w = max(1, round(min(SMOOTH_S, span / 40) / dt))
    mib = 1.0 / PAGES_PER_MIB
    out: dict[str, np.ndarray] = {"x": ds.times(t, k)}
    for name in MEMORY_SERIES + THRESHOLDS:
        out[name.replace("_pages", "_mib")] = ds.envelope(s[name][steps] * mib, k)
    for name in IO_SERIES:
        out[name.replace("_ops", "_iops")] = ds.rate(ds.smooth(s[name][steps], w), t, k)
    out["queue_depth"] = ds.envelope(s["queue_depth"][steps], k)
    # The model records NaN latency in steps where no request completes (also before the first
    # and after the last request). The chart shows the latency of the most recently completed
    # requests: such steps carry the last value, and it is 0 before the first completion, so
    # every point drawn is finite (bqplot cannot draw NaN).
    latency = ds.carry_forward(s["io_latency_ms"])[steps]
    out["io_latency_ms"] = ds.envelope(latency, k)
    # ms per s -> % of the time
    out["stall_pct"] = ds.rate(ds.smooth(s["stall_ms"][steps], w), t, k, scale=0.1)
    out["user_s"] = ds.envelope(s["user_s"][steps], k)
    out["sys_s"] = ds.envelope(s["sys_s"][steps], k)
    out["shrinker_state"] = ds.envelope(s["shrinker_state"][steps], k)
    return out


def nice_ceil(v: float) -> float:
    """The smallest 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k not below v (1 for v <= 0)."""
    if not math.isfinite(v) or v <= 0:
        return 1.0
    e = 10.0 ** math.floor(math.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * e >= v * (1 - 1e-12):
            return m * e
    return 10 * e


def published(config: Any) -> dict[str, tuple[float, float, float]]:
    """The cover letter's numbers for config's kernel and for "off", or {} if config differs.

    Only Config() with kernel off, patches-1-3 or patches-1-6 (and no patch override) is the
    cover letter's benchmark.
    """
    changed = set(config.to_dict(only_changed=True))
    if changed - {"kernel"} or config.kernel not in PUBLISHED:
        return {}
    return {config.kernel: PUBLISHED[config.kernel], "off": PUBLISHED["off"]}


def _seconds(run: Run) -> tuple[float, float, float]:
    return (run.elapsed_s, run.user_s, run.sys_s)


def bar_rows(runs: dict[str, Run], off: Run | None) -> dict[str, tuple[float, float, float]]:
    """The benchmark bars, name -> (elapsed, user, sys) in s: each named run, "zswap off" (the
    same knobs with zswap off, in the model; left out when a named run is zswap off already),
    then "pub. <kernel>" for each named run that is the cover letter's benchmark and "pub. off",
    the cover letter's measurements."""
    rows = {name: _seconds(run) for name, run in runs.items()}
    if off is not None and all(r.config.preset.enabled for r in runs.values()):
        rows["zswap off"] = _seconds(off)
    pub_off = None
    for run in runs.values():
        numbers = published(run.config)
        if numbers:
            rows[f"pub. {run.config.kernel}"] = numbers[run.config.kernel]
            pub_off = numbers["off"]
    if pub_off is not None:
        rows["pub. off"] = pub_off
    return rows


def counters_at(run: Run, t_s: float) -> dict[str, float | None]:
    """The counters that the recorded series give at time t_s (None: only known at the end)."""
    s = run.series
    i = int(np.searchsorted(s["t_s"], t_s, side="right"))
    if i >= len(s["t_s"]):
        return {name: float(v) for name, v in run.counters.items()}
    i = max(i, 1)
    wb = float(np.sum(s["writeback_ops"][:i]))  # writeback writes one page per request
    out: dict[str, float | None] = {name: None for name in run.counters}
    out.update(
        pool_total_size=float(s["pool_pages"][i - 1]) * 4096,
        stored_pages=float(s["stored_pages"][i - 1]),
        written_back_pages=wb,
        zswpwb=wb,
    )
    return out
