"""The static renderings that stand in for widgets where no kernel runs (GitHub, nbviewer)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import ipywidgets as w
import numpy as np
from bqplot import pyplot as plt

from zswap_widgets.teaching.display import show

SVG = "{http://www.w3.org/2000/svg}"
VIEW = "application/vnd.jupyter.widget-view+json"


def _svg(bundle) -> ET.Element:
    return ET.fromstring(bundle["image/svg+xml"])


def test_a_figure_carries_an_svg_of_its_lines_bars_axes_and_legend():
    lines = plt.figure(title="two lines")
    x = np.linspace(0, 10, 5000)
    plt.plot(x, [np.sin(x), np.cos(x)], labels=["sin", "cos"], display_legend=True)
    plt.xlabel("time (s)")
    plt.hline(0.5, line_style="dashed")
    bars = plt.figure(title="grouped bars")
    plt.bar(["a", "b", "c"], [[1, 2, 3], [3, 2, 0]], type="grouped", labels=["x", "y"])
    bundle = show(w.VBox([w.HBox([lines]), bars]))._repr_mimebundle_()
    assert VIEW in bundle and "two lines; grouped bars" in bundle["text/plain"]
    svg = _svg(bundle)
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"two lines", "grouped bars", "time (s)", "sin", "cos", "a", "b", "c"} <= set(texts)
    polylines = list(svg.iter(f"{SVG}polyline"))
    assert len(polylines) == 3 and any("stroke-dasharray" in p.attrib for p in polylines)
    # 5000 points over ~640 px: the drawing keeps the shape with far fewer points
    assert 50 < len(polylines[0].attrib["points"].split()) < 1500
    assert len([r for r in svg.iter(f"{SVG}rect") if r.attrib.get("height") not in ("8",)]) >= 6


def test_points_land_where_the_scales_say():
    fig = plt.figure(title="diagonal")
    plt.plot([0, 1], [0, 1])
    plt.xlim(0, 1)
    plt.ylim(0, 1)
    (line,) = _svg(show(fig)._repr_mimebundle_()).iter(f"{SVG}polyline")
    (x0, y0), (x1, y1) = [map(float, p.split(",")) for p in line.attrib["points"].split()]
    assert x1 > x0 and y1 < y0  # up and to the right (SVG y grows downwards)


def test_a_widget_without_charts_shows_its_html():
    bundle = show(w.Button(description="b"), html_text="<b>hi</b>", text="hi")._repr_mimebundle_()
    assert bundle["text/html"] == "<b>hi</b>" and bundle["text/plain"] == "hi"
    assert "image/svg+xml" not in bundle and VIEW in bundle


def test_marks_without_a_static_drawing_leave_the_rest_of_the_chart():
    from bqplot import Axis, ColorScale, Figure, GridHeatMap, OrdinalScale

    rows, cols = OrdinalScale(), OrdinalScale()
    heat = GridHeatMap(
        color=np.ones((2, 2)), scales={"row": rows, "column": cols, "color": ColorScale()}
    )
    axes = [Axis(scale=rows, orientation="vertical", label="rows"), Axis(scale=cols, label="c")]
    fig = Figure(title="a heat map", marks=[heat], axes=axes)
    line = plt.figure(title="a line")
    plt.plot([0, 1], [0, 1])
    fig.marks = [heat, *line.marks]
    svg = _svg(show(w.VBox([fig]))._repr_mimebundle_())
    assert "rows" not in [t.text for t in svg.iter(f"{SVG}text")]
    assert len(list(svg.iter(f"{SVG}polyline"))) == 1
    # a figure with nothing drawable (an empty heat map) is left out of the drawing
    only_heat = Figure(title="empty", marks=[heat], axes=axes)
    assert "image/svg+xml" not in show(only_heat)._repr_mimebundle_()


def test_a_chart_that_cannot_be_drawn_says_so_instead_of_failing(monkeypatch):
    import zswap_widgets.teaching.display as display

    def broken(fig):
        raise ValueError("no")

    monkeypatch.setattr(display, "svg_figure", broken)
    fig = plt.figure(title="odd")
    plt.plot([0, 1], [0, 1])
    svg = _svg(show(fig)._repr_mimebundle_())
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["odd: no static drawing (ValueError)"]
