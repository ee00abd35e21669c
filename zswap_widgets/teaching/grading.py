"""The grader the locked grade cells run, in a fresh Python process:

    python -m zswap_widgets.teaching.grading q1 < {"student": "alice", "answers": [4]}

It reads the student id and the answers as JSON on stdin, judges them with the exercise's own
check and prints the feedback, then a last line "q1: right" (exit status 0) or "q1: not yet"
(exit status 1). The grade cell asserts on that last line. Because the verdict is computed in a new
process from the installed package, nothing an answer cell did in the notebook's kernel (rebinding
names, replacing attributes of zswap_widgets' modules, setting environment variables) takes part;
this module reads no environment variable.

During `nbgrader autograde` a notebook runs in `autograded/<student id>/<assignment>/`: the variant
is then that student's, whatever `STUDENT_ID` the notebook sets, so a borrowed id does not borrow
a classmate's answers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .exercises import EXERCISES
from .feedback import plain


def autograde_student(cwd: Path) -> str | None:
    """The student id nbgrader autograde works for, from its folder layout, else None."""
    parts = cwd.resolve().parts
    if len(parts) >= 3 and parts[-3] == "autograded":
        return parts[-2]
    return None


def verdict(qid: str, payload: str, cwd: Path) -> tuple[bool, str]:
    """(right, text to print) for one grade cell."""
    if qid not in EXERCISES:
        return False, f"unknown question {qid!r}"
    try:
        data = json.loads(payload)
        answers = [plain(a) for a in data["answers"]]
        student = str(data.get("student", ""))
    except (ValueError, KeyError, TypeError) as e:
        return False, f"the grade cell sent no answers the grader can read ({e})"
    graded_as = autograde_student(cwd)
    note = ""
    if graded_as is not None and graded_as != student.strip():
        note = (
            f" (graded as student {graded_as!r}, the submission's folder; the notebook's "
            f"STUDENT_ID is {student!r})"
        )
        student = graded_as
    feedback = EXERCISES[qid].check(*answers, student=student)
    return feedback.correct, repr(feedback) + note


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m zswap_widgets.teaching.grading QUESTION < answers.json")
        return 2
    qid = args[0]
    right, text = verdict(qid, sys.stdin.read(), Path.cwd())
    print(text)
    print(f"{qid}: {'right' if right else 'not yet'}")
    return 0 if right else 1


if __name__ == "__main__":
    sys.exit(main())
