"""Downsampling of per-step series to at most `MAX_POINTS` points per line, as float32.

A run records one value per model step (a 30 s run at 1 ms has 30,000 steps); an SVG `Lines` mark
should carry no more than a few thousand points. The steps are cut into equal buckets of `k` steps
and each bucket becomes two points, at the time of its first and of its last step:

* `envelope`: levels (pool size, free memory, a queue depth): the bucket's minimum and maximum, in
  the order they occur, so short spikes survive;
* `rate`: per-step amounts (IO requests, stall time): the bucket's total divided by its duration,
  drawn as a flat segment, so what a reader sees is a rate per second over that interval.

All series of one run share the same x (`times`), so several series can sit in one mark.
"""

from __future__ import annotations

import math

import numpy as np

# The widest time chart (the pool's) has a plot area of about 1,300 px at a 1440 px page and a run
# fills about 5/6 of its time axis: 600 buckets of two points are one bucket per ~2 px, as fine
# as a 1.5 px line shows. More points cost the browser time on every redraw: bqplot re-renders a
# line through a d3 transition that parses the old and the new SVG path, and builds an area path
# too, so a knob change's repaint grows with the points of its 16 curves.
MAX_POINTS = 1200


def bucket_steps(n: int, max_points: int = MAX_POINTS) -> int:
    """Steps per bucket so that two points per bucket stay within max_points."""
    if max_points < 2:
        raise ValueError(f"max_points = {max_points} is not allowed: must be at least 2")
    return max(1, math.ceil(n / (max_points // 2)))


def _buckets(y: np.ndarray, k: int) -> np.ndarray:
    """y as a (buckets, k) array, the last bucket padded with its own last value."""
    y = np.asarray(y, dtype=np.float64)
    nb = -(-len(y) // k)
    pad = nb * k - len(y)
    if pad:
        y = np.concatenate((y, np.full(pad, y[-1])))
    return y.reshape(nb, k)


def _interleave(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty(2 * len(a), dtype=np.float32)
    out[0::2] = a
    out[1::2] = b
    return out


def times(t_s: np.ndarray, k: int) -> np.ndarray:
    """x of every downsampled series: each bucket's first and last step time."""
    t = np.asarray(t_s, dtype=np.float64)
    if len(t) == 0:
        return np.zeros(0, dtype=np.float32)
    first = t[::k]
    last = t[np.minimum(np.arange(len(first)) * k + k - 1, len(t) - 1)]
    return _interleave(first, last)


def envelope(y: np.ndarray, k: int) -> np.ndarray:
    """Min and max of each bucket in the order they occur; NaN steps are ignored."""
    if len(y) == 0:
        return np.zeros(0, dtype=np.float32)
    b = _buckets(y, k)
    if np.isnan(b).any():
        with np.errstate(invalid="ignore"):
            return _interleave(np.fmin.reduce(b, axis=1), np.fmax.reduce(b, axis=1))
    i_min, i_max = b.argmin(axis=1), b.argmax(axis=1)
    rows = np.arange(len(b))
    lo, hi = b[rows, i_min], b[rows, i_max]
    first_is_min = i_min <= i_max
    return _interleave(np.where(first_is_min, lo, hi), np.where(first_is_min, hi, lo))


def carry_forward(y: np.ndarray, initial: float = 0.0) -> np.ndarray:
    """y with every NaN replaced by the last finite value before it (initial before the first)."""
    y = np.asarray(y, dtype=np.float64)
    known = np.isfinite(y)
    if known.all():
        return y
    last = np.maximum.accumulate(np.where(known, np.arange(len(y)), -1))
    return np.where(last >= 0, y[np.maximum(last, 0)], initial)


def rate(y: np.ndarray, t_s: np.ndarray, k: int, scale: float = 1.0) -> np.ndarray:
    """Bucket total / bucket duration (per second), times scale, as a flat segment per bucket."""
    if len(y) == 0:
        return np.zeros(0, dtype=np.float32)
    t = np.asarray(t_s, dtype=np.float64)
    dt = float(t[1] - t[0]) if len(t) > 1 else 1.0
    y = np.asarray(y, dtype=np.float64)
    nb = -(-len(y) // k)
    sums = np.add.reduceat(np.nan_to_num(y), np.arange(nb) * k)
    counts = np.full(nb, k, dtype=np.float64)
    counts[-1] = len(y) - (nb - 1) * k
    r = sums / (counts * dt) * scale
    return _interleave(r, r)


def share(y: np.ndarray, code: int, k: int) -> np.ndarray:
    """Fraction of each bucket's steps where y == code, as a flat segment per bucket."""
    if len(y) == 0:
        return np.zeros(0, dtype=np.float32)
    nb = -(-len(y) // k)
    hits = np.add.reduceat((np.asarray(y) == code).astype(np.float64), np.arange(nb) * k)
    counts = np.full(nb, k, dtype=np.float64)
    counts[-1] = len(y) - (nb - 1) * k
    r = hits / counts
    return _interleave(r, r)


def smooth(y: np.ndarray, w: int) -> np.ndarray:
    """Centred moving average over w steps (fewer at the ends); w <= 1 returns y."""
    y = np.nan_to_num(np.asarray(y, dtype=np.float64))
    if w <= 1 or len(y) < 2:
        return y
    c = np.concatenate(([0.0], np.cumsum(y)))
    i = np.arange(len(y))
    lo = np.maximum(i - w // 2, 0)
    hi = np.minimum(i - w // 2 + w, len(y))
    return (c[hi] - c[lo]) / (hi - lo)
