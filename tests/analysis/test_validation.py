"""traces.compare and traces.courses: the model against a trace, read the same way on both."""

import json

import numpy as np
import pytest

from zswap_widgets import simulate, traces


@pytest.fixture(scope="module")
def small_on():
    """The on_zs trace against a short model run (the figures' plumbing, not the model's fit)."""
    tr = traces.load("on_zs")
    return tr, simulate(tr.model_config())


def test_rows_read_the_trace_as_its_header_and_samples_say(small_on):
    tr, run = small_on
    table = traces.compare(tr, run)
    assert table["elapsed"].trace == tr.alloc_elapsed_s and table["elapsed"].model == run.elapsed_s
    assert (table["user"].trace, table["sys"].trace) == (tr.alloc_user_s, tr.alloc_sys_s)
    assert table["stored at first full"].trace == 233_664
    assert table["pool_limit_hit"].trace == 33_649
    assert table["time at max before writeback"].trace == pytest.approx(18.39 - 16.88, abs=0.01)
    assert table["final pool"].trace == pytest.approx(tr["pool_total_size"][-1] / 2**20)
    # the writeback rate after the allocation: between its end (24.944 s) and the trace's end
    t, wb = tr.t_s, tr["written_back_pages"]
    at_end = np.interp(tr.alloc_elapsed_s, t, wb)
    rate = (wb[-1] - at_end) / (t[-1] - tr.alloc_elapsed_s)
    assert table["writeback rate after allocation"].trace == pytest.approx(rate)
    for row in table.rows:
        if row.trace and row.model is not None:
            assert row.ratio == pytest.approx(row.model / row.trace)


def test_the_model_is_read_like_the_trace(small_on):
    tr, run = small_on
    table = traces.compare(tr, run)
    s = run.series
    first_full = np.argmax(s["pool_limit_hit"] > 0)
    assert table["stored at first full"].model == s["stored_pages"][first_full]
    end = run.elapsed_s + tr.hold_s
    i = np.searchsorted(s["t_s"], end)
    assert table["pool_limit_hit"].model == pytest.approx(s["pool_limit_hit"][i], abs=100)


def test_a_zswap_off_trace_has_only_the_times():
    tr = traces.load("off")
    table = traces.compare(tr, simulate(tr.model_config(alloc_mib=64)))
    have = [r.name for r in table.rows if r.trace is not None]
    assert have == ["elapsed", "user", "sys"]
    assert all(r.ratio is None for r in table.rows[3:])
    text = table.format()
    assert text.splitlines()[0].split() == ["figure", "unit", "trace", "model", "model/trace"]
    assert len(text.splitlines()) == 1 + len(table.rows)
    json.dumps(table.to_dict())  # plain data


def test_unknown_figure_is_explained(small_on):
    with pytest.raises(KeyError, match="no figure 'nope'; figures: elapsed, user"):
        traces.compare(*small_on)["nope"]


def test_courses_share_one_time_axis_and_units(small_on):
    tr, run = small_on
    c = traces.courses(tr, run)
    for side in ("trace", "model"):
        d = c[side]
        n = len(d["t_s"])
        assert all(len(d[k]) == n for k in ("pool_mib", "stored_mib", "written_back_mib"))
    assert np.allclose(np.diff(c["model"]["t_s"]), 0.1)
    assert c["trace"]["pool_mib"].max() == pytest.approx(tr["pool_total_size"].max() / 2**20)
    assert c["model"]["stored_mib"].max() == pytest.approx(run.series["stored_pages"].max() / 256)
