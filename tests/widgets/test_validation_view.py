"""The chart of both courses and the comparison table (widgets/validation.py)."""

import numpy as np

from zswap_widgets import simulate, traces
from zswap_widgets.widgets.validation import COURSES, courses_figure, table_html, validation_view


def test_courses_figure_draws_trace_solid_and_model_dashed_on_one_time_axis():
    tr = traces.load("on_zs")
    run = simulate(tr.model_config())
    fig = courses_figure(tr, run)
    assert len(fig.marks) == 2 * len(COURSES)
    styles = [m.line_style for m in fig.marks]
    assert styles == ["solid"] * 3 + ["dashed"] * 3
    x = {id(m.scales["x"]) for m in fig.marks}
    assert len(x) == 1  # one time axis
    pool_trace = fig.marks[0]
    assert np.nanmax(pool_trace.y) == np.float32(tr["pool_total_size"].max() / 2**20)
    view = validation_view(tr, run)
    table = view.children[2].value
    assert "pool_limit_hit" in table and "33,649" in table and "model/real" in table


def test_table_of_an_off_trace_shows_dashes():
    tr = traces.load("off")
    html = table_html(traces.compare(tr, simulate(tr.model_config(alloc_mib=64))))
    assert html.count("<tr>") == 1 + 11 and "–" in html
