"""The exercises of notebooks/06-exercises.ipynb: predict, then check.

    from zswap_widgets.teaching import exercises as ex
    ex.ask("q1", "alice")               # alice's variant of question 1 (Markdown)
    ex.check("q1", 4, student="alice")  # Feedback: right, or a hint that keeps the answer back
    ex.reveal("q1", "alice")            # the worked answer, for self-study (OSTEP's -c)

Questions 1, 4 and 5 vary with the student id (`Exercise.varies`); the others have one answer.
Right answers are computed when asked for, from the model, the shipped trace or the allocators, so
they follow the model when it changes; the answer to question 3, a fact about the patches, is kept
as a salted hash. For nbgrader, `course.write_course` turns the notebook into a source notebook
whose locked grade cells run `grading` in a fresh Python process.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from ..model.config import Config
from ..model.kernels import KERNELS, PATCH_TITLES
from ..model.machine import PAGES_PER_MIB, Machine
from ..model.results import DEBUGFS_COUNTERS, STAGES, VMSTAT_COUNTERS
from .exercise import Exercise, as_int, student_rng
from .feedback import Feedback, Text

REJECT_COUNTERS = tuple(
    c for c in DEBUGFS_COUNTERS if c == "pool_limit_hit" or c.startswith("reject_")
)
MIB = 2**20


@lru_cache(maxsize=32)
def _simulate(config: Config):
    from ..model.simulation import simulate

    return simulate(config)


def _stages_text(run) -> str:
    return ", ".join(f"stage {s} {t0:.1f}-{t1:.1f} s" for s, t0, t1 in run.stages)


# ------------------------------------------------------------------------- 1. the stage at t
class StageAt(Exercise):
    qid, title, points, varies = "q1", "the stage at a given time", 1, True
    names = ("stage_at_t",)
    hints = ("a stage number, 1 to 5",)
    ALLOC_MIB = (1536, 2048, 2560, 3072)
    TIMES_S = (0.2, 2.0, 3.0, 4.0, 6.0, 8.0, 11.0, 14.0, 17.0, 20.0, 24.0, 28.0, 32.0)
    DEFAULT: ClassVar[dict[str, float]] = {"alloc_mib": 2048, "t_s": 4.0}

    @staticmethod
    def margin(t_s: float) -> float:
        """How far from any stage change a question's time must be to be fair to predict."""
        return 0.25 + 0.15 * t_s

    def run(self, student: str = ""):
        return _simulate(Config(alloc_mib=self.params(student)["alloc_mib"]))

    def params(self, student: str = "") -> dict[str, Any]:
        rng = student_rng(self.qid, student)
        if rng is None:
            return dict(self.DEFAULT)
        alloc = rng.choice(self.ALLOC_MIB)
        run = _simulate(Config(alloc_mib=alloc))
        changes = [t for _, t0, t1 in run.stages for t in (t0, t1)]
        fair: dict[int, list[float]] = {}
        for t in self.TIMES_S:
            if t < changes[-1] and all(abs(t - c) >= self.margin(t) for c in changes):
                fair.setdefault(run.stage_at(t), []).append(t)
        stage = rng.choice(sorted(fair))
        return {"alloc_mib": alloc, "t_s": rng.choice(fair[stage])}

    def question(self, student: str = "") -> str:
        p = self.params(student)
        c = Config(alloc_mib=p["alloc_mib"])
        return (
            f"The cover letter's scenario with all six patches, `Config(alloc_mib={c.alloc_mib})`:"
            f" a {c.ram_mib} MiB VM allocates **{c.alloc_mib} MiB**, at {c.alloc_rate_mib_s} MiB/s"
            f" while free memory lasts; the pool may take {c.max_pool_percent} % of RAM, the disk "
            f"does {c.swap_iops} requests per second. In which of the five stages is the system "
            f"**{p['t_s']:g} s** after the start?"
        )

    def solve(self, student: str = "") -> tuple[Any, ...]:
        return (self.run(student).stage_at(self.params(student)["t_s"]),)

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        t = self.params(student)["t_s"]
        stage = as_int(answers[0])
        if stage not in STAGES:
            return Feedback(False, f"{answers[0]!r} is not a stage: answer 1, 2, 3, 4 or 5.")
        right = self.solve(student)[0]
        if stage == right:
            return Feedback(True, f"at t = {t:g} s the model is in stage {right}.")
        spans = [(t0, t1) for s, t0, t1 in self.run(student).stages if s == stage]
        if stage in (2, 3):
            why = "stages 2 and 3 last a fraction of a second here."
        elif spans and all(t1 <= t for _, t1 in spans):
            why = "that stage is over by then."
        elif spans and all(t0 > t for t0, _ in spans):
            why = "that stage comes later."
        else:
            why = "not at that moment."
        why += (
            " Is the process still allocating then? Once free RAM is gone, each rejected page goes "
            f"to the disk, {Config().swap_merge_pages} pages per write request. And how long does "
            "the shrinker take to drain the pool afterwards (notebook 2)?"
        )
        return Feedback(False, f"not stage {stage} at t = {t:g} s: {why}")

    def worked(self, student: str = "") -> str:
        p = self.params(student)
        c = Config(alloc_mib=p["alloc_mib"])
        m = Machine.from_config(c)
        run = self.run(student)
        free_mib = (m.total_pages - m.baseline_pages - m.low_pages) / PAGES_PER_MIB
        return (
            f"About {free_mib:.0f} MiB are free above the watermarks, so at "
            f"{c.alloc_rate_mib_s} MiB/s stage 1 ends after roughly "
            f"{free_mib / c.alloc_rate_mib_s:.1f} s; the pool then fills within a fraction of a "
            "second (stages 2 and 3) and stays at its max while the process allocates (stage 4): "
            "each rejected page goes to the disk, which limits the allocation's speed. When the "
            "allocation ends, the shrinker drains the pool to the accept threshold (stage 5), "
            f"then the system is back in stage 1. The model: {_stages_text(run)}; the allocation "
            f"takes {run.elapsed_s:.1f} s. At t = {p['t_s']:g} s: stage {run.stage_at(p['t_s'])}."
        )


# ------------------------------------------------------------------------- 2. no rejections
class NoRejections(Exercise):
    qid, title, points = "q2", "no rejections, at no cost in time", 2
    names = ("settings",)
    hints = ('a dict of Config knobs, {"knob": value, ...}',)
    # The cover letter's scenario at a quarter of its size (Config.scaled: same course in time),
    # so that a check, even of a slow answer, takes seconds.
    SCENARIO = Config().scaled(0.25).replace(idle_s=1.0)
    MIN_STORED_PAGES = 4096  # 16 MiB: zswap must really be used
    MAX_MIB = 1024
    CANDIDATES = (
        {"alloc_mib": 256, "max_pool_percent": 50},
        {"alloc_mib": 256, "max_pool_percent": 60},
        {"alloc_mib": 224, "max_pool_percent": 50},
    )

    def question(self, student: str = "") -> str:
        return (
            "The cover letter's scenario at a quarter of its size, `Config().scaled(0.25)`: a "
            f"{self.SCENARIO.ram_mib} MiB VM allocates {self.SCENARIO.alloc_mib} MiB, its disk does"
            f" {self.SCENARIO.swap_iops} requests per second; the stages take the same time as at "
            "full size. Choose settings (a dict of `Config` knobs applied on top of it) under "
            "which zswap **rejects no page** (`pool_limit_hit` and every `reject_*` counter stay "
            f"0) while storing at least {self.MIN_STORED_PAGES // 256} MiB, **and the allocation "
            "takes no longer than in the scenario as it is**. zswap stays on; sizes up to "
            f"{self.MAX_MIB} MiB. The check runs the model with your settings."
        )

    def baseline(self):
        return _simulate(self.SCENARIO)

    def _config(self, settings: Any) -> Config | str:
        if not isinstance(settings, dict):
            return 'give a dict of Config knobs, such as {"alloc_mib": 512}.'
        try:
            config = self.SCENARIO.replace(**settings)
        except Exception as e:  # a bad knob or value: the one-line error names it
            return f"these settings are not valid: {e}"
        if not config.preset.enabled:
            return "with zswap off nothing is rejected because nothing is stored: keep it on."
        if max(config.alloc_mib, config.ram_mib) > self.MAX_MIB:
            return f"keep ram_mib and alloc_mib at most {self.MAX_MIB} so the check stays quick."
        return config

    def _verdict(self, config: Config) -> tuple[bool, str]:
        run, base = _simulate(config), self.baseline()
        c = run.counters
        rejected = {k: c[k] for k in REJECT_COUNTERS if c[k]}
        pool_mib = (
            config.max_pool_percent * Machine.from_config(config).total_pages / 100 / PAGES_PER_MIB
        )
        cost = (
            f"the allocation took {run.elapsed_s:.2f} s (the scenario as it is: "
            f"{base.elapsed_s:.2f} s) and the pool may take up to {pool_mib:.0f} MiB of RAM"
        )
        if rejected:
            counts = ", ".join(f"{k}={v}" for k, v in rejected.items())
            hints = []
            if "pool_limit_hit" in rejected:
                hints.append(
                    "pool_limit_hit > 0: the pool reached max_pool_percent. What decides how many "
                    "pool pages the pages pushed out of RAM need?"
                )
            if {"reject_compress_fail", "reject_compress_poor"} & set(rejected):
                hints.append("reject_compress_* > 0: some pages did not compress")
            return False, f"{counts}. " + " ".join(hints)
        if c["zswpout"] < self.MIN_STORED_PAGES:
            return False, (
                f"nothing was rejected, but zswap stored only {c['zswpout']} pages (zswpout); it "
                f"must store at least {self.MIN_STORED_PAGES}. Push more out of RAM."
            )
        if run.elapsed_s > base.elapsed_s:
            return False, (
                f"nothing was rejected, but {cost}. A pool that may take more RAM leaves less for "
                "the process, which then reclaims (and compresses) far more often: that trade-off "
                "has a limit. Can you make the work fit instead?"
            )
        return True, f"zswap stored {c['zswpout']} pages and rejected none; {cost}."

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        config = self._config(answers[0])
        if isinstance(config, str):
            return Feedback(False, config)
        return Feedback(*self._verdict(config))

    def solve(self, student: str = "") -> tuple[Any, ...]:
        for settings in self.CANDIDATES:
            config = self._config(settings)
            if isinstance(config, Config) and self._verdict(config)[0]:
                return (dict(settings),)
        raise RuntimeError("no candidate answer passes q2 any more: update NoRejections.CANDIDATES")

    def worked(self, student: str = "") -> str:
        settings = self.solve(student)[0]
        _, text = self._verdict(self._config(settings))
        return (
            "The pool rejects when the pages pushed out of RAM need more pool pages than "
            "max_pool_percent allows. Either give the pool more room or push less into it "
            "(allocate less, or pages that compress better); but the pool's room is taken from RAM"
            ", so a pool that may take most of it makes the process reclaim far more often and the "
            f"allocation slower. Making the work fit: `{settings}`: {text}"
        )


# ------------------------------------------------------------------------- 3. the IO patch
class IoPatch(Exercise):
    qid, title = "q3", "the IO patch"
    names = ("io_patch",)
    hints = ("a patch number, 1 to 6",)
    HASH = "e3f08244824138616978f9763b3a196e2befadbdea3faed6a83dff88f0cfc982"
    HINTS: ClassVar[dict[int, str]] = {
        1: "patch 1 fixes which memcgs shrink_worker visits; it changes how much it writes back.",
        2: "patch 2 fixes when shrink_worker gives up; with it, the shrinker writes back more.",
        3: (
            "patch 3 starts writeback earlier (proactive shrinking): it adds background IO during "
            "the allocation, which is what the later patches have to tame."
        ),
        4: (
            "patch 4 takes the workqueue off WQ_MEM_RECLAIM: that concerns the worker's rescuer "
            "thread and its standing among reclaim work, not who uses the swap device."
        ),
        5: (
            "patch 5 stores incompressible pages so fewer are rejected (cover letter 2-a); it "
            "avoids some IO but does not touch writeback that competes with it."
        ),
    }

    @staticmethod
    def _hash(n: int) -> str:
        return hashlib.sha256(f"zswap-widgets/io-patch:{n}".encode()).hexdigest()

    def question(self, student: str = "") -> str:
        return (
            "In stage 4 the shrinker's one-page writebacks and the pages that reclaim writes out "
            'compete for the same swap device (cover letter, "Contention on swap IO"). Which '
            "**one** patch of the series removes this contention? Answer its number."
        )

    def solve(self, student: str = "") -> tuple[Any, ...]:
        return (next(n for n in PATCH_TITLES if self._hash(n) == self.HASH),)

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        n = as_int(answers[0])
        if n not in PATCH_TITLES:
            return Feedback(False, f"{answers[0]!r} is not a patch of the series: answer 1 to 6.")
        if self._hash(n) == self.HASH:
            return Feedback(
                True,
                f"patch {n}, '{PATCH_TITLES[n]}': writeback waits 500 ms after a rejected store "
                "or a load miss. Notebook 3 switches it off to see what it is worth.",
            )
        return Feedback(False, self.HINTS.get(n, "read the cover letter's section 2-b again."))

    def worked(self, student: str = "") -> str:
        n = self.solve(student)[0]
        return (
            "Cover letter, 2-b: once zswap rejects pages, reclaim writes them to disk, and every "
            "4 KiB writeback of the shrinker takes an IO the rejected pages need. Patch "
            f"{n}, '{PATCH_TITLES[n]}', stamps the time of every rejected store and every load "
            "that misses the pool, and the shrinker sleeps until the stamp is 500 ms old."
        )


# ------------------------------------------------------------------------- 4. which counter
class IncompressibleCounter(Exercise):
    qid, title, varies = "q4", "which counter?", True
    names = ("counter",)
    hints = ('a counter name, as a string, e.g. "stored_pages"',)
    # (kernel, compressor, allocator): pages of random bytes meet this kernel.
    VARIANTS = (
        ("patches-1-3", "lz4", "zsmalloc"),
        ("v6.10", "deflate", "zsmalloc"),
        ("v6.12", "lz4", "zsmalloc"),
        ("patches-1-6", "lz4", "zbud"),
        ("patches-1-6", "deflate", "zbud"),
        ("patches-1-6", "lz4", "z3fold"),
    )

    def params(self, student: str = "") -> dict[str, Any]:
        rng = student_rng(self.qid, student)
        kernel, compressor, allocator = (
            self.VARIANTS[0] if rng is None else rng.choice(self.VARIANTS)
        )
        return {"kernel": kernel, "compressor": compressor, "allocator": allocator}

    def config(self, student: str = "") -> Config:
        return (
            Config()
            .scaled(0.25)
            .replace(compressible_fraction=0.0, alloc_mib=256, idle_s=1.0, **self.params(student))
        )

    def question(self, student: str = "") -> str:
        p = self.params(student)
        return (
            f"A kernel **{p['kernel']}** ({KERNELS[p['kernel']].summary}) with compressor "
            f"**{p['compressor']}** and allocator **{p['allocator']}** meets pages of pure random "
            "bytes (`compressible_fraction=0`). Which counter of `/sys/kernel/debug/zswap` counts "
            "these pages? (Notebooks 1 and 4 show what the compressors and allocators do with them.)"
        )

    def _counts(self, student: str) -> dict[str, int]:
        run = _simulate(self.config(student))
        return {k: run.counters[k] for k in REJECT_COUNTERS}

    def solve(self, student: str = "") -> tuple[Any, ...]:
        counts = self._counts(student)
        return (max(counts, key=counts.get),)

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        name = str(answers[0]).strip().lower().replace("/sys/kernel/debug/zswap/", "")
        right = self.solve(student)[0]
        p = self.params(student)
        if name == right:
            return Feedback(True, f"{right}: {self._why(p)}")
        if name in VMSTAT_COUNTERS:
            return Feedback(
                False,
                f"{name} is a /proc/vmstat counter, not one of /sys/kernel/debug/zswap. Which "
                "zswap counter says why zswap did not keep these pages?",
            )
        if name not in DEBUGFS_COUNTERS:
            return Feedback(
                False,
                f"{answers[0]!r} is not a zswap debugfs counter; they are: "
                f"{', '.join(DEBUGFS_COUNTERS)}.",
            )
        hint = {
            "reject_compress_poor": (
                "that counts -ENOSPC. What does this compressor's kernel wrapper return when its "
                "output does not fit in a page, and does the allocator ever see the page?"
            ),
            "reject_compress_fail": (
                "the compressor does fail on these pages; but does that failure reach this counter "
                "on this kernel? Which patches does it carry, and what can the allocator hold?"
            ),
            "pool_limit_hit": "the pool never fills here. What happens to each page before that?",
            "stored_pages": "are these pages stored at all on this kernel, with this allocator?",
        }.get(name, "that counter stays 0 here. Which reject_* counter is about these pages?")
        return Feedback(False, f"not {name}: {hint}")

    @staticmethod
    def _why(p: dict[str, Any]) -> str:
        if KERNELS[p["kernel"]].has(5):
            return (
                f"{p['compressor']} fails, patch 5 stores the page as-is (4096 bytes), but "
                f"{p['allocator']} cannot hold an object that big: -ENOSPC from the allocator."
            )
        return (
            f"the kernel's {p['compressor']} wrapper reports -EINVAL when the output does not fit "
            "in a page (docs/kernel-notes.md §4), and this kernel rejects the page."
        )

    def worked(self, student: str = "") -> str:
        p = self.params(student)
        counts = self._counts(student)
        shown = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "all 0"
        return f"{self._why(p)} The model's run: {shown}."


# ------------------------------------------------------------------------- 5. pool pages
class PoolPages(Exercise):
    qid, title, points, varies = "q5", "pool pages", 2, True
    names = ("zbud_pages", "zsmalloc_pages")
    hints = ("a number of pages", "a number of pages")
    OBJECT_BYTES = (600, 700, 900, 1100, 1300, 1500, 1700, 1900, 2100, 2300)
    OBJECTS = (60, 80, 100, 120, 150)
    DEFAULT: ClassVar[dict[str, int]] = {"objects": 100, "bytes": 1500}

    def params(self, student: str = "") -> dict[str, Any]:
        rng = student_rng(self.qid, student)
        if rng is None:
            return dict(self.DEFAULT)
        return {"objects": rng.choice(self.OBJECTS), "bytes": rng.choice(self.OBJECT_BYTES)}

    @staticmethod
    def zsmalloc_geometry(length: int) -> tuple[int, int, int]:
        """(class size, pages per zspage, objects per zspage) of an object of `length` bytes."""
        from ..model.allocators import (
            ZS_CLASS_SIZE,
            ZS_OBJS_PER_ZSPAGE,
            ZS_PAGES_PER_ZSPAGE,
            zsmalloc_class,
        )

        c = zsmalloc_class(length)
        return int(ZS_CLASS_SIZE[c]), int(ZS_PAGES_PER_ZSPAGE[c]), int(ZS_OBJS_PER_ZSPAGE[c])

    def question(self, student: str = "") -> str:
        p = self.params(student)
        size, pages, objs = self.zsmalloc_geometry(p["bytes"])
        return (
            f"**{p['objects']}** pages each compress to exactly **{p['bytes']} bytes**. How many "
            "pool pages do they take with **zbud** (64-byte chunks, one header chunk per page, at "
            "most 2 objects per page) and with **zsmalloc** (add the 8-byte handle: the class that "
            f"fits is {size} bytes, whose zspages are {pages} page(s) holding {objs} objects)? "
            "Count whole pages, as the pool does."
        )

    def solve(self, student: str = "") -> tuple[Any, ...]:
        return tuple(_pool_pages(a, **self.params(student)) for a in ("zbud", "zsmalloc"))

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        p = self.params(student)
        right = dict(zip(self.names, self.solve(student), strict=True))
        wrong = [n for n, a in zip(self.names, answers, strict=True) if as_int(a) != right[n]]
        if not wrong:
            return Feedback(
                True,
                f"zbud {right['zbud_pages']} pages, zsmalloc {right['zsmalloc_pages']} pages for "
                f"{p['objects']} objects of {p['bytes']} bytes.",
            )
        hints = []
        if "zbud_pages" in wrong:
            hints.append(
                f"zbud: how many 64-byte chunks does {p['bytes']} bytes take, and do two such "
                "objects fit in the 63 chunks after the header?"
            )
        if "zsmalloc_pages" in wrong:
            hints.append(
                "zsmalloc: objects go to the class's zspages; count whole zspages, each of the "
                "given number of pages."
            )
        return Feedback(False, " ".join(hints))

    def worked(self, student: str = "") -> str:
        p = self.params(student)
        n, b = p["objects"], p["bytes"]
        chunks = -(-b // 64)
        per_page = 2 if 2 * chunks <= 63 else 1
        size, pages, objs = self.zsmalloc_geometry(b)
        zbud, zs = self.solve(student)
        return (
            f"zbud: {b} bytes take {chunks} chunks; {'two' if per_page == 2 else 'only one'} "
            f"fit in the 63 chunks after the header, so {n} objects take ceil({n}/{per_page}) = "
            f"{zbud} pages. zsmalloc: {b} + 8 bytes go to the {size}-byte class, {objs} objects per "
            f"zspage of {pages} page(s): ceil({n}/{objs}) = {-(-n // objs)} zspages, {zs} pages."
        )


@lru_cache(maxsize=64)
def _pool_pages(allocator: str, objects: int, bytes: int) -> int:
    from ..model.allocators import make_allocator

    a = make_allocator(allocator, objects, 1, np.random.default_rng(0))
    a.store(np.arange(objects), np.full(objects, bytes))
    return int(a.total_pages)


# ------------------------------------------------------------------------- 6. real 6.12 density
class TraceDensity(Exercise):
    qid, title = "q6", "a real kernel's density"
    names = ("bytes_per_page",)
    hints = ("a number of bytes",)
    TOLERANCE = 0.05

    def question(self, student: str = "") -> str:
        return (
            "In the measured 6.12 trace each page is 1/4 random bytes and 3/4 one repeated byte, "
            "compressed with lz4 into zsmalloc. Predict the **pool bytes per stored page** "
            "(`pool_total_size / stored_pages`) at the end of the trace, within 5 %. Reason it out:"
            " what does lz4 leave of each part of the page, and which zsmalloc class does the "
            "result go to?"
        )

    def solve(self, student: str = "") -> tuple[Any, ...]:
        from ..analysis.traces import load

        return (round(float(load("on_zs").bytes_per_stored_page()[-1])),)

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        try:
            value = float(answers[0])
        except (TypeError, ValueError):
            return Feedback(False, f"{answers[0]!r} is not a number of bytes.")
        right = self.solve(student)[0]
        if abs(value - right) <= self.TOLERANCE * right:
            return Feedback(True, f"the trace ends at {right} bytes of pool per stored page.")
        if value < 200:
            hint = "that is a ratio or a number of pages; the question asks for bytes per page."
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
        return Feedback(False, f"{value:g} bytes is off by more than 5 %; {hint}")

    def worked(self, student: str = "") -> str:
        from ..model.compressors import COMPRESSORS
        from ..model.workload import make_page

        rng = np.random.default_rng(0)
        lengths = [
            COMPRESSORS["lz4"].compressed_length(make_page(rng, 0.75, "byte")) for _ in range(64)
        ]
        mean = float(np.mean(lengths))
        size, pages, objs = PoolPages.zsmalloc_geometry(round(mean))
        return (
            f"The 1024 random bytes stay about 1024 bytes; the 3072 repeated bytes shrink to a few "
            f"bytes of lz4 tokens: lz4 gives about {mean:.0f} bytes per page (model pages). With "
            f"the 8-byte handle that goes to zsmalloc's {size}-byte class ({objs} objects in "
            f"{pages} page(s), {4096 * pages / objs:.0f} pool bytes per object), plus partly filled"
            f" zspages. The trace ends at {self.solve(student)[0]} bytes per stored page."
        )


# ------------------------------------------------------------------------- 7. benchmark order
class BenchOrder(Exercise):
    qid, title = "q7", "the benchmark's order"
    names = ("fastest_first",)
    hints = ('a list of the three names, e.g. ["a", "b", "c"]',)
    KERNELS = ("off", "patches-1-3", "patches-1-6")

    def question(self, student: str = "") -> str:
        return (
            'Order the three kernels of the cover letter\'s benchmark, `"off"`, `"patches-1-3"` '
            'and `"patches-1-6"`, from the **fastest** allocation to the slowest, as the model has'
            " them (notebook 3; the check runs the model)."
        )

    def _elapsed(self) -> dict[str, float]:
        from ..analysis.bench import bench_config

        return {k: _simulate(bench_config(k)).elapsed_s for k in self.KERNELS}

    def solve(self, student: str = "") -> tuple[Any, ...]:
        elapsed = self._elapsed()
        return (sorted(self.KERNELS, key=elapsed.get),)

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        answer = answers[0]
        if not isinstance(answer, list):
            return Feedback(False, "give a list of the three kernel names, fastest first.")
        got = [str(k).strip() for k in answer]
        if sorted(got) != sorted(self.KERNELS):
            return Feedback(False, f"list each of {', '.join(self.KERNELS)} exactly once.")
        from ..analysis.bench import PUBLISHED

        right = self.solve(student)[0]
        if got == right:
            elapsed = self._elapsed()
            shown = ", ".join(f"{k} {elapsed[k]:.2f} s" for k in right)
            published = sorted(self.KERNELS, key=lambda k: PUBLISHED[k][0])
            same = (
                "the same order" if published == right else "another order: " + ", ".join(published)
            )
            return Feedback(True, f"model elapsed times: {shown}. The cover letter has {same}.")
        if got[0] == right[0]:
            hint = (
                f"{right[0]} is indeed the fastest; now compare the other two. Which one adds the "
                "shrinker's 4 KiB writebacks while rejected pages wait for the disk?"
            )
        else:
            hint = (
                f"{got[0]} is not the fastest in the model. What does the pool save, and what "
                "does patch 6 keep off the disk in stage 4?"
            )
        return Feedback(False, f"not in that order: {hint}")

    def worked(self, student: str = "") -> str:
        elapsed = self._elapsed()
        order = self.solve(student)[0]
        return (
            "zswap-off writes every reclaimed page to disk, merged into large requests. Patches 1-3 "
            "add the shrinker's unmerged 4 KiB writebacks while rejected pages wait for the disk; "
            "patch 6 keeps the shrinker off the disk while stores are rejected, and the pool "
            "still saves the IO of the pages it holds. The model: "
            + ", ".join(f"{k} {elapsed[k]:.2f} s" for k in order)
            + "."
        )


EXERCISES: dict[str, Exercise] = {
    e.qid: e
    for e in (
        StageAt(),
        NoRejections(),
        IoPatch(),
        IncompressibleCounter(),
        PoolPages(),
        TraceDensity(),
        BenchOrder(),
    )
}

# Question 8 is graded by hand: the model answer and the rubric go into the teacher's source
# notebook (course.py) and docs/teaching-guide.md.
MANUAL_QID, MANUAL_POINTS = "q8", 2
MANUAL_ANSWER = (
    "Patch 6 pauses writeback while stores are rejected, so warm pages that reclaim just pushed "
    "out go to disk while the pool keeps older, colder pages: **LRU inversion** (Nhat Pham, Yosry "
    "Ahmed). Yosry Ahmed proposed the opposite: when zswap is full, **throttle reclaim** and let "
    "writeback go on in LRU order (and shrink in step with reclaim activity rather than from an "
    "arbitrary watermark), which would also let the hysteresis go."
)
MANUAL_RUBRIC = (
    "1 point: the objection, that pausing writeback sends warm (recently used) pages to disk "
    "while cold pages stay in the pool, named LRU inversion (or explained in those terms). "
    "1 point: the alternative, throttling reclaim (not the shrinker) when zswap is full, so that "
    "writeback proceeds in LRU order. Half a point each if named without the reason. No point for "
    "'patch 6 was too slow' or for objections to other patches."
)


def _exercise(qid: str) -> Exercise:
    if qid not in EXERCISES:
        raise ValueError(f"unknown question {qid!r}; the questions are {', '.join(EXERCISES)}")
    return EXERCISES[qid]


def ask(qid: str, student: str = "") -> Text:
    """The question `qid` with the numbers of this student's variant."""
    return _exercise(qid).ask(student)


def check(qid: str, *answers: Any, student: str = "") -> Feedback:
    """Right, or a hint that keeps the answer back."""
    return _exercise(qid).check(*answers, student=student)


def reveal(qid: str, student: str = "") -> Text:
    """The worked answer of this student's variant (self-study; OSTEP's -c)."""
    return _exercise(qid).reveal(student)


def main(argv: list[str] | None = None) -> int:
    """`python -m zswap_widgets.teaching.exercises [STUDENT_ID]`: every question of that
    student's variants with its worked answer (the teacher's answer key)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    student = args[0] if args else ""
    for qid in EXERCISES:
        print(
            f"## {qid}: {EXERCISES[qid].title}\n\n{ask(qid, student)}\n\n{reveal(qid, student)}\n"
        )
    print(f"## {MANUAL_QID} (by hand)\n\n{MANUAL_ANSWER}\n\nRubric: {MANUAL_RUBRIC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
