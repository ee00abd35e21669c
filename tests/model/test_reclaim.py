"""Reclaim and the anonymous LRU: the ring holds every page that can be pushed onto it."""

from zswap_widgets import Config, Simulation


def test_lru_takes_every_reread_under_thrashing():
    # 32 MiB for the process, a high watermark above that: kswapd reclaims whatever is read
    # back, so readahead pages are pushed, reclaimed and read again many times (issue 12).
    sim = Simulation(
        Config(
            ram_mib=128,
            kernel_reserved_mib=0,
            baseline_used_mib=96,
            watermark_scale_factor=3000,
            alloc_mib=48,
            reaccess_mib=1,
            idle_s=0,
            swap_iops=500,
            max_time_s=30,  # the re-access starts once the drain is done, at ~13 s
        )
    )
    while not sim.done:
        sim.step()
        assert sim.lru_tail - sim.lru_head == sim.resident  # the LRU holds exactly RAM pages
    # every page entered once when allocated, and again each time it was read back
    pushes = sim.n_pages + sim.cnt["pswpin"] + sim.cnt["zswpin"]
    assert pushes > sim.n_pages + sim.n_reaccess + 1  # more than the old ring could take
    assert len(sim.lru) <= 2 * sim.n_pages  # and the ring stays bounded
