import ipywidgets as w
import pytest
from traitlets import Enum, Float, Int

from zswap_widgets.model.config import Config
from zswap_widgets.widgets.controls import ADVANCED_GROUPS, Controls


@pytest.fixture
def controls():
    return Controls(Config())


def test_controls_come_from_the_metadata(controls):
    for name, trait in Config.knobs().items():
        widget = controls.widgets[name]
        m = trait.metadata
        if isinstance(trait, Enum):
            assert isinstance(widget, w.Dropdown) and list(widget.options) == list(trait.values)
            assert widget.tooltip == m["description"]
        elif name == "seed" or name.startswith("patch"):
            continue
        elif isinstance(trait, (Int, Float)):
            slider = widget.slider
            assert isinstance(slider, w.IntSlider if isinstance(trait, Int) else w.FloatSlider)
            assert (slider.min, slider.max, slider.step) == (m["min"], m["max"], m["step"])
            assert slider.continuous_update is False and slider.readout is False
            assert widget.text.continuous_update is False
            assert slider.tooltip.startswith(m["description"])
            if m.get("unit"):
                assert m["unit"] in slider.description


def test_values_round_trip_through_the_controls(controls):
    config = Config(kernel="v6.12", patch4=True, shrink_start_percent=70, seed=77, step_ms=0.5)
    controls.set_values(config)
    assert Config(**controls.values()) == config
    assert controls.widgets["patch4"].check.value is True  # override on
    assert controls.widgets["patch3"].check.value is False  # v6.12 has no patch 3


def test_one_notification_for_a_whole_set_and_one_per_user_change(controls):
    heard = []
    controls.on_change(heard.append)
    controls.set_values(Config(kernel="patches-1-3", max_pool_percent=10, patch1=False))
    assert heard == ["*"]
    heard.clear()
    controls.widgets["kernel"].value = "v6.10"  # also clears patch1's override, quietly
    assert heard == ["kernel"] and controls.widgets["patch1"].value is None


def test_advanced_knobs_are_in_a_collapsed_accordion(controls):
    assert controls.advanced.selected_index is None
    inside = {
        id(child)
        for section in controls.advanced.children[0].children
        for child in section.children
    }
    for name, trait in Config.knobs().items():
        in_advanced = trait.metadata["group"] in ADVANCED_GROUPS and name != "seed"
        assert (id(controls.widgets[name]) in inside) == in_advanced, name


def test_new_seed_button_draws_a_seed(controls):
    seed = controls.widgets["seed"]
    seen = {seed.value}
    for _ in range(3):
        seed.new.click()
        seen.add(seed.value)
    assert len(seen) > 1


def test_every_control_has_its_knobs_description_as_tooltip(controls):
    for name, trait in Config.knobs().items():
        widget = controls.widgets[name]
        inner = [widget, *getattr(widget, "children", ())]
        tips = " ".join(getattr(x, "tooltip", "") or "" for x in inner)
        assert trait.metadata["description"] in tips, name


@pytest.mark.parametrize("text", ["3.7", "1e3", "-5", "abc"])
def test_a_bad_seed_is_an_error_that_keeps_the_text_and_changes_nothing(controls, text):
    seed = controls.widgets["seed"]
    seed.value = 7
    heard = []
    controls.on_change(heard.append)
    seed.field.value = text
    assert seed.value == 7 and seed.field.value == text
    assert f"seed = {text if text == '-5' else repr(text)} is not allowed" in seed.error
    assert controls.errors() == {"seed": seed.error} and heard == ["seed"]
    seed.field.value = "12"
    assert seed.value == 12 and seed.error == "" and controls.errors() == {}


def test_a_typed_value_out_of_range_says_so_and_keeps_the_text(controls):
    knob = controls.widgets["max_pool_percent"]
    before = knob.value
    knob.text.value = "150"
    assert knob.value == before and knob.slider.value == before and knob.text.value == "150"
    assert (
        knob.error
        == "max_pool_percent = 150 is not allowed: must be a whole number from 1 to 100 %"
    )
    knob.text.value = "30"
    assert knob.value == 30 and knob.slider.value == 30 and knob.error == ""
    knob.slider.value = 31  # the slider writes the text box
    assert knob.value == 31 and knob.text.value == "31"


def test_knobs_the_kernel_ignores_are_disabled_with_the_reason(controls):
    controls.set_values(Config(kernel="patches-1-3"))
    delay = controls.widgets["shrinker_delay_ms"]
    assert delay.slider.disabled and delay.text.disabled
    assert "Ignored now: patch 6 is off" in delay.slider.tooltip
    assert not controls.widgets["max_pool_percent"].slider.disabled
    controls.set_values(Config(kernel="off"))
    for name in ("max_pool_percent", "allocator", "compressor"):
        widget = controls.widgets[name]
        assert (widget.slider if hasattr(widget, "slider") else widget).disabled, name
    assert controls.widgets["patch3"].check.disabled
    controls.set_values(Config())
    assert not controls.widgets["shrinker_delay_ms"].slider.disabled
    assert not controls.widgets["allocator"].disabled


def test_knobs_come_in_the_storys_order(controls):
    zswap = [
        getattr(c, "name", None) or c.description for c in controls.main.children[0].children[1:]
    ]
    assert zswap[:3] == ["kernel", "max_pool_percent", "accept_threshold_percent"]
