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
        elif name in ("seed", "shrink_start_percent") or name.startswith("patch"):
            continue
        elif isinstance(trait, (Int, Float)):
            assert isinstance(widget, w.IntSlider if isinstance(trait, Int) else w.FloatSlider)
            assert (widget.min, widget.max, widget.step) == (m["min"], m["max"], m["step"])
            assert widget.continuous_update is False
            assert widget.tooltip == m["description"]
            if m.get("unit"):
                assert m["unit"] in widget.description


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
