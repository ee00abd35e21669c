"""Calibration of the cost guard (zswap_widgets/model/guard.py): CPU time of runs that span the
cost drivers, the work each did (steps, pages, objects), the per-unit costs fitted to them, and
how the guard's estimate compares with the measurement.

    python3 benchmarks/bench_guard.py [--repeats 3]

Times are the CPU time of the thread that runs the simulation (time.thread_time), medians of
`repeats` runs, so that other processes on a shared machine matter less. Copy the fitted costs
into guard.py when the model's speed changes.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import numpy as np

from zswap_widgets import Config, Simulation
from zswap_widgets.analysis.bench import bench_config
from zswap_widgets.model.guard import estimate

UNITS = (
    "handles",
    "full steps",
    "bulk steps",
    "quiet steps",
    "pages",
    "pages read back",
    "reclaimed",
    "buddy objects",
)


def calibration_configs() -> list[Config]:
    small = Config(ram_mib=256, kernel_reserved_mib=16, alloc_mib=512, idle_s=3.0, swap_iops=900)
    return [
        bench_config("off"),
        bench_config("patches-1-3"),
        bench_config("patches-1-6"),
        bench_config("v6.10"),
        Config(),
        Config(kernel="v6.12", reaccess_mib=1024, idle_s=5),
        Config(reaccess_mib=2048, idle_s=2, max_time_s=60),
        bench_config("patches-1-6").replace(step_ms=0.2),
        bench_config("patches-1-3", allocator="zbud"),
        bench_config("v6.12", allocator="z3fold").scaled(0.5),
        small,
        small.replace(step_ms=0.1, idle_s=600, max_time_s=120),
        small.replace(alloc_mib=4096, ram_mib=4096, swap_iops=100_000, swap_bandwidth_mib_s=2000),
        small.replace(nr_memcgs=4096, empty_memcgs=1000, kernel="v6.10"),
        small.replace(alloc_rate_mib_s=50, max_time_s=20),
    ]


def work(sim: Simulation) -> list[float]:
    """The units of work a finished simulation did, in UNITS order."""
    c, cnt = sim.config, sim.cnt
    reread = sim.next_page if sim.alloc_end is not None and sim.n_reaccess else 0
    reclaimed = cnt["zswpout"] + cnt["pswpout"] - cnt["written_back_pages"]
    buddy = cnt["zswpout"] if c.allocator != "zsmalloc" else 0
    pages = sim.next_page if sim.alloc_end is None else sim.n_pages
    quiet = sim.steps - sim.active_steps
    full = sim.active_steps - sim.bulk_steps
    return [len(sim.length), full, sim.bulk_steps, quiet, pages, reread, reclaimed, buddy]


def measure(config: Config, repeats: int) -> tuple[float, list[float], float]:
    """Median CPU seconds, the work done, and the peak traced memory (MiB) of one run."""
    cpu = []
    for _ in range(repeats):
        t = time.thread_time()
        sim = Simulation(config)
        sim.run()
        cpu.append(time.thread_time() - t)
    tracemalloc.start()
    Simulation(config).run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(cpu), work(sim), peak


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeats", type=int, default=3)
    args = p.parse_args()
    rows = []
    for config in calibration_configs():
        cpu, units, peak = measure(config, args.repeats)
        est = estimate(config)
        rows.append((config, cpu, units, peak, est))
        print(
            f"{cpu:7.2f} s CPU (estimate {est.seconds:6.2f} s)  {peak:6.0f} MiB "
            f"(estimate {est.memory_mib:5.0f})  {config!r:.110}"
        )
        print(
            "        work:", ", ".join(f"{u} {v:,.0f}" for u, v in zip(UNITS, units, strict=True))
        )
    a = np.array([u for _, _, u, _, _ in rows])
    y = np.array([cpu for _, cpu, _, _, _ in rows])
    w = 1 / np.maximum(y, 0.1)  # fit relative error
    coef = np.linalg.lstsq(a * w[:, None], y * w, rcond=None)[0]
    print("fitted cost per unit (us):")
    for name, c in zip(UNITS, coef, strict=True):
        print(f"  {name:<14} {c * 1e6:8.3f}")
    ratios = [est.seconds / cpu for _, cpu, _, _, est in rows]
    print(
        f"estimate / measured CPU: median {statistics.median(ratios):.2f}, "
        f"min {min(ratios):.2f}, max {max(ratios):.2f}"
    )


if __name__ == "__main__":
    main()
