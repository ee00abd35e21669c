"""`Exercise`: one question with per-student variants, as OSTEP's homework simulators do with -s.

A variant is chosen by a student id: the same id always gives the same numbers, different ids
usually different ones, and the empty id gives the default variant (the numbers the notebook's text
uses). An exercise knows its variant's right answer (`solve`), judges an answer with a hint that
does not give the answer away (`judge`), and writes the worked answer (`worked`, OSTEP's -c).
"""

from __future__ import annotations

import hashlib
import random
from typing import Any, ClassVar

from .feedback import Feedback, Text, is_blank, plain


def student_rng(qid: str, student: str) -> random.Random | None:
    """The variant's random generator for a student id, or None for the default variant."""
    key = str(student).strip().lower()
    if not key:
        return None
    digest = hashlib.sha256(f"zswap-widgets/{qid}/{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def as_int(answer: Any) -> int | None:
    """An integer from 4, 4.0, "4", "stage 4", "patch #4"; None if there is none."""
    text = str(answer).strip().lower().lstrip("#")
    for word in ("patch", "stage"):
        text = text.removeprefix(word).strip().lstrip("#").strip()
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value == int(value) else None


class Exercise:
    """One question. Subclasses set the class attributes and implement the four methods."""

    qid: ClassVar[str]  # "q1": the grade cell id and the grader's argument
    title: ClassVar[str]
    names: ClassVar[tuple[str, ...]]  # the notebook's answer variables
    hints: ClassVar[tuple[str, ...]]  # one format hint per answer variable (the stub's comment)
    points: ClassVar[int] = 1
    varies: ClassVar[bool] = False  # True if the variant depends on the student id

    def params(self, student: str = "") -> dict[str, Any]:
        """The numbers of this student's variant."""
        return {}

    def question(self, student: str = "") -> str:
        """The question as Markdown, with this variant's numbers."""
        raise NotImplementedError

    def solve(self, student: str = "") -> tuple[Any, ...]:
        """The right answer(s) of this variant, one per name."""
        raise NotImplementedError

    def judge(self, answers: list[Any], student: str = "") -> Feedback:
        """Right, or a hint. `answers` are plain JSON data (see feedback.plain)."""
        raise NotImplementedError

    def worked(self, student: str = "") -> str:
        """The worked answer as Markdown: how to get there, and the model's numbers."""
        raise NotImplementedError

    # ------------------------------------------------------------------ shared by every exercise
    def check(self, *answers: Any, student: str = "") -> Feedback:
        """Judge answers as the grader does: reduced to JSON data, blanks caught first."""
        if len(answers) != len(self.names):
            return Feedback(False, f"give {len(self.names)} answer(s): {', '.join(self.names)}.")
        answers_plain = [plain(a) for a in answers]
        blank = [n for n, a in zip(self.names, answers_plain, strict=True) if is_blank(a)]
        if blank:
            return Feedback(
                False,
                f"not answered yet: replace the ... of {' and '.join(blank)} with your answer "
                f"({'; '.join(self.hints)}), then run the cell again.",
            )
        return self.judge(answers_plain, student)

    def ask(self, student: str = "") -> Text:
        if not self.varies:
            return Text(self.question(student))
        who = (
            f"*Variant for student `{student}`.*"
            if student_rng(self.qid, student) is not None
            else "*Default variant: set `STUDENT_ID` at the top for your own numbers.*"
        )
        return Text(f"{self.question(student)}\n\n{who}")

    def reveal(self, student: str = "") -> Text:
        right = ", ".join(
            f"`{n} = {v!r}`" for n, v in zip(self.names, self.solve(student), strict=True)
        )
        return Text(
            f"**Worked answer ({self.qid}).** {self.worked(student)}\n\n**Answer:** {right}"
        )
