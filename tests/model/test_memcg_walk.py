"""The bulk walk gives the same memcgs, cursor and failures as visiting memcgs one by one."""

from hypothesis import given
from hypothesis import strategies as st

from zswap_widgets.model.memcg_walk import (
    EMPTY,
    MAX_RECLAIM_RETRIES,
    OFFLINE,
    SERVICE,
    WORKLOAD,
    MemcgWalk,
)


def naive_next(kinds, cand, state, fixed_iteration, fixed_errors):
    """shrink_worker's loop as in docs/kernel-notes.md §8, one memcg per iteration."""
    while state["failures"] < MAX_RECLAIM_RETRIES:
        state["cursor"] += 1
        if state["cursor"] >= len(kinds):
            state["cursor"] = -1
            if not fixed_errors or state["attempts"] == 0:
                state["failures"] += 1
            state["attempts"] = 0
            continue
        i = state["cursor"]
        if kinds[i] == OFFLINE:
            if not fixed_iteration:
                state["failures"] += 1
                state["cursor"] = -1
        elif i not in cand:
            if not fixed_errors:
                state["failures"] += 1
        else:
            return i
    return -1


@given(
    kinds=st.lists(st.sampled_from([EMPTY, SERVICE, OFFLINE]), min_size=1, max_size=30),
    workload_at=st.integers(0, 30),
    fixed_iteration=st.booleans(),
    fixed_errors=st.booleans(),
    drains=st.lists(st.integers(0, 30), max_size=5),
)
def test_bulk_walk_matches_one_by_one(kinds, workload_at, fixed_iteration, fixed_errors, drains):
    kinds = [*kinds[:workload_at], WORKLOAD, *kinds[workload_at:]]
    walk = MemcgWalk(kinds, fixed_iteration, fixed_errors)
    cand = {i for i, k in enumerate(kinds) if k in (SERVICE, WORKLOAD)}
    state = {"cursor": -1, "failures": 0, "attempts": 0}
    for step in range(40):
        if step < len(drains) and kinds[drains[step] % len(kinds)] == SERVICE:
            walk.drained(drains[step] % len(kinds))
            cand.discard(drains[step] % len(kinds))
        got, _ = walk.next_memcg()
        want = naive_next(kinds, cand, state, fixed_iteration, fixed_errors)
        assert got == want
        assert (walk.cursor, walk.failures) == (state["cursor"], state["failures"])
        if got < 0:
            walk.restart()
            state["failures"] = state["attempts"] = 0
        else:
            walk.attempts += 1
            state["attempts"] += 1
