"""Each pathology is built on purpose and `diagnose` must name it; a good fit gets no findings."""
import numpy as np
import pytest

import approx_utils as au


def test_r2_scores_against_the_constant_baseline():
    y = np.array([0.0, 1.0, 2.0, 3.0])
    assert au.r2(y, y) == 1.0
    assert au.r2(y, np.full(4, y.mean())) == 0.0
    assert au.r2(y, y[::-1]) < 0
    assert au.r2(y, np.array([0, 1, np.nan, 3])) == float("-inf")
    with pytest.raises(ValueError, match="constant"):
        au.r2(np.ones(3), np.ones(3))


def test_random_targets_show_why_raw_mse_says_nothing():
    """On random targets any net scores R² <= ~0: the MSE of the mean is the best there is."""
    rng = np.random.default_rng(0)
    y = rng.uniform(size=500)
    assert abs(au.r2(y, np.full_like(y, y.mean()))) < 1e-12


def test_unscaled_inputs_into_sigmoid_units_are_named_saturation():
    x = np.random.default_rng(0).uniform(0, 1000, size=400)
    y = np.sin(2 * np.pi * x / 500)
    m = au.build_mlp(hidden=(10,), activation="sigmoid", init="glorot_uniform", seed=0)
    run = au.train(m, x, y, steps=300, lr=1e-2)
    found = au.diagnose(m, x, y, run=run)
    assert "saturation" in found.kinds
    assert au.saturation(m, x)[0] > 0.8
    m2 = au.build_mlp(hidden=(10,), activation="sigmoid", init="glorot_uniform", seed=0)
    xs = (x - x.mean()) / x.std()
    au.train(m2, xs, y, steps=300, lr=1e-2)
    assert au.saturation(m2, xs)[0] < 0.05
    assert "saturation" not in au.diagnose(m2, xs, y).kinds


def test_a_net_whose_relus_are_all_dead_is_named(scaled_relu):
    x, y = scaled_relu
    m = au.build_mlp(hidden=(20, 20), activation="relu", init="he_normal", seed=0)
    for layer in m.layers[:-1]:
        layer.bias.assign(np.full(layer.bias.shape, -100.0, "float32"))
    found = au.diagnose(m, x, y)
    assert au.dead_units(m, x) == [1.0, 1.0]
    assert {"dead_units", "collapse"} <= set(found.kinds)
    dead = next(f for f in found if f.kind == "dead_units")
    assert dead.evidence["dead_fraction"] == {1: 1.0, 2: 1.0} and "ELU or leaky ReLU" in dead.fix


def test_a_deep_net_with_tiny_init_is_named(scaled_relu):
    x, y = scaled_relu
    m = au.build_mlp(hidden=(20,) * 6, activation="elu", init=1e-3, seed=0)
    assert {"collapse", "vanishing_gradients"} <= set(au.diagnose(m, x, y).kinds)  # at init
    assert max(au.gradient_norms(m, x, y)) < 1e-9
    run = au.train(m, x, y, steps=300, lr=1e-2, optimizer="sgd")
    found = au.diagnose(m, x, y, run=run)
    assert {"collapse", "vanishing_gradients"} <= set(found.kinds)  # and SGD does not get it out


def test_a_linear_head_overshoots_beyond_the_domain():
    exp = au.run_experiment("indicator", x_scale="minmax", init="glorot_uniform", lr=1e-2, steps=1500,
                            n_train=400, beyond=0.5)
    over = next(f for f in exp.diagnosis if f.kind == "overshoot")
    assert over.evidence["beyond"]["share"] > 0.1
    assert "sigmoid head" in over.fix


def test_a_diverged_run_is_named_and_nothing_else(scaled_relu):
    x, y = scaled_relu
    m = au.build_mlp(seed=0, init=5.0, activation="relu")
    run = au.train(m, x * 100, y * 1e6, steps=300, lr=1e3, optimizer="sgd")
    found = au.diagnose(m, x, y, run=run)
    assert found.kinds == ["diverged"] and "learning rate" in found[0].fix


def test_a_well_fitted_model_gets_no_findings():
    exp = au.run_experiment("sine", x_scale="standardize", init="glorot_uniform", lr=1e-2, steps=3000,
                            n_train=500)
    assert exp.r2 > 0.99
    assert exp.diagnosis.kinds == [] and str(exp.diagnosis) == "no problems found"


def test_findings_read_as_plain_words(scaled_relu):
    x, y = scaled_relu
    found = au.diagnose(au.build_mlp(init=1e-3, hidden=(20,) * 6), x, y * 1000)
    text = str(found)
    assert "[collapse]" in text and "fix:" in text and "standardize y" in text


def test_overshoot_measure():
    out = au.overshoot(np.array([-0.5, 0.0, 0.5, 1.0, 1.01, 2.0]), 0.0, 1.0)
    assert out == {"share": pytest.approx(2 / 6), "max_excess": pytest.approx(1.0)}


@pytest.mark.parametrize("call, err, name", [
    (lambda m, x, y: au.diagnose(m, x, y[:-1]), ValueError, "same length"),
    (lambda m, x, y: au.diagnose(m, x * np.nan, y), ValueError, "x"),
    (lambda m, x, y: au.diagnose(m, x, y, x_beyond=[]), ValueError, "x_beyond"),
    (lambda m, x, y: au.gradient_norms(m, x, []), ValueError, "y"),
    (lambda m, x, y: au.saturation(m, np.ones((2, 2))), ValueError, "x"),
])
def test_bad_input_to_diagnostics(scaled_relu, call, err, name):
    x, y = scaled_relu
    with pytest.raises(err, match=name):
        call(au.build_mlp(hidden=(4,)), x, y)


# ---- advice that fits the network it examined ------------------------------------------------------

def _fixes(diagnosis):
    return [fix for finding in diagnosis for fix in finding.fixes]


@pytest.mark.parametrize("cause", ["target scale: parabola's raw y", "learning rate too large: 1.0",
                                   "learning rate too small: 1e-5", "init too small: 6 layers, std 0.001"])
def test_an_elu_network_is_never_told_to_use_elu(cause):
    exp = au.run_experiment(**{**au.collapse_case(cause), "steps": 300, "n_train": 128})
    assert exp.config.activation == "elu" and exp.diagnosis
    for fix in _fixes(exp.diagnosis):
        assert not (fix.setting == "activation" and "ELU" in fix.text), fix


def test_a_collapse_with_raw_y_in_the_thousands_is_told_to_standardize_y():
    """Notebook 02 measures it: standardizing y rescues every seed, scaling it to [0, 1] only some."""
    exp = au.run_experiment(**{**au.collapse_case("target scale: parabola's raw y"), "steps": 300, "n_train": 128})
    collapse = next(f for f in exp.diagnosis if f.kind == "collapse")
    assert [f.setting for f in collapse.fixes] == ["y_scale"] and "standardize y" in collapse.fix


def test_raw_inputs_are_told_to_scale_x_not_to_change_the_activation_or_init():
    """Notebook 01 measures that no activation or init rescues raw inputs: the fix is the input scale."""
    exp = au.run_experiment("sine", x_scale=0.1, activation="sigmoid", hidden=(20, 20), init="glorot_uniform",
                            lr=1e-2, steps=300, n_train=128)
    sat = next(f for f in exp.diagnosis if f.kind == "saturation")
    assert [f.setting for f in sat.fixes] == ["x_scale"]


def test_no_fix_recommends_what_is_already_in_place():
    exp = au.run_experiment("sine", x_scale="standardize", activation="relu", init="he_normal", lr=0.3, steps=300,
                            n_train=128)
    dead = next(f for f in exp.diagnosis if f.kind == "dead_units")
    assert "init" not in [f.setting for f in dead.fixes]  # he_normal is in place
    assert any(f.setting == "lr" and "it is 0.3" in f.text for f in dead.fixes)
    clipped = au.run_experiment("indicator", x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2,
                                steps=300, n_train=128, post_clip=(0, 1), beyond=0.5)
    assert "overshoot" not in clipped.diagnosis.kinds  # predictions are judged as returned, after the clip
    assert "post_clip" not in [f.setting for f in _fixes(clipped.diagnosis)]


def test_a_stalled_in_model_clip_is_told_about_the_clip_not_the_init():
    exp = au.run_experiment("indicator", x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2,
                            steps=1000, n_train=256, output_activation="clip")
    collapse = next(f for f in exp.diagnosis if f.kind == "collapse")
    assert {f.setting for f in collapse.fixes} == {"output_activation", "post_clip"}


def test_a_poor_fit_no_rule_explains_is_an_underfit_not_no_problems():
    exp = au.run_experiment("sine", x_scale="standardize", activation="sigmoid", hidden=(20, 20),
                            init="glorot_uniform", lr=1e-3, steps=200, n_train=128)
    assert exp.r2 < 0.5 and exp.diagnosis.kinds == ["underfit"]
    assert "steps" in [f.setting for f in exp.diagnosis[0].fixes] and str(exp.diagnosis) != "no problems found"


def test_fixes_for_keeps_only_the_settings_asked_for():
    finding = au.findings.Finding("collapse", "m", (au.findings.Fix("lr", "a"), au.findings.Fix("y_scale", "b")))
    assert [f.text for f in finding.fixes_for({"y_scale", "steps"})] == ["b"]
    assert finding.fix == "a; or b" and au.findings.Finding("vanishing_gradients", "m").fix == "see the other findings"


def test_overshoot_refuses_an_empty_range():
    with pytest.raises(ValueError, match="lo < hi"):
        au.overshoot([0.5, 1.5], 1.0, 1.0)


def test_gradient_norms_follow_the_training_loss():
    """The vanishing-gradients rule reads the gradient of the loss the model is trained with."""
    x = np.linspace(-1, 1, 64)
    model = au.build_mlp(hidden=(8,), init="glorot_uniform", seed=0)
    mse, mae = au.gradient_norms(model, x, 3 * x, "mse"), au.gradient_norms(model, x, 3 * x, "mae")
    assert len(mse) == len(mae) == 2 and all(a != b for a, b in zip(mse, mae))
    assert au.gradient_norms(model, x, 3 * x) == mse  # mse by default


def test_constant_targets_are_judged_by_the_miss_and_setup_may_be_a_dict():
    x = np.linspace(-1, 1, 50)
    model = au.build_mlp(hidden=(4,), init="glorot_uniform", seed=0)
    assert au.diagnose(model, x, np.ones(50)).kinds == ["underfit"]  # untrained, it misses y = 1 (R² undefined)
    as_dict = au.diagnose(model, x, 3 * x, setup={"init": 2.0, "post_clip": (0, 1)})
    as_config = au.diagnose(model, x, 3 * x, setup=au.Config(init=2.0, post_clip=(0, 1)))
    assert as_dict.kinds == as_config.kinds
    with pytest.raises(TypeError, match="setup must be a Config or a dict"):
        au.diagnose(model, x, 3 * x, setup=[("init", 2.0)])
