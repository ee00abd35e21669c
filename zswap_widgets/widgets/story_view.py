"""The story view: the text of where the playhead is, one strip of stage chips per run shown,
and the controls that walk through the stages ("next stage", "previous", "whole run").

A strip has one chip per stage segment the run visits, in order. A chip's width is its share of
the run's time, but never less than MIN_SHARE of the strip, so the short stages (stage 2 often
lasts 50 ms of a 25 s run) stay wide enough to read and click; each chip is labelled with its
stage number and its real time span. Clicking a chip calls back with (run index, segment index).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import ipywidgets as w

from ..model.results import Run
from ..model.story import Story
from .palette import STAGE_COLORS, STAGE_TEXT

MIN_SHARE = 0.11  # of the strip's width, for the shortest chip
MAX_CHIPS = 12  # chips kept per strip (segments beyond are merged into the last)


def chip_weights(stages: list[tuple[int, float, float]]) -> list[float]:
    """Flex weights of the chips: the share of the run's time, at least MIN_SHARE."""
    total = sum(t1 - t0 for _, t0, t1 in stages) or 1.0
    return [max((t1 - t0) / total, MIN_SHARE) for _, t0, t1 in stages]


def chip_label(stage: int, t0: float, t1: float) -> str:
    """ "3 · 0.24–0.40 s": where a chip wraps, the number stays on the first line."""
    return f"{stage} · {t0:.2f}–{t1:.2f}\u00a0s"


class Strip(w.HBox):
    """The chips of one run."""

    def __init__(self, index: int, on_click: Callable[[int, int], None]) -> None:
        self.index = index
        self.name = w.HTML("", layout={"width": "120px", "overflow": "hidden"})
        self.chips = [
            w.Button(
                layout=w.Layout(
                    display="none",
                    min_width="28px",
                    height="36px",
                    margin="0 1px",
                    padding="0 2px",
                    border="2px solid transparent",
                )
            )
            for _ in range(MAX_CHIPS)
        ]
        for i, chip in enumerate(self.chips):
            chip.add_class("zsw-chip")
            chip.on_click(lambda _, i=i: on_click(self.index, i))
        self.row = w.HBox(self.chips, layout=w.Layout(flex="1 1 auto", width="100%"))
        super().__init__([self.name, self.row], layout=w.Layout(width="100%"))
        self.add_class("zsw-strip")
        self.stages: list[tuple[int, float, float]] = []
        self._active: int | None = None

    def show(self, name: str, run: Run | None, named: bool = False) -> None:
        """Show the chips of run (None: hide the strip); named: with the run's name before."""
        stages = list(run.stages) if run is not None else []
        self.stages = stages[:MAX_CHIPS]
        story = Story(run) if run is not None else None
        self.name.value = f"<b title='{html.escape(name)}'>{html.escape(name)}</b>"
        self.layout.display = None if run is not None else "none"
        self.name.layout.display = None if named else "none"
        weights = chip_weights(self.stages)
        self.highlight(None)
        for i, chip in enumerate(self.chips):
            if i >= len(self.stages):
                chip.layout.display = "none"
                continue
            s, t0, t1 = self.stages[i]
            chip.description = chip_label(s, t0, t1)
            chip.tooltip = (
                f"stage {s} of {name}, {t0:.2f} s to {t1:.2f} s: {story.title(i)}. "
                "Click to zoom the charts to it and play it."
            )
            chip.style.button_color = STAGE_COLORS.get(s, "#9e9e9e")
            chip.style.text_color = STAGE_TEXT.get(s, "#000000")
            with chip.layout.hold_sync():
                chip.layout.display = None
                chip.layout.flex = f"{weights[i]:.4f} 1 0px"

    def highlight(self, segment: int | None) -> None:
        """Mark the chip the playhead is in (only the chips that change are sent)."""
        if segment == self._active:
            return
        for i in (self._active, segment):
            if i is None or i >= len(self.chips):
                continue
            active = i == segment
            self.chips[i].style.font_weight = "bold" if active else "normal"
            self.chips[i].layout.border = "2px solid #000000" if active else "2px solid transparent"
        self._active = segment


class StoryView(w.VBox):
    """The guided walk through the stages (see the module's docstring)."""

    def __init__(self, on_chip: Callable[[int, int], None]) -> None:
        self.text = w.HTML("")
        self.text.add_class("zsw-story-text")
        self.strips = [Strip(0, on_chip), Strip(1, on_chip)]
        self.prev_button = w.Button(
            description="previous", icon="chevron-left", tooltip="the stage before this one"
        )
        self.next_button = w.Button(
            description="next stage",
            icon="chevron-right",
            button_style="primary",
            tooltip="zoom to the next stage and play it",
        )
        self.whole_button = w.Button(
            description="whole run",
            icon="expand",
            tooltip="zoom every time chart out to the whole run",
        )
        self.fit_button = w.Button(
            description="fit axes",
            icon="arrows-alt-v",
            tooltip="rescale the axes to the runs shown (they stay fixed while you change knobs)",
        )
        for b in (self.prev_button, self.next_button, self.whole_button, self.fit_button):
            b.layout.width = "auto"
        self.nav = w.HBox(
            [self.prev_button, self.next_button, self.whole_button, self.fit_button],
            layout=w.Layout(flex_flow="row wrap"),
        )
        super().__init__([self.text, *self.strips, self.nav], layout=w.Layout(width="100%"))

    def show_runs(self, runs: list[tuple[str, Run]]) -> None:
        for i, strip in enumerate(self.strips):
            name, run = runs[i] if i < len(runs) else ("", None)
            strip.show(name, run, named=len(runs) > 1)

    def show_text(self, body: str, stage: int | None = None) -> None:
        color = STAGE_COLORS.get(stage, "#616161") if stage else "#616161"
        self.text.value = (
            f"<div style='border-left:8px solid {color};padding:4px 10px;min-height:4.6em;"
            f"font-size:1.02em;line-height:1.45'>{body}</div>"
        )
