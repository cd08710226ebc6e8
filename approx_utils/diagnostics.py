"""Measurements that tell the failure modes apart, and `diagnose`, which turns them into findings.

Every number is measured on the data given, in the model's own (scaled) units:
R² against the constant baseline, saturated share per layer, dead units, gradient norms, overshoot.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from . import _quiet  # noqa: F401
import keras
import numpy as np
import tensorflow as tf

from ._checks import as_1d_array, check_model, check_pair
from .losses import loss_function
from .models import Clip, dense_layers, predict

FLAT = 0.01              # a unit is "flat" where its derivative is below 1% of the activation's peak
SATURATED_LAYER = 0.5    # a layer with more than half its (sample, unit) pairs flat is saturated
DEAD_LAYER = 0.5         # a layer with at least half its ReLUs off on every sample has dead units
COLLAPSE_STD = 0.1       # predictions spread less than 10% of the target's spread: (nearly) constant,
COLLAPSE_WEAK = (0.3, 0.05)  # ... or less than 30% while explaining under 5% of the variance (R² < 0.05)
VANISHING_RATIO = 1e-3   # first-layer gradient under 1/1000 of the largest layer's,
VANISHING_ABS = 1e-6     # ... or under 1e-6 of the loss's own scale (sqrt(MSE)): every layer starved
SPIKE = 10.0             # a loss peak over 10x its start: the learning rate is too large
STILL_FALLING = 0.999    # the last fifth of the loss under 99.9% of the fifth before: still learning
OVERSHOOT_TOL = 0.02     # a prediction beyond the target's range by more than 2% of that range
OVERSHOOT_SHARE = 0.01   # ... for more than 1% of the points is an overshoot finding
RELU_FAMILY = ("relu", "relu6")


def r2(y_true, y_pred) -> float:
    """R² = 1 - MSE / Var(y): 0 is the best constant, 1 is perfect; -inf if predictions are not finite."""
    y_true, y_pred = np.asarray(y_true, np.float64).ravel(), np.asarray(y_pred, np.float64).ravel()
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"y_true and y_pred must be non-empty and of one length, got {y_true.size} and {y_pred.size}")
    if not np.all(np.isfinite(y_pred)):
        return float("-inf")
    var = np.var(y_true)
    if var == 0:
        raise ValueError("y_true is constant: R² is undefined against a zero variance")
    return float(1.0 - np.mean((y_true - y_pred) ** 2) / var)


def _activation_name(layer) -> str:
    return getattr(layer.activation, "__name__", str(layer.activation))


@functools.lru_cache(maxsize=None)
def _peak_derivative(name: str) -> float:
    z = tf.constant(np.linspace(-30, 30, 6001), tf.float32)
    return float(tf.reduce_max(_derivative(keras.activations.get(name), z)))


def _derivative(activation, z):
    with tf.GradientTape() as tape:
        tape.watch(z)
        out = activation(z)
    return tape.gradient(out, z)


@dataclass
class LayerState:
    """One Dense layer's pre-activations, outputs and where its units are flat, on a batch of inputs."""

    index: int
    activation: str
    pre: np.ndarray
    post: np.ndarray
    flat: np.ndarray

    @property
    def saturated_fraction(self) -> float:
        return float(self.flat.mean())

    @property
    def dead_fraction(self) -> float:
        """Share of units flat on every sample (for ReLUs: dead)."""
        return float(self.flat.all(axis=0).mean())


def layer_states(model, x) -> list[LayerState]:
    """Forward pass layer by layer, keeping each Dense layer's pre-activation, output and flat mask."""
    check_model(model)
    h = tf.constant(as_1d_array(x, "x").reshape(-1, 1), tf.float32)
    states = []
    for layer in model.layers:
        if isinstance(layer, Clip):
            h = layer(h)
            continue
        pre = tf.matmul(h, layer.kernel) + layer.bias
        name = _activation_name(layer)
        if name == "linear":
            flat = np.zeros(pre.shape, bool)
        else:
            flat = (_derivative(layer.activation, pre) < FLAT * _peak_derivative(name)).numpy()
        h = layer.activation(pre)
        states.append(LayerState(len(states), name, pre.numpy(), np.asarray(h), flat))
    return states


def saturation(model, x) -> list[float]:
    """Per hidden layer: share of (sample, unit) pairs whose derivative is below 1% of its peak."""
    return [s.saturated_fraction for s in layer_states(model, x)[:-1]]


def dead_units(model, x) -> list[float]:
    """Per hidden layer: share of units that are flat on every sample (ReLU: never active)."""
    return [s.dead_fraction for s in layer_states(model, x)[:-1]]


def gradient_norms(model, x, y) -> list[float]:
    """Per Dense layer (input side first): the norm of the MSE loss gradient w.r.t. its kernel."""
    check_model(model)
    x, y = check_pair(x, y)
    kernels = [layer.kernel for layer in dense_layers(model)]
    with tf.GradientTape() as tape:
        pred = model(tf.constant(x.reshape(-1, 1), tf.float32))
        loss = tf.reduce_mean(tf.square(tf.constant(y.reshape(-1, 1), tf.float32) - pred))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]


def sample_gradient_norms(model, x, y, loss: str = "mse") -> np.ndarray:
    """Per sample: the norm of its loss gradient w.r.t. all weights (zero where a clip or a dead unit
    blocks it), for a loss of `LOSSES`. One small tape per sample: meant for a few hundred samples."""
    check_model(model)
    x, y = check_pair(x, y)
    per_sample, weights = loss_function(loss), model.trainable_variables
    norms = []
    for xi, yi in zip(x, y):
        with tf.GradientTape() as tape:
            loss_value = tf.reduce_sum(per_sample(tf.constant([[yi]], tf.float32), model(tf.constant([[xi]], tf.float32))))
        norms.append(float(tf.linalg.global_norm([g for g in tape.gradient(loss_value, weights) if g is not None])))
    return np.array(norms)


def overshoot(pred, lo: float, hi: float, tol: float = OVERSHOOT_TOL) -> dict:
    """Share of predictions outside [lo, hi] by more than tol*(hi-lo), and the largest excess in units of (hi-lo)."""
    pred = np.asarray(pred, np.float64).ravel()
    width = hi - lo
    excess = np.maximum(lo - pred, pred - hi) / width
    return {"share": float(np.mean(excess > tol)), "max_excess": float(max(excess.max(), 0.0))}


@dataclass
class Finding:
    """One named problem: its kind, what was measured, and the fix in plain words."""

    kind: str
    message: str
    fix: str
    evidence: dict = field(default_factory=dict)

    def __str__(self):
        return f"[{self.kind}] {self.message}\n    fix: {self.fix}"


KINDS = ("diverged", "collapse", "saturation", "dead_units", "vanishing_gradients", "overshoot")


class Diagnosis(list):
    """The findings of `diagnose` (a list); empty means nothing looked wrong."""

    @property
    def kinds(self) -> list[str]:
        return [f.kind for f in self]

    def __str__(self):
        return "\n".join(map(str, self)) if self else "no problems found"

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def _loss_trend(run) -> dict:
    """How the loss moved: its peak over its start (a spike means the lr is too large), and its
    last fifth over the fifth before (below 0.999: still falling when the run stopped)."""
    if run is None or run.loss.size < 10:
        return {}
    loss, fifth = run.loss, run.loss.size // 5
    return {"loss_spike": float(loss.max() / loss[0]),
            "last_fifth_ratio": float(loss[-fifth:].mean() / loss[-2 * fifth:-fifth].mean())}


def _collapse_fix(ev: dict) -> str:
    """The likeliest way out of a collapse, from what was measured."""
    if ev.get("loss_spike", 0) > SPIKE:
        return (f"the loss spiked to {ev['loss_spike']:.0f}x its starting value: the learning rate is too large "
                "and knocked the units into a dead or saturated state; try it 10x smaller")
    if ev["max_abs_y"] > 10:
        return ("scale y to about [0, 1] (and invert the scaling for predictions): the small initial weights "
                "and lr-sized steps cannot reach outputs this large in the budget")
    if ev.get("last_fifth_ratio", 1) < STILL_FALLING:
        return ("the loss was still falling when the run stopped: the learning rate is too small for this "
                "budget; raise it (try 10x) or train longer")
    return ("see the other findings for the cause; otherwise try a larger init std (0.5, or he_normal), "
            "a larger learning rate, or more steps")


def _saturated_head(head, loss: str) -> Finding:
    """A sigmoid output on its flat tails: under the squared error those samples pass back almost no
    gradient (notebook 04 measures it); under cross-entropy the gradient w.r.t. the logit is p - y."""
    logit = float(np.median(np.abs(head.pre)))
    message = (f"the sigmoid output sits on its flat tails for {_pct(head.saturated_fraction)} of the samples "
               f"(median |logit| {logit:.0f})")
    if loss == "bce":
        fix = ("with 0/1 targets cross-entropy keeps pushing the logits out; squash the targets to [0.01, 0.99] "
               "(y_scale=au.MinMax(0.01, 0.99)) to give them a finite optimum")
    else:
        fix = (f"train with loss='bce' (binary cross-entropy): under '{loss}' a saturated sample passes back "
               "almost no gradient, under cross-entropy its logit's gradient is p - y; with squashed targets "
               "(au.MinMax(0.01, 0.99)) that pulls the logits back")
    return Finding("saturation", message, fix, {"head_saturated_fraction": head.saturated_fraction,
                                                "median_abs_logit": logit, "loss": loss})


def _pct(v) -> str:
    return f"{100 * v:.0f}%"


def diagnose(model, x, y, run=None, x_beyond=None, loss=None) -> Diagnosis:
    """Name what is wrong with a model fitted to (x, y), given in the model's own units.

    run: the training `Run`, to report divergence. x_beyond: inputs outside the training domain,
    to measure overshoot where the net extrapolates. loss: what it was trained with, if not run's
    (default 'mse'), for the advice. Returns a `Diagnosis` (empty when all is well).
    """
    check_model(model)
    x, y = check_pair(x, y)
    found = Diagnosis()
    weights_finite = all(np.all(np.isfinite(w)) for w in model.get_weights())
    if (run is not None and run.diverged) or not weights_finite:
        at = f" at step {run.diverged_at}" if run is not None and run.diverged else ""
        found.append(Finding("diverged", f"training diverged{at}: the loss became NaN or infinite",
                             "lower the learning rate (try 10x smaller) or scale y so the loss starts near 1",
                             {"diverged_at": None if run is None else run.diverged_at}))
        return found
    states = layer_states(model, x)
    pred = predict(model, x)
    y_std, pred_std = float(np.std(y)), float(np.std(pred))
    score = r2(y, pred) if y_std > 0 else float("nan")
    hidden = states[:-1]

    ratio = pred_std / y_std if y_std > 0 else float("inf")
    if ratio < COLLAPSE_STD or (ratio < COLLAPSE_WEAK[0] and score < COLLAPSE_WEAK[1]):
        evidence = {"spread_ratio": ratio, "r2": score, "max_abs_y": float(np.max(np.abs(y))),
                    **_loss_trend(run)}
        found.append(Finding("collapse", f"predictions are nearly constant: their spread is {ratio:.3f} "
                             f"of the target's (R² = {score:.3f})", _collapse_fix(evidence), evidence))

    sat = {s.index + 1: s.saturated_fraction for s in hidden if s.activation not in RELU_FAMILY + ("linear",)}
    worst = {k: v for k, v in sat.items() if v > SATURATED_LAYER}
    if worst:
        where = ", ".join(f"layer {k}: {_pct(v)}" for k, v in worst.items())
        found.append(Finding("saturation", f"units sit on the flat tails of their activation ({where} of "
                             f"activations have a derivative below 1% of its peak)",
                             "standardize x (zero mean, unit spread) so pre-activations stay near 0, use ReLU/ELU "
                             "units, or a Glorot/He init that keeps pre-activations of order 1",
                             {"saturated_fraction": sat, "max_abs_x": float(np.max(np.abs(x)))}))

    head = states[-1]
    if head.activation == "sigmoid" and head.saturated_fraction > SATURATED_LAYER:
        found.append(_saturated_head(head, loss or (run.loss_name if run is not None else "mse")))

    dead = {s.index + 1: s.dead_fraction for s in hidden if s.activation in RELU_FAMILY}
    worst = {k: v for k, v in dead.items() if v >= DEAD_LAYER}
    if worst:
        where = ", ".join(f"layer {k}: {_pct(v)}" for k, v in worst.items())
        found.append(Finding("dead_units", f"ReLU units never switch on for any input ({where} dead)",
                             "lower the learning rate, use ELU or leaky ReLU, or use He init so units start active",
                             {"dead_fraction": dead}))

    norms = gradient_norms(model, x, y)
    top, loss_scale = max(norms), float(np.sqrt(np.mean((y - pred) ** 2)))
    grad_ratio = norms[0] / top if top > 0 else 0.0
    if grad_ratio < VANISHING_RATIO or norms[0] < VANISHING_ABS * loss_scale:
        found.append(Finding("vanishing_gradients", f"the first layer's gradient norm is {norms[0]:.1e} "
                             f"({grad_ratio:.1e} of the largest layer's) at a loss scale of {loss_scale:.2g}: "
                             "the input side barely learns",
                             "raise the init std toward Glorot/He scale (about 1/sqrt(fan_in)), use fewer layers, "
                             "or non-saturating units",
                             {"gradient_norms": norms}))

    lo, hi = float(np.min(y)), float(np.max(y))
    if hi > lo:
        inside = overshoot(pred, lo, hi)
        beyond = None if x_beyond is None else overshoot(predict(model, as_1d_array(x_beyond, "x_beyond")), lo, hi)
        shares = [inside["share"]] + ([beyond["share"]] if beyond else [])
        if max(shares) > OVERSHOOT_SHARE:
            parts = [f"{_pct(inside['share'])} of predictions inside the domain"]
            if beyond:
                parts.append(f"{_pct(beyond['share'])} beyond it (up to {beyond['max_excess']:.2f} ranges out)")
            found.append(Finding("overshoot", f"predictions leave the target's range [{lo:.3g}, {hi:.3g}]: "
                                 + "; ".join(parts),
                                 "a linear head is unbounded: use a sigmoid head for [0, 1] targets (squash 0/1 "
                                 "targets to [eps, 1-eps]) or clip predictions after training; do not trust a net "
                                 "outside the domain it was trained on",
                                 {"inside": inside, "beyond": beyond}))
    return found
