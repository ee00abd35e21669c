"""Controls generated from `Config`'s trait metadata: one widget per knob, never a second copy.

Every control has a `.value` holding exactly what `Config` takes for its knob (None included), so
`Controls.values()` can be passed to `Config(**values)` as it is. A number is typed into a text
box beside its slider (the slider has no readout, which ipywidgets would clamp to its range
without a word): text that is not a valid value sets the control's `.error`, keeps what was typed
and leaves `.value` as it was. Knobs the current kernel does not read are disabled, with a
tooltip saying why. Every control's tooltip is its knob's description.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as w
from traitlets import Any as AnyTrait
from traitlets import Bool, Enum, Float, Int, TraitError, Unicode

from ..model.config import Config
from ..model.kernels import KERNELS, PATCH_TITLES

# The longest knob label, "watermark_scale_factor (1/10000)", fits in DESCRIPTION_WIDTH.
DESCRIPTION_WIDTH = "230px"
CONTROL_WIDTH = "430px"  # label and slider; the text box follows
TEXT_WIDTH = "78px"
STYLE = {"description_width": DESCRIPTION_WIDTH}
PATCH_WIDTH = "440px"  # the longest patch title in full
MAIN_GROUPS = ("zswap", "patches")
ADVANCED_GROUPS = ("workload", "machine", "swap device", "cgroups", "simulation")


def _label(name: str, meta: dict) -> str:
    unit = meta.get("unit")
    return f"{name} ({unit})" if unit else name


def _decimals(step: float) -> int:
    text = f"{step:g}"
    return len(text.split(".")[1]) if "." in text else 0


def _format(value: Any, step: float) -> str:
    if value is None:
        return "auto"
    if isinstance(value, float):
        return f"{value:.{max(_decimals(step), 1)}f}"
    return str(value)


def _apply_typed(control: Any, text: str, optional: bool, show: Callable[[dict], None]) -> None:
    """Typed text -> control.value, or control.error with the text kept (Config.parse)."""
    try:
        value = Config.parse(control.name, text)
        if value is None and not optional:
            raise TraitError(f"{control.name} = {text!r} is not allowed: it needs a value")
    except TraitError as e:
        control.error = str(e)
        return
    control.error = ""
    if value == control.value:
        show({"new": value})  # the same value typed differently ("025"): show it as stored
    control.value = value


class NumberControl(w.HBox):
    """A number knob: a slider (no readout), a text box for typing the value, and for knobs
    that may be None an "auto" checkbox."""

    value = AnyTrait(None, allow_none=True)
    error = Unicode("")

    def __init__(self, name: str, trait: Int | Float) -> None:
        m = trait.metadata
        self.name = name
        self.description = m["description"]
        self.step = m.get("step", 1)
        is_int = isinstance(trait, Int)
        slider_cls = w.IntSlider if is_int else w.FloatSlider
        self.slider = slider_cls(
            value=m["min"],
            min=m["min"],
            max=m["max"],
            step=self.step,
            description=_label(name, m),
            tooltip=self.description,
            continuous_update=False,
            readout=False,
            style=STYLE,
            layout={"width": CONTROL_WIDTH},
        )
        self.text = w.Text(
            value="",
            tooltip=f"type a value: {Config.allowed(name)}",
            continuous_update=False,
            layout={"width": TEXT_WIDTH},
        )
        self.text.add_class("zsw-knob-text")
        self.optional = trait.allow_none
        children: list[w.Widget] = [self.slider, self.text]
        if self.optional:
            self.auto = w.Checkbox(
                value=True,
                description="auto",
                indent=False,
                tooltip="automatic value; untick to set it",
                layout={"width": "70px"},
            )
            self.auto.observe(self._from_auto, "value")
            children.append(self.auto)
        super().__init__(children)
        self.add_class("zsw-knob")
        self.add_class(f"zsw-knob-{name}")
        self._syncing = False
        self._effective: Any = None
        self.slider.observe(self._from_slider, "value")
        self.text.observe(self._from_text, "value")
        self.observe(self._to_parts, "value")
        self._to_parts({"new": self.value})

    # -- parts -> value
    def _from_slider(self, change: dict) -> None:
        if self._syncing:
            return
        self.error = ""
        self.value = change["new"]

    def _from_text(self, change: dict) -> None:
        if not self._syncing:
            _apply_typed(self, change["new"], self.optional, self._to_parts)

    def _from_auto(self, change: dict) -> None:
        if self._syncing:
            return
        self.error = ""
        self.value = None if change["new"] else self.slider.value

    # -- value -> parts
    def _to_parts(self, change: dict) -> None:
        v = change["new"]
        self._syncing = True
        try:
            shown = self._effective if v is None else v
            if shown is not None and self.slider.min <= shown <= self.slider.max:
                self.slider.value = shown
            self.text.value = _format(v, self.step) if v is not None else "auto"
            if self.optional:
                self.auto.value = v is None
            self._render_disabled()
        finally:
            self._syncing = False

    def show_effective(self, value: Any) -> None:
        """While on auto, let the slider show the value in effect."""
        self._effective = value
        if self.value is None:
            self._to_parts({"new": None})

    def set_disabled(self, why: str) -> None:
        """Disable the control (why: the tooltip's reason) or enable it again (why "")."""
        self._why = why
        self._render_disabled()

    def _render_disabled(self) -> None:
        why = getattr(self, "_why", "")
        off = bool(why) or (self.optional and self.value is None)
        self.slider.disabled = off
        self.text.disabled = bool(why) or (self.optional and self.value is None)
        if self.optional:
            self.auto.disabled = bool(why)
        tip = self.description + (f". Ignored now: {why}" if why else "")
        self.slider.tooltip = tip
        self.text.tooltip = tip if why else f"type a value: {Config.allowed(self.name)}"


class PatchToggle(w.HBox):
    """One preset knob (a patch, the second chance): a checkbox showing whether it applies,
    set by hand = an explicit override.

    `value` is the Config knob: None follows the kernel preset, True/False overrides it.
    """

    value = Bool(None, allow_none=True)

    def __init__(self, name: str, trait: Bool) -> None:
        self.name = name
        self.description = trait.metadata["description"]
        n = name[len("patch") :]
        self.check = w.Checkbox(
            value=False,
            description=f"patch {n}: {PATCH_TITLES[int(n)]}" if name.startswith("patch") else name,
            indent=False,
            tooltip=self.description,
        )
        self.check.layout.width = PATCH_WIDTH
        self.status = w.HTML("<i>preset</i>", tooltip="whether the preset or your tick decides")
        self.status.layout.width = "60px"
        self.clear = w.Button(
            description="preset", icon="undo", tooltip="follow the kernel preset again"
        )
        self.clear.layout.width = "90px"
        self.clear.layout.visibility = "hidden"
        super().__init__([self.check, self.status, self.clear])
        self.add_class(f"zsw-knob-{name}")
        self._preset = False
        self._syncing = False
        self.check.observe(self._on_check, "value")
        self.clear.on_click(lambda _: setattr(self, "value", None))
        self.observe(lambda _: self._render(), "value")

    def set_preset(self, applies: bool) -> None:
        """Tell the control what the kernel preset does, for display while value is None."""
        self._preset = applies
        self._render()

    def set_disabled(self, why: str) -> None:
        self.check.disabled = bool(why)
        self.check.tooltip = self.description + (f". Ignored now: {why}" if why else "")

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
    """The seed, typed (checked strictly: "3.7", "1e3", "-5" and "abc" are errors), and a
    "new seed" button."""

    value = Int(0)
    error = Unicode("")

    def __init__(self, name: str, trait: Int) -> None:
        m = trait.metadata
        self.name = name
        self.field = w.Text(
            value="0",
            description=name,
            tooltip=m["description"],
            continuous_update=False,
            style={"description_width": "initial"},
            layout={"width": "200px"},
        )
        self.new = w.Button(description="new seed", icon="random", tooltip="draw a random seed")
        self.new.on_click(lambda _: setattr(self, "value", random.randrange(m["max"] + 1)))
        super().__init__([self.field, self.new])
        self.add_class("zsw-knob-seed")
        self._syncing = False
        self.field.observe(self._from_text, "value")
        self.observe(self._to_text, "value")

    def _from_text(self, change: dict) -> None:
        if not self._syncing:
            _apply_typed(self, change["new"], False, self._to_text)

    def _to_text(self, change: dict) -> None:
        self._syncing = True
        try:
            self.field.value = str(change["new"])
        finally:
            self._syncing = False

    def set_disabled(self, why: str) -> None:
        self.field.disabled = bool(why)


class ChoiceControl(w.Dropdown):
    """An Enum knob."""

    def __init__(self, name: str, trait: Enum) -> None:
        self.description_text = trait.metadata["description"]
        super().__init__(
            options=list(trait.values),
            description=name,
            tooltip=self.description_text,
            style=STYLE,
            layout={"width": "370px"},
        )
        self.add_class(f"zsw-knob-{name}")

    def set_disabled(self, why: str) -> None:
        self.disabled = bool(why)
        self.tooltip = self.description_text + (f". Ignored now: {why}" if why else "")


class FlagControl(w.Checkbox):
    """A Bool knob that is not a patch."""

    def __init__(self, name: str, trait: Bool) -> None:
        self.description_text = trait.metadata["description"]
        super().__init__(description=name, tooltip=self.description_text, indent=False)
        self.add_class(f"zsw-knob-{name}")

    def set_disabled(self, why: str) -> None:
        self.disabled = bool(why)
        self.tooltip = self.description_text + (f". Ignored now: {why}" if why else "")


def make_control(name: str, trait: Any) -> w.Widget:
    """The widget for one knob, from its metadata."""
    if name == "seed":
        return SeedControl(name, trait)
    if isinstance(trait, Enum):
        return ChoiceControl(name, trait)
    if isinstance(trait, Bool) and trait.allow_none:
        return PatchToggle(name, trait)
    if isinstance(trait, Bool):
        return FlagControl(name, trait)
    if isinstance(trait, (Int, Float)):
        return NumberControl(name, trait)
    raise TypeError(f"no control for knob {name!r} of type {type(trait).__name__}")


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
            widget.observe(lambda change, name=name: self._changed(name), "value")
            if "error" in widget.trait_names():
                widget.observe(lambda change, name=name: self._changed(name), "error")
        self._show_effective()

        by_group: dict[str, list[w.Widget]] = {}
        for name, trait in Config.knobs().items():
            if name != "seed":
                by_group.setdefault(trait.metadata["group"], []).append(self.widgets[name])
        self.main = w.HBox(
            [
                w.VBox([w.HTML("<b>zswap</b> (in the order of the story)"), *by_group["zswap"]]),
                w.VBox(
                    [
                        w.HTML("<b>patches</b> (tick to override the preset)"),
                        *by_group["patches"],
                    ]
                ),
            ],
            layout=w.Layout(flex_flow="row wrap", grid_gap="4px 24px"),
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

    def errors(self) -> dict[str, str]:
        """Knob -> why the text typed into its control is not a value."""
        return {
            name: widget.error
            for name, widget in self.widgets.items()
            if getattr(widget, "error", "")
        }

    def set_values(self, config: Config | dict[str, Any], notify: bool = True) -> None:
        """Set every control at once; observers hear one change at the end (if notify)."""
        values = config.to_dict() if isinstance(config, Config) else config
        with self.quiet():
            kernel = values.get("kernel", self.widgets["kernel"].value)
            self.widgets["kernel"].value = kernel
            for name, v in values.items():
                widget = self.widgets[name]
                if getattr(widget, "error", ""):
                    widget.error = ""
                widget.value = v
                if isinstance(widget, NumberControl):
                    widget._to_parts({"new": v})  # the typed text too, if it was invalid
                elif isinstance(widget, SeedControl):
                    widget._to_text({"new": v})
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
        if isinstance(accept, int):
            self.widgets["shrink_start_percent"].show_effective(min(100, accept + 1))
        self.show_ignored()

    def show_ignored(self, shown: Config | None = None) -> None:
        """Disable the knobs the kernel does not read (of `shown`, else of the controls'
        values when they form a valid Config), each with a tooltip saying why."""
        if shown is None:
            try:
                shown = Config(**self.values())
            except TraitError:
                return
        ignored = shown.ignored()
        for name, widget in self.widgets.items():
            if hasattr(widget, "set_disabled") and name != "kernel":
                widget.set_disabled(ignored.get(name, ""))
