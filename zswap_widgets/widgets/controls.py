"""Controls generated from `Config`'s trait metadata: one widget per knob, never a second copy.

Every control has a `.value` holding exactly what `Config` takes for its knob (None included), so
`Controls.values()` can be passed to `Config(**values)` as it is.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as w
from traitlets import Bool, Enum, Float, Int

from ..model.config import Config
from ..model.kernels import KERNELS, PATCH_TITLES

# The longest knob label, "watermark_scale_factor (1/10000)", fits in DESCRIPTION_WIDTH; a slider
# is CONTROL_WIDTH wide in all (label, track, readout), which leaves a track of about 200 px.
DESCRIPTION_WIDTH = "230px"
CONTROL_WIDTH = "490px"
STYLE = {"description_width": DESCRIPTION_WIDTH}
PATCH_WIDTH = "470px"  # the longest patch title in full
# Shown above the Advanced accordion; the seed has its own row.
MAIN_GROUPS = ("zswap", "patches")
ADVANCED_GROUPS = ("workload", "machine", "swap device", "cgroups", "simulation")


def _label(name: str, meta: dict) -> str:
    unit = meta.get("unit")
    return f"{name} ({unit})" if unit else name


def _decimals(step: float) -> int:
    text = f"{step:g}"
    return len(text.split(".")[1]) if "." in text else 0


class OptionalIntSlider(w.HBox):
    """An Int knob that may be None ("auto"): a checkbox for auto and a slider for the value."""

    value = Int(None, allow_none=True)

    def __init__(self, name: str, trait: Int, auto_text: str) -> None:
        m = trait.metadata
        self.auto = w.Checkbox(value=True, description="auto", indent=False, tooltip=auto_text)
        self.auto.layout.width = "70px"
        self.slider = w.IntSlider(
            value=m["min"],
            min=m["min"],
            max=m["max"],
            step=m.get("step", 1),
            description=_label(name, m),
            tooltip=m["description"],
            continuous_update=False,
            disabled=True,
            style=STYLE,
            layout={"width": CONTROL_WIDTH},
        )
        super().__init__([self.slider, self.auto])
        self._syncing = False
        self.auto.observe(self._from_parts, "value")
        self.slider.observe(self._from_parts, "value")
        self.observe(self._to_parts, "value")

    def _from_parts(self, _: Any = None) -> None:
        if self._syncing:
            return
        self.slider.disabled = self.auto.value
        self.value = None if self.auto.value else self.slider.value

    def _to_parts(self, change: dict) -> None:
        v = change["new"]
        self._syncing = True
        try:
            self.auto.value = v is None
            if v is not None:
                self.slider.value = v
            self.slider.disabled = v is None
        finally:
            self._syncing = False

    def show_effective(self, value: int) -> None:
        """While on auto, let the slider show the value in effect."""
        if self.value is None and self.slider.value != value:
            self._syncing = True
            try:
                self.slider.value = value
            finally:
                self._syncing = False


class PatchToggle(w.HBox):
    """One preset knob (a patch, the second chance): a checkbox showing whether it applies,
    set by hand = an explicit override.

    `value` is the Config knob: None follows the kernel preset, True/False overrides it.
    """

    value = Bool(None, allow_none=True)

    def __init__(self, label: str, trait: Bool) -> None:
        self.check = w.Checkbox(
            value=False,
            description=label,
            indent=False,
            tooltip=trait.metadata["description"],
        )
        self.check.layout.width = PATCH_WIDTH
        self.status = w.HTML("<i>preset</i>")
        self.status.layout.width = "70px"
        self.clear = w.Button(
            description="preset", icon="undo", tooltip="follow the kernel preset again"
        )
        self.clear.layout.width = "90px"
        self.clear.layout.visibility = "hidden"
        super().__init__([self.check, self.status, self.clear])
        self._preset = False
        self._syncing = False
        self.check.observe(self._on_check, "value")
        self.clear.on_click(lambda _: setattr(self, "value", None))
        self.observe(lambda _: self._render(), "value")

    def set_preset(self, applies: bool) -> None:
        """Tell the control what the kernel preset does, for display while value is None."""
        self._preset = applies
        self._render()

    def _on_check(self, change: dict) -> None:
        if not self._syncing:
            self.value = change["new"]

    def _render(self) -> None:
        effective = self._preset if self.value is None else self.value
        self._syncing = True
        try:
            self.check.value = effective
        finally:
            self._syncing = False
        self.status.value = "<i>preset</i>" if self.value is None else "<b>override</b>"
        self.clear.layout.visibility = "hidden" if self.value is None else "visible"


class SeedControl(w.HBox):
    """The seed and a "new seed" button (separate from Reset)."""

    def __init__(self, name: str, trait: Int) -> None:
        m = trait.metadata
        self.field = w.BoundedIntText(
            value=0,
            min=m["min"],
            max=m["max"],
            description=name,
            tooltip=m["description"],
            style={"description_width": "initial"},
        )
        self.field.layout.width = "200px"
        self.new = w.Button(description="new seed", icon="random", tooltip="draw a random seed")
        self.new.on_click(lambda _: setattr(self.field, "value", random.randrange(m["max"] + 1)))
        super().__init__([self.field, self.new])

    @property
    def value(self) -> int:
        return self.field.value

    @value.setter
    def value(self, v: int) -> None:
        self.field.value = v

    def observe_value(self, fn: Callable[[Any], None]) -> None:
        self.field.observe(fn, "value")


def make_control(name: str, trait: Any) -> w.Widget:
    """The widget for one knob, from its metadata."""
    m = trait.metadata
    tip = m.get("description", name)
    if name == "seed":
        return SeedControl(name, trait)
    if isinstance(trait, Enum):
        return w.Dropdown(
            options=list(trait.values),
            description=name,
            tooltip=tip,
            style=STYLE,
            layout={"width": "420px"},
        )
    if isinstance(trait, Bool) and trait.allow_none:
        n = name[len("patch") :]
        label = f"patch {n}: {PATCH_TITLES[int(n)]}" if name.startswith("patch") else name
        return PatchToggle(label, trait)
    if isinstance(trait, Bool):
        return w.Checkbox(description=name, tooltip=tip, indent=False, style=STYLE)
    if isinstance(trait, Int) and trait.allow_none:
        return OptionalIntSlider(name, trait, "automatic value; untick to set it")
    if isinstance(trait, Int):
        return w.IntSlider(
            min=m["min"],
            max=m["max"],
            step=m.get("step", 1),
            description=_label(name, m),
            tooltip=tip,
            continuous_update=False,
            style=STYLE,
            layout={"width": CONTROL_WIDTH},
        )
    if isinstance(trait, Float):
        step = m.get("step", 0.1)
        return w.FloatSlider(
            min=m["min"],
            max=m["max"],
            step=step,
            description=_label(name, m),
            tooltip=tip,
            continuous_update=False,
            readout_format=f".{_decimals(step)}f",
            style=STYLE,
            layout={"width": CONTROL_WIDTH},
        )
    raise TypeError(f"no control for knob {name!r} of type {type(trait).__name__}")


def _observe(widget: w.Widget, fn: Callable[[Any], None]) -> None:
    if isinstance(widget, SeedControl):
        widget.observe_value(fn)
    else:
        widget.observe(fn, "value")


class Controls:
    """The knob widgets (`widgets[name]`) and their layout (`main`, `seed`, `advanced`)."""

    def __init__(self, config: Config) -> None:
        self.widgets: dict[str, w.Widget] = {
            name: make_control(name, trait) for name, trait in Config.knobs().items()
        }
        self._callbacks: list[Callable[[str], None]] = []
        self._quiet = 0
        self.set_values(config)
        # Registered first: a new preset drops the overrides before the dashboard hears of it.
        self.widgets["kernel"].observe(self._on_kernel, "value")
        self.widgets["accept_threshold_percent"].observe(lambda _: self._show_effective(), "value")
        for name, widget in self.widgets.items():
            _observe(widget, lambda change, name=name: self._changed(name))
        self._show_effective()

        by_group: dict[str, list[w.Widget]] = {}
        for name, trait in Config.knobs().items():
            if name != "seed":
                by_group.setdefault(trait.metadata["group"], []).append(self.widgets[name])
        self.main = w.HBox(
            [
                w.VBox([w.HTML("<b>zswap</b>"), *by_group.get("zswap", [])]),
                w.VBox(
                    [
                        w.HTML("<b>patches</b> (tick to override the preset)"),
                        *by_group.get("patches", []),
                    ]
                ),
            ],
            layout=w.Layout(flex_flow="row wrap", grid_gap="16px"),
        )
        self.seed = self.widgets["seed"]
        sections = [
            w.VBox([w.HTML(f"<b>{group}</b>"), *by_group[group]])
            for group in ADVANCED_GROUPS
            if by_group.get(group)
        ]
        self.advanced = w.Accordion(
            children=[w.Box(sections, layout=w.Layout(flex_flow="row wrap", grid_gap="12px"))],
            titles=("Advanced: workload, machine, swap device, cgroups, simulation",),
            selected_index=None,
        )

    # ------------------------------------------------------------------ values
    def values(self) -> dict[str, Any]:
        """Every knob's value as the controls hold it."""
        return {name: widget.value for name, widget in self.widgets.items()}

    def set_values(self, config: Config | dict[str, Any], notify: bool = True) -> None:
        """Set every control at once; observers hear one change at the end (if notify)."""
        values = config.to_dict() if isinstance(config, Config) else config
        with self.quiet():
            kernel = values.get("kernel", self.widgets["kernel"].value)
            self.widgets["kernel"].value = kernel
            for name, v in values.items():
                self.widgets[name].value = v
            self._show_effective()
        if notify:
            self._notify("*")

    @contextmanager
    def quiet(self) -> Iterator[None]:
        """Change controls without notifying the dashboard for each one."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def on_change(self, fn: Callable[[str], None]) -> None:
        """Call fn(knob name) after a user change (one call for a group of related changes)."""
        self._callbacks.append(fn)

    def _changed(self, name: str) -> None:
        if not self._quiet:
            self._notify(name)

    def _notify(self, name: str) -> None:
        for fn in self._callbacks:
            fn(name)

    def _on_kernel(self, change: dict) -> None:
        """A new kernel preset drops the patch overrides and shows what the preset applies."""
        if self._quiet:
            self._show_effective()
            return
        with self.quiet():
            for name in Config.preset_knobs():
                self.widgets[name].value = None
            self._show_effective()

    def _show_effective(self) -> None:
        kernel = self.widgets["kernel"].value
        for name in Config.preset_knobs():
            applies = kernel in KERNELS and Config.preset_applies(kernel, name)
            self.widgets[name].set_preset(applies)
        accept = self.widgets["accept_threshold_percent"].value
        self.widgets["shrink_start_percent"].show_effective(min(100, accept + 1))
