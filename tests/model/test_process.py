"""The allocating process: re-access loads pages from the pool and from disk."""

from zswap_widgets import simulate


def test_reaccess_loads_from_pool_and_disk(small):
    run = simulate(small.replace(reaccess_mib=256))
    c = run.counters
    assert c["zswpin"] > 0 and c["pswpin"] > 0
