"""The story texts and the event log, over every kernel preset: they say what the run did, name
only the patches that apply, and measure patch 6's pause."""

from __future__ import annotations

import re

import numpy as np
import pytest

from zswap_widgets import KERNELS, Config, simulate
from zswap_widgets.model.results import GAVE_UP, stage_segments
from zswap_widgets.model.story import Story

QUARTER = Config().scaled(0.25)  # the cover letter's story at 1/4 scale (about 0.3 s a run)


@pytest.fixture(scope="module")
def runs():
    return {k: simulate(QUARTER.replace(kernel=k)) for k in KERNELS}


def all_texts(run) -> list[str]:
    story = Story(run)
    texts = [story.intro(), *run.event_log()]
    for i, (_, t0, t1) in enumerate(run.stages):
        texts += [story.title(i), story.text(i), story.text(i, (t0 + t1) / 2)]
    return texts


@pytest.mark.parametrize("kernel", list(KERNELS))
def test_no_text_names_a_patch_that_is_off(runs, kernel):
    run = runs[kernel]
    off = [n for n in range(1, 7) if not run.config.patch(n)]
    for text in all_texts(run):
        for n in off:
            assert not re.search(rf"\bpatch {n}\b", text), (kernel, n, text)


def test_zswap_off_has_no_stages_and_says_so(runs):
    run = runs["off"]
    assert run.stages == []
    assert not any("stage" in line for line in run.event_log())
    assert "no stages" in Story(run).intro()


def test_v610_names_the_shrinker_giving_up_and_the_full_pool(runs):
    run = runs["v6.10"]
    story = Story(run)
    gave = run.series["shrinker_state"] == GAVE_UP
    assert gave.any()
    five = [i for i, (s, _, _) in enumerate(run.stages) if s == 5]
    assert five, run.stages
    text = story.text(five[0])
    assert "shrink_worker gave up after 16 failures" in text
    full = re.compile(r"the pool stays (nearly )?full")
    assert full.search(text) and full.search(story.title(five[0]))
    assert any("gave up after 16 failures; the pool stays" in e for e in run.event_log())
    assert run.series["pool_pages"][-1] >= 0.75 * run.series["max_pages"][-1]


def test_patch6_pause_appears_with_its_measured_length(runs):
    run = runs["patches-1-6"]
    s, t = run.series, run.series["t_s"]
    i0 = int(np.searchsorted(t, run.alloc_end_s))
    i_wb = i0 + int(np.flatnonzero(np.diff(s["written_back_pages"][i0 - 1 :]) > 0)[0])
    i_rej = int(np.flatnonzero(s["rejections"][:i_wb] > 0)[-1])
    pause_ms = (t[i_wb] - t[i_rej]) * 1000
    step_ms = run.config.step_ms
    assert 500 <= pause_ms <= 500 + 2 * step_ms
    wanted = f"{pause_ms:.0f} ms"
    five = next(i for i, (st, _, _) in enumerate(run.stages) if st == 5)
    assert wanted in Story(run).text(five)
    assert f"{t[i_rej]:.2f} s" in Story(run).text(five)
    assert any(wanted in line and "patch 6" in line for line in run.event_log())
    # a longer delay is measured as longer
    slow = simulate(QUARTER.replace(shrinker_delay_ms=1500))
    t_rej, t_wb = Story(slow).patch6_pause()
    assert 1500 <= (t_wb - t_rej) * 1000 <= 1500 + 2 * step_ms


@pytest.mark.parametrize("kernel", ["patches-1-3", "v6.12", "v6.18"])
def test_without_patch6_no_pause_and_the_drain_reaches_accept(runs, kernel):
    run = runs[kernel]
    story = Story(run)
    assert story.patch6_pause() is None
    assert story.outcome() == "drained"
    assert run.stages[-1][0] == 1
    assert run.series["pool_pages"][-1] <= run.series["accept_pages"][-1]


def test_live_numbers_follow_the_time(runs):
    run = runs["patches-1-6"]
    story = Story(run)
    five = next(i for i, (s, _, _) in enumerate(run.stages) if s == 5)
    _, t0, t1 = run.stages[five]
    early, late = story.text(five, t0 + 0.1), story.text(five, t1 - 0.1)
    assert early != late
    assert "so far in this stage" in late and "asleep until" in early


def test_stage_texts_use_the_runs_numbers(runs):
    run = runs["patches-1-6"]
    story = Story(run)
    four = next(i for i, (s, _, _) in enumerate(run.stages) if s == 4)
    _, t0, t1 = run.stages[four]
    i0, i1 = (int(np.searchsorted(run.series["t_s"], x - 1e-9)) for x in (t0, t1))
    hits = run.series["pool_limit_hit"][i1 - 1] - run.series["pool_limit_hit"][i0 - 1]
    assert f"pool_limit_hit +{int(hits):,}" in story.text(four)


def test_every_visited_stage_keeps_its_segment():
    """max_pool_percent=10 passes stages 2 and 3 in 20 and 44 ms: both stay."""
    run = simulate(QUARTER.replace(max_pool_percent=10))
    visited = set(np.unique(run.series["stage"]).astype(int)) - {0}
    assert {s for s, _, _ in run.stages} == visited
    assert [s for s, _, _ in run.stages][:5] == [1, 2, 3, 4, 5]


def test_stage_segments_absorb_only_flicker():
    t = np.arange(24) * 0.01
    # 3 and 4 flicker at their boundary; stage 2 is short but visited only once
    stage = np.array([1] * 6 + [2] * 2 + [3] * 6 + [4, 3] + [4] * 8)
    segs = stage_segments(t, stage, min_s=0.05)
    assert [s for s, _, _ in segs] == [1, 2, 3, 4]
    assert segs[-1][1:] == pytest.approx((0.16, 0.24))  # 4, 3 at the boundary joined stage 3
    assert segs[1][1:] == pytest.approx((0.06, 0.08))
    # a short return at the end is a visit, not flicker
    stage = np.array([1] * 8 + [2] * 15 + [1])
    assert [s for s, _, _ in stage_segments(t, stage, min_s=0.05)] == [1, 2, 1]


def test_run_continues_until_the_drain_is_done():
    c = QUARTER.replace(accept_threshold_percent=20, idle_s=1.0)
    run = simulate(c)
    assert not run.cut
    assert run.drain_end_s is not None and run.drain_end_s > run.alloc_end_s + c.idle_s
    assert run.series["pool_pages"][-1] <= run.series["accept_pages"][-1]
    assert run.stages[-1][0] == 1


def test_run_lasts_at_least_idle_s():
    c = QUARTER.replace(idle_s=20.0)
    run = simulate(c)
    assert run.series["t_s"][-1] >= run.alloc_end_s + 20.0 - 2 * c.step_ms / 1000


def test_max_time_cuts_the_drain_and_says_so():
    c = QUARTER.replace(shrinker_delay_ms=3000, max_time_s=14.0)
    run = simulate(c)
    assert run.cut and run.drain_end_s is None
    assert run.series["t_s"][-1] < 14.0
    assert run.series["pool_pages"][-1] > run.series["accept_pages"][-1]
    assert any("cut here" in line for line in run.event_log())
    assert Story(run).outcome() == "cut"
    assert "cut at max_time_s" in Story(run).text(len(run.stages) - 1)
