"""An nbgrader course from notebooks/06-exercises.ipynb, with solutions and locked grade cells.

    python -m zswap_widgets.teaching.course ~/zswap-course     # then, in that folder:
    nbgrader generate_assignment zswap                          # release/zswap/06-exercises.ipynb
    nbgrader autograde zswap                                    # after collecting submissions

`write_course(root)` writes `root/nbgrader_config.py` and the source notebook
`root/source/<assignment>/06-exercises.ipynb`. The cells of the student notebook carry a role in
their metadata (`zswap_widgets.role`); in the source notebook

* each answer cell keeps its stub line (`stage_at_t = ...  # a stage number, 1 to 5`) and gains an
  nbgrader solution region that computes the right answer of the student's variant, so
  `generate_assignment` strips only the region and the release keeps the stub;
* each check cell becomes a locked grade cell that sends the answer to `grading` in a fresh Python
  process and asserts on its verdict (see grading.py for what that protects against);
* question 8's answer cell becomes a hand-graded answer whose solution region holds a model answer
  and the rubric;
* everything else is locked (read-only).
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

from .exercises import EXERCISES, MANUAL_ANSWER, MANUAL_POINTS, MANUAL_QID, MANUAL_RUBRIC
from .tutorial import notebooks_source

NOTEBOOK = "06-exercises.ipynb"
ROLE_KEY = "zswap_widgets"
ASSIGNMENT = "zswap"
CONFIG = """\
# nbgrader configuration written by zswap_widgets.teaching.course
c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.course_id = "zswap"
# Each grade cell runs the model in a fresh Python process: allow it time on a busy machine.
c.Execute.timeout = 300
# The answer cells keep their stub line (`name = ...  # format`), so nothing needs adding.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
"""

GRADE_CELL = """\
# Locked grade cell. A fresh Python process judges the answer, so nothing the cells above changed
# in this kernel (names, modules, environment variables) takes part in the verdict.
import json, subprocess, sys
answer = json.dumps({{"student": STUDENT_ID, "answers": [{answers}]}}, default=str)
verdict = subprocess.run(
    [sys.executable, "-m", "zswap_widgets.teaching.grading", "{qid}"],
    input=answer, capture_output=True, text=True,
)
print(verdict.stdout.strip() or verdict.stderr.strip())
assert verdict.stdout.strip().endswith("{qid}: right"), "{qid}: not yet (see the hint above)"
"""


def role(cell) -> dict:
    """The cell's role in the exercise notebook: {"role": ..., "question": ...} or {}."""
    return dict(cell.metadata.get(ROLE_KEY, {}))


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
    }
    if points is not None:
        meta["points"] = points
    return meta


def solution_code(qid: str) -> str:
    names = EXERCISES[qid].names
    target = f"({', '.join(names)},)" if len(names) == 1 else ", ".join(names)
    return f'{target} = ex.EXERCISES["{qid}"].solve(STUDENT_ID)'


def grade_cell_source(qid: str) -> str:
    return GRADE_CELL.format(qid=qid, answers=", ".join(EXERCISES[qid].names))


def source_notebook(student_nb):
    """The instructor's source notebook for nbgrader, from the student notebook."""
    nb = copy.deepcopy(student_nb)
    for i, cell in enumerate(nb.cells):
        r = role(cell)
        kind, qid = r.get("role"), r.get("question", "")
        cell.metadata.pop(ROLE_KEY, None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if kind == "answer":
            cell.source = f"{cell.source.rstrip()}\n### BEGIN SOLUTION\n{solution_code(qid)}\n### END SOLUTION"
            cell.metadata["nbgrader"] = _nbgrader(f"{qid}_answer", solution=True)
        elif kind == "check":
            cell.source = grade_cell_source(qid)
            cell.metadata["nbgrader"] = _nbgrader(
                f"{qid}_grade", grade=True, locked=True, points=EXERCISES[qid].points
            )
        elif kind == "manual":
            cell.source = (
                f"### BEGIN SOLUTION\n{MANUAL_ANSWER}\n\n*Rubric ({MANUAL_POINTS} points):* "
                f"{MANUAL_RUBRIC}\n### END SOLUTION"
            )
            cell.metadata["nbgrader"] = _nbgrader(
                f"{MANUAL_QID}_answer", grade=True, solution=True, points=MANUAL_POINTS
            )
        elif kind != "student":
            cell.metadata["nbgrader"] = _nbgrader(
                f"{qid or 'cell'}_{kind or 'text'}_{i}", locked=True
            )
    return nb


def write_course(root: str | Path, assignment: str = ASSIGNMENT) -> Path:
    """Write an nbgrader course folder; returns the source notebook's path."""
    root = Path(root).expanduser()
    source = root / "source" / assignment
    source.mkdir(parents=True, exist_ok=True)
    config = root / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG)
    import nbformat

    student_nb = nbformat.read(notebooks_source() / NOTEBOOK, as_version=4)
    path = source / NOTEBOOK
    nbformat.write(source_notebook(student_nb), path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zswap_widgets.teaching.course",
        description="Write an nbgrader course folder with the exercises' source notebook.",
    )
    parser.add_argument("root", help="the course folder (created if missing)")
    parser.add_argument("--assignment", default=ASSIGNMENT, help="assignment name (default zswap)")
    args = parser.parse_args(argv)
    path = write_course(args.root, args.assignment)
    print(f"source notebook: {path}")
    print(
        f"next: cd {Path(args.root).expanduser()} && nbgrader generate_assignment {args.assignment}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
