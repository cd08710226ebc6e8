"""`Explorer`: the one mechanism every slider explorer uses, controls -> run -> redraw.

- A control change runs the experiment its settings describe and redraws one figure in place (an
  Image widget: no flicker, no stack of figures, nothing printed under the widget).
- Latest wins: in a kernel, the run is a scheduled task that first lets queued slider messages land,
  so a burst of moves runs once, with the last setting. Without a kernel (tests), it runs at once.
- Repeated settings come from two caches: trained experiments by `Config`, and the frames shown (PNG and
  panel) by every control's value, so going back to a setting redraws nothing. A pooled model keeps its
  compiled loop, so a move re-traces nothing unless the architecture is new.
- A diverged or collapsed run is a message in the panel; so is a setting the package rejects (a
  `ValueError`/`TypeError` from its checks). Any other error is a bug and is raised as one.
- "Train live" animates the fit every few steps (the same run, in chunks) and can be stopped: by its button,
  by a new setting, or by the kernel's Interrupt (Ctrl-C), which ends it after the chunk under way.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import io
import signal
import textwrap
from collections import OrderedDict
from collections.abc import Callable

import ipywidgets as w
import matplotlib as mpl
import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .config import CANNOT_RUN, make_config
from .controls import setting_html, setting_text
from .experiments import iterate_experiment
from .plotting import COLORS
from .style import STYLES, current_style

SETTLE_S = 0.005   # one turn of the kernel's loop, long enough for one queued message to land


class Explorer:
    """Controls -> run -> redraw, shared by every explorer.

    controls: name -> widget. config(values) -> the settings of a `Config` (a dict) for the controls' values
    (display-only controls leave it unchanged, so moving them redraws without retraining).
    knobs: the `run_experiment` settings the controls move -> the label of the control that moves each;
    the panel offers a finding's fixes as moves of those controls, never a setting the explorer lacks.
    draw(axes, exp, values) draws a result on the figure's axes (cleared first); the axes' frame is kept between
    redraws with the same limits, ticks, labels and legend entries (see `Canvas`).
    The figure follows the style in effect when the explorer is built (`set_style`), for as long as it lives;
    it is drawn at the size it is shown (the style's figure size and dpi), so fonts are never scaled down.
    """

    def __init__(self, controls: dict, config: Callable[[dict], dict], draw: Callable, *, knobs: dict,
                 ncols: int = 2, live_every: int | None = 100, cache_size: int = 64, title: str = ""):
        self.controls, self._config, self._draw, self.knobs = controls, config, draw, knobs
        self.title = title
        self.style_name, style = current_style()
        self._ncols = ncols
        self._canvas = Canvas(style, ncols)
        self.figure, self.axes = self._canvas.figure, self._canvas.axes
        self._snapshots = _Recent(4)  # a frame's snapshot in the lecture style, for readers without a kernel
        self._lecture = None            # the lecture-style canvas those snapshots are drawn on, made on first use
        width = style.explorer_figsize[0] * style.explorer_dpi
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{width:.0f}px"))
        self.message = w.HTML()
        self.message.add_class("au-panel")
        self.runs = 0                  # experiments trained (cache misses), for tests and benchmarks
        self.result = None             # the experiment on show
        self._cache = _Recent(cache_size)   # a setting's config -> its trained experiment
        self._frames = _Recent(cache_size)  # every control's value -> (experiment, PNG, panel) shown
        self._pending = False
        self._task = None
        self._live_every = live_every
        self._stop = False
        buttons = []
        if live_every:
            self.play_button = w.Button(description="▶ Train live", tooltip=f"redraw every {live_every} steps")
            self.play_button.on_click(lambda _: self.toggle_live())
            buttons.append(self.play_button)
        for widget in controls.values():
            widget.observe(self._changed, names="value")
        header = [w.HTML(f"<b class='au-title'>{html.escape(title)}</b>")] if title else []
        # The style's sizes for the controls and the panel, scoped to this box (a <style> takes no room).
        css = [w.HTML(f"<style>{style.widget_css}</style>", layout=w.Layout(display="none"))] if style.widget_css else []
        self.widget = w.VBox(css + header + [w.HBox(list(controls.values()) + buttons,
                                                    layout=w.Layout(flex_flow="row wrap")), self.image, self.message])
        self.widget.add_class("au-explorer")
        self.widget.add_class(f"au-{self.style_name}")
        self.update()

    @property
    def values(self) -> dict:
        return {name: widget.value for name, widget in self.controls.items()}

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, plus a snapshot of the figure on show for readers without a kernel.

        JupyterLab, Voila and RISE render the widget; nbconvert (HTML, slides), nbviewer and GitHub, which
        have no widget state, fall back to the text/html figure with its caption, or to the image/png.
        """
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        setting = setting_text(self.controls, self.values)
        if self.image.value and self.result is not None:  # no snapshot of another setting's figure
            png = base64.b64encode(self.snapshot()).decode("ascii")
            bundle["image/png"] = png
            bundle["text/html"] = (
                f"<figure class='au-snapshot' style='margin:0'><img src='data:image/png;base64,{png}' "
                f"alt='{html.escape(self.title or 'explorer', quote=True)}: {html.escape(setting, quote=True)}' "
                f"style='max-width:100%'><figcaption style='color:#555'>A snapshot of the explorer "
                f"<b>{html.escape(self.title)}</b>, showing {html.escape(setting)}. Run the notebook to move its "
                f"sliders.</figcaption></figure>")
        bundle["text/plain"] = f"{self.title or 'Explorer'} (a live widget), showing {setting}"
        return bundle

    # -- running: latest wins ----------------------------------------------------------------------
    def _changed(self, change) -> None:
        self._stop = True  # a new setting ends a live run
        self._pending = True
        if self._task is not None:
            return  # the running task picks up the latest setting
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no kernel loop (tests, scripts): run now
            self._pending = False
            self.update()
            return
        self._task = loop.create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self._pending:
                while True:  # let queued slider messages land before choosing what to run
                    seen = self.values
                    await asyncio.sleep(SETTLE_S)
                    if self.values == seen:
                        break
                self._pending = False
                self.update()
        except Exception as err:  # in a kernel task a bug would only reach the log: say so in the panel too
            self._say_error(err, self.values, bug=True)
            raise
        finally:
            self._task = None

    def update(self) -> None:
        """Run (or fetch from the cache) the current setting and redraw; errors become a message.

        A setting shown before is shown again from its frame, without drawing: `figure` then still holds
        the last frame drawn."""
        values = self.values
        frame = repr(sorted(values.items()))
        if self._frames.fetch(frame):
            self.result, self.image.value, self.message.value = self._frames[frame]
            self.image.layout.visibility = "visible"
            return
        settings = self._config(values)
        try:  # the settings are checked here, before any training: only that may be "cannot run"
            config = make_config(settings)
            runs = None if self._cache.fetch(config) else iterate_experiment(config)
        except CANNOT_RUN as err:  # a setting the package rejects: say so in the panel, never a traceback
            self._reject(err, values)
            return
        if runs is not None:
            *_, exp = runs
            self.runs += 1
            self._cache.keep(config, exp)
        self._show(self._cache[config], values)
        self._frames.keep(frame, (self.result, self.image.value, self.message.value))

    def _reject(self, err: Exception, values: dict) -> None:
        """A setting the package rejects: the last figure is hidden (it belongs to another setting; its space
        is kept, so nothing jumps) and the panel says what was rejected and why."""
        self.result = None
        self.image.layout.visibility = "hidden"
        self._say_error(err, values)

    def _say_error(self, err: Exception, values: dict, bug: bool = False) -> None:
        what = (f"a bug in approx_utils, not your setting ({type(err).__name__}; the kernel's log has the "
                "traceback)" if bug else "could not run this setting (no figure for it)")
        self.message.value = setting_html(self.controls, values) + \
            f"<span style='color:{COLORS['diverged']}'>{what}: {html.escape(str(err))}</span>"

    def _show(self, exp, values) -> None:
        self.image.value = self._render(self._canvas, exp, values)
        self.image.layout.visibility = "visible"
        self.message.value = panel_html(exp, self.knobs, setting_html(self.controls, values),
                                        fold=self.style_name == "lecture")
        self.result = exp

    def _render(self, canvas: Canvas, exp, values) -> bytes:
        """Draw `exp` on the canvas's axes, its verdict line above them, and return the figure as a PNG."""
        with mpl.rc_context(canvas.rc):
            for ax in canvas.axes:
                _wipe(ax)
            self._draw(canvas.axes, exp, values)
            canvas.verdict.set_text(verdict_text(exp))
            _fit_line(canvas.verdict, canvas.figure)
            return canvas.png()

    def snapshot(self) -> bytes:
        """The figure on show drawn in the lecture style (PNG): what a deck, nbconvert or GitHub shows in place of
        the live widget, readable on a projector; the figure itself when the explorer is in that style."""
        if self.style_name == "lecture" or self.result is None:
            return self.image.value
        frame = repr(sorted(self.values.items()))
        if not self._snapshots.fetch(frame):
            if self._lecture is None:
                self._lecture = Canvas(STYLES["lecture"], self._ncols)
            self._snapshots.keep(frame, self._render(self._lecture, self.result, self.values))
        return self._snapshots[frame]

    # -- live training -------------------------------------------------------------------------------
    def toggle_live(self) -> None:
        """Start training the current setting live, redrawing every `live_every` steps; stop if running."""
        if self._task is not None:
            self._stop = True
            return
        self._stop = False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            for _ in self._live_steps():
                pass
            return
        self._task = loop.create_task(self._live())

    async def _live(self) -> None:
        try:
            with _interrupt_stops(self):
                for _ in self._live_steps():
                    await asyncio.sleep(SETTLE_S)  # lets a Stop click or a slider move land
                    if self._stop:
                        break
        except Exception as err:
            self._say_error(err, self.values, bug=True)
            raise
        finally:
            self._task = None
            if self._pending:  # a slider moved during the live run: show its setting
                self._pending = False
                self.update()

    def _live_steps(self):
        values = self.values
        self.play_button.description = "■ Stop"
        try:
            settings = self._config(values)
            try:
                runs = iterate_experiment(make_config(settings), every=self._live_every)
            except CANNOT_RUN as err:
                self._reject(err, values)
                return
            for exp in runs:
                self._show(exp, values)
                yield exp
        finally:
            self.play_button.description = "▶ Train live"


@contextlib.contextmanager
def _interrupt_stops(explorer: Explorer):
    """While a live run goes on in the background, SIGINT (the kernel's Interrupt, Ctrl-C) stops it: a kernel
    ignores SIGINT between cells, when the run's chunks are trained, so it would otherwise run to its end."""
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: setattr(explorer, "_stop", True))
    except ValueError:  # not the main thread: no signal handler to set
        previous = None
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


class _Recent(OrderedDict):
    """At most `size` entries; `fetch` marks one as just used, `keep` adds one and drops the oldest."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def fetch(self, key) -> bool:
        if key in self:
            self.move_to_end(key)
            return True
        return False

    def keep(self, key, value) -> None:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)


class Canvas:
    """An explorer's figure in one style, drawn in two layers. The frame (axes, ticks, tick labels, axis labels,
    and the legends beside the axes) is drawn once for each set of limits, labels and legend entries and kept as
    pixels; what a setting draws (lines, points, spans, titles, a legend inside the axes, the verdict line) is
    drawn over a copy of them. A move that keeps the limits lays out and draws no tick label and no legend: text is
    most of what a redraw costs (matplotlib lays out and rasterizes every glyph of every text on each draw)."""

    def __init__(self, style, ncols: int):
        # A fixed title height: left automatic, matplotlib measures every tick label on each redraw to
        # keep titles clear of a top axis these figures never have.
        # No grid and ticks pointing out: the frame is then under everything a setting draws, as in a full draw.
        self.rc = {**style.rc, "axes.titley": 1.0, "axes.grid": False, "xtick.direction": "out",
                   "ytick.direction": "out"}
        with mpl.rc_context(self.rc):
            self.figure = Figure(figsize=style.explorer_figsize, dpi=style.explorer_dpi)
            FigureCanvasAgg(self.figure)
            self.axes = list(np.atleast_1d(self.figure.subplots(1, ncols)))
            self.verdict = self.figure.text(0.008, 0.985, "", ha="left", va="top", fontweight="bold",
                                            fontsize=self.rc["axes.titlesize"])
        # Fixed margins, not constrained layout: the layout pass would double the time of every redraw.
        self.figure.subplots_adjust(**style.explorer_margins)
        self.frames = _Recent(8)  # (limits, scales, labels, ticks, legend entries) -> the frame's pixels
        self.frames_drawn = 0     # frames drawn (the others were copied): for tests and benchmarks

    def png(self) -> bytes:
        """The figure as drawn now, as a PNG: the frame for its limits (drawn, or copied), then the rest over it.
        A figure holding more than its axes and verdict line (a draw function's suptitle, a twin axes) is drawn
        whole: its frame could not be keyed."""
        canvas, renderer = self.figure.canvas, self.figure.canvas.get_renderer()
        if set(self.figure.get_children()) - {self.figure.patch, self.verdict, *self.axes}:
            canvas.draw()
            return _encode(canvas)
        beside = {ax: _legend_beside(ax, renderer) for ax in self.axes}
        # the spines too, so that they are drawn once, over the lines that reach them, as in a full draw
        drawn = {ax: [a for a in _drawn(ax) if a is not beside[ax]] + list(ax.spines.values()) for ax in self.axes}
        changing = [self.verdict, *(a for artists in drawn.values() for a in artists)]
        try:
            for artist in changing:
                artist.set_animated(True)  # left out of the frame: matplotlib's draw skips animated artists
            for ax in self.axes:
                _snap_ylim(ax)
            key = tuple((ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(),
                         ax.get_ylabel(), tuple(ax.get_xticks()), tuple(ax.get_yticks()),
                         beside[ax] and tuple(t.get_text() for t in beside[ax].get_texts())) for ax in self.axes)
            if self.frames.fetch(key):
                canvas.restore_region(self.frames[key])
            else:
                canvas.draw()
                self.frames.keep(key, canvas.copy_from_bbox(self.figure.bbox))
                self.frames_drawn += 1
            for artists in drawn.values():
                for artist in sorted(artists, key=lambda a: a.get_zorder()):
                    artist.draw(renderer)
            self.verdict.draw(renderer)
        finally:
            for artist in changing:  # the figure as usual again, for whoever saves or draws it
                artist.set_animated(False)
        return _encode(canvas)


def _encode(canvas) -> bytes:
    """The canvas's pixels as a PNG (fast compression: the image is sent once, to a browser on this machine)."""
    image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _snap_ylim(ax) -> None:
    """Widen the y limits autoscaling chose to the next half tick step (a quarter decade on a log axis), so that
    settings whose curves span about the same range share a frame. Limits a draw function set are left alone."""
    if not ax.get_autoscaley_on():
        return
    lo, hi = sorted(ax.get_ylim())  # autoscales first
    if not np.isfinite([lo, hi]).all():
        return
    if ax.get_yscale() == "log":
        if lo <= 0:
            return
        lo, hi = 10 ** (np.floor(4 * np.log10(lo) + 1e-9) / 4), 10 ** (np.ceil(4 * np.log10(hi) - 1e-9) / 4)
    else:
        ticks = ax.yaxis.get_major_locator().tick_values(lo, hi)
        step = (ticks[1] - ticks[0]) / 2 if len(ticks) > 1 else 0.0
        if step <= 0:
            return
        lo, hi = np.floor(lo / step + 1e-9) * step, np.ceil(hi / step - 1e-9) * step
    ax.set_ylim((hi, lo) if ax.yaxis_inverted() else (lo, hi))


def _legend_beside(ax, renderer):
    """The axes' legend if it lies outside them (it then joins the frame, keyed by its entries), else None."""
    legend = ax.get_legend()
    if legend is None or legend.get_window_extent(renderer).overlaps(ax.bbox):
        return None
    return legend


def _drawn(ax) -> list:
    """What a setting drew on `ax`: every child but the frame (the axes' patch, its axes and spines)."""
    frame = {ax.patch, ax.xaxis, ax.yaxis, *ax.spines.values()}
    return [a for a in ax.get_children() if a not in frame and a.get_visible()]


def verdict_text(exp) -> str:
    """The verdict drawn above an explorer's figure (cut to one line of it): the R² (or the divergence) and the
    first finding, so that a snapshot (a deck, a screenshot) carries it without the panel."""
    run = exp.run
    head = f"diverged at step {run.diverged_at}" if run.diverged else f"R² = {exp.r2:.3f}"
    first = next((f for f in exp.diagnosis if f.kind != "diverged"), None)
    return head + (f" · {first.kind}: {first.message}" if first else " · no problems found")


def _fit_line(text, figure) -> None:
    """Shorten a figure's one-line text at a word, with " …", until it ends inside the figure."""
    renderer, full = figure.canvas.get_renderer(), text.get_text()
    for _ in range(6):
        extent = text.get_window_extent(renderer)
        if extent.x1 <= figure.bbox.width - 4:
            return
        width = int(len(text.get_text()) * (figure.bbox.width - 4 - extent.x0) / extent.width) - 1
        text.set_text(textwrap.shorten(full, width=max(width, 10), placeholder=" …"))


def _wipe(ax) -> None:
    """Remove what was drawn but keep the axes and their tick machinery: a third of the cost of `ax.clear()`."""
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)


def fixes_html(finding, knobs: dict) -> str:
    """A finding's fixes as moves of the explorer's own controls; fixes it has no control for are named as such."""
    moves = finding.fixes_for(knobs)
    if moves:
        return "<i>try:</i> " + "; or ".join(f"<b>{html.escape(knobs[f.setting])}</b>: {html.escape(f.text)}" for f in moves)
    if finding.fixes:
        return "<i>fix (no control for it here):</i> " + html.escape(finding.fix)
    return "<i>fix:</i> " + html.escape(finding.fix)


def panel_html(exp, knobs: dict, setting: str, fold: bool = False) -> str:
    """The panel under the figure: the setting shown, then the verdict (the score and the first finding with
    the fixes this explorer can try), then the other findings. fold (the lecture style): the verdict first, and
    the setting and other findings folded away under a one-line summary, so the panel fits a projector."""
    run = exp.run
    findings = [f for f in exp.diagnosis if f.kind != "diverged"]
    if run.diverged:
        cause = next((f for f in exp.diagnosis if f.kind == "diverged"), None)
        head = (f"<b style='color:{COLORS['diverged']}'>diverged at step {run.diverged_at}</b>: "
                "the loss became NaN or infinite." + (f"<br>{fixes_html(cause, knobs)}" if cause else ""))
    else:
        total = exp.config.steps  # a live run shows its chunks so far: "after 300 of 1000 steps"
        done = f"{run.steps_done} steps" if run.steps_done == total else f"{run.steps_done} of {total} steps"
        compiled = f", after {run.compile_seconds:.2f} s compiling the loop" if run.compile_seconds else ""
        head = (f"<b>R² = {exp.r2:.3f}</b> (on the domain grid) after {done} "
                f"({run.seconds - run.compile_seconds:.2f} s of training{compiled})")
    items = [f"<li><b>{f.kind}</b>: {html.escape(f.message)}<br>{fixes_html(f, knobs)}</li>" for f in findings]

    def listed(some):
        return f"<ul style='margin:2px 0'>{''.join(some)}</ul>" if some else ""

    if not fold:
        return setting + f"<div class='au-verdict'>{head}</div>" + (listed(items) or "no problems found")
    more = f"the setting shown, {len(items) - 1} more finding{'s' * (len(items) != 2)}" if len(items) > 1 \
        else "the setting shown"
    first, rest = listed(items[:1]) or "no problems found", listed(items[1:])
    # The score is the summary line of what is folded: the panel's first line costs no extra row.
    return (f"<details class='au-verdict'><summary>{head} <span class='au-setting-link' style='color:#555'>· {more}"
            f"</span></summary>{setting}{rest}</details><div class='au-verdict'>{first}</div>")
