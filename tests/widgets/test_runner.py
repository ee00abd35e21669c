"""Runs in the background: cancel, the model's errors shown instead of raised, the loop's
callbacks, and the cache bounded by memory."""

from __future__ import annotations

import asyncio
import threading

import pytest

from zswap_widgets.model.simulation import simulate
from zswap_widgets.widgets import Dashboard
from zswap_widgets.widgets.runner import Runner
from zswap_widgets.widgets.runs import RunCache, run_nbytes


class RunTooLarge(ValueError):
    """What the model's cost guard raises (a ValueError with a one-line message)."""


def test_cancel_stops_the_run_and_keeps_the_charts(small):
    dash = Dashboard(small, debounce_s=0, background=True)
    shown = dash.run
    started = threading.Event()
    release = threading.Event()
    real = dash.cache.simulate

    def slow(config, progress):
        def report(fraction):
            started.set()
            release.wait(10)
            progress(fraction)  # raises once cancelled

        return real(config, report)

    dash.cache.simulate = slow
    dash.controls["alloc_mib"].value = 256
    assert started.wait(30) and dash.busy
    dash.cancel_button.click()
    release.set()
    assert dash.wait(60)
    assert not dash.busy and dash.overlay.layout.display == "none"
    assert "cancelled" in dash.error and "Not applied" in dash.error_box.value
    assert dash.run is shown and dash.config == small  # nothing changed
    assert dash.controls["alloc_mib"].value == 256  # what the user set is kept
    assert small.replace(alloc_mib=256) not in dash.cache


@pytest.mark.parametrize("background", [False, True])
def test_a_model_error_is_shown_not_raised(small, background):
    dash = Dashboard(small, debounce_s=0, background=background)
    shown = dash.run

    def refuse(config, progress):
        raise RunTooLarge("alloc_mib = 4096 needs about 9 GB of series; at most 2 GB")

    dash.cache.simulate = refuse
    dash.controls["alloc_mib"].value = 4096
    assert dash.wait(60)
    assert "alloc_mib = 4096 needs about 9 GB" in dash.error
    assert "the charts show kernel" in dash.error_box.value.lower()
    assert dash.run is shown and not dash.busy
    assert "not applied" in dash.status.value


def test_a_newer_change_supersedes_a_running_one(small):
    dash = Dashboard(small, debounce_s=0, background=True)
    dash.controls["alloc_mib"].value = 256
    dash.controls["alloc_mib"].value = 160  # while the first still runs
    assert dash.wait(120)
    assert dash.config.alloc_mib == 160 and dash.run.config.alloc_mib == 160
    assert dash.error == ""


def test_callbacks_run_on_the_event_loop(small):
    """In a kernel, the thread computes and the loop's thread updates the widgets."""
    cache = RunCache()
    runner = Runner(cache)  # background: because a loop is running

    async def session():
        done = asyncio.get_running_loop().create_future()
        where = {}

        def on_done(runs):
            where["thread"] = threading.current_thread()
            done.set_result(runs)

        job = runner.start([small], on_done=on_done, on_error=done.set_exception)
        assert job.thread is not None and job.thread is not threading.current_thread()
        runs = await asyncio.wait_for(done, 120)
        return runs, where["thread"]

    runs, thread = asyncio.run(session())
    assert thread is threading.main_thread()
    assert runs[0].counters == simulate(small).counters


def test_cache_is_bounded_by_the_bytes_of_its_runs(small):
    one = simulate(small)
    size = run_nbytes(one)
    cache = RunCache(max_bytes=int(size * 2.5), simulate=lambda c, p: simulate(c))
    for seed in range(4):
        cache.get(small.replace(seed=seed))
    assert len(cache) == 2 and cache.nbytes <= cache.max_bytes
    assert small.replace(seed=3) in cache and small.replace(seed=0) not in cache
    tiny = RunCache(max_bytes=1, simulate=lambda c, p: simulate(c))
    tiny.get(small)
    assert len(tiny) == 1  # the newest run is kept however large
