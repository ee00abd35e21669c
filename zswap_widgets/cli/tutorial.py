"""`zswap-widgets tutorial`: copy the notebooks to a folder and open them in Jupyter."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser(
        "tutorial",
        help="copy the tutorial notebooks to a folder and open them in Jupyter",
        description="Copy the tutorial notebooks to a writable folder and start Jupyter there "
        "(listening on 127.0.0.1 only).",
    )
    t.add_argument(
        "--app",
        choices=("lab", "voila", "notebook"),
        default="lab",
        help="JupyterLab, the dashboard alone in Voila, or Notebook 7",
    )
    t.add_argument("--dir", default=None, help="writable folder (default ~/zswap-tutorial)")
    t.add_argument("--no-browser", action="store_true", help="do not open a browser")
    t.add_argument("--port", type=int, default=None, help="server port (default: Jupyter's)")
    t.set_defaults(func=tutorial)


def tutorial(args: argparse.Namespace) -> int:
    from ..teaching.tutorial import launch

    return launch(args.app, args.dir, port=args.port, open_browser=not args.no_browser)
