"""Tables out of the model: a run's series (and a sweep's records) as CSV or a pandas DataFrame.

The CSV format, the same for a run and for a sweep table:

- first, metadata lines, each ``# name: JSON`` (the run's: ``kind``, ``config`` with every knob,
  ``elapsed_s``, ``user_s``, ``sys_s``, ``counters``, ``stages`` as [stage, start_s, end_s]);
- then one header line with the column names and one line per row, comma-separated. A column
  whose values are all whole numbers is written as integers, other numbers in Python's shortest
  round-trip form (so reading them back gives the same float64), NaN as ``nan``.

``pandas.read_csv(path, comment="#")`` reads the table; `read_csv(path)` also puts the metadata in
the DataFrame's ``attrs``, `read_metadata(path)` reads the metadata alone (no pandas needed).
pandas is imported only by the functions that return a DataFrame: the model does not need it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .results import SERIES, Run

PANDAS_HINT = "pandas is not installed: pip install pandas"


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas comes with bqplot
        raise ImportError(PANDAS_HINT) from None
    return pandas


# ---------------------------------------------------------------------------------- a run
def run_metadata(run: Run) -> dict[str, Any]:
    """What describes a run beside its series: config, timings, counters and stages."""
    return {
        "kind": "zswap-widgets run",
        "config": run.config.to_dict(),
        "elapsed_s": float(run.elapsed_s),
        "user_s": float(run.user_s),
        "sys_s": float(run.sys_s),
        "counters": {k: int(v) for k, v in run.counters.items()},
        "stages": [[int(s), float(t0), float(t1)] for s, t0, t1 in run.stages],
    }


def run_to_pandas(run: Run) -> Any:
    """The series as a DataFrame (one row per step, columns as in `SERIES`); the metadata of
    `run_metadata` in ``attrs``."""
    df = _pandas().DataFrame({name: run.series[name] for name in SERIES})
    df.attrs.update(run_metadata(run))
    return df


def run_csv(run: Run) -> str:
    """The run in the CSV format of this module."""
    return format_csv(run_metadata(run), {name: run.series[name] for name in SERIES})


def run_to_csv(run: Run, path: str | Path) -> Path:
    """`run_csv` written to path."""
    return save(path, run_csv(run))


# ---------------------------------------------------------------------------------- any table
def format_csv(metadata: Mapping[str, Any], columns: Mapping[str, Sequence[Any]]) -> str:
    """Metadata lines, then the columns (all of one length) as a CSV table."""
    out = io.StringIO()
    for name, value in metadata.items():
        out.write(f"# {name}: {json.dumps(value, allow_nan=True)}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*(_cells(values) for values in columns.values()), strict=True))
    return out.getvalue()


def save(path: str | Path, text: str) -> Path:
    """Write text (a CSV of this module) to path; returns the path."""
    path = Path(path)
    path.write_text(text, encoding="utf-8")
    return path


def _cells(values: Sequence[Any]) -> list[Any]:
    """A column's values as Python objects the csv module writes exactly (floats by repr)."""
    a = np.asarray(values)
    if a.dtype.kind == "f":
        finite = np.isfinite(a)
        if finite.all() and (a == np.round(a)).all() and np.abs(a).max(initial=0) < 2**53:
            return a.astype(np.int64).tolist()
        return a.tolist()
    if a.dtype.kind in "iub":
        return a.tolist()
    return list(values)


def read_metadata(path: str | Path) -> dict[str, Any]:
    """The ``# name: JSON`` lines at the top of a CSV written by `format_csv`."""
    out: dict[str, Any] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("# "):
                break
            name, _, value = line[2:].partition(": ")
            out[name] = json.loads(value)
    return out


def read_csv(path: str | Path) -> Any:
    """A CSV written by `format_csv` as a DataFrame, the metadata in ``attrs``."""
    df = _pandas().read_csv(path, comment="#")
    df.attrs.update(read_metadata(path))
    return df


def records_to_pandas(records: list[dict[str, Any]], metadata: Mapping[str, Any]) -> Any:
    """A list of records (dicts with the same keys) as a DataFrame, metadata in ``attrs``."""
    df = _pandas().DataFrame.from_records(records)
    df.attrs.update(metadata)
    return df


def records_csv(
    records: list[dict[str, Any]], metadata: Mapping[str, Any], columns: Sequence[str]
) -> str:
    """Records as a CSV table with the given column order."""
    return format_csv(metadata, {c: [r[c] for r in records] for c in columns})
