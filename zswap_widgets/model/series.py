"""The series of a run, in bounded memory.

A run records one row per step until it has `max_rows` rows; then the rows are merged in pairs
and from there on each row covers twice as many steps (`every`, a power of two). How a row
combines its steps is in results.py (SERIES_MEAN): the clock at its start, levels and
cumulative values at its end, per-step values as their mean per step. Steps are first written
to a small block and combined a block at a time, so recording a step costs one row write.
"""

from __future__ import annotations

import numpy as np

from .results import SERIES, SERIES_MEAN

MAX_ROWS = 1 << 17  # 131,072 rows x 25 series x 8 bytes: 26 MB
BLOCK = 4096  # steps written before they are combined
_MEAN = np.array([name in SERIES_MEAN for name in SERIES])


class SeriesRecorder:
    """Rows of SERIES, one per `every` steps."""

    def __init__(self, max_rows: int = MAX_ROWS, block: int = BLOCK) -> None:
        assert max_rows % 2 == 0 and block & (block - 1) == 0
        self.max_rows = max_rows
        self.every = 1
        self._block = np.zeros((block, len(SERIES)))
        self._k = 0  # steps in the block
        self._rows = np.zeros((min(max_rows, 1 << 12), len(SERIES)))
        self._counts = np.zeros((len(self._rows), int(_MEAN.sum())), dtype=np.int64)
        self._n = 0  # rows done; _counts: steps with a value behind each per-step mean
        self._pending: list[tuple] = []  # rows of add() not yet written to the block

    def __len__(self) -> int:
        """Rows so far, a last partly filled one included."""
        self._write_pending()
        return self._n + -(-self._k // self.every)

    def add(self, row: tuple) -> None:
        """One step's row (kept as a tuple; written to the block many at a time)."""
        pending = self._pending
        pending.append(row)
        if self._k + len(pending) == len(self._block):
            self._write_pending()
            self._flush()

    def _write_pending(self) -> None:
        pending = self._pending
        if pending:
            self._block[self._k : self._k + len(pending)] = pending
            self._k += len(pending)
            pending.clear()

    def add_quiet(self, row: tuple, k: int, first_step: int, dt: float) -> None:
        """k steps with the same row; step i's clock is i x dt, as the simulation's."""
        done = 0
        while done < k:  # a block at a time: k may be millions of steps
            m = min(k - done, len(self._block))
            rows = np.empty((m, len(SERIES)))
            rows[:] = row
            rows[:, 0] = (first_step + done + np.arange(m)) * dt
            self.add_rows(rows)
            done += m

    def add_rows(self, rows: np.ndarray) -> None:
        """Several steps' rows at once, as a (steps, len(SERIES)) array."""
        self._write_pending()
        block = self._block
        done = 0
        while done < len(rows):
            m = min(len(rows) - done, len(block) - self._k)
            block[self._k : self._k + m] = rows[done : done + m]
            self._k += m
            done += m
            if self._k == len(block):
                self._flush()

    def rows(self) -> np.ndarray:
        """All rows as one array (a copy); the last one may cover fewer steps."""
        self._write_pending()
        tail, _ = _combine(self._block[: self._k], None, self.every)
        return np.concatenate((self._rows[: self._n], tail))

    def _flush(self) -> None:
        """Combine the block's whole groups of `every` steps into rows; halve the rows (and
        double `every`) whenever they reach max_rows. Steps of a partial group stay."""
        used = 0
        while self._k - used >= self.every:
            if self._n == self.max_rows:
                half, counts = _combine(self._rows, self._counts, 2)
                self._n = len(half)
                self._rows[: self._n] = half
                self._counts[: self._n] = counts
                self.every *= 2
                continue
            groups = min((self._k - used) // self.every, self.max_rows - self._n)
            take = groups * self.every
            out, counts = _combine(self._block[used : used + take], None, self.every)
            if self._n + groups > len(self._rows):
                size = min(self.max_rows, 2 * (self._n + groups))
                self._rows = _grown(self._rows, size)
                self._counts = _grown(self._counts, size)
            self._rows[self._n : self._n + groups] = out
            self._counts[self._n : self._n + groups] = counts
            self._n += groups
            used += take
        rest = self._k - used
        self._block[:rest] = self._block[used : self._k]
        self._k = rest
        if rest == len(self._block):  # a group is longer than the block (runs of > 2^29 steps)
            self._block = np.concatenate((self._block, np.zeros_like(self._block)))


def _grown(a: np.ndarray, rows: int) -> np.ndarray:
    out = np.zeros((rows, a.shape[1]), dtype=a.dtype)
    out[: len(a)] = a
    return out


def _combine(
    rows: np.ndarray, counts: np.ndarray | None, every: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of `every` rows each (the last may have fewer): the first clock, the last levels and
    cumulative values, the mean per step of per-step values. `counts` are the steps with a value
    behind each per-step value (None: single steps, where NaN means none, as io_latency_ms in a
    step without completions). Returns the rows and their counts."""
    values = rows[:, _MEAN]
    if counts is None:
        counts = (~np.isnan(values)).astype(np.int64)
    if every == 1 or len(rows) == 0:
        return rows.copy(), counts.copy()
    starts = np.arange(0, len(rows), every)
    ends = np.minimum(starts + every, len(rows))
    out = rows[ends - 1].copy()
    out[:, 0] = rows[starts, 0]
    sums = np.add.reduceat(np.where(counts > 0, values * counts, 0.0), starts, axis=0)
    total = np.add.reduceat(counts, starts, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[:, _MEAN] = sums / total  # NaN where a group had no value
    return out, total
