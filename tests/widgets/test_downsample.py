import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from zswap_widgets.widgets import downsample as ds


def test_short_series_are_kept_point_for_point():
    t = np.arange(10) * 0.001
    y = np.arange(10.0) ** 2
    k = ds.bucket_steps(len(t), 2000)
    assert k == 1
    x = ds.times(t, k)
    # one step per bucket: each step appears twice at the same time and value
    np.testing.assert_array_equal(x[0::2], t.astype(np.float32))
    np.testing.assert_array_equal(ds.envelope(y, k)[0::2], y.astype(np.float32))


@given(n=st.integers(1, 40_000), max_points=st.integers(2, 3000))
def test_never_more_than_max_points(n, max_points):
    k = ds.bucket_steps(n, max_points)
    t = np.arange(n) * 0.001
    assert len(ds.times(t, k)) <= max_points
    assert len(ds.envelope(np.ones(n), k)) == len(ds.times(t, k))
    assert len(ds.rate(np.ones(n), t, k)) == len(ds.times(t, k))


def test_envelope_keeps_a_one_step_spike_and_the_order():
    n = 30_000
    y = np.zeros(n)
    y[12_345] = 7.0
    y[20_000] = -3.0
    k = ds.bucket_steps(n)
    env = ds.envelope(y, k)
    assert env.max() == 7.0 and env.min() == -3.0
    assert env.dtype == np.float32
    ramp = ds.envelope(np.arange(n, dtype=float), k)
    assert np.all(np.diff(ramp) >= 0), "a rising series must stay rising (min before max)"
    fall = ds.envelope(-np.arange(n, dtype=float), k)
    assert np.all(np.diff(fall) <= 0)


def test_envelope_ignores_nan_steps():
    y = np.full(100, np.nan)
    y[10] = 2.0
    env = ds.envelope(y, 50)
    assert env[0] == env[1] == 2.0
    assert np.isnan(env[2:]).all()


def test_rate_is_total_per_second():
    t = np.arange(3000) * 0.001  # 3 s at 1 ms
    ops = np.zeros(3000)
    ops[:1000] = 2  # 2 requests per ms in the first second = 2000/s
    k = ds.bucket_steps(3000, 600)  # 10 steps per bucket
    r = ds.rate(ops, t, k)
    assert r[0] == pytest.approx(2000)
    assert r[-1] == 0
    # the total survives: sum of rate x bucket duration = number of requests
    assert (r[0::2] * k * 0.001).sum() == pytest.approx(ops.sum())


def test_times_are_increasing_and_cover_the_run():
    t = np.arange(25_203) * 0.001
    x = ds.times(t, ds.bucket_steps(len(t)))
    assert x[0] == 0 and x[-1] == pytest.approx(t[-1])
    assert np.all(np.diff(x) >= 0)


def test_max_points_below_two_is_refused():
    with pytest.raises(ValueError, match="max_points"):
        ds.bucket_steps(10, 1)
