"""The bqplot figures of the dashboard, built once and updated in place.

`Charts` owns every Figure, mark and scale. `Charts.show()` puts a run (and in compare mode a
second run, B) on them, `Charts.cut()` reveals the run up to a time (playback and scrubbing).
Every time-series mark has a twin for run B (dashed; the thresholds dotted), hidden outside
compare mode. Legends are HTML below each figure, so they never cover data. Every update of a
figure goes through `hold_sync()`, so one message per mark reaches the browser. Scales are fixed
from the configuration (and rounded up with `nice_ceil`) so axes do not jump.
"""

from __future__ import annotations

import html
from contextlib import ExitStack
from typing import Any

import ipywidgets as w
import numpy as np
from bqplot import Axis, Bars, Figure, Label, Lines
from bqscales import LinearScale, OrdinalScale

from ..model.results import SHRINKER_STATES, Run
from .view import (
    IO_SERIES,
    MEMORY_SERIES,
    bar_rows,
    labelled_bands,
    nice_ceil,
    run_view,
)

STAGE_COLORS = {1: "#2e7d32", 2: "#1565c0", 3: "#ef6c00", 4: "#c62828", 5: "#6a1b9a"}
MEMORY_COLORS = ["#1565c0", "#ef6c00", "#2e7d32", "#8e24aa", "#616161"]
MEMORY_LABELS = ["process resident", "zswap pool", "free", "swap cache", "swapped out"]
IO_COLORS = ["#c62828", "#ef6c00", "#1565c0"]
IO_LABELS = ["reclaim swap-out", "shrinker writeback", "swap-in"]
THRESHOLD_COLORS = ["#c62828", "#ef6c00", "#2e7d32"]
THRESHOLD_LABELS = ["max_pool", "shrink start", "accept threshold"]
CPU_COLORS = ["#1565c0", "#ef6c00"]
ELAPSED_COLOR = "#2e7d32"
BAR_COLORS = {"this run": "#1565c0", "A": "#1565c0", "B": "#6d4c41", "off": "#9e9e9e"}
PUBLISHED_COLOR = "#ffb74d"
FIG_HEIGHT = "260px"
_EMPTY = np.zeros(0, dtype=np.float32)
# Room for the tick numbers and, beyond them, the axis titles (Y_LABEL_OFFSET from the axis).
_MARGIN = {"top": 30, "bottom": 45, "left": 80, "right": 25}
_MARGIN_RIGHT_AXIS = {**_MARGIN, "right": 80}
Y_LABEL_OFFSET = "50px"
X_LABEL_OFFSET = "32px"

MEM_KEYS = tuple(k.replace("_pages", "_mib") for k in MEMORY_SERIES)
IO_KEYS = tuple(k.replace("_ops", "_iops") for k in IO_SERIES)
# time-series mark -> the run_view keys it draws (one key: a 1-D y; several: one row each).
# Each has a twin "<name>_b" for run B in compare mode.
MARK_KEYS: dict[str, tuple[str, ...]] = {
    "pool": ("pool_mib",),
    "thresholds": ("max_mib", "shrink_start_mib", "accept_mib"),
    "memory": MEM_KEYS,
    "io": IO_KEYS,
    "queue": ("queue_depth",),
    "latency": ("io_latency_ms",),
    "stall": ("stall_pct",),
    "cpu": ("user_s", "sys_s"),
    "shrinker": ("shrinker_state",),
}
# What each legend shows: (label, color, kind) with kind "line", "dashed" or "area".
LEGENDS: dict[str, list[tuple[str, str, str]]] = {
    "pool": [
        ("pool", "black", "line"),
        *((lab, c, "dashed") for lab, c in zip(THRESHOLD_LABELS, THRESHOLD_COLORS, strict=True)),
        *((f"stage {s}", c, "band") for s, c in STAGE_COLORS.items()),
    ],
    "memory": [(lab, c, "line") for lab, c in zip(MEMORY_LABELS, MEMORY_COLORS, strict=True)],
    "io": [(lab, c, "line") for lab, c in zip(IO_LABELS, IO_COLORS, strict=True)],
    "queue": [
        ("queue depth (left axis)", "#37474f", "line"),
        ("latency of the last completed requests (right axis)", "#d81b60", "line"),
    ],
    "process": [
        ("stalled (left axis)", "#c62828", "area"),
        ("user CPU (right axis)", CPU_COLORS[0], "line"),
        ("sys CPU (right axis)", CPU_COLORS[1], "line"),
        ("end of the allocation (elapsed)", ELAPSED_COLOR, "line"),
    ],
    "shrinker": [("shrink_worker state", "#37474f", "line")],
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
        opacity = 0.35 if kind == "area" else 0.25
        fill = f"background:{color};opacity:{opacity};height:10px"
        return f"<span style='display:inline-block;width:16px;{fill};vertical-align:middle'></span>"
    style = "dashed" if kind == "dashed" else "solid"
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
    extra = f"<div style='color:#555'>{note}</div>" if note else ""
    return f"<div style='font-size:0.85em;line-height:1.5;padding:0 8px'>{items}{extra}</div>"


def compare_note(a: Run, b: Run) -> str:
    """The legend line of compare mode: which run is solid and which dashed."""
    return (
        f"<b>solid: A = {html.escape(a.config.kernel)}</b> · "
        f"<b>dashed: B = {html.escape(b.config.kernel)}</b>"
    )


# Said in compare mode below the pool chart, after `compare_note`.
POOL_COMPARE_NOTE = " · thresholds: A dashed, B dotted · stage bands: run A"


class Charts:
    """All figures (pool, memory, io, queue, process, shrinker and three benchmark bar charts),
    with their legends: `panels[name]` is a figure with its legend below it."""

    TIME_FIGURES = ("pool", "memory", "io", "queue", "process", "shrinker")

    def __init__(self) -> None:
        self.sx = LinearScale(min=0.0, max=1.0)
        self.scales: dict[str, LinearScale] = {}
        self.marks: dict[str, Any] = {}
        self.figures: dict[str, Figure] = {}
        self.cursors: dict[str, Lines] = {}
        self.legends: dict[str, w.HTML] = {}
        self._labels: dict[str, list[str]] = {}
        self._views: tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None] = ({}, None)
        self._stages: list[tuple[int, float, float]] = []
        self._t_cut = np.inf
        self._build_pool()
        self._build_memory_and_io()
        self._build_process()
        self._build_shrinker()
        self._build_bars()
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

    # ------------------------------------------------------------------ building
    def _xaxis(self) -> Axis:
        return Axis(scale=self.sx, label="time (s)", grid_lines="none", label_offset=X_LABEL_OFFSET)

    @staticmethod
    def _yaxis(scale: LinearScale, label: str, side: str = "left", **kw: Any) -> Axis:
        kw.setdefault("label_offset", Y_LABEL_OFFSET)
        return Axis(scale=scale, label=label, side=side, grid_lines="none", **kw)

    def _pair(
        self, name: str, scale: LinearScale, colors: list[str], labels: list[str], **kw: Any
    ) -> list[Lines]:
        """Mark `name` (run A) and its twin `name_b` (run B: dashed, no fill, hidden)."""
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

        twin_style = "dotted" if kw.get("line_style") == "dashed" else "dashed"
        a = lines(labels=labels)
        b = lines(
            labels=[f"{label} (B)" for label in labels],
            line_style=twin_style,
            fill="none",
            visible=False,
        )
        self.marks[name], self.marks[f"{name}_b"] = a, b
        self._labels[name] = labels
        return [a, b]

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
        """The pool against its thresholds, with the stages as bands."""
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
            default_size=12,
        )
        self.figures["pool"] = _figure(
            "zswap pool (MiB)",
            [
                m["bands"],
                m["band_labels"],
                *self._pair(
                    "thresholds", sp, THRESHOLD_COLORS, THRESHOLD_LABELS, line_style="dashed"
                ),
                *self._pair("pool", sp, ["black"], ["pool"], stroke_width=2.0),
                self._cursor("pool", sp),
            ],
            [self._xaxis(), self._yaxis(sp, "MiB")],
            height="300px",
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
            "swap device requests per second, by source",
            [*self._pair("io", si, IO_COLORS, IO_LABELS), self._cursor("io", si)],
            [self._xaxis(), self._yaxis(si, "requests/s", tick_format="~s")],
        )
        sq = self.scales["queue"] = LinearScale(min=0.0, max=1.0)
        sl = self.scales["latency"] = LinearScale(min=0.0, max=1.0)
        self.figures["queue"] = _figure(
            "swap device queue depth and request latency",
            [
                *self._pair("queue", sq, ["#37474f"], ["queue depth"]),
                *self._pair("latency", sl, ["#d81b60"], ["latency (ms)"]),
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
            m[name] = Lines(
                x=_f32([0, 0]),
                y=_f32([0, 100]),
                scales={"x": self.sx, "y": ss},
                colors=[ELAPSED_COLOR],
                stroke_width=2,
                line_style=style,
                visible=False,
            )
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
            "the allocating process: stalls and cumulative CPU time",
            [
                *self._pair(
                    "stall",
                    ss,
                    ["#c62828"],
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
                self._yaxis(sc, "cumulative CPU (s)", side="right"),
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
        )
        self.figures["shrinker"] = _figure(
            "global shrinker (shrink_worker) state",
            [
                *self._pair("shrinker", sk, ["#37474f"], ["shrinker"], interpolation="step-after"),
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
                x=["this run"],
                y=_f32([0]),
                scales={"x": bx, "y": by},
                colors=[BAR_COLORS["this run"]],
                color_mode="group",  # one color per bar (1-D y: each bar is its own group)
                label_display=True,
                label_display_format=".3~f",
                label_display_vertical_offset=-16,  # the value above its bar, not on it
                padding=0.25,
            )
            fig = _figure(
                f"{what} (s)",
                [self.marks[f"bars_{what}"]],
                [Axis(scale=bx), Axis(scale=by, side="left", grid_lines="none", tick_format="~g")],
                height="240px",
                fig_margin={"top": 30, "bottom": 30, "left": 50, "right": 10},
            )
            fig.layout.min_width = "220px"
            fig.layout.flex = "1 1 0"
            self.figures[f"bench_{what}"] = fig

    # ------------------------------------------------------------------ updates
    def show(
        self, a: Run, b: Run | None = None, off: Run | None = None, t_cut: float = np.inf
    ) -> None:
        """Put run a on every chart, and in compare mode run b (dashed) next to it.

        The stage bands are a's. `off` is a's knobs with kernel="off", for the benchmark bars.
        """
        cfg = a.config
        va = run_view(a)
        vb = run_view(b) if b is not None else None
        self._views = (va, vb)
        self._stages = list(a.stages)
        views = [v for v in (va, vb) if v is not None]
        t_end = max(float(v["x"][-1]) if len(v["x"]) else 0.0 for v in views)

        def top(key: str, floor: float = 0.0) -> float:
            vals = [float(np.max(v[key])) for v in views if len(v[key])]
            return nice_ceil(max([floor, *vals]) * 1.05)

        with ExitStack() as stack:
            for s in (self.sx, *self.scales.values(), *self.bar_scales.values()):
                stack.enter_context(s.hold_sync())
            self.sx.max = nice_ceil(t_end)
            self.scales["pool"].max = top("max_mib")
            self.scales["memory"].max = nice_ceil(max(cfg.ram_mib, cfg.alloc_mib) * 1.05)
            io_top = max(top(k) for k in IO_KEYS)
            self.scales["io"].max = nice_ceil(max(float(cfg.swap_iops), io_top))
            self.scales["queue"].max = nice_ceil(
                max(float(cfg.swap_queue_depth), top("queue_depth"))
            )
            self.scales["latency"].max = top("io_latency_ms", cfg.swap_latency_ms)
            self.scales["cpu"].max = max(top("user_s"), top("sys_s"))
        self._show_runs(a, b)
        self._show_elapsed(a, b)
        self._show_bars({"this run": a} if b is None else {"A": a, "B": b}, off)
        self.cut(t_cut)

    def _show_runs(self, a: Run, b: Run | None) -> None:
        """Twins visible in compare mode only; labels and legends say which run is which."""
        suffix = "" if b is None else " (A)"
        for name, labels in self._labels.items():
            self.marks[name].labels = [label + suffix for label in labels]
            self.marks[f"{name}_b"].visible = b is not None
        note = "" if b is None else compare_note(a, b)
        for name, legend in self.legends.items():
            extra = POOL_COMPARE_NOTE if note and name == "pool" else ""
            legend.value = legend_html(LEGENDS[name], note + extra)

    def _show_elapsed(self, a: Run, b: Run | None) -> None:
        """A line at the end of each run's allocation, labelled next to the later one."""
        runs = [("", a)] if b is None else [("A: ", a), ("B: ", b)]
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

    def cut(self, t_s: float) -> None:
        """Show the run(s) up to time t_s (inf: all of it) with a cursor at t_s."""
        self._t_cut = t_s
        va, vb = self._views
        if not va:
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
        self._show_bands(t_s)
        for name, c in self.cursors.items():
            with c.hold_sync():
                c.x = _f32([t_s, t_s]) if np.isfinite(t_s) else _f32([0, 0])
                c.y = _f32([self._yscale(name).min, self._yscale(name).max])
                c.visible = bool(np.isfinite(t_s))

    def _yscale(self, fig: str) -> LinearScale:
        return self.scales[{"process": "stall"}.get(fig, fig)]

    def _show_bands(self, t_s: float) -> None:
        top = float(self.scales["pool"].max)
        segs = [(s, t0, min(t1, t_s)) for s, t0, t1 in self._stages if t0 < t_s]
        bands, labels = self.marks["bands"], self.marks["band_labels"]
        x = np.array([[t0, t1, t1, t0, t0] for _, t0, t1 in segs], dtype=np.float32).reshape(-1, 5)
        y = np.tile(_f32([0, 0, top, top, 0]), (len(segs), 1)).reshape(-1, 5)
        colors = [STAGE_COLORS.get(s, "#9e9e9e") for s, _, _ in segs]
        with bands.hold_sync():
            bands.x, bands.y = x, y
            bands.colors = colors or ["white"]
            bands.fill_colors = colors or ["white"]
            bands.fill_opacities = [0.12] * len(segs)
            bands.opacities = [1.0] * len(segs)  # 0 would hide the fill too; stroke_width=0
        named = labelled_bands(segs, float(self.sx.max))
        with labels.hold_sync():
            labels.x = _f32([(t0 + t1) / 2 for _, t0, t1 in named])
            labels.y = _f32([top * 0.93] * len(named))
            labels.text = [f"stage {s}" for s, _, _ in named]
            labels.colors = [STAGE_COLORS.get(s, "#9e9e9e") for s, _, _ in named] or ["black"]

    def _show_bars(self, runs: dict[str, Run], off: Run | None) -> None:
        rows = bar_rows(runs, off)
        names = list(rows)
        colors = [BAR_COLORS.get(n, PUBLISHED_COLOR) for n in names]
        for i, what in enumerate(("elapsed", "user", "sys")):
            bars = self.marks[f"bars_{what}"]
            values = _f32([rows[n][i] for n in names])
            self.bar_scales[what].max = nice_ceil(float(values.max()) * 1.2)
            with bars.hold_sync():
                bars.x = names
                bars.y = values
                bars.colors = colors
        self.bar_caption.value = bar_caption(names)

    def bar_values(self) -> dict[str, dict[str, float]]:
        """What the benchmark bars show: metric -> bar name -> seconds."""
        out = {}
        for what in ("elapsed", "user", "sys"):
            bars = self.marks[f"bars_{what}"]
            out[what] = {str(n): float(v) for n, v in zip(bars.x, bars.y, strict=True)}
        return out


def bar_caption(names: list[str]) -> str:
    """What the bar names mean, for the bars shown."""
    meaning = {
        "this run": "the knobs above",
        "A": "compare preset A",
        "B": "compare preset B",
        "off": "the same knobs with zswap off, in the model",
    }
    parts = [f"<b>{html.escape(n)}</b>: {meaning[n]}" for n in names if n in meaning]
    if any(n.startswith("pub. ") for n in names):
        parts.append("<b>pub.</b>: measured in the cover letter (2 GB, 10 runs)")
    return f"<div style='font-size:0.85em;padding:0 8px'>{' · '.join(parts)}</div>"
