"""`Dashboard`: controls, player and charts of one zswap scenario in a single widget."""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import numpy as np
from traitlets import TraitError

from ..model.config import Config
from ..model.export import run_csv
from ..model.kernels import KERNELS
from ..model.results import Run
from ..model.scenario import from_code, to_code
from .charts import Charts
from .controls import Controls
from .debounce import Debouncer
from .download import DownloadButton
from .runs import RunCache, off_baseline
from .sweep_panel import SweepPanel
from .tables import counters_html, events_html, stage_html
from .view import run_view

# The cover letter's story (1 GiB VM, 2 GiB of 3/4 compressible data, 25 % max pool, 50 % accept,
# zsmalloc/lz4) scaled down by 4, so that one slider change re-runs in about 200 ms: RAM, the
# allocation, the kernel's reserve, the baseline use and the swap device's IOPS and bandwidth are
# divided by 4, and the time step is 4 ms. Per step the model then sees the same numbers of pages
# and requests as the full-scale run does per 1 ms, so the timeline (about 10 s of allocation,
# then the drain) and the five stages are those of the full scale; counters are about 1/4.
DASHBOARD_DEFAULT = Config().scaled(0.25)
COVER_LETTER = Config()

SCENARIOS: dict[str, Config] = {
    "dashboard default (cover letter / 4)": DASHBOARD_DEFAULT,
    "cover letter, all patches (full scale)": COVER_LETTER,
    "cover letter, patches 1-3 (full scale)": COVER_LETTER.replace(kernel="patches-1-3"),
    "cover letter, zswap off (full scale)": COVER_LETTER.replace(kernel="off"),
}
SPEEDS = (("¼×", 0.25), ("½×", 0.5), ("1×", 1.0), ("2×", 2.0), ("5×", 5.0), ("10×", 10.0))
PLAY_INTERVAL_MS = 100
_NO_OVERRIDES = dict.fromkeys(Config.preset_knobs())


def _error_html(text: str) -> str:
    if not text:
        return ""
    import html

    return (
        "<div style='color:#b71c1c;background:#ffebee;padding:4px 8px;border-radius:3px'>"
        f"<b>Not applied:</b> {html.escape(text)}<br><small>The charts still show the last valid "
        "configuration; your values are kept in the controls.</small></div>"
    )


def _duration(run: Run) -> float:
    t = run.series["t_s"]
    return float(t[-1]) if len(t) else 0.0


def _summary(run: Run) -> str:
    return f"elapsed {run.elapsed_s:.2f} s, user {run.user_s:.3f} s, sys {run.sys_s:.3f} s"


class Dashboard(w.VBox):
    """Interactive zswap dashboard: knobs, Play/Step/Reset, a time scrubber and nine charts.

    Normally everything shows the run of the knobs' configuration (`config`, `run`).

    Compare mode (the "compare" toggle) runs the knobs with two kernel presets instead, A and B
    (patch overrides dropped), and shows both on every time chart: A solid, B dashed (the
    thresholds: A dashed, B dotted), and both in the benchmark bars. The parts that describe one
    run, namely the stage bands, the stage line, the counters and the event log, show run A and
    say so; the status line names both presets and their timings. The kernel knob's own run
    (`run`) is not shown while comparing.

    `Dashboard(config, debounce_s=0)` re-runs synchronously after every control change (tests);
    the default waits `debounce_s` after the last change before re-running (sliders only send
    their value on release, so a short wait is enough to group quick key presses).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        debounce_s: float = 0.1,
        cache_size: int = 12,
        **kwargs: Any,
    ) -> None:
        config = DASHBOARD_DEFAULT if config is None else config
        self._controls = Controls(config)
        self.controls: dict[str, w.Widget] = self._controls.widgets
        self.charts = Charts()
        self.figures = self.charts.figures
        self.cache = RunCache(cache_size)
        self._config = config
        self._run: Run | None = None
        self._off: Run | None = None
        self._pair: tuple[Run, Run] | None = None
        self._error = ""
        self._times = np.zeros(1, dtype=np.float32)

        # status
        self.error_box = w.HTML("")
        self.progress = w.IntProgress(value=0, min=0, max=100, description="simulating")
        self.progress.layout.display = "none"
        self.status = w.HTML("")
        self.stage = w.HTML("")

        # player
        self.play = w.Play(
            value=0,
            min=0,
            max=0,
            step=1,
            interval=PLAY_INTERVAL_MS,
            tooltip="play / pause the recorded run",
            show_repeat=False,
        )
        self.back_button = w.Button(
            icon="step-backward", tooltip="step back", layout={"width": "40px"}
        )
        self.step_button = w.Button(icon="step-forward", tooltip="step", layout={"width": "40px"})
        self.reset_button = w.Button(
            description="Reset", icon="refresh", tooltip="back to t = 0, keeping the current values"
        )
        self.speed = w.SelectionSlider(
            options=SPEEDS,
            value=1.0,
            description="speed",
            tooltip="simulated seconds per second of playback",
            continuous_update=False,
        )
        self.speed.layout.width = "300px"
        self.scrubber = w.IntSlider(
            value=0,
            min=0,
            max=0,
            description="time",
            readout=False,
            continuous_update=True,
            tooltip="scrub through the run",
        )
        self.scrubber.layout.width = "420px"
        self.time_label = w.Label("")

        # compare mode
        kernels = [k for k in KERNELS]
        self.compare_toggle = w.ToggleButton(
            value=False,
            description="compare",
            icon="columns",
            tooltip="run two kernel presets (same knobs) and draw both: A solid, B dashed",
        )
        self.compare_a = w.Dropdown(options=kernels, value="patches-1-3", description="A (solid)")
        self.compare_b = w.Dropdown(options=kernels, value="patches-1-6", description="B (dashed)")

        # scenario code
        self.code = w.Text(
            description="scenario code",
            style={"description_width": "initial"},
            tooltip="paste a code and press load to reproduce a configuration",
        )
        self.code.layout.width = "420px"
        self.load_button = w.Button(description="load", icon="upload")
        self.scenario = w.Dropdown(
            options=[("load a scenario…", ""), *((name, name) for name in SCENARIOS)],
            value="",
            tooltip="set every knob to a stored scenario",
            layout={"width": "300px"},
        )

        self.counters_title = w.HTML("<b>counters</b>")
        self.counters = w.HTML("")
        self.events_title = w.HTML("<b>what happened</b>")
        self.events = w.HTML("")

        # sweeps of two knobs around the current configuration; a clicked cell is loaded here
        self.sweep_panel = SweepPanel(config, on_select=self.load)
        self.download_run = DownloadButton(
            "CSV of the shown run", lambda: ("zswap-run.csv", run_csv(self.shown_run))
        )

        self._wire(debounce_s)
        super().__init__(self._layout(), **kwargs)
        self.refresh()

    # ------------------------------------------------------------------ public API
    @property
    def config(self) -> Config:
        """The current valid configuration (the charts show its run)."""
        return self._config

    @property
    def run(self) -> Run:
        """The run of `config`."""
        assert self._run is not None
        return self._run

    @property
    def off_run(self) -> Run | None:
        """The same knobs with kernel="off": the zswap-off bar of the benchmark chart."""
        return self._off

    @property
    def compare_runs(self) -> tuple[Run, Run] | None:
        """In compare mode, the runs of presets A and B; else None."""
        return self._pair

    @property
    def shown_run(self) -> Run:
        """The run the one-run parts describe (stage bands and line, counters, event log): `run`,
        or run A in compare mode."""
        return self._pair[0] if self._pair else self.run

    @property
    def error(self) -> str:
        """Why the controls' values are not applied, or ""."""
        return self._error

    @property
    def time_s(self) -> float:
        """The scrubber's time."""
        return float(self._times[self.scrubber.value])

    @property
    def scenario_code(self) -> str:
        return to_code(self._config)

    def refresh(self) -> None:
        """Apply the controls now: validate, run (or take from the cache) and redraw everything."""
        self._debouncer.cancel()
        try:
            config = Config(**self._controls.values())
        except TraitError as e:
            self._set_error(str(e))
            self._show_status(applied=False)
            return
        try:
            compare = self._compare_configs(config)
        except TraitError as e:
            self._set_error(f"compare mode: {e}")
            compare = None
        else:
            self._set_error("")
        self._config = config
        self.sweep_panel.config = config
        self._simulate(config, compare)

    def set_time(self, t_s: float) -> None:
        """Move the scrubber to the recorded step nearest t_s (inf: the end)."""
        i = int(np.searchsorted(self._times, t_s, side="left"))
        if (
            i < len(self._times)
            and i > 0
            and abs(self._times[i - 1] - t_s) < abs(self._times[i] - t_s)
        ):
            i -= 1
        self.scrubber.value = int(min(max(i, 0), len(self._times) - 1))

    def load_code(self, code: str) -> None:
        """Load a scenario code (shows the error instead if it is not valid)."""
        try:
            config = from_code(code)
        except (ValueError, TraitError) as e:
            self._set_error(f"scenario code: {e}")
            return
        self.load(config)

    def load(self, config: Config) -> None:
        """Set every control to config and re-run."""
        self._controls.set_values(config, notify=False)
        self.refresh()

    # ------------------------------------------------------------------ wiring
    def _wire(self, debounce_s: float) -> None:
        self._debouncer = Debouncer(self.refresh, debounce_s)
        self._controls.on_change(self._on_control)
        self.scrubber.observe(lambda c: self._show_time(c["new"]), "value")
        self.play.observe(self._on_play_value, "value")
        self.play.observe(self._on_playing, "playing")
        self.step_button.on_click(lambda _: self._step(+1))
        self.back_button.on_click(lambda _: self._step(-1))
        self.reset_button.on_click(lambda _: self.reset())
        self.speed.observe(lambda _: self._apply_speed(), "value")
        self.compare_toggle.observe(lambda _: self.refresh(), "value")
        for dd in (self.compare_a, self.compare_b):
            dd.observe(lambda _: self.compare_toggle.value and self.refresh(), "value")
        self.load_button.on_click(lambda _: self.load_code(self.code.value))
        self.scenario.observe(self._on_scenario, "value")

    def _layout(self) -> list[w.Widget]:
        c = self._controls
        panels = self.charts.panels
        grid = w.GridBox(
            [panels[name] for name in ("memory", "io", "queue", "process")],
            layout=w.Layout(
                grid_template_columns="repeat(auto-fit, minmax(460px, 1fr))",
                grid_gap="4px 12px",
                width="100%",
            ),
        )
        tables = w.HBox(
            [
                w.VBox([self.counters_title, self.counters], layout={"margin": "0 24px 0 0"}),
                w.VBox(
                    [self.events_title, self.events],
                    layout={"flex": "1 1 360px", "min_width": "320px"},
                ),
            ],
            layout=w.Layout(flex_flow="row wrap", width="100%"),
        )
        return [
            w.HTML("<h3 style='margin:4px 0'>zswap: the five stages of reclaim</h3>"),
            c.main,
            w.HBox(
                [c.seed, self.code, self.load_button, self.scenario],
                layout=w.Layout(flex_flow="row wrap"),
            ),
            c.advanced,
            self.error_box,
            w.HBox([self.progress, self.status]),
            w.HBox(
                [
                    self.play,
                    self.back_button,
                    self.step_button,
                    self.reset_button,
                    self.speed,
                    self.scrubber,
                    self.time_label,
                ],
                layout=w.Layout(flex_flow="row wrap"),
            ),
            w.HBox(
                [self.compare_toggle, self.compare_a, self.compare_b],
                layout=w.Layout(flex_flow="row wrap"),
            ),
            self.stage,
            panels["pool"],
            panels["shrinker"],
            grid,
            panels["bench"],
            tables,
            self.download_run,
            w.Accordion(
                children=[self.sweep_panel],
                titles=("Sweep two knobs: a heatmap of a metric, where zswap stops paying",),
                selected_index=0,
            ),
        ]

    # ------------------------------------------------------------------ handlers
    def _on_control(self, name: str) -> None:
        if self._debouncer.delay_s > 0:
            self.status.value = "<i>changed: re-running when you stop…</i>"
        self._debouncer.schedule()

    def _on_scenario(self, change: dict) -> None:
        name = change["new"]
        if not name:
            return
        self.scenario.value = ""  # back to the placeholder
        self.load(SCENARIOS[name])

    def _on_play_value(self, change: dict) -> None:
        if self.scrubber.value != change["new"]:
            self.scrubber.value = min(change["new"], self.scrubber.max)

    def _on_playing(self, change: dict) -> None:
        if change["new"] and self.scrubber.value >= self.scrubber.max:
            self.scrubber.value = 0

    def _step(self, direction: int) -> None:
        self.play.playing = False
        i = self.scrubber.value
        if direction > 0 and i >= self.scrubber.max:
            i = 0
        else:
            i = min(max(i + direction * self.play.step, 0), self.scrubber.max)
        self.scrubber.value = i

    def reset(self) -> None:
        """Back to t = 0 with the current values (re-run first if they changed)."""
        self.play.playing = False
        self.refresh()
        self.scrubber.value = 0
        self._show_time(0)

    def _apply_speed(self) -> None:
        n = max(len(self._times) - 1, 1)
        dt = float(self._times[-1]) / n if n else 1.0
        per_tick = self.speed.value * PLAY_INTERVAL_MS / 1000
        if dt <= 0:
            self.play.step, self.play.interval = 1, PLAY_INTERVAL_MS
        elif per_tick >= dt:
            self.play.step, self.play.interval = max(1, round(per_tick / dt)), PLAY_INTERVAL_MS
        else:
            self.play.step, self.play.interval = 1, round(dt / self.speed.value * 1000)

    def _set_error(self, text: str) -> None:
        self._error = text
        self.error_box.value = _error_html(text)

    # ------------------------------------------------------------------ running and drawing
    def _compare_configs(self, config: Config) -> tuple[Config, Config] | None:
        if not self.compare_toggle.value:
            return None
        return (
            config.replace(kernel=self.compare_a.value, **_NO_OVERRIDES),
            config.replace(kernel=self.compare_b.value, **_NO_OVERRIDES),
        )

    def _simulate(self, config: Config, compare: tuple[Config, Config] | None) -> None:
        off = off_baseline(config)
        wanted = [config, off, *(compare or ())]
        missing = [c for i, c in enumerate(wanted) if c not in self.cache and c not in wanted[:i]]
        done = [0]
        shown = [-1]

        def progress(fraction: float) -> None:
            pct = int(100 * (done[0] + fraction) / len(missing))
            if pct != shown[0]:
                shown[0] = pct
                self.progress.value = min(pct, 100)

        if missing:
            self.progress.value = 0
            self.progress.layout.display = None
            self.status.value = f"<i>simulating {len(missing)} run(s)…</i>"
        try:
            runs = []
            for c in wanted:
                hit = c in self.cache
                runs.append(self.cache.get(c, None if hit else progress))
                if not hit:
                    done[0] += 1
        finally:
            self.progress.layout.display = "none"
        self._run, self._off = runs[0], runs[1]
        self._pair = (runs[2], runs[3]) if compare else None
        self._show_status(applied=True)
        self._draw()

    def _show_status(self, applied: bool) -> None:
        """What the charts show; if not applied, that the controls' values are not."""
        shown = self._shown_text()
        if not applied:
            shown = (
                "<b style='color:#b71c1c'>your values are not applied</b> (see the error above); "
                f"the charts still show {shown}"
            )
        self.status.value = shown

    def _shown_text(self) -> str:
        if self._run is None:
            return "nothing yet"
        if self._pair is None:
            return f"kernel {self._config.kernel}: {_summary(self._run)}"
        a, b = self._pair
        return (
            f"<b>compare</b> A = {a.config.kernel} (solid): {_summary(a)} · "
            f"B = {b.config.kernel} (dashed): {_summary(b)}<br><small>stage bands, stage line, "
            "counters and event log: run A. The other knobs apply to both; the kernel knob "
            f"({self._config.kernel}) and the patch overrides are not used while comparing."
            "</small>"
        )

    def _who(self) -> str:
        """Which run the one-run parts describe, said in compare mode only."""
        return f"run A = {self._pair[0].config.kernel}" if self._pair else ""

    def _draw(self) -> None:
        a, b = self._pair or (self.run, None)
        longest = max((r for r in (a, b) if r is not None), key=_duration)
        if len(longest.series["t_s"]):
            self._times = run_view(longest)["x"]
        last = len(self._times) - 1
        self.charts.show(a, b, off=self._off)
        who = self._who()
        self.counters_title.value = "<b>counters</b>" + (f" of {who}" if who else "")
        self.events_title.value = "<b>what happened</b>" + (f" in {who}" if who else "")
        with self.scrubber.hold_trait_notifications():
            self.scrubber.max = last
            self.play.max = last
        self.code.value = to_code(self._config)
        self.download_run.reset()
        self._apply_speed()
        if self.scrubber.value != last:
            self.scrubber.value = last  # -> _show_time
        else:
            self._show_time(last)

    def _show_time(self, i: int) -> None:
        if self._run is None:
            return
        if self.play.value != i:
            self.play.value = i
        last = len(self._times) - 1
        t = float(self._times[min(i, last)])
        until = np.inf if i >= last else t
        run = self.shown_run
        self.charts.cut(until)
        self.time_label.value = f"t = {t:.2f} s"
        self.stage.value = stage_html(run.stage_at(t), t, self._who())
        self.counters.value = counters_html(run, until)
        self.events.value = events_html(run, until)
