"""Sweeps: one scenario over a grid of knob values, the runs spread over processes or machines.

    from zswap_widgets import Config, sweep
    result = sweep(Config(), {"max_pool_percent": range(5, 55, 5),
                              "accept_threshold_percent": range(10, 100, 10)})
    result["elapsed_s"]            # numpy array of shape (10, 9), grid order
    result.baseline["elapsed_s"]   # the zswap-off run of the same machine and workload
    result.table()                 # one record per run; result.to_pandas(), result.to_csv(path)

Every grid value is checked against `Config` before anything runs (grid.py). Each run is seeded
from its own configuration (the `seed` knob, which can be a grid axis too), and results are placed
by grid index, so they do not depend on the executor, the number of workers or the order in which
runs finish.

`executor` is any `concurrent.futures.Executor`: by default a process pool on the local cores
(`workers=1` runs in this process, one run after the other); a Dask cluster's
`distributed.Client(address).get_executor()` runs the same sweep on many machines. Only the
configuration (a dict) goes to a worker and only the metrics (a few numbers) come back.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..model.baseline import off_baseline
from ..model.config import Config
from ..model.export import records_csv, records_to_pandas, save
from ..model.guard import Budget, RunTooLarge, as_budget, check
from ..model.results import COUNTERS, DEBUGFS_COUNTERS, Run
from ..model.simulation import simulate
from .grid import GridError, check_grid, grid_configs

# name -> what it measures. Every debugfs and vmstat counter (results.COUNTERS) is a metric too,
# its value at the end of the run.
METRICS: dict[str, str] = {
    "elapsed_s": "time until the allocation finished, s (the cover letter's elapsed)",
    "user_s": "user CPU time of the allocation phase, s",
    "sys_s": "system CPU time of the allocation phase (reclaim, compression, writeback), s",
    "written_back_pages": "pages shrink_worker wrote back to the swap device (debugfs)",
    "rejections": "stores zswap_store rejected over the whole run, for any reason: the pool "
    "limit (also in the hysteresis band), the compressor or the allocator",
    "pool_limit_hit": "stores rejected because the pool was at max_pool_percent (debugfs)",
    **{
        name: f"{'debugfs' if name in DEBUGFS_COUNTERS else 'vmstat'} counter {name} at the end "
        "of the run"
        for name in COUNTERS
        if name not in ("written_back_pages", "pool_limit_hit")
    },
}
DEFAULT_METRICS = ("elapsed_s", "user_s", "sys_s", "written_back_pages", "rejections")
TIME_METRICS = ("elapsed_s", "user_s", "sys_s")

_COMPUTED: dict[str, Callable[[Run], float]] = {
    "elapsed_s": lambda run: float(run.elapsed_s),
    "user_s": lambda run: float(run.user_s),
    "sys_s": lambda run: float(run.sys_s),
    "rejections": lambda run: int(run.series["rejections"].sum()),
}


def metric_value(run: Run, name: str) -> float:
    """One metric of a run (see METRICS)."""
    fn = _COMPUTED.get(name)
    return fn(run) if fn is not None else int(run.counters[name])


def run_metrics(
    config: dict[str, Any], metrics: Sequence[str], budget: Budget | None = None
) -> dict[str, float]:
    """Simulate one configuration (given as `Config.to_dict()`) within `budget` and return its
    metrics: the job a worker runs, small to send both ways."""
    run = simulate(Config(**config), budget=budget)
    return {name: metric_value(run, name) for name in metrics}


def check_metrics(metrics: Sequence[str] | str) -> tuple[str, ...]:
    names = (metrics,) if isinstance(metrics, str) else tuple(metrics)
    unknown = [m for m in names if m not in METRICS]
    if unknown or not names:
        raise GridError(
            f"metric {unknown[0] if unknown else ''!r} is not known; allowed: {', '.join(METRICS)}"
        )
    return names


# ---------------------------------------------------------------------------------- result
@dataclass
class SweepResult:
    """The metrics of a sweep in grid shape (NaN where a run has not finished), the zswap-off
    baseline of each grid point, and the progress so far (it is filled in while the sweep runs
    and passed to the `progress` callback)."""

    config: Config
    knobs: tuple[str, ...]
    values: tuple[tuple, ...]
    metrics: tuple[str, ...]
    arrays: dict[str, np.ndarray]
    baseline: dict[str, np.ndarray]
    finished: np.ndarray  # bool, grid shape
    total: int  # runs, baselines included
    done: int = 0
    started: float = field(default_factory=time.monotonic)
    wall_s: float = 0.0
    cancelled: bool = False

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.values)

    def __getitem__(self, metric: str) -> np.ndarray:
        return self.arrays[metric]

    @property
    def left_s(self) -> float | None:
        """Estimated seconds until every run is done (None before the first one finishes)."""
        if not self.done:
            return None
        return self.wall_s / self.done * (self.total - self.done)

    def config_at(self, index: Sequence[int]) -> Config:
        """The configuration of one grid point, by its index (one integer per knob)."""
        changes = {k: v[i] for k, v, i in zip(self.knobs, self.values, index, strict=True)}
        return self.config.replace(**changes)

    def table(self) -> list[dict[str, Any]]:
        """One record per finished run, in grid order: the knobs' values, the metrics and the
        zswap-off baseline's metrics (``<metric>_off``)."""
        records = []
        for index in np.ndindex(*self.shape):
            if not self.finished[index]:
                continue
            rec = {k: v[i] for k, v, i in zip(self.knobs, self.values, index, strict=True)}
            rec.update({m: _number(self.arrays[m][index], m) for m in self.metrics})
            rec.update({f"{m}_off": _number(self.baseline[m][index], m) for m in self.metrics})
            records.append(rec)
        return records

    def columns(self) -> list[str]:
        return [*self.knobs, *self.metrics, *(f"{m}_off" for m in self.metrics)]

    def metadata(self) -> dict[str, Any]:
        return {
            "kind": "zswap-widgets sweep",
            "config": self.config.to_dict(),
            "grid": {k: list(v) for k, v in zip(self.knobs, self.values, strict=True)},
            "metrics": list(self.metrics),
            "runs_done": self.done,
            "runs_total": self.total,
            "cancelled": self.cancelled,
        }

    def to_pandas(self) -> Any:
        """The table as a DataFrame, config and grid in ``attrs`` (needs pandas)."""
        return records_to_pandas(self.table(), self.metadata())

    def csv(self) -> str:
        """The table as CSV after ``# name: JSON`` metadata lines (model/export.py's format)."""
        return records_csv(self.table(), self.metadata(), self.columns())

    def to_csv(self, path: str | Path) -> Path:
        """`csv()` written to path."""
        return save(path, self.csv())

    def to_json(self) -> dict[str, Any]:
        """Plain data for json.dumps: arrays as nested lists, None where a run did not finish."""
        return {
            **self.metadata(),
            "shape": list(self.shape),
            "arrays": {m: _nested(a) for m, a in self.arrays.items()},
            "baseline": {m: _nested(a) for m, a in self.baseline.items()},
            "wall_s": self.wall_s,
            "table": self.table(),
        }


def _number(x: float, metric: str) -> float | int | None:
    if np.isnan(x):
        return None
    return float(x) if metric in TIME_METRICS else int(x)


def _nested(a: np.ndarray) -> Any:
    return np.where(np.isnan(a), None, a.astype(object)).tolist()


# ---------------------------------------------------------------------------------- running
def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which cancels what has not started."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def local_pool(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool on this machine (default: one worker per CPU).

    A single-threaded caller (a script) gets the platform's default start method, fork on Linux
    before Python 3.14. A threaded one (a Jupyter kernel, the sweep panel's background thread) must
    not fork: its workers come from a fork server (spawned where there is none), which imports the
    main module again, so a script that runs sweeps from threads needs the usual
    ``if __name__ == "__main__":`` guard.
    """
    if threading.active_count() == 1:
        ctx = multiprocessing.get_context()
    else:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(
        workers or os.cpu_count() or 1, mp_context=ctx, initializer=_ignore_sigint
    )


@contextmanager
def local_dask_client(workers: int = 2) -> Iterator[Any]:
    """A Dask LocalCluster of `workers` processes on 127.0.0.1 and a client of it: the Dask path
    on one machine (tests, benchmarks); `client.get_executor()` is the executor for `sweep`."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # any free port: no clash with another cluster
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def sweep(
    config: Config | None,
    grid: Mapping[str, Any],
    metrics: Sequence[str] | str = DEFAULT_METRICS,
    executor: Executor | None = None,
    *,
    workers: int | None = None,
    baseline: bool = True,
    progress: Callable[[SweepResult], None] | None = None,
    cancel: threading.Event | None = None,
    budget: Budget | None = None,
) -> SweepResult:
    """Run `config` (default `Config()`) at every point of `grid` and collect `metrics`.

    grid: knob name -> values (any iterable; the product of all is run, the last knob varying
    fastest). metrics: names from METRICS. executor: any concurrent.futures.Executor (not shut
    down here); None: a process pool of `workers` processes (default: one per CPU), or with
    workers=1 (or a single run) the runs go one after the other in this process.
    baseline: also run the zswap-off baseline of every distinct machine and workload in the grid
    (one run when only zswap knobs vary), first, so its numbers are known early.
    progress(result) is called at the start and after each finished run, with the result filled
    so far (`done`, `total`, `left_s`, the arrays).

    Setting `cancel` (a threading.Event) or Ctrl-C stops the sweep cleanly: runs not started are
    cancelled, the pool shut down, and the result holds what finished (`cancelled` is True).
    Raises GridError, before anything runs, if a grid value or metric is not allowed, or if
    the cost guard (model/guard.py) says a run of the grid would not fit `budget` (default
    `Budget()`, as for `simulate`); every run is also held to it while it goes.
    """
    config = Config() if config is None else config
    names = check_metrics(metrics)
    knobs, values = check_grid(grid)
    configs = grid_configs(config, knobs, values)
    shape = tuple(len(v) for v in values)
    offs = [off_baseline(c) for c in configs] if baseline else []
    unique_offs = list(dict.fromkeys(offs))
    budget = as_budget(budget)
    for kind, c in [("zswap-off baseline", c) for c in unique_offs] + [
        ("grid", c) for c in configs
    ]:
        try:
            check(c, budget)
        except RunTooLarge as e:
            raise GridError(f"the {kind} run at {_where(c, knobs)} is too large: {e}") from None
    jobs: list[tuple[str, int, Config]] = [("off", i, c) for i, c in enumerate(unique_offs)]
    jobs += [("grid", i, c) for i, c in enumerate(configs)]
    result = SweepResult(
        config=config,
        knobs=knobs,
        values=tuple(tuple(v) for v in values),
        metrics=names,
        arrays={m: np.full(shape, np.nan) for m in names},
        baseline={m: np.full(shape, np.nan) for m in names},
        finished=np.zeros(shape, dtype=bool),
        total=len(jobs),
    )
    off_points: dict[int, list[int]] = {}
    for point, off in enumerate(offs):
        off_points.setdefault(unique_offs.index(off), []).append(point)

    def record(job: tuple[str, int, Config], out: dict[str, float]) -> None:
        kind, i, _ = job
        for m in names:
            if kind == "grid":
                result.arrays[m].flat[i] = out[m]
            else:
                result.baseline[m].flat[off_points[i]] = out[m]
        if kind == "grid":
            result.finished.flat[i] = True
        result.done += 1
        result.wall_s = time.monotonic() - result.started
        if progress is not None:
            progress(result)

    if progress is not None:
        progress(result)
    serial = executor is None and (workers == 1 or len(jobs) <= 1)
    try:
        if serial:
            for job in jobs:
                if cancel is not None and cancel.is_set():
                    result.cancelled = True
                    break
                record(job, run_metrics(job[2].to_dict(), names, budget))
        else:
            _run_parallel(jobs, names, budget, executor, workers, record, cancel, result)
    except KeyboardInterrupt:
        result.cancelled = True
    result.wall_s = time.monotonic() - result.started
    return result


def _run_parallel(
    jobs: list[tuple[str, int, Config]],
    names: tuple[str, ...],
    budget: Budget,
    executor: Executor | None,
    workers: int | None,
    record: Callable[[tuple[str, int, Config], dict[str, float]], None],
    cancel: threading.Event | None,
    result: SweepResult,
) -> None:
    own = executor is None
    pool = local_pool(workers) if own else executor
    futures: dict[Future, tuple[str, int, Config]] = {}
    pending: set[Future] = set()
    try:
        for job in jobs:
            f = pool.submit(run_metrics, job[2].to_dict(), names, budget)
            futures[f] = job
            pending.add(f)
        while pending:
            if cancel is not None and cancel.is_set():
                result.cancelled = True
                return
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for f in sorted(done, key=lambda f: futures[f][1]):
                job = futures[f]
                try:
                    out = f.result()
                except Exception as e:
                    e.add_note(f"in the sweep's {job[0]} run {_where(job[2], result.knobs)}")
                    raise
                record(job, out)
    finally:
        for f in pending:
            f.cancel()
        if own:
            pool.shutdown(wait=False, cancel_futures=True)


def _where(config: Config, knobs: Sequence[str]) -> str:
    """A grid point as its knobs' values: "max_pool_percent=10, kernel='v6.10'"."""
    return ", ".join(f"{k}={getattr(config, k)!r}" for k in knobs)
