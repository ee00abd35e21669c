"""`Dashboard`: the story view, controls, player and charts of one zswap scenario in one widget."""

from __future__ import annotations

import asyncio
import html
from typing import Any

import ipywidgets as w
import numpy as np
from traitlets import TraitError

from ..model.config import Config
from ..model.export import run_csv
from ..model.kernels import KERNELS
from ..model.results import Run
from ..model.scenario import from_code, to_code
from ..model.story import Story
from .charts import Charts
from .controls import Controls
from .debounce import Debouncer
from .download import DownloadButton
from .runner import Runner
from .runs import DEFAULT_MAX_BYTES, RunCache, off_baseline
from .story_view import StoryView
from .style import CSS
from .sweep_panel import SweepPanel
from .tables import counters_html, events_html, story_html

# The cover letter's story (1 GiB VM, 2 GiB of 3/4 compressible data, 25 % max pool, 50 % accept,
# zsmalloc/lz4) scaled down by 4 (Config.scaled: RAM, the allocation, the kernel's reserve, the
# baseline use, the swap device's IOPS, bandwidth and queue depth divided by 4, the time step 4 ms),
# so that one knob change re-runs in a fraction of a second. Per step the model then sees the same
# numbers of pages and requests as the full-scale run does per 1 ms, so the timeline, the request
# latency and the five stages are those of the full scale; counters are about 1/4.
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
STAGE_PLAY_S = 4.0  # a stage chosen in the story view plays in about this long
ZOOM_MARGIN = 0.12  # of the stage's span, either side
BUSY_AFTER_S = 0.3  # a run that takes longer dims the charts under the progress bar
_NO_OVERRIDES = dict.fromkeys(Config.preset_knobs())
TITLE = "zswap: the five stages of reclaim"


def run_name(config: Config) -> str:
    """The name a run goes by on legends and bars: its kernel, and the patches set by hand."""
    overrides = [
        f"{name.replace('patch', 'patch ')} {'on' if getattr(config, name) else 'off'}"
        for name in Config.preset_knobs()
        if getattr(config, name) is not None
    ]
    return config.kernel + (f" ({', '.join(overrides)})" if overrides else "")


def scale_text(config: Config) -> tuple[str, str]:
    """Which machine and allocation the charts show: a short line and its longer explanation."""
    line = f"{config.ram_mib} MiB VM, {config.alloc_mib} MiB allocated"
    detail = (
        f"{config.ram_mib} MiB VM with {config.vcpus} vCPUs, {config.alloc_mib} MiB allocated; "
        f"swap device {config.swap_iops:,} IOPS, {config.swap_bandwidth_mib_s} MiB/s, queue "
        f"depth {config.swap_queue_depth}; time step {config.step_ms:g} ms."
    )
    f = config.scale_of()
    if f is None:
        return line, detail
    if f == 1:
        return f"full scale: {line} (the cover letter's machine)", detail
    frac = f"1/{round(1 / f)}" if f < 1 and abs(1 / f - round(1 / f)) < 1e-9 else f"{f:g}×"
    return (
        f"{frac} scale: {line}",
        detail + f" The cover letter's 1 GiB VM and 2 GiB with every size, the swap device's rates "
        f"and its queue depth times {f:g} and the time step divided by it: the same timeline, "
        f"request latency and stages, counters {frac} of the full scale's.",
    )


def _error_html(text: str, shown: str) -> str:
    if not text:
        return ""
    return (
        "<div style='color:#b71c1c;background:#ffebee;padding:4px 8px;border-radius:3px'>"
        f"<b>Not applied:</b> {html.escape(text)}<br><small>The charts show {shown}; your "
        "values are kept in the controls.</small></div>"
    )


def _summary(run: Run) -> str:
    return f"elapsed {run.elapsed_s:.2f} s, user {run.user_s:.3f} s, sys {run.sys_s:.3f} s"


class Dashboard(w.VBox):
    """Interactive zswap dashboard: the story view of the five stages, knobs, a player over the
    recorded run and charts.

    It opens at t = 0 with one sentence of what will happen. `show_stage(n)` (the stage chips,
    "next stage") zooms every time chart to stage n and moves the playhead to its start;
    `show_stage(None)` ("whole run") zooms out. Axes stay fixed while knobs change ("fit axes"
    rescales) and the previous run stays on the pool chart as a faint ghost.

    Compare mode draws the knobs' run (solid) and the same knobs under another kernel preset with
    its own patches (dashed), each named by its kernel.

    Runs are computed in a background thread when an asyncio loop runs (in a Jupyter kernel): the
    charts dim under a progress bar with a cancel button. `Dashboard(config, debounce_s=0)`
    without a loop (tests, scripts) re-runs at once after every control change;
    `background=True` forces the thread (then `wait()` joins it).
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        debounce_s: float = 0.1,
        cache_bytes: int = DEFAULT_MAX_BYTES,
        background: bool | None = None,
        **kwargs: Any,
    ) -> None:
        config = DASHBOARD_DEFAULT if config is None else config
        self._controls = Controls(config)
        self.controls: dict[str, w.Widget] = self._controls.widgets
        self.charts = Charts()
        self.figures = self.charts.figures
        self.cache = RunCache(cache_bytes)
        self.runner = Runner(self.cache, background)
        self._config = config
        self._run: Run | None = None
        self._off: Run | None = None
        self._b: Run | None = None
        self._ghost: Run | None = None
        self._error = ""
        self._times = np.zeros(1, dtype=np.float32)
        self._intro = True
        self._autoplay: tuple[int, int, float] | None = None  # (end index, step, interval s)
        self._autoplay_handle: asyncio.TimerHandle | None = None
        self._ticking = False
        self._focus: tuple[int, int] | None = None  # (run, segment) zoomed on
        self._pending: tuple[Config, Config | None, str] | None = None
        self._progress = 0.0  # the running job's progress; the bar shows it with the overlay

        self.title = w.HTML(f"<h3 style='margin:2px 0'>{TITLE}</h3>")
        self.scale_line = w.HTML("")
        self.story = StoryView(self._on_chip)
        self.error_box = w.HTML("")
        self.status = w.HTML("")
        self.progress = w.FloatProgress(value=0, min=0, max=1, description="simulating")
        self.progress_label = w.HTML("")
        self.cancel_button = w.Button(
            description="cancel", icon="stop", tooltip="stop this run; the charts keep the last one"
        )
        self.overlay = w.VBox(
            [self.progress_label, w.HBox([self.progress, self.cancel_button])],
            layout=w.Layout(display="none"),
        )
        self.overlay.add_class("zsw-overlay")

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
            description="Reset",
            icon="refresh",
            tooltip="back to t = 0, keeping the current values",
            layout={"width": "auto"},
        )
        self.speed = w.SelectionSlider(
            options=SPEEDS,
            value=1.0,
            description="speed",
            tooltip="simulated seconds per second of playback",
            continuous_update=False,
            layout={"width": "200px"},
            style={"description_width": "45px"},
        )
        self.scrubber = w.IntSlider(
            value=0,
            min=0,
            max=0,
            description="time",
            readout=False,
            continuous_update=True,
            tooltip="scrub through the run (or the stage zoomed on)",
            layout={"width": "240px"},
            style={"description_width": "40px"},
        )
        self.time_label = w.Label("", tooltip="the playhead's time")

        # compare mode
        self.compare_toggle = w.ToggleButton(
            value=False,
            description="compare with",
            icon="columns",
            tooltip="also run the same knobs under another kernel preset (its own patches), dashed",
        )
        self.compare_b = w.Dropdown(
            options=list(KERNELS),
            value="patches-1-3",
            tooltip="the kernel preset drawn dashed in compare mode",
            layout={"width": "150px"},
        )

        # scenario code
        self.code = w.Text(
            description="scenario code",
            style={"description_width": "initial"},
            tooltip="paste a code and press load to reproduce a configuration",
            layout={"width": "330px", "min_width": "330px"},
        )
        self.load_button = w.Button(
            description="load", icon="upload", tooltip="load the scenario code"
        )
        self.scenario = w.Dropdown(
            options=[("load a scenario…", ""), *((name, name) for name in SCENARIOS)],
            value="",
            tooltip="set every knob to a stored scenario",
            layout={"width": "290px"},
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
        self.add_class("zsw-dash")
        self.refresh(wait=True)

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
        """In compare mode, (the knobs' run, the other kernel's run); else None."""
        return (self.run, self._b) if self._b is not None else None

    @property
    def shown_run(self) -> Run:
        """The run the one-run parts describe (counters, event log, pool chart bands)."""
        return self.run

    @property
    def names(self) -> tuple[str, str]:
        """The names of the runs drawn (the second is "" outside compare mode)."""
        return (
            run_name(self._config),
            self._b.config.kernel if self._b is not None else "",
        )

    @property
    def error(self) -> str:
        """Why the controls' values are not applied (or compare mode not drawn), or ""."""
        return self._error

    @property
    def busy(self) -> bool:
        return self.runner.busy

    @property
    def time_s(self) -> float:
        """The playhead's time."""
        return self._t(self.scrubber.value)

    def _t(self, i: int) -> float:
        """The time of grid point i, in µs (the grid is float32: 0.364 is 0.36399999...)."""
        return round(float(self._times[min(i, len(self._times) - 1)]), 6)

    @property
    def scenario_code(self) -> str:
        return to_code(self._config)

    def wait(self, timeout: float | None = 60) -> bool:
        """Wait for a background run (background=True without a loop); True if done."""
        return self.runner.wait(timeout)

    def refresh(self, wait: bool = False) -> None:
        """Apply the controls now: validate, run (or take from the cache) and redraw; wait:
        compute in this thread (the first run, before the page shows the dashboard: updates
        sent while a page loads its widgets could be lost)."""
        self._debouncer.cancel()
        errors = self._controls.errors()
        if errors:
            self._set_error(next(iter(errors.values())))
            self._show_status(applied=False)
            return
        try:
            config = Config(**self._controls.values())
        except TraitError as e:
            self._set_error(str(e))
            self._show_status(applied=False)
            return
        compare, compare_error = self._compare_config(config)
        self._pending = (config, compare, compare_error)
        wanted = [config, off_baseline(config), *([compare] if compare else [])]
        missing = self.runner.missing(wanted)
        if missing:
            self._progress = 0.0
            self.progress.value = 0
            self.progress_label.value = f"<i>simulating {len(missing)} run(s)…</i>"
        job = self.runner.start(
            wanted,
            on_done=self._apply_runs,
            on_error=self._run_failed,
            on_progress=self._show_progress,
            on_cancel=self._cancelled,
            wait=wait,
        )
        if not job.done.is_set():
            self._show_busy_soon(job)

    def cancel(self) -> None:
        """Stop the run being computed; the charts keep the last one."""
        self.runner.cancel()

    def set_time(self, t_s: float) -> None:
        """Move the playhead to the recorded point nearest t_s (inf: the end)."""
        self.scrubber.value = self._index(t_s)

    def show_stage(self, n: int | None, play: bool = False) -> None:
        """Zoom every time chart to stage n (1..5) with a margin either side and move the
        playhead to its start; None zooms out to the whole run. In compare mode the zoom spans
        stage n of both runs. A stage the run does not visit raises ValueError."""
        if n is None:
            self._zoom(None)
            return
        spans = []
        for index, run in enumerate((self.run, self._b)):
            if run is None:
                continue
            segs = [i for i, (s, _, _) in enumerate(run.stages) if s == n]
            if segs:
                spans.append((index, segs[0]))
        if not spans:
            visited = sorted({s for s, _, _ in self.run.stages})
            raise ValueError(
                f"stage {n} is not visited by this run; it visits {visited or 'no stage'}"
            )
        self.show_segment(*spans[0], play=play, union=True)

    def show_segment(
        self, run_index: int, segment: int, play: bool = False, union: bool = False
    ) -> None:
        """Zoom to one segment of the first (0) or second (1) run; union: with the segment of
        the same stage in the other run (compare mode)."""
        self._stop_autoplay()
        self.play.playing = False
        runs = [self.run, self._b]
        stage, t0, t1 = runs[run_index].stages[segment]
        start, end = t0, t1
        if union:
            for run in runs:
                if run is None:
                    continue
                same = [(a, b) for s, a, b in run.stages if s == stage]
                if same:
                    start, end = min(start, same[0][0]), max(end, same[0][1])
        self._focus = (run_index, segment)
        self._zoom((start, end))
        self.scrubber.value = self._index(t0, after=True)
        self._intro = False
        self._show_time(self.scrubber.value)
        if play:
            self._play_span(t0, t1)

    @property
    def window(self) -> tuple[float, float] | None:
        """The time span every time chart shows (None: the whole run)."""
        return self.charts.window

    def next_stage(self, step: int = 1) -> None:
        """Zoom to the next (step 1) or previous (-1) stage segment of the first run and play
        it; past the last one, back to the whole run."""
        segs = self.run.stages
        if not segs:
            return
        if self._focus is not None and self._focus[0] == 0 and self.charts.window is not None:
            i = self._focus[1] + step
        elif self._intro:
            i = 0 if step > 0 else len(segs) - 1
        else:
            i = Story(self.run).segment_at(self.time_s) + step
        if 0 <= i < len(segs):
            self.show_segment(0, i, play=True, union=self._b is not None)
        else:
            self.show_stage(None)

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

    def fit(self) -> None:
        """Rescale the axes to the runs shown."""
        self.charts.fit()

    def reset(self) -> None:
        """Back to t = 0 with the current values (re-run first if they changed)."""
        self.play.playing = False
        self.refresh()
        self._zoom(None)
        self.scrubber.value = 0
        self._intro = True
        self._show_time(0)

    # ------------------------------------------------------------------ wiring
    def _wire(self, debounce_s: float) -> None:
        self._debouncer = Debouncer(self.refresh, debounce_s)
        self._controls.on_change(self._on_control)
        self.scrubber.observe(self._on_scrub, "value")
        self.play.observe(self._on_play_value, "value")
        self.play.observe(self._on_playing, "playing")
        self.step_button.on_click(lambda _: self._step(+1))
        self.back_button.on_click(lambda _: self._step(-1))
        self.reset_button.on_click(lambda _: self.reset())
        self.speed.observe(lambda _: self._apply_speed(), "value")
        self.compare_toggle.observe(lambda _: self.refresh(), "value")
        self.compare_b.observe(lambda _: self.compare_toggle.value and self.refresh(), "value")
        self.load_button.on_click(lambda _: self.load_code(self.code.value))
        self.scenario.observe(self._on_scenario, "value")
        self.cancel_button.on_click(lambda _: self.cancel())
        self.story.next_button.on_click(lambda _: self.next_stage(+1))
        self.story.prev_button.on_click(lambda _: self.next_stage(-1))
        self.story.whole_button.on_click(lambda _: self.show_stage(None))
        self.story.fit_button.on_click(lambda _: self.fit())

    def _layout(self) -> list[w.Widget]:
        c = self._controls
        panels = self.charts.panels
        player = w.HBox(
            [
                self.play,
                self.back_button,
                self.step_button,
                self.reset_button,
                self.speed,
                self.scrubber,
                self.time_label,
            ],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )
        panels["pool"].layout.width = "100%"
        pool_area = w.VBox([self.overlay, panels["pool"]], layout=w.Layout(width="100%"))
        pool_area.add_class("zsw-chart-area")
        panels["pool"].add_class("zsw-dim")
        grid = w.GridBox(
            [panels[name] for name in ("memory", "io", "queue", "process")],
            layout=w.Layout(
                grid_template_columns="repeat(auto-fit, minmax(max(440px, calc(50% - 12px)), 1fr))",
                grid_gap="4px 12px",
                width="100%",
            ),
        )
        rest = w.VBox([grid, panels["shrinker"], panels["allocator"], panels["bench"]])
        rest.add_class("zsw-dim")
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
            w.HTML(CSS),
            w.HBox(
                [self.title, self.scale_line],
                layout=w.Layout(flex_flow="row wrap", align_items="baseline", grid_gap="0 16px"),
            ),
            self.story,
            player,
            pool_area,
            self.error_box,
            self.status,
            c.main,
            w.HBox(
                [c.seed, self.code, self.load_button, self.scenario],
                layout=w.Layout(flex_flow="row wrap"),
            ),
            w.HBox([self.compare_toggle, self.compare_b], layout=w.Layout(flex_flow="row wrap")),
            c.advanced,
            rest,
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
            self.status.value = "<i>changed: re-running…</i>"
        self._debouncer.schedule()

    def _on_scenario(self, change: dict) -> None:
        name = change["new"]
        if not name:
            return
        self.scenario.value = ""  # back to the placeholder
        self.load(SCENARIOS[name])

    def _on_scrub(self, change: dict) -> None:
        if not self._ticking:
            self._stop_autoplay()  # the user took the playhead
        self._intro = False  # the playhead moved: the story follows it
        self._show_time(change["new"])

    def _on_chip(self, run_index: int, segment: int) -> None:
        self.show_segment(run_index, segment, play=True)

    def _on_play_value(self, change: dict) -> None:
        if self.scrubber.value != change["new"] and not self._ticking:
            self.scrubber.value = min(change["new"], self.scrubber.max)

    def _on_playing(self, change: dict) -> None:
        if change["new"]:
            self._stop_autoplay()
            self._intro = False
            if self.scrubber.value >= self.scrubber.max:
                self.scrubber.value = 0

    def _play_span(self, t0: float, t1: float) -> None:
        """Play from t0 to t1 in about STAGE_PLAY_S, then stop. The kernel moves the playhead
        (a timer on its event loop): ticks of the browser's Play widget, still under way for
        the previous zoom, could otherwise land on the new one."""
        self._stop_autoplay()
        i0 = self._index(t0, after=True)
        # the last grid point inside the span: the story ends on the stage's own summary
        i1 = max(int(np.searchsorted(self._times, t1 - 1e-6, side="left")) - 1, i0)
        n = max(i1 - i0, 1)
        ticks = STAGE_PLAY_S * 1000 / PLAY_INTERVAL_MS
        step = max(1, round(n / ticks))
        interval = max(PLAY_INTERVAL_MS, STAGE_PLAY_S * 1000 / n) / 1000
        self._autoplay = (i1, step, interval)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (tests, scripts): the span is set up, nothing ticks
        self._autoplay_handle = loop.call_later(interval, self._autoplay_tick)

    @property
    def autoplaying(self) -> bool:
        """Whether a stage is being played through (see `next_stage`)."""
        return self._autoplay is not None

    def _autoplay_tick(self) -> None:
        self._autoplay_handle = None
        if self._autoplay is None:
            return
        end, step, interval = self._autoplay
        i = min(self.scrubber.value + step, end)
        self._ticking = True
        try:
            self.scrubber.value = i
        finally:
            self._ticking = False
        if i >= end:
            self._autoplay = None
            return
        loop = asyncio.get_running_loop()
        self._autoplay_handle = loop.call_later(interval, self._autoplay_tick)

    def _stop_autoplay(self) -> None:
        self._autoplay = None
        if self._autoplay_handle is not None:
            self._autoplay_handle.cancel()
            self._autoplay_handle = None

    def _step(self, direction: int) -> None:
        self.play.playing = False
        i = self.scrubber.value
        if direction > 0 and i >= self.scrubber.max:
            i = 0
        else:
            i = min(max(i + direction * self.play.step, 0), self.scrubber.max)
        self._intro = False
        self.scrubber.value = i

    def _apply_speed(self) -> None:
        n = max(len(self._times) - 1, 1)
        span = float(self._times[-1] - self._times[0]) if len(self._times) else 0.0
        dt = span / n
        per_tick = self.speed.value * PLAY_INTERVAL_MS / 1000
        if dt <= 0:
            self.play.step, self.play.interval = 1, PLAY_INTERVAL_MS
        elif per_tick >= dt:
            self.play.step, self.play.interval = max(1, round(per_tick / dt)), PLAY_INTERVAL_MS
        else:
            self.play.step, self.play.interval = 1, round(dt / self.speed.value * 1000)

    def _set_error(self, text: str) -> None:
        self._error = text
        self.error_box.value = _error_html(text, self._shown_text(plain=True))

    def _show_busy_soon(self, job: Any) -> None:
        """Dim the charts under the progress bar if the run takes longer than BUSY_AFTER_S
        (a quick run then repaints once, without a flash of grey)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._set_busy(True)
            return
        loop.call_later(
            BUSY_AFTER_S,
            lambda: self.runner.job is job and not job.done.is_set() and self._set_busy(True),
        )

    def _set_busy(self, busy: bool) -> None:
        if busy:  # the overlay first: a page that sees the class sees the progress bar
            self.progress.value = self._progress
            self.overlay.layout.display = "flex"
            self.add_class("zsw-busy")
        else:
            self.remove_class("zsw-busy")
            self.overlay.layout.display = "none"

    def _show_progress(self, fraction: float) -> None:
        """Move the progress bar, if it is shown: a run that ends before BUSY_AFTER_S sends the
        page no progress message (each one costs the browser a repaint while the run computes)."""
        self._progress = fraction
        if self.overlay.layout.display == "flex":
            self.progress.value = fraction

    # ------------------------------------------------------------------ running and drawing
    def _compare_config(self, config: Config) -> tuple[Config | None, str]:
        """The second run of compare mode, or None and why not (if it cannot be drawn)."""
        if not self.compare_toggle.value:
            return None, ""
        kernel = self.compare_b.value
        try:
            other = config.replace(kernel=kernel, **_NO_OVERRIDES)
        except TraitError as e:
            return None, f"compare mode: {e}"
        if other == config:
            return None, (
                f"compare mode: the knobs already run {kernel}; pick another kernel to compare with"
            )
        return other, ""

    def _apply_runs(self, runs: list[Run]) -> None:
        """The runs of the pending configuration are ready: show them."""
        config, compare, compare_error = self._pending
        self._set_busy(False)
        previous = self._run
        first = previous is None
        if previous is not None and previous.config != config:
            self._ghost = previous
        self._config = config
        self.sweep_panel.config = config
        self._run, self._off = runs[0], runs[1]
        self._b = runs[2] if compare is not None else None
        self._draw(first)
        self._set_error(compare_error)
        self._show_status(applied=True)

    def _run_failed(self, e: Exception) -> None:
        self._set_busy(False)
        kind = "" if isinstance(e, ValueError) else f"{type(e).__name__}: "
        self._set_error(f"the model cannot run this configuration: {kind}{e}")
        self._show_status(applied=False)

    def _cancelled(self) -> None:
        self._set_busy(False)
        self._set_error("the run was cancelled")
        self._show_status(applied=False)

    def _show_status(self, applied: bool) -> None:
        """What the charts show; if not applied, that the controls' values are not."""
        shown = self._shown_text()
        if not applied:
            shown = (
                "<b style='color:#b71c1c'>your values are not applied</b> (see above); "
                f"the charts still show {shown}"
            )
        self.status.value = shown

    def _shown_text(self, plain: bool = False) -> str:
        if self._run is None:
            return "nothing yet"
        name_a, name_b = self.names
        if self._b is None:
            text = f"kernel {name_a}: {_summary(self._run)}"
        else:
            text = (
                f"{name_a} (solid, the knobs): {_summary(self._run)} · {name_b} (dashed, same "
                f"knobs, its own patches): {_summary(self._b)}"
            )
        return text if plain else html.escape(text)

    def _draw(self, first: bool) -> None:
        a, b = self.run, self._b
        names = self.names
        self.charts.show(
            a, b, off=self._off, ghost=self._ghost, names=names, t_cut=0.0 if first else np.inf
        )
        line, detail = scale_text(self._config)
        self.scale_line.value = (
            f"<span style='color:#333' title='{html.escape(detail)}'>{html.escape(line)}</span>"
        )
        self.story.show_runs([(names[0], a), *([(names[1], b)] if b is not None else [])])
        self._focus = None
        self._grid_changed(keep_time=not first)
        self.code.value = to_code(self._config)
        self.download_run.reset()
        if first:
            self.set_time(0.0)
        else:
            self.set_time(np.inf)  # the whole new run (window) drawn beside the ghost
        self._intro = True  # what the new run will do
        self._show_time(self.scrubber.value)

    def _grid_changed(self, keep_time: bool = True) -> None:
        """The time grid of the player follows the window shown."""
        t = self.time_s if keep_time else 0.0
        views = [v for v in self.charts._views[:2] if v is not None]
        if views and len(views[0]["x"]):
            self._times = max((v["x"] for v in views), key=lambda x: float(x[-1]) - float(x[0]))
        last = len(self._times) - 1
        with self.scrubber.hold_trait_notifications(), self.play.hold_trait_notifications():
            self.scrubber.max = last
            self.play.max = last
            self.scrubber.value = min(self._index(t), last)
        self._apply_speed()

    def _zoom(self, window: tuple[float, float] | None) -> None:
        if window is not None:
            t0, t1 = window
            dt = self.run.config.step_ms / 1000
            margin = max(ZOOM_MARGIN * (t1 - t0), 3 * dt)
            window = (max(t0 - margin, 0.0), t1 + margin)
        else:
            self._focus = None
        t = self.time_s
        self.charts.set_window(window)
        self._grid_changed()
        self.set_time(t)
        self._show_time(self.scrubber.value)

    def _index(self, t_s: float, after: bool = False) -> int:
        """The grid point nearest t_s (after: the first at or after it)."""
        times = self._times
        i = int(np.searchsorted(times, t_s - 1e-6, side="left"))
        if not after and 0 < i < len(times) and abs(times[i - 1] - t_s) < abs(times[i] - t_s):
            i -= 1
        return int(min(max(i, 0), len(times) - 1))

    def _show_time(self, i: int) -> None:
        if self._run is None:
            return
        if self.play.value != i:
            self._ticking, ticking = True, self._ticking
            try:
                self.play.value = i
            finally:
                self._ticking = ticking
        last = len(self._times) - 1
        t = self._t(i)
        end = float(self.run.series["t_s"][-1])
        at_end = i >= last and (self.charts.window is None or self.charts.window[1] >= end)
        until = np.inf if at_end else t
        self.charts.cut(until)
        self.time_label.value = f"t = {t:.2f} s"
        bodies, stage = [], None
        for name, run in zip(self.names, (self.run, self._b), strict=True):
            if run is None:
                continue
            body, s = story_html(Story(run), name, t, self._intro)
            bodies.append(body)
            stage = stage if stage is not None else s
        sep = "<hr style='margin:4px 0;border:0;border-top:1px solid #ddd'>"
        hint = (
            "<br><span style='color:#555'>Press <b>next stage</b> to walk through them, or a "
            "stage chip below to zoom to it.</span>"
            if self._intro and self.run.stages
            else ""
        )
        self.story.show_text(sep.join(bodies) + hint, stage)
        for strip, run in zip(self.story.strips, (self.run, self._b), strict=True):
            shown = run is not None and not self._intro
            strip.highlight(Story(run).segment_at(t) if shown else None)
        self.counters.value = counters_html(self.run, until)
        self.events.value = events_html(self.run, until)
        who = f" of {html.escape(self.names[0])}" if self._b is not None else ""
        self.counters_title.value = f"<b>counters{who}</b>"
        self.events_title.value = f"<b>what happened{who}</b>"
