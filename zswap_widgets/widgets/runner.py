"""Running the simulations a dashboard needs without freezing the page.

`Runner.start(configs, ...)` takes the runs it has from the cache and simulates the others in a
background thread, so the kernel keeps answering the page (the cancel button, the progress bar)
while it computes. Its callbacks run on the kernel's asyncio loop, where the widgets are updated;
without a running loop (plain Python, tests) the runs are computed at once in the caller's thread
unless background=True, and the callbacks run where the work ran. A new start or `cancel()`
stops the running job at its next progress report (the model reports every 250 steps): its
results are dropped. Any exception of the model (a ValueError such as the cost guard's, or
another) reaches `on_error` instead of a traceback.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from ..model.config import Config
from ..model.results import Run
from .runs import RunCache

PROGRESS_STEP = 5  # percent: the progress bar is updated in steps of this many


class Cancelled(Exception):
    """The job was cancelled or superseded."""


class Job:
    """One start(): the configs it runs and whether it was cancelled."""

    def __init__(self, configs: list[Config]) -> None:
        self.configs = configs
        self.cancelled = threading.Event()
        self.done = threading.Event()
        self.thread: threading.Thread | None = None


class Runner:
    def __init__(self, cache: RunCache, background: bool | None = None) -> None:
        self.cache = cache
        self.background = background  # None: in a thread when an asyncio loop is running
        self.job: Job | None = None

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.done.is_set()

    def missing(self, configs: list[Config]) -> list[Config]:
        out: list[Config] = []
        for c in configs:
            if c not in self.cache and c not in out:
                out.append(c)
        return out

    def start(
        self,
        configs: list[Config],
        on_done: Callable[[list[Run]], None],
        on_error: Callable[[Exception], None],
        on_progress: Callable[[float], None] | None = None,
        on_cancel: Callable[[], None] | None = None,
        wait: bool = False,
    ) -> Job:
        """Get the runs of configs (in order) and call on_done(runs), or on_error(exception),
        or on_cancel() if the job was cancelled by `cancel()` (not by a newer start).
        wait=True computes in this thread whatever `background` says."""
        self._stop(superseded=True)
        job = Job(configs)
        self.job = job
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        background = self.background if self.background is not None else loop is not None
        background = background and not wait
        missing = self.missing(configs)

        def post(fn: Callable[..., Any], *args: Any) -> None:
            if loop is not None and background:
                loop.call_soon_threadsafe(lambda: self._deliver(job, fn, *args))
            else:
                self._deliver(job, fn, *args)

        shown = [-1]
        done = [0]  # runs finished so far

        def progress(fraction: float) -> None:
            if job.cancelled.is_set():
                raise Cancelled
            if on_progress is None or not missing:
                return
            pct = int(100 * (done[0] + fraction) / len(missing)) // PROGRESS_STEP * PROGRESS_STEP
            if pct != shown[0]:
                shown[0] = pct
                post(on_progress, min(pct, 100) / 100)

        def work() -> None:
            try:
                runs = []
                for c in configs:
                    run = self.cache.peek(c)
                    if run is None:
                        run = self.cache.get(c, progress)
                        done[0] += 1
                    runs.append(run)
            except Cancelled:
                if getattr(job, "by_user", False) and on_cancel is not None:
                    post(on_cancel)
            except Exception as e:  # the model's errors are shown, not raised into the page
                post(on_error, e)
            else:
                post(on_done, runs)
            finally:
                job.done.set()

        if background and missing:
            job.thread = threading.Thread(target=work, name="zswap-widgets run", daemon=True)
            job.thread.start()
        else:
            work()
        return job

    def _deliver(self, job: Job, fn: Callable[..., Any], *args: Any) -> None:
        """Run a callback unless its job was superseded (a cancel notice always runs)."""
        if self.job is job and (not job.cancelled.is_set() or getattr(job, "by_user", False)):
            fn(*args)

    def cancel(self) -> None:
        """Stop the running job; its on_cancel is called."""
        self._stop(superseded=False)

    def _stop(self, superseded: bool) -> None:
        job = self.job
        if job is not None and not job.done.is_set():
            job.by_user = not superseded
            job.cancelled.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the running job's thread (tests); True if it finished."""
        job = self.job
        if job is None or job.thread is None:
            return True
        job.thread.join(timeout)
        return not job.thread.is_alive()
