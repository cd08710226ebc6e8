"""Exercise checks accept any correct answer and answer a wrong one with a hint, never an exception."""
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
