"""A cache of runs by Config, bounded by the memory their series take, so compare mode, the
zswap-off baseline and going back to an earlier setting cost no rerun."""

from __future__ import annotations

import threading
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


def run_nbytes(run: Run) -> int:
    """Memory a run holds: the bytes of its series arrays."""
    return sum(a.nbytes for a in run.series.values())


DEFAULT_MAX_BYTES = 160 * 2**20  # about 30 full-scale runs, 130 at the dashboard's 1/4 scale


class RunCache:
    """Config -> Run, keeping the most recently used runs within `max_bytes` of series (the
    newest run is always kept, however large)."""

    def __init__(
        self, max_bytes: int = DEFAULT_MAX_BYTES, simulate: Callable | None = None
    ) -> None:
        self.max_bytes = max_bytes
        self.simulate = simulate or _simulate
        self._runs: OrderedDict[tuple, Run] = OrderedDict()
        self._bytes: dict[tuple, int] = {}
        self.misses = 0
        self._lock = threading.Lock()

    def __contains__(self, config: Config) -> bool:
        return _key(config) in self._runs

    def __len__(self) -> int:
        return len(self._runs)

    @property
    def nbytes(self) -> int:
        return sum(self._bytes.values())

    def peek(self, config: Config) -> Run | None:
        """The cached run of config, or None (nothing is simulated)."""
        with self._lock:
            key = _key(config)
            run = self._runs.get(key)
            if run is not None:
                self._runs.move_to_end(key)
            return run

    def get(self, config: Config, progress: Callable[[float], None] | None = None) -> Run:
        """The run of config, simulated on a miss (progress gets fractions 0..1)."""
        run = self.peek(config)
        if run is not None:
            return run
        run = self.simulate(config, progress)
        self.put(config, run)
        return run

    def put(self, config: Config, run: Run) -> None:
        with self._lock:
            key = _key(config)
            if key not in self._runs:
                self.misses += 1
            self._runs[key] = run
            self._bytes[key] = run_nbytes(run)
            self._runs.move_to_end(key)
            while len(self._runs) > 1 and sum(self._bytes.values()) > self.max_bytes:
                old, _ = self._runs.popitem(last=False)
                del self._bytes[old]

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()
            self._bytes.clear()
