"""`zswap-widgets run`: one scenario's stages, debugfs counters and narrated event log."""

from __future__ import annotations

import argparse
import json
import textwrap

from ..model.config import Config
from ..model.kernels import KERNELS
from ..model.results import COUNTERS
from ..model.simulation import simulate
from ..model.story import Story
from .settings import SET_HELP, UsageError, add_budget_arguments, budget_of, parse_settings


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "run",
        help="run one scenario and print stages, counters and events",
        description="Run one scenario (Config() is the cover letter's benchmark setup) and print "
        "its stages, the debugfs and vmstat counters and the narrated event log.",
        epilog="Every knob can be set with --set; `zswap-widgets knobs` lists them.",
    )
    r.add_argument(
        "--kernel",
        choices=list(KERNELS),
        help="kernel preset (the same as --set kernel=NAME; default: Config's, patches-1-6)",
    )
    r.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    r.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_budget_arguments(r)
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = parse_settings(args.set)
    if args.kernel:
        if settings.get("kernel", args.kernel) != args.kernel:
            raise UsageError(
                f"--kernel {args.kernel} and --set kernel={settings['kernel']} disagree; "
                "give the kernel once"
            )
        settings["kernel"] = args.kernel
    config = Config(**settings)
    result = simulate(config, budget=budget_of(args))
    story = Story(result)
    told = [
        {"stage": s, "start_s": t0, "end_s": t1, "title": story.title(i), "text": story.text(i)}
        for i, (s, t0, t1) in enumerate(result.stages)
    ]
    if args.json:
        print(
            json.dumps(
                {
                    **result.summary(),
                    "stages": result.stages,
                    "cut": result.cut,
                    "intro": story.intro(),
                    "story": told,
                    "events": result.event_log(),
                }
            )
        )
        return 0
    print(f"{config!r}")
    print(f"elapsed {result.elapsed_s:.2f} s, user {result.user_s:.3f} s, sys {result.sys_s:.3f} s")
    if result.cut:
        print(f"cut here: max_time_s ({config.max_time_s:g} s) ended the run early")
    print(story.intro())
    print("stages:")
    for item in told:
        print(
            f"  {item['stage']}: {item['start_s']:7.2f} s .. {item['end_s']:7.2f} s  {item['title']}"
        )
        print(textwrap.fill(item["text"], 96, initial_indent=" " * 6, subsequent_indent=" " * 6))
    print("counters:")
    for name in COUNTERS:
        print(f"  {name:<22} {result.counters[name]}")
    print("events:")
    for line in result.event_log():
        print(f"  {line}")
    return 0
