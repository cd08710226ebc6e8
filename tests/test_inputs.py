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
    (lambda: au.overshoot([0.5], 0.0, 1.0, tol=-0.1), ValueError, "tol must be a number >= 0"),
    (lambda: au.plot_fit(None), TypeError, "exp must be an Experiment"),
    (lambda: au.over_seeds({"a": {}}, seeds=5), TypeError, "seeds must be a non-empty list"),
    (lambda: au.over_seeds(["x/100"]), TypeError, "rows must be a non-empty dict"),
    (lambda: au.over_seeds({"a": 100}), TypeError, "row 'a' must be a dict"),
    (lambda: au.Claim("x/100 fits", "x/100"), TypeError, "rows must be a list of row labels"),
    (lambda: au.MinMax(lo="a"), TypeError, "MinMax's \\(lo, hi\\)"),
    (lambda: au.scaling_explorer(target="bogus"), ValueError, "unknown target 'bogus'"),
    (lambda: au.workbench(n_train=1), ValueError, "n_train must be >= 2"),
    (lambda: au.build_mlp(hidden=(100000, 100000)), ValueError, "hidden=\\(100000, 100000\\) has 10,000,400,001 weights"),
    (lambda: au.build_mlp(hidden=(4,) * 1000), ValueError, "hidden has 1000 layers; at most 100"),
    (lambda: au.run_experiment(hidden=(4,) * 101, steps=1), ValueError, "hidden has 101 layers"),
    (lambda: au.Standardize().fit([1.0, 1.0 + 1e-15, 1.0]), ValueError, "nearly constant .*Standardize"),
    (lambda: au.MinMax().fit([1e6, 1e6 + 1e-4]), ValueError, "nearly constant .*MinMax"),
    (lambda: au.MinMax().fit([-1e308, 1e308]), ValueError, "values reaches 1e\\+308, beyond float32"),
    (lambda: au.diagnose(au.build_mlp(hidden=(4,)), [0.0, 1.0], [0.0, 1.0], run="notarun"), TypeError,
     "run must be the Run that train returned"),
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


def _models():
    import keras
    dropout = keras.Sequential([keras.Input((1,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dropout(0.2),
                                keras.layers.Dense(1)])
    i = keras.Input((1,))
    h = keras.layers.BatchNormalization()(keras.layers.Dense(8, activation="relu")(i))
    return dropout, keras.Model(i, keras.layers.Dense(1)(h))


def test_your_own_keras_model_with_other_layers_is_diagnosed_on_its_dense_layers():
    x = np.linspace(-1, 1, 50)
    for model in _models():
        assert len(au.layer_states(model, x)) == 2  # the two Dense layers; Dropout and BatchNorm applied
        assert isinstance(au.diagnose(model, x, x ** 2).kinds, list)
    dropout, _ = _models()
    plain = au.build_mlp(hidden=(8,), activation="tanh")
    plain.set_weights(dropout.get_weights())
    assert au.saturation(dropout, x) == au.saturation(plain, x)  # Dropout is the identity at inference


def test_a_model_of_another_shape_is_refused_clearly_and_never_stops_a_fit():
    import keras
    two = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="one input column to one output"):
        au.diagnose(two, [0.0, 1.0], [0.0, 1.0])
    said = []
    two.compile("adam", "mse")
    two.fit(np.ones((8, 2)), np.ones(8), epochs=3, verbose=0,
            callbacks=[au.DoctorCallback([0.0, 1.0], [0.0, 1.0], every=1, printer=said.append)])
    assert len(said) == 1 and "cannot diagnose this model" in said[0]


def test_inputs_beyond_float32_are_refused():
    with pytest.raises(ValueError, match="beyond float32's range"):
        au.diagnose(au.build_mlp(hidden=(4,)), [0.0, 1e39], [0.0, 1.0])


def test_a_sweep_too_large_for_memory_is_refused_before_allocating():
    with pytest.raises(ValueError, match="needs about 9.2 GB for its activations and loss records; at most 4 GB"):
        au.sweep([{}] * 1000, hidden=(64, 64, 64), n_train=2000, steps=1)
    # the loss records grow with the steps: 12 bytes a step and configuration (float32 record, float64 Run)
    with pytest.raises(ValueError, match="1000 configurations of 400000 steps .* needs about 4.8 GB"):
        au.sweep([{}] * 1000, hidden=(4,), n_train=32, steps=400_000)


def test_one_huge_step_is_reported_as_diverged_not_as_a_fit():
    """lr 1e9 leaves finite weights whose predictions overflow float32: before, R² -4.7e74 and 'saturation'."""
    exp = au.run_experiment(steps=1, lr=1e9, hidden=(8,), n_train=64)
    assert exp.diverged and exp.run.diverged_at == 1 and exp.diagnosis.kinds == ["diverged"]
    assert "learning rate" in exp.diagnosis[0].message + exp.diagnosis[0].fix
    row, = au.sweep([dict(lr=1e9)], hidden=(8,), steps=1, n_train=64).rows
    assert row["diverged"] and row["diagnosis"].kinds == ["diverged"]
