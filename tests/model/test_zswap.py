"""zswap_store and zswap_load per kernel: hysteresis, limits, incompressible pages."""

import numpy as np

from zswap_widgets import Config, Simulation, simulate
from zswap_widgets.model.states import POOL, RAM


def test_v610_hysteresis_rejects_until_accept_and_counts_hits_only_at_max(small):
    sim = Simulation(small.replace(kernel="v6.10", empty_memcgs=0, nr_memcgs=1, idle_s=0))
    hits_in_band = 0
    while not sim.done:
        pool = sim.pool.total_pages
        full_before = sim.reached_full
        hits = sim.cnt["pool_limit_hit"]
        stores = sim.cnt["zswpout"]
        sim.step()
        if full_before and pool > sim.accept_pages:
            # inside the hysteresis band nothing is stored
            assert sim.cnt["zswpout"] == stores
            if pool < sim.max_pages:
                hits_in_band += sim.cnt["pool_limit_hit"] - hits
    assert sim.cnt["pool_limit_hit"] > 0
    assert hits_in_band == 0


def test_incompressible_pages_per_kernel():
    base = dict(ram_mib=128, kernel_reserved_mib=8, alloc_mib=160, idle_s=0.2)
    base["compressible_fraction"] = 0.0
    old = simulate(Config(kernel="patches-1-3", **base)).counters
    assert old["reject_compress_fail"] > 0 and old["zswpout"] == 0
    for k in ("patches-1-6", "v6.18"):
        c = simulate(Config(kernel=k, **base)).counters
        assert c["reject_compress_fail"] == 0 and c["zswpout"] > 0, k
    # v6.10's crypto/deflate.c reports an output that does not fit as -EINVAL too; -ENOSPC
    # (reject_compress_poor) comes from an allocator: zbud cannot take patch 5's whole pages.
    deflate = simulate(Config(kernel="patches-1-3", compressor="deflate", **base)).counters
    assert deflate["reject_compress_fail"] > 0 and deflate["reject_compress_poor"] == 0
    zbud = simulate(Config(kernel="patches-1-6", allocator="zbud", **base)).counters
    assert zbud["reject_compress_poor"] > 0 and zbud["zswpout"] == 0


def test_same_filled_pages_take_no_pool_memory_before_6_12():
    base = dict(ram_mib=128, kernel_reserved_mib=8, alloc_mib=192, idle_s=0.2, reaccess_mib=32)
    base.update(
        compressible_fraction=1.0, filler="byte", allocator="zbud", nr_memcgs=1, empty_memcgs=0
    )
    old = simulate(Config(kernel="patches-1-6", **base)).counters
    assert old["same_filled_pages"] > 0 and old["pool_total_size"] == 0
    new = simulate(Config(kernel="v6.12", **base)).counters  # compressed like any page
    assert new["same_filled_pages"] == 0 and new["pool_total_size"] > 0


def test_zswap_lru_drops_stale_entries_instead_of_overflowing():
    sim = Simulation(Config(ram_mib=128, kernel_reserved_mib=8, alloc_mib=1, idle_s=0))
    ids = np.arange(sim.n_pages)
    for _ in range(5):  # store and load every page five times: 5 x n pushes
        sim.where[ids] = POOL
        sim._zlru_push(ids)
        for i in ids:
            sim.zpos[i] = -1  # what _zswap_load does
            sim.where[i] = RAM
    sim.where[ids[::2]] = POOL
    sim._zlru_push(ids[::2])
    assert len(sim.zlru) == 2 * sim.n_pages
    popped = [sim._zlru_pop() for _ in range(len(ids) // 2 + 1)]
    assert popped == [*ids[::2].tolist(), -1]  # oldest first, stale entries skipped


def test_v612_zero_pages_are_neither_zswap_entries_nor_loads():
    # 6.12+: zero pages go to the swap layer's zeromap; reading them back is no zswap load
    cfg = Config(
        kernel="v6.12",
        filler="zero",
        compressible_fraction=1.0,
        ram_mib=128,
        kernel_reserved_mib=8,
        alloc_mib=192,
        reaccess_mib=192,
        idle_s=0.2,
        nr_memcgs=1,
        empty_memcgs=0,
    )
    sim = Simulation(cfg)
    while not sim.done:
        sim.step(10)
        assert sim.stored >= 0
    c = sim.counters()
    assert c["stored_pages"] == 0 and c["zswpout"] == 0 and c["zswpin"] == 0
    assert c["pswpout"] == 0 and c["pswpin"] == 0  # no IO either: the zeromap needs none
    assert sim.next_page == sim.n_reaccess  # every page was read back
