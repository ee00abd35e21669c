"""The CLI's argument parser, reading `--set NAME=VALUE` into a typed knob value, and its usage
error (one line on stderr, exit status 2)."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from traitlets import Bool, Enum, Float, Int

from ..model.config import Config
from ..model.guard import Budget

SET_HELP = (
    "set a knob, e.g. --set max_pool_percent=20; repeat for more. "
    "`zswap-widgets knobs` lists every NAME with its range, unit and default"
)


class UsageError(Exception):
    """A bad command line: printed as one line, exit status 2."""


class _Help(argparse.ArgumentDefaultsHelpFormatter):
    """--help shows each option's default, unless it has none (None, False) or says it."""

    def _get_help_string(self, action: argparse.Action) -> str:
        if action.default is None or action.default is False or action.default == []:
            return action.help or ""
        if "default" in (action.help or ""):
            return action.help or ""
        return super()._get_help_string(action) or ""


class Parser(argparse.ArgumentParser):
    """argparse with defaults in --help and usage errors as one line (UsageError)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: must be a whole number >= 1")
    return value


def positive_float(text: str) -> float:
    """An argparse type: a number above 0 (inf allowed)."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not allowed: must be a number above 0")
    return value


def parse_settings(texts: list[str]) -> dict[str, Any]:
    """Every --set, typed; the same knob twice with different values is an error."""
    settings: dict[str, Any] = {}
    for text in texts:
        name, value = parse_setting(text)
        if name in settings and settings[name] != value:
            raise UsageError(
                f"--set {name} is given twice ({settings[name]!r} and {value!r}); give it once"
            )
        settings[name] = value
    return settings


def parse_setting(text: str) -> tuple[str, Any]:
    """'name=value' -> (name, typed value), typed by the knob's trait."""
    if "=" not in text:
        raise UsageError(f"--set {text!r}: expected NAME=VALUE (`zswap-widgets knobs` lists NAMEs)")
    name, raw = (s.strip() for s in text.split("=", 1))
    knobs = Config.knobs()
    if name not in knobs:
        raise UsageError(
            f"--set {name}: unknown parameter; `zswap-widgets knobs` lists them: {', '.join(knobs)}"
        )
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


def add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """--budget-s and --budget-mib: the model's cost guard for each run (model/guard.py)."""
    default = Budget()
    parser.add_argument(
        "--budget-s",
        type=positive_float,
        default=default.seconds,
        metavar="SECONDS",
        help="refuse a run estimated to take longer (the model's cost guard)",
    )
    parser.add_argument(
        "--budget-mib",
        type=positive_float,
        default=default.memory_mib,
        metavar="MIB",
        help="refuse a run estimated to need more memory",
    )


def budget_of(args: argparse.Namespace) -> Budget:
    """The Budget of --budget-s and --budget-mib."""
    return Budget(seconds=args.budget_s, memory_mib=args.budget_mib)
