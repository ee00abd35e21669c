"""A small LRU cache of runs by Config, so compare mode and the zswap-off baseline cost no rerun."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from ..model.baseline import off_baseline
from ..model.config import Config
from ..model.results import Run


def _simulate(config: Config, progress: Callable[[float], None] | None) -> Run:
    from ..model.simulation import simulate  # imported late: the model may be rebuilt while we wait

    return simulate(config, progress=progress)


__all__ = ["RunCache", "off_baseline"]  # off_baseline: model/baseline.py


def _key(config: Config) -> tuple:
    """A frozen key: a Config is mutable, a cached key must not be."""
    return tuple(config.to_dict().items())


class RunCache:
    """Config -> Run, keeping the `maxsize` most recently used runs."""

    def __init__(self, maxsize: int = 12, simulate: Callable | None = None) -> None:
        self.maxsize = maxsize
        self.simulate = simulate or _simulate
        self._runs: OrderedDict[tuple, Run] = OrderedDict()
        self.misses = 0

    def __contains__(self, config: Config) -> bool:
        return _key(config) in self._runs

    def __len__(self) -> int:
        return len(self._runs)

    def get(self, config: Config, progress: Callable[[float], None] | None = None) -> Run:
        """The run of config, simulated on a miss (progress gets fractions 0..1)."""
        key = _key(config)
        run = self._runs.get(key)
        if run is not None:
            self._runs.move_to_end(key)
            return run
        self.misses += 1
        run = self.simulate(config, progress)
        self._runs[key] = run
        while len(self._runs) > self.maxsize:
            self._runs.popitem(last=False)
        return run

    def clear(self) -> None:
        self._runs.clear()
