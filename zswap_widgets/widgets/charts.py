"""The bqplot figures of the dashboard, built once and updated in place.

`Charts` owns every Figure, mark and scale. `Charts.show()` puts a run (and in compare mode a
second run, drawn dashed) on them, with the previously shown run as a faint ghost on the pool
chart; `Charts.cut()` reveals the runs up to a time (playback and scrubbing);
`Charts.set_window()` zooms every time chart to a span of time (a stage) and back.

Axes stay where they are while knobs change, so a change shows as movement: a new run only
widens an axis it would not fit in, and `fit()` rescales to the runs shown. The thresholds span
the whole time axis and are labelled on the chart with their value and meaning. Legends are HTML
below each figure, so they never cover data. Every update of a figure goes through
`hold_sync()`, so one message per mark reaches the browser.
"""

from __future__ import annotations

import html
from contextlib import ExitStack
from typing import Any

import ipywidgets as w
import numpy as np
from bqplot import Axis, Bars, Figure, Label, Lines
from bqscales import LinearScale, OrdinalScale

from ..model.allocators import ZBUD_MAX_ALLOC
from ..model.packing import SHARE_LIMIT, compressed_sizes, explain
from ..model.results import SHRINKER_STATES, Run
from .palette import (
    BAR_COLORS,
    CPU_COLORS,
    ELAPSED_COLOR,
    GHOST_COLOR,
    IO_COLORS,
    LATENCY_COLOR,
    MEMORY_COLORS,
    NEUTRAL,
    OFF_COLOR,
    PUBLISHED_COLOR,
    STAGE_COLORS,
    STALL_COLOR,
    THRESHOLD_STYLE,
)
from .view import IO_SERIES, MEMORY_SERIES, bar_rows, nice_ceil, run_view

MEMORY_LABELS = ["process resident", "zswap pool", "free", "swap cache", "swapped out"]
IO_LABELS = ["reclaim swap-out", "shrinker writeback", "swap-in"]
FIG_HEIGHT = "250px"
POOL_HEIGHT = "300px"
_EMPTY = np.zeros(0, dtype=np.float32)
# Room for the title above the plot, the tick numbers and, beyond them, the axis labels.
_MARGIN = {"top": 38, "bottom": 48, "left": 78, "right": 24}
_MARGIN_RIGHT_AXIS = {**_MARGIN, "right": 78}
Y_LABEL_OFFSET = "54px"
X_LABEL_OFFSET = "34px"
X_HEADROOM = 1.15  # the time axis leaves room for a somewhat longer run
Y_HEADROOM = 1.1
BAND_OPACITY = 0.22
# Two threshold lines closer than this share of the pool axis get one label.
OVERLAP_SHARE = 0.07

MEM_KEYS = tuple(k.replace("_pages", "_mib") for k in MEMORY_SERIES)
IO_KEYS = tuple(k.replace("_ops", "_iops") for k in IO_SERIES)
# time-series mark -> the run_view keys it draws (one key: a 1-D y; several: one row each).
# Each has a twin "<name>_b" for the second run in compare mode.
MARK_KEYS: dict[str, tuple[str, ...]] = {
    "pool": ("pool_mib",),
    "memory": MEM_KEYS,
    "io": IO_KEYS,
    "queue": ("queue_depth",),
    "latency": ("io_latency_ms",),
    "stall": ("stall_pct",),
    "cpu": ("user_s", "sys_s"),
    "shrinker": ("shrinker_state",),
}
THRESHOLD_KEYS = {"max": "max_mib", "shrink start": "shrink_start_mib", "accept": "accept_mib"}
# What each legend shows: (label, color, kind) with kind "line", "dashed", "area" or "band".
LEGENDS: dict[str, list[tuple[str, str, str]]] = {
    "pool": [
        ("pool", "black", "line"),
        *((f"{name} threshold", c, style) for name, (c, style) in THRESHOLD_STYLE.items()),
        *((f"stage {s}", c, "band") for s, c in STAGE_COLORS.items()),
    ],
    "memory": [(lab, c, "line") for lab, c in zip(MEMORY_LABELS, MEMORY_COLORS, strict=True)],
    "io": [(lab, c, "line") for lab, c in zip(IO_LABELS, IO_COLORS, strict=True)],
    "queue": [
        ("queue depth (left axis)", NEUTRAL, "line"),
        ("latency of the last completed requests (right axis)", LATENCY_COLOR, "line"),
    ],
    "process": [
        ("stalled (left axis)", STALL_COLOR, "area"),
        ("user CPU (right axis)", CPU_COLORS[0], "line"),
        ("sys CPU (right axis)", CPU_COLORS[1], "line"),
        ("end of the allocation (elapsed)", ELAPSED_COLOR, "line"),
    ],
    "shrinker": [("shrink_worker state", NEUTRAL, "line")],
}


def _f32(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _figure(title: str, marks: list, axes: list, height: str = FIG_HEIGHT, **kw: Any) -> Figure:
    kw.setdefault("fig_margin", dict(_MARGIN))
    fig = Figure(title=title, marks=marks, axes=axes, animation_duration=0, **kw)
    fig.layout.height = height
    fig.layout.width = "100%"
    fig.layout.min_width = "320px"
    return fig


def _swatch(color: str, kind: str) -> str:
    if kind in ("area", "band"):
        opacity = 0.35 if kind == "area" else 0.5
        fill = f"background:{color};opacity:{opacity};height:10px"
        return f"<span style='display:inline-block;width:16px;{fill};vertical-align:middle'></span>"
    style = {"dashed": "dashed", "dotted": "dotted", "dash_dotted": "dashed"}.get(kind, "solid")
    return (
        f"<span style='display:inline-block;width:22px;border-top:2px {style} {color};"
        "vertical-align:middle'></span>"
    )


def legend_html(entries: list[tuple[str, str, str]], note: str = "") -> str:
    """A legend as one wrapping line of swatches and labels (and a note on a second line)."""
    items = "".join(
        f"<span style='margin-right:14px;white-space:nowrap'>{_swatch(color, kind)} "
        f"{html.escape(label)}</span>"
        for label, color, kind in entries
    )
    extra = f"<div style='color:#444'>{note}</div>" if note else ""
    return f"<div style='font-size:0.85em;line-height:1.5;padding:0 8px'>{items}{extra}</div>"


def compare_note(name_a: str, name_b: str) -> str:
    """The legend line of compare mode: which run is solid and which dashed."""
    return f"<b>solid: {html.escape(name_a)}</b> · <b>dashed: {html.escape(name_b)}</b>"


def threshold_labels(config: Any, values: dict[str, float]) -> list[tuple[float, str]]:
    """(y, text) for the threshold lines, one label per group of lines that would overlap."""
    y_of = {name: v for name, v in values.items() if v is not None}
    span = max(y_of.values(), default=1.0)
    meaning = {
        "max": f"= {config.max_pool_percent} % of RAM",
        "shrink start": f"= {config.effective_shrink_start_percent} % of max",
        "accept": f"= {config.accept_threshold_percent} % of max",
    }
    groups: list[list[str]] = []
    for name in sorted(y_of, key=y_of.get, reverse=True):
        if groups and abs(y_of[groups[-1][-1]] - y_of[name]) < OVERLAP_SHARE * span:
            groups[-1].append(name)
        else:
            groups.append([name])
    out = []
    for group in groups:
        parts = [f"{name} {y_of[name]:.1f} MiB {meaning[name]}" for name in group]
        text = " and ".join(parts)
        if len(group) > 1:
            text += ": the lines overlap"
        out.append((max(y_of[n] for n in group), text))
    return out


class Charts:
    """All figures (pool, memory, io, queue, process, shrinker, the allocator's page sizes and
    three benchmark bar charts), with their legends: `panels[name]` is a figure with its
    legend below it."""

    TIME_FIGURES = ("pool", "memory", "io", "queue", "process", "shrinker")

    def __init__(self) -> None:
        self.sx = LinearScale(min=0.0, max=1.0)
        self.scales: dict[str, LinearScale] = {}
        self.marks: dict[str, Any] = {}
        self.figures: dict[str, Figure] = {}
        self.cursors: dict[str, Lines] = {}
        self.legends: dict[str, w.HTML] = {}
        self._labels: dict[str, list[str]] = {}
        self._runs: tuple[Run | None, Run | None, Run | None] = (None, None, None)
        self._views: tuple[dict | None, dict | None, dict | None] = (None, None, None)
        self.window: tuple[float, float] | None = None  # None: the whole run
        self._fitted = False
        self._t_cut = np.inf
        self._build_pool()
        self._build_memory_and_io()
        self._build_process()
        self._build_shrinker()
        self._build_bars()
        self._build_allocator()
        for name in self.TIME_FIGURES:
            self.legends[name] = w.HTML(legend_html(LEGENDS[name]))
        self.panels: dict[str, w.Widget] = {
            name: w.VBox([self.figures[name], self.legends[name]]) for name in self.TIME_FIGURES
        }
        self.bar_caption = w.HTML("")
        self.panels["bench"] = w.VBox(
            [
                w.HBox(
                    [self.figures[f"bench_{m}"] for m in ("elapsed", "user", "sys")],
                    layout=w.Layout(width="100%"),
                ),
                self.bar_caption,
            ]
        )
        self.allocator_text = w.HTML("")
        self.allocator_text.layout.flex = "1 1 300px"
        self.panels["allocator"] = w.HBox(
            [self.figures["allocator"], self.allocator_text],
            layout=w.Layout(flex_flow="row wrap", width="100%", align_items="center"),
        )

    # ------------------------------------------------------------------ building
    def _xaxis(self) -> Axis:
        return Axis(scale=self.sx, label="time (s)", grid_lines="none", label_offset=X_LABEL_OFFSET)

    @staticmethod
    def _yaxis(scale: LinearScale, label: str, side: str = "left", **kw: Any) -> Axis:
        kw.setdefault("label_offset", Y_LABEL_OFFSET)
        kw.setdefault("tick_format", "~s")
        return Axis(scale=scale, label=label, side=side, grid_lines="none", **kw)

    def _pair(
        self, name: str, scale: LinearScale, colors: list[str], labels: list[str], **kw: Any
    ) -> list[Lines]:
        """Mark `name` (the first run) and its twin `name_b` (the second: dashed, no fill)."""
        n = len(MARK_KEYS[name])
        kw.setdefault("stroke_width", 1.5)

        def lines(**extra: Any) -> Lines:
            return Lines(
                x=_EMPTY,
                y=np.zeros((n, 0), dtype=np.float32) if n > 1 else _EMPTY,
                scales={"x": self.sx, "y": scale},
                colors=colors,
                **{**kw, **extra},
            )

        a = lines(labels=labels)
        b = lines(labels=labels, line_style="dashed", fill="none", visible=False)
        self.marks[name], self.marks[f"{name}_b"] = a, b
        self._labels[name] = labels
        return [a, b]

    def _vline(self, name: str, scale: LinearScale, color: str, **kw: Any) -> Lines:
        self.marks[name] = Lines(
            x=_f32([0, 0]),
            y=_f32([0, 1]),
            scales={"x": self.sx, "y": scale},
            colors=[color],
            visible=False,
            **kw,
        )
        return self.marks[name]

    def _cursor(self, name: str, scale: LinearScale) -> Lines:
        self.cursors[name] = Lines(
            x=_f32([0, 0]),
            y=_f32([0, 1]),
            scales={"x": self.sx, "y": scale},
            colors=["black"],
            stroke_width=1,
            line_style="dashed",
            visible=False,
        )
        return self.cursors[name]

    def _build_pool(self) -> None:
        """The pool against its thresholds, with the stages as bands and the previous run."""
        sp = self.scales["pool"] = LinearScale(min=0.0, max=1.0)
        m = self.marks
        m["bands"] = Lines(
            x=np.zeros((0, 5), dtype=np.float32),
            y=np.zeros((0, 5), dtype=np.float32),
            scales={"x": self.sx, "y": sp},
            fill="inside",
            stroke_width=0,
        )
        m["band_labels"] = Label(
            x=_EMPTY,
            y=_EMPTY,
            text=[],
            scales={"x": self.sx, "y": sp},
            align="middle",
            default_size=13,
            font_weight="bold",
        )
        m["ghost"] = Lines(
            x=_EMPTY,
            y=_EMPTY,
            scales={"x": self.sx, "y": sp},
            colors=[GHOST_COLOR],
            stroke_width=3,
            opacities=[0.55],
            labels=["previous run"],
            visible=False,
        )
        thresholds = []
        for name, (color, style) in THRESHOLD_STYLE.items():
            mark = Lines(
                x=_EMPTY,
                y=_EMPTY,
                scales={"x": self.sx, "y": sp},
                colors=[color],
                line_style=style,
                stroke_width=2,
                labels=[f"{name} threshold"],
            )
            m[f"th_{name}"] = mark
            thresholds.append(mark)
        m["th_labels"] = Label(
            x=_EMPTY,
            y=_EMPTY,
            text=[],
            scales={"x": self.sx, "y": sp},
            align="start",
            default_size=12,
            x_offset=6,
            y_offset=-5,
            colors=["#333333"],
        )
        cut_line = self._vline("cut", sp, "black", stroke_width=2)
        m["cut_label"] = Label(
            x=_f32([0]),
            y=_f32([0]),
            text=[""],
            scales={"x": self.sx, "y": sp},
            align="end",
            x_offset=-4,
            default_size=12,
            colors=["black"],
            visible=False,
        )
        self.figures["pool"] = _figure(
            "zswap pool (MiB) and its thresholds",
            [
                m["bands"],
                m["band_labels"],
                m["ghost"],
                *thresholds,
                m["th_labels"],
                *self._pair("pool", sp, ["black"], ["pool"], stroke_width=2.5),
                cut_line,
                m["cut_label"],
                self._cursor("pool", sp),
            ],
            [self._xaxis(), self._yaxis(sp, "MiB")],
            height=POOL_HEIGHT,
        )

    def _build_memory_and_io(self) -> None:
        sm = self.scales["memory"] = LinearScale(min=0.0, max=1.0)
        self.figures["memory"] = _figure(
            "memory (MiB)",
            [*self._pair("memory", sm, MEMORY_COLORS, MEMORY_LABELS), self._cursor("memory", sm)],
            [self._xaxis(), self._yaxis(sm, "MiB")],
        )
        si = self.scales["io"] = LinearScale(min=0.0, max=1.0)
        self.figures["io"] = _figure(
            "swap requests per second (80 ms mean)",
            [*self._pair("io", si, IO_COLORS, IO_LABELS), self._cursor("io", si)],
            [self._xaxis(), self._yaxis(si, "requests/s")],
        )
        sq = self.scales["queue"] = LinearScale(min=0.0, max=1.0)
        sl = self.scales["latency"] = LinearScale(min=0.0, max=1.0)
        self.figures["queue"] = _figure(
            "swap queue and request latency",
            [
                *self._pair("queue", sq, [NEUTRAL], ["queue depth"]),
                *self._pair("latency", sl, [LATENCY_COLOR], ["latency (ms)"]),
                self._cursor("queue", sq),
            ],
            [
                self._xaxis(),
                self._yaxis(sq, "requests in queue"),
                self._yaxis(sl, "latency (ms)", side="right"),
            ],
            fig_margin=dict(_MARGIN_RIGHT_AXIS),
        )

    def _build_process(self) -> None:
        """The allocating process: stalls, cumulative CPU time and the end of the allocation."""
        ss = self.scales["stall"] = LinearScale(min=0.0, max=100.0)
        sc = self.scales["cpu"] = LinearScale(min=0.0, max=1.0)
        m = self.marks
        for name, style in (("elapsed", "solid"), ("elapsed_b", "dashed")):
            self._vline(name, ss, ELAPSED_COLOR, stroke_width=2, line_style=style)
            m[name].y = _f32([0, 100])
        m["elapsed_label"] = Label(
            x=_f32([0]),
            y=_f32([92]),
            text=[""],
            scales={"x": self.sx, "y": ss},
            align="start",
            colors=[ELAPSED_COLOR],
            default_size=12,
            x_offset=4,
        )
        self.figures["process"] = _figure(
            "the process: stalls and CPU time",
            [
                *self._pair(
                    "stall",
                    ss,
                    [STALL_COLOR],
                    ["stalled (% of time)"],
                    fill="bottom",
                    fill_opacities=[0.3],
                ),
                *self._pair("cpu", sc, CPU_COLORS, ["user (s)", "sys (s)"]),
                m["elapsed"],
                m["elapsed_b"],
                m["elapsed_label"],
                self._cursor("process", ss),
            ],
            [
                self._xaxis(),
                self._yaxis(ss, "stalled (% of time)"),
                self._yaxis(sc, "cumulative CPU (s)", side="right", tick_format="~g"),
            ],
            fig_margin=dict(_MARGIN_RIGHT_AXIS),
        )

    def _build_shrinker(self) -> None:
        sk = self.scales["shrinker"] = LinearScale(min=-0.5, max=len(SHRINKER_STATES) - 0.5)
        states = self._yaxis(
            sk,
            "",
            tick_values=list(range(len(SHRINKER_STATES))),
            tick_labels={i: name for i, name in enumerate(SHRINKER_STATES)},
            tick_format="",
        )
        self.figures["shrinker"] = _figure(
            "global shrinker (shrink_worker) state",
            [
                *self._pair("shrinker", sk, [NEUTRAL], ["shrinker"], interpolation="step-after"),
                self._cursor("shrinker", sk),
            ],
            [self._xaxis(), states],
            height="200px",
        )

    def _build_bars(self) -> None:
        """Benchmark bars: elapsed, user and sys, one figure each (their scales differ)."""
        self.bar_scales: dict[str, LinearScale] = {}
        for what in ("elapsed", "user", "sys"):
            bx = OrdinalScale()
            by = self.bar_scales[what] = LinearScale(min=0.0, max=1.0)
            self.marks[f"bars_{what}"] = Bars(
                x=["run"],
                y=_f32([0]),
                scales={"x": bx, "y": by},
                colors=[BAR_COLORS[0]],
                color_mode="group",  # one color per bar (1-D y: each bar is its own group)
                label_display=True,
                label_display_format=".3~f",
                label_display_vertical_offset=-16,  # the value above its bar, not on it
                padding=0.25,
            )
            fig = _figure(
                f"{what} (s)",
                [self.marks[f"bars_{what}"]],
                [
                    Axis(scale=bx, tick_rotate=-20, tick_style={"font-size": "11px"}),
                    Axis(scale=by, side="left", grid_lines="none", tick_format="~g"),
                ],
                height="250px",
                fig_margin={"top": 34, "bottom": 56, "left": 50, "right": 10},
            )
            fig.layout.min_width = "220px"
            fig.layout.flex = "1 1 0"
            self.figures[f"bench_{what}"] = fig

    def _build_allocator(self) -> None:
        """Compressed page sizes against what zbud and z3fold can put on one page."""
        bx = LinearScale(min=0.0, max=4096.0)
        by = self.scales["sizes"] = LinearScale(min=0.0, max=100.0)
        m = self.marks
        m["sizes"] = Bars(
            x=_EMPTY,
            y=_EMPTY,
            scales={"x": bx, "y": by},
            colors=[NEUTRAL],
            padding=0.0,
            align="right",
        )
        limits = [(SHARE_LIMIT[3], "3 per page"), (SHARE_LIMIT[2], "2 per page")]
        limits.append((ZBUD_MAX_ALLOC, "zbud max"))
        xs = _f32([[x, x] for x, _ in limits])
        m["size_limits"] = Lines(
            x=xs,
            y=_f32([[0, 100]] * len(limits)),
            scales={"x": bx, "y": by},
            colors=["#0072B2", "#D55E00", "#000000"],
            line_style="dashed",
            stroke_width=1.5,
        )
        m["size_labels"] = Label(
            x=_f32([x for x, _ in limits]),
            y=_f32([94, 82, 70]),
            text=[
                f"≤ {x} B: {what}" if x != ZBUD_MAX_ALLOC else f"{x} B: zbud max"
                for x, what in limits
            ],
            scales={"x": bx, "y": by},
            align="end",
            x_offset=-4,
            default_size=11,
            colors=["#0072B2", "#D55E00", "#000000"],
        )
        fig = _figure(
            "compressed sizes of the pages",
            [m["sizes"], m["size_limits"], m["size_labels"]],
            [
                Axis(scale=bx, label="stored bytes", label_offset=X_LABEL_OFFSET, tick_format="~s"),
                self._yaxis(by, "% of pages", tick_format="~g"),
            ],
            height="230px",
        )
        fig.layout.width = "460px"
        fig.layout.flex = "0 1 460px"
        self.figures["allocator"] = fig

    # ------------------------------------------------------------------ updates
    def show(
        self,
        a: Run,
        b: Run | None = None,
        off: Run | None = None,
        ghost: Run | None = None,
        names: tuple[str, str] = ("this run", ""),
        t_cut: float = np.inf,
    ) -> None:
        """Put run a on every chart, in compare mode run b (dashed) next to it, and the ghost
        (the previously shown run) faintly on the pool chart. `off` is a's knobs with zswap
        off, for the benchmark bars; `names` name a and b on legends and bars.

        The axes keep their ranges unless a run would not fit (first show: fitted)."""
        self._runs = (a, b, ghost)
        self._names = names
        self._compute_views()
        if not self._fitted:
            self.fit()
        else:
            self._grow_axes()
        self._show_thresholds(a, b)
        self._show_runs(a, b, ghost)
        self.cut(t_cut)  # the lines first: what a reader looks at goes out first
        self._show_elapsed(a, b)
        self._show_cut(a)
        runs = {names[0]: a} if b is None else {names[0]: a, names[1]: b}
        self._show_bars(runs, off)
        self._show_allocator(a)

    def _compute_views(self) -> None:
        t0, t1 = self.window if self.window else (None, None)
        self._views = tuple(
            run_view(r, t0=t0, t1=t1) if r is not None else None for r in self._runs
        )

    @property
    def runs(self) -> tuple[Run | None, Run | None, Run | None]:
        """(first run, second run or None, ghost or None) as drawn."""
        return self._runs

    def _run_end(self) -> float:
        ends = [
            float(r.series["t_s"][-1])
            for r in self._runs[:2]
            if r is not None and len(r.series["t_s"])
        ]
        return max(ends, default=1.0)

    def _wanted(self) -> dict[str, float]:
        """The axis maxima that fit the runs drawn (not the ghost)."""
        views = [v for v in self._views[:2] if v is not None]
        cfg = self._runs[0].config

        def top(key: str, floor: float = 0.0) -> float:
            vals = [float(np.max(v[key])) for v in views if len(v[key])]
            return nice_ceil(max([floor, *vals]) * Y_HEADROOM)

        return {
            "pool": top("max_mib", max(float(np.max(v["pool_mib"], initial=0)) for v in views)),
            "memory": nice_ceil(max(cfg.ram_mib, cfg.alloc_mib) * 1.05),
            "io": nice_ceil(max(float(cfg.swap_iops), max(top(k) for k in IO_KEYS))),
            "queue": nice_ceil(max(float(cfg.swap_queue_depth), top("queue_depth"))),
            "latency": top("io_latency_ms", cfg.swap_latency_ms),
            "cpu": max(top("user_s"), top("sys_s")),
        }

    def fit(self) -> None:
        """Rescale every axis to the runs shown (the time axis to the window or whole run)."""
        self._fitted = True
        wanted = self._wanted() if self._runs[0] is not None else {}
        with ExitStack() as stack:
            for s in (self.sx, *self.scales.values()):
                stack.enter_context(s.hold_sync())
            self._set_x(exact=True)
            for name, v in wanted.items():
                self.scales[name].max = v
        self._refresh_scaled_marks()

    def _grow_axes(self) -> None:
        wanted = self._wanted()
        with ExitStack() as stack:
            for s in (self.sx, *self.scales.values()):
                stack.enter_context(s.hold_sync())
            self._set_x(exact=False)
            for name, v in wanted.items():
                if v > float(self.scales[name].max):
                    self.scales[name].max = v

    def _set_x(self, exact: bool) -> None:
        if self.window is not None:
            self.sx.min, self.sx.max = (float(v) for v in self.window)
            return
        want = nice_ceil(self._run_end() * X_HEADROOM)
        self.sx.min = 0.0
        if exact or want > float(self.sx.max) or float(self.sx.min) != 0.0:
            self.sx.max = want

    def set_window(self, window: tuple[float, float] | None) -> None:
        """Zoom every time chart to window = (t0, t1) in s, or back to the whole run (None)."""
        self.window = None if window is None else (float(window[0]), float(window[1]))
        if self._runs[0] is None:
            return
        self._compute_views()
        with self.sx.hold_sync():
            self._set_x(exact=True)
        self._show_thresholds(*self._runs[:2])
        self._show_cut(self._runs[0])
        self.cut(self._t_cut)

    def _refresh_scaled_marks(self) -> None:
        if self._runs[0] is not None:
            self._show_thresholds(*self._runs[:2])
            self._show_cut(self._runs[0])
            self.cut(self._t_cut)

    def _show_thresholds(self, a: Run, b: Run | None) -> None:
        """The three thresholds across the whole time axis, labelled at its left end. In
        compare mode the knobs are the same, so only the shrink start can differ: it is drawn
        for whichever run has one (patch 3)."""
        va = self._views[0]
        x0, x1 = float(self.sx.min), max(float(self.sx.max), self._run_end())
        values: dict[str, float | None] = {}
        for name, key in THRESHOLD_KEYS.items():
            candidates = [v[key] for v in self._views[:2] if v is not None and len(v[key])]
            values[name] = float(candidates[0][-1]) if candidates else None
        if va is not None and len(va["shrink_start_mib"]):
            has_start = [
                r is not None and r.config.preset.enabled and r.config.patch(3) for r in (a, b)
            ]
            if not any(has_start):
                values["shrink start"] = None
            elif not has_start[0] and self._views[1] is not None:
                values["shrink start"] = float(self._views[1]["shrink_start_mib"][-1])
        if not a.config.preset.enabled and (b is None or not b.config.preset.enabled):
            values = dict.fromkeys(values)  # zswap off: no pool, no thresholds
        for name, v in values.items():
            mark = self.marks[f"th_{name}"]
            with mark.hold_sync():
                mark.x = _f32([x0, x1]) if v is not None else _EMPTY
                mark.y = _f32([v, v]) if v is not None else _EMPTY
        labels = threshold_labels((a if a.config.preset.enabled else b or a).config, values)
        mark = self.marks["th_labels"]
        with mark.hold_sync():
            mark.x = _f32([x0] * len(labels))
            mark.y = _f32([y for y, _ in labels])
            mark.text = [text for _, text in labels]

    def threshold_texts(self) -> list[str]:
        return list(self.marks["th_labels"].text)

    def _show_runs(self, a: Run, b: Run | None, ghost: Run | None) -> None:
        """Twins visible in compare mode only; labels and legends say which run is which."""
        name_a, name_b = self._names
        suffix = "" if b is None else f" ({name_a})"
        for name, labels in self._labels.items():
            self.marks[name].labels = [label + suffix for label in labels]
            twin = self.marks[f"{name}_b"]
            twin.visible = b is not None
            if b is not None:
                twin.labels = [f"{label} ({name_b})" for label in labels]
        self.marks["ghost"].visible = ghost is not None
        note = "" if b is None else compare_note(name_a, name_b)
        for name, legend in self.legends.items():
            entries = list(LEGENDS[name])
            extra = ""
            if name == "pool":
                if ghost is not None:
                    entries.insert(1, ("previous run", GHOST_COLOR, "line"))
                if b is not None:
                    extra = f" · stage bands: {html.escape(name_a)}"
            legend.value = legend_html(entries, note + extra)

    def _show_elapsed(self, a: Run, b: Run | None) -> None:
        """A line at the end of each run's allocation, labelled next to the later one."""
        name_a, name_b = self._names
        runs = [("", a)] if b is None else [(f"{name_a}: ", a), (f"{name_b}: ", b)]
        for mark, (_, run) in zip(("elapsed", "elapsed_b"), runs, strict=False):
            self.marks[mark].x = _f32([run.elapsed_s, run.elapsed_s])
        self.marks["elapsed"].visible = True
        self.marks["elapsed_b"].visible = b is not None
        at = max(r.elapsed_s for _, r in runs)
        late = at > 0.7 * float(self.sx.max)  # then the text goes left of the line, in the plot
        label = self.marks["elapsed_label"]
        with label.hold_sync():
            label.x = _f32([at] * len(runs))
            label.y = _f32([92, 82][: len(runs)])
            label.text = [f"{who}elapsed {r.elapsed_s:.2f} s" for who, r in runs]
            label.colors = [ELAPSED_COLOR] * len(runs)
            label.align = "end" if late else "start"
            label.x_offset = -4 if late else 4

    def _show_cut(self, a: Run) -> None:
        """ "cut here" where max_time_s ended a run before its drain was done."""
        line, label = self.marks["cut"], self.marks["cut_label"]
        top = float(self.scales["pool"].max)
        end = float(a.series["t_s"][-1]) if len(a.series["t_s"]) else 0.0
        with line.hold_sync(), label.hold_sync():
            line.visible = label.visible = bool(a.cut)
            line.x, line.y = _f32([end, end]), _f32([0, top])
            label.x, label.y = _f32([end]), _f32([top * 0.55])
            label.text = [f"cut here: max_time_s = {a.config.max_time_s:g} s"]

    def cut(self, t_s: float) -> None:
        """Show the runs up to time t_s (inf: all of them) with a cursor at t_s."""
        self._t_cut = t_s
        va, vb, vg = self._views
        if va is None:
            return
        for suffix, view in (("", va), ("_b", vb)):
            if view is None:
                continue
            n = int(np.searchsorted(view["x"], t_s, side="right"))
            for name, keys in MARK_KEYS.items():
                mark = self.marks[name + suffix]
                with mark.hold_sync():
                    mark.x = view["x"][:n]
                    mark.y = (
                        np.stack([view[k][:n] for k in keys])
                        if len(keys) > 1
                        else view[keys[0]][:n]
                    )
        ghost = self.marks["ghost"]
        with ghost.hold_sync():
            if vg is None:
                ghost.x, ghost.y = _EMPTY, _EMPTY
            else:
                n = int(np.searchsorted(vg["x"], t_s, side="right"))
                ghost.x, ghost.y = vg["x"][:n], vg["pool_mib"][:n]
        self._show_bands()
        for name, c in self.cursors.items():
            with c.hold_sync():
                c.x = _f32([t_s, t_s]) if np.isfinite(t_s) else _f32([0, 0])
                c.y = _f32([self._yscale(name).min, self._yscale(name).max])
                c.visible = bool(np.isfinite(t_s))

    def _yscale(self, fig: str) -> LinearScale:
        return self.scales[{"process": "stall"}.get(fig, fig)]

    def _show_bands(self) -> None:
        """Every stage of the first run as a band, numbered where the band is wide enough."""
        a = self._runs[0]
        segs = list(a.stages) if a is not None else []
        top = float(self.scales["pool"].max)
        bands, labels = self.marks["bands"], self.marks["band_labels"]
        x = np.array([[t0, t1, t1, t0, t0] for _, t0, t1 in segs], dtype=np.float32).reshape(-1, 5)
        y = np.tile(_f32([0, 0, top, top, 0]), (len(segs), 1)).reshape(-1, 5)
        colors = [STAGE_COLORS.get(s, "#9e9e9e") for s, _, _ in segs]
        with bands.hold_sync():
            bands.x, bands.y = x, y
            bands.colors = colors or ["white"]
            bands.fill_colors = colors or ["white"]
            bands.fill_opacities = [BAND_OPACITY] * len(segs)
            bands.opacities = [1.0] * len(segs)  # 0 would hide the fill too; stroke_width=0
        x0, x1 = float(self.sx.min), float(self.sx.max)
        span = max(x1 - x0, 1e-9)
        named = [
            (s, max(t0, x0), min(t1, x1))
            for s, t0, t1 in segs
            if (min(t1, x1) - max(t0, x0)) / span >= 0.025
        ]
        with labels.hold_sync():
            labels.x = _f32([(t0 + t1) / 2 for _, t0, t1 in named])
            labels.y = _f32([top * 0.9] * len(named))
            labels.text = [str(s) for s, _, _ in named]
            labels.colors = ["#222222"] * len(named) or ["black"]

    def _show_bars(self, runs: dict[str, Run], off: Run | None) -> None:
        rows = bar_rows(runs, off)
        names = list(rows)
        palette = dict(zip(runs, BAR_COLORS, strict=False))
        colors = [palette.get(n, OFF_COLOR if n == "zswap off" else PUBLISHED_COLOR) for n in names]
        for i, what in enumerate(("elapsed", "user", "sys")):
            bars = self.marks[f"bars_{what}"]
            values = _f32([rows[n][i] for n in names])
            self.bar_scales[what].max = nice_ceil(float(values.max()) * 1.2)
            with bars.hold_sync():
                bars.x = names
                bars.y = values
                bars.colors = colors
        self.bar_caption.value = bar_caption(names, list(runs))

    def bar_values(self) -> dict[str, dict[str, float]]:
        """What the benchmark bars show: metric -> bar name -> seconds."""
        out = {}
        for what in ("elapsed", "user", "sys"):
            bars = self.marks[f"bars_{what}"]
            out[what] = {str(n): float(v) for n, v in zip(bars.x, bars.y, strict=True)}
        return out

    def _show_allocator(self, a: Run) -> None:
        """The histogram of the run's compressed page sizes and, beside it, why the allocators
        differ (or do not) on them."""
        sizes = compressed_sizes(a.config)
        edges = np.arange(0, 4096 + 64, 64)
        counts, _ = np.histogram(sizes, bins=edges)
        pct = counts / max(len(sizes), 1) * 100
        bars = self.marks["sizes"]
        with bars.hold_sync():
            bars.x = _f32(edges[1:])
            bars.y = _f32(pct)
        self.scales["sizes"].max = nice_ceil(max(float(pct.max()), 1.0) * 1.15)
        top = float(self.scales["sizes"].max)
        limits, labels = self.marks["size_limits"], self.marks["size_labels"]
        limits.y = _f32([[0, top]] * len(limits.x))
        labels.y = _f32([top * f for f in (0.94, 0.82, 0.70)])
        self.allocator_text.value = (
            "<div style='font-size:0.9em;padding:0 8px'><b>allocator "
            f"({html.escape(a.config.allocator)})</b>: {html.escape(explain(a.config))}</div>"
        )


def bar_caption(names: list[str], runs: list[str]) -> str:
    """What the bar names mean, for the bars shown."""
    parts = [f"<b>{html.escape(n)}</b>: the model with these knobs" for n in runs]
    if "zswap off" in names:
        parts.append("<b>zswap off</b>: the same knobs with zswap off, in the model")
    if any(n.startswith("pub. ") for n in names):
        parts.append("<b>pub.</b>: measured in the cover letter (2 GB, 10 runs)")
    return f"<div style='font-size:0.85em;padding:0 8px'>{' · '.join(parts)}</div>"
