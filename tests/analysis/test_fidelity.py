"""The cover letter's benchmark, reproduced by mechanism (one seed per kernel to stay quick)."""

import pytest

from zswap_widgets import simulate
from zswap_widgets.analysis.bench import PUBLISHED, bench_config


@pytest.fixture(scope="module")
def runs():
    return {k: simulate(bench_config(k)) for k in ("off", "patches-1-3", "patches-1-6")}


def test_published_order_of_elapsed_and_sys(runs):
    e = {k: r.elapsed_s for k, r in runs.items()}
    assert e["patches-1-6"] < e["off"] < e["patches-1-3"]
    s = {k: r.sys_s for k, r in runs.items()}
    assert s["patches-1-3"] > s["patches-1-6"] > s["off"]


@pytest.mark.parametrize("kernel", ["patches-1-3", "patches-1-6"])
def test_elapsed_ratio_to_off_within_5_percent_of_the_published(runs, kernel):
    ratio = runs[kernel].elapsed_s / runs["off"].elapsed_s
    published = PUBLISHED[kernel][0] / PUBLISHED["off"][0]
    assert abs(ratio / published - 1) < 0.05


def test_patch6_alone_off_moves_toward_patches_1_3(runs):
    no6 = simulate(bench_config("patches-1-6", patch6=False))
    assert runs["patches-1-6"].elapsed_s < no6.elapsed_s
    assert no6.counters["written_back_pages"] > runs["patches-1-6"].counters["written_back_pages"]


def test_a_faster_disk_shrinks_the_gap(runs):
    slow = runs["patches-1-3"].elapsed_s / runs["off"].elapsed_s
    fast = {k: simulate(bench_config(k, swap_iops=20000)) for k in ("off", "patches-1-3")}
    assert fast["patches-1-3"].elapsed_s / fast["off"].elapsed_s < slow
