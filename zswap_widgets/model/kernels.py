"""Kernel presets: each one a named set of zswap behaviours.

A preset says which of Takero Funaki's six patches are applied and which later upstream changes are
present. `Config` can switch any single patch on or off on top of a preset. The table in
`kernel_table()` is what a student reads beside docs/kernel-notes.md.
"""

from __future__ import annotations

from dataclasses import dataclass

PATCH_TITLES: dict[int, str] = {
    1: "fix global shrinker memcg iteration",
    2: "fix global shrinker error handling logic",
    3: "proactive shrinking before pool size limit is hit",
    4: "make writeback run in the background",
    5: "store incompressible page as-is",
    6: "interrupt shrinker writeback while pagein/out IO",
}


@dataclass(frozen=True)
class KernelPreset:
    """What one kernel (or kernel plus patches) does, as far as the model is concerned."""

    name: str
    summary: str
    enabled: bool = True
    patches: frozenset[int] = frozenset()
    # v6.18 (SeongJae Park): a page that compresses to >= PAGE_SIZE is stored as-is.
    store_incompressible_upstream: bool = False
    # v6.12: zero pages go to the swap layer's zeromap; zswap's same-filled code is gone.
    zero_pages_in_swap_layer: bool = False
    # v6.10 hashes entries over 32 zpools per pool; v6.12 uses one.
    nr_zpools: int = 32
    # Allocators the kernel still has (zbud and z3fold were removed around v6.15).
    allocators: tuple[str, ...] = ("zsmalloc", "zbud", "z3fold")
    # v6.12 (Nhat Pham's second-chance patch): zswap_store sets entry->referenced and
    # shrink_memcg_cb rotates a referenced entry (clearing the bit) instead of writing it back.
    second_chance: bool = False

    def has(self, patch: int) -> bool:
        return patch in self.patches


KERNELS: dict[str, KernelPreset] = {
    p.name: p
    for p in (
        KernelPreset(
            "off",
            "zswap disabled: every reclaimed anonymous page is written to the swap device.",
            enabled=False,
        ),
        KernelPreset(
            "v6.10",
            "Before the series: hysteresis via zswap_pool_reached_full, shrink_wq with "
            "WQ_MEM_RECLAIM, memcg walk where empty or offline memcgs count as failures and "
            "16 failures stop shrink_worker.",
        ),
        KernelPreset(
            "patches-1-3",
            "v6.10 + patches 1-3: fixed memcg walk and error handling, proactive shrinking from "
            "accept+1 % of the max pool, no hysteresis.",
            patches=frozenset({1, 2, 3}),
        ),
        KernelPreset(
            "patches-1-6",
            "v6.10 + the whole series: also background (non-WQ_MEM_RECLAIM) writeback, "
            "incompressible pages stored as-is, writeback paused 500 ms after a reject or load miss.",
            patches=frozenset({1, 2, 3, 4, 5, 6}),
        ),
        KernelPreset(
            "v6.12",
            "What landed: patches 1 and 2 only; the hysteresis stays. One zpool per pool; zero "
            "pages handled by the swap layer; the second-chance bit: every entry is stored "
            "referenced and the shrinker rotates it once before it may be written back.",
            patches=frozenset({1, 2}),
            zero_pages_in_swap_layer=True,
            nr_zpools=1,
            second_chance=True,
        ),
        KernelPreset(
            "v6.18",
            "v6.12 plus upstream's own answer to patch 5: pages that do not compress are stored "
            "as-is; zswap uses zsmalloc only (zbud, z3fold and the zpool layer are gone).",
            patches=frozenset({1, 2}),
            zero_pages_in_swap_layer=True,
            nr_zpools=1,
            store_incompressible_upstream=True,
            allocators=("zsmalloc",),
            second_chance=True,
        ),
    )
}


def kernel_table() -> str:
    """A Markdown table of the presets, for the README and the notebooks."""
    rows = [
        "| preset | patches | hysteresis | WQ_MEM_RECLAIM | second chance | incompressible pages "
        "| zpools | allocators |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for k in KERNELS.values():
        if not k.enabled:
            rows.append(f"| {k.name} | - | - | - | - | - | - | zswap disabled |")
            continue
        incompressible = (
            "stored as-is (v6.18)"
            if k.store_incompressible_upstream
            else "stored as-is (patch 5)"
            if k.has(5)
            else "rejected"
        )
        rows.append(
            f"| {k.name} | {','.join(map(str, sorted(k.patches))) or 'none'} | "
            f"{'no' if k.has(3) else 'yes'} | {'no' if k.has(4) else 'yes'} | "
            f"{'yes' if k.second_chance else 'no'} | {incompressible} | "
            f"{k.nr_zpools} | {', '.join(k.allocators)} |"
        )
    return "\n".join(rows)
