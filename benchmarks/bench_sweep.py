"""Sweep speed: the issue's 10 x 9 sweep of the cover letter's story (max_pool_percent 5..50 step
5 x accept_threshold_percent 10..90 step 10, plus the zswap-off baseline: 91 runs) on local
processes and on a Dask LocalCluster of as many worker processes on 127.0.0.1.

    python3 benchmarks/bench_sweep.py [--scale 1.0] [--workers 2] [--no-dask]

Wall times of one sweep each, measured in this one process run (the machine may be shared:
compare within a run). The Dask cluster's start-up is reported apart from its sweep. Both sweeps
must give identical numbers; the script says so.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from zswap_widgets import Config, sweep

GRID = {"max_pool_percent": range(5, 55, 5), "accept_threshold_percent": range(10, 100, 10)}
METRICS = ("elapsed_s", "sys_s", "written_back_pages", "rejections", "pool_limit_hit")


def timed(label: str, **kwargs):
    start = time.perf_counter()
    result = sweep(CONFIG, GRID, metrics=METRICS, **kwargs)
    wall = time.perf_counter() - start
    print(f"  {label:<34} {wall:7.1f} s   {result.total} runs, {wall / result.total:.2f} s/run")
    return result


def main() -> None:
    global CONFIG
    p = argparse.ArgumentParser()
    p.add_argument("--scale", type=float, default=1.0, help="Config().scaled(SCALE); 1 = full")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--no-dask", action="store_true")
    args = p.parse_args()
    CONFIG = Config() if args.scale == 1 else Config().scaled(args.scale)
    print(f"10 x 9 sweep of {CONFIG!r}, {args.workers} workers:")
    local = timed(f"local process pool ({args.workers})", workers=args.workers)
    if not args.no_dask:
        from zswap_widgets.analysis.sweep import local_dask_client

        start = time.perf_counter()
        with local_dask_client(args.workers) as client:
            print(f"  {'Dask LocalCluster start-up':<34} {time.perf_counter() - start:7.1f} s")
            on_dask = timed(f"Dask LocalCluster ({args.workers})", executor=client.get_executor())
        same = all(np.array_equal(local[m], on_dask[m]) for m in METRICS)
        print(f"  identical numbers on both: {same}")
    off = local.baseline["elapsed_s"].flat[0]
    faster = int((local["elapsed_s"] < off).sum())
    print(f"  zswap off: elapsed {off:.2f} s; {faster} of 90 cells faster than zswap off")


if __name__ == "__main__":
    main()
