"""The model's results are exactly those recorded before its step loop was sped up (issue 11).

golden_runs.json holds, for each case below, the run's counters, timings, stage boundaries,
events and a fingerprint of every series (its SHA-256 over the float64 values, and length, sum,
min and max to show how far a differing series is off). The runs are those of
the step-by-step loop (`skip_periods` off): skipping repeating periods (model/cycles.py) changes the
last bits of three float sums, and tests/model/test_cycles.py compares that path with this one.
A change to the model that changes its outputs on purpose regenerates the file (and says so in
its commit):

    PYTHONPATH=$PWD python3 tests/model/test_equivalence.py --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from zswap_widgets import Config
from zswap_widgets.analysis import traces
from zswap_widgets.model.simulation import Simulation

GOLDEN = Path(__file__).with_name("golden_runs.json")


def _cases() -> dict[str, Config]:
    cases = {k: Config(kernel=k) for k in ("off", "v6.10", "patches-1-3", "patches-1-6")}
    cases.update(
        {
            "v6.12": Config(kernel="v6.12"),
            "v6.18": Config(kernel="v6.18"),
            "zbud": Config(allocator="zbud"),
            "z3fold-v6.10": Config(kernel="v6.10", allocator="z3fold"),
            "zstd": Config(compressor="zstd"),
            "accept-20": Config(accept_threshold_percent=20),
            "max-pool-10": Config(max_pool_percent=10),
            "delay-3000": Config(shrinker_delay_ms=3000),
            "quarter-scale": Config().scaled(0.25),
            "reaccess-v6.12": Config(kernel="v6.12", reaccess_mib=512).scaled(0.25),
            "trace-on_zs": traces.load("on_zs").model_config(),
        }
    )
    return cases


def _series_print(a: np.ndarray) -> dict:
    a = np.ascontiguousarray(a, dtype=np.float64)
    canon = np.where(np.isnan(a), np.nan, a)  # one NaN bit pattern
    finite = a[~np.isnan(a)]
    return {
        "sha256": hashlib.sha256(canon.tobytes()).hexdigest(),
        "len": len(a),
        "sum": float(finite.sum()),
        "min": float(finite.min()) if len(finite) else None,
        "max": float(finite.max()) if len(finite) else None,
    }


def inputs(config: Config) -> str:
    """A hash of what the model starts from: every page's compressed length (from the compressor
    libraries installed) and the seeded memcg order and zpools (from numpy's generator). If these
    differ from the recording's, the outputs cannot be compared."""
    sim = Simulation(config)
    h = hashlib.sha256(np.ascontiguousarray(sim.length, dtype=np.int64).tobytes())
    h.update(repr(sim.memcgs).encode())
    h.update(np.asarray(getattr(sim.pool, "_zpool_base", [])).astype(np.int64).tobytes())
    return h.hexdigest()


def fingerprint(run) -> dict:
    """What the equivalence test compares, as JSON (floats keep every bit through repr)."""
    return {
        "elapsed_s": run.elapsed_s,
        "user_s": run.user_s,
        "sys_s": run.sys_s,
        "cut": run.cut,
        "alloc_end_s": run.alloc_end_s,
        "drain_end_s": run.drain_end_s,
        "steps_per_row": run.steps_per_row,
        "counters": {k: int(v) for k, v in run.counters.items()},
        "stages": [[int(s), float(a), float(b)] for s, a, b in run.stages],
        "events": [[float(t), text] for t, text in run.events],
        "series": {name: _series_print(v) for name, v in run.series.items()},
    }


def exact_run(config: Config):
    """The run of the step-by-step loop, periods of the allocation computed step by step."""
    sim = Simulation(config)
    sim.skip_periods = False
    return sim.run()


def _golden() -> dict:
    return json.loads(GOLDEN.read_text())


@pytest.mark.parametrize("name", sorted(_cases()))
def test_run_equals_the_recorded_one(name):
    want = _golden()[name]
    config = _cases()[name]
    if inputs(config) != want["inputs"]:
        pytest.skip(
            f"{name}: the compressors or numpy's generator give other inputs than when "
            "recorded (other library versions); regenerate golden_runs.json"
        )
    got = json.loads(json.dumps(fingerprint(exact_run(config))))
    for key in ("counters", "elapsed_s", "user_s", "sys_s", "cut", "alloc_end_s", "drain_end_s"):
        assert got[key] == want[key], key
    assert got["stages"] == want["stages"]
    assert got["events"] == want["events"]
    assert got["steps_per_row"] == want["steps_per_row"]
    differ = {s: (got["series"][s], v) for s, v in want["series"].items() if got["series"][s] != v}
    assert not differ, differ


def test_the_cases_cover_every_kernel_and_allocator():
    cases = _cases().values()
    assert {c.kernel for c in cases} == {
        "off",
        "v6.10",
        "patches-1-3",
        "patches-1-6",
        "v6.12",
        "v6.18",
    }
    assert {c.allocator for c in cases} == {"zsmalloc", "zbud", "z3fold"}
    assert set(_golden()) == set(_cases())


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    record = {n: {"inputs": inputs(c), **fingerprint(exact_run(c))} for n, c in _cases().items()}
    GOLDEN.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {GOLDEN}")
