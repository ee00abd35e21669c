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
    traces.compare(tr, simulate(tr.model_config())).format()   # model against trace

Pure Python and numpy: no widgets.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from .validation import Comparison, compare, courses

__all__ = ["TRACES", "Comparison", "Trace", "compare", "courses", "load", "load_path", "parse"]

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
    source: str = ""  # the file, for messages (the name when empty)
    lines: np.ndarray | None = field(default=None, repr=False)  # line number of each sample

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

    def alloc_rate_mib_s(self) -> int | None:
        """How fast the traced program allocated while memory was free (MemFree's slope over
        the first 2 s, before reclaim starts); None if MemFree did not fall. A trace without
        MemFree, or with fewer than three sample times in those 2 s, raises ValueError."""
        where = self.source or self.name
        if "memfree_kb" not in self.columns:
            raise ValueError(
                f"{where}: no column 'memfree_kb' for the allocation-rate fit; "
                f"columns: {', '.join(self.columns)}"
            )
        early = self.t_s < 2.0
        times = len(np.unique(self.t_s[early]))
        if times < 3:
            line = int(self.lines[0]) if self.lines is not None and len(self.lines) else 0
            raise ValueError(
                f"{where}:{line}: the allocation-rate fit needs samples at 3 or more times "
                f"before t = 2 s; found {times}"
            )
        slope_kib_s = np.polyfit(self.t_s[early], self["memfree_kb"][early], 1)[0]
        rate = int(-slope_kib_s / 1024)
        return rate if rate >= 1 else None

    @property
    def kernel_preset(self) -> str:
        """The model's preset for the traced kernel: "off" if zswap was disabled, else by the
        release in the header (v6.10 before 6.12, v6.12 up to 6.17, v6.18 from 6.18)."""
        if not self.zswap_enabled:
            return "off"
        found = re.search(r"Linux (\d+)\.(\d+)", " ".join(self.description))
        version = (int(found.group(1)), int(found.group(2))) if found else (6, 12)
        if version < (6, 12):
            return "v6.10"
        return "v6.12" if version < (6, 18) else "v6.18"

    @property
    def emulated(self) -> bool:
        """Whether the traced machine's CPU was emulated (QEMU TCG), as the header says."""
        return any("TCG" in line for line in self.description)

    @property
    def hold_s(self) -> float:
        """How long sampling went on after the allocation ended."""
        return max(float(self.t_s[-1]) - self.alloc_elapsed_s, 0.0)

    def model_config(self, **changes: Any):
        """The model's `Config` for this trace's machine, workload and zswap parameters.

        Kernel v6.12 (or off), the disk's IOPS and bandwidth, RAM visible to the kernel, the
        workload of the measurement (each page 1/4 random bytes and 3/4 one repeated byte), an
        idle tail as long as the trace's sampling after the allocation, and for an emulated
        machine (QEMU TCG) its CPU costs, its single memcg and QEMU's request merging.
        """
        from ..model.config import Config
        from ..model.costs import CPU_US, TCG_USER_CPU_SPEED
        from ..model.machine import PAGES_PER_MIB

        m = self.machine
        settings: dict[str, Any] = {
            "kernel": self.kernel_preset,
            "filler": "byte",
            "compressible_fraction": m.get("fraction", 0.75),
            "idle_s": round(math.ceil(self.hold_s * 10) / 10, 1),
        }
        if "alloc_mib" in m:
            settings["alloc_mib"] = int(m["alloc_mib"])
        if self.emulated:
            # The kernel lab's VM: an emulated CPU measured path by path (costs.py), no cgroup
            # hierarchy (the root memcg only), and a virtio-blk disk behind QEMU, which merges
            # adjacent queued requests. The program's speed on x86 is the model's default.
            settings.update(
                cpu_costs="qemu-tcg",
                user_cpu_speed=TCG_USER_CPU_SPEED,
                merge_queued_writes=True,
                nr_memcgs=1,
                empty_memcgs=0,
            )
        elif self.alloc_rate_mib_s() is not None:
            # The model's x86 page fault bounds the speed it can represent.
            fastest = math.ceil(1e6 / (CPU_US["fault"] * PAGES_PER_MIB)) - 1
            settings["alloc_rate_mib_s"] = min(self.alloc_rate_mib_s(), fastest)
        if "iops" in m:
            settings["swap_iops"] = int(m["iops"])
        if "bandwidth_mib_s" in m:
            settings["swap_bandwidth_mib_s"] = int(m["bandwidth_mib_s"])
        if "ram_mib" in m:
            settings["ram_mib"] = int(m["ram_mib"])
            if "visible_mib" in m:
                settings["kernel_reserved_mib"] = int(m["ram_mib"] - m["visible_mib"])
        elif "visible_mib" in m:  # a recorded machine: only MemTotal is known
            settings["ram_mib"] = int(m["visible_mib"])
            settings["kernel_reserved_mib"] = 0
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
    "vcpus": r"(\d+) v?CPUs?",
    "iops": r"(\d+) IOPS",
    "bandwidth_mib_s": r"(\d+(?:\.\d+)?) MiB/s",
    "alloc_mib": r"writes (\d+) MiB of pages",
    "fraction": r"a fraction (\d*\.?\d+) of one repeated byte",
}


INT64_MAX = 2**63 - 1


def _sample(cells: list[str], header: list[str], where: str) -> list[float]:
    """One sample's values: finite numbers, whole ones in every column but t."""
    values = []
    for col, cell in zip(header, cells, strict=True):
        try:
            v = float(cell)
        except ValueError:
            raise ValueError(f"{where}: column {col!r} = {cell!r} is not a number") from None
        if not math.isfinite(v):
            raise ValueError(f"{where}: column {col!r} = {cell!r}; values must be finite numbers")
        if col != "t" and (v != int(v) or abs(v) > INT64_MAX):
            raise ValueError(
                f"{where}: column {col!r} = {cell!r}; counters and sizes are whole numbers "
                f"of at most 2^63 - 1"
            )
        values.append(v)
    return values


def parse(text: str, name: str = "trace", source: str | None = None) -> Trace:
    """A Trace from the text of one CSV file. Raises ValueError on a malformed file, naming
    `source` (default: `name`) and the line. A UTF-8 byte order mark is skipped."""
    where = source or name
    text = text.removeprefix("\ufeff")
    description: list[str] = []
    params: dict[str, Any] = {}
    times: dict[str, float] = {}
    header: list[str] | None = None
    rows: list[list[float]] = []
    lines: list[int] = []
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
                        raise ValueError(f"{where}:{lineno}: parameter {item!r} is not name=value")
                    params[key] = _value(value)
            elif body.startswith("alloc_elapsed "):
                words = body.split()
                try:
                    times = {words[i]: float(words[i + 1]) for i in range(0, len(words), 2)}
                except (IndexError, ValueError):
                    raise ValueError(f"{where}:{lineno}: cannot read times from {body!r}") from None
            elif not body.startswith("columns:"):
                description.append(body)
            continue
        cells = [c.strip() for c in line.split(",")]
        if header is None:
            if "t" not in cells:
                raise ValueError(
                    f"{where}:{lineno}: the header has no column 't' (the time in s); "
                    f"columns: {', '.join(cells)}"
                )
            header = cells
            continue
        if len(cells) != len(header):
            raise ValueError(f"{where}:{lineno}: {len(cells)} values, expected {len(header)}")
        rows.append(_sample(cells, header, f"{where}:{lineno}"))
        lines.append(lineno)
    if header is None or not rows:
        raise ValueError(f"{where}: no header row or no samples")
    missing = {"alloc_elapsed", "user", "sys"} - set(times)
    if missing:
        raise ValueError(f"{where}: no '# alloc_elapsed E user U sys S' line")
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
        source=where,
        lines=np.array(lines),
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
    data = p.read_bytes()
    try:
        text = data.decode("utf-8")
        bad = text.find("\x00")
    except UnicodeDecodeError as e:
        bad = e.start
        text = data[:bad].decode("utf-8", errors="replace")
    if bad >= 0:
        line = text.count("\n", 0, bad) + 1
        raise ValueError(f"{p}:{line}: not UTF-8 text (binary data); a trace is a CSV text file")
    return parse(text, p.stem, str(p))
