"""The allocating process: re-access, its CPU budget and the allocation rate, swap-in tags."""

import pytest

from zswap_widgets import Config, Simulation, simulate
from zswap_widgets.model.machine import PAGES_PER_MIB


def test_reaccess_loads_from_pool_and_disk(small):
    run = simulate(small.replace(reaccess_mib=256))
    c = run.counters
    assert c["zswpin"] > 0 and c["pswpin"] > 0


@pytest.mark.parametrize(
    "changes",
    [
        dict(alloc_rate_mib_s=1, alloc_mib=3),  # a page takes 4 steps of CPU
        dict(cpu_speed=0.05, compressor="lz4hc", alloc_rate_mib_s=50, alloc_mib=160),
    ],
    ids=["slow-allocation", "slow-cpu-direct-reclaim"],
)
def test_process_cpu_within_wall_time_and_allocation_within_its_rate(changes):
    cfg = Config(ram_mib=128, kernel_reserved_mib=8, idle_s=0, **changes)
    sim = Simulation(cfg)
    while not sim.done:
        sim.step()
        t = sim.t
        # one thread: no more CPU than the time that passed, no faster than alloc_rate_mib_s
        assert sim.user_s + sim.sys_s <= t + 1e-9
        assert sim.next_page <= cfg.alloc_rate_mib_s * PAGES_PER_MIB * t + 1e-6
    run = sim.result()
    assert run.user_s + run.sys_s <= run.elapsed_s + 1e-9


def test_swapin_reads_wait_for_a_free_tag():
    # the shrinker keeps a 4-request queue full of service-memcg writebacks on a 1 MiB/s disk
    cfg = Config(
        compressible_fraction=0.0,
        nr_memcgs=1000,
        empty_memcgs=500,
        swap_bandwidth_mib_s=1,
        swap_queue_depth=4,
        watermark_scale_factor=1,
        ram_mib=200,
        baseline_used_mib=60,
        alloc_mib=60,
        reaccess_mib=60,
        max_time_s=45,
    )
    sim = Simulation(cfg)
    while not sim.done:
        sim.step()
        assert sim.device.busy <= cfg.swap_queue_depth
    assert sim.cnt["pswpin"] > 0
