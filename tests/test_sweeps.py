import numpy as np
import pytest

import approx_utils as au


def test_a_configuration_in_a_sweep_scores_as_it_does_alone():
    config = dict(target="parabola", x_scale=100, y_scale="minmax", init=0.5, lr=1e-2, seed=1)
    others = [dict(target="indicator", x_scale=100, init=0.05, lr=1e-3, seed=0),
              dict(target="sine", x_scale="standardize", init="glorot_uniform", lr=3e-3, lr_decay=0.1, seed=2)]
    res = au.sweep([others[0], config, others[1]], steps=300, n_train=128)
    alone = au.run_experiment(**config, steps=300, n_train=128, n_grid=401)
    row = res.rows[1]
    assert row["target"] == "parabola" and not row["diverged"]
    assert abs(row["r2"] - alone.r2) < 1e-4
    assert row["diagnosis"].kinds == alone.diagnosis.kinds  # the same Finding objects `diagnose` gives
    assert [f.message for f in row["diagnosis"]] == [f.message for f in alone.diagnosis]


def test_a_diverging_configuration_is_frozen_and_reported_without_spoiling_the_others():
    res = au.sweep([dict(target="parabola", init=5.0, lr=50.0), dict(target="relu_shift", x_scale=100, lr=1e-2)],
                   steps=200, n_train=64)
    bad, good = res.rows
    assert bad["diverged"] and bad["r2"] == float("-inf") and bad["diagnosis"].kinds == ["diverged"]
    assert "diverged at step" in bad["diagnosis"][0].message
    assert not good["diverged"] and good["r2"] > 0.9


def test_grid_configs_and_r2_grid_make_a_heatmap():
    configs = au.grid_configs(init=[0.05, 0.5], lr=[1e-3, 1e-2], seed=[0, 1])
    assert len(configs) == 8 and configs[0] == dict(init=0.05, lr=1e-3, seed=0)
    res = au.sweep([{**c, "target": "relu_shift", "x_scale": 100} for c in configs], steps=100, n_train=64,
                   diagnose_each=False)
    inits, lrs, grid = res.r2_grid("init", "lr")
    assert inits == [0.05, 0.5] and lrs == [1e-3, 1e-2] and grid.shape == (2, 2)
    expected = np.median([r["r2"] for r in res if r["init"] == 0.5 and r["lr"] == 1e-2])
    assert grid[1, 1] == expected


@pytest.mark.parametrize("call, err, name", [
    (lambda: au.sweep([]), ValueError, "configs"),
    (lambda: au.sweep([dict(depth=3)]), ValueError, "depth"),
    (lambda: au.sweep([dict(lr=0)]), ValueError, "lr"),
    (lambda: au.sweep([dict(init=-1.0)]), ValueError, "init"),
    (lambda: au.sweep([dict(target="cubic")], steps=5), ValueError, "target"),
    (lambda: au.sweep([{}], steps=0), ValueError, "steps"),
    (lambda: au.grid_configs(width=[1, 2]), ValueError, "width"),
])
def test_bad_sweeps_name_the_parameter(call, err, name):
    with pytest.raises(err, match=name):
        call()


def test_a_sigmoid_head_with_cross_entropy_scores_in_a_sweep_as_it_does_alone():
    config = dict(target="indicator", x_scale="minmax", y_scale=au.MinMax(0.01, 0.99), init="glorot_uniform",
                  lr=1e-2, seed=0)
    res = au.sweep([config, {**config, "seed": 1}], steps=200, n_train=64, output_activation="sigmoid", loss="bce")
    alone = au.run_experiment(**config, steps=200, n_train=64, n_grid=401, output_activation="sigmoid", loss="bce")
    assert abs(res.rows[0]["r2"] - alone.r2) < 1e-4
    assert res.rows[0]["diagnosis"].kinds == alone.diagnosis.kinds
    with pytest.raises(ValueError, match="output_activation='sigmoid'"):
        au.sweep([config], steps=10, n_train=64, loss="bce")
    with pytest.raises(ValueError, match="targets in \\[0, 1\\]"):
        au.sweep([{**config, "y_scale": None, "target": "parabola"}], steps=10, n_train=64,
                 output_activation="sigmoid", loss="bce")


def test_the_same_sweep_gives_the_same_numbers_whatever_ran_before():
    configs = [dict(target="sine", x_scale="standardize", init="glorot_uniform", lr=1e-2, seed=s) for s in (0, 1)]

    def numbers():
        return [(r["r2"], r["final_loss"], r["diverged"]) for r in au.sweep(configs, steps=80, n_train=64)]

    first = numbers()
    assert numbers() == first
    au.sweep(configs, hidden=(6, 6), activation="tanh", steps=20, n_train=64, loss="mae")  # another architecture and loss
    au.run_experiment(**configs[0], steps=20, n_train=64)  # a run alone of the same architecture
    assert numbers() == first


def test_ctrl_c_stops_a_long_sweep_between_calls():
    """A sweep is called CHUNK steps at a time, so Ctrl-C (SIGINT) lands within a call; before, one call ran
    every step and its loss record grew with them."""
    import signal
    configs = [dict(lr=1e-3), dict(lr=1e-2)]
    au.sweep(configs, hidden=(4,), steps=10, n_train=32, diagnose_each=False)  # compiled before the clock starts
    interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal (see test_training)
    signal.signal(signal.SIGALRM, lambda *_: signal.raise_signal(signal.SIGINT))
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            au.sweep(configs, hidden=(4,), steps=au.config.MAX_STEPS, n_train=32, diagnose_each=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, interrupt)
    assert len(au.sweep(configs, hidden=(4,), steps=5, n_train=32, diagnose_each=False)) == 2  # and sweeps on
