"""`zswap-widgets validate TRACE`: the model against a measured trace, one table with the ratio
of each figure. TRACE is a trace file (as `zswap-widgets record` writes them) or the name of a
shipped one (off, on_zs)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..analysis import traces
from ..model.simulation import simulate
from .settings import UsageError, parse_setting


def register(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser(
        "validate",
        help="run the model on a measured trace's machine and compare them",
        description="Run the model with a trace's machine, workload and zswap parameters "
        "(traces.Trace.model_config) and print the figures of both with model/trace.",
    )
    v.add_argument(
        "trace",
        metavar="TRACE",
        help=f"a trace file (CSV, as `record` writes) or a shipped trace: {', '.join(traces.TRACES)}",
    )
    v.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="change a model knob for this run (e.g. --set swap_iops=5000); "
        "`zswap-widgets knobs` lists every NAME with its range, unit and default",
    )
    v.add_argument("--json", action="store_true", help="print the table as JSON")
    v.set_defaults(func=validate)


def load_trace(name: str) -> traces.Trace:
    """A shipped trace by name, else a file; a clear error for anything else."""
    if name in traces.TRACES:
        return traces.load(name)
    path = Path(name)
    if not path.is_file():
        raise UsageError(
            f"TRACE = {name!r} is neither a file nor a shipped trace ({', '.join(traces.TRACES)})"
        )
    try:
        return traces.load_path(path)
    except (ValueError, UnicodeDecodeError) as e:
        raise UsageError(f"TRACE = {name!r} is not a trace file: {e}") from None


def validate(args: argparse.Namespace) -> int:
    trace = load_trace(args.trace)
    settings = dict(parse_setting(s) for s in args.set)
    config = trace.model_config(**settings)
    table = traces.compare(trace, simulate(config))
    if args.json:
        print(json.dumps({**table.to_dict(), "config": config.to_dict(only_changed=True)}))
        return 0
    print(f"trace {trace.name}: {'; '.join(trace.description)}")
    print(f"model: {config!r}")
    print(table.format())
    return 0
