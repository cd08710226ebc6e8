import numpy as np
import pytest

import approx_utils as au


def test_scores_and_predictions_are_in_original_units():
    exp = au.run_experiment("parabola", x_scale=100, y_scale="minmax", init="glorot_uniform", lr=1e-2,
                            steps=1500, n_train=300, seed=1)
    assert exp.r2 > 0.95
    x = np.array([10.0, 50.0, 90.0])
    pred = exp.predict(x)
    np.testing.assert_allclose(pred, (x - 50) ** 2, atol=0.1 * 1600)
    np.testing.assert_allclose(exp.predict(exp.x_grid), exp.y_grid_pred, rtol=1e-5, atol=1e-3)
    assert exp.r2 == pytest.approx(au.r2(exp.target(exp.x_grid), exp.y_grid_pred))


def test_same_config_same_numbers_and_a_later_run_does_not_change_an_earlier_one():
    kw = dict(target="indicator", x_scale=100, init=0.5, steps=300, n_train=200)
    first = au.run_experiment(seed=0, **kw)
    first_pred = first.predict(first.x_grid)
    au.run_experiment(seed=1, **kw)  # same architecture: reuses the pooled model
    again = au.run_experiment(seed=0, **kw)
    assert again.r2 == first.r2
    np.testing.assert_array_equal(first.predict(first.x_grid), first_pred)
    for p, q in zip(first.model.get_weights(), again.weights):
        np.testing.assert_array_equal(p, q)


def test_a_diverging_experiment_is_reported_not_raised():
    exp = au.run_experiment("parabola", init=5.0, lr=10.0, steps=200, n_train=100, optimizer="sgd")
    assert exp.diverged and exp.r2 == float("-inf")
    assert exp.diagnosis.kinds == ["diverged"]
    assert np.all(np.isnan(exp.y_grid_pred))
    assert "diverged" in repr(exp)


def test_the_config_is_recorded():
    exp = au.run_experiment("abs", steps=10, n_train=50, hidden=(5,), activation="tanh", lr_decay=0.5)
    assert exp.config.hidden == (5,) and exp.config.activation == "tanh" and exp.config.lr_decay == 0.5
    assert exp.run.steps_done == 10 and exp.x_train.size == 50


@pytest.mark.parametrize("kwargs, err, name", [
    (dict(target="cubic"), ValueError, "target"),
    (dict(x_scale="log"), ValueError, "scale"),
    (dict(y_scale=-1), ValueError, "scale"),
    (dict(init=-0.1), ValueError, "init"),
    (dict(activation="step"), ValueError, "activation"),
    (dict(hidden=[]), TypeError, "hidden"),
    (dict(steps=0), ValueError, "steps"),
    (dict(lr=0), ValueError, "lr"),
    (dict(batch_size=-32), ValueError, "batch_size"),
    (dict(seed=1.5), TypeError, "seed"),
    (dict(n_train=1), ValueError, "n_train"),
    (dict(output_activation="relu"), ValueError, "output_activation"),
    (dict(beyond=-1.0), ValueError, "beyond"),
    (dict(post_clip=(1, 0)), ValueError, "post_clip"),
    (dict(post_clip="0-1"), TypeError, "post_clip"),
    (dict(lr_decay=2.0), ValueError, "lr_decay"),
])
def test_bad_arguments_name_the_parameter(kwargs, err, name):
    with pytest.raises(err, match=name):
        au.run_experiment(**{"steps": 5, "n_train": 20, **kwargs})


def test_live_iteration_ends_where_one_run_ends():
    kw = dict(target="sine", x_scale="standardize", init="glorot_uniform", lr=1e-2, steps=120, n_train=100,
              batch_size=32, lr_decay=0.5)
    chunks = list(au.iterate_experiment(every=50, **kw))
    assert [c.run.steps_done for c in chunks] == [50, 100, 120]
    whole = au.run_experiment(**kw)
    assert chunks[-1].r2 == whole.r2
    np.testing.assert_array_equal(chunks[-1].run.loss, whole.run.loss)


def test_post_clip_bounds_predictions_in_model_units():
    kw = dict(target="indicator", x_scale="minmax", init="glorot_uniform", lr=1e-2, steps=600, n_train=200)
    raw = au.run_experiment(**kw)
    clipped = au.run_experiment(post_clip=(0, 1), **kw)
    assert raw.y_grid_pred.max() > 1 or raw.y_grid_pred.min() < 0
    assert clipped.y_grid_pred.min() >= 0 and clipped.y_grid_pred.max() <= 1
    np.testing.assert_array_equal(clipped.y_grid_pred, np.clip(raw.y_grid_pred, 0, 1))
    assert clipped.r2 >= raw.r2
    assert clipped.predict([-50.0, 150.0]).max() <= 1


def test_post_clip_acts_on_scaled_predictions():
    kw = dict(target="sine", x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2, steps=600, n_train=200)
    raw, clipped = au.run_experiment(**kw), au.run_experiment(post_clip=(0, 1), **kw)
    assert clipped.y_grid_pred.min() >= -1 - 1e-9 and clipped.y_grid_pred.max() <= 1 + 1e-9  # the sine's own range
    assert clipped.r2 >= raw.r2 > 0.9


def test_run_experiment_trains_with_the_loss_it_is_given():
    kw = dict(target="indicator", x_scale="minmax", y_scale="minmax", output_activation="sigmoid", steps=50, n_train=64)
    mse, bce = au.run_experiment(**kw), au.run_experiment(**kw, loss="bce")
    assert mse.config.loss == "mse" and bce.config.loss == "bce" and bce.run.loss_name == "bce"
    assert mse.run.loss[0] != bce.run.loss[0]
    with pytest.raises(ValueError, match="y_scale='minmax'"):
        au.run_experiment("parabola", output_activation="sigmoid", loss="bce", steps=5, n_train=16)


def test_an_unknown_option_names_run_experiment_and_what_it_accepts():
    with pytest.raises(TypeError) as err:  # an explicit signature: Python names the function and the word
        au.run_experiment("parabola", colour="red")
    assert "run_experiment()" in str(err.value) and "'colour'" in str(err.value)
    with pytest.raises(TypeError) as err:  # settings given as a dict or keywords: the known ones are listed
        next(au.iterate_experiment({"target": "parabola", "colour": "red"}))
    text = str(err.value)
    assert "'colour'" in text and "loss" in text and "x_scale" in text


@pytest.mark.parametrize("call", [lambda x, y: au.diagnose("x", x, y), lambda x, y: au.gradient_norms("x", x, y),
                                  lambda x, y: au.saturation("x", x), lambda x, y: au.dead_units(None, x),
                                  lambda x, y: au.sample_gradient_norms(3, x, y), lambda x, y: au.train("x", x, y)])
def test_a_model_that_is_not_a_model_is_a_type_error(call):
    x, y = np.linspace(0, 1, 8), np.linspace(0, 1, 8)
    with pytest.raises(TypeError, match="model must be a Keras model"):
        call(x, y)


def test_diagnose_names_cross_entropy_for_a_saturated_sigmoid_head():
    kw = dict(target="indicator", x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2,
              output_activation="sigmoid", steps=1500, n_train=128)
    head = [f for f in au.run_experiment(**kw).diagnosis if "sigmoid output" in f.message]
    assert head and "loss='bce'" in head[0].fix
    squashed = au.run_experiment(**{**kw, "y_scale": au.MinMax(0.01, 0.99)}, loss="bce")
    assert not [f for f in squashed.diagnosis if "sigmoid output" in f.message]


def test_range_shares_judge_the_predictions_as_returned():
    common = dict(target="indicator", x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2, steps=300,
                  n_train=128)
    linear = au.run_experiment(**common, beyond=0.5)
    assert set(linear.range_shares()) == {"inside", "beyond"} and linear.range_shares()["beyond"] > 0.1
    assert set(linear.range_shares(beyond=0)) == {"inside"}
    clipped = au.run_experiment(**common, post_clip=(0, 1))
    assert clipped.range_shares(beyond=0.5) == {"inside": 0.0, "beyond": 0.0}


def test_a_run_between_runs_of_another_architecture_does_not_change_its_numbers():
    kw = dict(target="sine", x_scale="standardize", init="glorot_uniform", lr=1e-2, steps=60, n_train=64)
    first = au.run_experiment(**kw)
    again = au.run_experiment(**kw)  # the same setting twice: the same numbers
    assert again.r2 == first.r2 and again.run.final_loss == first.run.final_loss
    au.run_experiment(**{**kw, "hidden": (7, 5), "activation": "tanh", "output_activation": "clip"})
    au.run_experiment(**{**kw, "lr": 0.3, "init": 2.0, "seed": 1})  # same architecture, another start and schedule
    after = au.run_experiment(**kw)
    assert after.r2 == first.r2 and after.run.final_loss == first.run.final_loss
    np.testing.assert_array_equal(after.run.loss, first.run.loss)
    for p, q in zip(after.weights, first.weights):
        np.testing.assert_array_equal(p, q)
