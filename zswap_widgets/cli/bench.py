"""`zswap-widgets bench`: the cover letter's benchmark table, reproduced by the model."""

from __future__ import annotations

import argparse
import json

from ..analysis.bench import BENCH_KERNELS, format_bench, run_bench
from ..model.kernels import KERNELS


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("bench", help="reproduce the cover letter's benchmark table")
    b.add_argument("--json", action="store_true")
    b.add_argument("--runs", type=int, default=10, help="seeded runs per kernel (default 10)")
    b.add_argument("--kernels", nargs="+", choices=list(KERNELS), default=list(BENCH_KERNELS))
    b.set_defaults(func=bench)


def bench(args: argparse.Namespace) -> int:
    result = run_bench(runs=args.runs, kernels=args.kernels)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"mean of {args.runs} seeded runs, allocation phase only")
        print(format_bench(result))
    return 0
