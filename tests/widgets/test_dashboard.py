"""The dashboard against fresh runs of the model: every control, random walks, invalid values."""

from __future__ import annotations

import random

import numpy as np
import pytest
from dash_helpers import assert_marks_show
from traitlets import Bool, Enum, Float, Int, TraitError

from zswap_widgets.model.config import Config
from zswap_widgets.model.scenario import to_code
from zswap_widgets.model.simulation import simulate
from zswap_widgets.widgets import Dashboard
from zswap_widgets.widgets import downsample as ds
from zswap_widgets.widgets.runs import off_baseline
from zswap_widgets.widgets.view import bar_rows, published, run_view

# A new value for every knob that keeps SMALL valid and cheap to run.
NEW_VALUES = {
    "kernel": "patches-1-3",
    "max_pool_percent": 15,
    "accept_threshold_percent": 30,
    "shrink_start_percent": 80,
    "shrinker_delay_ms": 0,
    "allocator": "zbud",
    "compressor": "zstd",
    "second_chance": True,
    "patch1": False,
    "patch2": False,
    "patch3": False,
    "patch4": False,
    "patch5": False,
    "patch6": False,
    "ram_mib": 192,
    "kernel_reserved_mib": 20,
    "baseline_used_mib": 30,
    "vcpus": 1,
    "cpu_costs": "qemu-tcg",
    "cpu_speed": 2.0,
    "user_cpu_speed": 0.5,
    "watermark_scale_factor": 500,
    "swap_iops": 500,
    "swap_bandwidth_mib_s": 10,
    "swap_latency_ms": 20.0,
    "swap_merge_pages": 1,
    "swap_queue_depth": 4,
    "merge_queued_writes": True,
    "write_expire_ms": 10,
    "alloc_mib": 128,
    "compressible_fraction": 0.25,
    "filler": "zero",
    "alloc_rate_mib_s": 200,
    "idle_s": 6.0,  # a minimum: the run goes on until the drain is done
    "reaccess_mib": 32,
    "seed": 12345,
    "nr_memcgs": 12,
    "empty_memcgs": 2,
    "offline_memcgs": 40,
    "step_ms": 2.0,
    "max_time_s": 1.5,
}
# Where a knob only matters in some situation, the change is made from there.
CONTEXT = {
    "patch5": {"compressible_fraction": 0.0},  # patch 5 stores incompressible pages as-is
    "offline_memcgs": {"kernel": "v6.10"},  # before patch 2 offline memcgs count as failures
}
# Knobs that may leave this small scenario's charts as they were (the test still checks that the
# dashboard shows exactly the fresh run of the changed Config):
# * write_expire_ms only orders reads before writes, and this scenario reads nothing back;
# * patch1 (memcg iteration) made no difference in any small scenario tried (v6.10, idle 3 s).
MAY_NOT_CHANGE = {"write_expire_ms", "patch1"}


def marks_snapshot(dash: Dashboard) -> dict[str, bytes]:
    return {
        name: np.asarray(m.y).tobytes() + np.asarray(m.x).tobytes()
        for name, m in dash.charts.marks.items()
        if name
        in ("pool", "thresholds", "memory", "io", "queue", "latency", "stall", "cpu", "shrinker")
    }


def assert_shows(dash: Dashboard, config: Config, check_off: bool = True) -> None:
    """The dashboard shows exactly a fresh simulate() of config (and its zswap-off baseline)
    once the playhead is at the end."""
    dash.set_time(float("inf"))
    fresh = simulate(config)
    assert_marks_show(dash.charts.marks, run_view(fresh))
    off = simulate(off_baseline(config)) if check_off else dash.off_run
    assert off.config == off_baseline(config)
    bars = dash.charts.bar_values()
    name = dash.names[0]
    assert bars["elapsed"][name] == pytest.approx(fresh.elapsed_s, rel=1e-6)
    assert bars["sys"][name] == pytest.approx(fresh.sys_s, rel=1e-6)
    if config.preset.enabled:
        assert bars["user"]["zswap off"] == pytest.approx(off.user_s, rel=1e-6)
        assert bars["elapsed"]["zswap off"] == pytest.approx(off.elapsed_s, rel=1e-6)
    assert dash.counters.value.count("<tr>") > len(fresh.counters)


def test_builds_at_t0_and_shows_the_run(small):
    dash = Dashboard(small, debounce_s=0)
    assert dash.error == ""
    assert dash.config == small
    assert dash.time_s == 0.0 and dash.window is None
    assert len(dash.charts.marks["pool"].x) <= 2  # nothing of the run revealed yet
    assert "The process will write" in dash.story.text.value  # what will happen
    assert len(dash.charts.marks["th_max"].x) == 2  # the thresholds are there already
    assert_shows(dash, small)
    for fig in dash.figures.values():
        assert fig.animation_duration == 0
        assert fig.layout.height
    for name, mark in dash.charts.marks.items():
        if hasattr(mark, "x") and np.ndim(mark.x) == 1 and name != "band_labels":
            assert len(mark.x) <= ds.MAX_POINTS, name


def test_every_control_reruns_and_shows_a_fresh_run(small):
    dash = Dashboard(small, debounce_s=0)
    assert set(dash.controls) == set(Config.knobs())
    unchanged = []
    for name in Config.knobs():
        start = small.replace(**CONTEXT.get(name, {}))
        base = start.replace(**{name: NEW_VALUES[name]})  # a valid change of this knob alone
        dash.load(start)
        before = marks_snapshot(dash)
        dash.controls[name].value = NEW_VALUES[name]
        assert dash.error == "", (name, dash.error)
        expected = base
        if name == "kernel":  # a new preset clears the patch overrides (there were none)
            expected = base.replace(**dict.fromkeys(Config.preset_knobs()))
        assert dash.config == expected, name
        assert_shows(dash, expected, check_off=False)
        if marks_snapshot(dash) == before:
            unchanged.append(name)
    assert set(unchanged) <= MAY_NOT_CHANGE, unchanged


def test_new_preset_drops_patch_overrides_and_shows_what_it_applies(small):
    dash = Dashboard(small, debounce_s=0)
    dash.controls["patch6"].value = False
    assert dash.config.patch6 is False and dash.config.kernel == "patches-1-6"
    assert dash.controls["patch6"].status.value == "<b>override</b>"
    dash.controls["kernel"].value = "v6.12"
    assert dash.config.patch6 is None
    shown = {n: dash.controls[f"patch{n}"].check.value for n in range(1, 7)}
    assert shown == {1: True, 2: True, 3: False, 4: False, 5: False, 6: False}
    # ticking a box sets an explicit override of that patch
    dash.controls["patch3"].check.value = True
    assert dash.config.patch3 is True and dash.config.patch(3)
    dash.controls["patch3"].clear.click()
    assert dash.config.patch3 is None and not dash.controls["patch3"].check.value


def test_shrink_start_auto_and_explicit(small):
    dash = Dashboard(small.replace(accept_threshold_percent=40), debounce_s=0)
    ctl = dash.controls["shrink_start_percent"]
    assert ctl.value is None and ctl.slider.disabled and ctl.slider.value == 41
    ctl.auto.value = False
    assert dash.config.shrink_start_percent == 41
    ctl.slider.value = 70
    assert dash.config.shrink_start_percent == 70
    ctl.auto.value = True
    assert dash.config.shrink_start_percent is None


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"shrink_start_percent": 20}, "shrink_start_percent (20) must lie between"),
        ({"allocator": "zbud", "kernel": "v6.18"}, "kernel v6.18 has only zsmalloc"),
        ({"empty_memcgs": 5, "nr_memcgs": 3}, "empty_memcgs (5) must be less than nr_memcgs"),
        ({"baseline_used_mib": 500}, "baseline_used_mib"),
    ],
)
def test_invalid_values_show_the_error_and_stay_in_the_controls(small, changes, words):
    dash = Dashboard(small, debounce_s=0)
    *first, (last, last_value) = changes.items()
    for name, value in first:  # valid on their own
        dash.controls[name].value = value
    assert dash.error == ""
    good_config, good_run = dash.config, dash.run
    dash.controls[last].value = last_value
    assert words in dash.error
    assert words.split(" (")[0] in dash.error_box.value
    for name, value in changes.items():
        assert dash.controls[name].value == value, name  # the user's values are kept
    assert dash.config == good_config and dash.run is good_run  # the last valid run stays
    dash.set_time(float("inf"))
    assert_marks_show(dash.charts.marks, run_view(good_run))
    with pytest.raises(TraitError):
        Config(**dash._controls.values())
    # fixing it clears the error and applies everything
    dash.load(small)
    assert dash.error == "" and dash.error_box.value == ""


def _random_value(rng: random.Random, name: str, trait) -> object:
    cheap = {  # keep every run of the walk small
        "ram_mib": [128, 192, 256],
        "alloc_mib": [32, 96, 192],
        "idle_s": [0.0, 0.5, 1.0],
        "max_time_s": [1.0, 2.0, 4.0],
        "step_ms": [1.0, 2.0, 5.0],
        "alloc_rate_mib_s": [128, 1024, 8192],
        "reaccess_mib": [0, 16, 64],
        "swap_iops": [200, 4000, 100_000],
        "swap_bandwidth_mib_s": [5, 170, 2000],
        "nr_memcgs": [1, 4, 31, 200],
        "empty_memcgs": [0, 3, 11, 150],
        "offline_memcgs": [0, 5, 100],
        "kernel_reserved_mib": [0, 57, 100],
        "baseline_used_mib": [0, 21, 100],
    }
    m = trait.metadata
    if name in cheap:
        return min(max(rng.choice(cheap[name]), m["min"]), m["max"])
    if isinstance(trait, Enum):
        return rng.choice(list(trait.values))
    if isinstance(trait, Bool):
        return rng.choice([None, True, False] if trait.allow_none else [True, False])
    if isinstance(trait, Int):
        v = rng.randint(m["min"], m["max"])
        return rng.choice([None, v]) if trait.allow_none else v
    if isinstance(trait, Float):
        steps = round((m["max"] - m["min"]) / m["step"])
        return round(m["min"] + rng.randint(0, steps) * m["step"], 6)
    raise AssertionError(name)


def test_200_random_changes_end_on_a_fresh_run_of_the_final_config(small):
    rng = random.Random(20240708)
    dash = Dashboard(small, debounce_s=0)
    knobs = Config.knobs()
    errors = 0
    for _ in range(200):
        name = rng.choice(list(knobs))
        value = _random_value(rng, name, knobs[name])
        dash.controls[name].value = value
        assert dash.controls[name].value == value
        try:
            wanted = Config(**dash._controls.values())
        except TraitError as e:
            errors += 1
            assert dash.error == str(e)
        else:
            assert dash.error == "" and dash.config == wanted
    assert 0 < errors < 200  # the walk went through invalid and valid states
    final = dash._controls.values()
    try:
        config = Config(**final)
    except TraitError:
        config = dash.config  # an invalid end keeps showing the last valid configuration
    assert_shows(dash, config)
    assert dash._controls.values() == final


def test_scenario_code_round_trip_through_the_widgets(small):
    dash = Dashboard(small, debounce_s=0)
    dash.controls["max_pool_percent"].value = 33
    dash.controls["patch5"].value = False
    code = dash.code.value
    assert code == to_code(dash.config)
    other = Dashboard(small.replace(seed=9), debounce_s=0)
    other.code.value = code
    other.load_button.click()
    assert other.config == dash.config and other.error == ""
    assert_marks_show(other.charts.marks, run_view(dash.run))
    other.code.value = "zsw1:garbage!"
    other.load_button.click()
    assert "scenario code" in other.error and other.config == dash.config


def test_scrubber_play_step_and_reset(small):
    dash = Dashboard(small, debounce_s=0)
    last = dash.scrubber.max
    assert dash.scrubber.value == 0 and dash.play.max == last
    dash.set_time(0.3)
    assert dash.time_s == pytest.approx(0.3, abs=0.01)
    n = len(dash.charts.marks["pool"].x)
    assert 0 < n < last  # the charts show the run up to the scrubber's time
    assert dash.charts.marks["pool"].x[-1] <= dash.time_s
    cursor = dash.charts.cursors["pool"]
    assert cursor.visible and cursor.x[0] == pytest.approx(dash.time_s)
    stage = dash.run.stage_at(dash.time_s)
    assert f"Stage {stage}</b>" in dash.story.text.value
    dash.step_button.click()
    assert dash.scrubber.value > 0 and len(dash.charts.marks["pool"].x) > n
    dash.play.value = 5  # what the Play widget's timer does in the browser
    assert dash.scrubber.value == 5
    dash.reset_button.click()
    assert dash.scrubber.value == 0 and not dash.play.playing
    assert dash.config == small  # Reset keeps the current values
    dash.set_time(float("inf"))
    assert dash.scrubber.value == last and not dash.charts.cursors["pool"].visible
    assert_marks_show(dash.charts.marks, run_view(dash.run))


def test_speed_sets_play_step(small):
    dash = Dashboard(small, debounce_s=0)
    dash.speed.value = 1.0
    slow = dash.play.step / dash.play.interval
    dash.speed.value = 10.0
    assert dash.play.step / dash.play.interval > 5 * slow


def test_compare_mode_overlays_two_presets(small):
    dash = Dashboard(small, debounce_s=0)
    assert not dash.charts.marks["pool_b"].visible
    dash.compare_toggle.value = True
    a, b = dash.compare_runs
    assert a.config == small and b.config.kernel == "patches-1-3"
    assert dash.charts.marks["pool_b"].visible
    dash.set_time(float("inf"))
    assert_marks_show(dash.charts.marks, run_view(simulate(small)))
    assert_marks_show(
        dash.charts.marks, run_view(simulate(small.replace(kernel="patches-1-3"))), suffix="_b"
    )
    misses = dash.cache.misses
    dash.compare_b.value = "v6.10"
    assert dash.compare_runs[1].config.kernel == "v6.10"
    assert dash.cache.misses == misses + 1  # the knobs' run and the baseline come from the cache
    dash.compare_toggle.value = False
    assert dash.compare_runs is None and not dash.charts.marks["pool_b"].visible


def test_published_bars_only_for_the_cover_letter_configuration(small):
    assert published(small) == {}
    assert published(Config(kernel="patches-1-6", patch4=False)) == {}
    assert published(Config(kernel="patches-1-3"))["patches-1-3"] == (13.10, 0.183, 2.049)
    assert published(Config())["off"] == (11.81, 0.149, 1.381)
    dash = Dashboard(small, debounce_s=0)
    assert list(dash.charts.bar_values()["elapsed"]) == ["patches-1-6", "zswap off"]
    assert "pub." not in dash.charts.bar_caption.value


def test_bar_rows_name_the_runs_and_the_published_numbers():
    class FakeRun:
        def __init__(self, config, seconds):
            self.config = config
            self.elapsed_s, self.user_s, self.sys_s = seconds

    this = FakeRun(Config(kernel="patches-1-3"), (1.0, 2.0, 3.0))
    off = FakeRun(Config(kernel="off"), (4.0, 5.0, 6.0))
    rows = bar_rows({"patches-1-3": this}, off)
    assert list(rows) == ["patches-1-3", "zswap off", "pub. patches-1-3", "pub. off"]
    assert rows["pub. patches-1-3"] == (13.10, 0.183, 2.049)
    b = FakeRun(Config(), (7.0, 8.0, 9.0))
    rows = bar_rows({"patches-1-3": this, "patches-1-6": b}, off)
    assert list(rows) == [
        "patches-1-3",
        "patches-1-6",
        "zswap off",
        "pub. patches-1-3",
        "pub. patches-1-6",
        "pub. off",
    ]
    # a run that is zswap off itself needs no second zswap-off bar
    assert list(bar_rows({"off": off}, off)) == ["off", "pub. off"]


def test_zswap_knobs_do_not_change_the_off_baseline(small):
    """The cache shares one zswap-off run between all zswap settings: check it is the same run."""
    a = simulate(small.replace(kernel="off"))
    b = simulate(small.replace(kernel="off", max_pool_percent=10, compressor="zstd", patch6=True))
    assert (a.elapsed_s, a.user_s, a.sys_s) == (b.elapsed_s, b.user_s, b.sys_s)
    assert a.counters == b.counters


def test_a_background_run_dims_the_charts_under_a_progress_bar(small):
    dash = Dashboard(small, debounce_s=0, background=True)
    shown = dash.run
    seen = []
    dash.progress.observe(lambda c: seen.append(c["new"]), "value")
    dash.controls["alloc_mib"].value = 256
    assert dash.busy and "zsw-busy" in dash._dom_classes
    assert dash.overlay.layout.display == "flex"
    assert dash.run is shown  # the charts keep the last run meanwhile
    assert dash.wait(120)
    assert not dash.busy and "zsw-busy" not in dash._dom_classes
    assert dash.overlay.layout.display == "none"
    assert dash.config.alloc_mib == 256 and dash.run.config.alloc_mib == 256
    assert seen and seen == sorted(seen) and seen[-1] == 1.0
    assert_shows(dash, dash.config)


def test_progress_reaches_the_page_only_while_the_overlay_shows(small):
    """A run that ends before the overlay appears sends no progress message; once shown, the
    bar starts where the run is."""
    dash = Dashboard(small, debounce_s=0)
    sent = []
    dash.progress.observe(lambda c: sent.append(c["new"]), "value")
    dash._show_progress(0.4)
    assert sent == [] and dash.overlay.layout.display == "none"
    dash._set_busy(True)
    assert sent == [0.4]
    dash._show_progress(0.6)
    assert sent == [0.4, 0.6]
    dash._set_busy(False)
    dash._show_progress(0.8)
    assert sent == [0.4, 0.6]
