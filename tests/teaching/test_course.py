"""The exercises as an nbgrader course: generate_assignment keeps each answer's stub, and autograde
gives full marks to right answers only, zero to wrong answers, blanks, tampering and a borrowed
student id (slow: nbgrader runs every submission in a kernel)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from zswap_widgets.teaching import course
from zswap_widgets.teaching.exercises import EXERCISES, MANUAL_QID

pytest.importorskip("nbgrader")

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENT = "zswap"
NB = course.NOTEBOOK
AUTO_POINTS = sum(e.points for e in EXERCISES.values())

# Everything an answer cell might try in order to switch the checking off.
TAMPERING = """
import os, sys, types
os.environ["ZSWAP_WIDGETS_GRADING"] = "0"
os.environ["NBGRADER_EXECUTION"] = ""
os.environ["PYTHONOPTIMIZE"] = "2"
import zswap_widgets.model.simulation as simulation
from zswap_widgets.teaching import exercises, feedback, grading
from zswap_widgets.teaching.feedback import Feedback
Feedback.__bool__ = lambda self: True
for e in exercises.EXERCISES.values():
    e.judge = lambda answers, student="": Feedback(True, "ok")
    e.check = lambda *answers, student="": Feedback(True, "ok")
exercises.check = ex.check = lambda *a, **k: Feedback(True, "ok")
grading.verdict = lambda *a, **k: (True, "ok")
simulation.simulate = lambda *a, **k: None
json = types.SimpleNamespace(dumps=lambda *a, **k: "{}")
fake = types.SimpleNamespace(stdout="right", stderr="", returncode=0)
subprocess = types.SimpleNamespace(run=lambda *a, **k: fake)
class Always:
    def __eq__(self, other):
        return True
"""


def _nbgrader(args: list[str], root: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def _cell(nb, grade_id: str):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _submit(root: Path, release, student: str, student_id: str, answers: dict, extra: str = ""):
    nb = nbformat.reads(nbformat.writes(release), as_version=4)
    sid_cell = next(c for c in nb.cells if c.source.startswith("STUDENT_ID ="))
    sid_cell.source = f"STUDENT_ID = {student_id!r}"
    for qid, values in answers.items():
        cell = _cell(nb, f"{qid}_answer")
        names = EXERCISES[qid].names
        cell.source = "\n".join(f"{n} = {v}" for n, v in zip(names, values, strict=True))
    if extra:
        first = _cell(nb, "q1_answer")
        first.source = extra + "\n" + first.source
    dest = root / "submitted" / student / ASSIGNMENT
    dest.mkdir(parents=True)
    nbformat.write(nb, dest / NB)


def _right(student: str) -> dict[str, list[str]]:
    return {q: [repr(v) for v in e.solve(student)] for q, e in EXERCISES.items()}


def _wrong(student: str) -> dict[str, list[str]]:
    out = {}
    for q, e in EXERCISES.items():
        right = e.solve(student)
        if q == "q1":
            values = [5 if right[0] != 5 else 4]
        elif q == "q2":
            values = [{"max_pool_percent": 100}]  # rejects nothing, but far slower
        elif q == "q3":
            values = [4]
        elif q == "q4":
            values = ["pswpout"]
        elif q == "q5":
            values = [right[0] + 1, right[1]]
        elif q == "q6":
            values = [right[0] * 1.5]
        else:
            values = [list(reversed(right[0]))]
        assert not e.check(*values, student=student), (q, values)
        out[q] = [repr(v) for v in values]
    return out


def _borrower(owner: str) -> str:
    """A student whose every variant has other answers than owner's."""
    varying = [e for e in EXERCISES.values() if e.varies]
    for name in ("eve", "frank", "grace", "heidi", "ivan", "judy", "mallory", "oscar"):
        if all(e.solve(name) != e.solve(owner) for e in varying):
            return name
    raise AssertionError(f"no student among the candidates has variants all unlike {owner}'s")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    source = course.write_course(root, ASSIGNMENT)
    t0 = time.monotonic()
    _nbgrader(["generate_assignment", ASSIGNMENT, "--force"], root)
    release_path = root / "release" / ASSIGNMENT / NB
    release = nbformat.read(release_path, as_version=4)
    borrower = _borrower("alice")
    copied = {q: v for q, v in _right("alice").items() if EXERCISES[q].varies}
    _submit(root, release, "alice", "alice", _right("alice"))
    _submit(root, release, "bob", "bob", _wrong("bob"))
    _submit(root, release, "carol", "carol", {})  # the release as handed out: all blank
    _submit(
        root,
        release,
        "dave",
        "alice",
        {**_wrong("dave"), "q1": ["Always()"]},
        extra=TAMPERING,
    )
    _submit(root, release, borrower, "alice", copied)  # alice's variant answers, her id
    _nbgrader(["autograde", ASSIGNMENT], root)
    print(f"\ngenerate_assignment + autograde of 5 submissions: {time.monotonic() - t0:.0f} s")
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for student in ("alice", "bob", "carol", "dave", borrower):
            scores[student] = {
                q: gb.find_grade(f"{q}_grade", NB.removesuffix(".ipynb"), ASSIGNMENT, student).score
                for q in EXERCISES
            }
    return {
        "root": root,
        "source": source,
        "release": release,
        "scores": scores,
        "borrower": borrower,
    }


@pytest.mark.slow
def test_the_release_keeps_each_answers_stub_and_drops_the_solutions(graded):
    source = nbformat.read(graded["source"], as_version=4)
    release = graded["release"]
    for qid, e in EXERCISES.items():
        src, rel = _cell(source, f"{qid}_answer"), _cell(release, f"{qid}_answer")
        assert "### BEGIN SOLUTION" in src.source and ".solve(STUDENT_ID)" in src.source
        assert "SOLUTION" not in rel.source and "solve" not in rel.source
        for name in e.names:
            assert f"{name} = ..." in rel.source, rel.source
        grade = _cell(release, f"{qid}_grade")
        assert grade.metadata["nbgrader"]["locked"] and grade.metadata["nbgrader"]["points"] > 0
        assert "zswap_widgets.teaching.grading" in grade.source
    manual = _cell(release, f"{MANUAL_QID}_answer")
    assert manual.source.strip() == "YOUR ANSWER HERE"
    assert "LRU inversion" in _cell(source, f"{MANUAL_QID}_answer").source


@pytest.mark.slow
def test_autograde_gives_full_marks_to_right_answers_only(graded):
    scores = graded["scores"]
    assert scores["alice"] == {q: float(e.points) for q, e in EXERCISES.items()}
    assert sum(scores["alice"].values()) == AUTO_POINTS
    for student in ("bob", "carol", "dave", graded["borrower"]):
        assert sum(scores[student].values()) == 0, (student, scores[student])


def test_grade_cells_read_no_environment_variable():
    for text in (Path(course.__file__).with_name("grading.py").read_text(), course.GRADE_CELL):
        assert "os.environ" not in text and "getenv" not in text


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }


def test_the_tampering_fools_a_check_made_in_the_same_kernel():
    """So autograde's zero for it (below) shows the grade cells resisting, not a harmless attempt."""
    code = (
        "from zswap_widgets.teaching import exercises as ex\n"
        + TAMPERING
        + "\nprint(bool(ex.check('q3', 1)), bool(exercises.EXERCISES['q5'].check(0, 0)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(), capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True"], out.stdout + out.stderr


@pytest.mark.slow
def test_the_tampering_ran_without_error_before_autograde_zeroed_it(graded):
    nb = nbformat.read(graded["root"] / "autograded" / "dave" / ASSIGNMENT / NB, as_version=4)
    cell = _cell(nb, "q1_answer")
    assert "Feedback.__bool__" in cell.source
    assert all(o.output_type != "error" for o in cell.outputs), cell.outputs
    assert graded["scores"]["dave"] == {q: 0.0 for q in EXERCISES}
