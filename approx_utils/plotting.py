"""Plots that each answer one question: the fit, the loss curve, the layers' activations.

Object-oriented matplotlib: every function draws on the `ax` (or `axes`) it is given, makes its own
figure otherwise, and returns what it drew on. The same colours mean the same thing everywhere; sizes
and widths come from the style in effect (`set_style`).
"""
from __future__ import annotations

import math
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker

from ._checks import check_int, check_positive
from .measures import layer_states
from .style import NOTEBOOK_WIDTH, PALETTE, current_style, line_width, marker_area
from .training import Run

COLORS = {"target": PALETTE["black"], "prediction": PALETTE["orange"], "data": PALETTE["blue"],
          "band": PALETTE["green"], "outside": "0.92", "diverged": PALETTE["vermillion"]}
LAYER_COLORS = (PALETTE["blue"], PALETTE["purple"], PALETTE["green"], PALETTE["sky_blue"])
SEED_COLORS = (PALETTE["orange"], PALETTE["sky_blue"], PALETTE["vermillion"], PALETTE["purple"], PALETTE["green"])
LOSS_LABELS = {"mse": "training MSE", "mae": "training MAE", "huber": "training Huber loss",
               "bce": "training cross-entropy"}  # a run's `loss_name` -> the loss plot's y label


def _axes(ax):
    """The axes to draw on: `ax`, or a new figure's, sized by the style in effect (its own figure, shown 1:1 in a
    notebook, larger in the lecture style). A cell ending in a plot shows the figure, not the Axes' repr."""
    if ax is None:
        width = 6.0 if current_style()[0] == "notebook" else 9.0
        _, ax = plt.subplots(figsize=(width, width * 0.58), layout="constrained")
        ax._ipython_display_ = lambda: None  # IPython shows nothing for the returned Axes; the figure shows itself
    return ax


OUTSIDE = "outside right"  # a legend_loc: beside the axes, in the room an explorer leaves between its panels


def place_legend(ax, loc: str = "best") -> None:
    """The axes' legend at `loc` (any matplotlib place), or OUTSIDE: to the right of the axes, where it hides no
    data, its long labels wrapped to fit the room."""
    if loc != OUTSIDE:
        ax.legend(loc=loc)
        return
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles, [textwrap.fill(label, 13) for label in labels], loc="upper left", bbox_to_anchor=(1.02, 1.0),
              borderaxespad=0.0, frameon=False)


def _draw_target(ax, target, x, y) -> None:
    """The target as a line over x; a target from samples as its held-out points, the ones R² is scored on."""
    if target.held_out is None:
        ax.plot(x, y, color=COLORS["target"], lw=line_width(0.75), label=f"target {target.formula}")
    else:
        ax.scatter(*target.held_out, s=marker_area(1.0), marker="x", color=COLORS["target"], zorder=3,
                   label="held-out samples (scored)")


def plot_fit(exp, ax=None, beyond: float = 0.0, title: str | None = None, max_points: int = 200,
             legend_loc: str = "best"):
    """Target, prediction and training points in original units, with the target's range as a band.

    beyond: also draw this far outside the domain (a fraction of its width), shaded, to show extrapolation.
    legend_loc: a fixed place ("upper left") redraws faster than "best", which searches for room; OUTSIDE puts it
    to the right of the axes, where it hides no data.
    """
    if not hasattr(exp, "target") or not hasattr(exp, "y_grid_pred"):
        raise TypeError(f"exp must be an Experiment (what run_experiment returns), got {type(exp).__name__}")
    beyond = check_positive(beyond, "beyond", allow_zero=True)
    max_points = check_int(max_points, "max_points", minimum=1)
    ax = _axes(ax)
    target = exp.target
    x = target.grid(exp.x_grid.size, beyond) if beyond > 0 else exp.x_grid
    y_true = target(x)
    y_pred = exp.predict(x) if beyond > 0 else exp.y_grid_pred
    lo, hi = float(np.min(target(exp.x_grid))), float(np.max(target(exp.x_grid)))
    ax.axhspan(lo, hi, color=COLORS["band"], alpha=0.08, label="target's range")
    if beyond > 0:
        for k, (a, b) in enumerate(((x[0], target.domain[0]), (target.domain[1], x[-1]))):
            ax.axvspan(a, b, color=COLORS["outside"], zorder=0, label="beyond the domain" if k == 0 else None)
    step = max(1, exp.x_train.size // max_points)
    ax.scatter(exp.x_train[::step], exp.y_train[::step], s=marker_area(0.7), color=COLORS["data"], alpha=0.5,
               label="training data")
    _draw_target(ax, target, x, y_true)
    if exp.diverged:
        ax.text(0.5, 0.5, f"diverged at step {exp.run.diverged_at}", transform=ax.transAxes, ha="center",
                color=COLORS["diverged"], fontsize="large")
    else:
        ax.plot(x, y_pred, color=COLORS["prediction"], lw=line_width(), label="network")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or f"{target.name}: R² = {exp.r2:.3f} after {exp.run.steps_done} steps")
    place_legend(ax, legend_loc)
    return ax


def plot_seeds(row, ax=None, title: str | None = None):
    """One configuration's fit for every seed of a table row (`over_seeds`): the target and each seed's
    prediction, its R² in the legend, so a figure never shows one lucky (or unlucky) seed as the rule."""
    if not getattr(row, "exps", None):
        raise TypeError(f"row must be a row of an over_seeds table (table['label']), got {type(row).__name__}")
    ax = _axes(ax)
    first = row.exps[0]
    _draw_target(ax, first.target, first.x_grid, first.target(first.x_grid))
    for exp, color in zip(row.exps, SEED_COLORS):
        seed = exp.config.seed
        ax.plot(exp.x_grid, exp.y_grid_pred, color=color, lw=line_width(0.75), label=f"seed {seed}: R² = {exp.r2:.2f}")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or row.label)
    ax.legend(loc="best")
    return ax


class _LogLabels(ticker.LogFormatterSciNotation):
    """Minor labels on a log axis that shows under two powers of ten, so it always reads as numbers: at 2 and 5
    per decade when it spans 0.8 decades or more, at every integer multiple when it spans less, and at every tick
    of an axis so narrow that its ticks fall between the multiples (1.1, 1.2, ...). matplotlib 3.9 decides by
    decades spanned and labels none of them on a 1.5-decade axis; 3.10 counts the powers in view."""

    def __init__(self):
        super().__init__(labelOnlyBase=False, minor_thresholds=(np.inf, np.inf))  # we choose, not set_locs

    def __call__(self, x, pos=None):
        lo, hi = sorted(self.axis.get_view_interval())
        if x <= 0 or lo <= 0:
            return ""
        powers = math.floor(math.log10(hi)) - math.ceil(math.log10(lo)) + 1
        coeff = x / 10 ** math.floor(math.log10(x))
        wanted = (2, 5) if math.log10(hi / lo) >= 0.8 else range(2, 10)
        between = abs(coeff - round(coeff)) > 1e-6  # a narrow axis's ticks: label each
        return super().__call__(x, pos) if powers < 2 and (between or round(coeff) in wanted) else ""


def plot_loss(run, ax=None, title: str | None = None):
    """Training loss per step on a log scale, labelled by the loss the run minimized (`run.loss_name`);
    a diverged run is marked where it stopped."""
    if not isinstance(run, Run):
        raise TypeError(f"run must be a Run (what train returns, or an experiment's .run), got {type(run).__name__}")
    ax = _axes(ax)
    loss = np.asarray(run.loss, np.float64)
    steps = np.arange(1, loss.size + 1)
    finite = np.isfinite(loss) & (loss > 0)
    ax.plot(steps[finite], loss[finite], color=COLORS["prediction"], lw=line_width(0.5))
    ax.set_yscale("log")
    ax.yaxis.set_minor_formatter(_LogLabels())
    if run.diverged:
        ax.axvline(run.diverged_at + 1, color=COLORS["diverged"], ls="--", label=f"diverged (step {run.diverged_at})")
        ax.legend(loc="best")
    ax.set_xlabel("step")
    loss_name = getattr(run, "loss_name", "mse")
    ax.set_ylabel(LOSS_LABELS.get(loss_name, f"training loss ({loss_name})"))
    ax.set_title(title or "loss (in model units)")
    return ax


def plot_activations(model, x, axes=None, bins: int = 40):
    """Per hidden layer: histograms of pre-activations (top row) and outputs (bottom row), flat share in the title."""
    bins = check_int(bins, "bins", minimum=1)
    states = layer_states(model, x)[:-1]
    if axes is None:
        width = min(NOTEBOOK_WIDTH, 3 * len(states))  # shown 1:1 in a notebook
        _, axes = plt.subplots(2, len(states), figsize=(width, 4.5), layout="constrained", squeeze=False)
    axes = np.asarray(axes).reshape(2, len(states))
    for s, (ax_pre, ax_post) in zip(states, axes.T):
        ax_pre.hist(s.pre.ravel(), bins=bins, color=COLORS["data"])
        ax_pre.set_title(f"layer {s.index + 1} ({s.activation})\n{100 * s.saturated_fraction:.0f}% flat", fontsize="medium")
        ax_pre.set_xlabel("pre-activation z")
        ax_post.hist(s.post.ravel(), bins=bins, color=COLORS["prediction"])
        ax_post.set_xlabel("output a = f(z)")
    axes[0, 0].set_ylabel("count")
    axes[1, 0].set_ylabel("count")
    return axes

