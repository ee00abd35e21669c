"""`zswap-widgets run`: one scenario's stages, debugfs counters and narrated event log."""

from __future__ import annotations

import argparse
import json

from ..model.config import Config
from ..model.kernels import KERNELS
from ..model.results import COUNTERS
from ..model.simulation import simulate
from .settings import parse_setting


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("run", help="run one scenario and print stages, counters and events")
    r.add_argument("--kernel", choices=list(KERNELS))
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = dict(parse_setting(s) for s in args.set)
    if args.kernel:
        settings["kernel"] = args.kernel
    config = Config(**settings)
    result = simulate(config)
    if args.json:
        print(
            json.dumps({**result.summary(), "stages": result.stages, "events": result.event_log()})
        )
        return 0
    print(f"{config!r}")
    print(f"elapsed {result.elapsed_s:.2f} s, user {result.user_s:.3f} s, sys {result.sys_s:.3f} s")
    print("stages:")
    for stage, t0, t1 in result.stages:
        print(f"  {stage}: {t0:7.2f} s .. {t1:7.2f} s")
    print("counters:")
    for name in COUNTERS:
        print(f"  {name:<22} {result.counters[name]}")
    print("events:")
    for line in result.event_log():
        print(f"  {line}")
    return 0
