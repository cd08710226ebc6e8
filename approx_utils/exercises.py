"""Exercise checks: each accepts any answer that meets its goal (within its tolerance) and answers a
miss with a hint built from what was measured. A check never raises on a wrong try.
"""
from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from .cases import COLLAPSE_CAUSES, collapse_case
from .config import CANNOT_RUN, Config, make_config
from .experiments import _finished, run_experiment
from .measures import FLAT, OVERSHOOT_TOL, _derivative, _peak_derivative, overshoot, saturation
from .models import build_mlp
from .scaling import get_scaler
from .sweeps import sweep

SEEDS = (0, 1, 2)


@dataclass
class Outcome:
    """A check's answer: passed or not, and what to read next."""

    passed: bool
    message: str

    def __str__(self):
        return ("✓ " if self.passed else "✗ ") + self.message

    def __bool__(self):
        return self.passed

    def _repr_pretty_(self, p, cycle):
        p.text(str(self))


def _attempt(base: dict, changes: dict, allowed: set, max_changes: int | None = None):
    """The one runner's first half: the `Config` of `base` with a student's `changes`, or the Outcome that
    says why that try is not allowed or cannot run. A wrong try never raises."""
    bad = sorted(set(changes) - allowed)
    if bad:
        return Outcome(False, f"only these settings may change: {', '.join(sorted(allowed))} (got {', '.join(bad)})")
    if max_changes is not None and len(changes) > max_changes:
        words = {1: "one", 2: "two", 3: "three"}.get(max_changes, str(max_changes))
        return Outcome(False, f"at most {words} changes, got {len(changes)}: find the {words} that matter most.")
    try:
        return make_config(base, **changes)
    except CANNOT_RUN as err:
        return Outcome(False, f"that setting does not run: {err}")


def _seed_runs(config: Config) -> list | Outcome:
    """`config` run for each of SEEDS (the one seed loop), or the Outcome saying it cannot run."""
    try:
        return [_finished(config.replace(seed=s)) for s in SEEDS]
    except CANNOT_RUN as err:
        return Outcome(False, f"that setting does not run: {err}")


def _fit_goal(config, allowed: set, goal: float = 0.95, done: str = "", more_hint: str = "") -> Outcome:
    """The runner's second half: pass if the median R² over SEEDS reaches `goal`, else a hint from the median
    run, naming only fixes of the settings the exercise lets the student change (`allowed`)."""
    if isinstance(config, Outcome):
        return config
    exps = _seed_runs(config)
    if isinstance(exps, Outcome):
        return exps
    scores = ", ".join(f"{e.r2:.2f}" for e in exps)
    exp = _median_run(exps)
    if exp.r2 >= goal:
        return Outcome(True, f"{done}median R² = {exp.r2:.2f} over seeds {list(SEEDS)} (all: {scores}).")
    return Outcome(False, f"median R² = {exp.r2:.2f}, short of {goal}. " + _hint_from(exp, allowed) + more_hint)


def _measurement(fn, name: str, cases: list[tuple], truth, hints: list) -> Outcome:
    """The one runner of the fill-in-the-blank exercises: the student's `fn` on every case against the
    package's own measurement `truth`; a miss shows the case, both numbers, and the first hint whose test
    (got, *case) holds. A wrong or unfinished function is answered, never raised."""
    if not callable(fn):
        return Outcome(False, f"pass your function itself: {name}, without parentheses (got {type(fn).__name__}).")
    answers = []
    for case in cases:
        try:
            with np.errstate(all="ignore"):  # np.exp(400) in a student's sigmoid is inf, and still right
                got = fn(*(np.array(c) if isinstance(c, np.ndarray) else c for c in case))  # a copy it may change
        except Exception as err:  # noqa: BLE001 - the student's code: say what it raised
            return Outcome(False, f"your {name} raised {type(err).__name__}: {err}")
        if got is None or got is Ellipsis:
            return Outcome(False, f"your {name} returns nothing yet: fill in the blank (...) and return the share.")
        try:
            answers.append(float(got))
        except (TypeError, ValueError):
            return Outcome(False, f"your {name} must return one number, a share from 0 to 1; got "
                                  f"{type(got).__name__} {np.shape(got)}. Hint: np.mean of a True/False array.")
    wants = [truth(*case) for case in cases]
    missed = [k for k, (got, want) in enumerate(zip(answers, wants)) if not abs(got - want) <= 1e-6]
    if missed:  # the hint whose mistake explains every answer
        if all(np.isclose(got, want * np.size(case[0])) for got, want, case in zip(answers, wants, cases)):
            hint = "that is a count: a share divides it by how many values there are (np.mean of a True/False array)."
        else:
            hint = next((h for test, h in hints if all(test(got, *case) for got, case in zip(answers, cases))),
                        "compare your test with the definition above.")
        k = missed[0]
        shown = ", ".join(np.array2string(np.asarray(c), precision=3, threshold=6) for c in cases[k])
        return Outcome(False, f"on ({shown}) your {name} gives {answers[k]:.4g}; the package measures "
                              f"{wants[k]:.4g}. Hint: {hint}")
    return Outcome(True, f"your {name} agrees with the package's measurement on all {len(cases)} test cases.")


def _median_run(exps: list):
    """The run whose R² is the median of the seeds': the one a hint is read from."""
    return sorted(exps, key=lambda e: e.r2)[len(exps) // 2]


def _hint_from(exp, allowed: set) -> str:
    """What `diagnose` found, with the fixes among `allowed`; a fix the exercise forbids is named as such."""
    if not exp.diagnosis:
        return "diagnose finds no pathology: the budget may be too short; try a larger learning rate."
    for f in exp.diagnosis:
        fixes = f.fixes_for(allowed)
        if fixes:
            return f"diagnose says [{f.kind}] {f.message}. Hint: {'; or '.join(x.text for x in fixes)}."
    f = exp.diagnosis[0]
    return (f"diagnose says [{f.kind}] {f.message}. Hint: its fix changes what this exercise keeps fixed "
            f"({f.fix}); look for another way among {', '.join(sorted(allowed))}.")


# ---- 01 saturation --------------------------------------------------------------------------------

def check_input_scaling(x_scale) -> Outcome:
    """01, exercise 1: a scaling of inputs x in [0, 1000] under which fewer than 5% of the first layer of a
    2x20 sigmoid net (Glorot init) sits on a flat tail, at initialization, for every one of three seeds."""
    try:
        scaler = get_scaler(x_scale)
    except (TypeError, ValueError) as err:
        return Outcome(False, f"that is not a scaling: {err}.")
    x = np.random.default_rng(0).uniform(0, 1000, size=512)
    xs = scaler.fit_transform(x)
    flat = [saturation(build_mlp(hidden=(20, 20), activation="sigmoid", init="glorot_uniform", seed=s), xs)[0]
            for s in SEEDS]
    worst = max(flat)
    if worst < 0.05:
        return Outcome(True, f"with {scaler.describe('x')} the inputs span [{xs.min():.3g}, {xs.max():.3g}] and at most "
                             f"{100 * worst:.1f}% of the first layer is flat (goal: under 5%).")
    return Outcome(False, f"with {scaler.describe('x')} the inputs span [{xs.min():.3g}, {xs.max():.3g}] and up to "
                          f"{100 * worst:.0f}% of the first layer is flat (goal: under 5%). "
                          "Hint: a sigmoid is flat where |z| > 6, "
                          "and z = w x with |w| about 0.5 here: bring x down to order 1.")


def _sigmoid_flat_share(z) -> float:
    """The package's flat share of one sigmoid layer: `layer_states`' own test on pre-activations z."""
    z = tf.constant(np.asarray(z, np.float64), tf.float32)
    return float(np.mean(_derivative(keras.activations.sigmoid, z).numpy() < FLAT * _peak_derivative("sigmoid")))


def check_flat_share(flat_share) -> Outcome:
    """01, exercise 3 (fill in the blank): your `flat_share(z)`, the share of a sigmoid layer's pre-activations
    z where its derivative σ(z)(1 - σ(z)) is below 1% of its peak, against the package's measurement."""
    rng = np.random.default_rng(0)
    cases = [(np.array([0.0, 2.0, -5.0, 7.0, -8.0]),), (rng.normal(0, 10, (64, 20)),), (rng.normal(0, 1, 200),),
             (rng.uniform(-400, 400, (32, 20)),)]
    hints = [
        (lambda got, z: np.isclose(got, np.mean(np.abs(z) > 1 / FLAT)), "the bar is on the derivative, not on |z|."),
        (lambda got, z: np.isclose(got, np.mean(_sig_grad(z) < FLAT)),
         "1% of the derivative's peak: σ'(z) peaks at 0.25 (at z = 0), so the bar is 0.0025, not 0.01."),
        (lambda got, z: np.isclose(got, np.mean(_sig_grad(z) >= FLAT * _peak_derivative("sigmoid"))),
         "that is the share that is NOT flat."),
    ]
    return _measurement(flat_share, "flat_share", cases, _sigmoid_flat_share, hints)


def _sig_grad(z):
    s = 1 / (1 + np.exp(-np.asarray(z, np.float64)))
    return s * (1 - s)


def check_sigmoid_sine(**changes) -> Outcome:
    """01, exercise 2: fit the sine with 2x20 sigmoid units to R² >= 0.95 (median of three seeds) in at most
    1500 steps, choosing x_scale, init, lr (and lr_decay, batch_size, steps)."""
    allowed = {"x_scale", "init", "lr", "lr_decay", "batch_size", "steps"}
    base = dict(target="sine", activation="sigmoid", hidden=(20, 20), x_scale=0.1, init="glorot_uniform",
                lr=1e-3, steps=1500, n_train=256)
    config = _attempt(base, changes, allowed)
    if isinstance(config, Config) and config.steps > 1500:
        return Outcome(False, "the budget is at most 1500 steps.")
    at_cap = isinstance(config, Config) and config.steps >= 1500  # "train longer" is then no hint: the budget is used up
    return _fit_goal(config, allowed - {"steps"} if at_cap else allowed)


# ---- 02 constant collapse -------------------------------------------------------------------------

PARABOLA_SOURCE = dict(target="parabola", x_scale=100, y_scale=None, init=0.05, activation="elu", lr=1e-3,
                       steps=1500, n_train=256)


def check_parabola_rescue(**changes) -> Outcome:
    """02, exercise 1: change at most two settings of the source's collapsing parabola, leaving y unscaled,
    so that the median R² over three seeds reaches 0.95 in 1500 steps."""
    if "y_scale" in changes:
        return Outcome(False, "this time y stays as it is (values up to 2500): find a fix on the network's side.")
    allowed = {"x_scale", "init", "activation", "lr", "lr_decay"}
    return _fit_goal(_attempt(PARABOLA_SOURCE, changes, allowed, max_changes=2), allowed, done=f"with {changes}: ",
                     more_hint=" (y stays unscaled here: what else lets the weights reach that scale within the budget?)")


MYSTERIES = {1: "dead ReLUs: learning rate 0.3", 2: "init too small: 6 layers, std 0.001",
             3: "learning rate too small: 1e-5"}


def mystery(k: int):
    """02, exercise 2: a collapsed run whose cause is hidden; read its diagnosis and name the cause."""
    if k not in list(MYSTERIES):  # a list, not the dict: an unhashable try is answered, not raised
        raise ValueError(f"k must be one of {sorted(MYSTERIES)}, got {k!r}")
    return run_experiment(**collapse_case(MYSTERIES[k]), seed=0)


def check_cause(k: int, cause: str) -> Outcome:
    """Is `cause` (a key of COLLAPSE_CAUSES) what made mystery k collapse?"""
    if k not in list(MYSTERIES):  # a list, not the dict: an unhashable try is answered, not raised
        return Outcome(False, f"there is no mystery {k!r}; they are {sorted(MYSTERIES)}.")
    if cause not in list(COLLAPSE_CAUSES):
        return Outcome(False, "name one of the causes: " + "; ".join(map(repr, COLLAPSE_CAUSES)))
    if cause == MYSTERIES[k]:
        return Outcome(True, f"yes: mystery {k} is '{cause}'.")
    kinds = ", ".join(mystery(k).diagnosis.kinds)
    return Outcome(False, f"not '{cause}'. Hint: its diagnosis names [{kinds}]; read each finding's evidence and fix "
                          f"against section 3, and look at its loss (au.plot_loss(m{k}.run)): did it spike, or was it "
                          "still falling?")


# ---- 03 scaling and init --------------------------------------------------------------------------

def check_both_targets(**changes) -> Outcome:
    """03, exercise: with x/100 and raw y, choose init, lr and lr_decay so that the parabola and the indicator
    both reach a median R² >= 0.9 over three seeds in 2000 steps."""
    config = _attempt(dict(init=0.05, lr=1e-3, lr_decay=1.0, x_scale=100), changes, {"init", "lr", "lr_decay"})
    if isinstance(config, Outcome):
        return config
    base = {k: getattr(config, k) for k in ("init", "lr", "lr_decay", "x_scale")}
    try:
        res = sweep([{**base, "target": t, "seed": s} for t in ("parabola", "indicator") for s in SEEDS], steps=2000)
    except CANNOT_RUN as err:
        return Outcome(False, f"that setting does not run: {err}")
    seeds = {t: [r["r2"] for r in res if r["target"] == t] for t in ("parabola", "indicator")}
    medians = {t: float(np.median(v)) for t, v in seeds.items()}
    text = ", ".join(f"{t} median R² = {medians[t]:.2f} (seeds: {', '.join(f'{v:.2f}' for v in seeds[t])})"
                     for t in seeds)
    if min(medians.values()) >= 0.9:
        return Outcome(True, text + ".")
    return Outcome(False, text + ". Hint: the phase diagram's raw-y panel shows what the parabola needs (a large "
                                 "learning rate); the ledger's indicator rows show the indicator needs time to settle: "
                                 "a large learning rate that decays gives both.")


# ---- 04 range overshoot ---------------------------------------------------------------------------

def check_bounded_indicator(**changes) -> Outcome:
    """04, exercise 1: on [0, 1]-normalized data, keep the indicator's predictions inside [0, 1] (within 2%)
    in the domain and half its width beyond it, with a median R² >= 0.95 over three seeds in 1000 steps."""
    return _bounded_indicator(changes, {"output_activation", "post_clip", "y_scale", "init", "lr", "lr_decay"})


LARGE_INIT = 1.0  # 04, exercise 2's start: a bounded head begins saturated, confidently wrong on many samples


def check_head_and_loss(**changes) -> Outcome:
    """04, exercise 2: the same goal from a large init (std LARGE_INIT), choosing only the output head, the loss
    and the y scaling. Measured: every bounded head under squared, absolute or Huber error collapses from there
    (R² -0.25 in 3 of 3 seeds); a sigmoid head under cross-entropy fits (0.98)."""
    return _bounded_indicator(changes, {"output_activation", "loss", "y_scale"}, init=LARGE_INIT)


def _bounded_indicator(changes: dict, allowed: set, init="glorot_uniform") -> Outcome:
    """Median R² >= 0.95 over three seeds in 1000 steps, no prediction outside [0, 1] (2% tolerance) in the
    domain or half its width beyond; a miss gets a hint from what kept it from the goal."""
    base = dict(target="indicator", x_scale="minmax", y_scale="minmax", init=init, lr=1e-2,
                steps=1000, n_train=256)
    config = _attempt(base, changes, allowed)
    exps = config if isinstance(config, Outcome) else _seed_runs(config)
    if isinstance(exps, Outcome):
        return exps
    wide = exps[0].target.grid(1001, 0.5)
    out = max(overshoot(e.predict(wide), 0.0, 1.0)["share"] for e in exps)
    median = _median_run(exps).r2
    text = f"median R² = {median:.2f} (goal: 0.95); up to {100 * out:.0f}% of predictions leave [0, 1] (goal: 0%)"
    if median >= 0.95 and out == 0:
        return Outcome(True, text + ".")
    head, loss = changes.get("output_activation"), changes.get("loss", "mse")
    if out > 0:
        hint = ("a tanh head is bounded to (-1, 1), not [0, 1]: it can dip below 0" if head == "tanh" else
                "a linear head is unbounded: bound the output")
    elif head == "clip":
        hint = "bounded, but clipping inside the model passes no gradient for clipped samples, so it learns poorly"
    elif head is not None and loss != "bce" and "collapse" in _median_run(exps).diagnosis.kinds:
        hint = (f"bounded, but it collapsed: it starts with its head on a flat tail, confidently wrong on many "
                f"samples, and under loss={loss!r} such a sample passes back almost no gradient. Which loss "
                "keeps that gradient? See section 3")
    elif "post_clip" in changes and head is None:
        hint = ("bounded, but the fit is too rough at the jumps: clipping after training cuts off the bumps beside "
                "the jumps, not the rounding of the jumps themselves, where the error is")
    else:
        hint = "bounded, but short of the goal. " + _hint_from(_median_run(exps), allowed).rstrip(".")
    return Outcome(False, f"{text}. Hint: {hint}.")


def check_share_outside(share_outside) -> Outcome:
    """04, exercise 3 (fill in the blank): your `share_outside(pred, lo, hi)`, the share of predictions more
    than 2% of the range (hi - lo) outside [lo, hi], against the package's `overshoot`."""
    rng = np.random.default_rng(1)
    cases = [(np.array([0.5, 1.01, 1.05, -0.03, -0.5]), 0.0, 1.0), (rng.normal(0.5, 0.4, 300), 0.0, 1.0),
             (rng.uniform(-10, 130, 200), 0.0, 100.0), (np.array([2.0, 2.5, 3.0]), 2.0, 3.0)]
    hints = [
        (lambda got, p, lo, hi: np.isclose(got, np.mean((p < lo - OVERSHOOT_TOL) | (p > hi + OVERSHOOT_TOL))),
         "the 2% is of the range's width hi - lo, not 0.02 in y's units."),
        (lambda got, p, lo, hi: np.isclose(got, np.mean((p < lo) | (p > hi))),
         "a prediction within 2% of the range's width beyond it is not counted: compare with lo - 0.02 * (hi - lo)."),
        (lambda got, p, lo, hi: np.isclose(got, np.mean(p > hi + OVERSHOOT_TOL * (hi - lo))),
         "count both sides: below lo as well as above hi."),
    ]
    return _measurement(share_outside, "share_outside", cases, lambda p, lo, hi: overshoot(p, lo, hi)["share"],
                        hints)


# ---- 05 fixes workbench: "fix this broken network" ------------------------------------------------

CHALLENGES = {
    1: dict(target="parabola", x_scale=None, y_scale=None, activation="sigmoid", hidden=(20, 20), init=0.05,
            lr=1e-3, steps=1500, n_train=256),
    2: dict(target="indicator", x_scale=100, y_scale=None, activation="relu", hidden=(20, 20, 20), init="he_normal",
            lr=0.3, steps=1500, n_train=256),
}
CHALLENGE_KNOBS = {"x_scale", "y_scale", "activation", "init", "lr", "lr_decay", "output_activation"}


def challenge(k: int):
    """The broken network of challenge k, trained (seed 0): look at its fit and its diagnosis."""
    if k not in list(CHALLENGES):
        raise ValueError(f"k must be one of {sorted(CHALLENGES)}, got {k!r}")
    return run_experiment(**CHALLENGES[k], seed=0)


def check_challenge(k: int, **changes) -> Outcome:
    """Fix challenge k with at most three changes: median R² >= 0.95 over three seeds, same step budget."""
    if k not in list(CHALLENGES):
        return Outcome(False, f"there is no challenge {k!r}; they are {sorted(CHALLENGES)}.")
    return _fit_goal(_attempt(CHALLENGES[k], changes, CHALLENGE_KNOBS, max_changes=3), CHALLENGE_KNOBS,
                     done=f"challenge {k} fixed: ")
