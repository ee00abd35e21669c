"""Reading `--set NAME=VALUE` into a typed knob value, and the CLI's usage error."""

from __future__ import annotations

from typing import Any

from traitlets import Bool, Enum, Float, Int

from ..model.config import Config


class UsageError(Exception):
    """A bad command line: printed as one line, exit status 2."""


def parse_setting(text: str) -> tuple[str, Any]:
    """'name=value' -> (name, typed value), typed by the knob's trait."""
    if "=" not in text:
        raise UsageError(f"--set {text!r}: expected name=value")
    name, raw = (s.strip() for s in text.split("=", 1))
    knobs = Config.knobs()
    if name not in knobs:
        raise UsageError(f"--set {name}: unknown parameter; allowed: {', '.join(knobs)}")
    trait = knobs[name]
    if raw.lower() == "none" and trait.allow_none:
        return name, None
    try:
        if isinstance(trait, Bool):
            if raw.lower() not in ("true", "false", "on", "off", "1", "0"):
                raise ValueError
            return name, raw.lower() in ("true", "on", "1")
        if isinstance(trait, Int):
            return name, int(raw)
        if isinstance(trait, Float):
            return name, float(raw)
    except ValueError:
        raise UsageError(
            f"{name} = {raw!r} is not allowed: must be {Config.allowed(name)}"
        ) from None
    assert isinstance(trait, Enum)
    return name, raw
