"""The prediction box: locks one answer in, and reads as text where no kernel runs."""

from __future__ import annotations

import pytest

from zswap_widgets.teaching.predict import MAX_CHOICE_CHARS, predict

VIEW = "application/vnd.jupyter.widget-view+json"


def test_predict_locks_a_choice_and_reads_as_text_without_a_kernel():
    shown = predict("Where is the pool?", ["at its max", "empty"])
    box = shown.widget
    box.lock()
    assert box.value is None and "first" in box.status.value and not box.button.disabled
    box.answer.value = "empty"
    box.lock()
    assert box.value == "empty" and box.answer.disabled and box.button.disabled
    assert "Locked in: <b>empty</b>" in box.status.value
    bundle = shown._repr_mimebundle_()
    assert bundle["text/plain"] == "Predict: Where is the pool? (at its max / empty)"
    assert "<li>empty</li>" in bundle["text/html"] and VIEW in bundle


def test_predict_without_choices_is_a_text_box():
    box = predict("How many seconds?").widget
    box.answer.value = "  "
    box.lock()
    assert box.value is None
    box.answer.value = " 12 "
    box.lock()
    assert box.value == "12"


def test_predict_refuses_a_choice_too_long_for_one_line():
    with pytest.raises(ValueError, match=f"choices: .* at most {MAX_CHOICE_CHARS}"):
        predict("?", ["x" * (MAX_CHOICE_CHARS + 1)])
