"""Page contents of the workload and their real compressed sizes.

"3/4 compressible" is not defined in the cover letter. Here a page is `compressible_fraction` of
compressible filler followed by random bytes for the rest. The filler is one of:

* ``text``: words drawn from a fixed 400-word vocabulary with a Zipf law. With lz4 the default page
  (3/4 text, 1/4 random) compresses to about 0.65-0.7 of its size, which is the thread's
  "2 GB ... compressed to 1.3 GB" (docs/kernel-notes.md §9);
* ``byte``: one repeated byte, as in the measured 6.12 traces (kernel-notes §13), about 0.26 with lz4;
* ``zero``: zero bytes.

A sample of real pages is generated (once per compressor, fraction and filler) and compressed with
the chosen compressor; each modelled page takes the size of one sample, drawn with the run's seed.
Sizes therefore vary page to page as real data does, and no ratio is assumed.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .compressors import COMPRESSORS, PAGE_SIZE

SAMPLE_PAGES = 256
_VOCABULARY_SIZE = 400


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[list[bytes], np.ndarray]:
    rng = np.random.default_rng(20240706)  # fixed: the vocabulary is part of the definition
    words = [
        bytes(rng.integers(97, 123, size=int(rng.integers(2, 9))).astype(np.uint8)) + b" "
        for _ in range(_VOCABULARY_SIZE)
    ]
    p = 1.0 / np.arange(1, _VOCABULARY_SIZE + 1) ** 1.1
    return words, p / p.sum()


@lru_cache(maxsize=1)
def _text() -> bytes:
    """256 KiB of words drawn from the vocabulary; text filler is a random window of it."""
    words, p = _vocabulary()
    picks = np.random.default_rng(20240707).choice(len(words), size=64 * 1024, p=p)
    return b"".join(words[i] for i in picks)[: 256 * 1024]


def make_page(rng: np.random.Generator, compressible_fraction: float, filler: str) -> bytes:
    """One 4 KiB page: the filler first, then random bytes."""
    n = round(PAGE_SIZE * compressible_fraction)
    if filler == "text":
        text = _text()
        start = int(rng.integers(0, len(text) - n + 1))
        body = text[start : start + n]
    elif filler == "byte":
        body = bytes([int(rng.integers(1, 256))]) * n
    else:
        body = bytes(n)
    return body + rng.integers(0, 256, PAGE_SIZE - n, dtype=np.uint8).tobytes()


def is_same_filled(page: bytes) -> bool:
    """The kernel's same-filled test: every 8-byte word equals the first."""
    return page == page[:8] * (PAGE_SIZE // 8)


@lru_cache(maxsize=64)
def sample_lengths(
    compressor: str, compressible_fraction: float, filler: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For SAMPLE_PAGES real pages: compressed length (negative = the compressor's error),
    same-filled flag and zero-page flag."""
    rng = np.random.default_rng(7)
    comp = COMPRESSORS[compressor]
    lengths = np.empty(SAMPLE_PAGES, dtype=np.int32)
    same = np.zeros(SAMPLE_PAGES, dtype=bool)
    zero = np.zeros(SAMPLE_PAGES, dtype=bool)
    for i in range(SAMPLE_PAGES):
        page = make_page(rng, compressible_fraction, filler)
        same[i] = is_same_filled(page)
        zero[i] = same[i] and page[0] == 0
        lengths[i] = comp.compressed_length(page)
    for a in (lengths, same, zero):
        a.flags.writeable = False
    return lengths, same, zero
