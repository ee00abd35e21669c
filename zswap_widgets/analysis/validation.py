"""The model against a measured trace: one table of figures with their ratio, and both courses on
one time axis for a chart. Pure numpy; `traces.compare` and `traces.courses` are these.

    from zswap_widgets import simulate, traces
    tr = traces.load("on_zs")
    table = traces.compare(tr, simulate(tr.model_config()))
    print(table.format())

Every figure is read the same way from the trace's 100 ms samples and from the model's series;
figures that need the zswap debugfs counters are absent for a zswap-off trace.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

PAGE_SIZE = 4096
MIB = 1024 * 1024
SAMPLE_S = 0.1  # the traces' sampling interval, used for the model's course too


@dataclass(frozen=True)
class Row:
    """One figure of the comparison: its value in the trace and in the model (None if the run
    or the trace does not have it)."""

    name: str
    unit: str
    trace: float | None
    model: float | None
    what: str

    @property
    def ratio(self) -> float | None:
        """model / trace, or None where either is missing or the trace's value is 0."""
        if self.trace is None or self.model is None or self.trace == 0:
            return None
        return self.model / self.trace


@dataclass(frozen=True)
class Comparison:
    """The table of `compare`: rows in a fixed order, each with model / trace."""

    trace_name: str
    rows: tuple[Row, ...]

    def __getitem__(self, name: str) -> Row:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no figure {name!r}; figures: {', '.join(r.name for r in self.rows)}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "trace": self.trace_name,
            "rows": [
                {
                    "name": r.name,
                    "unit": r.unit,
                    "trace": r.trace,
                    "model": r.model,
                    "ratio": r.ratio,
                    "what": r.what,
                }
                for r in self.rows
            ],
        }

    def format(self) -> str:
        """A plain-text table: figure, unit, trace, model, model/trace."""

        def num(x: float | None) -> str:
            if x is None:
                return "-"
            return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:,.3g}" if abs(x) < 10 else f"{x:,.1f}"

        width = max(len(r.name) for r in self.rows)
        lines = [
            f"{'figure':<{width}}  {'unit':<8} {'trace':>10} {'model':>10} {'model/trace':>11}",
        ]
        for r in self.rows:
            ratio = "-" if r.ratio is None else f"{r.ratio:.3f}"
            lines.append(
                f"{r.name:<{width}}  {r.unit:<8} {num(r.trace):>10} {num(r.model):>10} {ratio:>11}"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Course:
    """What `_figures` reads from one side: time, cumulative counters and the pool in pages."""

    t: np.ndarray
    pool: np.ndarray | None
    stored: np.ndarray | None
    written_back: np.ndarray | None
    limit_hit: np.ndarray | None
    alloc_end: float
    hold: float  # how long after the allocation the figures look


def _trace_course(trace) -> _Course:
    def col(name: str) -> np.ndarray | None:
        return trace[name].astype(float) if name in trace.columns and trace.readable(name) else None

    pool = col("pool_total_size")
    return _Course(
        t=trace.t_s,
        pool=None if pool is None else pool / PAGE_SIZE,
        stored=col("stored_pages"),
        written_back=col("written_back_pages"),
        limit_hit=col("pool_limit_hit"),
        alloc_end=trace.alloc_elapsed_s,
        hold=trace.hold_s,
    )


def _run_course(run, hold: float) -> _Course:
    s = run.series
    enabled = run.config.preset.enabled
    return _Course(
        t=s["t_s"],
        pool=s["pool_pages"] if enabled else None,
        stored=s["stored_pages"] if enabled else None,
        written_back=s["written_back_pages"] if enabled else None,
        limit_hit=s["pool_limit_hit"] if enabled else None,
        alloc_end=run.elapsed_s,
        hold=hold,
    )


def _at(c: _Course, values: np.ndarray | None, t: float) -> float | None:
    """A series' value at time t, linear between samples; None past the end."""
    if values is None or t > c.t[-1] + 1e-9:
        return None
    return float(np.interp(t, c.t, values))


def _first(c: _Course, values: np.ndarray | None) -> float | None:
    """The time of the first sample where a cumulative counter is above 0."""
    if values is None:
        return None
    hit = np.flatnonzero(values > 0)
    return float(c.t[hit[0]]) if len(hit) else None


def _figures(c: _Course) -> dict[str, float | None]:
    t_full = _first(c, c.limit_hit)
    t_wb = _first(c, c.written_back)
    end = c.alloc_end
    at_max = None
    if t_full is not None and t_full <= end:
        at_max = (t_wb if t_wb is not None else min(end + c.hold, float(c.t[-1]))) - t_full
    fill = None
    t_store = _first(c, c.stored)
    if t_full is not None and t_store is not None and t_full > t_store:
        fill = _at(c, c.pool, t_full) * PAGE_SIZE / MIB / (t_full - t_store)
    wb_end = _at(c, c.written_back, end)
    wb_later = _at(c, c.written_back, end + c.hold)
    rate = None
    if wb_end is not None and wb_later is not None and c.hold > 0:
        rate = (wb_later - wb_end) / c.hold
    pool_later = _at(c, c.pool, end + c.hold)
    return {
        "stored at first full": None if t_full is None else _at(c, c.stored, t_full),
        "pool fill rate": fill,
        "time at max before writeback": at_max,
        "at max, share of allocation": None if at_max is None else at_max / end,
        "pool_limit_hit": _at(c, c.limit_hit, end + c.hold),
        "written back at allocation end": wb_end,
        "final pool": None if pool_later is None else pool_later * PAGE_SIZE / MIB,
        "writeback rate after allocation": rate,
    }


_ROWS = (
    ("elapsed", "s", "allocation time (elapsed)"),
    ("user", "s", "user time of the allocation"),
    ("sys", "s", "system time of the allocation"),
    ("stored at first full", "pages", "stored_pages when pool_limit_hit first rises"),
    ("pool fill rate", "MiB/s", "pool growth from the first store to the first full"),
    (
        "time at max before writeback",
        "s",
        "from the first pool_limit_hit to the first written_back_page",
    ),
    ("at max, share of allocation", "", "the same, as a share of the allocation time"),
    ("pool_limit_hit", "", "pool_limit_hit at the end of the trace"),
    ("written back at allocation end", "pages", "written_back_pages when the allocation ends"),
    ("final pool", "MiB", "pool_total_size at the trace's end (as long after the allocation)"),
    (
        "writeback rate after allocation",
        "pages/s",
        "written_back_pages gained between the allocation's end and the trace's end, per second",
    ),
)


def compare(trace, run) -> Comparison:
    """The model's run against a measured trace: one row per figure with model / trace.

    Figures after the allocation are read as long after it as the trace sampled (`hold_s`);
    `trace.model_config()` gives the run a long enough idle tail."""
    tf = _figures(_trace_course(trace))
    mf = _figures(_run_course(run, trace.hold_s))
    values = {
        "elapsed": (trace.alloc_elapsed_s, run.elapsed_s),
        "user": (trace.alloc_user_s, run.user_s),
        "sys": (trace.alloc_sys_s, run.sys_s),
        **{name: (tf[name], mf[name]) for name in tf},
    }
    rows = tuple(
        Row(name, unit, _clean(values[name][0]), _clean(values[name][1]), what)
        for name, unit, what in _ROWS
    )
    return Comparison(trace.name, rows)


def _clean(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def courses(trace, run) -> dict[str, dict[str, np.ndarray]]:
    """Both courses on one time axis, for a chart: {"trace": ..., "model": ...}, each with
    t_s and pool_mib, stored_mib, written_back_mib (stored and written-back pages as MiB of
    4 KiB pages). The model is sampled every 100 ms, as the traces are."""
    tc = _trace_course(trace)
    rc = _run_course(run, trace.hold_s)
    grid = np.arange(0.0, float(rc.t[-1]) + 1e-9, SAMPLE_S)
    idx = np.clip(np.searchsorted(rc.t, grid + 1e-9, side="right") - 1, 0, len(rc.t) - 1)
    out = {}
    for side, c, pick in (("trace", tc, slice(None)), ("model", rc, idx)):
        t = c.t[pick]
        empty = np.full(len(t), np.nan)
        out[side] = {
            "t_s": np.asarray(t, dtype=float),
            **{
                f"{name}_mib": empty.copy()
                if series is None
                else np.asarray(series[pick], dtype=float) * PAGE_SIZE / MIB
                for name, series in (
                    ("pool", c.pool),
                    ("stored", c.stored),
                    ("written_back", c.written_back),
                )
            },
        }
    return out
