"""Command line: `zswap-widgets bench`, `zswap-widgets run` (also `python -m zswap_widgets`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from traitlets import Bool, Enum, Float, Int, TraitError

from ..analysis.bench import BENCH_KERNELS, format_bench, run_bench
from ..model.config import Config
from ..model.kernels import KERNELS
from ..model.results import COUNTERS
from ..model.simulation import simulate


class UsageError(Exception):
    pass


def parse_setting(text: str) -> tuple[str, Any]:
    """'name=value' -> (name, typed value), typed by the knob's trait."""
    if "=" not in text:
        raise UsageError(f"--set {text!r}: expected name=value")
    name, raw = (s.strip() for s in text.split("=", 1))
    knobs = Config.knobs()
    if name not in knobs:
        raise UsageError(f"--set {name}: unknown parameter; allowed: {', '.join(knobs)}")
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


def _bench(args: argparse.Namespace) -> int:
    result = run_bench(runs=args.runs, kernels=args.kernels)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"mean of {args.runs} seeded runs, allocation phase only")
        print(format_bench(result))
    return 0


def _run(args: argparse.Namespace) -> int:
    settings = dict(parse_setting(s) for s in args.set)
    if args.kernel:
        settings["kernel"] = args.kernel
    config = Config(**settings)
    run = simulate(config)
    if args.json:
        print(json.dumps({**run.summary(), "stages": run.stages, "events": run.event_log()}))
        return 0
    print(f"{config!r}")
    print(f"elapsed {run.elapsed_s:.2f} s, user {run.user_s:.3f} s, sys {run.sys_s:.3f} s")
    print("stages:")
    for stage, t0, t1 in run.stages:
        print(f"  {stage}: {t0:7.2f} s .. {t1:7.2f} s")
    print("counters:")
    for name in COUNTERS:
        print(f"  {name:<22} {run.counters[name]}")
    print("events:")
    for line in run.event_log():
        print(f"  {line}")
    return 0


def _tutorial(args: argparse.Namespace) -> int:
    from ..teaching.tutorial import launch

    return launch(args.app, args.dir, port=args.port, open_browser=not args.no_browser)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="zswap-widgets", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("bench", help="reproduce the cover letter's benchmark table")
    b.add_argument("--json", action="store_true")
    b.add_argument("--runs", type=int, default=10, help="seeded runs per kernel (default 10)")
    b.add_argument("--kernels", nargs="+", choices=list(KERNELS), default=list(BENCH_KERNELS))
    b.set_defaults(func=_bench)
    r = sub.add_parser("run", help="run one scenario and print stages, counters and events")
    r.add_argument("--kernel", choices=list(KERNELS))
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=_run)
    t = sub.add_parser(
        "tutorial", help="copy the tutorial notebooks to a folder and open them in Jupyter"
    )
    t.add_argument("--app", choices=("lab", "voila", "notebook"), default="lab")
    t.add_argument("--dir", default=None, help="writable folder (default ~/zswap-tutorial)")
    t.add_argument("--no-browser", action="store_true", help="do not open a browser")
    t.add_argument("--port", type=int, default=None)
    t.set_defaults(func=_tutorial)
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
