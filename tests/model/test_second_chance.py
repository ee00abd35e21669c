"""6.12's second chance (mm/zswap.c, shrink_memcg_cb at v6.12): zswap_store sets
entry->referenced; the shrinker rotates a referenced entry instead of writing it back, which
counts as a failure of shrink_worker (shrink_memcg's one-entry walk returns -EAGAIN)."""

import pytest

from zswap_widgets import Config, Simulation, simulate, traces
from zswap_widgets.model.kernels import KERNELS
from zswap_widgets.model.memcg_walk import MAX_RECLAIM_RETRIES
from zswap_widgets.model.results import GAVE_UP, IDLE


def test_second_chance_is_a_preset_switch_like_the_patches():
    assert [k for k, p in KERNELS.items() if p.second_chance] == ["v6.12", "v6.18"]
    assert Config(kernel="v6.12").uses_second_chance
    assert not Config(kernel="patches-1-6").uses_second_chance
    assert Config(kernel="v6.10", second_chance=True).uses_second_chance
    assert not Config(kernel="v6.12", second_chance=False).uses_second_chance


def one_memcg(**kw) -> Config:
    """The workload's memcg alone (the traced VM: no cgroup hierarchy)."""
    base = dict(
        ram_mib=256,
        kernel_reserved_mib=16,
        alloc_mib=512,
        idle_s=3.0,
        swap_iops=900,
        nr_memcgs=1,
        empty_memcgs=0,
        kernel="v6.12",
    )
    return Config(**{**base, **kw})


def run_until(sim: Simulation, done) -> None:
    while not done(sim) and not sim.done:
        sim.step()


def test_a_run_of_the_worker_rotates_16_referenced_entries_and_writes_nothing():
    sim = Simulation(one_memcg())
    run_until(sim, lambda s: s.pool.total_pages > s.accept_pages)  # not full: not queued
    stored = sim.stored
    assert sim.shrinker == IDLE and sim.cnt["model_only_lru_rotations"] == 0
    assert sim.referenced[sim.zlru[sim.zhead : sim.ztail]].all()  # stored referenced
    sim.queue_shrink()
    sim.rejects_per_step = 0.0  # no later rejected store in this step: it runs once
    sim.shrink_worker(1e9)
    assert sim.shrinker == GAVE_UP
    assert sim.cnt["model_only_lru_rotations"] == MAX_RECLAIM_RETRIES
    assert sim.cnt["written_back_pages"] == 0 and sim.stored == stored
    rotated = sim.zlru[sim.ztail - MAX_RECLAIM_RETRIES : sim.ztail]
    assert not sim.referenced[rotated].any()  # at the tail, bits cleared


def test_writeback_starts_once_every_entry_has_been_rotated():
    sim = Simulation(one_memcg())
    run_until(sim, lambda s: s.cnt["written_back_pages"] > 0)
    # No store got past the limit meanwhile (hysteresis), so the LRU aged as a whole.
    assert sim.cnt["model_only_lru_rotations"] == sim.cnt["zswpout"]


def test_the_bit_keeps_the_traced_pool_at_max_with_pool_limit_hit_climbing():
    """The 6.12 trace's setup with and without the bit: without it the worker writes back at
    once and pool_limit_hit stays in the hundreds (the model before the bit: 33)."""
    tr = traces.load("on_zs")
    on = traces.compare(tr, simulate(tr.model_config()))
    off = traces.compare(tr, simulate(tr.model_config(second_chance=False)))
    assert on["pool_limit_hit"].model > 50 * off["pool_limit_hit"].model
    assert on["time at max before writeback"].model > 1.0
    assert off["time at max before writeback"].model < 0.05


def test_narration_of_the_ageing_lru():
    run = simulate(one_memcg())
    log = "\n".join(run.event_log())
    assert "second chance, rotated instead of written back" in log
    assert "the shrinker is ageing the LRU: " in log and "nothing written back yet" in log
    assert "wrote the first entry back, after" in log
    assert run.series["lru_rotations"][-1] == run.counters["model_only_lru_rotations"]


def test_service_memcgs_rotate_too():
    run = simulate(
        Config(
            kernel="v6.12",
            ram_mib=256,
            kernel_reserved_mib=16,
            alloc_mib=512,
            idle_s=3.0,
            swap_iops=900,
        )
    )
    assert run.counters["model_only_lru_rotations"] > 0 and run.counters["written_back_pages"] > 0


@pytest.mark.parametrize(("mib", "drains"), [(1650, False), (1800, True)])
def test_the_1536_mib_split_the_ageing_needs_enough_rejected_stores(mib, drains):
    """The model's pool fills at about 1,590 MiB (the traced VM's at about 1,530-1,570). If the
    allocation stops before ~N/16 rejected stores have queued the worker (N entries), the LRU is
    not aged through, the worker gives up, nothing queues it again, and the pool stays full with
    nothing written back; if it goes on long enough, the worker ages the LRU and drains it."""
    tr = traces.load("on_zs")
    run = simulate(tr.model_config(alloc_mib=mib, idle_s=6.0))
    c = run.counters
    if drains:
        assert c["written_back_pages"] > 10_000
    else:
        assert c["pool_limit_hit"] > 0 and c["written_back_pages"] == 0
        assert run.series["pool_pages"][-1] >= run.series["max_pages"][-1] - 16
        assert 0 < c["model_only_lru_rotations"] < c["stored_pages"]
