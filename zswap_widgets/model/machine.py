"""Memory sizes and watermarks, derived as the kernel derives them (docs/kernel-notes.md §11)."""

from __future__ import annotations

import math
from dataclasses import dataclass

PAGES_PER_MIB = 256

# set_recommended_min_free_kbytes with THP: pageblock_nr_pages (512 on x86-64) x nr_zones (2)
# x (2 + MIGRATE_PCPTYPES^2 = 11), capped at 5 % of lowmem. The measured 6.12 trace
# (kernel-notes §13) keeps MemFree near 50-70 MiB under pressure, which fits this raised minimum.
THP_MIN_FREE_PAGES = 512 * 2 * 11


@dataclass(frozen=True)
class Machine:
    total_pages: int  # totalram_pages()
    min_pages: int  # WMARK_MIN
    low_pages: int  # WMARK_LOW: kswapd wakes below this
    high_pages: int  # WMARK_HIGH: kswapd sleeps above this
    baseline_pages: int  # used by other processes before the run

    @classmethod
    def from_config(cls, c) -> Machine:
        total = (c.ram_mib - c.kernel_reserved_mib) * PAGES_PER_MIB
        lowmem_kb = total * 4
        min_free_kb = min(max(math.isqrt(lowmem_kb * 16), 128), 262144)
        min_pages = min_free_kb // 4
        min_pages = max(min_pages, min(THP_MIN_FREE_PAGES, total // 20))
        tmp = max(min_pages // 4, total * c.watermark_scale_factor // 10000)
        return cls(
            total_pages=total,
            min_pages=min_pages,
            low_pages=min_pages + tmp,
            high_pages=min_pages + 2 * tmp,
            baseline_pages=c.baseline_used_mib * PAGES_PER_MIB,
        )
