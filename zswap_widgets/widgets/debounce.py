"""Debouncing of control changes: a change after a quiet moment runs at once, a burst of changes
(a slider being dragged) once more when the user stops."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any


class Debouncer:
    """Calls `fn` for scheduled changes, at once when delay_s is 0.

    In a Jupyter kernel the calls run on the kernel's asyncio loop. A change that comes at least
    `delay_s` after the previous one runs `fn` at the loop's next turn (after the other changes
    of the same message, so that setting several knobs in one go runs once); a change sooner
    than that runs it `delay_s` after the last change of the burst. Without a running loop (plain
    Python, tests) there is nothing to wait on, so the call happens at once.
    """

    def __init__(self, fn: Callable[[], Any], delay_s: float) -> None:
        self.fn = fn
        self.delay_s = delay_s
        self._handle: asyncio.Handle | None = None
        self._leading = False  # the pending call is the next-turn one of a quiet change
        self._last = -float("inf")  # loop time of the last change

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def schedule(self) -> None:
        loop = None
        if self.delay_s > 0:
            with contextlib.suppress(RuntimeError):  # no running loop: call at once
                loop = asyncio.get_running_loop()
        if loop is None:
            self.cancel()
            self.fn()
            return
        if self._handle is not None and self._leading:
            return  # the call at the next turn sees this change too
        now = loop.time()
        quiet = now - self._last >= self.delay_s
        self._last = now
        self.cancel()
        self._leading = quiet
        if quiet:
            self._handle = loop.call_soon(self._fire)
        else:
            self._handle = loop.call_later(self.delay_s, self._fire)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        self.fn()
