import asyncio

from dash_helpers import SMALL

from zswap_widgets.widgets import Dashboard
from zswap_widgets.widgets.debounce import Debouncer


def test_without_a_running_loop_the_call_is_immediate():
    calls = []
    d = Debouncer(lambda: calls.append(1), 0.5)
    d.schedule()
    assert calls == [1] and not d.pending


def test_in_a_loop_only_the_last_of_a_burst_runs():
    async def burst():
        calls = []
        d = Debouncer(lambda: calls.append(len(calls)), 0.05)
        for _ in range(5):
            d.schedule()
        assert d.pending and calls == []
        await asyncio.sleep(0.15)
        return calls

    assert asyncio.run(burst()) == [0]


def test_dashboard_reruns_once_after_the_user_stops():
    async def session():
        dash = Dashboard(SMALL, debounce_s=0.05)
        misses = dash.cache.misses
        for v in (11, 12, 13):  # three quick slider releases
            dash.controls["max_pool_percent"].value = v
        assert dash.config.max_pool_percent == SMALL.max_pool_percent  # not yet
        assert "re-running" in dash.status.value
        await asyncio.sleep(0.3)
        return dash, misses

    dash, misses = asyncio.run(session())
    assert dash.config.max_pool_percent == 13
    assert dash.cache.misses == misses + 1  # one run for the burst (the off baseline is cached)
