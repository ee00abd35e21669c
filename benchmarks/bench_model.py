"""Model speed: CPU and wall time of one full-scale bench run per kernel, peak memory (resident,
and Python's allocations as tracemalloc sees them, numpy arrays included), and how the cost scales
with pages and with steps (0.5x, 1x, 2x, 4x).

    python3 benchmarks/bench_model.py [--repeats 5]

Medians of `repeats` runs, all measured in this one process run. CPU time is that of the thread
running the simulation (time.thread_time): on a shared machine it moves much less than wall time,
so compare CPU figures, and ratios within a run rather than absolute figures across runs.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from zswap_widgets import simulate
from zswap_widgets.analysis.bench import BENCH_KERNELS, bench_config

try:  # the cost guard's budget (the 4x runs pass the default one)
    from zswap_widgets import Budget

    UNLIMITED = {"budget": Budget.unlimited()}
except ImportError:  # a tree from before the guard, for before/after comparisons
    UNLIMITED = {}


def median_times(config, repeats: int) -> tuple[float, float]:
    """Median CPU and wall seconds of a run."""
    cpu, wall = [], []
    for _ in range(repeats):
        c, w = time.thread_time(), time.perf_counter()
        simulate(config, **UNLIMITED)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def peak_mib(kernel: str) -> tuple[float, float]:
    """Peak resident memory of a fresh process that runs one full-scale bench run, and the peak
    of the run's own allocations (tracemalloc, in a second run of that process)."""
    # VmHWM of the new process image (ru_maxrss would carry over the forking parent's peak).
    code = f"""
import tracemalloc
from zswap_widgets import simulate
from zswap_widgets.analysis.bench import bench_config
try:  # tracing slows the run past the cost guard's default time budget
    from zswap_widgets import Budget
    unlimited = {{"budget": Budget.unlimited()}}
except ImportError:
    unlimited = {{}}
simulate(bench_config({kernel!r}))
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
tracemalloc.start()
simulate(bench_config({kernel!r}), **unlimited)
print(int(hwm.split()[1]) / 1024, tracemalloc.get_traced_memory()[1] / 2**20)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    rss, traced = out.stdout.split()
    return float(rss), float(traced)


def report(what: str, times: dict[float, tuple[float, float]]) -> None:
    for x, (cpu, wall) in times.items():
        print(
            f"  {x:>4}x {what}  CPU {cpu:6.3f} s (wall {wall:6.3f} s)   CPU ratio to 1x "
            f"{cpu / times[1][0]:5.2f} (linear: {x})"
        )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    print("full-scale bench scenario (524,288 pages, 1 ms steps), median per run:")
    for k in BENCH_KERNELS:
        cpu, wall = median_times(bench_config(k), args.repeats)
        rss, traced = peak_mib(k)
        print(
            f"  {k:<12} CPU {cpu:6.3f} s (wall {wall:6.3f} s)   peak RSS {rss:6.1f} MiB, "
            f"traced {traced:5.1f} MiB"
        )
    base = bench_config("patches-1-6")
    print("scaling with pages (RAM, allocation and device speed scaled together, same steps):")
    times = {}
    for x in (0.5, 1, 2, 4):
        cfg = base.scaled(x).replace(step_ms=base.step_ms)
        times[x] = median_times(cfg, args.repeats)
    report("pages", times)
    print("scaling with steps (same pages, step_ms divided):")
    times = {x: median_times(base.replace(step_ms=1.0 / x), args.repeats) for x in (0.5, 1, 2, 4)}
    report("steps", times)


if __name__ == "__main__":
    main()
