"""shrink_worker: patch 6's delay, the memcg walk's failures with and without patches 1-2."""

from zswap_widgets import Simulation
from zswap_widgets.model.results import GAVE_UP


def test_patch6_no_writeback_within_the_delay_after_a_reject_or_miss(small):
    sim = Simulation(small.replace(kernel="patches-1-6", reaccess_mib=128))
    written = 0
    while not sim.done:
        sim.step()
        if sim.cnt["written_back_pages"] > written:
            # delay_stamp is the last reject or load miss (this step's included)
            assert sim.t - sim.dt - sim.delay_stamp >= 0.5 - 1e-9
            written = sim.cnt["written_back_pages"]
    assert written > 0 and sim.cnt["pswpin"] > 0  # writeback and load misses both happened


def test_empty_memcgs_stop_v610_shrinker_but_not_after_patches_1_2(small):
    cfg = small.replace(nr_memcgs=20, empty_memcgs=15, idle_s=4)
    old = Simulation(cfg.replace(kernel="v6.10"))
    old.run()
    assert any("gave up after 16 failures" in text for _, text in old.events.items)
    fixed = Simulation(cfg.replace(kernel="v6.12", second_chance=False))  # patches 1-2 alone
    fixed.run()
    assert not any("gave up" in text for _, text in fixed.events.items)
    assert fixed.cnt["written_back_pages"] > old.cnt["written_back_pages"]
    assert GAVE_UP not in set(fixed.result().series["shrinker_state"].tolist())


def test_offline_memcgs_starve_v610_walk_but_not_after_patch_1(small):
    cfg = small.replace(kernel="v6.10", nr_memcgs=4, empty_memcgs=0, offline_memcgs=12, idle_s=4)
    sims = {p1: Simulation(cfg.replace(patch1=p1)) for p1 in (False, True)}
    for sim in sims.values():
        sim.run()
    kinds = sims[False].memcgs
    first_offline = kinds.index(3)  # MEMCG_OFFLINE
    assert first_offline < kinds.index(2)  # this seed puts one before the workload's memcg
    # v6.10 restarts the walk at every offline memcg and never reaches the workload's
    assert sims[False].cnt["written_back_pages"] < sims[True].cnt["written_back_pages"]
