"""`zswap-widgets knobs`: every knob of Config with its range, unit, default and description,
grouped as Config groups them (the NAMEs of `--set NAME=VALUE`)."""

from __future__ import annotations

import argparse
import textwrap

from ..model.config import GROUPS, Config


def register(sub: argparse._SubParsersAction) -> None:
    k = sub.add_parser(
        "knobs",
        help="list every knob (the NAMEs of --set) with range, unit and default",
        description="List every knob of the model, grouped, with its allowed values, unit, "
        "default and description. Set one with `zswap-widgets run --set NAME=VALUE`.",
    )
    k.set_defaults(func=knobs)


def knob_lines() -> list[str]:
    """The listing: per group a heading, per knob `name = default` and what it allows, then
    its description."""
    default = Config()
    traits = Config.knobs()
    lines = []
    for group in GROUPS:
        names = [n for n, t in traits.items() if t.metadata["group"] == group]
        if not names:
            continue
        lines.append(f"{group}:")
        for name in names:
            value = getattr(default, name)
            shown = (
                "None" if value is None else str(value).lower() if value in (True, False) else value
            )
            lines.append(f"  {f'{name} = {shown}':<38} {Config.allowed(name)}")
            text = traits[name].metadata["description"]
            lines += textwrap.wrap(text, 96, initial_indent="      ", subsequent_indent="      ")
    return lines


def knobs(args: argparse.Namespace) -> int:
    for line in knob_lines():
        print(line)
    return 0
