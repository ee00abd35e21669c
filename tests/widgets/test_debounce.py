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


def test_a_change_after_a_quiet_moment_runs_at_the_next_turn():
    async def press():
        calls = []
        d = Debouncer(lambda: calls.append(1), 10.0)  # a delay no test would wait for
        d.schedule()
        assert calls == []  # not inside the change's own handler
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return calls

    assert asyncio.run(press()) == [1]


def test_a_drag_runs_at_its_start_and_once_after_it_stops():
    async def drag():
        calls = []
        d = Debouncer(lambda: calls.append(len(calls)), 0.05)
        d.schedule()  # the drag starts: runs at the next turn
        await asyncio.sleep(0.01)
        for _ in range(4):  # moves within the delay of each other
            d.schedule()
            await asyncio.sleep(0.01)
        during = list(calls)
        await asyncio.sleep(0.15)
        return during, calls

    during, calls = asyncio.run(drag())
    assert during == [0]
    assert calls == [0, 1]


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
