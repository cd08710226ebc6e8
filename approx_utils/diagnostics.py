"""`diagnose`: measure a fitted model once (`measure`), then let one small rule per kind name what is wrong.

The rules read plain numbers (`Measured`), so each is tested at its thresholds without TensorFlow;
`RULES` is the registry, in the order findings are reported, and defines `KINDS`.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_1d_array, check_model, check_pair
from .config import CANNOT_RUN, Config, make_config
from .findings import (
    Diagnosis,
    Finding,
    Measured,
    collapse_fixes,
    dead_fixes,
    diverged_fixes,
    loss_trend,
    overshoot_fixes,
    pct,
    saturated_head,
    saturation_fixes,
    underfit_fixes,
    vanishing_fixes,
)
from .measures import gradient_norms, layer_states, overshoot, r2
from .models import output_head, predict
from .training import Run

SATURATED_LAYER = 0.5    # a layer with more than half its (sample, unit) pairs flat is saturated
DEAD_LAYER = 0.5         # a layer with at least half its ReLUs off on every sample has dead units
COLLAPSE_STD = 0.1       # predictions spread less than 10% of the target's spread: (nearly) constant,
COLLAPSE_WEAK = (0.3, 0.05)  # ... or less than 30% while explaining under 5% of the variance (R² < 0.05)
VANISHING_RATIO = 1e-3   # first-layer gradient under 1/1000 of the largest layer's,
VANISHING_ABS = 1e-6     # ... or under 1e-6 of the loss's own scale (sqrt(MSE)): every layer starved
CONSTANT_MISS = 0.02     # a constant target missed by more than 2% of its size (or of 1) is underfit
OVERSHOOT_SHARE = 0.01   # predictions out of range for more than 1% of the points is an overshoot finding
UNDERFIT_R2 = 0.9        # a fit below this R² on the training points that no other finding explains
RELU_FAMILY = ("relu", "relu6")

RULES: dict = {}  # kind -> rule(m: Measured) -> list of findings; reported in this order


def rule(kind: str):
    """Register a rule for `kind`."""
    def register(fn):
        RULES[kind] = fn
        return fn
    return register


def diverged_finding(at, m: Measured | None = None) -> Finding:
    """Training diverged (at step `at`, if known), with fixes for the cause `m` measured (if given)."""
    where = "" if at is None else f" at step {at}"
    when = " before any step could change the weights" if at == 0 else ""
    fixes = diverged_fixes(m if m is not None else Measured(diverged_at=at))
    return Finding("diverged", f"training diverged{where}: the loss became NaN or infinite{when}", tuple(fixes),
                   {"diverged_at": at})


@rule("diverged")
def _diverged(m: Measured) -> list:
    return [diverged_finding(m.diverged_at, m)] if m.diverged else []


@rule("collapse")
def _collapse(m: Measured) -> list:
    ratio, score = m.spread_ratio, m.r2
    if not (ratio < COLLAPSE_STD or (ratio < COLLAPSE_WEAK[0] and score < COLLAPSE_WEAK[1])):
        return []
    evidence = {"spread_ratio": ratio, "r2": score, "max_abs_y": max(abs(m.y_lo), abs(m.y_hi)), **m.trend}
    return [Finding("collapse", f"predictions are nearly constant: their spread is {ratio:.3f} of the target's "
                    f"(R² = {score:.3f} on the points examined)", tuple(collapse_fixes(m)), evidence)]


@rule("saturation")
def _saturation(m: Measured) -> list:
    found = []
    worst = {k: v for k, v in m.saturated.items() if v > SATURATED_LAYER}
    if worst:
        where = ", ".join(f"layer {k}: {pct(v)}" for k, v in worst.items())
        found.append(Finding("saturation", f"units sit on the flat tails of their activation ({where} of activations "
                             "have a derivative below 1% of its peak)", tuple(saturation_fixes(m)),
                             {"saturated_fraction": m.saturated, "max_abs_x": m.max_abs_x}))
    if m.head_activation == "sigmoid" and m.head_saturated > SATURATED_LAYER:
        found.append(saturated_head(m))
    return found


def _dead_layers(m: Measured) -> dict:
    return {k: v for k, v in m.dead.items() if v >= DEAD_LAYER}


@rule("dead_units")
def _dead_units(m: Measured) -> list:
    worst = _dead_layers(m)
    if not worst:
        return []
    where = ", ".join(f"layer {k}: {pct(v)}" for k, v in worst.items())
    return [Finding("dead_units", f"ReLU units never switch on for any input ({where} dead)", tuple(dead_fixes(m)),
                    {"dead_fraction": m.dead})]


@rule("vanishing_gradients")
def _vanishing(m: Measured) -> list:
    norms, scale = m.gradient_norms, m.loss_scale
    ratio = norms[0] / max(norms) if max(norms) > 0 else 0.0
    if not (ratio < VANISHING_RATIO or norms[0] < VANISHING_ABS * scale):
        return []
    dead = bool(_dead_layers(m))
    why = " (dead units pass no gradient)" if dead else " (the in-model clip passes no gradient)" if m.head == "clip" else ""
    return [Finding("vanishing_gradients", f"the first layer's gradient norm is {norms[0]:.1e} ({ratio:.1e} of the "
                    f"largest layer's) at a loss scale of {scale:.2g}: the input side barely learns" + why,
                    tuple(vanishing_fixes(m, dead)), {"gradient_norms": norms})]


@rule("overshoot")
def _overshoot(m: Measured) -> list:
    shares = [s["share"] for s in (m.inside, m.beyond) if s is not None]
    if not shares or max(shares) <= OVERSHOOT_SHARE:
        return []
    parts = [f"{pct(m.inside['share'])} of the training points"]
    if m.beyond:
        parts.append(f"{pct(m.beyond['share'])} of the points beyond the domain (up to {m.beyond['max_excess']:.2f} "
                     "ranges out; a net is not to be trusted where it has no data)")
    return [Finding("overshoot", f"predictions leave the target's range [{m.y_lo:.3g}, {m.y_hi:.3g}]: " + "; ".join(parts),
                    tuple(overshoot_fixes(m)), {"inside": m.inside, "beyond": m.beyond})]


@rule("underfit")
def _underfit(m: Measured) -> list:  # asked only when no other rule found anything
    if m.y_hi == m.y_lo:  # constant targets: R² is undefined, so judge the miss against the target's size
        if not m.loss_scale > CONSTANT_MISS * max(abs(m.y_hi), 1.0):
            return []
        return [Finding("underfit", f"the targets are constant (y = {m.y_hi:.3g}) and the predictions miss them by "
                        f"{m.loss_scale:.3g} (root mean square; R² is undefined for a constant target)",
                        tuple(underfit_fixes(m)), {"rms": m.loss_scale, **m.trend})]
    if not m.r2 < UNDERFIT_R2:
        return []
    return [Finding("underfit", f"the fit is poor (R² = {m.r2:.2f} on the points examined) and none of the failure "
                    "modes above is measured", tuple(underfit_fixes(m)), {"r2": m.r2, **m.trend})]


KINDS = tuple(RULES)


def _check_setup(setup) -> None:
    """None, a `Config`, or a dict of known settings with allowed values (the dict may name only some)."""
    if isinstance(setup, dict):
        try:
            make_config(setup)
        except CANNOT_RUN as err:
            raise type(err)(f"setup: {err}") from None
    elif setup is not None and not isinstance(setup, Config):
        raise TypeError(f"setup must be a Config or a dict of settings, got {type(setup).__name__}")


def _setting(setup, name: str, default=None):
    """A setting of `setup`: a `Config` or a dict of settings (None: not known)."""
    if setup is None:
        return default
    if isinstance(setup, dict):
        return setup.get(name, default)
    if isinstance(setup, Config):
        return getattr(setup, name)
    raise TypeError(f"setup must be a Config or a dict of settings, got {type(setup).__name__}")


def measure(model, x, y, run=None, x_beyond=None, loss=None, setup=None) -> Measured:
    """Everything the rules read, measured once on (x, y) in the model's units (see `diagnose`)."""
    check_model(model)
    x, y = check_pair(x, y)
    if run is not None and not isinstance(run, Run):
        raise TypeError(f"run must be the Run that train returned (or None), got {type(run).__name__}")
    _check_setup(setup)
    loss = loss or (run.loss_name if run is not None else "mse")
    m = Measured(head=output_head(model), init=_setting(setup, "init"), loss=loss,
                 lr=run.lr if run is not None else _setting(setup, "lr"), max_abs_x=float(np.max(np.abs(x))),
                 y_lo=float(np.min(y)), y_hi=float(np.max(y)), trend=loss_trend(run))
    # Weights or predictions beyond float32 (a huge last step leaves finite weights that overflow) diverged.
    raw = predict(model, x)
    finite = all(np.all(np.isfinite(w)) for w in model.get_weights()) and np.all(np.isfinite(raw))
    if (run is not None and run.diverged) or not finite:
        m.diverged, m.diverged_at = True, run.diverged_at if run is not None else None
        return m
    _measure_layers(m, layer_states(model, x))
    post_clip = m.post_clip = _setting(setup, "post_clip")
    if post_clip is not None:
        m.targets_clipped = float(np.mean((y < post_clip[0]) | (y > post_clip[1])))
    pred = _clipped(raw, post_clip)
    y_std = float(np.std(y))
    m.r2 = r2(y, pred) if y_std > 0 else float("nan")
    m.spread_ratio = float(np.std(pred)) / y_std if y_std > 0 else float("inf")
    m.gradient_norms = gradient_norms(model, x, y, loss)
    m.loss_scale = float(np.sqrt(np.mean((y - pred) ** 2)))
    if m.y_hi > m.y_lo:
        m.inside = overshoot(pred, m.y_lo, m.y_hi)
        if x_beyond is not None:
            far = predict(model, as_1d_array(x_beyond, "x_beyond"))
            m.beyond = overshoot(_clipped(far, post_clip), m.y_lo, m.y_hi)
    return m


def _clipped(pred, post_clip):
    return pred if post_clip is None else np.clip(pred, *post_clip)


def _measure_layers(m: Measured, states) -> None:
    """The hidden layers' flat and dead shares and the output unit's state, into `m`."""
    hidden, out = states[:-1], states[-1]
    m.activation, m.depth = hidden[0].activation if hidden else "linear", len(hidden)
    m.saturated = {s.index + 1: s.saturated_fraction for s in hidden if s.activation not in RELU_FAMILY + ("linear",)}
    m.dead = {s.index + 1: s.dead_fraction for s in hidden if s.activation in RELU_FAMILY}
    m.head_activation, m.head_saturated = out.activation, out.saturated_fraction
    m.median_abs_logit = float(np.median(np.abs(out.pre)))


def diagnose(model, x, y, run=None, x_beyond=None, loss=None, setup=None) -> Diagnosis:
    """Name what is wrong with a model fitted to (x, y), given in the model's own units.

    Args:
        model: a Keras model with one input and one output.
        x, y: the inputs and targets to judge it on (1-D, in the model's units).
        run: the training `Run`, to report divergence and read how the loss moved.
        x_beyond: inputs outside the training domain, to measure overshoot where the net extrapolates.
        loss: what it was trained with, if not run's (default 'mse'), for the gradients and the advice.
        setup: the `Config` (or dict of settings) it was built and trained with, so that no fix
            recommends what is already in place; predictions are judged after its `post_clip`.
    Returns a `Diagnosis` (empty when all is well); each finding's fixes fit this network.
    """
    m = measure(model, x, y, run, x_beyond, loss, setup)
    if m.diverged:
        return Diagnosis(_diverged(m))
    found = Diagnosis(f for kind, check in RULES.items() if kind not in ("diverged", "underfit") for f in check(m))
    return found or Diagnosis(_underfit(m))
