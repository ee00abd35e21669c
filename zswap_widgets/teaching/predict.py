"""`predict()`: the box a student commits a prediction in, before the cell that shows the answer.

    predict("v6.10, 20 s after the allocation: where is the pool?",
            ["at its max", "between the accept threshold and the max", "at the accept threshold"])

Choices give radio buttons, no choices a text box. "Lock in" freezes the prediction, so that it
cannot drift once the next cell has shown the model's answer. Nothing is checked here: the point
is to commit first and compare after. Where no kernel runs, the question and its choices show as
text.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as w

from .display import Static, show

LOCK = "Lock in my prediction"
MAX_CHOICE_CHARS = 60  # longer labels wrap badly in a radio button


class Prediction(w.VBox):
    """The widget behind `predict()`; `value` is the locked-in prediction, or None."""

    def __init__(self, question: str, choices: Sequence[str] | None = None) -> None:
        long = [c for c in choices or () if len(c) > MAX_CHOICE_CHARS]
        if long:
            raise ValueError(
                f"choices: {long[0]!r} has {len(long[0])} characters; at most "
                f"{MAX_CHOICE_CHARS} fit on a radio button's line"
            )
        self.question = question
        self.value: str | None = None
        if choices:
            self.answer = w.RadioButtons(
                options=list(choices), value=None, layout=w.Layout(width="100%")
            )
        else:
            self.answer = w.Text(placeholder="your prediction", layout=w.Layout(width="60%"))
        self.button = w.Button(description=LOCK, icon="lock", layout=w.Layout(width="auto"))
        self.status = w.HTML("")
        self.button.on_click(lambda _: self.lock())
        super().__init__(
            [
                w.HTML(f"<b>Predict:</b> {html.escape(question)}"),
                self.answer,
                self.button,
                self.status,
            ],
            layout=w.Layout(border="1px solid #90caf9", padding="6px 10px", margin="4px 0"),
        )

    def lock(self) -> None:
        value = self.answer.value
        if value is None or not str(value).strip():
            self.status.value = "Choose or write a prediction first."
            return
        self.value = str(value).strip()
        self.answer.disabled = self.button.disabled = True
        self.status.value = (
            f"Locked in: <b>{html.escape(self.value)}</b>. Now run the next cell and compare."
        )


def predict(question: str, choices: Sequence[str] | None = None) -> Static:
    """A prediction box, shown with a text version of it for static renderers."""
    widget = Prediction(question, choices)
    items = "".join(f"<li>{html.escape(c)}</li>" for c in choices or [])
    markup = f"<p><b>Predict:</b> {html.escape(question)}</p>" + (
        f"<ul>{items}</ul>" if items else ""
    )
    plain = f"Predict: {question}" + (f" ({' / '.join(choices)})" if choices else "")
    return show(widget, html_text=markup, text=plain)
