"""Widgets that still show something where no kernel runs (GitHub, nbviewer, an exported page).

`show(widget)` displays the widget as usual, and adds to the same output a static rendering of
it: an SVG drawing of every bqplot Figure inside it (lines, bars, axes, title, legend), or for any
other widget the Markdown or HTML given. A live front end (JupyterLab, Notebook 7, Voila) renders
the widget view, which its widget manager ranks first; a static renderer that cannot draw
widgets (GitHub) falls back to the SVG. nbviewer draws the widget from the notebook's saved
widget state when it has it.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

WIDTH = 720
MARGIN = {"left": 64, "right": 16, "top": 30, "bottom": 40}
LEGEND_ROW = 16


class Static:
    """A widget plus fallback representations of it, in one display output."""

    def __init__(self, widget: Any, fallback: dict[str, str]) -> None:
        self.widget = widget
        self.fallback = fallback

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.fallback)
        bundle.update(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = self.fallback.get("text/plain", bundle.get("text/plain", ""))
        return bundle


def show(widget: Any, html_text: str | None = None, text: str | None = None) -> Static:
    """`widget` with an SVG of its bqplot figures (or `html_text`, and `text` as plain text) for
    static renderers."""
    figures = [f for f in _figures(widget) if _drawable(f)]
    fallback: dict[str, str] = {}
    if figures:
        fallback["image/svg+xml"] = svg_stack(figures)
        titles = "; ".join(f.title for f in figures if f.title) or "chart"
        fallback["text/plain"] = f"[{titles}: run the notebook to interact with the chart]"
    if html_text is not None:
        fallback["text/html"] = html_text
    if text is not None:
        fallback["text/plain"] = text
    return Static(widget, fallback)


def _figures(widget: Any):
    from bqplot import Figure

    if isinstance(widget, Figure):
        yield widget
        return
    for child in getattr(widget, "children", ()) or ():
        yield from _figures(child)


def _drawable(fig) -> bool:
    """True if the figure has lines or bars with data (an empty heat map is left out)."""
    return any(type(m).__name__ in ("Lines", "Bars") and np.asarray(m.x).size for m in fig.marks)


def svg_stack(figures) -> str:
    parts, y = [], 0
    for fig in figures:
        try:
            body, height = svg_figure(fig)
        except Exception as e:  # a static fallback must never break the notebook's output
            title = html.escape(f"{fig.title or 'chart'}: no static drawing ({type(e).__name__})")
            body, height = f'<text x="{WIDTH / 2}" y="20" text-anchor="middle">{title}</text>', 32
        parts.append(f'<g transform="translate(0,{y})">{body}</g>')
        y += height
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{y}" '
        f'viewBox="0 0 {WIDTH} {y}" font-family="sans-serif" font-size="11">'
        f'<rect width="{WIDTH}" height="{y}" fill="white"/>{"".join(parts)}</svg>'
    )


def _height(fig) -> int:
    text = str(getattr(fig.layout, "height", "") or "")
    return int(float(text[:-2])) if text.endswith("px") else 320


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if not np.isfinite(lo) or not np.isfinite(hi) or hi <= lo:
        return [lo]
    raw = (hi - lo) / n
    mag = 10 ** np.floor(np.log10(raw))
    step = min((s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw), default=raw)
    first = np.ceil(lo / step) * step
    return [float(t) for t in np.arange(first, hi + step * 1e-9, step)]


def _fmt(v: float) -> str:
    return f"{v:.10g}" if abs(v) >= 1e-9 else "0"


def _as_rows(a: Any) -> np.ndarray:
    arr = np.asarray(a)
    return arr.reshape(1, -1) if arr.ndim <= 1 else arr


def _domains(fig) -> dict[int, tuple]:
    """Scale id -> (lo, hi) for linear scales or a list of categories for ordinal ones."""
    data: dict[int, list] = {}
    scales: dict[int, Any] = {}
    for mark in fig.marks:
        for dim in ("x", "y"):
            scale = mark.scales.get(dim)
            if scale is None or getattr(mark, dim, None) is None:
                continue
            scales[id(scale)] = scale
            data.setdefault(id(scale), []).append(np.asarray(getattr(mark, dim)).ravel())
    out: dict[int, tuple] = {}
    for key, scale in scales.items():
        values = np.concatenate(data[key]) if data[key] else np.zeros(0)
        if type(scale).__name__ == "OrdinalScale":
            out[key] = ("ordinal", list(dict.fromkeys(values.tolist())))
            continue
        finite = values.astype(float)[np.isfinite(values.astype(float))] if values.size else values
        lo = scale.min if scale.min is not None else (finite.min() if finite.size else 0.0)
        hi = scale.max if scale.max is not None else (finite.max() if finite.size else 1.0)
        if hi <= lo:
            hi = lo + 1.0
        out[key] = ("linear", (float(lo), float(hi)))
    return out


def svg_figure(fig) -> tuple[str, int]:
    """The SVG body of one bqplot Figure (without the <svg> element) and its height."""
    legend = [
        (label, color)
        for mark in fig.marks
        if getattr(mark, "display_legend", False)
        for label, color in zip(mark.labels or [], mark.colors or [], strict=False)
    ]
    height = _height(fig) + 8 + LEGEND_ROW * ((len(legend) + 3) // 4)
    right_axis = any(a.orientation == "vertical" and a.side == "right" for a in fig.axes)
    x0, x1 = MARGIN["left"], WIDTH - MARGIN["right"] - (48 if right_axis else 0)
    y0, y1 = MARGIN["top"], _height(fig) - MARGIN["bottom"]
    domains = _domains(fig)
    out = [
        f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" font-size="13">{html.escape(fig.title or "")}</text>'
    ]

    def position(scale, values, a, b):
        kind, dom = domains[id(scale)]
        if kind == "ordinal":
            band = (b - a) / max(len(dom), 1)
            return np.array([a + band * (dom.index(v) + 0.5) for v in values]), band
        lo, hi = dom
        return a + (np.asarray(values, dtype=float) - lo) / (hi - lo) * (b - a), 0.0

    # axes, from the figure's Axis objects (a vertical axis on the right side draws no grid)
    for axis in fig.axes:
        if id(axis.scale) not in domains:
            continue  # no line, bar or label uses this scale (e.g. a heat map's rows)
        kind, dom = domains[id(axis.scale)]
        ticks = dom if kind == "ordinal" else _nice_ticks(*dom)
        labels = [str(v) if kind == "ordinal" else _fmt(v) for v in ticks]
        if axis.orientation == "vertical":
            right = axis.side == "right"
            ax, sign, anchor = (x1, 1, "start") if right else (x0, -1, "end")
            pos, _ = position(axis.scale, ticks, y1, y0)
            out.append(f'<line x1="{ax}" y1="{y0}" x2="{ax}" y2="{y1}" stroke="#444"/>')
            for label, p in zip(labels, pos, strict=True):
                if not right:
                    out.append(
                        f'<line x1="{x0}" y1="{p:.1f}" x2="{x1}" y2="{p:.1f}" stroke="#eee"/>'
                    )
                out.append(
                    f'<text x="{ax + sign * 6}" y="{p + 4:.1f}" text-anchor="{anchor}">'
                    f"{html.escape(label)}</text>"
                )
            if axis.label:
                lx = WIDTH - 4 if right else 14
                out.append(
                    f'<text transform="translate({lx},{(y0 + y1) / 2}) rotate(-90)" '
                    f'text-anchor="middle">{html.escape(axis.label)}</text>'
                )
        else:
            pos, _ = position(axis.scale, ticks, x0, x1)
            out.append(f'<line x1="{x0}" y1="{y1}" x2="{x1}" y2="{y1}" stroke="#444"/>')
            for label, p in zip(labels, pos, strict=True):
                out.append(
                    f'<text x="{p:.1f}" y="{y1 + 14}" text-anchor="middle">{html.escape(label)}</text>'
                )
            if axis.label:
                out.append(
                    f'<text x="{(x0 + x1) / 2}" y="{y1 + 30}" text-anchor="middle">'
                    f"{html.escape(axis.label)}</text>"
                )

    for mark in fig.marks:
        if not getattr(mark, "visible", True):
            continue
        sx, sy = mark.scales.get("x"), mark.scales.get("y")
        if sx is None or sy is None or id(sx) not in domains or id(sy) not in domains:
            continue
        draw = {"Lines": _lines, "Bars": _bars, "Label": _labels}.get(type(mark).__name__)
        if draw is not None:
            out.extend(draw(mark, position, domains, (x0, x1, y0, y1)))

    for i, (label, color) in enumerate(legend):
        lx = x0 + (i % 4) * (x1 - x0) / 4
        ly = _height(fig) + 6 + LEGEND_ROW * (i // 4)
        out.append(f'<rect x="{lx:.1f}" y="{ly - 8}" width="12" height="8" fill="{color}"/>')
        out.append(f'<text x="{lx + 16:.1f}" y="{ly}">{html.escape(str(label))}</text>')
    return "".join(out), height


def _simplify(px: np.ndarray, py: np.ndarray, tolerance: float = 0.75) -> tuple[list, list]:
    """Drop points closer than `tolerance` pixels to the last kept one (keeps the last point)."""
    keep_x, keep_y = [px[0]], [py[0]]
    for a, b in zip(px[1:-1], py[1:-1], strict=True):
        if abs(a - keep_x[-1]) >= tolerance or abs(b - keep_y[-1]) >= tolerance:
            keep_x.append(a)
            keep_y.append(b)
    if len(px) > 1:
        keep_x.append(px[-1])
        keep_y.append(py[-1])
    return keep_x, keep_y


def _lines(mark, position, domains, box):
    x0, x1, y0, y1 = box
    colors = list(mark.colors or ["#1565c0"])
    fills = list(getattr(mark, "fill_colors", None) or colors)
    opacities = list(getattr(mark, "fill_opacities", None) or [0.3])
    xs, ys = _as_rows(mark.x).astype(float), _as_rows(mark.y).astype(float)
    dash = ' stroke-dasharray="6,4"' if mark.line_style == "dashed" else ""
    dash = ' stroke-dasharray="2,3"' if mark.line_style == "dotted" else dash
    width = mark.stroke_width if mark.stroke_width is not None else 2
    for r, row in enumerate(ys):
        xrow = xs[r] if len(xs) > 1 else xs[0]
        px, _ = position(mark.scales["x"], xrow, x0, x1)
        py, _ = position(mark.scales["y"], row, y1, y0)
        ok = np.isfinite(px) & np.isfinite(py)
        if ok.sum() < 1:
            continue
        sx, sy = _simplify(px[ok], py[ok])
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(sx, sy, strict=True))
        color = colors[r % len(colors)]
        if mark.fill in ("inside", "bottom"):
            if mark.fill == "bottom":
                points = f"{sx[0]:.1f},{y1} {points} {sx[-1]:.1f},{y1}"
            yield (
                f'<polygon points="{points}" fill="{fills[r % len(fills)]}" '
                f'fill-opacity="{opacities[r % len(opacities)]}" stroke="none"/>'
            )
        if width:
            yield (
                f'<polyline points="{points}" fill="none" stroke="{color}" '
                f'stroke-width="{width * 0.9:.1f}"{dash}/>'
            )
        if mark.marker:
            for a, b in zip(sx, sy, strict=True):
                yield f'<circle cx="{a:.1f}" cy="{b:.1f}" r="2.5" fill="{color}"/>'


def _bars(mark, position, domains, box):
    x0, x1, y0, y1 = box
    colors = list(mark.colors or ["#1565c0"])
    ys = _as_rows(mark.y).astype(float)
    xs, band = position(mark.scales["x"], list(np.asarray(mark.x).ravel()), x0, x1)
    width = band * 0.8 / len(ys)
    lo = domains[id(mark.scales["y"])][1][0]
    base = position(mark.scales["y"], [max(lo, 0.0)], y1, y0)[0][0]
    per_bar = len(ys) == 1 and mark.color_mode == "group"
    for r, row in enumerate(ys):
        for i, (xc, v) in enumerate(zip(xs, row, strict=True)):
            if not np.isfinite(v):
                continue
            top = position(mark.scales["y"], [v], y1, y0)[0][0]
            color = colors[(i if per_bar else r) % len(colors)]
            yield (
                f'<rect x="{xc - band * 0.4 + r * width:.1f}" y="{min(top, base):.1f}" '
                f'width="{width:.1f}" height="{abs(base - top):.1f}" fill="{color}"/>'
            )


def _labels(mark, position, domains, box):
    x0, x1, y0, y1 = box
    colors = list(mark.colors or ["black"])
    px, _ = position(mark.scales["x"], np.asarray(mark.x, dtype=float), x0, x1)
    py, _ = position(mark.scales["y"], np.asarray(mark.y, dtype=float), y1, y0)
    texts = [] if mark.text is None else list(mark.text)
    for i, (a, b, text) in enumerate(zip(px, py, texts, strict=False)):
        yield (
            f'<text x="{a:.1f}" y="{b:.1f}" text-anchor="middle" '
            f'fill="{colors[i % len(colors)]}">{html.escape(str(text))}</text>'
        )
