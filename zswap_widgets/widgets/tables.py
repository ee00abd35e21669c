"""HTML for the story text, the counters table and the event log."""

from __future__ import annotations

import html

from ..model.results import DEBUGFS_COUNTERS, VMSTAT_COUNTERS, Run
from ..model.story import Story
from .palette import STAGE_COLORS
from .view import counters_at

_CELL = "padding:1px 8px;text-align:right;font-family:monospace"


def story_html(story: Story, name: str, t_s: float, intro: bool) -> tuple[str, int | None]:
    """The story text of one run at t_s, or its introduction (what will happen): HTML, and the
    stage shown (None for the introduction or zswap off)."""
    who = f"<b>{html.escape(name)}</b>"
    if intro or not story.run.stages:
        return f"{who}: {html.escape(story.intro())}", None
    i = story.segment_at(t_s)
    stage, t0, t1 = story.run.stages[i]
    color = STAGE_COLORS.get(stage, "#616161")
    head = (
        f"<b style='color:{color};filter:brightness(0.75)'>Stage {stage}</b> of {who} "
        f"<span style='color:#555'>({t0:.2f}–{t1:.2f} s; now t = {t_s:.2f} s)</span>: "
        f"<b>{html.escape(story.title(i))}</b>"
    )
    return f"{head}<br>{html.escape(story.text(i, t_s))}", stage


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
