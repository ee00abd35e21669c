"""Grids: text syntax, checks against Config before anything runs, default grids per knob."""

from __future__ import annotations

import pytest

from zswap_widgets import Config
from zswap_widgets.analysis.grid import (
    GridError,
    check_grid,
    default_values,
    format_values,
    grid_configs,
    parse_item,
    parse_values,
)


def test_ranges_include_stop_when_it_lands_on_a_step():
    assert parse_values("max_pool_percent", "5:50:5") == list(range(5, 55, 5))
    assert parse_values("max_pool_percent", "5:52:5") == list(range(5, 55, 5))
    assert parse_values("max_pool_percent", "7:7:1") == [7]


def test_float_ranges_are_decimal_exact():
    assert parse_values("cpu_speed", "0.1:0.3:0.1") == [0.1, 0.2, 0.3]
    assert parse_values("compressible_fraction", "0:1:0.25") == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_comma_lists_are_typed_by_the_knob():
    assert parse_item("kernel=off,patches-1-6") == ("kernel", ["off", "patches-1-6"])
    assert parse_values("patch6", "true, off") == [True, False]
    assert parse_values("shrink_start_percent", "none,60") == [None, 60]
    assert parse_values("cpu_speed", "0.5,1") == [0.5, 1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("max_pool_percent", "expected NAME=START:STOP:STEP"),
        ("nonsense=1,2", "unknown knob 'nonsense'"),
        ("kernel=1:3:1", "needs a numeric knob"),
        ("max_pool_percent=50:5:5", "STOP (5) is below START (50)"),
        ("max_pool_percent=5:50:0", "STEP must be above 0"),
        ("max_pool_percent=1.5:3:1", "takes whole numbers"),
        ("max_pool_percent=5:50", "expected START:STOP:STEP"),
        ("vcpus=two", "vcpus = 'two' is not allowed: must be a whole number from 1 to 64"),
        ("kernel=v5.0", "kernel = 'v5.0' is not allowed: must be one of off"),
        ("patch1=maybe", "patch1 = 'maybe' is not allowed"),
    ],
)
def test_bad_text_names_the_knob_and_what_is_allowed(text, message):
    with pytest.raises(GridError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_item(text)


@pytest.mark.parametrize(
    ("grid", "message"),
    [
        (
            {"max_pool_percent": [5, 200]},
            "max_pool_percent = 200 is not allowed: must be a whole number",
        ),
        ({"max_pool_percent": [5.5]}, "max_pool_percent = 5.5 is not allowed"),
        ({"max_pool_percent": []}, "max_pool_percent: no values"),
        ({"max_pool_percent": [5, 5]}, "max_pool_percent: 5 is given twice"),
        ({"kernel": ["v5.0"]}, "kernel = 'v5.0' is not allowed"),
        ({"swap_iops": range(50, 1_000_000)}, "more than 10000 values"),
        ({"swap_iops": range(50, 5000), "seed": range(3)}, "14850 points \\(4950 x 3\\); at most"),
    ],
)
def test_check_grid_rejects_values_outside_a_knobs_range(grid, message):
    with pytest.raises(GridError, match=message):
        check_grid(grid)


def test_rules_between_knobs_are_checked_per_grid_point():
    knobs, values = check_grid({"accept_threshold_percent": [40, 70], "shrink_start_percent": [60]})
    with pytest.raises(GridError) as e:
        grid_configs(Config(), knobs, values)
    text = str(e.value)
    assert text.startswith("grid point accept_threshold_percent=70, shrink_start_percent=60:")
    assert "must lie between accept_threshold_percent (70) and 100" in text
    # A value that breaks a rule only against the base config is fine with the grid's partner.
    knobs, values = check_grid({"kernel": ["v6.18"], "allocator": ["zsmalloc"]})
    assert grid_configs(Config(allocator="zbud"), knobs, values)[0].kernel == "v6.18"


def test_numpy_numbers_become_python_values():
    import numpy as np

    _, values = check_grid(
        {"max_pool_percent": np.arange(5, 15, 5), "cpu_speed": [np.float32(0.5)]}
    )
    assert values == [(5, 10), (0.5,)] and type(values[0][0]) is int


def test_default_grids_come_from_each_knobs_range_and_step():
    assert default_values("shrinker_delay_ms") == list(range(0, 5001, 500))
    # a knob's `sweep` metadata names the teaching range instead (the cover letter's question)
    assert default_values("max_pool_percent") == list(range(5, 51, 5))
    assert default_values("accept_threshold_percent") == list(range(10, 91, 10))
    assert default_values("kernel") == list(Config.class_traits()["kernel"].values)
    assert default_values("patch6") == [False, True]
    for name, trait in Config.knobs().items():
        values = default_values(name)
        assert 1 <= len(values) <= 11, name
        check_grid({name: values})  # every default value is allowed
        m = trait.metadata
        if "step" in m:  # on multiples of the knob's step
            assert all(abs(v / m["step"] - round(v / m["step"])) < 1e-9 for v in values), name


def test_format_values_round_trips_through_parse_values():
    for name in ("max_pool_percent", "cpu_speed", "kernel", "patch6", "step_ms"):
        values = default_values(name)
        assert parse_values(name, format_values(values)) == values, name
    assert format_values([5, 10, 20]) == "5,10,20"
    assert format_values([None, 60]) == "none,60"
