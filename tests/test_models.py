import keras
import numpy as np
import pytest

import approx_utils as au
from approx_utils.models import Clip


def kernels(model):
    return [w for w in model.get_weights() if w.ndim == 2]


def test_default_shape_is_the_source_questions_net():
    m = au.build_mlp()
    assert [w.shape for w in kernels(m)] == [(1, 20), (20, 20), (20, 20), (20, 1)]
    assert m.output_shape == (None, 1)


@pytest.mark.parametrize("std", [0.05, 0.5, 2.0])
def test_a_float_init_is_the_std_of_a_normal(std):
    m = au.build_mlp(hidden=(200, 200), init=std, seed=1)
    big = kernels(m)[1]
    assert abs(big.std() - std) / std < 0.02
    assert all(np.all(b == 0) for b in m.get_weights() if b.ndim == 1)


def test_layers_get_different_values_and_seeds_repeat():
    a, b, c = au.build_mlp(seed=1), au.build_mlp(seed=1), au.build_mlp(seed=2)
    ka, kb, kc = kernels(a), kernels(b), kernels(c)
    assert not np.array_equal(ka[1], ka[2])
    assert all(np.array_equal(p, q) for p, q in zip(ka, kb))
    assert not np.array_equal(ka[1], kc[1])


def test_named_initializers_scale_with_fan_in():
    m = au.build_mlp(hidden=(400, 400), init="he_normal", seed=0)
    assert abs(kernels(m)[1].std() - np.sqrt(2 / 400)) < 0.01


@pytest.mark.parametrize("init", [0.05, "glorot_uniform", "normal"])
def test_reinitialize_restores_build_mlps_starting_weights(init):
    fresh = au.build_mlp(init=init, seed=7)
    reused = au.build_mlp(init=1.0, seed=0)
    reused.set_weights([w + 1 for w in reused.get_weights()])
    au.reinitialize(reused, init=init, seed=7)
    for p, q in zip(fresh.get_weights(), reused.get_weights()):
        np.testing.assert_array_equal(p, q)


def test_output_heads_bound_the_output():
    x = np.linspace(-100, 100, 50).reshape(-1, 1).astype("float32")
    sig = np.asarray(au.build_mlp(output_activation="sigmoid", init=1.0)(x))
    assert np.all((sig >= 0) & (sig <= 1))  # float32 rounds a saturated sigmoid to exactly 0 or 1
    th = np.asarray(au.build_mlp(output_activation="tanh", init=1.0)(x))
    assert np.all(np.abs(th) <= 1)
    clip = np.asarray(au.build_mlp(output_activation="clip", clip_range=(0.2, 0.3), init=1.0)(x))
    # float32 bounds: NumPy 1.x compares a float32 with a Python float in float64, where float32(0.3) > 0.3
    assert clip.min() >= np.float32(0.2) and clip.max() <= np.float32(0.3)
    assert np.ptp(np.asarray(au.build_mlp(init=1.0)(x))) > 1  # the linear head is unbounded


def test_in_model_clip_passes_no_gradient_for_clipped_samples():
    import tensorflow as tf
    m = au.build_mlp(hidden=(5,), output_activation="clip", clip_range=(0.0, 1.0), init=1.0, seed=0)
    x = tf.constant(np.linspace(-50, 50, 101).reshape(-1, 1), tf.float32)
    raw = m.layers[-2](m.layers[0](x))
    outside = ((raw < 0) | (raw > 1)).numpy().ravel()
    assert 0 < outside.sum() < outside.size
    for i in np.flatnonzero(outside)[:3]:
        with tf.GradientTape() as tape:
            out = m(x[i:i + 1])
        grads = tape.gradient(out, m.trainable_variables)
        assert all(float(tf.reduce_sum(tf.abs(g))) == 0 for g in grads)


@pytest.mark.parametrize("kwargs, err, name", [
    (dict(activation="sigmoidal"), ValueError, "activation"),
    (dict(activation=None), TypeError, "activation"),
    (dict(init=0.0), ValueError, "init"),
    (dict(init=-0.5), ValueError, "init"),
    (dict(init=float("nan")), ValueError, "init"),
    (dict(init="gaussian"), ValueError, "init"),
    (dict(init=[0.1]), TypeError, "init"),
    (dict(output_activation="softmax"), ValueError, "output_activation"),
    (dict(hidden=()), TypeError, "hidden"),
    (dict(hidden=(20, 0)), ValueError, "hidden"),
    (dict(hidden=(20, 2.5)), TypeError, "hidden"),
    (dict(seed=-1), ValueError, "seed"),
    (dict(output_activation="clip", clip_range=(1, 0)), ValueError, "clip_range"),
])
def test_bad_arguments_name_the_parameter(kwargs, err, name):
    with pytest.raises(err, match=name):
        au.build_mlp(**kwargs)


def test_models_are_keras_3():
    assert keras.__version__.startswith("3.")
    assert isinstance(au.build_mlp(), keras.Sequential)


def test_a_clip_head_survives_saving_and_loading(tmp_path):
    model = au.build_mlp(hidden=(8,), output_activation="clip", clip_range=(0.2, 0.7), init=1.0, seed=3)
    x = np.linspace(-5, 5, 41).reshape(-1, 1).astype("float32")
    before = np.asarray(model(x))
    assert before.min() == np.float32(0.2) and before.max() == np.float32(0.7)  # the clip is in play
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.layers[-1], Clip)
    np.testing.assert_array_equal(np.asarray(loaded(x)), before)
    config = loaded.layers[-1].get_config()
    assert (config["lo"], config["hi"]) == (0.2, 0.7)
    assert {k: v for k, v in Clip(-1.0, 2.0).get_config().items() if k in ("lo", "hi")} == {"lo": -1.0, "hi": 2.0}
