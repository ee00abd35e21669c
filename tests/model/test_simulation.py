"""The step loop: invariants at every step, determinism, stages, series and progress."""

import itertools

import numpy as np

from zswap_widgets import Config, Simulation, simulate
from zswap_widgets.model.results import SERIES
from zswap_widgets.model.states import SWAP


def test_same_seed_same_run_other_seed_differs(small):
    a, b = simulate(small), simulate(small)
    assert a.counters == b.counters and a.elapsed_s == b.elapsed_s
    for k in a.series:
        np.testing.assert_array_equal(a.series[k], b.series[k])
    c = simulate(small.replace(seed=1))
    assert c.series["pool_pages"].tolist() != a.series["pool_pages"].tolist()


def test_default_scenario_visits_the_five_stages_in_order():
    run = simulate(Config())
    order = [s for s, _, _ in run.stages]
    firsts = [order.index(s) for s in (1, 2, 3, 4, 5)]
    assert firsts == sorted(firsts), order
    assert any("shrink-start" in text for _, text in run.events)


def test_series_have_one_value_per_step(small):
    run = simulate(small)
    n = len(run.series["t_s"])
    assert all(len(a) == n for a in run.series.values())
    assert np.all(np.diff(run.series["t_s"]) > 0)
    assert run.elapsed_s > 0 and 0 < run.user_s < run.elapsed_s


def test_progress_rises_steadily_to_one(small):
    seen: list[float] = []
    Simulation(small).run(progress=seen.append)
    assert seen[-1] == 1.0 and all(b >= a for a, b in itertools.pairwise(seen))
    assert max(b - a for a, b in itertools.pairwise(seen)) < 0.25  # no long silent jump


def test_service_entries_at_start_fit_in_free_memory():
    # 4,084 service memcgs x 16 entries would need more pool pages than the VM has (issue 12)
    sim = Simulation(Config(nr_memcgs=4096, ram_mib=128))
    assert sim.free_pages >= sim.machine.min_pages
    assert sim.pool.total_pages <= sim.max_pages + sim.pool.max_alloc_pages
    assert sim.stored == sim.pool.nr_objects + sum(
        int((sim.stored_length[h] == 0).sum()) for h in map(list, sim.service_left.values())
    )
    sim.step(500)
    assert sim.free_pages >= 0


def test_service_entries_at_start_respect_max_pool_percent():
    sim = Simulation(Config(max_pool_percent=1, ram_mib=128))
    assert 0 < sim.pool.total_pages <= sim.max_pages + sim.pool.max_alloc_pages
    # memcgs whose entries did not fit hold none: the walk skips them as empty
    left = [len(v) for v in sim.service_left.values()]
    assert 0 in left and sum(left) == sim.stored


def test_swapped_pages_counts_the_process_pages_on_the_swap_device(small):
    sim = Simulation(small)
    while not sim.done:
        sim.step(50)
        on_disk = int(np.count_nonzero(sim.where == SWAP))
        assert sim.recorder.rows()[-1, SERIES.index("swapped_pages")] == on_disk
    run = sim.result()
    assert run.counters["written_back_pages"] > 0  # service entries were written back too
    assert run.series["swapped_pages"][-1] == np.count_nonzero(sim.where == SWAP)
