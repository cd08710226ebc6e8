"""The five explorers of the notebooks, each an `Explorer`: its controls, its setting, its figure."""
from __future__ import annotations

import numpy as np

from ._checks import check_choice
from .cases import COLLAPSE_CAUSES, COLLAPSE_FIXES, collapse_case
from .config import Config
from .controls import dropdown, float_slider, int_slider, log_slider, toggle
from .explorer import Explorer
from .measures import OVERSHOOT_TOL, layer_states, overshoot
from .plotting import COLORS, LAYER_COLORS, OUTSIDE, plot_fit, plot_loss
from .style import line_width, small_font
from .targets import Target

LEGEND_LOC = OUTSIDE  # beside the fit, between the panels: it hides no data
TARGET_CHOICES = ["relu_shift", "indicator", "parabola", "sine", "step", "abs"]


def _checked(target=None, **settings) -> None:
    """An explorer's own arguments, checked as `Config` checks them (and a target among its dropdown's)."""
    if target is not None:
        check_choice(target, "target", TARGET_CHOICES)
    Config(**settings)


def _target_dropdown(target) -> object:
    """The target menu: the built-in targets, and a student's own `Target` first; `target` is chosen."""
    options = [(name, name) for name in TARGET_CHOICES]
    if isinstance(target, Target):
        options.insert(0, (target.name, target))
    else:
        check_choice(target, "target", TARGET_CHOICES)
    return dropdown("target", options, target)


def _draw_fit_and_loss(axes, exp, values) -> None:
    plot_fit(exp, ax=axes[0], legend_loc=LEGEND_LOC)
    plot_loss(exp.run, ax=axes[1])


def scaling_explorer(target: str = "parabola", n_train: int = 128) -> Explorer:
    """The source question's lab: target x scale x (/100) x y scaling x init std x lr x steps x seed.

    Defaults are the source's failing case (x/100, raw y, std 0.05 = Keras' 'normal', Adam 1e-3), on
    `n_train` training points and 1000 full-batch steps, small so that a move answers quickly. The seed
    slider shows whether a rescue holds for other seeds or was a lucky one.
    """
    _checked(target, n_train=n_train)
    controls = {
        "target": dropdown("target", TARGET_CHOICES, target),
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
    _checked(target, steps=steps, n_train=n_train)
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
        axes[1].set_xlabel("pre-activation z (clipped to ±50)")
        axes[1].set_ylabel("count")
        # the legend in the title's place: where the units sit, and how many are flat, hiding no bar
        axes[1].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, borderaxespad=0.2,
                       fontsize=small_font(), handlelength=1.0, columnspacing=1.0)

    knobs = {"x_scale": "inputs in [0, s], s", "activation": "activation", "init": "init"}
    return Explorer(controls, config, draw, knobs=knobs, live_every=None,
                    title="Saturation: input scale x activation x init")


HEAD_CHOICES = {"linear": dict(output_activation=None), "sigmoid": dict(output_activation="sigmoid"),
                "clip after training": dict(post_clip=(0.0, 1.0)),
                "clip inside the model": dict(output_activation="clip", clip_range=(0.0, 1.0))}


def overshoot_explorer(steps: int = 1000, n_train: int = 256) -> Explorer:
    """Output head x target x how far beyond the domain to look: fits on [0, 1]-normalized data and the [0, 1] band."""
    _checked(steps=steps, n_train=n_train)
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
        # the shares `diagnose` judges (the training points, the grid beyond the domain), read from its finding when
        # it made one, so that panel and figure agree
        found = next((f.evidence for f in exp.diagnosis if f.kind == "overshoot"), {})
        share = (found.get("inside") or overshoot(exp.predict(exp.x_train), lo, hi))["share"]
        title = f"out of range: {100 * share:.0f}% training"
        if beyond > 0:
            title += f", {100 * (found.get('beyond') or overshoot(pred[~inside], lo, hi))['share']:.0f}% beyond"
        axes[0].set_title(f"{values['head']} head on {t.name}: R² = {exp.r2:.3f}")
        axes[1].axvspan(x[0], t.domain[0], color=COLORS["outside"], zorder=0)
        axes[1].axvspan(t.domain[1], x[-1], color=COLORS["outside"], zorder=0)
        axes[1].fill_between(x, excess, color=COLORS["prediction"], alpha=0.6)
        axes[1].axhline(OVERSHOOT_TOL, color=COLORS["target"], ls=":", lw=line_width(0.5))
        axes[1].text(0.99, OVERSHOOT_TOL, f"{100 * OVERSHOOT_TOL:.0f}% tolerance", transform=axes[1].get_yaxis_transform(),
                     ha="right", va="bottom", fontsize=small_font())
        axes[1].set_xlabel("x")
        axes[1].set_ylabel("excess (× range)")
        axes[1].set_title(title, fontsize=small_font())

    knobs = {"output_activation": "output head", "post_clip": "output head", "target": "target"}
    return Explorer(controls, config, draw, knobs=knobs, title="Range overshoot: output head x target x extrapolation")


def workbench(n_train: int = 256, target="parabola") -> Explorer:
    """Every knob at once: data, scaling, architecture, init, optimizer, budget, seed.

    Args:
        n_train: training points (at most this many of a target's own samples).
        target: the target shown first: a name in `TARGETS`, or your own `Target` (`Target.from_function`,
            `Target.from_samples`), which joins the menu.
    """
    _checked(n_train=n_train)
    scales = [("raw", "raw"), ("÷ 100", 100), ("min-max", "minmax"), ("standardize", "standardize")]
    controls = {
        "target": _target_dropdown(target),
        "x_scale": dropdown("x scaling", scales, 100),
        "y_scale": dropdown("y scaling", [scales[0], scales[2], scales[3]], "raw"),
        "activation": dropdown("activation", ["elu", "relu", "leaky_relu", "tanh", "sigmoid", "selu"], "elu"),
        "init": dropdown("init", [("std (slider)", "std")] + [(n, n) for n in ("glorot_uniform", "he_normal",
                                                                                "lecun_normal")],
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
    _checked(n_train=n_train)
    controls = {
        "cause": dropdown("cause", list(COLLAPSE_CAUSES), "target scale: parabola's raw y"),
        "fix": dropdown("fix", list(COLLAPSE_FIXES), "no fix"),
        "seed": int_slider("seed", 0, 0, 9),
    }

    def config(v):
        return {**collapse_case(v["cause"], v["fix"]), "seed": v["seed"], "n_train": n_train}

    knobs = {setting: "fix" for changes in COLLAPSE_FIXES.values() for setting in changes}
    return Explorer(controls, config, _draw_fit_and_loss, knobs=knobs, title="Constant output: pick a cause, then a fix")
