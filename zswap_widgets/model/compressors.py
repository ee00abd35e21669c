"""The compressors, run for real on sampled page contents.

Each compressor returns the compressed length of one 4 KiB page, or an error code that mirrors what
the kernel's crypto wrapper reports when the output does not fit in PAGE_SIZE (docs/kernel-notes.md §4):
lz4, lz4hc, deflate and zstd all fail with -EINVAL (reject_compress_fail) in v6.10 to v6.12;
-ENOSPC, and so reject_compress_poor, comes from the allocator (allocators.py). CPU cost per page is a fixed figure from published throughputs (kernel-notes §4),
so that a run does not depend on the speed of the machine that computes it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass

import lz4.block

PAGE_SIZE = 4096
EINVAL = -22
ENOSPC = -28


@dataclass(frozen=True)
class Compressor:
    name: str
    compress: Callable[[bytes], bytes]
    error_when_too_big: int  # what the crypto API returns when the output exceeds PAGE_SIZE
    compress_us: float  # CPU time to compress one 4 KiB page
    decompress_us: float  # CPU time to decompress one page

    def compressed_length(self, page: bytes) -> int:
        """Bytes the kernel would store, or EINVAL/ENOSPC when the result exceeds PAGE_SIZE."""
        n = len(self.compress(page))
        return n if n <= PAGE_SIZE else self.error_when_too_big


def _lz4(page: bytes) -> bytes:
    return lz4.block.compress(page, mode="default", store_size=False)


def _lz4hc(page: bytes) -> bytes:
    return lz4.block.compress(page, mode="high_compression", compression=9, store_size=False)


def _deflate(page: bytes) -> bytes:
    # The kernel's deflate uses a raw zlib stream at level 1-ish settings; wbits=-15 is raw deflate.
    c = zlib.compressobj(1, zlib.DEFLATED, -15)
    return c.compress(page) + c.flush()


# Throughputs on a modern x86 core (kernel-notes §4): lz4 ~700 MB/s compress / 4000 MB/s decompress,
# lz4hc ~50 / 4000, deflate (zlib -1) ~100 / 400, zstd -1 ~510 / 1550.
_ALL = {
    "lz4": Compressor("lz4", _lz4, EINVAL, 5.9, 1.0),
    "lz4hc": Compressor("lz4hc", _lz4hc, EINVAL, 80.0, 1.0),
    "deflate": Compressor("deflate", _deflate, EINVAL, 40.0, 10.0),
}

try:  # zstd where the zstandard package is installed
    import zstandard

    _zstd = zstandard.ZstdCompressor(level=1, write_content_size=False, write_checksum=False)
    _ALL["zstd"] = Compressor("zstd", _zstd.compress, EINVAL, 8.0, 2.6)
except ImportError:  # pragma: no cover - depends on the environment
    pass

COMPRESSORS: dict[str, Compressor] = _ALL
# Compressors that need an optional package, and the extra that installs it.
EXTRAS = {"zstd": "zstd"}


def missing_extra(name: str) -> str | None:
    """How to get compressor `name` when it is known but not installed, else None."""
    if name in EXTRAS and name not in COMPRESSORS:
        return (
            f"{name} needs the [{EXTRAS[name]}] extra: pip install 'zswap-widgets[{EXTRAS[name]}]'"
        )
    return None


def available_compressors() -> tuple[str, ...]:
    return tuple(COMPRESSORS)
