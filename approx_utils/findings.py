"""What `diagnose` reports: findings with the fixes that fit the network measured, and the advice itself.

Each fix is built from what was measured (`Measured`), so none recommends what is already in place.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SPIKE = 10.0             # a loss peak over 10x its start: the learning rate is too large
STILL_FALLING = 0.999    # the last fifth of the loss under 99.9% of the fifth before: still learning
LARGE_X = 3.0            # inputs beyond |x| = 3 are unscaled for a unit whose bend is at |z| ~ 1
LARGE_Y = 10.0           # targets beyond |y| = 10 are far from a small network's starting outputs (~0)
SMALL_INIT = 0.01        # an init std below this shrinks the signal at every layer of 20 units
CLIPPED_TARGETS = 0.01   # a post_clip that cuts more than 1% of the targets keeps the fit from reaching them


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


class Diagnosis(list):
    """The findings of `diagnose` (a list); empty means nothing looked wrong."""

    @property
    def kinds(self) -> list[str]:
        return [f.kind for f in self]

    def __str__(self):
        return "\n".join(map(str, self)) if self else "no problems found"

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def pct(v) -> str:
    return f"{100 * v:.0f}%"


def loss_trend(run) -> dict:
    """How the loss moved: its peak over its start and where (a spike: the lr is too large), and its
    last fifth over the fifth before (below 0.999: still falling when the run stopped)."""
    if run is None or run.loss.size < 10:
        return {}
    loss, fifth = run.loss, run.loss.size // 5
    return {"loss_spike": float(loss.max() / loss[0]), "spike_step": int(np.argmax(loss)),
            "last_fifth_ratio": float(loss[-fifth:].mean() / loss[-2 * fifth:-fifth].mean())}


@dataclass
class Measured:
    """What `diagnose` measured, and what is in place as far as a finding's advice needs it (read from the
    model, the run and the `Config` it ran with, when given), so no fix recommends what is already there.
    Plain numbers: the rules that read it need no TensorFlow."""

    activation: str = "elu"
    head: str = "linear"
    depth: int = 3
    init: object = None
    lr: float | None = None
    loss: str = "mse"
    max_abs_x: float = 1.0
    y_lo: float = 0.0
    y_hi: float = 1.0
    trend: dict = field(default_factory=dict)
    diverged_at: int | None = None
    diverged: bool = False
    spread_ratio: float = 1.0         # predictions' spread over the targets'
    r2: float = 1.0                   # on the points examined
    saturated: dict = field(default_factory=dict)   # hidden layer (1-based) -> flat share (sigmoid, tanh, ELU, ...)
    head_activation: str = "linear"
    head_saturated: float = 0.0       # the output unit's flat share
    median_abs_logit: float = 0.0
    dead: dict = field(default_factory=dict)        # ReLU layer (1-based) -> share of units flat on every sample
    gradient_norms: list = field(default_factory=lambda: [1.0])
    loss_scale: float = 1.0           # sqrt(MSE) of the predictions examined
    post_clip: tuple | None = None    # the clip applied to predictions after training, if any
    targets_clipped: float = 0.0      # share of the targets outside post_clip: a fit it cannot reach
    inside: dict | None = None        # overshoot on the training points
    beyond: dict | None = None        # ... and beyond the domain, if looked at

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


def scale_x(net) -> Fix:
    return Fix("x_scale", f"standardize x (x_scale='standardize'): the inputs reach |x| = {net.max_abs_x:.3g}, "
                          "which puts z = w x + b far from the activation's bend")


def scale_y(net) -> Fix:
    return Fix("y_scale", f"standardize y (y_scale='standardize'; predictions are mapped back): y reaches "
                          f"{max(abs(net.y_lo), abs(net.y_hi)):.4g} while the network's outputs start near 0")


def clip_fix(net) -> Fix:
    lo, hi = net.post_clip
    return Fix("post_clip", f"post_clip=({lo:g}, {hi:g}) cuts {pct(net.targets_clipped)} of the targets (y spans "
                            f"[{net.y_lo:.3g}, {net.y_hi:.3g}] in the model's units): scale y into the clip's range "
                            "(y_scale='minmax' for (0, 1)) or drop the clip")


def collapse_fixes(net) -> list:
    """The likeliest way out of a collapse, from what was measured, most specific first."""
    if net.targets_clipped > CLIPPED_TARGETS:
        return [clip_fix(net)]
    if net.spiked:
        return [Fix("lr", f"the loss spiked to {net.trend['loss_spike']:.0f}x its start (step {net.trend['spike_step']}): "
                          f"the learning rate is too large and knocked the units into a dead or saturated state; "
                          f"lower it{net.lr_text(0.1)}")]
    if net.head == "clip":
        return [Fix("output_activation", "an in-model clip passes no gradient for the samples it clips: use a "
                                         "sigmoid head"), Fix("post_clip", "train without it and clip after training")]
    if net.large_y:
        return [scale_y(net)]
    if net.still_falling:
        return [Fix("lr", f"the loss was still falling when the run stopped: raise the learning rate{net.lr_text(10)}"),
                Fix("steps", "train longer")]
    if net.small_init:
        return [Fix("init", f"a larger init: std {net.init:g} shrinks the signal at every layer (he_normal scales "
                            "with each layer's fan-in)")]
    return [Fix("steps", "train longer")]


def diverged_fixes(net) -> list:
    """What made the loss overflow, from what was measured: at step 0 nothing was learned yet, so the cause is
    a scale (inputs, targets, init), not the learning rate; later, the learning rate first, then the scales."""
    fixes = [] if net.diverged_at == 0 else [Fix("lr", f"lower the learning rate{net.lr_text(0.1)}")]
    if net.large_x:
        fixes.append(scale_x(net))
    if net.large_y:
        fixes.append(scale_y(net))
    if isinstance(net.init, float) and net.init >= 1:
        fixes.append(Fix("init", f"a smaller init (std {net.init:g}; try glorot_uniform)"))
    if not fixes:  # nothing measured stands out
        fixes = [Fix("lr", f"lower the learning rate{net.lr_text(0.1)}"),
                 Fix("y_scale", "scale y so the loss starts near 1")]
    return fixes


def saturation_fixes(net) -> list:
    if net.large_x:
        return [scale_x(net)]
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


def saturated_head(net) -> Finding:
    """A sigmoid output on its flat tails: under the squared error those samples pass back almost no
    gradient (notebook 04 measures it); under cross-entropy the gradient w.r.t. the logit is p - y."""
    logit, loss, share = net.median_abs_logit, net.loss, net.head_saturated
    message = (f"the sigmoid output sits on its flat tails for {pct(share)} of the samples "
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
    return Finding("saturation", message, fixes, {"head_saturated_fraction": share,
                                                  "median_abs_logit": logit, "loss": loss})


def dead_fixes(net) -> list:
    fixes = [scale_x(net)] if net.large_x else []
    if net.spiked or (net.lr is not None and net.lr >= 0.1):
        fixes.append(Fix("lr", f"a smaller learning rate{net.lr_text(0.1)}: large steps push units off for good"))
    if net.init is None or not (isinstance(net.init, str) and net.init.startswith("he_")):
        fixes.append(Fix("init", "he_normal, so units start active"))
    return fixes + [Fix("activation", "ELU or leaky ReLU units, which never go fully flat")]


def vanishing_fixes(net, dead: bool) -> list:
    if dead or net.head == "clip":
        return []  # dead units, or an in-model clip, pass no gradient: their findings' fixes are the ones to try
    if net.small_init:  # fewer layers do not help a tiny init (notebook 02 measures it): the init is the fix
        return [Fix("init", f"a larger init: std {net.init:g} is far below Glorot/He scale (about 1/sqrt(fan_in))")]
    fixes = [Fix("hidden", f"fewer layers (it has {net.depth})")] if net.depth > 3 else []
    if net.activation in ("sigmoid", "tanh"):
        fixes.append(Fix("activation", "ReLU or ELU units"))
    return fixes


def overshoot_fixes(net) -> list:
    lo, hi = net.y_lo, net.y_hi
    fixes = []
    if net.head == "linear" and lo >= 0 and hi <= 1:
        fixes.append(Fix("output_activation", "a sigmoid head (outputs in (0, 1); squash 0/1 targets to [eps, 1-eps])"))
    elif net.head == "linear" and lo >= -1 and hi <= 1:
        fixes.append(Fix("output_activation", "a tanh head (outputs in (-1, 1))"))
    elif net.head == "tanh" and lo >= 0:
        fixes.append(Fix("output_activation", "a sigmoid head: a tanh head reaches down to -1, below the targets' 0"))
    return fixes + [Fix("post_clip", f"clip predictions to [{lo:.3g}, {hi:.3g}] after training (post_clip)")]


def underfit_fixes(net) -> list:
    fixes = [clip_fix(net)] if net.targets_clipped > CLIPPED_TARGETS else []
    if net.small_init:
        fixes.append(Fix("init", f"a larger init (std {net.init:g} is far below Glorot/He scale)"))
    if net.still_falling:
        fixes.append(Fix("lr", f"the loss was still falling: a larger learning rate{net.lr_text(10)}"))
    return fixes + [Fix("steps", "train longer"), Fix("hidden", "more units or layers")]
