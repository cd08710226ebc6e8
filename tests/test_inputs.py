"""What a student might type: every public function answers a wrong argument with a clear error naming it."""
import numpy as np
import pytest

import approx_utils as au
from approx_utils.exercises import check_cause, check_challenge


@pytest.mark.parametrize("call, error, words", [
    (lambda: au.Config(seed=2**31), ValueError, "seed must be < 2\\*\\*31"),
    (lambda: au.Config(steps=10**9), ValueError, "steps must be at most 1,000,000"),
    (lambda: au.sweep([{"seed": 2**31}], steps=10), ValueError, "seed"),
    (lambda: au.grid_configs(target="parabola"), TypeError, "grid_configs\\(target=...\\) takes a non-empty list"),
    (lambda: au.r2(None, None), TypeError, "y_true"),
    (lambda: au.r2([1.0, np.nan], [1.0, 2.0]), ValueError, "y_true holds 1 NaN"),
    (lambda: au.r2(np.ones((10, 2)), np.ones((2, 10))), ValueError, "y_true must be 1-D"),
    (lambda: au.r2([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError, "one length"),
    (lambda: au.overshoot([0.5], 0.0, 1.0, tol=-0.1), ValueError, "tol must be >= 0"),
    (lambda: au.plot_fit(None), TypeError, "exp must be an Experiment"),
    (lambda: au.over_seeds({"a": {}}, seeds=5), TypeError, "seeds must be a non-empty list"),
    (lambda: au.over_seeds(["x/100"]), TypeError, "rows must be a non-empty dict"),
    (lambda: au.over_seeds({"a": 100}), TypeError, "row 'a' must be a dict"),
    (lambda: au.Claim("x/100 fits", "x/100"), TypeError, "rows must be a list of row labels"),
    (lambda: au.MinMax(lo="a"), TypeError, "MinMax's \\(lo, hi\\)"),
    (lambda: au.scaling_explorer(target="bogus"), ValueError, "unknown target 'bogus'"),
    (lambda: au.workbench(n_train=1), ValueError, "n_train must be >= 2"),
])
def test_a_wrong_argument_is_a_clear_error(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_plot_fit_checks_its_own_arguments():
    exp = au.run_experiment(target="sine", x_scale="standardize", hidden=(4,), steps=5, n_train=16)
    with pytest.raises(ValueError, match="max_points must be >= 1"):
        au.plot_fit(exp, max_points=0)


def test_an_unhashable_answer_to_an_exercise_is_answered_not_raised():
    assert not check_cause([1], "x")
    assert not check_cause(1, ["dead ReLUs"])
    assert not check_challenge([1])
