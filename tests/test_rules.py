"""Each rule of `diagnose` at its thresholds, on plain measured numbers (no model, no training)."""
import numpy as np
import pytest

import approx_utils as au
from approx_utils import diagnostics as d
from approx_utils.findings import Measured


def found(kind, **measured):
    return [f.kind for f in d.RULES[kind](Measured(**measured))]


def test_the_registry_defines_kinds_in_report_order():
    assert d.KINDS == tuple(d.RULES) == au.KINDS
    assert d.KINDS == ("diverged", "collapse", "saturation", "dead_units", "vanishing_gradients", "overshoot",
                       "underfit")


def test_a_healthy_measurement_finds_nothing():
    m = Measured(inside={"share": 0.0, "max_excess": 0.0})
    assert all(d.RULES[k](m) == [] for k in d.KINDS)


def test_diverged():
    assert found("diverged", diverged=True, diverged_at=12) == ["diverged"]
    assert "at step 12" in d.RULES["diverged"](Measured(diverged=True, diverged_at=12))[0].message
    assert found("diverged", diverged=False) == []


@pytest.mark.parametrize("ratio, r2, hit", [(0.099, 0.9, True), (0.1, 0.9, False), (0.29, 0.04, True),
                                            (0.29, 0.05, False), (0.3, -1.0, False)])
def test_collapse_at_its_thresholds(ratio, r2, hit):
    assert found("collapse", spread_ratio=ratio, r2=r2) == (["collapse"] if hit else [])


def test_collapse_advice_follows_the_evidence():
    spiked = d.RULES["collapse"](Measured(spread_ratio=0.0, r2=0.0, lr=0.3, trend={"loss_spike": 50.0, "spike_step": 3}))
    assert [f.setting for f in spiked[0].fixes] == ["lr"] and "0.03" in spiked[0].fix
    big_y = d.RULES["collapse"](Measured(spread_ratio=0.0, r2=0.0, y_hi=2500.0))
    assert [f.setting for f in big_y[0].fixes] == ["y_scale"]
    tiny = d.RULES["collapse"](Measured(spread_ratio=0.0, r2=0.0, init=0.001))
    assert [f.setting for f in tiny[0].fixes] == ["init"]


@pytest.mark.parametrize("share, hit", [(0.5, False), (0.51, True)])
def test_saturation_at_its_threshold(share, hit):
    assert found("saturation", saturated={1: share}) == (["saturation"] if hit else [])


def test_a_saturated_sigmoid_head_is_a_saturation_finding_with_the_loss_fix():
    f = d.RULES["saturation"](Measured(head_activation="sigmoid", head_saturated=0.6, median_abs_logit=9.0))
    assert [x.kind for x in f] == ["saturation"] and f[0].fixes[0].setting == "loss"
    squashed_bce = Measured(head_activation="sigmoid", head_saturated=0.6, loss="bce", y_lo=0.01, y_hi=0.99)
    assert d.RULES["saturation"](squashed_bce)[0].fixes == ()


@pytest.mark.parametrize("share, hit", [(0.49, False), (0.5, True)])
def test_dead_units_at_their_threshold(share, hit):
    assert found("dead_units", dead={2: share}) == (["dead_units"] if hit else [])


def test_vanishing_gradients_at_its_thresholds():
    assert found("vanishing_gradients", gradient_norms=[0.0011, 1.0]) == []
    assert found("vanishing_gradients", gradient_norms=[0.0009, 1.0]) == ["vanishing_gradients"]
    assert found("vanishing_gradients", gradient_norms=[5e-7, 5e-7], loss_scale=1.0) == ["vanishing_gradients"]
    dead = d.RULES["vanishing_gradients"](Measured(gradient_norms=[0.0, 1.0], dead={1: 1.0}))[0]
    assert "dead units pass no gradient" in dead.message and dead.fixes == ()


@pytest.mark.parametrize("inside, beyond, hit", [(0.01, None, False), (0.011, None, True), (0.0, 0.02, True)])
def test_overshoot_at_its_threshold(inside, beyond, hit):
    m = dict(inside={"share": inside, "max_excess": 0.1},
             beyond=None if beyond is None else {"share": beyond, "max_excess": 0.3})
    assert found("overshoot", **m) == (["overshoot"] if hit else [])


def test_overshoot_suggests_the_head_that_fits_the_targets_range():
    f = d.RULES["overshoot"](Measured(inside={"share": 0.1, "max_excess": 0.1}, y_lo=0.0, y_hi=1.0))[0]
    assert [x.setting for x in f.fixes] == ["output_activation", "post_clip"] and "sigmoid" in f.fixes[0].text
    f = d.RULES["overshoot"](Measured(inside={"share": 0.1, "max_excess": 0.1}, y_lo=-1.0, y_hi=1.0))[0]
    assert "tanh" in f.fixes[0].text


@pytest.mark.parametrize("r2, hit", [(0.899, True), (0.9, False)])
def test_underfit_at_its_threshold(r2, hit):
    assert found("underfit", r2=r2) == (["underfit"] if hit else [])


def test_underfit_is_reported_only_when_nothing_else_is(monkeypatch):
    """`diagnose` asks the underfit rule only when no other rule found anything."""
    weak = Measured(r2=0.5, spread_ratio=0.05, inside={"share": 0.0, "max_excess": 0.0})
    monkeypatch.setattr(d, "measure", lambda *a, **k: weak)
    assert d.diagnose(None, [0], [0]).kinds == ["collapse"]
    monkeypatch.setattr(d, "measure", lambda *a, **k: Measured(r2=0.5, inside={"share": 0.0, "max_excess": 0.0}))
    assert d.diagnose(None, [0], [0]).kinds == ["underfit"]


def test_divergence_advice_fits_the_cause():
    """At step 0 nothing was learned: a scale overflowed, not the learning rate; later, the rate first."""
    at_start = d.RULES["diverged"](Measured(diverged=True, diverged_at=0, init=100.0, lr=1e-3))[0]
    assert [f.setting for f in at_start.fixes] == ["init"] and "before any step" in at_start.message
    tiny_x = d.RULES["diverged"](Measured(diverged=True, diverged_at=0, max_abs_x=1e30))[0]
    assert [f.setting for f in tiny_x.fixes] == ["x_scale"]
    later = d.RULES["diverged"](Measured(diverged=True, diverged_at=40, lr=1.0, y_hi=2500.0))[0]
    assert [f.setting for f in later.fixes] == ["lr", "y_scale"] and "try 0.1" in later.fixes[0].text
    unknown = d.RULES["diverged"](Measured(diverged=True, diverged_at=None))[0]
    assert [f.setting for f in unknown.fixes] == ["lr"]
    nothing_stands_out = d.RULES["diverged"](Measured(diverged=True, diverged_at=0))[0]
    assert [f.setting for f in nothing_stands_out.fixes] == ["lr", "y_scale"]


def test_a_clip_that_cuts_the_targets_is_named_as_the_cause():
    m = Measured(spread_ratio=0.0, r2=-1.2, post_clip=(0.0, 1.0), targets_clipped=0.98, y_hi=2500.0)
    fix = d.RULES["collapse"](m)[0].fixes
    assert [f.setting for f in fix] == ["post_clip"] and "cuts 98% of the targets" in fix[0].text


def test_run_experiment_names_a_post_clip_that_flattens_raw_targets():
    import approx_utils as au
    exp = au.run_experiment(target="parabola", x_scale="minmax", post_clip=(0, 1), steps=50, n_train=64)
    assert "post_clip" in [f.setting for f in exp.diagnosis[0].fixes]


def test_a_constant_target_missed_is_underfit_not_all_well():
    """R² is undefined against a constant target; before, an untrained model on y = 1 got 'no problems found'."""
    x = np.linspace(-1.0, 1.0, 50)
    found = au.diagnose(au.build_mlp(hidden=(4,)), x, np.ones_like(x))
    assert found.kinds == ["underfit"] and "targets are constant (y = 1)" in found[0].message
    model = au.build_mlp(hidden=(4,))
    au.train(model, x, np.ones_like(x), steps=300, lr=1e-2)
    assert au.diagnose(model, x, np.ones_like(x)).kinds == []  # fitted: all well
