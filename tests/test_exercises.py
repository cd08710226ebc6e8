"""Exercise checks accept any correct answer and answer a wrong one with a hint, never an exception."""
import numpy as np
import pytest

import approx_utils as au

E = au.exercises


@pytest.mark.parametrize("answer", ["standardize", "minmax", 1000, 500.0])
def test_input_scaling_accepts_any_scaling_that_brings_x_to_order_one(answer):
    assert E.check_input_scaling(answer)


@pytest.mark.parametrize("answer", [None, 10, "log", -3, [1, 2]])
def test_input_scaling_answers_a_miss_with_a_hint(answer):
    out = E.check_input_scaling(answer)
    assert not out and str(out).startswith("✗")
    assert "Hint" in out.message or "not a scaling" in out.message


def test_sigmoid_sine_checks_the_goal_and_the_rules():
    assert E.check_sigmoid_sine(x_scale="standardize", lr=1e-2)
    miss = E.check_sigmoid_sine(x_scale=0.1)
    assert not miss and "saturation" in miss.message
    assert "only these settings" in E.check_sigmoid_sine(activation="relu").message
    assert "1500" in E.check_sigmoid_sine(steps=5000).message
    assert "does not run" in E.check_sigmoid_sine(lr=-1.0).message


def test_parabola_rescue_rules_and_a_solution():
    assert E.check_parabola_rescue(lr=0.3)
    assert "y stays" in E.check_parabola_rescue(y_scale="minmax").message
    assert "at most two" in E.check_parabola_rescue(lr=0.3, init=0.5, activation="relu").message
    miss = E.check_parabola_rescue(init=0.5)
    assert not miss and "Hint" in miss.message


def test_mysteries_are_named_by_their_cause():
    assert E.check_cause(2, "init too small: 6 layers, std 0.001")
    wrong = E.check_cause(2, "learning rate too small: 1e-5")
    assert not wrong and "vanishing_gradients" in wrong.message
    assert not E.check_cause(2, "gremlins") and not E.check_cause(9, "x")
    with pytest.raises(ValueError, match="k must be"):
        E.mystery(9)


# ---- a wrong try gets the hint written for its case -----------------------------------------------

def test_input_scaling_that_leaves_x_large_is_told_to_bring_it_to_order_one():
    out = E.check_input_scaling(10)  # x / 10: inputs up to ~100, most first-layer sigmoids flat
    assert not out and str(out).startswith("✗")
    assert "with x / 10 the inputs" in out.message and "flat where |z| > 6" in out.message
    assert "bring x down to order 1" in out.message


def test_bounded_indicator_hints_name_the_head_that_missed():
    linear = E.check_bounded_indicator()  # the linear head: overshoots [0, 1]
    assert not linear and "leave [0, 1]" in linear.message
    assert "Hint: a linear head is unbounded: bound the output." in linear.message
    clipped = E.check_bounded_indicator(output_activation="clip")  # bounded, but learns poorly
    assert not clipped and "up to 0% of predictions leave" in clipped.message
    assert "clipping inside the model passes no gradient for clipped samples" in clipped.message


def test_head_and_loss_explains_why_a_tanh_head_is_not_bounded_to_the_range():
    out = E.check_head_and_loss(output_activation="tanh")
    assert not out and "(goal: 0%)" in out.message
    assert "a tanh head is bounded to (-1, 1), not [0, 1]: it can dip below 0" in out.message


@pytest.mark.parametrize("changes", [dict(output_activation="sigmoid"), dict(output_activation="sigmoid", loss="huber"),
                                     dict(output_activation="tanh", y_scale=au.MinMax(-1, 1))])
def test_head_and_loss_needs_the_cross_entropy_from_its_large_init(changes):
    """Exercise 2 asks for section 3's point: from a saturated start only a loss that keeps a wrong sample's
    gradient learns; a bounded head under squared or Huber error collapses (a sigmoid and mse passed before)."""
    out = E.check_head_and_loss(**changes)
    assert not out and "it collapsed" in out.message and "Which loss keeps that gradient?" in out.message


def test_head_and_loss_passes_with_a_sigmoid_head_and_the_cross_entropy():
    assert E.check_head_and_loss(output_activation="sigmoid", loss="bce")


def test_both_targets_points_to_a_large_decaying_learning_rate():
    out = E.check_both_targets()  # the source's init 0.05 and lr 1e-3: both targets collapse
    assert not out and "parabola median R² = " in out.message and "indicator median R² = " in out.message
    assert "a large learning rate that decays gives both" in out.message


# ---- a wrong-typed try is a wrong try: a falsy Outcome naming the parameter, never an exception -------

@pytest.mark.parametrize("check, kwargs, name", [
    (E.check_parabola_rescue, dict(steps="2000"), "steps"),  # not a setting this exercise lets change
    (E.check_parabola_rescue, dict(lr="0.3"), "lr"),
    (E.check_sigmoid_sine, dict(lr="0.01"), "lr"),
    (E.check_both_targets, dict(lr_decay="0.1"), "lr_decay"),
    (E.check_bounded_indicator, dict(post_clip="0-1"), "post_clip"),
    (E.check_head_and_loss, dict(loss=3), "loss"),
    (lambda **kw: E.check_challenge(1, **kw), dict(init=[0.5]), "init"),
])
def test_a_wrong_typed_try_is_answered_not_raised(check, kwargs, name):
    out = check(**kwargs)
    assert not out and name in out.message


def test_a_wrong_typed_step_budget_is_answered_not_raised():
    out = E.check_sigmoid_sine(steps="2000")  # was a TypeError comparing '2000' > 1500
    assert not out and "steps" in out.message


# -- fill in the blank: the student writes the measurement ---------------------------------------------
def _sigmoid_flat(z):
    with np.errstate(over="ignore"):  # exp(400) is inf, and the sigmoid still 0
        s = 1 / (1 + np.exp(-z))
    return np.mean(s * (1 - s) < 0.01 * 0.25)


def _unfinished(z):
    ...


@pytest.mark.parametrize("fn, passed, says", [
    (_sigmoid_flat, True, "agrees with the package's measurement on all 4"),
    (lambda z: np.mean(np.abs(z) > 6), True, "agrees"),  # the same test, read off the curve
    (lambda z: np.mean((lambda s: s * (1 - s))(1 / (1 + np.exp(-z))) < 0.01), False, "bar is 0.0025, not 0.01"),
    (lambda z: np.mean(np.abs(z) > 100), False, "the bar is on the derivative"),
    (lambda z: 1 - _sigmoid_flat(z), False, "NOT flat"),
    (lambda z: np.sum(np.abs(z) > 6), False, "that is a count"),
    (_unfinished, False, "returns nothing yet"),
    (lambda z: z, False, "must return one number"),
    (lambda z: undefined_name, False, "raised NameError"),  # noqa: F821
    ("flat_share", False, "pass your function itself"),
])
def test_flat_share_is_checked_against_the_package_and_a_miss_gets_its_hint(fn, passed, says):
    outcome = au.exercises.check_flat_share(fn)
    assert outcome.passed is passed and says in outcome.message, outcome.message


def test_flat_share_agrees_with_the_measurement_diagnose_reads():
    model = au.build_mlp(hidden=(20, 20), activation="sigmoid", init="glorot_uniform", seed=0)
    x = np.linspace(0, 1000, 256)
    pre = au.layer_states(model, x)[0].pre
    assert _sigmoid_flat(pre) == pytest.approx(au.saturation(model, x)[0], abs=1e-3)


def _outside(pred, lo, hi):
    tol = 0.02 * (hi - lo)
    return np.mean((pred < lo - tol) | (pred > hi + tol))


@pytest.mark.parametrize("fn, passed, says", [
    (_outside, True, "agrees with the package's measurement on all 4"),
    (lambda p, lo, hi: np.mean((p < lo) | (p > hi)), False, "within 2% of the range's width"),
    (lambda p, lo, hi: np.mean(p > hi + 0.02 * (hi - lo)), False, "count both sides"),
    (lambda p, lo, hi: np.mean((p < lo - 0.02) | (p > hi + 0.02)), False, "not 0.02 in y's units"),
    (lambda p, lo, hi: np.sum(np.abs(p - (lo + hi) / 2) > 0.52 * (hi - lo)), False, "that is a count"),
    (lambda p, lo: 0.0, False, "raised TypeError"),
])
def test_share_outside_is_checked_against_overshoot_and_a_miss_gets_its_hint(fn, passed, says):
    outcome = au.exercises.check_share_outside(fn)
    assert outcome.passed is passed and says in outcome.message, outcome.message


def test_a_function_that_changes_its_input_does_not_change_the_next_case():
    def clobbering(pred, lo, hi):
        result = _outside(pred, lo, hi)
        pred[:] = 0
        return result
    assert au.exercises.check_share_outside(clobbering).passed
