"""The measured Linux 6.12 traces shipped in zswap_widgets/data (docs/kernel-notes.md §13).

Each CSV starts with ``#`` lines: two lines describing the machine and the workload, the zswap
module parameters read back from /sys/module/zswap/parameters (``# params name=value ...``), the
allocation's times (``# alloc_elapsed E user U sys S``) and a description of the columns. Then a
header row and one row per 100 ms sample: debugfs counters (-1 where not readable, as when zswap
is off), /proc/vmstat pswpout and pswpin, MemFree and SwapFree in KiB.

    from zswap_widgets import traces
    tr = traces.load("on_zs")
    tr.params["max_pool_percent"], tr.alloc_elapsed_s, tr["pool_total_size"][-1]
    tr.model_config()   # the model's Config for the same machine and settings

Pure Python and numpy: no widgets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

TRACES = ("off", "on_zs")
PAGE_SIZE = 4096


@dataclass(frozen=True)
class Trace:
    """One measured run: header facts and one numpy array per column."""

    name: str
    description: tuple[str, ...]  # the free-text '#' lines
    params: dict[str, Any]  # zswap module parameters (ints, True/False for Y/N, else strings)
    alloc_elapsed_s: float
    alloc_user_s: float
    alloc_sys_s: float
    columns: dict[str, np.ndarray] = field(repr=False)
    machine: dict[str, float] = field(default_factory=dict)  # parsed from the description

    def __getitem__(self, column: str) -> np.ndarray:
        try:
            return self.columns[column]
        except KeyError:
            raise KeyError(
                f"trace {self.name!r} has no column {column!r}; columns: {', '.join(self.columns)}"
            ) from None

    @property
    def t_s(self) -> np.ndarray:
        return self.columns["t"]

    @property
    def zswap_enabled(self) -> bool:
        return bool(self.params.get("enabled", False))

    def readable(self, column: str) -> bool:
        """False for counters the trace could not read (all -1, as debugfs with zswap off)."""
        return bool((self[column] >= 0).any())

    def bytes_per_stored_page(self) -> np.ndarray:
        """pool_total_size / stored_pages per sample (NaN while nothing is stored)."""
        pool = self["pool_total_size"].astype(float)
        stored = self["stored_pages"].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(stored > 0, pool / stored, np.nan)

    def alloc_rate_mib_s(self) -> int:
        """How fast the traced program allocated while memory was free (MemFree's slope over
        the first 2 s, before reclaim starts)."""
        early = self.t_s < 2.0
        slope_kib_s = np.polyfit(self.t_s[early], self["memfree_kb"][early], 1)[0]
        return max(int(-slope_kib_s / 1024), 1)

    def model_config(self, **changes: Any):
        """The model's `Config` for this trace's machine, workload and zswap parameters.

        Kernel v6.12 (or off), the disk's IOPS and bandwidth, RAM visible to the kernel, the
        workload of the measurement (each page 1/4 random bytes and 3/4 one repeated byte, at
        the trace's own allocation speed), the emulated CPU and QEMU's request merging.
        """
        from ..model.config import Config

        m = self.machine
        settings: dict[str, Any] = {
            "kernel": "v6.12" if self.zswap_enabled else "off",
            "filler": "byte",
            "compressible_fraction": 0.75,
            # The traced VM's CPU was emulated, "roughly four times slower" (data README), and
            # its virtio-blk disk sat behind QEMU, which merges adjacent queued requests.
            "cpu_speed": 0.25,
            "merge_queued_writes": True,
            "alloc_rate_mib_s": self.alloc_rate_mib_s(),
        }
        if "iops" in m:
            settings["swap_iops"] = int(m["iops"])
        if "bandwidth_mib_s" in m:
            settings["swap_bandwidth_mib_s"] = int(m["bandwidth_mib_s"])
        if "ram_mib" in m:
            settings["ram_mib"] = int(m["ram_mib"])
            if "visible_mib" in m:
                settings["kernel_reserved_mib"] = int(m["ram_mib"] - m["visible_mib"])
        if "vcpus" in m:
            settings["vcpus"] = int(m["vcpus"])
        if self.zswap_enabled:
            p = self.params
            settings["max_pool_percent"] = int(p["max_pool_percent"])
            settings["accept_threshold_percent"] = int(p["accept_threshold_percent"])
            settings["compressor"] = str(p["compressor"])
            settings["allocator"] = str(p["zpool"])
        settings.update(changes)
        return Config(**settings)


def _value(text: str) -> Any:
    if text in ("Y", "N"):
        return text == "Y"
    try:
        return int(text)
    except ValueError:
        return text


_MACHINE_PATTERNS = {
    "ram_mib": r"(\d+) MiB RAM",
    "visible_mib": r"\((\d+) MiB visible\)",
    "vcpus": r"(\d+) vCPUs?",
    "iops": r"(\d+) IOPS",
    "bandwidth_mib_s": r"(\d+(?:\.\d+)?) MiB/s",
}


def parse(text: str, name: str = "trace") -> Trace:
    """A Trace from the text of one CSV file. Raises ValueError on a malformed file."""
    description: list[str] = []
    params: dict[str, Any] = {}
    times: dict[str, float] = {}
    header: list[str] | None = None
    rows: list[list[float]] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            if body.startswith("params "):
                for item in body[len("params ") :].split():
                    key, sep, value = item.partition("=")
                    if not sep:
                        raise ValueError(f"{name}:{lineno}: parameter {item!r} is not name=value")
                    params[key] = _value(value)
            elif body.startswith("alloc_elapsed "):
                words = body.split()
                try:
                    times = {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}
                except (IndexError, ValueError):
                    raise ValueError(f"{name}:{lineno}: cannot read times from {body!r}") from None
            elif not body.startswith("columns:"):
                description.append(body)
            continue
        cells = line.split(",")
        if header is None:
            header = cells
            continue
        if len(cells) != len(header):
            raise ValueError(f"{name}:{lineno}: {len(cells)} values, expected {len(header)}")
        try:
            rows.append([float(c) for c in cells])
        except ValueError:
            raise ValueError(f"{name}:{lineno}: not a number in {line!r}") from None
    if header is None or not rows:
        raise ValueError(f"{name}: no header row or no samples")
    missing = {"alloc_elapsed", "user", "sys"} - set(times)
    if missing:
        raise ValueError(f"{name}: no '# alloc_elapsed E user U sys S' line")
    data = np.array(rows)
    columns = {
        col: data[:, i] if col == "t" else data[:, i].astype(np.int64)
        for i, col in enumerate(header)
    }
    machine: dict[str, float] = {}
    joined = " ".join(description)
    for key, pattern in _MACHINE_PATTERNS.items():
        found = re.search(pattern, joined)
        if found:
            machine[key] = float(found.group(1))
    return Trace(
        name=name,
        description=tuple(description),
        params=params,
        alloc_elapsed_s=times["alloc_elapsed"],
        alloc_user_s=times["user"],
        alloc_sys_s=times["sys"],
        columns=columns,
        machine=machine,
    )


def load(name: str = "on_zs") -> Trace:
    """One of the shipped traces: "off" (zswap disabled) or "on_zs" (lz4/zsmalloc, 25/50 %)."""
    if name not in TRACES:
        raise ValueError(f"no trace {name!r}; shipped traces: {', '.join(TRACES)}")
    text = (files("zswap_widgets") / "data" / f"{name}.csv").read_text(encoding="utf-8")
    return parse(text, name)


def load_path(path: str | Path) -> Trace:
    """A trace from a CSV file of the same format (e.g. one you measured yourself)."""
    p = Path(path)
    return parse(p.read_text(encoding="utf-8"), p.stem)
