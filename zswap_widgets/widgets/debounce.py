"""Debouncing of control changes: run once the user has stopped changing things for a moment."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


class Debouncer:
    """Calls `fn` `delay_s` after the last `schedule()`; at once when delay_s is 0.

    In a Jupyter kernel the delay runs on the kernel's asyncio loop. Without a running loop (plain
    Python, tests) there is nothing to wait on, so the call happens at once.
    """

    def __init__(self, fn: Callable[[], Any], delay_s: float) -> None:
        self.fn = fn
        self.delay_s = delay_s
        self._handle: asyncio.TimerHandle | None = None

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def schedule(self) -> None:
        self.cancel()
        if self.delay_s > 0:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is not None:
                self._handle = loop.call_later(self.delay_s, self._fire)
                return
        self.fn()

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        self._handle = None
        self.fn()
