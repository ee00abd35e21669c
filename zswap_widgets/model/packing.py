"""How densely each allocator packs a workload's compressed pages: the objects one pool page
holds, and why (zsmalloc's size classes, zbud's two and z3fold's three buddies per page)."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import numpy as np

from .allocators import (
    ZBUD_CHUNK,
    ZS_CLASS_SIZE,
    ZS_HANDLE_SIZE,
    ZS_OBJS_PER_ZSPAGE,
    ZS_PAGES_PER_ZSPAGE,
    make_allocator,
    zsmalloc_class,
)
from .compressors import PAGE_SIZE
from .workload import sample_lengths

ALLOCATORS = ("zsmalloc", "zbud", "z3fold")
USABLE_CHUNKS = PAGE_SIZE // ZBUD_CHUNK - 1  # 63: the first chunk is zbud's header
# The largest object that still lets n equal objects share one zbud/z3fold page.
SHARE_LIMIT = {n: (USABLE_CHUNKS // n) * ZBUD_CHUNK for n in (2, 3)}  # 2: 1984 B, 3: 1344 B
REPEAT = 16  # the sample is stored this many times over, so partly filled zspages matter little


def compressed_sizes(config: Any) -> np.ndarray:
    """The stored length of each sampled page of config's workload (a page the compressor
    fails on counts as PAGE_SIZE, as patch 5 and v6.18 store it)."""
    lengths, _, _ = sample_lengths(config.compressor, config.compressible_fraction, config.filler)
    return np.where(lengths < 0, PAGE_SIZE, lengths).astype(np.int64)


def objects_per_page(allocator: str, sizes: np.ndarray) -> float:
    """Objects per pool page when a fresh pool of `allocator` stores `sizes` (REPEAT times);
    objects the allocator refuses (over 3968 B for zbud and z3fold) are left out."""
    pool = make_allocator(allocator, len(sizes) * REPEAT, 1, np.random.default_rng(0))
    sizes = np.tile(sizes, REPEAT)
    sizes = sizes[pool.fits(sizes)]
    if not len(sizes):
        return 0.0
    pool.store(np.arange(len(sizes)), sizes)
    return pool.nr_objects / max(pool.total_pages, 1)


def packing(config: Any) -> dict[str, float]:
    """Objects per pool page for every allocator on config's workload."""
    return dict(_packing(config.compressor, config.compressible_fraction, config.filler))


@lru_cache(maxsize=64)
def _packing(compressor: str, fraction: float, filler: str) -> tuple[tuple[str, float], ...]:
    sizes = compressed_sizes(
        SimpleNamespace(compressor=compressor, compressible_fraction=fraction, filler=filler)
    )
    return tuple((name, objects_per_page(name, sizes)) for name in ALLOCATORS)


def explain(config: Any) -> str:
    """Why the allocators differ (or match) on config's pages, in words with the numbers."""
    sizes = compressed_sizes(config)
    per = packing(config)
    med = int(np.median(sizes))
    lo, hi = (int(v) for v in np.percentile(sizes, [5, 95]))
    cls = zsmalloc_class(med)
    size = int(ZS_CLASS_SIZE[cls])
    objs, pages = int(ZS_OBJS_PER_ZSPAGE[cls]), int(ZS_PAGES_PER_ZSPAGE[cls])
    pair, three = SHARE_LIMIT[2], SHARE_LIMIT[3]
    paired = float(np.mean(sizes <= pair))
    tripled = float(np.mean(sizes <= three))
    text = (
        f"These pages compress to {lo}-{hi} bytes (median {med}). zsmalloc puts an object "
        f"(+{ZS_HANDLE_SIZE} B handle) in the smallest size class that holds it: {size} B, "
        f"{objs} object{'s' if objs > 1 else ''} in {pages} page{'s' if pages > 1 else ''}, "
        f"so {per['zsmalloc']:.2f} "
        "objects per pool page. zbud holds at most 2 objects per page, z3fold 3, in 64-byte "
        f"chunks after a 1-chunk header: two share a page only up to {pair} B each, three up "
        f"to {three} B. "
    )
    if paired == 0:
        text += (
            f"No page here is that small, so zbud and z3fold both keep one object per page "
            f"({per['zbud']:.2f} and {per['z3fold']:.2f}): the rest of each page stays empty."
        )
    else:
        text += (
            f"{paired:.0%} of these pages fit two to a page and {tripled:.0%} three: zbud holds "
            f"{per['zbud']:.2f} and z3fold {per['z3fold']:.2f} objects per page."
        )
    if per["zbud"] > 0:
        fewer = 1 - per["zbud"] / per["zsmalloc"]
        text += (
            f" A pool of the same size holds {fewer:.0%} fewer pages with zbud than with zsmalloc."
            if fewer >= 0.005
            else " zbud and zsmalloc hold the same number of pages here."
        )
    return text
