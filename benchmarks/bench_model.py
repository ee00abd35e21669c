"""Model speed: wall time of one full-scale bench run per kernel, peak memory, and how the cost
scales with pages and with steps (0.5x, 1x, 2x, 4x).

    python3 benchmarks/bench_model.py [--repeats 5]

Medians of `repeats` runs, all measured in this one process run (the machine is shared: compare
ratios within a run, not absolute figures across runs).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from zswap_widgets import Budget, simulate
from zswap_widgets.analysis.bench import BENCH_KERNELS, bench_config


def median_wall(config, repeats: int) -> float:
    walls = []
    for _ in range(repeats):
        t = time.perf_counter()
        simulate(config, budget=Budget.unlimited())  # the 4x runs pass the default budget
        walls.append(time.perf_counter() - t)
    return statistics.median(walls)


def peak_rss_mib(kernel: str) -> float:
    """Peak resident memory of a fresh process that runs one full-scale bench run."""
    # VmHWM of the new process image (ru_maxrss would carry over the forking parent's peak).
    code = (
        "from zswap_widgets import simulate;"
        "from zswap_widgets.analysis.bench import bench_config;"
        f"simulate(bench_config({kernel!r}));"
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0];"
        "print(int(hwm.split()[1]) / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def report(what: str, walls: dict[float, float]) -> None:
    for x, wall in walls.items():
        print(
            f"  {x:>4}x {what}  {wall:6.3f} s   time ratio to 1x {wall / walls[1]:5.2f} (linear: {x})"
        )


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()
    print("full-scale bench scenario (524,288 pages, 1 ms steps), median wall per run:")
    for k in BENCH_KERNELS:
        cfg = bench_config(k)
        wall = median_wall(cfg, args.repeats)
        print(f"  {k:<12} {wall:6.3f} s   peak RSS {peak_rss_mib(k):6.1f} MiB")
    base = bench_config("patches-1-6")
    print("scaling with pages (RAM, allocation and device speed scaled together, same steps):")
    walls = {}
    for x in (0.5, 1, 2, 4):
        cfg = base.scaled(x).replace(step_ms=base.step_ms)
        walls[x] = median_wall(cfg, args.repeats)
    report("pages", walls)
    print("scaling with steps (same pages, step_ms divided):")
    walls = {x: median_wall(base.replace(step_ms=1.0 / x), args.repeats) for x in (0.5, 1, 2, 4)}
    report("steps", walls)


if __name__ == "__main__":
    main()
