"""`zswap-widgets bench`: the cover letter's benchmark table, reproduced by the model."""

from __future__ import annotations

import argparse
import json

from ..analysis.bench import BENCH_KERNELS, format_bench, run_bench
from ..model.kernels import KERNELS
from .settings import positive_int


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser(
        "bench",
        help="reproduce the cover letter's benchmark table",
        description="Allocate 2 GiB of 3/4-compressible data on a 1 GiB VM under each kernel "
        "preset and print the mean elapsed, user and sys time of the allocation beside the "
        "cover letter's published figures.",
    )
    b.add_argument("--json", action="store_true", help="print JSON instead of the table")
    b.add_argument("--runs", type=positive_int, default=10, help="seeded runs per kernel")
    b.add_argument(
        "--kernels",
        nargs="+",
        choices=list(KERNELS),
        default=list(BENCH_KERNELS),
        metavar="KERNEL",
        help=f"kernel presets to run, of: {', '.join(KERNELS)} (default: "
        f"{' '.join(BENCH_KERNELS)})",
    )
    b.set_defaults(func=bench)


def bench(args: argparse.Namespace) -> int:
    result = run_bench(runs=args.runs, kernels=args.kernels)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"mean of {args.runs} seeded runs, allocation phase only")
        print(format_bench(result))
    return 0
