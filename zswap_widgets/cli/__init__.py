"""The command line floor: `zswap-widgets` (also `python -m zswap_widgets`)."""

from .main import main

__all__ = ["main"]
