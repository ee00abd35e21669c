"""Predict-then-check exercises of notebooks/06-exercises.ipynb.

Each ``check_*`` function takes the student's answer and returns `Feedback`: true and a short
confirmation when right, false and a hint when wrong or not answered (``...`` is the placeholder).
Reference answers are not stored in plain text: most are computed from the model, the shipped
trace or the allocators at check time (so they follow the model when it changes); facts about the
patches are stored as salted SHA-256 hashes of the normalised answer.

For nbgrader: with the environment variable ``ZSWAP_WIDGETS_GRADING=1`` (e.g.
``ZSWAP_WIDGETS_GRADING=1 nbgrader autograde ps1``) a wrong answer raises AssertionError, so the
grade cell loses its points; without it a check never raises and the notebook runs to the end.
"""

from __future__ import annotations

import hashlib
import html
import os
from functools import lru_cache
from typing import Any

import numpy as np

from ..model.config import Config
from ..model.kernels import PATCH_TITLES
from ..model.results import DEBUGFS_COUNTERS

GRADING_ENV = "ZSWAP_WIDGETS_GRADING"
REJECT_COUNTERS = tuple(
    c for c in DEBUGFS_COUNTERS if c == "pool_limit_hit" or c.startswith("reject_")
)
_SALT = "zswap-widgets/"


class Feedback:
    """The outcome of a check: truthy when right; shows as a coloured box in Jupyter."""

    def __init__(self, correct: bool, text: str) -> None:
        self.correct = bool(correct)
        self.text = text

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return ("✔ right: " if self.correct else "✘ not yet: ") + self.text

    def _repr_html_(self) -> str:
        color, bg, mark = (
            ("#1b5e20", "#e8f5e9", "✔ right")
            if self.correct
            else ("#b71c1c", "#ffebee", "✘ not yet")
        )
        return (
            f"<div style='color:{color};background:{bg};padding:6px 10px;border-radius:4px'>"
            f"<b>{mark}:</b> {html.escape(self.text)}</div>"
        )


def _result(correct: bool, text: str) -> Feedback:
    if not correct and os.environ.get(GRADING_ENV, "") not in ("", "0"):
        raise AssertionError(text)
    return Feedback(correct, text)


def _unanswered(answer: Any, what: str) -> Feedback | None:
    if answer is ... or answer is None:
        return _result(
            False, f"not answered yet: replace ... with {what}, then run the cell again."
        )
    return None


def _hash(question: str, answer: str) -> str:
    return hashlib.sha256(f"{_SALT}{question}:{answer}".encode()).hexdigest()


def _as_int(answer: Any) -> int | None:
    text = str(answer).strip().lower().lstrip("#")
    for word in ("patch", "stage"):
        text = text.removeprefix(word).strip().lstrip("#").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value == int(value) else None


# ---------------------------------------------------------------------- model runs (cached)
@lru_cache(maxsize=16)
def _simulate(config: Config):
    from ..model.simulation import simulate

    return simulate(config)


# ---------------------------------------------------------------------- 1. stage at t = 4 s
STAGE_TIME_S = 4.0


def check_stage(answer: Any) -> Feedback:
    """Q1: which stage is the cover letter's scenario (Config(), all six patches) in at t = 4 s?"""
    missing = _unanswered(answer, "a stage number from 1 to 5")
    if missing is not None:
        return missing
    stage = _as_int(answer)
    if stage not in (1, 2, 3, 4, 5):
        return _result(False, f"{answer!r} is not a stage: answer 1, 2, 3, 4 or 5.")
    run = _simulate(Config())
    right = run.stage_at(STAGE_TIME_S)
    if stage == right:
        return _result(True, f"at t = {STAGE_TIME_S:g} s the model is in stage {right}.")
    alloc_end = run.elapsed_s
    if alloc_end > STAGE_TIME_S and stage in (1, 5):
        why = (
            f"the process is still allocating at t = {STAGE_TIME_S:g} s (the allocation takes "
            f"{alloc_end:.1f} s in the model), so memory pressure is high."
        )
    elif stage < right:
        why = (
            "that stage is over by then: 2 GiB arrive at about 1.7 GiB/s on a 1 GiB machine. How "
            "long does a pool of max_pool_percent of RAM take to fill at that rate?"
        )
    else:
        why = "that stage comes later. What happens first when the pool reaches its limit?"
    return _result(False, f"not stage {stage}: {why}")


# ---------------------------------------------------------------------- 2. no rejections
MIN_STORED_PAGES = 16384  # 64 MiB: zswap must really be used
MAX_SCENARIO_MIB = 8192


def check_no_rejections(settings: Any) -> Feedback:
    """Q2: settings (dict of Config knobs, or a Config) under which zswap rejects no page.

    zswap must be on and store at least 64 MiB (zswpout >= 16384); every reject counter and
    pool_limit_hit must stay 0. The idle tail is shortened to 1 s unless you set idle_s.
    """
    missing = _unanswered(settings, 'a dict of settings, e.g. {"max_pool_percent": 30}')
    if missing is not None:
        return missing
    try:
        if isinstance(settings, Config):
            config = settings
        elif isinstance(settings, dict):
            config = Config(**{"idle_s": 1.0, **settings})
        else:
            return _result(False, "give a dict of settings such as {'alloc_mib': 512} or a Config.")
    except Exception as e:  # TraitError: a bad knob or value
        return _result(False, f"these settings are not valid: {e}")
    if not config.preset.enabled:
        return _result(False, "with zswap off nothing is rejected because nothing is stored.")
    if config.alloc_mib > MAX_SCENARIO_MIB or config.ram_mib > MAX_SCENARIO_MIB:
        return _result(
            False, f"keep ram_mib and alloc_mib at most {MAX_SCENARIO_MIB} so the check is quick."
        )
    run = _simulate(config)
    c = run.counters
    rejected = {k: c[k] for k in REJECT_COUNTERS if c[k]}
    if not rejected and c["zswpout"] < MIN_STORED_PAGES:
        return _result(
            False,
            f"nothing was rejected, but zswap stored only {c['zswpout']} pages (zswpout); it must "
            f"store at least {MIN_STORED_PAGES} (64 MiB). Allocate more than fits in free RAM.",
        )
    if not rejected:
        return _result(
            True, f"zswap stored {c['zswpout']} pages (zswpout) and rejected none ({config!r})."
        )
    hints = []
    if "pool_limit_hit" in rejected:
        hints.append(
            "pool_limit_hit > 0: the pool reached max_pool_percent. Give it more room, or send "
            "it fewer pages (less to allocate, or more compressible pages)"
        )
    if {"reject_compress_fail", "reject_compress_poor"} & set(rejected):
        hints.append(
            "reject_compress_fail/poor > 0: some pages did not compress. Make pages more "
            "compressible or use a kernel that stores them as-is (patch 5, v6.18)"
        )
    if "reject_alloc_fail" in rejected or "reject_reclaim_fail" in rejected:
        hints.append("the allocator or writeback failed: look at the event log of this run")
    counts = ", ".join(f"{k}={v}" for k, v in rejected.items())
    return _result(False, f"{counts}. " + ". ".join(hints) + ".")


# ---------------------------------------------------------------------- 3. the IO patch
_IO_PATCH_HASH = "e3f08244824138616978f9763b3a196e2befadbdea3faed6a83dff88f0cfc982"
_IO_PATCH_HINTS = {
    1: "patch 1 fixes which memcgs shrink_worker visits; it changes how much it writes back.",
    2: "patch 2 fixes when shrink_worker gives up; with it, the shrinker writes back more, not less.",
    3: (
        "patch 3 starts writeback earlier (proactive shrinking): it adds background IO during "
        "the allocation, which is what the later patches have to tame."
    ),
    4: (
        "patch 4 takes the workqueue off WQ_MEM_RECLAIM: that is about CPU and workqueue "
        "contention, not about who uses the swap device."
    ),
    5: (
        "patch 5 stores incompressible pages so fewer are rejected (cover letter 2-a); it "
        "avoids some IO but does not touch writeback that competes with it."
    ),
}


def check_io_patch(answer: Any) -> Feedback:
    """Q3: which patch keeps the shrinker's writeback off the swap device while reclaim and
    faults need it (cover letter, 2-b)?"""
    missing = _unanswered(answer, "a patch number from 1 to 6")
    if missing is not None:
        return missing
    n = _as_int(answer)
    if n not in PATCH_TITLES:
        return _result(False, f"{answer!r} is not a patch of the series: answer 1 to 6.")
    if _hash("io-patch", str(n)) == _IO_PATCH_HASH:
        return _result(
            True,
            f"patch {n}, '{PATCH_TITLES[n]}': writeback waits 500 ms after a rejected store "
            "or a load miss. Notebook 03 switches it off to see what it is worth.",
        )
    return _result(False, _IO_PATCH_HINTS.get(n, "read the cover letter's section 2-b again."))


# ---------------------------------------------------------------------- 4. incompressible pages
INCOMPRESSIBLE = (
    Config()
    .scaled(0.25)
    .replace(kernel="patches-1-3", compressible_fraction=0.0, alloc_mib=256, idle_s=1.0)
)


def check_incompressible_counter(answer: Any) -> Feedback:
    """Q4: which debugfs counter rises when lz4 meets pages of random bytes under patches 1-3?"""
    missing = _unanswered(answer, 'a counter name such as "stored_pages"')
    if missing is not None:
        return missing
    name = str(answer).strip().lower().replace("/sys/kernel/debug/zswap/", "")
    run = _simulate(INCOMPRESSIBLE)
    rejects = {k: run.counters[k] for k in REJECT_COUNTERS}
    right = max(rejects, key=rejects.get)
    if name == right:
        return _result(
            True,
            f"{right} = {rejects[right]} in the model: lz4's crypto wrapper reports -EINVAL when "
            "the output does not fit in a page (deflate would report -ENOSPC: reject_compress_poor).",
        )
    if name not in run.counters:
        return _result(
            False, f"{answer!r} is not a zswap counter; they are: {', '.join(run.counters)}."
        )
    if name == "reject_compress_poor":
        hint = (
            "close: that is the counter for -ENOSPC (deflate, or an object too big for the "
            "allocator). What does lz4 return when its output does not fit (sheet §1.5)?"
        )
    elif name in ("stored_pages", "zswpout"):
        hint = "these pages are not stored under patches 1-3: only patch 5 (or v6.18) keeps them."
    elif name == "pool_limit_hit":
        hint = "the pool never fills here: nothing compressible reaches it."
    else:
        hint = "that counter stays 0 in this run. Which reject_* counter is about compression?"
    return _result(False, f"{name} = {run.counters[name]} in the model; {hint}")


# ---------------------------------------------------------------------- 5. pool pages
POOL_OBJECTS = 100
POOL_OBJECT_BYTES = 1500


@lru_cache(maxsize=4)
def _pool_pages(allocator: str) -> int:
    from ..model.allocators import make_allocator

    a = make_allocator(allocator, POOL_OBJECTS, 1, np.random.default_rng(0))
    a.store(np.arange(POOL_OBJECTS), np.full(POOL_OBJECTS, POOL_OBJECT_BYTES))
    return int(a.total_pages)


def check_pool_pages(zbud: Any, zsmalloc: Any) -> Feedback:
    """Q5: pool pages that 100 objects of 1500 bytes take in zbud and in zsmalloc."""
    missing = _unanswered(zbud if zbud is ... else zsmalloc, "a number of pages")
    if missing is not None:
        return missing
    got = {"zbud": _as_int(zbud), "zsmalloc": _as_int(zsmalloc)}
    right = {name: _pool_pages(name) for name in got}
    wrong = [name for name in got if got[name] != right[name]]
    if not wrong:
        return _result(
            True,
            f"zbud {right['zbud']} pages, zsmalloc {right['zsmalloc']} pages for "
            f"{POOL_OBJECTS} objects of {POOL_OBJECT_BYTES} bytes.",
        )
    hints = []
    if "zbud" in wrong:
        hints.append(
            "zbud: 64-byte chunks, the first chunk of a page is its header, at most 2 objects "
            "per page. Do two 1500-byte objects fit in 63 chunks?"
        )
    if "zsmalloc" in wrong:
        hints.append(
            "zsmalloc: add the 8-byte handle, take the smallest class at least that big "
            "(sheet Appendix A gives size:pages_per_zspage/objs_per_zspage), then count "
            "whole zspages."
        )
    return _result(False, " ".join(hints))


# ---------------------------------------------------------------------- 6. real 6.12 density
DENSITY_TOLERANCE = 0.05


def check_trace_density(answer: Any) -> Feedback:
    """Q6: pool bytes per stored page at the end of the measured 6.12 trace (within 5 %)."""
    missing = _unanswered(answer, "a number of bytes")
    if missing is not None:
        return missing
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return _result(False, f"{answer!r} is not a number of bytes.")
    from ..analysis.traces import load

    right = float(load("on_zs").bytes_per_stored_page()[-1])
    if abs(value - right) <= DENSITY_TOLERANCE * right:
        return _result(True, f"the trace ends at {right:.0f} bytes of pool per stored page.")
    if value < 200:
        hint = "that is a ratio or a number of pages; the question asks for bytes per stored page."
    elif value > right:
        hint = (
            "too many: 3/4 of each page is one repeated byte, which lz4 squeezes to almost "
            "nothing. What is left to store, and which zsmalloc class does it go to?"
        )
    else:
        hint = (
            "too few: 1/4 of each page is random bytes, which no compressor shrinks, and "
            "zsmalloc adds a handle and rounds up to a class size."
        )
    return _result(False, f"{value:g} bytes is off by more than 5 %; {hint}")


# ---------------------------------------------------------------------- 7. the benchmark order
ORDER_KERNELS = ("off", "patches-1-3", "patches-1-6")


def check_bench_order(answer: Any) -> Feedback:
    """Q7: the three kernels of the cover letter's table, fastest first, as the model has them."""
    missing = _unanswered(answer, 'a list such as ["off", "patches-1-3", "patches-1-6"]')
    if missing is not None:
        return missing
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return _result(False, "give a list of the three kernel names, fastest first.")
    got = [str(k).strip() for k in answer]
    if sorted(got) != sorted(ORDER_KERNELS):
        return _result(False, f"list each of {', '.join(ORDER_KERNELS)} exactly once.")
    from ..analysis.bench import PUBLISHED, bench_config

    elapsed = {k: _simulate(bench_config(k)).elapsed_s for k in ORDER_KERNELS}
    right = sorted(ORDER_KERNELS, key=elapsed.get)
    shown = ", ".join(f"{k} {elapsed[k]:.2f} s" for k in right)
    if got == right:
        published = sorted(ORDER_KERNELS, key=lambda k: PUBLISHED[k][0])
        same = (
            "the same order" if published == right else "a different order: " + ", ".join(published)
        )
        return _result(True, f"model elapsed times: {shown}. The cover letter has {same}.")
    if got[0] == right[0]:
        hint = (
            f"{right[0]} is indeed the fastest; now compare the other two. Which one adds the "
            "shrinker's 4 KiB writebacks while rejected pages wait for the disk?"
        )
    elif got[0] == "off":
        hint = (
            "zswap off is not the fastest in the model. What does the pool save, and what does "
            "patch 6 keep off the disk in stage 4?"
        )
    elif got[0] == "patches-1-3":
        hint = "patches 1-3 are the slow case of the cover letter; why?"
    else:
        hint = "all six patches are not the fastest here; look at the elapsed times in notebook 03."
    return _result(False, f"not in that order: {hint}")


CHECKS = {
    "stage": check_stage,
    "no_rejections": check_no_rejections,
    "io_patch": check_io_patch,
    "incompressible_counter": check_incompressible_counter,
    "pool_pages": check_pool_pages,
    "trace_density": check_trace_density,
    "bench_order": check_bench_order,
}
