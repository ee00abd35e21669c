"""The series recorder: one row per step, then coarser rows in bounded memory for long runs."""

import warnings

import numpy as np

from zswap_widgets import Config, Simulation, simulate
from zswap_widgets.model.results import SERIES, SERIES_MEAN
from zswap_widgets.model.series import MAX_ROWS, SeriesRecorder

MEAN = [SERIES.index(n) for n in SERIES_MEAN]
LAST = [i for i in range(1, len(SERIES)) if i not in MEAN]


def step_row(i: int) -> list[float]:
    row = [float(i)] + [float(i * 10 + j) for j in range(1, len(SERIES))]
    row[SERIES.index("io_latency_ms")] = np.nan if i % 3 else float(i)  # some steps: no IO
    return row


def test_rows_merge_in_pairs_past_max_rows():
    rec = SeriesRecorder(max_rows=8, block=4)
    steps = [step_row(i) for i in range(37)]
    for row in steps:
        rec.add(row)
    rows = rec.rows()
    assert rec.every == 8 and len(rows) == len(rec) == 5  # 4 rows of 8 steps, one of 5
    raw = np.array(steps)
    for r, start in zip(rows, range(0, 37, 8), strict=True):
        group = raw[start : start + 8]
        assert r[0] == group[0, 0]  # the clock at the start
        np.testing.assert_array_equal(r[LAST], group[-1, LAST])  # levels and totals at the end
        np.testing.assert_allclose(r[MEAN], np.nanmean(group[:, MEAN], axis=0))


def test_quiet_steps_record_as_single_steps_would():
    a, b = SeriesRecorder(max_rows=16, block=8), SeriesRecorder(max_rows=16, block=8)
    row = step_row(5)
    for rec in (a, b):
        rec.add(step_row(0))
    for i in range(1, 40):
        a.add([i * 0.25, *row[1:]])
    b.add_quiet(tuple(row), 39, 1, 0.25)
    np.testing.assert_array_equal(a.rows(), b.rows())
    assert a.every == b.every == 4


def test_short_run_has_one_row_per_step(small):
    run = simulate(small)
    assert run.steps_per_row == 1
    assert len(run.series["t_s"]) == round(run.series["t_s"][-1] / (small.step_ms / 1000)) + 1


def test_long_run_records_coarser_rows_that_add_up_to_the_fine_ones():
    # 0.1 ms steps for 30 s: 300,000 steps, more than MAX_ROWS
    cfg = Config(ram_mib=128, kernel_reserved_mib=8, alloc_mib=160, step_ms=0.1, idle_s=600)
    cfg = cfg.replace(max_time_s=30)
    coarse = simulate(cfg)
    fine = Simulation(cfg)
    fine.recorder = SeriesRecorder(max_rows=1 << 20)
    f = fine.run().series
    c, every = coarse.series, coarse.steps_per_row
    assert every == 4 and MAX_ROWS // 2 <= len(c["t_s"]) <= MAX_ROWS
    assert len(f["t_s"]) == 300_000 and len(c["t_s"]) == 75_000
    np.testing.assert_array_equal(c["t_s"], f["t_s"][::every])
    for name in SERIES[1:]:
        if name in SERIES_MEAN:
            with warnings.catch_warnings():  # rows whose steps completed no request: NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                expected = np.nanmean(f[name].reshape(-1, every), axis=1)
            np.testing.assert_allclose(c[name], expected, err_msg=name)
        else:
            np.testing.assert_array_equal(c[name], f[name][every - 1 :: every], err_msg=name)
    assert c["written_back_pages"][-1] == coarse.counters["written_back_pages"]


def test_rows_added_as_a_block_record_as_single_steps_would():
    a, b = SeriesRecorder(max_rows=16, block=8), SeriesRecorder(max_rows=16, block=8)
    steps = np.array([step_row(i) for i in range(45)])
    for row in steps:
        a.add(tuple(row))
    b.add(tuple(steps[0]))
    b.add_rows(steps[1:30])  # across several blocks and a merge of the rows
    b.add(tuple(steps[30]))
    b.add_rows(steps[31:])
    np.testing.assert_array_equal(a.rows(), b.rows())
    assert a.every == b.every
