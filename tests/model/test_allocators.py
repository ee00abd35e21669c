import numpy as np

from zswap_widgets.model.allocators import (
    ZS_CLASS_SIZE,
    BuddyAllocator,
    Zsmalloc,
    zsmalloc_class,
)


def test_zsmalloc_class_lookup_follows_the_sheet():
    # class = the smallest class >= length + 8 (handle); >= 3625 goes to the huge class
    assert ZS_CLASS_SIZE[zsmalloc_class(1024)] == 1056
    assert ZS_CLASS_SIZE[zsmalloc_class(3624)] == 3632
    assert ZS_CLASS_SIZE[zsmalloc_class(3625)] == 4096
    assert ZS_CLASS_SIZE[zsmalloc_class(4096)] == 4096
    assert len(ZS_CLASS_SIZE) == 119


def test_zsmalloc_dense_packing_and_free():
    z = Zsmalloc(100, 1, np.random.default_rng(0))
    h = np.arange(31)
    z.store(h, np.full(31, 1024))  # class 1056: 8 pages hold 31 objects
    assert z.total_pages == 8
    z.store(np.array([31]), np.array([1024]))
    assert z.total_pages == 16
    z.free(np.arange(32))
    assert z.total_pages == 0 and z.nr_objects == 0


def test_buddy_allocators_cap_objects_per_page():
    for name, cap in (("zbud", 2), ("z3fold", 3)):
        a = BuddyAllocator(name, cap, 1000)
        a.store(np.arange(300), np.full(300, 500))
        assert a.objects_per_page().max() == cap
        assert a.total_pages == 300 // cap
        a.free(np.arange(0, 300, 2))
        assert a.objects_per_page().max() <= cap
        assert a.nr_objects == 150


def test_zbud_cannot_pair_big_objects():
    a = BuddyAllocator("zbud", 2, 10)
    a.store(np.arange(4), np.full(4, 2500))
    assert a.total_pages == 4
    assert not a.fits(np.array([3969]))[0] and a.fits(np.array([3968]))[0]


def test_totals_after_frees_predict_free_one_without_freeing():
    rng = np.random.default_rng(3)
    lengths = rng.integers(40, 4000, 3000)
    pools = [Zsmalloc(3000, 4, rng), BuddyAllocator("zbud", 2, 3000)]
    pools.append(BuddyAllocator("z3fold", 3, 3000))
    for pool in pools:
        pool.store(np.arange(3000), lengths)
        before = pool.total_pages
        order = rng.permutation(3000)[:2000]
        predicted = pool.totals_after_frees(order)
        assert pool.total_pages == before  # nothing freed
        seen = []
        for h in order.tolist():
            pool.free_one(h)
            seen.append(pool.total_pages)
        np.testing.assert_array_equal(predicted, seen)
        assert seen[-1] < before
