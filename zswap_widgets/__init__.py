"""zswap-widgets: a stepwise model of Linux zswap and Jupyter widgets to teach it.

The model (Config, Simulation, simulate, Run, KERNELS) never imports ipywidgets or bqplot;
`Dashboard` is imported from the widget layer only when asked for.
"""

from __future__ import annotations

from typing import Any

from .config import Config
from .kernels import KERNELS, KernelPreset
from .results import COUNTERS, STAGES, Run
from .simulation import Simulation, simulate

__all__ = [
    "COUNTERS",
    "KERNELS",
    "STAGES",
    "Config",
    "Dashboard",
    "KernelPreset",
    "Run",
    "Simulation",
    "simulate",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Dashboard":
        from .dashboard import Dashboard

        return Dashboard
    raise AttributeError(f"module 'zswap_widgets' has no attribute {name!r}")
