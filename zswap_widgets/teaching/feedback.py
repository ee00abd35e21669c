"""What an exercise shows a student: `Feedback` (right, or a hint) and `Text` (a question or a worked
answer), both plain objects that Jupyter renders as HTML or Markdown; and `plain()`, which reduces
an answer to the JSON data both the notebook's check and the grader judge."""

from __future__ import annotations

import html
import json
from typing import Any


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


class Text:
    """Markdown text (a question of one variant, or a worked answer)."""

    def __init__(self, markdown: str) -> None:
        self.markdown = markdown

    def __repr__(self) -> str:
        return self.markdown

    def _repr_markdown_(self) -> str:
        return self.markdown


UNANSWERED = "Ellipsis"  # str(...): what the notebook's `...` placeholder becomes in JSON


def plain(value: Any) -> Any:
    """`value` as JSON data (numbers, strings, lists, dicts); anything else becomes its str().

    Numpy numbers become numbers; an object that claims to equal everything becomes a string that
    equals nothing. The grade cells send answers to the grader the same way.
    """
    return json.loads(json.dumps(value, default=str))


def is_blank(value: Any) -> bool:
    """True for the notebook's `...` placeholder, None and the empty string."""
    return (
        value is None
        or value is ...
        or (isinstance(value, str) and value.strip() in ("", UNANSWERED))
    )
