"""`zswap-widgets record [--out FILE] [-- COMMAND ...]`: measure your own kernel's zswap while a
command runs (or the built-in allocator writes N MiB), in the trace format `validate` reads.

Read-only towards /sys and /proc: it never writes a zswap parameter. Set the parameters you want
first (as root: echo Y > /sys/module/zswap/parameters/enabled, ...). Reading zswap's debugfs
counters needs root."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..analysis.recorder import Recorder, RecordError
from .settings import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "record",
        help="record a real kernel's zswap counters while a workload runs (then: validate)",
        description="Sample /sys/kernel/debug/zswap, /proc/vmstat and /proc/meminfo every "
        "100 ms while COMMAND runs, or while the built-in allocator writes --mib MiB of "
        "pages (a fraction --fraction of one repeated byte, the rest random, as the "
        "shipped traces), and write a trace file for `zswap-widgets validate`. Never "
        "writes to /sys; needs root to read debugfs.",
    )
    r.add_argument(
        "--out",
        metavar="FILE",
        help="trace file to write (default: a new "
        "zswap-trace-DATE.csv in the current directory; never overwritten)",
    )
    r.add_argument(
        "--mib",
        type=int,
        help="built-in allocator: MiB to write (default: twice the RAM, if swap can take it)",
    )
    r.add_argument(
        "--fraction",
        type=float,
        default=0.75,
        help="built-in allocator: compressible share of each page (default 0.75)",
    )
    r.add_argument(
        "--hold",
        type=float,
        default=5.0,
        help="seconds of sampling after the workload ends (default 5)",
    )
    r.add_argument("--interval", type=float, default=0.1, help="sampling interval in s")
    r.add_argument("--sys-root", default="/sys", help=argparse.SUPPRESS)
    r.add_argument("--proc-root", default="/proc", help=argparse.SUPPRESS)
    r.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="-- COMMAND ...",
        help="the workload to measure, after --",
    )
    r.set_defaults(func=record)


def record(args: argparse.Namespace) -> int:
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    out = Path(args.out or time.strftime("zswap-trace-%Y%m%d-%H%M%S.csv"))
    if out.exists():
        raise UsageError(f"--out {str(out)!r} exists; give a new file name")
    try:
        recorder = Recorder(Path(args.sys_root), Path(args.proc_root), args.interval)
        text = recorder.record(
            command or None,
            mib=args.mib,
            fraction=args.fraction,
            hold_s=args.hold,
            progress=lambda msg: print(msg, file=sys.stderr),
        )
    except RecordError as e:
        print(f"zswap-widgets record: {e}", file=sys.stderr)
        return 1
    for note in recorder.notes:
        print(f"note: {note}", file=sys.stderr)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}; compare the model with it: zswap-widgets validate {out}")
    return 0
