"""`zswap-widgets sweep`: one scenario over a grid of knob values, on local cores or a Dask cluster.

    zswap-widgets sweep --grid max_pool_percent=5:50:5 --grid accept_threshold_percent=10:90:10 \\
        --metric elapsed_s [--workers N | --scheduler ADDRESS] [--set NAME=VALUE ...] \\
        [--scale FACTOR] [--json | --csv FILE]

A progress bar (runs done / total, time left) goes to stderr. Ctrl-C stops cleanly: runs not
started are cancelled and what finished is printed (exit status 130).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from contextlib import ExitStack
from typing import Any

import numpy as np

from ..analysis.grid import parse_item
from ..analysis.sweep import METRICS, TIME_METRICS, SweepResult, check_metrics, sweep
from ..model.config import Config
from .settings import SET_HELP, UsageError, add_budget_arguments, budget_of, parse_setting

GRID_HELP = (
    "a knob and its values: START:STOP:STEP for a number (STOP included when it lands on a step, "
    "e.g. max_pool_percent=5:50:5), or a comma list for any knob (kernel=off,patches-1-6, "
    "patch6=false,true); repeat for more knobs"
)
BAR_WIDTH = 30


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "sweep",
        help="run a scenario over a grid of knob values; print one table per metric",
        description="Run the product of the grid's values (each run seeded from its "
        "configuration), plus the zswap-off run of the same machine and workload, and print "
        "each metric as a table. Cells slower than zswap off are marked *.",
    )
    s.add_argument("--grid", action="append", required=True, metavar="NAME=SPEC", help=GRID_HELP)
    s.add_argument(
        "--metric",
        action="append",
        metavar="NAME",
        help=f"what to report (default elapsed_s; repeat for more): {', '.join(METRICS)}",
    )
    s.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    s.add_argument(
        "--scale",
        type=float,
        metavar="FACTOR",
        help="the same story at another size (Config.scaled: memory and device limits times "
        "FACTOR, the time step divided by it), e.g. 0.25 for quick sweeps",
    )
    where = s.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, help="local processes (default: one per CPU)")
    where.add_argument(
        "--scheduler", metavar="ADDRESS", help="run on this Dask scheduler (tcp://host:8786)"
    )
    s.add_argument("--no-baseline", action="store_true", help="do not run the zswap-off baseline")
    add_budget_arguments(s)
    out = s.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print everything as JSON")
    out.add_argument("--csv", metavar="FILE", help="write the table (one row per run) to FILE")
    s.set_defaults(func=run_sweep)


def run_sweep(args: argparse.Namespace) -> int:
    config = Config(**dict(parse_setting(s) for s in args.set))
    if args.scale is not None:
        if not 0 < args.scale <= 64:
            raise UsageError(f"--scale {args.scale}: must be above 0 and at most 64")
        config = config.scaled(args.scale)
    grid: dict[str, list[Any]] = {}
    for item in args.grid:
        name, values = parse_item(item)
        if name in grid:
            raise UsageError(f"--grid {name}: given twice")
        grid[name] = values
    metrics = check_metrics(args.metric or ["elapsed_s"])
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: must be at least 1")
    bar = ProgressBar(sys.stderr)
    with ExitStack() as stack:
        executor = _dask_executor(args.scheduler, stack) if args.scheduler else None
        result = sweep(
            config,
            grid,
            metrics,
            executor,
            workers=args.workers,
            baseline=not args.no_baseline,
            progress=bar.update,
            budget=budget_of(args),
        )
    bar.close()
    if args.json:
        print(json.dumps(result.to_json()))
    elif args.csv:
        result.to_csv(args.csv)
        print(f"{len(result.table())} runs written to {args.csv}")
    else:
        print(format_result(result))
    if result.cancelled:
        print(
            f"zswap-widgets: interrupted: {result.done} of {result.total} runs finished",
            file=sys.stderr,
        )
        return 130
    return 0


def _dask_executor(address: str, stack: ExitStack) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            "--scheduler needs dask.distributed: pip install 'zswap-widgets[dask]'"
        ) from None
    try:
        client = Client(address, timeout="10s")
    except (OSError, TimeoutError, ValueError) as e:
        raise UsageError(f"--scheduler {address}: cannot connect ({e})") from None
    stack.enter_context(client)
    return client.get_executor()


class ProgressBar:
    """Runs done / total and time left on stderr: redrawn in place on a terminal, else a line
    at the first finished run, at most every 5 s after it, and at the end."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last = -1e9
        self.shown = False

    def update(self, r: SweepResult) -> None:
        now = time.monotonic()
        if not self.tty:
            due = r.done in (1, r.total) or (r.done and now - self.last >= 5)
            if not due:
                return
        self.last = now
        filled = BAR_WIDTH * r.done // max(r.total, 1)
        left = "" if r.left_s is None else f", {r.left_s:.0f} s left"
        text = f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {r.done}/{r.total} runs{left}"
        if self.tty:
            self.stream.write(f"\r{text}")
        else:
            self.stream.write(f"{text}\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\n")
            self.stream.flush()


def format_result(r: SweepResult) -> str:
    """One table per metric: a matrix for two knobs, else one row per run."""
    lines = [f"{r.config!r}: {r.done} runs in {r.wall_s:.1f} s"]
    for m in r.metrics:
        lines.append("")
        lines.append(f"{m}: {METRICS[m]}")
        base = r.baseline[m]
        uniform = np.isfinite(base).all() and (base == base.flat[0]).all()
        slower = m in TIME_METRICS and np.isfinite(base).all()
        if len(r.knobs) == 2:
            lines += _matrix(r, m, slower)
        else:
            lines += _rows(r, m, slower)
        if uniform:
            lines.append(f"zswap off (same machine and workload): {_fmt(base.flat[0], m)}")
        elif np.isfinite(base).any():
            lines.append("zswap off: differs across the grid (see --csv or --json)")
        if slower:
            lines.append("* above zswap off: zswap does not pay there")
    return "\n".join(lines)


def _cell(r: SweepResult, m: str, index: tuple, slower: bool) -> str:
    value = r.arrays[m][index]
    if np.isnan(value):
        return "-"
    mark = "*" if slower and value > r.baseline[m][index] else ""
    return _fmt(value, m) + mark


def _fmt(value: float, m: str) -> str:
    return f"{value:.3f}" if m in TIME_METRICS else f"{int(value)}"


def _matrix(r: SweepResult, m: str, slower: bool) -> list[str]:
    (rows, cols), (row_values, col_values) = r.knobs, r.values
    corner = f"{rows} \\ {cols}"
    cells = [
        [_cell(r, m, (i, j), slower) for j in range(len(col_values))]
        for i in range(len(row_values))
    ]
    width = max(len(str(v)) for row in [*cells, col_values] for v in row) + 1
    head = max(len(corner), *(len(str(v)) for v in row_values))
    out = [corner.ljust(head) + "".join(str(v).rjust(width) for v in col_values)]
    for v, row in zip(row_values, cells, strict=True):
        out.append(str(v).ljust(head) + "".join(c.rjust(width) for c in row))
    return out


def _rows(r: SweepResult, m: str, slower: bool) -> list[str]:
    out = ["  ".join(r.knobs) + f"  {m}"]
    for index in np.ndindex(*r.shape):
        point = "  ".join(str(v[i]) for v, i in zip(r.values, index, strict=True))
        out.append(f"{point}  {_cell(r, m, index, slower)}")
    return out
