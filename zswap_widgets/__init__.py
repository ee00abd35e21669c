"""zswap-widgets: a stepwise model of Linux zswap and Jupyter widgets to teach it.

Floors, each importing only from the ones below it: `model` (Config, Simulation, simulate, Run,
KERNELS; never imports ipywidgets or bqplot), `analysis` (benchmark, traces, `sweep`), `widgets`
(`Dashboard`, `SweepPanel`, imported only when asked for), `teaching` (exercises, tutorial launcher) and `cli`.
"""

from __future__ import annotations

from typing import Any

from .analysis import traces
from .analysis.sweep import SweepResult, sweep
from .model import (
    COUNTERS,
    KERNELS,
    STAGES,
    Budget,
    Config,
    KernelPreset,
    Run,
    RunTooLarge,
    Simulation,
    simulate,
)

__all__ = [
    "COUNTERS",
    "KERNELS",
    "STAGES",
    "Budget",
    "Config",
    "Dashboard",
    "KernelPreset",
    "Run",
    "RunTooLarge",
    "Simulation",
    "SweepPanel",
    "SweepResult",
    "simulate",
    "sweep",
    "traces",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "Dashboard":
        from .widgets import Dashboard

        return Dashboard
    if name == "SweepPanel":
        from .widgets.sweep_panel import SweepPanel

        return SweepPanel
    raise AttributeError(f"module 'zswap_widgets' has no attribute {name!r}")
