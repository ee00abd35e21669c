"""Python-side timings of the dashboard (no browser): run with

    python benchmarks/bench_dashboard.py [--repeat 15]

Prints medians in ms. The target is a slider change on the default scenario (re-run the model
and update every mark) in at most 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable

warnings.filterwarnings("ignore", category=DeprecationWarning)

from zswap_widgets.widgets import COVER_LETTER, DASHBOARD_DEFAULT, Dashboard  # noqa: E402


def median_ms(fn: Callable[[int], None], repeat: int) -> float:
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    n = args.repeat

    t = time.perf_counter()
    dash = Dashboard(DASHBOARD_DEFAULT, debounce_s=0)
    build_ms = 1000 * (time.perf_counter() - t)
    print(f"build Dashboard (2 runs)                          {build_ms:8.1f} ms")
    steps = len(dash.run.series["t_s"])
    print(f"default scenario: {steps} steps, {dash.run.elapsed_s:.2f} s elapsed (model)")

    from zswap_widgets.model.simulation import simulate

    def sim(i: int) -> None:
        simulate(DASHBOARD_DEFAULT.replace(max_pool_percent=41 + i))

    print(f"simulate() of the default scenario alone (median) {median_ms(sim, n):8.1f} ms")

    slider = dash.controls["max_pool_percent"]
    values = [v for v in range(10, 41) if v != slider.value]

    def change(i: int) -> None:  # new value each time: the run is not in the cache
        slider.value = values[i % len(values)]

    print(f"slider change, new run + every mark (median)      {median_ms(change, n):8.1f} ms")

    def cached(i: int) -> None:  # values seen before: marks only
        slider.value = values[i % 2]

    print(f"slider change, run from the cache (median)        {median_ms(cached, n):8.1f} ms")

    last = dash.scrubber.max

    def scrub(i: int) -> None:
        dash.scrubber.value = (i * 97) % last

    print(f"scrubber move / Play tick (median)                {median_ms(scrub, n):8.1f} ms")

    def compare(i: int) -> None:
        dash.compare_toggle.value = i % 2 == 0

    print(f"compare mode on/off, runs cached (median)         {median_ms(compare, n):8.1f} ms")

    full = Dashboard(COVER_LETTER, debounce_s=0)
    fslider = full.controls["max_pool_percent"]

    def full_change(i: int) -> None:
        fslider.value = 20 + i

    reps = max(3, n // 5)
    print(
        f"full-scale cover letter: slider change (median of {reps}) "
        f"{median_ms(full_change, reps):8.1f} ms"
    )


if __name__ == "__main__":
    main()
