"""`Config`: every setting once, with its default and its constraint; one vocabulary for every run."""
import inspect

import pytest

import approx_utils as au
from approx_utils.config import NAMES, SWEEP_BUDGET


def test_run_experiment_declares_every_setting_with_config_defaults_and_no_kwargs():
    params = inspect.signature(au.run_experiment).parameters
    assert all(p.kind is not p.VAR_KEYWORD for p in params.values())
    assert tuple(params) == NAMES
    for name, p in params.items():  # each default is Config's (after its normalization: None head -> 'linear')
        assert au.Config(**{name: p.default}) == au.Config(), name
    assert "Args:" in au.run_experiment.__doc__
    for name in NAMES:
        assert f"{name}" in au.run_experiment.__doc__, name


@pytest.mark.parametrize("changes, error, words", [
    (dict(steps=0), ValueError, "steps must be >= 1"),
    (dict(steps="2000"), TypeError, "steps must be an integer"),
    (dict(lr=-1.0), ValueError, "lr must be a finite number > 0"),
    (dict(lr_decay=2.0), ValueError, "lr_decay"),
    (dict(activation="swish2"), ValueError, "activation"),
    (dict(output_activation="softmax"), ValueError, "output_activation"),
    (dict(hidden=()), TypeError, "hidden"),
    (dict(x_scale="log"), ValueError, "x_scale"),
    (dict(target="cubic"), ValueError, "target"),
    (dict(init=-0.1), ValueError, "init"),
    (dict(post_clip=(1, 0)), ValueError, "post_clip"),
    (dict(loss="hinge"), ValueError, "loss"),
    (dict(optimizer="lbfgs"), ValueError, "optimizer"),
    (dict(beyond=-0.5), ValueError, "beyond"),
])
def test_a_bad_setting_is_an_error_naming_it(changes, error, words):
    with pytest.raises(error, match=words):
        au.Config(**changes)
    with pytest.raises(error, match=words):
        au.run_experiment(**changes)


def test_an_unknown_setting_names_the_known_ones():
    with pytest.raises(TypeError, match="unknown setting.*'stepz'.*steps"):
        au.Config().replace(stepz=10)
    with pytest.raises(TypeError, match="stepz"):
        au.run_experiment(stepz=10)


def test_configs_are_normalized_frozen_and_hashable():
    a = au.Config(hidden=5, output_activation=None, lr=0.01)
    assert a.hidden == (5,) and a.output_activation == "linear"
    b = au.Config().replace(hidden=(5,), lr=1e-2)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    with pytest.raises(AttributeError):
        a.lr = 0.1
    c = au.Config(y_scale=au.MinMax(0.01, 0.99))
    assert c == au.Config(y_scale=au.MinMax(0.01, 0.99)) != au.Config(y_scale=au.MinMax(0, 1))
    assert hash(c) == hash(au.Config(y_scale=au.MinMax(0.01, 0.99)))


def test_describe_lists_every_setting_with_its_default():
    text = au.Config.describe()
    for name in NAMES:
        assert f"\n{name} = " in "\n" + text, name
    assert "steps = 2000" in text and "lr = 0.001" in text


def test_the_sweep_budget_is_named_once_and_is_sweeps_default():
    params = inspect.signature(au.sweep).parameters
    assert {k: params[k].default for k in SWEEP_BUDGET} == SWEEP_BUDGET


def test_an_experiment_carries_its_config():
    exp = au.run_experiment(target="sine", x_scale="standardize", steps=20, n_train=32, hidden=(4,))
    assert isinstance(exp.config, au.Config) and exp.config.hidden == (4,) and exp.config.steps == 20
    again = au.run_experiment(**exp.config.as_dict())
    assert again.r2 == exp.r2


def test_settings_that_differ_only_past_the_printed_digits_are_different_keys():
    assert au.Config(y_scale=au.MinMax(0.01000001, 0.99)) != au.Config(y_scale=au.MinMax(0.01, 0.99))
    assert au.Config(x_scale=au.scaling.Divide(100.00001)) != au.Config(x_scale=au.scaling.Divide(100))
    fitted = au.MinMax(0.01, 0.99).fit([0.0, 5.0])
    assert fitted == au.MinMax(0.01, 0.99)  # a spec compares by its settings, not its fitted state


def test_a_target_of_ones_own_is_a_hashable_setting():
    import numpy as np
    cubic = au.Target("cubic", lambda x: (x / 50 - 1) ** 3, [0, 100], "(x/50 - 1)^3")
    assert cubic.domain == (0.0, 100.0)
    config = au.Config(target=cubic, x_scale="standardize")
    assert hash(config) == hash(au.Config(target=cubic, x_scale="standardize"))
    assert np.isfinite(au.run_experiment(target=cubic, x_scale="standardize", steps=10, n_train=16).r2)


def test_an_init_keras_cannot_build_here_is_refused_up_front():
    for name in ("constant", "stft", "orthogonal"):
        with pytest.raises(ValueError, match="unknown init"):
            au.Config(init=name)
    assert not au.exercises.check_parabola_rescue(init="constant")
