"""HTML for the counters table, the event log and the stage indicator."""

from __future__ import annotations

import html

from ..results import DEBUGFS_COUNTERS, STAGES, VMSTAT_COUNTERS, Run
from .charts import STAGE_COLORS
from .view import counters_at

_CELL = "padding:1px 8px;text-align:right;font-family:monospace"


def stage_html(stage: int, t_s: float) -> str:
    """The stage indicator: "Stage 3: past the shrink-start threshold, ..." at t_s."""
    color = STAGE_COLORS.get(stage, "#616161")
    text = html.escape(STAGES.get(stage, ""))
    return (
        f"<div style='font-size:1.15em;padding:4px 8px;border-left:6px solid {color}'>"
        f"<b style='color:{color}'>Stage {stage}:</b> {text} "
        f"<span style='color:#757575'>(t = {t_s:.2f} s)</span></div>"
    )


def counters_html(run: Run, t_s: float) -> str:
    """debugfs (/sys/kernel/debug/zswap) and /proc/vmstat counters at t_s and at the end."""
    now = counters_at(run, t_s)
    at_end = t_s >= float(run.series["t_s"][-1]) if len(run.series["t_s"]) else True
    rows = []
    for title, names in (
        ("/sys/kernel/debug/zswap", DEBUGFS_COUNTERS),
        ("/proc/vmstat", VMSTAT_COUNTERS),
    ):
        rows.append(f"<tr><th colspan=3 style='text-align:left'>{title}</th></tr>")
        for name in names:
            if name not in run.counters:
                continue
            v = now.get(name)
            cell = "–" if v is None else f"{v:,.0f}"
            rows.append(
                f"<tr><td style='padding:1px 8px'>{name}</td><td style='{_CELL}'>{cell}</td>"
                f"<td style='{_CELL}'>{run.counters[name]:,}</td></tr>"
            )
    head = "at end" if at_end else f"at {t_s:.2f} s"
    return (
        "<table style='border-collapse:collapse;font-size:0.9em'>"
        f"<tr><th></th><th style='{_CELL}'>{head}</th><th style='{_CELL}'>end of run</th></tr>"
        + "".join(rows)
        + "</table>"
        + ("" if at_end else "<small>–: recorded only at the end of the run</small>")
    )


def events_html(run: Run, t_s: float) -> str:
    """The narrated event log up to t_s, the latest event in bold."""
    shown = [(t, text) for t, text in run.events if t <= t_s]
    lines = [f"{t:7.2f} s  {html.escape(text)}" for t, text in shown]
    if lines:
        lines[-1] = f"<b>{lines[-1]}</b>"
    body = "\n".join(lines) or "(nothing yet)"
    return (
        "<pre style='margin:0;max-height:260px;overflow-y:auto;white-space:pre-wrap;"
        f"font-size:0.85em'>{body}</pre>"
    )
