"""Command line: `zswap-widgets <command>` (also `python -m zswap_widgets`).

Each subcommand lives in its own module with a `register(subparsers)` function; this module only
assembles the parser and turns usage errors into one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

from traitlets import TraitError

from . import bench, record, run, sweep, tutorial, validate
from .settings import UsageError

COMMANDS = (run, bench, sweep, tutorial, validate, record)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zswap-widgets",
        description="A stepwise model of Linux zswap: run scenarios, the benchmark, the tutorial; "
        "record a real kernel and validate the model against it.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (TraitError, UsageError) as e:
        print(f"zswap-widgets: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
