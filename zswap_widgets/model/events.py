"""The model's events while a run goes: the first of each notable event (story.py adds the
stage changes and the measured pauses to make the narrated log)."""

from __future__ import annotations


class EventLog:
    """Collects (time, text) events while a simulation runs."""

    def __init__(self, clock) -> None:
        self._clock = clock  # anything with a `t` attribute in seconds
        self._seen: set[str] = set()
        self._counts: dict[str, int] = {}
        self.items: list[tuple[float, str]] = []

    def add(self, t: float, text: str) -> None:
        self.items.append((t, text))

    def once(self, key: str, text: str) -> None:
        """Log `text` the first time `key` happens."""
        if key not in self._seen:
            self._seen.add(key)
            self.add(self._clock.t, text)

    def count(self, key: str, text: str, limit: int = 5) -> None:
        """Log the first `limit` occurrences of `key`, numbered."""
        n = self._counts.get(key, 0) + 1
        self._counts[key] = n
        if n <= limit:
            self.add(self._clock.t, text + (f" (#{n})" if n > 1 else ""))
        elif n == limit + 1:
            self.add(self._clock.t, text + " again; further repeats not logged")
