"""Slider explorers: every one is an `Explorer`, the one mechanism controls -> run -> redraw.

- A control change runs the experiment its settings describe and redraws one figure in place (an
  Image widget: no flicker, no stack of figures, nothing printed under the widget).
- Latest wins: in a kernel, the run is a scheduled task that first lets queued slider messages land,
  so a burst of moves runs once, with the last setting. Without a kernel (tests), it runs at once.
- Repeated settings come from two caches: trained experiments by setting, and the frames shown (PNG and
  panel) by every control's value, so going back to a setting redraws nothing. A pooled model keeps its
  compiled loop, so a move re-traces nothing unless the architecture is new.
- A diverged or collapsed run, or a bad setting, is a message in the panel, never a traceback.
- "Train live" animates the fit every few steps (the same run, in chunks) and can be stopped.
"""
from __future__ import annotations

import asyncio
import base64
import html
import io
from collections import OrderedDict
from typing import Callable

import ipywidgets as w
import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .cases import COLLAPSE_CAUSES, COLLAPSE_FIXES, collapse_case
from .diagnostics import layer_states, overshoot
from .experiments import iterate_experiment
from .plotting import COLORS, LAYER_COLORS, plot_fit, plot_loss
from .style import current_style, line_width

SETTLE_S = 0.005   # one turn of the kernel's loop, long enough for one queued message to land
LEGEND_LOC = "upper left"  # a fixed legend: "best" searches for room on every redraw (~25 ms)


# ---- controls: every slider sends its value only on release ------------------------------------

LOG_MANTISSAS = (1, 1.5, 2, 3, 5, 7)  # six steps a decade, and every round value the notebooks name


def log_grid(lo: float, hi: float) -> list[float]:
    """1, 1.5, 2, 3, 5, 7 times each power of ten from lo to hi, as the floats Python reads for those
    decimals: 0.05 is exactly 0.05 (a FloatLogSlider's exponent grid only comes near it, e.g. 0.0501)."""
    values = [float(f"{m}e{e}") for e in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
              for m in LOG_MANTISSAS]
    return [v for v in values if lo <= v <= hi]


def log_slider(description: str, value: float, lo: float, hi: float) -> w.SelectionSlider:
    """A slider over `log_grid(lo, hi)`: even steps on a log scale, landing on exact round values."""
    grid = log_grid(lo, hi)
    if value not in grid:
        raise ValueError(f"{description}: {value} is not on the slider's grid {grid}")
    return w.SelectionSlider(options=[(f"{v:g}", v) for v in grid], value=value, description=description,
                             continuous_update=False, style={"description_width": "initial"})


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1) -> w.IntSlider:
    return w.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=False, style={"description_width": "initial"})


def float_slider(description: str, value: float, lo: float, hi: float, step: float) -> w.FloatSlider:
    return w.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         continuous_update=False, style={"description_width": "initial"})


def dropdown(description: str, options, value) -> w.Dropdown:
    """A dropdown; no option may stand for None: a Dropdown whose value is None shows an empty box."""
    if any((opt[1] if isinstance(opt, tuple) else opt) is None for opt in options):
        raise ValueError(f"dropdown {description!r}: an option's value is None, which shows as no selection; "
                         "use a name such as 'raw' and map it in the explorer's config")
    return w.Dropdown(options=options, value=value, description=description, style={"description_width": "initial"})


def toggle(description: str, value: bool) -> w.Checkbox:
    return w.Checkbox(value=value, description=description, indent=False)


# ---- the mechanism ------------------------------------------------------------------------------

class Explorer:
    """Controls -> run -> redraw, shared by every explorer.

    controls: name -> widget. config(values) -> the `iterate_experiment` keyword arguments of a setting
    (display-only controls leave it unchanged, so moving them redraws without retraining).
    knobs: the `run_experiment` settings the controls move -> the label of the control that moves each;
    the panel offers a finding's fixes as moves of those controls, never a setting the explorer lacks.
    draw(axes, exp, values) draws a result on the figure's axes (cleared first).
    The figure follows the style in effect when the explorer is built (`set_style`), for as long as it lives;
    it is drawn at the size it is shown (the style's figure size and dpi), so fonts are never scaled down.
    """

    def __init__(self, controls: dict, config: Callable[[dict], dict], draw: Callable, *, knobs: dict,
                 ncols: int = 2, live_every: int | None = 100, cache_size: int = 64, title: str = ""):
        self.controls, self._config, self._draw, self.knobs = controls, config, draw, knobs
        self.title = title
        self.style_name, style = current_style()
        # A fixed title height: left automatic, matplotlib measures every tick label on each redraw to
        # keep titles clear of a top axis these figures never have (~5 ms of a ~55 ms redraw).
        self._rc = {**style.rc, "axes.titley": 1.0}
        with mpl.rc_context(self._rc):
            self.figure = Figure(figsize=style.explorer_figsize, dpi=style.explorer_dpi)
            FigureCanvasAgg(self.figure)
            self.axes = list(np.atleast_1d(self.figure.subplots(1, ncols)))
        # Fixed margins, not constrained layout: the layout pass would double the time of every redraw.
        self.figure.subplots_adjust(**style.explorer_margins)
        width = style.explorer_figsize[0] * style.explorer_dpi
        self.image = w.Image(format="png", layout=w.Layout(width="100%", max_width=f"{width:.0f}px"))
        self.message = w.HTML()
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
        header = [w.HTML(f"<b>{html.escape(title)}</b>")] if title else []
        self.widget = w.VBox(header + [w.HBox(list(controls.values()) + buttons,
                                              layout=w.Layout(flex_flow="row wrap")), self.image, self.message])
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
        if self.image.value:
            png = base64.b64encode(self.image.value).decode("ascii")
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
            return
        try:
            config = self._config(values)
            key = repr(sorted(config.items()))
            if not self._cache.fetch(key):
                *_, exp = iterate_experiment(**config)
                self.runs += 1
                self._cache.keep(key, exp)
            self._show(self._cache[key], values)
            self._frames.keep(frame, (self.result, self.image.value, self.message.value))
        except Exception as err:  # a setting the package rejects: say so in the panel, never a traceback
            self._say_error(err, values)

    def _say_error(self, err: Exception, values: dict) -> None:
        self.message.value = setting_html(self.controls, values) + \
            f"<span style='color:{COLORS['diverged']}'>could not run this setting: {html.escape(str(err))}</span>"

    def _show(self, exp, values) -> None:
        with mpl.rc_context(self._rc):
            for ax in self.axes:
                _wipe(ax)
            self._draw(self.axes, exp, values)
            buffer = io.BytesIO()
            self.figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
        self.image.value = buffer.getvalue()
        self.message.value = setting_html(self.controls, values) + summary_html(exp, self.knobs)
        self.result = exp

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
            for _ in self._live_steps():
                await asyncio.sleep(SETTLE_S)  # lets a Stop click or a slider move land
                if self._stop:
                    break
        finally:
            self._task = None
            if self._pending:  # a slider moved during the live run: show its setting
                self._pending = False
                self.update()

    def _live_steps(self):
        values = self.values
        self.play_button.description = "■ Stop"
        try:
            for exp in iterate_experiment(**self._config(values), every=self._live_every):
                self._show(exp, values)
                yield exp
        except Exception as err:
            self._say_error(err, values)
        finally:
            self.play_button.description = "▶ Train live"


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


def _wipe(ax) -> None:
    """Remove what was drawn but keep the axes and their tick machinery: a third of the cost of `ax.clear()`."""
    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
        artist.remove()
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    ax.ignore_existing_data_limits = True
    ax.set_autoscale_on(True)


def _options(widget) -> list[tuple[str, object]]:
    return [opt if isinstance(opt, tuple) else (str(opt), opt) for opt in widget.options]


def shown_value(widget, value) -> str:
    """A control's value as the panel states it: a dropdown's label, on/off, a number to 4 significant digits."""
    if isinstance(widget, w.Dropdown):
        return next((label for label, v in _options(widget) if v == value), str(value))
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def setting_text(controls: dict, values: dict) -> str:
    """A setting as `description = value` per control, joined by " · "."""
    return " · ".join(f"{widget.description} = {shown_value(widget, values[name])}" for name, widget in controls.items())


def setting_html(controls: dict, values: dict) -> str:
    """The setting a figure shows: what a reader (or a test) checks the figure against, since a slider
    may have moved again while it was drawn."""
    return f"<div class='au-setting' style='color:#555'>showing: {html.escape(setting_text(controls, values), quote=False)}</div>"


def fixes_html(finding, knobs: dict) -> str:
    """A finding's fixes as moves of the explorer's own controls; fixes it has no control for are named as such."""
    moves = finding.fixes_for(knobs)
    if moves:
        return "<i>try:</i> " + "; or ".join(f"<b>{html.escape(knobs[f.setting])}</b>: {html.escape(f.text)}" for f in moves)
    if finding.fixes:
        return "<i>fix (no control for it here):</i> " + html.escape(finding.fix)
    return "<i>fix:</i> " + html.escape(finding.fix)


def summary_html(exp, knobs: dict) -> str:
    """The panel under the figure: the score, then each finding with the fixes this explorer can try."""
    run = exp.run
    if run.diverged:
        head = (f"<b style='color:{COLORS['diverged']}'>diverged at step {run.diverged_at}</b>: "
                "the loss became NaN or infinite. Try a smaller learning rate.")
    else:
        total = exp.config["steps"]  # a live run shows its chunks so far: "after 300 of 1000 steps"
        done = f"{run.steps_done} steps" if run.steps_done == total else f"{run.steps_done} of {total} steps"
        head = f"<b>R² = {exp.r2:.3f}</b> (on the domain grid) after {done} ({run.seconds:.2f} s of training)"
    items = "".join(f"<li><b>{f.kind}</b>: {html.escape(f.message)}<br>{fixes_html(f, knobs)}</li>"
                    for f in exp.diagnosis if f.kind != "diverged")
    return head + (f"<ul style='margin:4px 0'>{items}</ul>" if items else "<br>no problems found")


# ---- the explorers ----------------------------------------------------------------------------------

def _draw_fit_and_loss(axes, exp, values) -> None:
    plot_fit(exp, ax=axes[0], legend_loc=LEGEND_LOC)
    plot_loss(exp.run, ax=axes[1])


def scaling_explorer(target: str = "parabola", n_train: int = 128) -> Explorer:
    """The source question's lab: target x scale x (/100) x y scaling x init std x lr x steps x seed.

    Defaults are the source's failing case (x/100, raw y, std 0.05 = Keras' 'normal', Adam 1e-3), on
    `n_train` training points and 1000 full-batch steps, small so that a move answers quickly. The seed
    slider shows whether a rescue holds for other seeds or was a lucky one.
    """
    controls = {
        "target": dropdown("target", ["relu_shift", "indicator", "parabola", "sine", "step", "abs"], target),
        "scale_x": toggle("x / 100", True),
        "y_scale": dropdown("y scaling", [("raw", "raw"), ("to [0, 1]", "minmax"), ("standardize", "standardize")],
                            "raw"),
        "init": log_slider("init std", 0.05, 1e-3, 5.0),
        "lr": log_slider("learning rate", 1e-3, 1e-4, 1.0),
        "steps": int_slider("steps", 1000, 100, 5000, 100),
        "seed": int_slider("seed", 0, 0, 9),
    }

    def config(v):
        return dict(target=v["target"], x_scale=100 if v["scale_x"] else None,
                    y_scale=None if v["y_scale"] == "raw" else v["y_scale"], init=v["init"], lr=v["lr"],
                    steps=v["steps"], seed=v["seed"], n_train=n_train)

    knobs = {"target": "target", "x_scale": "x / 100", "y_scale": "y scaling", "init": "init std",
             "lr": "learning rate", "steps": "steps"}
    return Explorer(controls, config, _draw_fit_and_loss, knobs=knobs,
                    title="Scaling and init: the source question's lab")


def saturation_explorer(target: str = "sine", steps: int = 500, n_train: int = 256) -> Explorer:
    """Input scale x activation x init: where the pre-activations land, how much of each layer is flat, the fit."""
    controls = {
        "input_scale": log_slider("inputs in [0, s], s", 1000.0, 1.0, 1000.0),
        "activation": dropdown("activation", ["sigmoid", "tanh", "elu", "relu"], "sigmoid"),
        "init": dropdown("init", [("glorot_uniform (Keras default)", "glorot_uniform"), ("he_normal", "he_normal"),
                                  ("normal, std 0.05", 0.05), ("normal, std 0.5", 0.5), ("normal, std 1", 1.0)],
                         "glorot_uniform"),
    }

    def config(v):
        return dict(target=target, x_scale=100.0 / v["input_scale"], activation=v["activation"], init=v["init"],
                    hidden=(20, 20), lr=1e-2, steps=steps, n_train=n_train)

    def draw(axes, exp, values):
        plot_fit(exp, ax=axes[0], legend_loc=LEGEND_LOC)
        states = layer_states(exp.model, exp.x_scaler.transform(exp.x_train))[:-1]
        for s, color in zip(states, LAYER_COLORS):
            axes[1].hist(np.clip(s.pre.ravel(), -50, 50), bins=60, alpha=0.5, color=color,
                         label=f"layer {s.index + 1}: {100 * s.saturated_fraction:.0f}% flat")
        axes[1].set_xlabel("pre-activation z (clipped to ±50 for display)")
        axes[1].set_ylabel("count")
        axes[1].set_title(f"where the {values['activation']} units sit")
        axes[1].legend()

    knobs = {"x_scale": "inputs in [0, s], s", "activation": "activation", "init": "init"}
    return Explorer(controls, config, draw, knobs=knobs, live_every=None,
                    title="Saturation: input scale x activation x init")


HEAD_CHOICES = {"linear": dict(output_activation=None), "sigmoid": dict(output_activation="sigmoid"),
                "clip after training": dict(post_clip=(0.0, 1.0)),
                "clip inside the model": dict(output_activation="clip", clip_range=(0.0, 1.0))}


def overshoot_explorer(steps: int = 1000, n_train: int = 256) -> Explorer:
    """Output head x target x how far beyond the domain to look: fits on [0, 1]-normalized data and the [0, 1] band."""
    controls = {
        "head": dropdown("output head", list(HEAD_CHOICES), "linear"),
        "target": dropdown("target", ["indicator", "step", "sine", "relu_shift", "abs", "parabola"], "indicator"),
        "beyond": float_slider("look beyond the domain by", 0.5, 0.0, 1.0, 0.1),
    }

    def config(v):  # `beyond` is in the setting so that the diagnosis judges the same points the figure shows
        return dict(target=v["target"], x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2,
                    steps=steps, n_train=n_train, beyond=v["beyond"], **HEAD_CHOICES[v["head"]])

    def draw(axes, exp, values):
        beyond = values["beyond"]
        plot_fit(exp, ax=axes[0], beyond=beyond, legend_loc=LEGEND_LOC)
        t = exp.target
        lo, hi = float(exp.y_train.min()), float(exp.y_train.max())
        x = t.grid(exp.x_grid.size, beyond)
        pred = exp.predict(x)
        excess = np.maximum(np.maximum(lo - pred, pred - hi), 0) / (hi - lo)
        inside = (x >= t.domain[0]) & (x <= t.domain[1])
        # the shares `diagnose` judges: the training points, and the grid beyond the domain
        title = f"out of range: {100 * overshoot(exp.predict(exp.x_train), lo, hi)['share']:.0f}% of training points"
        if beyond > 0:
            title += f", {100 * overshoot(pred[~inside], lo, hi)['share']:.0f}% beyond"
        axes[0].set_title(f"{values['head']} head on {t.name}: R² = {exp.r2:.3f}")
        axes[1].axvspan(x[0], t.domain[0], color=COLORS["outside"], zorder=0)
        axes[1].axvspan(t.domain[1], x[-1], color=COLORS["outside"], zorder=0)
        axes[1].fill_between(x, excess, color=COLORS["prediction"], alpha=0.6)
        axes[1].axhline(0.02, color=COLORS["target"], ls=":", lw=line_width(0.5), label="2% tolerance")
        axes[1].set_xlabel("x")
        axes[1].set_ylabel("distance outside the range\n(in units of the range)")
        axes[1].set_title(title, fontsize="medium")
        axes[1].legend(loc=LEGEND_LOC)

    knobs = {"output_activation": "output head", "post_clip": "output head", "target": "target"}
    return Explorer(controls, config, draw, knobs=knobs, title="Range overshoot: output head x target x extrapolation")


def workbench(n_train: int = 256) -> Explorer:
    """Every knob at once: data, scaling, architecture, init, optimizer, budget, seed."""
    scales = [("raw", "raw"), ("÷ 100", 100), ("min-max", "minmax"), ("standardize", "standardize")]
    controls = {
        "target": dropdown("target", ["relu_shift", "indicator", "parabola", "sine", "step", "abs"], "parabola"),
        "x_scale": dropdown("x scaling", scales, 100),
        "y_scale": dropdown("y scaling", [scales[0], scales[2], scales[3]], "raw"),
        "activation": dropdown("activation", ["elu", "relu", "leaky_relu", "tanh", "sigmoid", "selu"], "elu"),
        "init": dropdown("init", [("std (slider)", "std")] + [(n, n) for n in ("glorot_uniform", "he_normal", "lecun_normal")],
                         "std"),
        "std": log_slider("init std", 0.05, 1e-3, 5.0),
        "head": dropdown("output head", list(HEAD_CHOICES), "linear"),
        "loss": dropdown("loss", [("squared error", "mse"), ("absolute error", "mae"), ("Huber", "huber"),
                                  ("cross-entropy (sigmoid head)", "bce")], "mse"),
        "depth": int_slider("hidden layers", 3, 1, 6),
        "width": int_slider("units per layer", 20, 2, 64),
        "lr": log_slider("learning rate", 1e-3, 1e-4, 1.0),
        "lr_decay": log_slider("final lr / lr", 1.0, 0.01, 1.0),
        "batch": dropdown("batch", [("full", "full"), ("32", 32), ("128", 128)], "full"),
        "steps": int_slider("steps", 1000, 100, 5000, 100),
        "seed": int_slider("seed", 0, 0, 9),
    }

    def config(v):
        raw = {"raw": None, "full": None}  # the dropdowns' names for "no scaling" and "full batch"
        return dict(target=v["target"], x_scale=raw.get(v["x_scale"], v["x_scale"]),
                    y_scale=raw.get(v["y_scale"], v["y_scale"]), activation=v["activation"],
                    init=v["std"] if v["init"] == "std" else v["init"], hidden=(v["width"],) * v["depth"],
                    lr=v["lr"], lr_decay=v["lr_decay"], batch_size=raw.get(v["batch"], v["batch"]), steps=v["steps"],
                    seed=v["seed"], loss=v["loss"],
                    n_train=n_train, **HEAD_CHOICES[v["head"]])

    knobs = {"target": "target", "x_scale": "x scaling", "y_scale": "y scaling", "activation": "activation",
             "init": "init", "output_activation": "output head", "post_clip": "output head", "loss": "loss",
             "hidden": "hidden layers", "lr": "learning rate", "steps": "steps"}
    return Explorer(controls, config, _draw_fit_and_loss, knobs=knobs, title="Workbench: every knob")


def collapse_explorer(n_train: int = 256) -> Explorer:
    """Pick a cause of a constant output, then a fix: the fit, the loss and what `diagnose` names."""
    controls = {
        "cause": dropdown("cause", list(COLLAPSE_CAUSES), "target scale: parabola's raw y"),
        "fix": dropdown("fix", list(COLLAPSE_FIXES), "no fix"),
        "seed": int_slider("seed", 0, 0, 9),
    }

    def config(v):
        return {**collapse_case(v["cause"], v["fix"]), "seed": v["seed"], "n_train": n_train}

    knobs = {setting: "fix" for changes in COLLAPSE_FIXES.values() for setting in changes}
    return Explorer(controls, config, _draw_fit_and_loss, knobs=knobs, title="Constant output: pick a cause, then a fix")
