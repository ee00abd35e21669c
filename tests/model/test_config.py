import numpy as np
import pytest
from traitlets import TraitError

from zswap_widgets import KERNELS, Config, simulate


def test_default_is_the_cover_letters_benchmark():
    c = Config()
    assert (c.kernel, c.ram_mib, c.vcpus, c.allocator, c.compressor) == (
        "patches-1-6",
        1024,
        2,
        "zsmalloc",
        "lz4",
    )
    assert (c.max_pool_percent, c.accept_threshold_percent, c.alloc_mib) == (25, 50, 2048)
    assert c.effective_shrink_start_percent == 51
    assert c.shrinker_delay_ms == 500


def test_every_knob_has_metadata():
    for name, trait in Config.knobs().items():
        m = trait.metadata
        assert m["group"] and m["description"], name
        value = getattr(Config(), name)
        if "min" in m and value is not None:
            assert m["min"] <= value <= m["max"], name


@pytest.mark.parametrize(
    "name,value,expected",
    [
        (
            "max_pool_percent",
            0,
            "max_pool_percent = 0 is not allowed: must be a whole number from 1 to 100 %",
        ),
        ("max_pool_percent", 101, "from 1 to 100"),
        ("shrinker_delay_ms", -1, "shrinker_delay_ms = -1"),
        ("compressible_fraction", 1.5, "compressible_fraction = 1.5"),
        ("swap_iops", 10, "swap_iops = 10"),
        ("idle_s", float("nan"), "idle_s = nan"),
    ],
)
def test_out_of_range_values_name_parameter_value_and_range(name, value, expected):
    with pytest.raises(TraitError, match=expected.replace("(", r"\(")):
        Config(**{name: value})


def test_enum_error_names_the_allowed_values():
    with pytest.raises(TraitError, match="allocator"):
        Config(allocator="slab")


def test_unknown_parameter():
    with pytest.raises(TraitError, match="unknown parameter 'max_pool'"):
        Config(max_pool=3)


def test_cross_field_rules():
    with pytest.raises(TraitError, match=r"shrink_start_percent .40. must lie between"):
        Config(shrink_start_percent=40)
    with pytest.raises(TraitError, match="allocator 'zbud' was removed"):
        Config(kernel="v6.18", allocator="zbud")
    with pytest.raises(TraitError, match="empty_memcgs"):
        Config(nr_memcgs=5, empty_memcgs=5)
    c = Config()
    with pytest.raises(TraitError, match="must lie between"):
        c.accept_threshold_percent = 80
        c.shrink_start_percent = 60
    # a failed set keeps the old value: nothing is clamped or lost
    assert c.accept_threshold_percent == 80 and c.shrink_start_percent is None


def test_patch_toggles_follow_the_preset_unless_set():
    assert [Config(kernel="patches-1-3").patch(n) for n in range(1, 7)] == [1, 1, 1, 0, 0, 0]
    c = Config(kernel="patches-1-6", patch6=False)
    assert c.patch(6) is False and c.patch(5) is True
    assert not any(Config(kernel="v6.10").patch(n) for n in range(1, 7))
    assert set(KERNELS) == {"off", "v6.10", "patches-1-3", "patches-1-6", "v6.12", "v6.18"}


def test_replace_and_equality():
    c = Config(max_pool_percent=30)
    assert c.replace(seed=3) == Config(max_pool_percent=30, seed=3)
    assert c != Config()
    assert hash(c) == hash(Config(max_pool_percent=30))


def test_scaled_keeps_the_story_and_the_timeline():
    from zswap_widgets import simulate

    quarter = Config(idle_s=0).scaled(0.25)
    assert (quarter.ram_mib, quarter.alloc_mib, quarter.swap_iops, quarter.step_ms) == (
        256,
        512,
        875,
        4.0,
    )
    full, small = simulate(Config(idle_s=0)), simulate(quarter)
    assert abs(small.elapsed_s / full.elapsed_s - 1) < 0.1  # about the same timeline
    assert [s for s, _, _ in small.stages] == [s for s, _, _ in full.stages]


def test_knobs_are_in_the_storys_order():
    assert list(Config.knobs())[:7] == [
        "kernel",
        "max_pool_percent",
        "accept_threshold_percent",
        "shrink_start_percent",
        "shrinker_delay_ms",
        "allocator",
        "compressor",
    ]
    assert set(Config.knobs()) == set(Config().to_dict())


def test_scaled_scales_the_queue_depth_and_knows_its_factor():
    quarter = Config().scaled(0.25)
    assert quarter.swap_queue_depth == 32 and quarter.step_ms == 4.0
    assert quarter.scale_of() == 0.25 and Config().scale_of() == 1.0
    assert quarter.replace(kernel="v6.10").scale_of() == 0.25  # other knobs may differ
    assert Config(ram_mib=512).scale_of() is None  # not a scaled cover letter


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("seed", "3.7", "seed = '3.7' is not allowed: must be a whole number from 0"),
        ("seed", "1e3", "seed = '1e3' is not allowed: must be a whole number"),
        ("seed", "-5", "seed = -5 is not allowed"),
        ("seed", "abc", "seed = 'abc' is not allowed"),
        (
            "max_pool_percent",
            "150",
            "max_pool_percent = 150 is not allowed: must be a whole number from 1 to 100",
        ),
        ("cpu_speed", "nan", "cpu_speed = 'nan' is not allowed"),
        ("kernel", "v5", "kernel = 'v5' is not allowed: must be one of off"),
    ],
)
def test_parse_is_strict(name, text, words):
    with pytest.raises(TraitError) as e:
        Config.parse(name, text)
    assert words in str(e.value)


def test_parse_accepts_what_config_accepts():
    assert Config.parse("seed", " 42 ") == 42
    assert Config.parse("cpu_speed", "0.25") == 0.25
    assert Config.parse("shrink_start_percent", "auto") is None
    assert Config.parse("patch6", "false") is False


@pytest.mark.parametrize(
    ("base", "changes"),
    [
        ({"kernel": "patches-1-3"}, {"shrinker_delay_ms": 2000}),
        ({"kernel": "v6.12"}, {"shrink_start_percent": 80, "shrinker_delay_ms": 0}),
        ({"kernel": "off"}, {"max_pool_percent": 10, "allocator": "zbud", "compressor": "zstd"}),
    ],
)
def test_ignored_knobs_change_nothing(base, changes):
    small = Config(ram_mib=128, kernel_reserved_mib=8, alloc_mib=192, idle_s=0.5, **base)
    assert set(changes) <= set(small.ignored())
    a, b = simulate(small), simulate(small.replace(**changes))
    assert a.counters == b.counters and a.elapsed_s == b.elapsed_s
    for name in ("pool_pages", "free_pages", "swapout_ops", "writeback_ops", "stall_ms"):
        np.testing.assert_array_equal(a.series[name], b.series[name])
    assert "allocator" in Config(kernel="v6.18").ignored()
    assert "shrinker_delay_ms" not in Config().ignored()


@pytest.mark.parametrize(
    "name,value,expected",
    [
        ("alloc_mib", True, "alloc_mib = True is not allowed: must be a whole number from 1 to"),
        ("idle_s", False, "idle_s = False is not allowed: must be a number from 0.0 to 600.0 s"),
        ("patch1", 1, "patch1 = 1 is not allowed: must be true, false or None"),
        ("merge_queued_writes", 0, "merge_queued_writes = 0 is not allowed: must be true or false"),
        (
            "max_pool_percent",
            20.5,
            "max_pool_percent = 20.5 is not allowed: must be a whole number",
        ),
        ("idle_s", "2", "idle_s = '2' is not allowed: must be a number from"),
        ("kernel", "v7", "kernel = 'v7' is not allowed: must be one of off, v6.10, patches-1-3"),
        ("shrink_start_percent", "x", "must be a whole number from 0 to 100 % or None"),
    ],
)
def test_bools_are_not_numbers_and_numbers_not_bools(name, value, expected):
    c = Config()
    with pytest.raises(TraitError, match=expected.replace("(", r"\(").replace(".", r"\.")):
        Config(**{name: value})
    with pytest.raises(TraitError, match=expected.split(" is not")[0]):
        setattr(c, name, value)
    assert c == Config()  # a refused value changes nothing


def test_a_whole_float_is_a_whole_number():
    assert Config(max_pool_percent=20.0).max_pool_percent == 20


def test_missing_compressor_names_its_extra(monkeypatch):
    from zswap_widgets.model import compressors

    monkeypatch.delitem(compressors.COMPRESSORS, "zstd", raising=False)
    trait = Config.class_traits()["compressor"]
    monkeypatch.setattr(trait, "values", tuple(compressors.COMPRESSORS))
    with pytest.raises(TraitError) as e:
        Config(compressor="zstd")
    assert str(e.value) == (
        "compressor = 'zstd' is not allowed: zstd needs the [zstd] extra: "
        "pip install 'zswap-widgets[zstd]'"
    )


@pytest.mark.parametrize("factor", [0, -1, float("inf"), float("nan"), "2", None, True])
def test_scaled_refuses_what_is_not_a_size_factor(factor):
    with pytest.raises(TraitError, match=r"^factor = .* is not allowed: must be a finite number"):
        Config().scaled(factor)


def test_scaled_names_the_knob_a_factor_pushes_out_of_range():
    with pytest.raises(TraitError, match=r"^scaled\(1000\) gives \w+ = [\d.]+ is not allowed: "):
        Config().scaled(1000)
