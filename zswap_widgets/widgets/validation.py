"""The model's course against a measured trace's on one time axis (bqplot): zswap pool, stored
pages and written-back pages, the trace solid and the model dashed, with the table of
`traces.compare` beside it.

    from zswap_widgets import simulate, traces
    from zswap_widgets.widgets.validation import validation_view
    tr = traces.load("on_zs")
    validation_view(tr, simulate(tr.model_config()))

The arrays come from `traces.courses` (analysis floor); this module only draws them.
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np
from bqplot import Axis, Figure, Lines
from bqscales import LinearScale

from ..analysis import traces
from .charts import legend_html
from .view import nice_ceil

COURSES = (
    ("pool", "zswap pool (pool_total_size)", "#c62828"),
    ("stored", "stored pages (stored_pages x 4 KiB)", "#1565c0"),
    ("written_back", "written back (written_back_pages x 4 KiB)", "#2e7d32"),
)


def courses_figure(trace, run) -> Figure:
    """pool, stored and written back (MiB) of the trace (solid) and the model (dashed)."""
    data = traces.courses(trace, run)
    t_max = max(float(d["t_s"][-1]) for d in data.values())
    peak = max(
        float(np.nanmax(d[f"{k}_mib"], initial=0.0)) for d in data.values() for k, _, _ in COURSES
    )
    x = LinearScale(min=0.0, max=nice_ceil(t_max))
    y = LinearScale(min=0.0, max=nice_ceil(max(peak, 1.0)))
    marks = []
    for side, style in (("trace", "solid"), ("model", "dashed")):
        d = data[side]
        for key, label, color in COURSES:
            marks.append(
                Lines(
                    x=d["t_s"].astype(np.float32),
                    y=d[f"{key}_mib"].astype(np.float32),
                    scales={"x": x, "y": y},
                    colors=[color],
                    line_style=style,
                    stroke_width=2,
                    labels=[f"{label}, {side}"],
                )
            )
    axes = [
        Axis(scale=x, label="time since the allocation started (s)", label_offset="32px"),
        Axis(scale=y, side="left", label="MiB", label_offset="50px", grid_lines="none"),
    ]
    fig = Figure(
        title=f"{trace.name}: the real kernel (solid) and the model (dashed)",
        marks=marks,
        axes=axes,
        animation_duration=0,
        fig_margin={"top": 45, "bottom": 45, "left": 80, "right": 25},
    )
    fig.layout.height = "320px"
    fig.layout.width = "100%"
    return fig


def table_html(comparison: traces.Comparison) -> str:
    """The comparison table as HTML: figure, trace, model, model/trace."""

    def num(x: float | None) -> str:
        if x is None:
            return "–"
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.3g}"

    cell = "padding:1px 8px;text-align:right;font-family:monospace"
    rows = "".join(
        f"<tr><td style='padding:1px 8px' title='{html.escape(r.what)}'>{html.escape(r.name)}"
        f"{' (' + html.escape(r.unit) + ')' if r.unit else ''}</td>"
        f"<td style='{cell}'>{num(r.trace)}</td><td style='{cell}'>{num(r.model)}</td>"
        f"<td style='{cell}'>{'–' if r.ratio is None else f'{r.ratio:.2f}'}</td></tr>"
        for r in comparison.rows
    )
    head = "".join(f"<th style='{cell}'>{h}</th>" for h in ("real kernel", "model", "model/real"))
    return (
        "<table style='border-collapse:collapse;font-size:0.9em'>"
        f"<tr><th></th>{head}</tr>{rows}</table>"
    )


def validation_view(trace, run) -> w.VBox:
    """The chart of both courses, its legend and the comparison table."""
    legend = legend_html(
        [(label, color, "line") for _, label, color in COURSES]
        + [("real kernel", "black", "line"), ("model", "black", "dashed")]
    )
    return w.VBox(
        [
            courses_figure(trace, run),
            w.HTML(legend),
            w.HTML(table_html(traces.compare(trace, run))),
        ]
    )
