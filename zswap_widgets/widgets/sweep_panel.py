"""`SweepPanel`: two knobs, a metric and a heatmap that fills in as the runs of a sweep finish.

The knob lists and each knob's default values come from `Config`'s metadata (analysis/grid.py);
the values are editable as text (``start:stop:step`` or ``a,b,c``). Run starts `sweep()` in a
background thread (so Cancel and the rest of the notebook stay live) on a local process pool or
any executor; the heatmap is updated in place, at most every DRAW_INTERVAL_S, each update one
message per widget (hold_sync). For the time metrics the colour scale diverges around the
zswap-off run of the same machine and workload: blue cells are faster than zswap off, red ones
slower, white where zswap stops paying. Clicking a cell calls `on_select(config)` with that
cell's configuration. A link saves the sweep's table as CSV.
"""

from __future__ import annotations

import html
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

import ipywidgets as w
import numpy as np
from bqplot import Axis, ColorAxis, Figure, GridHeatMap
from bqscales import ColorScale, OrdinalScale

from ..analysis.grid import (
    GridError,
    check_grid,
    default_values,
    format_values,
    grid_configs,
    parse_values,
)
from ..analysis.sweep import TIME_METRICS, SweepResult, sweep
from ..model.config import Config
from .download import download_html

# label -> metric; all of them are collected in one sweep, so switching needs no re-run
PANEL_METRICS = {
    "elapsed time (s)": "elapsed_s",
    "sys time (s)": "sys_s",
    "written back pages": "written_back_pages",
    "rejected stores": "rejections",
    "pool_limit_hit": "pool_limit_hit",
}
DRAW_INTERVAL_S = 0.3
FASTER, EVEN, SLOWER = "#2166ac", "#f7f7f7", "#b2182b"  # diverging around zswap off
COUNT_COLORS = ["#fff7ec", "#7f2704"]
PENDING_COLOR = "#e0e0e0"
HEATMAP_CLASS = "zswap-sweep-heatmap"
# Cells of runs not finished hold NaN, which bqplot leaves without a fill: this rule greys them
# (d3's inline fill of a finished cell takes precedence over it).
_PENDING_CSS = f"<style>.{HEATMAP_CLASS} rect.heatmapcell {{fill: {PENDING_COLOR}}}</style>"
LABEL_STYLE = {"description_width": "70px"}


def _label(value: Any) -> str:
    if value is None:
        return "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


class SweepPanel(w.VBox):
    """Sweep two knobs of `config` and see a metric as a heatmap; click a cell to select it.

    `config` is the configuration the grid varies (settable; the dashboard sets its own).
    `on_select(config)` is called with a clicked cell's configuration. `workers`/`executor` go to
    `sweep()` (default: a process pool on the local cores).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        on_select: Callable[[Config], Any] | None = None,
        rows: str = "max_pool_percent",
        columns: str = "accept_threshold_percent",
        metric: str = "elapsed_s",
        workers: int | None = None,
        executor: Executor | None = None,
        **kwargs: Any,
    ) -> None:
        self.config = config if config is not None else Config()
        self.on_select = on_select
        self.workers = workers
        self.executor = executor
        self.result: SweepResult | None = None
        self.selected: Config | None = None
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._lock = threading.RLock()
        self._drawn = 0.0

        knobs = list(Config.knobs())
        self.row_knob = w.Dropdown(options=knobs, value=rows, description="rows", style=LABEL_STYLE)
        self.column_knob = w.Dropdown(
            options=knobs, value=columns, description="columns", style=LABEL_STYLE
        )
        tip = "START:STOP:STEP (STOP included when it lands on a step) or A,B,C"
        self.row_values = w.Text(description="values", tooltip=tip, style=LABEL_STYLE)
        self.column_values = w.Text(description="values", tooltip=tip, style=LABEL_STYLE)
        for box in (self.row_knob, self.column_knob):
            box.layout.width = "320px"
        for text in (self.row_values, self.column_values):
            text.layout.width = "320px"
        self.metric = w.Dropdown(
            options=list(PANEL_METRICS.items()),
            value=metric,
            description="metric",
            style=LABEL_STYLE,
        )
        self.metric.layout.width = "320px"
        self.run_button = w.Button(description="Run sweep", icon="play", button_style="primary")
        self.cancel_button = w.Button(description="Cancel", icon="stop", disabled=True)
        self.progress = w.IntProgress(value=0, min=0, max=1)
        self.progress.layout.width = "200px"
        self.status = w.HTML("")
        self.error = w.HTML("")
        self.note = w.HTML("")
        self.selection = w.HTML("")
        self.download = w.HTML("")
        self.title = w.HTML("")

        # min and max are always set: a domain computed from all-NaN data breaks later updates
        self.color_scale = ColorScale(colors=COUNT_COLORS, min=0.0, max=1.0)
        self.row_scale = OrdinalScale()
        self.column_scale = OrdinalScale()
        self.heatmap = GridHeatMap(
            color=np.full((2, 2), np.nan),
            scales={"row": self.row_scale, "column": self.column_scale, "color": self.color_scale},
            selected_style={"stroke": "black", "stroke-width": "3px"},
            stroke="white",
            display_format=".2f",
            font_style={"font-size": "11px"},
        )
        self.row_axis = Axis(scale=self.row_scale, side="left", label_offset="45px")
        self.column_axis = Axis(scale=self.column_scale, label_offset="35px")
        self.color_axis = ColorAxis(scale=self.color_scale, side="top", label_offset="-28px")
        self.figure = Figure(
            marks=[self.heatmap],
            axes=[self.row_axis, self.column_axis, self.color_axis],
            fig_margin={"top": 70, "bottom": 55, "left": 75, "right": 30},
            animation_duration=0,
            padding_y=0.0,
            display_toolbar=False,
        )
        self.figure.add_class(HEATMAP_CLASS)
        self.figure.layout.width = "100%"
        self.figure.layout.max_width = "900px"

        self._wire()
        self._fill_values(self.row_knob.value, self.row_values)
        self._fill_values(self.column_knob.value, self.column_values)
        self.note.value = "<i>Choose two knobs and their values, then Run sweep.</i>"
        super().__init__(self._layout(), **kwargs)

    # ------------------------------------------------------------------ public API
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def grid(self) -> dict[str, list[Any]]:
        """The grid the fields describe, rows first (GridError with a one-line message if not)."""
        rows, columns = self.row_knob.value, self.column_knob.value
        if rows == columns:
            raise GridError(f"rows and columns are both {rows}; choose two different knobs")
        grid = {
            rows: parse_values(rows, self.row_values.value),
            columns: parse_values(columns, self.column_values.value),
        }
        for name, values in grid.items():
            if len(values) < 2:
                raise GridError(f"{name}: give at least two values for a heatmap")
        return grid

    def run(self) -> bool:
        """Check the grid and start the sweep in the background; False (and the error shown) if
        the grid is not allowed or a sweep is running."""
        if self.running:
            return False
        try:
            grid = self.grid()
            knobs, values = check_grid(grid)
            grid_configs(self.config, knobs, values)  # rules between knobs, before anything runs
        except GridError as e:
            self._show_error(str(e))
            return False
        self._show_error("")
        self._cancel = threading.Event()
        self.result = None
        self.selected = None
        self.selection.value = ""
        self.download.value = ""
        self._start_drawing(knobs, values)
        self._thread = threading.Thread(target=self._work, args=(grid,), daemon=True)
        self._thread.start()
        return True

    def cancel(self) -> None:
        """Stop the sweep: runs not started are dropped, finished ones stay on the heatmap."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> SweepResult | None:
        """Block until the running sweep ends (tests, scripts); its result."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.result

    # ------------------------------------------------------------------ wiring and layout
    def _wire(self) -> None:
        self.row_knob.observe(lambda c: self._fill_values(c["new"], self.row_values), "value")
        self.column_knob.observe(lambda c: self._fill_values(c["new"], self.column_values), "value")
        self.metric.observe(lambda _: self._redraw(), "value")
        self.run_button.on_click(lambda _: self.run())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.heatmap.on_element_click(self._on_click)

    def _layout(self) -> list[w.Widget]:
        return [
            w.HTML(_PENDING_CSS),
            w.HTML(
                "<b>Sweep two knobs</b>: every combination of the values is run on the current "
                "configuration, plus zswap off on the same machine and workload. Click a cell to "
                "load its configuration."
            ),
            w.HBox([self.row_knob, self.row_values], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.column_knob, self.column_values], layout=w.Layout(flex_flow="row wrap")),
            w.HBox(
                [self.metric, self.run_button, self.cancel_button, self.progress, self.status],
                layout=w.Layout(flex_flow="row wrap", align_items="center"),
            ),
            self.error,
            self.title,
            self.figure,
            self.note,
            w.HBox([self.selection, self.download], layout=w.Layout(flex_flow="row wrap")),
        ]

    def _fill_values(self, name: str, field: w.Text) -> None:
        field.value = format_values(default_values(name))

    def _show_error(self, text: str) -> None:
        self.error.value = (
            f"<div style='color:#b71c1c;background:#ffebee;padding:4px 8px;border-radius:3px'>"
            f"<b>Not run:</b> {html.escape(text)}</div>"
            if text
            else ""
        )

    # ------------------------------------------------------------------ running
    def _work(self, grid: dict[str, list[Any]]) -> None:
        result = None
        try:
            result = sweep(
                self.config,
                grid,
                metrics=tuple(PANEL_METRICS.values()),
                executor=self.executor,
                workers=self.workers,
                progress=self._on_progress,
                cancel=self._cancel,
            )
        except Exception as e:  # shown in the panel, never a traceback
            self._show_error(f"{type(e).__name__}: {e}".splitlines()[0])
        finally:
            with self._lock:
                if result is not None:
                    self.result = result
                self._finish()

    def _on_progress(self, result: SweepResult) -> None:
        with self._lock:
            self.result = result
            now = time.monotonic()
            if result.done < result.total and now - self._drawn < DRAW_INTERVAL_S:
                return
            self._drawn = now
            self._redraw()

    def _start_drawing(self, knobs: tuple[str, ...], values: list[tuple]) -> None:
        rows, columns = values
        with self._lock, self.heatmap.hold_sync(), self.figure.hold_sync():
            self.heatmap.selected = None
            self.heatmap.color = np.full((len(rows), len(columns)), np.nan)
            self.heatmap.row = np.array([_label(v) for v in rows])
            self.heatmap.column = np.array([_label(v) for v in columns])
            self.row_axis.label = knobs[0]
            self.column_axis.label = knobs[1]
            self.figure.layout.height = f"{max(320, 34 * len(rows) + 140)}px"
        self.run_button.disabled = True
        self.cancel_button.disabled = False
        self.progress.max = len(rows) * len(columns) + 1
        self.progress.value = 0
        self.status.value = "<i>starting…</i>"
        self._drawn = 0.0
        self._redraw()

    def _finish(self) -> None:
        self.run_button.disabled = False
        self.cancel_button.disabled = True
        r = self.result
        if r is None:
            self.status.value = ""
            return
        self._redraw()
        finished = int(r.finished.sum())
        if r.cancelled:
            self.status.value = f"cancelled: {r.done} of {r.total} runs finished"
        else:
            self.status.value = f"done: {r.total} runs in {r.wall_s:.1f} s"
        if finished:
            self.download.value = download_html(
                "zswap-sweep.csv", r.csv(), f"save the table ({finished} runs, CSV)"
            )

    # ------------------------------------------------------------------ drawing
    def _redraw(self) -> None:
        """Put the result (so far) of the chosen metric on the heatmap."""
        with self._lock:
            r = self.result
            if r is None or len(r.shape) != 2:
                return
            m = self.metric.value
            values = r[m]
            base = r.baseline[m]
            colors, lo, mid, hi, note = _color_domain(m, values, base)
            label = self.metric.label
            with self.heatmap.hold_sync(), self.color_scale.hold_sync(), self.figure.hold_sync():
                self.heatmap.color = values.copy()  # a new array: the same object would not sync
                self.heatmap.display_format = ".2f" if m in TIME_METRICS else ",.0f"
                self.color_scale.colors = colors
                self.color_scale.min, self.color_scale.mid, self.color_scale.max = lo, mid, hi
                self.color_axis.label = label
                self.color_axis.tick_format = ".2f" if m in TIME_METRICS else ",.0f"
                # diverging: ticks at the ends and at zswap off; else d3's own
                self.color_axis.tick_values = None if mid is None else np.array([lo, mid, hi])
            self.progress.max = r.total
            self.progress.value = r.done
            if r.done < r.total and not r.cancelled:
                left = "" if r.left_s is None else f", about {r.left_s:.0f} s left"
                self.status.value = f"{r.done} / {r.total} runs{left}"
            self.note.value = note
            self.title.value = (
                f"<b>{html.escape(label)}</b> by {r.knobs[0]} (rows) and {r.knobs[1]} (columns)"
            )

    def _on_click(self, _mark: Any, event: dict) -> None:
        """A click on a cell (bqplot's element_click message carries its row and column)."""
        data = event.get("data") or {}
        try:
            self.select(int(data["rowNum"]), int(data["columnNum"]))
        except (KeyError, TypeError, ValueError, IndexError):
            return  # not a cell of the current grid

    def select(self, row: int, column: int) -> Config | None:
        """Select a cell: outline it, say what it holds and call on_select with its config."""
        r = self.result
        if r is None:
            return None
        config = r.config_at((row, column))
        self.selected = config
        self.heatmap.selected = np.array([[row, column]])
        m = self.metric.value
        value = r[m][row, column]
        shown = "not run" if np.isnan(value) else _format(value, m)
        self.selection.value = (
            f"selected: {r.knobs[0]} = {_label(r.values[0][row])}, "
            f"{r.knobs[1]} = {_label(r.values[1][column])} ({self.metric.label}: {shown})"
        )
        if self.on_select is not None:
            try:
                self.on_select(config)
            except Exception as e:  # the dashboard reports its own errors; never a traceback
                self._show_error(f"loading the selected cell: {e}")
        return config


def _format(value: float, metric: str) -> str:
    return f"{value:.2f}" if metric in TIME_METRICS else f"{value:,.0f}"


def _color_domain(
    metric: str, values: np.ndarray, base: np.ndarray
) -> tuple[list[str], float, float | None, float, str]:
    """Colours, min, mid, max of the colour scale and the note under the heatmap."""
    finite = values[np.isfinite(values)]
    pending = "" if finite.size == values.size else " Grey cells: not run yet."
    uniform = np.isfinite(base).all() and (base == base.flat[0]).all()
    if metric in TIME_METRICS and uniform:
        mid = float(base.flat[0])
        spread = float(np.abs(finite - mid).max()) if finite.size else 0.0
        spread = max(spread, abs(mid) * 1e-3, 1e-9)
        faster = int((finite < mid).sum())
        note = (
            f"zswap off on the same machine and workload: <b>{_format(mid, metric)}</b> "
            f"(white). <span style='color:{FASTER}'><b>Blue</b></span>: less than with zswap "
            f"off ({faster} of {finite.size} cells); <span style='color:{SLOWER}'><b>red</b>"
            f"</span>: more, where zswap stops paying.{pending}"
        )
        return [FASTER, EVEN, SLOWER], mid - spread, mid, mid + spread, note
    if metric in TIME_METRICS and np.isfinite(base).any():
        note = (
            "The zswap-off baseline differs across this grid (a knob of the machine or the "
            f"workload is on an axis), so the colours are not centred on it.{pending}"
        )
    elif metric in TIME_METRICS:
        note = f"Waiting for the zswap-off run.{pending}"
    else:
        note = f"zswap off has none of these.{pending}"
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    return COUNT_COLORS, lo, None, max(hi, lo + 1.0), note
