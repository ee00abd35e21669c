"""HTML for the counters table, the event log and the stage indicator."""

from __future__ import annotations

import html

from ..model.results import DEBUGFS_COUNTERS, STAGES, VMSTAT_COUNTERS, Run
from .charts import STAGE_COLORS
from .view import counters_at

_CELL = "padding:1px 8px;text-align:right;font-family:monospace"


def stage_html(stage: int, t_s: float, who: str = "") -> str:
    """The stage indicator: "Stage 3: past the shrink-start threshold, ..." at t_s (of run `who`,
    when said)."""
    color = STAGE_COLORS.get(stage, "#616161")
    text = html.escape(STAGES.get(stage, ""))
    where = f"t = {t_s:.2f} s" + (f", {html.escape(who)}" if who else "")
    return (
        f"<div style='font-size:1.15em;padding:4px 8px;border-left:6px solid {color}'>"
        f"<b style='color:{color}'>Stage {stage}:</b> {text} "
        f"<span style='color:#757575'>({where})</span></div>"
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


_EVENT_TIME = "flex:0 0 5.5em;text-align:right;font-family:monospace;white-space:nowrap;color:#555"


def _event_line(t_s: float, text: str, latest: bool) -> str:
    weight = "font-weight:bold;" if latest else ""
    return (
        f"<div style='display:flex;gap:10px;{weight}'>"
        f"<span style='{_EVENT_TIME}'>{t_s:.2f} s</span>"
        f"<span style='flex:1 1 auto;white-space:normal;overflow-wrap:normal'>"
        f"{html.escape(text)}</span></div>"
    )


def events_html(run: Run, t_s: float) -> str:
    """The narrated event log up to t_s, one line per event, the latest in bold.

    A long log scrolls inside its box; the box keeps its bottom (the latest event) in view
    (a column-reverse flex box starts scrolled to its end).
    """
    shown = [(t, text) for t, text in run.events if t <= t_s]
    lines = [_event_line(t, text, i == len(shown) - 1) for i, (t, text) in enumerate(shown)]
    body = "".join(lines) or "<div>(nothing yet)</div>"
    return (
        "<div style='display:flex;flex-direction:column-reverse;max-height:380px;"
        f"overflow-y:auto;font-size:0.85em;line-height:1.45'><div>{body}</div></div>"
    )
