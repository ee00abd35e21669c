"""Command line: `zswap-widgets <command>` (also `python -m zswap_widgets`).

Each subcommand lives in its own module with a `register(subparsers)` function; this module only
assembles the parser and turns usage errors into one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from traitlets import TraitError

from ..model.guard import RunTooLarge
from . import bench, knobs, record, run, sweep, tutorial, validate
from .settings import Parser, UsageError

COMMANDS = (run, bench, knobs, sweep, tutorial, validate, record)


def build_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="zswap-widgets",
        description="A stepwise model of Linux zswap: run scenarios, the benchmark, the tutorial; "
        "record a real kernel and validate the model against it.",
        epilog="`zswap-widgets COMMAND --help` describes each command's options.",
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except UsageError as e:
        print(f"zswap-widgets: error: {e}", file=sys.stderr)
        return 2
    try:
        status = args.func(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except (TraitError, UsageError, RunTooLarge) as e:
        print(f"zswap-widgets: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`zswap-widgets run | head`): stop quietly. Python would flush
        # stdout again at exit and fail once more, so point it at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
