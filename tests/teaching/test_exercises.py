"""The exercises: each check accepts its variant's right answer and nothing else, hints without
giving the answer away, treats blanks as "not answered yet"; variants differ between students; the
grader judges in a fresh process and reads the student from nbgrader's folder when autograding."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from zswap_widgets import Config, simulate
from zswap_widgets.analysis.bench import bench_config
from zswap_widgets.model.kernels import PATCH_TITLES
from zswap_widgets.model.results import DEBUGFS_COUNTERS
from zswap_widgets.teaching import exercises as ex
from zswap_widgets.teaching.feedback import Feedback, plain
from zswap_widgets.teaching.grading import autograde_student, verdict

REPO = Path(__file__).resolve().parents[2]
VARYING = [q for q, e in ex.EXERCISES.items() if e.varies]
CANDIDATES = ("bob", "carol", "dave", "eve", "frank", "grace", "heidi", "ivan", "judy")


def _wrong(feedback, *words):
    assert isinstance(feedback, Feedback) and not feedback, feedback
    assert "not yet" in repr(feedback) and "ffebee" in feedback._repr_html_()
    for w in words:
        assert w in feedback.text, feedback.text


def _right(feedback):
    assert feedback, feedback.text
    assert "right" in repr(feedback) and "e8f5e9" in feedback._repr_html_()


def _keeps_back(feedback, *answers):
    """A hint for a wrong answer does not contain the right one."""
    for a in answers:
        assert f" {a} " not in f" {feedback.text} ", feedback.text


@pytest.mark.parametrize("qid", list(ex.EXERCISES))
def test_blank_answers_get_a_hint_not_an_exception(qid):
    e = ex.EXERCISES[qid]
    for blank in (..., None, ""):
        _wrong(ex.check(qid, *([blank] * len(e.names))), "not answered yet", e.names[0])


def test_one_blank_of_two_answers_is_named():
    _wrong(ex.check("q5", 50, ...), "not answered yet", "zsmalloc_pages")
    _wrong(ex.check("q5", ..., 39), "not answered yet", "zbud_pages")


@pytest.mark.parametrize("qid", list(ex.EXERCISES))
def test_each_check_accepts_its_solution_and_reveal_shows_it(qid):
    e = ex.EXERCISES[qid]
    answers = e.solve("")
    _right(ex.check(qid, *answers))
    shown = ex.reveal(qid)._repr_markdown_()
    assert "Worked answer" in shown
    for name, value in zip(e.names, answers, strict=True):
        assert f"{name} = {value!r}" in shown
    assert ("Default variant" in ex.ask(qid)._repr_markdown_()) == e.varies
    assert ("Variant for student" in ex.ask(qid, "alice")._repr_markdown_()) == e.varies


def test_default_variants_are_the_notebook_texts_numbers():
    assert ex.EXERCISES["q1"].params("") == {"alloc_mib": 2048, "t_s": 4.0}
    assert ex.EXERCISES["q5"].params("") == {"objects": 100, "bytes": 1500}
    assert ex.EXERCISES["q4"].params("")["compressor"] == "lz4"
    assert ex.EXERCISES["q1"].params("  ") == ex.EXERCISES["q1"].params("")
    assert ex.EXERCISES["q1"].params("Alice") == ex.EXERCISES["q1"].params("alice ")


@pytest.mark.parametrize("qid", VARYING)
def test_two_students_get_different_answers_and_each_check_accepts_only_its_own(qid):
    e = ex.EXERCISES[qid]
    mine = e.solve("alice")
    other = next((s for s in CANDIDATES if e.solve(s) != mine), None)
    assert other is not None, f"{qid}: every candidate has alice's answer"
    theirs = e.solve(other)
    _right(ex.check(qid, *mine, student="alice"))
    _right(ex.check(qid, *theirs, student=other))
    _wrong(ex.check(qid, *theirs, student="alice"))
    _wrong(ex.check(qid, *mine, student=other))
    assert f"`{other}`" in ex.ask(qid, other)._repr_markdown_()


def test_stage_at_t_follows_the_model():
    e = ex.EXERCISES["q1"]
    for student in ("", "alice", "bob"):
        p = e.params(student)
        run = simulate(Config(alloc_mib=p["alloc_mib"]))
        right = run.stage_at(p["t_s"])
        assert e.solve(student) == (right,)
        changes = [t for _, t0, t1 in run.stages for t in (t0, t1)]
        assert min(abs(p["t_s"] - c) for c in changes) >= e.margin(p["t_s"])
        _right(ex.check("q1", f"stage {right}", student=student))
        for wrong in {1, 2, 3, 4, 5} - {right}:
            fb = ex.check("q1", wrong, student=student)
            _wrong(fb, f"not stage {wrong}")
            _keeps_back(fb, f"stage {right}")
    _wrong(ex.check("q1", 7), "not a stage")
    _wrong(ex.check("q1", "four"), "not a stage")


def test_no_rejections_shows_the_trade_off():
    _right(ex.check("q2", {"alloc_mib": 256, "max_pool_percent": 50}))
    _wrong(ex.check("q2", {}), "pool_limit_hit=", "max_pool_percent")
    # A pool that may take all of RAM rejects nothing, but the allocation is much slower.
    _wrong(ex.check("q2", {"max_pool_percent": 100}), "nothing was rejected", "took", "RAM")
    _wrong(ex.check("q2", {"kernel": "off"}), "zswap off")
    _wrong(ex.check("q2", {"alloc_mib": 60}), "zswpout", "at least")
    _wrong(ex.check("q2", {"max_pool_percent": 500}), "not valid", "max_pool_percent")
    _wrong(ex.check("q2", {"alloc_mib": 60000}), "at most")
    _wrong(ex.check("q2", "big pool"), "dict")
    incompressible = {"kernel": "patches-1-3", "compressible_fraction": 0.0}
    _wrong(ex.check("q2", incompressible), "reject_compress_fail", "did not compress")


def test_io_patch_is_the_one_that_interrupts_writeback():
    accepted = [n for n in PATCH_TITLES if ex.check("q3", n)]
    assert len(accepted) == 1
    assert "interrupt shrinker writeback" in PATCH_TITLES[accepted[0]]
    _right(ex.check("q3", f"patch {accepted[0]}"))
    for n in set(PATCH_TITLES) - set(accepted):
        _wrong(ex.check("q3", n), f"patch {n}")
    _wrong(ex.check("q3", 9), "1 to 6")


def test_incompressible_counter_follows_the_model_and_names_the_right_kind_of_counter():
    e = ex.EXERCISES["q4"]
    answers = set()
    for variant in e.VARIANTS:
        run = simulate(
            e.config().replace(
                **dict(zip(("kernel", "compressor", "allocator"), variant, strict=True))
            )
        )
        answers.add(max(ex.REJECT_COUNTERS, key=run.counters.get))
    assert answers == {"reject_compress_fail", "reject_compress_poor"}
    right = e.solve("")[0]
    _right(ex.check("q4", f" /sys/kernel/debug/zswap/{right.upper()} "))
    _wrong(ex.check("q4", "pswpout"), "/proc/vmstat", "not one of /sys/kernel/debug/zswap")
    fb = ex.check("q4", "nonsense")
    _wrong(fb, "not a zswap debugfs counter", *DEBUGFS_COUNTERS)
    assert "pswpout" not in fb.text
    _wrong(ex.check("q4", "reject_compress_poor"), "-ENOSPC")
    _wrong(ex.check("q4", "stored_pages"), "stored")


def test_pool_pages_by_hand():
    # zbud: 1500 B = 24 chunks, two per page -> 50 pages; zsmalloc: 1508 B -> class 1536, 3 pages
    # per 8 objects -> ceil(100 / 8) * 3 = 39 pages.
    _right(ex.check("q5", 50, 39))
    _right(ex.check("q5", "50", 39.0))
    _wrong(ex.check("q5", 25, 39), "zbud", "63 chunks")
    _wrong(ex.check("q5", 50, 37), "zsmalloc", "zspages")
    assert "1536 bytes" in ex.ask("q5")._repr_markdown_()


def test_trace_density():
    _right(ex.check("q6", 1086))
    _right(ex.check("q6", 1040))
    _wrong(ex.check("q6", 1300), "too many")
    _wrong(ex.check("q6", 700), "too few")
    _wrong(ex.check("q6", 0.26), "ratio")
    _wrong(ex.check("q6", "lots"), "not a number")


def test_bench_order_follows_the_model():
    kernels = ex.EXERCISES["q7"].KERNELS
    elapsed = {k: simulate(bench_config(k)).elapsed_s for k in kernels}
    right = sorted(kernels, key=elapsed.get)
    _right(ex.check("q7", right))
    _right(ex.check("q7", tuple(right)))
    _wrong(ex.check("q7", list(reversed(right))), "not in that order")
    _wrong(ex.check("q7", [right[0], right[2], right[1]]), "indeed the fastest")
    _wrong(ex.check("q7", right[:2]), "exactly once")
    _wrong(ex.check("q7", "off"), "list")


def test_answers_are_judged_as_plain_data():
    class Always:
        def __eq__(self, other):
            return True

    assert isinstance(plain(Always()), str)
    assert plain(np.int64(4)) == "4" and plain((1, 2)) == [1, 2] and plain(...) == "Ellipsis"
    _wrong(ex.check("q3", Always()))
    _right(ex.check("q1", np.int64(ex.EXERCISES["q1"].solve("")[0])))


def test_the_grader_runs_in_a_fresh_process_and_prints_its_verdict():
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}

    def grade(qid, payload):
        return subprocess.run(
            [sys.executable, "-m", "zswap_widgets.teaching.grading", qid],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    right = grade("q5", {"student": "", "answers": [50, 39]})
    assert right.returncode == 0 and right.stdout.strip().endswith("q5: right"), right
    wrong = grade("q5", {"student": "", "answers": [49, 39]})
    assert wrong.returncode == 1 and wrong.stdout.strip().endswith("q5: not yet")
    assert "zbud" in wrong.stdout
    garbage = grade("q5", "not json")
    assert garbage.returncode == 1 and "q5: not yet" in garbage.stdout


def test_autograde_grades_the_submissions_student_whatever_student_id_says(tmp_path):
    folder = tmp_path / "course" / "autograded" / "bob" / "zswap"
    folder.mkdir(parents=True)
    assert autograde_student(folder) == "bob"
    assert autograde_student(tmp_path) is None
    alice = list(ex.EXERCISES["q5"].solve("alice"))
    bob = list(ex.EXERCISES["q5"].solve("bob"))
    assert alice != bob
    payload = json.dumps({"student": "alice", "answers": alice})
    ok, text = verdict("q5", payload, folder)
    assert not ok and "graded as student 'bob'" in text
    ok, _ = verdict("q5", json.dumps({"student": "alice", "answers": bob}), folder)
    assert ok
    assert verdict("q5", payload, tmp_path)[0]
