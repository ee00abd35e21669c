"""Record a trace on a real Linux machine: zswap's debugfs counters, /proc/vmstat and
/proc/meminfo every 100 ms while a workload runs, written in the format of the shipped traces,
so that `traces.load_path` and `zswap-widgets validate` read it.

The workload is a command, or the built-in allocator: one process that writes N MiB of pages,
each a fraction F of one repeated byte and the rest random bytes (the traces' workload), then
holds its memory while sampling goes on. The recorder only reads: /sys/module/zswap/parameters,
/sys/kernel/debug/zswap, /proc; it never writes a parameter. The roots are arguments so that
tests can point it at a made-up tree.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model.results import DEBUGFS_COUNTERS

VMSTAT_COLUMNS = ("pswpout", "pswpin")
MEMINFO_COLUMNS = (("MemFree", "memfree_kb"), ("SwapFree", "swapfree_kb"))
COLUMNS = ("t", *DEBUGFS_COUNTERS, *VMSTAT_COLUMNS, *(c for _, c in MEMINFO_COLUMNS))

# The built-in allocator, run as a child process so that its rusage is the allocation's own.
# It prints its start time (CLOCK_MONOTONIC, shared by all processes) and its times, then
# holds its memory for the hold time so that the pool is not emptied by its exit.
ALLOCATOR = """
import resource, sys, time
import numpy as np
mib, fraction, hold = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
n, rnd = mib * 256, round(4096 * (1 - fraction))
pages = np.empty((n, 4096), np.uint8)
rng = np.random.default_rng(1)
print("start", time.monotonic(), flush=True)
t0, r0 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
for a in range(0, n, 256):
    b = min(a + 256, n)
    pages[a:b, :rnd] = rng.integers(0, 256, (b - a, rnd), dtype=np.uint8)
    pages[a:b, rnd:] = 97
t1, r1 = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
print(f"alloc_elapsed {t1 - t0:.3f} user {r1.ru_utime - r0.ru_utime:.3f} "
      f"sys {r1.ru_stime - r0.ru_stime:.3f}", flush=True)
time.sleep(hold)
"""


class RecordError(Exception):
    """Recording is not possible here: one line saying why and what to do."""


@dataclass
class Recorder:
    """Reads one machine's zswap state; `sys_root` and `proc_root` default to the real ones."""

    sys_root: Path = Path("/sys")
    proc_root: Path = Path("/proc")
    interval_s: float = 0.1
    notes: list[str] = field(default_factory=list)  # warnings for the user (e.g. zswap off)

    def __post_init__(self) -> None:
        self.sys_root = Path(self.sys_root)
        self.proc_root = Path(self.proc_root)
        if not self.interval_s > 0:
            raise RecordError(f"interval = {self.interval_s!r} s is not allowed: must be > 0")

    @property
    def params_dir(self) -> Path:
        return self.sys_root / "module" / "zswap" / "parameters"

    @property
    def debugfs_dir(self) -> Path:
        return self.sys_root / "kernel" / "debug" / "zswap"

    # ------------------------------------------------------------------ checks
    def parameters(self) -> dict[str, str]:
        """The zswap module parameters, read from /sys/module/zswap/parameters."""
        d = self.params_dir
        if not d.is_dir():
            raise RecordError(
                f"zswap is not available on this machine: {d} does not exist "
                "(a kernel built without CONFIG_ZSWAP?)"
            )
        params = {}
        for f in sorted(d.iterdir()):
            try:
                params[f.name] = f.read_text().strip()
            except OSError as e:
                raise RecordError(f"cannot read {f}: {e.strerror}") from None
        return params

    def check(self) -> dict[str, str]:
        """Parameters, after checking that the counters can be read. Raises RecordError with
        what to do where debugfs is not mounted or not readable."""
        params = self.parameters()
        if params.get("enabled") != "Y":
            self.notes.append(
                "zswap is disabled (enabled=N): its debugfs counters are recorded as -1, "
                "as in the shipped zswap-off trace"
            )
            return params
        debug = self.debugfs_dir.parent
        if not self._debugfs_mounted():
            raise RecordError(
                f"debugfs is not mounted at {debug}: as root, "
                f"`mount -t debugfs none {debug}`, then record again"
            )
        try:
            names = {p.name for p in self.debugfs_dir.iterdir()}
        except PermissionError:
            raise RecordError(
                f"cannot read {self.debugfs_dir}: permission denied (debugfs is readable by "
                "root only; run `sudo zswap-widgets record ...`)"
            ) from None
        except FileNotFoundError:
            raise RecordError(
                f"{self.debugfs_dir} does not exist although zswap is enabled "
                "(zswap has not set up its counters yet?)"
            ) from None
        missing = [c for c in ("pool_total_size", "stored_pages") if c not in names]
        if missing:
            raise RecordError(f"{self.debugfs_dir} has no {', '.join(missing)}")
        try:
            (self.debugfs_dir / "stored_pages").read_text()
        except PermissionError:
            raise RecordError(
                f"cannot read {self.debugfs_dir}/stored_pages: permission denied (run as root)"
            ) from None
        return params

    def _debugfs_mounted(self) -> bool:
        mountpoint = "/sys/kernel/debug"
        try:
            lines = (self.proc_root / "mounts").read_text().splitlines()
        except OSError:
            return self.debugfs_dir.parent.is_dir() and any(self.debugfs_dir.parent.iterdir())
        return any(
            len(w) >= 3 and w[2] == "debugfs" and w[1] == mountpoint
            for w in (line.split() for line in lines)
        )

    # ------------------------------------------------------------------ sampling
    def _counter(self, name: str) -> int:
        try:
            return int((self.debugfs_dir / name).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return -1

    def _keyed(self, name: str, sep: str | None) -> dict[str, int]:
        out = {}
        try:
            text = (self.proc_root / name).read_text()
        except OSError:
            return out
        for line in text.splitlines():
            key, _, rest = line.partition(sep) if sep else line.partition(" ")
            words = rest.split()
            if words and words[0].lstrip("-").isdigit():
                out[key.strip()] = int(words[0])
        return out

    def meminfo(self) -> dict[str, int]:
        return self._keyed("meminfo", ":")

    def sample(self, t: float) -> list[float]:
        """One row: time, the debugfs counters (-1 where unreadable), vmstat, meminfo."""
        vm = self._keyed("vmstat", None)
        mem = self.meminfo()
        return [
            round(t, 3),
            *(self._counter(c) for c in DEBUGFS_COUNTERS),
            *(vm.get(k, -1) for k in VMSTAT_COLUMNS),
            *(mem.get(k, -1) for k, _ in MEMINFO_COLUMNS),
        ]

    def machine_line(self) -> str:
        mem = self.meminfo()
        try:
            release = (self.proc_root / "sys" / "kernel" / "osrelease").read_text().strip()
        except OSError:
            release = os.uname().release
        visible = mem.get("MemTotal", 0) // 1024
        cpus = os.cpu_count() or 1
        return (
            f"real Linux {release}, recorded by zswap-widgets record ({visible} MiB visible), "
            f"{cpus} CPUs"
        )

    # ------------------------------------------------------------------ recording
    def record(
        self,
        command: Sequence[str] | None = None,
        mib: int | None = None,
        fraction: float = 0.75,
        hold_s: float = 5.0,
        progress: Callable[[str], None] | None = None,
    ) -> str:
        """Run the workload while sampling; returns the trace's text."""
        if command and mib is not None:
            raise RecordError("give either a command (after --) or --mib, not both")
        if not 0.0 <= fraction <= 1.0:
            raise RecordError(f"fraction = {fraction!r} is not allowed: must be from 0 to 1")
        if hold_s < 0:
            raise RecordError(f"hold = {hold_s!r} s is not allowed: must be 0 or more")
        params = self.check()
        if command:
            argv = list(command)
            workload = f"the command {shlex.join(argv)}"
        else:
            mib = self.default_mib() if mib is None else mib
            if mib < 1:
                raise RecordError(f"mib = {mib!r} is not allowed: must be 1 or more")
            argv = [sys.executable, "-c", ALLOCATOR, str(mib), str(fraction), str(hold_s)]
            workload = (
                f"one process allocates and writes {mib} MiB of pages, each a fraction "
                f"{fraction} of one repeated byte and the rest random bytes"
            )
        if progress:
            progress(f"recording while {workload} runs")
        rows, times = self._run(argv, builtin=not command, hold_s=hold_s)
        header = [
            self.machine_line(),
            f"workload: {workload}; sampled every {self.interval_s * 1000:.0f} ms",
            "params " + " ".join(f"{k}={v}" for k, v in params.items()),
            "alloc_elapsed {:.3f} user {:.3f} sys {:.3f}".format(*times),
            "columns: t (s since start), zswap debugfs counters (-1 = not readable), "
            "/proc/vmstat pswpout and pswpin, MemFree and SwapFree (KiB)",
        ]
        lines = [f"# {h}" for h in header] + [",".join(COLUMNS)]
        lines += [",".join(f"{v:g}" if isinstance(v, float) else str(v) for v in r) for r in rows]
        return "\n".join(lines) + "\n"

    def default_mib(self) -> int:
        """Twice the visible RAM, as the traces did, if swap can take the rest."""
        mem = self.meminfo()
        total, swap = mem.get("MemTotal", 0) // 1024, mem.get("SwapFree", 0) // 1024
        if total <= 0:
            raise RecordError(f"cannot read MemTotal from {self.proc_root / 'meminfo'}")
        want = 2 * total
        if want > total + swap - 512:
            raise RecordError(
                f"the default --mib {want} (twice the RAM) needs {want - total + 512} MiB of "
                f"free swap, there are {swap}; give a smaller --mib or add swap"
            )
        return want

    def _run(
        self, argv: list[str], builtin: bool, hold_s: float
    ) -> tuple[list[list[float]], tuple[float, float, float]]:
        rows = []
        start = time.monotonic()
        try:
            child = subprocess.Popen(argv, stdout=subprocess.PIPE if builtin else None, text=True)
        except OSError as e:
            raise RecordError(f"cannot run {argv[0]!r}: {e.strerror}") from None
        ended = None
        status = 0
        rusage = None
        next_t = start
        while True:
            now = time.monotonic()
            rows.append(self.sample(now - start))
            if ended is None:
                pid, status, rusage = os.wait4(child.pid, os.WNOHANG)
                if pid:
                    ended = now
                    child.returncode = os.waitstatus_to_exitcode(status)
            if ended is not None and (builtin or now - ended >= hold_s):
                break
            next_t += self.interval_s
            time.sleep(max(next_t - time.monotonic(), 0.0))
        if child.returncode:
            raise RecordError(f"the workload exited with status {child.returncode}")
        if builtin:
            out = child.stdout.read() if child.stdout else ""
            begin, times = _allocator_report(out)
            shift = begin - start
            rows = [[round(r[0] - shift, 3), *r[1:]] for r in rows if r[0] >= shift - 1e-9]
            return rows, times
        return rows, (ended - start, rusage.ru_utime, rusage.ru_stime)


def _allocator_report(out: str) -> tuple[float, tuple[float, float, float]]:
    begin, times = None, None
    for line in out.splitlines():
        words = line.split()
        if words[:1] == ["start"]:
            begin = float(words[1])
        elif words[:1] == ["alloc_elapsed"]:
            times = (float(words[1]), float(words[3]), float(words[5]))
    if begin is None or times is None:
        raise RecordError("the built-in allocator did not report its times")
    return begin, times
