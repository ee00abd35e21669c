"""Every exercise check accepts the right answer, rejects wrong ones with a hint, and treats the
notebook's `...` placeholder as "not answered yet" without raising (unless grading)."""

from __future__ import annotations

import pytest

from zswap_widgets import Config, simulate
from zswap_widgets.analysis.bench import bench_config
from zswap_widgets.model.kernels import PATCH_TITLES
from zswap_widgets.teaching import exercises

PLACEHOLDER_CALLS = {
    "stage": (...,),
    "no_rejections": (...,),
    "io_patch": (...,),
    "incompressible_counter": (...,),
    "pool_pages": (..., ...),
    "trace_density": (...,),
    "bench_order": (...,),
}


def _wrong(feedback, *words):
    assert not feedback and isinstance(feedback, exercises.Feedback)
    assert feedback.text and "not yet" in repr(feedback) and "ffebee" in feedback._repr_html_()
    for w in words:
        assert w in feedback.text, feedback.text


def _right(feedback):
    assert feedback, feedback.text
    assert "right" in repr(feedback) and "e8f5e9" in feedback._repr_html_()


@pytest.mark.parametrize("name", list(exercises.CHECKS))
def test_placeholder_gives_a_hint_not_an_exception(name):
    _wrong(exercises.CHECKS[name](*PLACEHOLDER_CALLS[name]), "not answered yet", "replace ...")


def test_grading_mode_raises_on_wrong_and_missing_answers(monkeypatch):
    monkeypatch.setenv(exercises.GRADING_ENV, "1")
    with pytest.raises(AssertionError, match="not answered yet"):
        exercises.check_io_patch(...)
    with pytest.raises(AssertionError, match="patch 4"):
        exercises.check_io_patch(4)
    monkeypatch.setenv(exercises.GRADING_ENV, "0")
    assert not exercises.check_io_patch(4)


def test_stage_at_4s():
    right = simulate(Config()).stage_at(exercises.STAGE_TIME_S)
    _right(exercises.check_stage(right))
    _right(exercises.check_stage(f"stage {right}"))
    for wrong in {1, 2, 3, 4, 5} - {right}:
        _wrong(exercises.check_stage(wrong), f"not stage {wrong}")
    _wrong(exercises.check_stage(7), "not a stage")
    _wrong(exercises.check_stage("four"), "not a stage")


def test_no_rejections():
    _right(exercises.check_no_rejections({"alloc_mib": 1024, "max_pool_percent": 50}))
    _wrong(exercises.check_no_rejections({}), "pool_limit_hit=", "max_pool_percent")
    _wrong(exercises.check_no_rejections({"kernel": "off"}), "zswap off")
    _wrong(exercises.check_no_rejections({"alloc_mib": 300}), "zswpout", "at least")
    _wrong(exercises.check_no_rejections({"max_pool_percent": 500}), "not valid")
    _wrong(exercises.check_no_rejections({"alloc_mib": 60000}), "at most")
    _wrong(exercises.check_no_rejections("big pool"), "dict")
    hint = exercises.check_no_rejections(
        {"kernel": "patches-1-3", "compressible_fraction": 0.0, "alloc_mib": 1024}
    )
    _wrong(hint, "reject_compress_fail", "did not compress")


def test_io_patch_is_the_one_that_interrupts_writeback():
    accepted = [n for n in PATCH_TITLES if exercises.check_io_patch(n)]
    assert len(accepted) == 1
    assert "interrupt shrinker writeback" in PATCH_TITLES[accepted[0]]
    _right(exercises.check_io_patch(f"patch {accepted[0]}"))
    _right(exercises.check_io_patch(str(accepted[0])))
    for n in set(PATCH_TITLES) - set(accepted):
        _wrong(exercises.check_io_patch(n), f"patch {n}")
    _wrong(exercises.check_io_patch(9), "1 to 6")


def test_incompressible_counter_follows_the_model():
    run = simulate(exercises.INCOMPRESSIBLE)
    right = max(exercises.REJECT_COUNTERS, key=run.counters.get)
    _right(exercises.check_incompressible_counter(right))
    _right(exercises.check_incompressible_counter(f" /sys/kernel/debug/zswap/{right.upper()} "))
    _wrong(exercises.check_incompressible_counter("reject_compress_poor"), "-ENOSPC")
    _wrong(exercises.check_incompressible_counter("stored_pages"), "patch 5")
    _wrong(exercises.check_incompressible_counter("nonsense"), "not a zswap counter")


def test_pool_pages_by_hand():
    # zbud: 1500 B = 24 chunks, two per page -> 50 pages; zsmalloc: 1508 B -> class 1536, 3 pages
    # per 8 objects -> ceil(100 / 8) * 3 = 39 pages.
    _right(exercises.check_pool_pages(50, 39))
    _right(exercises.check_pool_pages("50", 39.0))
    _wrong(exercises.check_pool_pages(25, 39), "zbud", "63 chunks")
    _wrong(exercises.check_pool_pages(50, 37), "zsmalloc", "handle")
    _wrong(exercises.check_pool_pages(50, ...), "not answered yet")


def test_trace_density():
    _right(exercises.check_trace_density(1086))
    _right(exercises.check_trace_density(1040))
    _wrong(exercises.check_trace_density(1300), "too many")
    _wrong(exercises.check_trace_density(700), "too few")
    _wrong(exercises.check_trace_density(0.26), "ratio")
    _wrong(exercises.check_trace_density("lots"), "not a number")


def test_bench_order_follows_the_model():
    elapsed = {k: simulate(bench_config(k)).elapsed_s for k in exercises.ORDER_KERNELS}
    right = sorted(exercises.ORDER_KERNELS, key=elapsed.get)
    _right(exercises.check_bench_order(right))
    _wrong(exercises.check_bench_order(list(reversed(right))), "not in that order")
    _wrong(exercises.check_bench_order([right[0], right[2], right[1]]), "indeed the fastest")
    _wrong(exercises.check_bench_order(right[:2]), "exactly once")
    _wrong(exercises.check_bench_order("off"), "list")
