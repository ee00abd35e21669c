"""The model floor: `Config`, the kernel presets and the stepwise simulation of zswap.

Pure Python and numpy; nothing here imports ipywidgets or bqplot. One module per part of the
kernel: zswap.py (zswap_store, zswap_load), shrinker.py (shrink_worker and writeback),
memcg_walk.py (its memcg walk), reclaim.py, process.py, device.py, allocators.py,
compressors.py; simulation.py runs them step by step and results.py holds what a run produces.
"""

from __future__ import annotations

from .config import Config
from .guard import Budget, RunTooLarge
from .kernels import KERNELS, KernelPreset
from .results import COUNTERS, STAGES, Run
from .simulation import Simulation, simulate

__all__ = [
    "COUNTERS",
    "KERNELS",
    "STAGES",
    "Budget",
    "Config",
    "KernelPreset",
    "Run",
    "RunTooLarge",
    "Simulation",
    "simulate",
]
