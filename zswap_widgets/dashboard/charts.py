"""The bqplot figures of the dashboard, built once and updated in place.

`Charts` owns every Figure, mark and scale. `Charts.show()` puts a run (and in compare mode a
second run) on them, `Charts.cut()` reveals the run up to a time (playback and scrubbing). Every
update of a figure goes through `hold_sync()`, so one message per mark reaches the browser.
Scales are fixed from the configuration (and rounded up with `nice_ceil`) so axes do not jump.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

import numpy as np
from bqplot import Axis, Bars, Figure, Label, Lines
from bqscales import LinearScale, OrdinalScale

from ..results import SHRINKER_STATES, Run
from .view import IO_SERIES, MEMORY_SERIES, nice_ceil, published, run_view

STAGE_COLORS = {1: "#2e7d32", 2: "#1565c0", 3: "#ef6c00", 4: "#c62828", 5: "#6a1b9a"}
MEMORY_COLORS = ["#1565c0", "#ef6c00", "#2e7d32", "#8e24aa", "#616161"]
MEMORY_LABELS = ["process resident", "zswap pool", "free", "swap cache", "swapped out"]
IO_COLORS = ["#c62828", "#ef6c00", "#1565c0"]
IO_LABELS = ["reclaim swap-out", "shrinker writeback", "swap-in"]
THRESHOLD_COLORS = ["#c62828", "#ef6c00", "#2e7d32"]
THRESHOLD_LABELS = ["max_pool", "shrink start", "accept threshold"]
BAR_COLORS = {"this run": "#1565c0", "zswap off (model)": "#9e9e9e"}
PUBLISHED_COLOR = "#ffb74d"
FIG_HEIGHT = "260px"
_EMPTY = np.zeros(0, dtype=np.float32)
_MARGIN = {"top": 30, "bottom": 40, "left": 60, "right": 60}


def _f32(a: Any) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _figure(title: str, marks: list, axes: list, height: str = FIG_HEIGHT, **kw: Any) -> Figure:
    kw.setdefault("fig_margin", dict(_MARGIN))
    kw.setdefault("legend_location", "top-left")
    fig = Figure(title=title, marks=marks, axes=axes, animation_duration=0, **kw)
    fig.layout.height = height
    fig.layout.width = "100%"
    fig.layout.min_width = "320px"
    return fig


class Charts:
    """All figures: pool, memory, io, queue, process, shrinker and the three benchmark bars."""

    TIME_FIGURES = ("pool", "memory", "io", "queue", "process", "shrinker")

    def __init__(self) -> None:
        self.sx = LinearScale(min=0.0, max=1.0)
        sx = self.sx
        self.scales: dict[str, LinearScale] = {}
        self.marks: dict[str, Any] = {}
        self.figures: dict[str, Figure] = {}
        self.cursors: dict[str, Lines] = {}
        self._views: tuple[dict[str, np.ndarray], dict[str, np.ndarray] | None] = ({}, None)
        self._stages: list[tuple[int, float, float]] = []
        self._t_cut = np.inf

        def xaxis() -> Axis:
            return Axis(scale=sx, label="time (s)", grid_lines="none")

        def yaxis(scale: LinearScale, label: str, side: str = "left", **kw: Any) -> Axis:
            return Axis(scale=scale, label=label, side=side, grid_lines="none", **kw)

        def lines(scale: LinearScale, n: int, colors: list[str], **kw: Any) -> Lines:
            kw.setdefault("stroke_width", 1.5)
            return Lines(
                x=_EMPTY,
                y=np.zeros((n, 0), dtype=np.float32) if n > 1 else _EMPTY,
                scales={"x": sx, "y": scale},
                colors=colors,
                **kw,
            )

        def cursor(scale: LinearScale) -> Lines:
            return Lines(
                x=_f32([0, 0]),
                y=_f32([0, 1]),
                scales={"x": sx, "y": scale},
                colors=["black"],
                stroke_width=1,
                line_style="dashed",
                visible=False,
            )

        # 1. pool against its thresholds, with the stages as bands
        sp = self.scales["pool"] = LinearScale(min=0.0, max=1.0)
        m = self.marks
        m["bands"] = Lines(
            x=np.zeros((0, 5), dtype=np.float32),
            y=np.zeros((0, 5), dtype=np.float32),
            scales={"x": sx, "y": sp},
            fill="inside",
            stroke_width=0,
        )
        m["band_labels"] = Label(
            x=_EMPTY, y=_EMPTY, text=[], scales={"x": sx, "y": sp}, align="middle", default_size=12
        )
        m["thresholds"] = lines(
            sp,
            3,
            THRESHOLD_COLORS,
            line_style="dashed",
            labels=THRESHOLD_LABELS,
            display_legend=True,
        )
        m["pool"] = lines(sp, 1, ["black"], labels=["pool (A)"], stroke_width=2.0)
        m["pool_b"] = lines(
            sp,
            1,
            ["#6d4c41"],
            labels=["pool (B)"],
            line_style="dashed",
            stroke_width=2.0,
            visible=False,
        )
        self.cursors["pool"] = cursor(sp)
        self.figures["pool"] = _figure(
            "zswap pool (MiB)",
            [
                m["bands"],
                m["band_labels"],
                m["thresholds"],
                m["pool"],
                m["pool_b"],
                self.cursors["pool"],
            ],
            [xaxis(), yaxis(sp, "MiB")],
            height="300px",
        )

        # 2. memory
        sm = self.scales["memory"] = LinearScale(min=0.0, max=1.0)
        m["memory"] = lines(
            sm, len(MEMORY_SERIES), MEMORY_COLORS, labels=MEMORY_LABELS, display_legend=True
        )
        m["memory_b"] = lines(
            sm, len(MEMORY_SERIES), MEMORY_COLORS, line_style="dashed", visible=False
        )
        self.cursors["memory"] = cursor(sm)
        self.figures["memory"] = _figure(
            "memory (MiB)",
            [m["memory"], m["memory_b"], self.cursors["memory"]],
            [xaxis(), yaxis(sm, "MiB")],
        )

        # 3. swap device: requests by source, queue depth and latency
        si = self.scales["io"] = LinearScale(min=0.0, max=1.0)
        m["io"] = lines(si, len(IO_SERIES), IO_COLORS, labels=IO_LABELS, display_legend=True)
        m["io_b"] = lines(si, len(IO_SERIES), IO_COLORS, line_style="dashed", visible=False)
        self.cursors["io"] = cursor(si)
        self.figures["io"] = _figure(
            "swap device requests per second, by source",
            [m["io"], m["io_b"], self.cursors["io"]],
            [xaxis(), yaxis(si, "requests/s")],
        )
        sq = self.scales["queue"] = LinearScale(min=0.0, max=1.0)
        sl = self.scales["latency"] = LinearScale(min=0.0, max=1.0)
        m["queue"] = lines(sq, 1, ["#37474f"], labels=["queue depth"], display_legend=True)
        m["latency"] = lines(sl, 1, ["#d81b60"], labels=["latency (ms)"], display_legend=True)
        m["queue_b"] = lines(sq, 1, ["#37474f"], line_style="dashed", visible=False)
        m["latency_b"] = lines(sl, 1, ["#d81b60"], line_style="dashed", visible=False)
        self.cursors["queue"] = cursor(sq)
        self.figures["queue"] = _figure(
            "swap device queue depth and request latency",
            [m["queue"], m["latency"], m["queue_b"], m["latency_b"], self.cursors["queue"]],
            [xaxis(), yaxis(sq, "requests in queue"), yaxis(sl, "latency (ms)", side="right")],
        )

        # 4. the allocating process
        ss = self.scales["stall"] = LinearScale(min=0.0, max=100.0)
        sc = self.scales["cpu"] = LinearScale(min=0.0, max=1.0)
        m["stall"] = lines(
            ss,
            1,
            ["#c62828"],
            labels=["stalled (% of time)"],
            fill="bottom",
            fill_opacities=[0.3],
            display_legend=True,
        )
        m["cpu"] = lines(
            sc, 2, ["#1565c0", "#ef6c00"], labels=["user (s)", "sys (s)"], display_legend=True
        )
        m["elapsed"] = Lines(
            x=_f32([0, 0]),
            y=_f32([0, 100]),
            scales={"x": sx, "y": ss},
            colors=["#2e7d32"],
            stroke_width=2,
            visible=False,
        )
        m["elapsed_label"] = Label(
            x=_f32([0]),
            y=_f32([92]),
            text=[""],
            scales={"x": sx, "y": ss},
            align="start",
            colors=["#2e7d32"],
            default_size=12,
            x_offset=4,
        )
        self.cursors["process"] = cursor(ss)
        self.figures["process"] = _figure(
            "the allocating process: stalls and cumulative CPU time",
            [m["stall"], m["cpu"], m["elapsed"], m["elapsed_label"], self.cursors["process"]],
            [xaxis(), yaxis(ss, "stalled (%)"), yaxis(sc, "cumulative CPU (s)", side="right")],
        )

        # 5. shrinker state
        sk = self.scales["shrinker"] = LinearScale(min=-0.5, max=len(SHRINKER_STATES) - 0.5)
        m["shrinker"] = lines(sk, 1, ["#37474f"], interpolation="step-after")
        self.cursors["shrinker"] = cursor(sk)
        self.figures["shrinker"] = _figure(
            "global shrinker (shrink_worker) state",
            [m["shrinker"], self.cursors["shrinker"]],
            [
                xaxis(),
                yaxis(
                    sk,
                    "",
                    tick_values=list(range(len(SHRINKER_STATES))),
                    tick_labels={i: name for i, name in enumerate(SHRINKER_STATES)},
                ),
            ],
            height="200px",
        )
        self.figures["shrinker"].fig_margin = {**_MARGIN, "left": 70}

        # 6. benchmark bars: elapsed, user, sys
        self.bar_scales: dict[str, LinearScale] = {}
        for what in ("elapsed", "user", "sys"):
            bx = OrdinalScale()
            by = self.bar_scales[what] = LinearScale(min=0.0, max=1.0)
            m[f"bars_{what}"] = Bars(
                x=["this run"],
                y=_f32([0]),
                scales={"x": bx, "y": by},
                colors=["#1565c0"],
                color_mode="element",
                label_display=True,
                label_display_format=".3~f",
                padding=0.25,
            )
            self.figures[f"bench_{what}"] = _figure(
                f"{what} (s)",
                [m[f"bars_{what}"]],
                [Axis(scale=bx, tick_rotate=-20), Axis(scale=by, side="left", grid_lines="none")],
                height="240px",
                fig_margin={"top": 30, "bottom": 60, "left": 50, "right": 10},
            )
            self.figures[f"bench_{what}"].layout.min_width = "150px"

    # ------------------------------------------------------------------ updates
    def show(
        self,
        run: Run,
        compare: tuple[Run, Run] | None = None,
        off: Run | None = None,
        t_cut: float = np.inf,
    ) -> None:
        """Put a run on every chart; in compare mode runs A and B go on the pool/memory/IO charts.

        `off` is the same configuration with kernel="off", for the benchmark bars.
        """
        cfg = run.config
        a = run_view(run)
        b = None
        stage_run = run
        if compare is not None:
            a, b = run_view(compare[0]), run_view(compare[1])
            stage_run = compare[0]
        self._views = (a, b)
        self._stages = list(stage_run.stages)
        views = [v for v in (a, b) if v is not None]
        t_end = max(float(v["x"][-1]) if len(v["x"]) else 0.0 for v in views)
        t_end = max(t_end, float(run.series["t_s"][-1]) if len(run.series["t_s"]) else 0.0)

        def top(key: str, floor: float = 0.0) -> float:
            vals = [np.nanmax(v[key]) for v in views if len(v[key]) and np.isfinite(v[key]).any()]
            return nice_ceil(max([floor, *vals]) * 1.05)

        with ExitStack() as stack:
            for s in (self.sx, *self.scales.values(), *self.bar_scales.values()):
                stack.enter_context(s.hold_sync())
            self.sx.max = nice_ceil(t_end)
            self.scales["pool"].max = top("max_mib")
            self.scales["memory"].max = nice_ceil(max(cfg.ram_mib, cfg.alloc_mib) * 1.05)
            io_top = max(top(k.replace("_ops", "_iops")) for k in IO_SERIES)
            self.scales["io"].max = nice_ceil(max(float(cfg.swap_iops), io_top))
            self.scales["queue"].max = nice_ceil(
                max(float(cfg.swap_queue_depth), top("queue_depth"))
            )
            self.scales["latency"].max = top("io_latency_ms", cfg.swap_latency_ms)
            self.scales["cpu"].max = max(top("user_s"), top("sys_s"))
        for name in ("pool_b", "memory_b", "io_b", "queue_b", "latency_b"):
            self.marks[name].visible = b is not None
        self.marks["pool"].labels = ["pool (A)" if b is not None else "pool"]
        with self.marks["elapsed"].hold_sync(), self.marks["elapsed_label"].hold_sync():
            self.marks["elapsed"].x = _f32([run.elapsed_s, run.elapsed_s])
            self.marks["elapsed"].visible = True
            self.marks["elapsed_label"].x = _f32([run.elapsed_s])
            self.marks["elapsed_label"].text = [f"elapsed {run.elapsed_s:.2f} s"]
        self._show_bars(run, off)
        self.cut(t_cut)

    def cut(self, t_s: float) -> None:
        """Show the run(s) up to time t_s (inf: all of it) with a cursor at t_s."""
        self._t_cut = t_s
        a, b = self._views
        if not a:
            return
        m = self.marks
        n = int(np.searchsorted(a["x"], t_s, side="right"))

        def put(mark: Lines, view: dict[str, np.ndarray], keys: tuple[str, ...], nn: int) -> None:
            with mark.hold_sync():
                mark.x = view["x"][:nn]
                mark.y = (
                    np.stack([view[k][:nn] for k in keys]) if len(keys) > 1 else view[keys[0]][:nn]
                )

        mem = tuple(k.replace("_pages", "_mib") for k in MEMORY_SERIES)
        io = tuple(k.replace("_ops", "_iops") for k in IO_SERIES)
        put(m["pool"], a, ("pool_mib",), n)
        put(m["thresholds"], a, ("max_mib", "shrink_start_mib", "accept_mib"), n)
        put(m["memory"], a, mem, n)
        put(m["io"], a, io, n)
        put(m["queue"], a, ("queue_depth",), n)
        put(m["latency"], a, ("io_latency_ms",), n)
        put(m["stall"], a, ("stall_pct",), n)
        put(m["cpu"], a, ("user_s", "sys_s"), n)
        put(m["shrinker"], a, ("shrinker_state",), n)
        if b is not None:
            nb = int(np.searchsorted(b["x"], t_s, side="right"))
            put(m["pool_b"], b, ("pool_mib",), nb)
            put(m["memory_b"], b, mem, nb)
            put(m["io_b"], b, io, nb)
            put(m["queue_b"], b, ("queue_depth",), nb)
            put(m["latency_b"], b, ("io_latency_ms",), nb)
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
        span = max(float(self.sx.max), 1e-9)
        x = np.array([[t0, t1, t1, t0, t0] for _, t0, t1 in segs], dtype=np.float32).reshape(-1, 5)
        y = np.tile(_f32([0, 0, top, top, 0]), (len(segs), 1)).reshape(-1, 5)
        colors = [STAGE_COLORS.get(s, "#9e9e9e") for s, _, _ in segs]
        with bands.hold_sync():
            bands.x, bands.y = x, y
            bands.colors = colors or ["white"]
            bands.fill_colors = colors or ["white"]
            bands.fill_opacities = [0.12] * len(segs)
            bands.opacities = [0.0] * len(segs)
        with labels.hold_sync():
            labels.x = _f32([(t0 + t1) / 2 for _, t0, t1 in segs])
            labels.y = _f32([top * 0.93] * len(segs))
            labels.text = [
                f"stage {s}" if (t1 - t0) / span > 0.07 else str(s) for s, t0, t1 in segs
            ]
            labels.colors = colors or ["black"]

    def _show_bars(self, run: Run, off: Run | None) -> None:
        rows: dict[str, tuple[float, float, float]] = {
            "this run": (run.elapsed_s, run.user_s, run.sys_s)
        }
        if off is not None:
            rows["zswap off (model)"] = (off.elapsed_s, off.user_s, off.sys_s)
        rows.update(published(run.config))
        names = list(rows)
        colors = [BAR_COLORS.get(n, PUBLISHED_COLOR) for n in names]
        for i, what in enumerate(("elapsed", "user", "sys")):
            bars = self.marks[f"bars_{what}"]
            values = _f32([rows[n][i] for n in names])
            self.bar_scales[what].max = nice_ceil(float(values.max()) * 1.15)
            with bars.hold_sync():
                bars.x = names
                bars.y = values
                bars.colors = colors

    def bar_values(self) -> dict[str, dict[str, float]]:
        """What the benchmark bars show: metric -> bar name -> seconds."""
        out = {}
        for what in ("elapsed", "user", "sys"):
            bars = self.marks[f"bars_{what}"]
            out[what] = {str(n): float(v) for n, v in zip(bars.x, bars.y, strict=True)}
        return out
