"""The cover letter's benchmark: allocate 2 GiB of 3/4-compressible data on a 1 GiB VM."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..model.config import Config
from ..model.simulation import simulate

# "With patches 1 to 3", "With all patches", "zswap off (baseline)": elapsed, user, sys in s,
# averaged over 10 runs on 6.10-rc5 (cover letter, Benchmark). v6.10 was not measured there.
PUBLISHED: dict[str, tuple[float, float, float]] = {
    "patches-1-3": (13.10, 0.183, 2.049),
    "patches-1-6": (11.17, 0.116, 1.490),
    "off": (11.81, 0.149, 1.381),
}
BENCH_KERNELS = ("off", "patches-1-3", "patches-1-6", "v6.10")


def bench_config(kernel: str, seed: int = 0, **changes) -> Config:
    """Config() is the cover letter's setup; the benchmark times the allocation only."""
    return Config(kernel=kernel, seed=seed, idle_s=0.0, **changes)


def _elapsed_user_sys(args: tuple[str, int, dict]) -> tuple[float, float, float, dict]:
    kernel, seed, changes = args
    r = simulate(bench_config(kernel, seed, **changes))
    return r.elapsed_s, r.user_s, r.sys_s, r.counters


def run_bench(
    runs: int = 10, kernels=BENCH_KERNELS, workers: int | None = None, **changes
) -> dict[str, dict]:
    """Mean elapsed/user/sys and the last run's counters per kernel, over `runs` seeds.

    Runs are independent, so they are spread over `workers` processes (default: one per CPU).
    """
    jobs = [(k, seed, changes) for k in kernels for seed in range(runs)]
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_elapsed_user_sys, jobs))
    else:
        results = [_elapsed_user_sys(job) for job in jobs]
    out = {}
    for i, k in enumerate(kernels):
        mine = results[i * runs : (i + 1) * runs]
        out[k] = {
            "elapsed_s": float(np.mean([r[0] for r in mine])),
            "user_s": float(np.mean([r[1] for r in mine])),
            "sys_s": float(np.mean([r[2] for r in mine])),
            "counters": mine[-1][3],
        }
    return out


def format_bench(result: dict[str, dict]) -> str:
    lines = [
        f"{'kernel':<13} {'elapsed':>8} {'user':>7} {'sys':>7}   published (elapsed/user/sys)",
    ]
    base = result.get("off", {}).get("elapsed_s")
    pub_base = PUBLISHED["off"][0]
    for k, r in result.items():
        pub = PUBLISHED.get(k)
        ratio = f"  ratio to off {r['elapsed_s'] / base:.3f}" if base else ""
        if pub:
            ratio += f" (published {pub[0] / pub_base:.3f})"
        published = f"{pub[0]:>6.2f} {pub[1]:>6.3f} {pub[2]:>6.3f}" if pub else "   (not measured)"
        lines.append(
            f"{k:<13} {r['elapsed_s']:>8.2f} {r['user_s']:>7.3f} {r['sys_s']:>7.3f}   "
            f"{published}{ratio}"
        )
    return "\n".join(lines)
