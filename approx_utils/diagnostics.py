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
from .models import Clip, dense_layers, output_head, predict

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
UNDERFIT_R2 = 0.9        # a fit below this R² on the training points that no other finding explains
LARGE_X = 3.0            # inputs beyond |x| = 3 are unscaled for a unit whose bend is at |z| ~ 1
LARGE_Y = 10.0           # targets beyond |y| = 10 are far from a small network's starting outputs (~0)
SMALL_INIT = 0.01        # an init std below this shrinks the signal at every layer of 20 units
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


@dataclass(frozen=True)
class Fix:
    """One way out of a finding: the setting it changes (a `run_experiment` argument) and what to do."""

    setting: str
    text: str


@dataclass
class Finding:
    """One named problem: its kind, what was measured, the fixes that fit this network, and the evidence."""

    kind: str
    message: str
    fixes: tuple = ()
    evidence: dict = field(default_factory=dict)

    @property
    def fix(self) -> str:
        """The fixes in plain words (or why there is none to try)."""
        return "; or ".join(f.text for f in self.fixes) or "see the other findings"

    def fixes_for(self, settings) -> tuple:
        """The fixes that change one of `settings` (what an explorer's controls or an exercise may move)."""
        return tuple(f for f in self.fixes if f.setting in settings)

    def __str__(self):
        return f"[{self.kind}] {self.message}\n    fix: {self.fix}"


KINDS = ("diverged", "collapse", "saturation", "dead_units", "vanishing_gradients", "overshoot", "underfit")


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
    """How the loss moved: its peak over its start and where (a spike: the lr is too large), and its
    last fifth over the fifth before (below 0.999: still falling when the run stopped)."""
    if run is None or run.loss.size < 10:
        return {}
    loss, fifth = run.loss, run.loss.size // 5
    return {"loss_spike": float(loss.max() / loss[0]), "spike_step": int(np.argmax(loss)),
            "last_fifth_ratio": float(loss[-fifth:].mean() / loss[-2 * fifth:-fifth].mean())}


def _pct(v) -> str:
    return f"{100 * v:.0f}%"


@dataclass
class _Network:
    """What is in place, as far as a finding's advice needs it: read from the model, the run and the
    settings `run_experiment` used (when given), so no fix recommends what is already there."""

    activation: str
    head: str
    depth: int
    init: object
    lr: float | None
    loss: str
    max_abs_x: float
    y_lo: float
    y_hi: float
    trend: dict

    @property
    def large_x(self) -> bool:
        return self.max_abs_x > LARGE_X

    @property
    def large_y(self) -> bool:
        return max(abs(self.y_lo), abs(self.y_hi)) > LARGE_Y

    @property
    def small_init(self) -> bool:
        return isinstance(self.init, float) and self.init < SMALL_INIT

    @property
    def spiked(self) -> bool:
        return self.trend.get("loss_spike", 0) > SPIKE

    @property
    def still_falling(self) -> bool:
        return self.trend.get("last_fifth_ratio", 1) < STILL_FALLING

    def lr_text(self, factor: float) -> str:
        return "" if self.lr is None else f" (it is {self.lr:g}; try {self.lr * factor:g})"


def _scale_x(net) -> Fix:
    return Fix("x_scale", f"standardize x (x_scale='standardize'): the inputs reach |x| = {net.max_abs_x:.3g}, "
                          "which puts z = w x + b far from the activation's bend")


def _scale_y(net) -> Fix:
    return Fix("y_scale", f"standardize y (y_scale='standardize'; predictions are mapped back): y reaches "
                          f"{max(abs(net.y_lo), abs(net.y_hi)):.4g} while the network's outputs start near 0")


def _collapse_fixes(net) -> list:
    """The likeliest way out of a collapse, from what was measured, most specific first."""
    if net.spiked:
        return [Fix("lr", f"the loss spiked to {net.trend['loss_spike']:.0f}x its start (step {net.trend['spike_step']}): "
                          f"the learning rate is too large and knocked the units into a dead or saturated state; "
                          f"lower it{net.lr_text(0.1)}")]
    if net.head == "clip":
        return [Fix("output_activation", "an in-model clip passes no gradient for the samples it clips: use a "
                                         "sigmoid head"), Fix("post_clip", "train without it and clip after training")]
    if net.large_y:
        return [_scale_y(net)]
    if net.still_falling:
        return [Fix("lr", f"the loss was still falling when the run stopped: raise the learning rate{net.lr_text(10)}"),
                Fix("steps", "train longer")]
    if net.small_init:
        return [Fix("init", f"a larger init: std {net.init:g} shrinks the signal at every layer (he_normal scales "
                            "with each layer's fan-in)")]
    return [Fix("steps", "train longer")]


def _saturation_fixes(net) -> list:
    if net.large_x:
        return [_scale_x(net)]
    if net.large_y:
        return [Fix("y_scale", "standardize y (y_scale='standardize'): the units saturated as the weights grew "
                               "toward y's scale")]
    fixes = []
    if net.lr is not None and net.lr >= 0.1:
        fixes.append(Fix("lr", f"a smaller learning rate{net.lr_text(0.1)}: large steps grow the weights until z "
                               "leaves the bend"))
    if isinstance(net.init, float) and net.init >= 0.5:
        fixes.append(Fix("init", f"a smaller init (std {net.init:g} is large; try glorot_uniform)"))
    if net.activation in ("sigmoid", "tanh"):
        fixes.append(Fix("activation", "ReLU or ELU units, whose positive side never flattens"))
    return fixes


def _saturated_head(head, net) -> Finding:
    """A sigmoid output on its flat tails: under the squared error those samples pass back almost no
    gradient (notebook 04 measures it); under cross-entropy the gradient w.r.t. the logit is p - y."""
    logit, loss = float(np.median(np.abs(head.pre))), net.loss
    message = (f"the sigmoid output sits on its flat tails for {_pct(head.saturated_fraction)} of the samples "
               f"(median |logit| {logit:.0f})")
    if loss == "bce" and (net.y_lo > 0 or net.y_hi < 1):
        fixes = ()  # squashed targets under cross-entropy already give the logits a finite optimum
    elif loss == "bce":
        fixes = (Fix("y_scale", "with 0/1 targets cross-entropy keeps pushing the logits out; squash the targets to "
                                "[0.01, 0.99] (y_scale=au.MinMax(0.01, 0.99)) to give them a finite optimum"),)
    else:
        fixes = (Fix("loss", f"train with loss='bce' (binary cross-entropy): under '{loss}' a saturated sample passes "
                             "back almost no gradient, under cross-entropy its logit's gradient is p - y; with squashed "
                             "targets (au.MinMax(0.01, 0.99)) that pulls the logits back"),)
    return Finding("saturation", message, fixes, {"head_saturated_fraction": head.saturated_fraction,
                                                  "median_abs_logit": logit, "loss": loss})


def _dead_fixes(net) -> list:
    fixes = [_scale_x(net)] if net.large_x else []
    if net.spiked or (net.lr is not None and net.lr >= 0.1):
        fixes.append(Fix("lr", f"a smaller learning rate{net.lr_text(0.1)}: large steps push units off for good"))
    if net.init is None or not (isinstance(net.init, str) and net.init.startswith("he_")):
        fixes.append(Fix("init", "he_normal, so units start active"))
    return fixes + [Fix("activation", "ELU or leaky ReLU units, which never go fully flat")]


def _vanishing_fixes(net, dead: bool) -> list:
    if dead or net.head == "clip":
        return []  # dead units, or an in-model clip, pass no gradient: their findings' fixes are the ones to try
    if net.small_init:  # fewer layers do not help a tiny init (notebook 02 measures it): the init is the fix
        return [Fix("init", f"a larger init: std {net.init:g} is far below Glorot/He scale (about 1/sqrt(fan_in))")]
    fixes = [Fix("hidden", f"fewer layers (it has {net.depth})")] if net.depth > 3 else []
    if net.activation in ("sigmoid", "tanh"):
        fixes.append(Fix("activation", "ReLU or ELU units"))
    return fixes


def _overshoot_fixes(net) -> list:
    lo, hi = net.y_lo, net.y_hi
    fixes = []
    if net.head == "linear" and lo >= 0 and hi <= 1:
        fixes.append(Fix("output_activation", "a sigmoid head (outputs in (0, 1); squash 0/1 targets to [eps, 1-eps])"))
    elif net.head == "linear" and lo >= -1 and hi <= 1:
        fixes.append(Fix("output_activation", "a tanh head (outputs in (-1, 1))"))
    elif net.head == "tanh" and lo >= 0:
        fixes.append(Fix("output_activation", "a sigmoid head: a tanh head reaches down to -1, below the targets' 0"))
    return fixes + [Fix("post_clip", f"clip predictions to [{lo:.3g}, {hi:.3g}] after training (post_clip)")]


def _underfit_fixes(net) -> list:
    fixes = []
    if net.small_init:
        fixes.append(Fix("init", f"a larger init (std {net.init:g} is far below Glorot/He scale)"))
    if net.still_falling:
        fixes.append(Fix("lr", f"the loss was still falling: a larger learning rate{net.lr_text(10)}"))
    return fixes + [Fix("steps", "train longer"), Fix("hidden", "more units or layers")]


def _setting(setup: dict | None, name: str, default=None):
    return default if setup is None else setup.get(name, default)


def diagnose(model, x, y, run=None, x_beyond=None, loss=None, setup=None) -> Diagnosis:
    """Name what is wrong with a model fitted to (x, y), given in the model's own units.

    Args:
        run: the training `Run`, to report divergence and read how the loss moved.
        x_beyond: inputs outside the training domain, to measure overshoot where the net extrapolates.
        loss: what it was trained with, if not run's (default 'mse'), for the advice.
        setup: the settings it was built and trained with (`run_experiment`'s config: init, post_clip, ...),
            so that no fix recommends what is already in place; predictions are judged after `post_clip`.
    Returns a `Diagnosis` (empty when all is well); each finding's fixes fit this network.
    """
    check_model(model)
    x, y = check_pair(x, y)
    found = Diagnosis()
    weights_finite = all(np.all(np.isfinite(w)) for w in model.get_weights())
    if (run is not None and run.diverged) or not weights_finite:
        at = f" at step {run.diverged_at}" if run is not None and run.diverged else ""
        found.append(Finding("diverged", f"training diverged{at}: the loss became NaN or infinite",
                             (Fix("lr", "lower the learning rate (try 10x smaller)"),
                              Fix("y_scale", "scale y so the loss starts near 1")),
                             {"diverged_at": None if run is None else run.diverged_at}))
        return found
    states = layer_states(model, x)
    hidden, head = states[:-1], states[-1]
    post_clip = _setting(setup, "post_clip")
    pred = predict(model, x)
    pred = pred if post_clip is None else np.clip(pred, *post_clip)
    y_std, pred_std = float(np.std(y)), float(np.std(pred))
    score = r2(y, pred) if y_std > 0 else float("nan")
    net = _Network(activation=hidden[0].activation if hidden else "linear", head=output_head(model),
                   depth=len(hidden), init=_setting(setup, "init"),
                   lr=run.lr if run is not None else _setting(setup, "lr"),
                   loss=loss or (run.loss_name if run is not None else "mse"),
                   max_abs_x=float(np.max(np.abs(x))), y_lo=float(np.min(y)), y_hi=float(np.max(y)),
                   trend=_loss_trend(run))

    ratio = pred_std / y_std if y_std > 0 else float("inf")
    if ratio < COLLAPSE_STD or (ratio < COLLAPSE_WEAK[0] and score < COLLAPSE_WEAK[1]):
        evidence = {"spread_ratio": ratio, "r2": score, "max_abs_y": max(abs(net.y_lo), abs(net.y_hi)), **net.trend}
        found.append(Finding("collapse", f"predictions are nearly constant: their spread is {ratio:.3f} of the "
                             f"target's (R² = {score:.3f} on the points examined)", tuple(_collapse_fixes(net)), evidence))

    sat = {s.index + 1: s.saturated_fraction for s in hidden if s.activation not in RELU_FAMILY + ("linear",)}
    worst = {k: v for k, v in sat.items() if v > SATURATED_LAYER}
    if worst:
        where = ", ".join(f"layer {k}: {_pct(v)}" for k, v in worst.items())
        found.append(Finding("saturation", f"units sit on the flat tails of their activation ({where} of "
                             f"activations have a derivative below 1% of its peak)", tuple(_saturation_fixes(net)),
                             {"saturated_fraction": sat, "max_abs_x": net.max_abs_x}))

    if head.activation == "sigmoid" and head.saturated_fraction > SATURATED_LAYER:
        found.append(_saturated_head(head, net))

    dead = {s.index + 1: s.dead_fraction for s in hidden if s.activation in RELU_FAMILY}
    worst = {k: v for k, v in dead.items() if v >= DEAD_LAYER}
    if worst:
        where = ", ".join(f"layer {k}: {_pct(v)}" for k, v in worst.items())
        found.append(Finding("dead_units", f"ReLU units never switch on for any input ({where} dead)",
                             tuple(_dead_fixes(net)), {"dead_fraction": dead}))

    norms = gradient_norms(model, x, y)
    top, loss_scale = max(norms), float(np.sqrt(np.mean((y - pred) ** 2)))
    grad_ratio = norms[0] / top if top > 0 else 0.0
    if grad_ratio < VANISHING_RATIO or norms[0] < VANISHING_ABS * loss_scale:
        found.append(Finding("vanishing_gradients", f"the first layer's gradient norm is {norms[0]:.1e} "
                             f"({grad_ratio:.1e} of the largest layer's) at a loss scale of {loss_scale:.2g}: "
                             "the input side barely learns" + (" (dead units pass no gradient)" if worst else
                                               " (the in-model clip passes no gradient)" if net.head == "clip" else ""),
                             tuple(_vanishing_fixes(net, bool(worst))),
                             {"gradient_norms": norms}))

    lo, hi = net.y_lo, net.y_hi
    if hi > lo:
        inside = overshoot(pred, lo, hi)
        beyond = None
        if x_beyond is not None:
            far = predict(model, as_1d_array(x_beyond, "x_beyond"))
            beyond = overshoot(far if post_clip is None else np.clip(far, *post_clip), lo, hi)
        shares = [inside["share"]] + ([beyond["share"]] if beyond else [])
        if max(shares) > OVERSHOOT_SHARE:
            parts = [f"{_pct(inside['share'])} of the training points"]
            if beyond:
                parts.append(f"{_pct(beyond['share'])} of the points beyond the domain (up to "
                             f"{beyond['max_excess']:.2f} ranges out; a net is not to be trusted where it has no data)")
            found.append(Finding("overshoot", f"predictions leave the target's range [{lo:.3g}, {hi:.3g}]: "
                                 + "; ".join(parts), tuple(_overshoot_fixes(net)), {"inside": inside, "beyond": beyond}))

    if not found and score < UNDERFIT_R2:
        found.append(Finding("underfit", f"the fit is poor (R² = {score:.2f} on the points examined) and none of the "
                             "failure modes above is measured", tuple(_underfit_fixes(net)), {"r2": score, **net.trend}))
    return found
