"""The stacked engine: a network trained in a stack computes the steps it computes alone (`train`)."""
import keras
import numpy as np
import pytest

import approx_utils as au
from approx_utils.data import prepare_data
from approx_utils.stack import Stack, initial_weights, train_stack

SMALL = dict(hidden=(8, 8), n_train=100, steps=20, x_scale="minmax", y_scale="minmax", init=0.5)
# Each network of a stack has its own seed (weights, sample, shuffling), learning rate and decay.
OWN = [dict(seed=0, lr=1e-2), dict(seed=1, lr=3e-3, lr_decay=0.5), dict(seed=2, lr=1e-3)]
HEADS_AND_LOSSES = [("linear", "mse"), ("linear", "mae"), ("linear", "huber"), ("sigmoid", "mse"),
                    ("sigmoid", "bce"), ("tanh", "mse"), ("clip", "mse"), ("clip", "bce")]


def max_diff(a, b):
    return max(float(np.max(np.abs(p - q))) for p, q in zip(a, b))


def stacked_and_alone(shared: dict, own=OWN):
    """Train the configurations as one stack and each alone with `train`: both results per configuration (and the
    configurations)."""
    configs = [au.Config(**{**SMALL, **shared, **o}) for o in own]
    data = [prepare_data(c) for c in configs]
    stacked = train_stack(configs, [d.xs for d in data], [d.ys for d in data])
    alone = []
    model = au.build_mlp(configs[0].hidden, configs[0].activation, output_activation=configs[0].output_activation)
    for c, d in zip(configs, data):
        au.models.reinitialize(model, c.init, c.seed)  # one model: its compiled loops serve every configuration
        run = au.train(model, d.xs, d.ys, steps=c.steps, batch_size=c.batch_size, lr=c.lr, seed=c.seed,
                       optimizer=c.optimizer, lr_decay=c.lr_decay, loss=c.loss)
        alone.append((run, model.get_weights()))
    return stacked, alone, configs


def assert_same_steps(stacked, alone, configs=None, steps=20, tol=1e-5):
    for s, (run, weights) in zip(stacked, alone):
        assert s.run.steps_done == run.steps_done == steps and not s.run.diverged
        np.testing.assert_allclose(s.run.loss, run.loss, rtol=tol, atol=tol / 10)
        assert max_diff(s.weights, weights) < tol
    if configs:  # they did train (a clipped head whose every output is clipped gets no gradient: not all need to)
        assert any(max_diff(s.weights, initial_weights(c)) > 1e-4 for s, c in zip(stacked, configs))


@pytest.mark.parametrize("batch_size", [None, 32], ids=["full", "batch32"])
@pytest.mark.parametrize("head,loss", HEADS_AND_LOSSES, ids=[f"{h}-{lo}" for h, lo in HEADS_AND_LOSSES])
def test_every_head_and_loss_steps_as_alone(head, loss, batch_size):
    """20 steps in a stack of three and alone: weights within 1e-5 (full batch and mini-batches of 32)."""
    stacked, alone, configs = stacked_and_alone(dict(output_activation=head, loss=loss, batch_size=batch_size))
    assert_same_steps(stacked, alone, configs)


@pytest.mark.parametrize("batch_size", [None, 32], ids=["full", "batch32"])
@pytest.mark.parametrize("optimizer", au.config.OPTIMIZERS)
def test_every_optimizer_steps_as_alone(optimizer, batch_size):
    stacked, alone, configs = stacked_and_alone(dict(optimizer=optimizer, batch_size=batch_size))
    assert_same_steps(stacked, alone, configs)


def test_halves_of_a_large_batch_step_as_alone():
    """From 256 points a full batch is computed as two halves, in a stack as alone (`HALVES_MIN_POINTS`)."""
    stacked, alone, configs = stacked_and_alone(dict(n_train=300))
    assert_same_steps(stacked, alone, configs)


def test_a_diverging_network_is_reported_and_leaves_the_others_alone():
    """lr 1e9 diverges at the step it does alone; the other networks end where they end without it."""
    own = [dict(seed=0, lr=1e-2), dict(seed=2, lr=1e9), dict(seed=1, lr=3e-3)]
    stacked, alone, _ = stacked_and_alone({}, own)
    (run, _), gone = alone[1], stacked[1]
    assert run.diverged and gone.run.diverged and gone.run.diverged_at == run.diverged_at
    assert gone.run.loss.size == run.loss.size and not np.isfinite(gone.run.loss[-1])
    assert_same_steps([stacked[0], stacked[2]], [alone[0], alone[2]])


def test_chunks_continue_the_run():
    """7 then 13 steps (start/total) give the weights and losses of one call of 20, decay and shuffling included."""
    configs = [au.Config(**{**SMALL, **o, "batch_size": 32}) for o in OWN]
    data = [prepare_data(c) for c in configs]
    whole = train_stack(configs, [d.xs for d in data], [d.ys for d in data])
    stack = Stack(configs, [d.xs for d in data], [d.ys for d in data])
    first, second = stack.train(7, 0, 20), stack.train(13, 7, 20)
    for w, a, b in zip(whole, first, second):
        assert max_diff(w.weights, b.weights) == 0
        np.testing.assert_array_equal(w.run.loss, au.training.Run.join([a.run, b.run]).loss)


def test_a_stack_of_one_is_model_fit():
    """20 full-batch Adam steps of a stack of one and of `model.fit` from the same weights agree to 1e-5."""
    config = au.Config(**{**SMALL, "lr": 1e-2, "seed": 3})
    d = prepare_data(config)
    (ours,) = train_stack([config], [d.xs], [d.ys])
    theirs = au.build_mlp(config.hidden, init=config.init, seed=3)
    theirs.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
    theirs.fit(d.xs.reshape(-1, 1), d.ys.reshape(-1, 1), batch_size=d.xs.size, epochs=20, shuffle=False, verbose=0)
    assert max_diff(ours.weights, theirs.get_weights()) < 1e-5


def test_a_sweep_over_a_full_budget_scores_as_runs_alone():
    """Over a full budget float order may differ: R² within 0.01 and the same verdict, each configuration of a
    sweep (one stack) against `run_experiment` (a stack of one): 1000 steps, 256 points, three seeds of two
    rows of notebook 03's ledger."""
    configs = [dict(target=t, x_scale=100, init=0.5, seed=s) for t in ("relu_shift", "parabola") for s in (0, 1, 2)]
    res = au.sweep(configs, steps=1000, n_train=256, diagnose_each=False)
    for c, row in zip(configs, res.rows):
        alone = au.run_experiment(**c, steps=1000, n_train=256, n_grid=401)
        assert abs(row["r2"] - alone.r2) < 0.01
        assert au.fit_verdict(row["r2"]) == au.fit_verdict(alone.r2)


def test_configurations_that_cannot_share_a_stack_are_refused():
    a, b = au.Config(**SMALL), au.Config(**{**SMALL, "hidden": (4,)})
    d = prepare_data(a)
    with pytest.raises(ValueError, match="share"):
        Stack([a, b], [d.xs, d.xs], [d.ys, d.ys])
    with pytest.raises(ValueError, match="one x and one y"):
        Stack([a], [d.xs, d.xs], [d.ys])
    with pytest.raises(ValueError, match="non-empty"):
        Stack([], [], [])


def test_a_stack_of_one_computes_as_alone():
    """A stack of one multiplies as Keras' Dense does and keeps the sigmoid's logits for cross-entropy (init std 2:
    a saturated head, where probabilities clipped to 1e-7 would give other gradients): the losses and weights of
    `train`, within float32's last digit (from probabilities the losses would differ by over 10)."""
    for shared in (dict(n_train=300), dict(output_activation="sigmoid", loss="bce", init=2.0)):
        stacked, alone, _ = stacked_and_alone(shared, OWN[:1])
        np.testing.assert_allclose(stacked[0].run.loss, alone[0][0].loss, rtol=1e-6)
        assert max_diff(stacked[0].weights, alone[0][1]) < 1e-6


@pytest.mark.locked_numbers  # bit for bit on the locked versions; Keras 3.2 / TensorFlow 2.16 differ in the last digit
def test_a_stack_of_one_is_train_bit_for_bit():
    """What lets `run_experiment` (a stack of one) print the numbers `train` gives, the ones nbval checks."""
    stacked, alone, _ = stacked_and_alone(dict(n_train=300), OWN[:1])
    np.testing.assert_array_equal(stacked[0].run.loss, alone[0][0].loss)
    assert max_diff(stacked[0].weights, alone[0][1]) == 0


@pytest.mark.parametrize("kwargs, name", [(dict(steps=0), "steps"), (dict(start=-1), "start"),
                                          (dict(steps=5, start=3, total=7), "total"), (dict(steps="5"), "steps")])
def test_bad_train_arguments_name_the_parameter(kwargs, name):
    config = au.Config(**SMALL)
    d = prepare_data(config)
    with pytest.raises((TypeError, ValueError), match=name):
        Stack([config], [d.xs], [d.ys]).train(**kwargs)


def test_a_stack_takes_configs_not_dicts():
    d = prepare_data(au.Config(**SMALL))
    with pytest.raises(TypeError, match="must be a Config"):
        Stack([dict(SMALL)], [d.xs], [d.ys])


def test_many_calls_with_mini_batches_step_as_alone():
    """1200 steps are several calls of the loop (FIRST_CALL, then up to CHUNK): the epochs' orders, the call's
    first epoch and step carry over, in a stack of three as alone (lr 1e-3, so float noise is not amplified)."""
    own = [dict(seed=s, lr=1e-3) for s in (0, 1, 2)]
    stacked, alone, configs = stacked_and_alone(dict(steps=1200, batch_size=32), own)
    assert_same_steps(stacked, alone, configs, steps=1200, tol=1e-4)


def test_two_stacks_on_one_engine_keep_their_own_state():
    """Stacks of one shape share a compiled engine; training another stack between two calls of a run, or a call
    that ends in an error, changes nothing: the run ends where one call of 20 steps ends."""
    configs = [au.Config(**{**SMALL, **o, "batch_size": 32}) for o in OWN]
    data = [prepare_data(c) for c in configs]
    whole = train_stack(configs, [d.xs for d in data], [d.ys for d in data])
    other = [c.replace(seed=c.seed + 10) for c in configs]
    stack = Stack(configs, [d.xs for d in data], [d.ys for d in data])
    stack.train(7, 0, 20)
    train_stack(other, [d.xs for d in data], [d.ys for d in data])
    engine = au.stack._ENGINES[stack.key + (3,)]
    real = engine._calls

    def interrupted(*args):
        real(*args)
        raise KeyboardInterrupt

    engine._calls = interrupted
    try:
        with pytest.raises(KeyboardInterrupt):
            stack.train(5, 7, 20)
    finally:
        del engine._calls
    last = stack.train(13, 7, 20)
    for w, b in zip(whole, last):
        assert max_diff(w.weights, b.weights) == 0


def test_a_network_that_diverged_stays_diverged_in_later_calls():
    own = [dict(seed=0, lr=1e-2), dict(seed=2, lr=1e9)]
    configs = [au.Config(**{**SMALL, **o}) for o in own]
    data = [prepare_data(c) for c in configs]
    stack = Stack(configs, [d.xs for d in data], [d.ys for d in data])
    first, later = stack.train(5, 0, 20), stack.train(15, 5, 20)
    assert first[1].run.diverged and later[1].run.diverged
    assert later[1].run.diverged_at == first[1].run.diverged_at < 5 and later[1].run.loss.size == 0
    assert not later[0].run.diverged and later[0].run.loss.size == 15


def test_bad_data_names_the_network():
    config = au.Config(**SMALL)
    d = prepare_data(config)
    with pytest.raises(ValueError, match=r"ys\[0\]"):
        Stack([config], [d.xs], [np.full(d.ys.size, np.nan)])
    with pytest.raises(ValueError, match=r"xs\[1\] and ys\[1\]"):
        Stack([config, config], [d.xs, d.xs], [d.ys, d.ys[:-1]])
    with pytest.raises(ValueError, match="bce"):
        Stack([config.replace(loss="bce")], [d.xs], [d.ys])


def test_starting_weights_are_build_mlps_and_kept_read_only():
    config = au.Config(**SMALL)
    model = au.build_mlp(config.hidden, config.activation, config.init, seed=config.seed)
    first, again = initial_weights(config), initial_weights(config)
    assert all(np.array_equal(a, b) for a, b in zip(first, model.get_weights()))
    assert all(a is b for a, b in zip(first, again))  # computed once
    with pytest.raises(ValueError, match="read-only"):
        first[0][0, 0] = 1.0


def test_a_stack_xla_cannot_compile_part_way_runs_the_steps_left_on_the_plain_loop(monkeypatch, second_call_fails):
    """As `train` does: the failed call ran no step, so the plain loop takes the run from where it is."""
    compile_loop = au.stack._Engine._compile

    def failing_second_xla_call(self, xla):
        loop = compile_loop(self, xla)
        return second_call_fails(loop) if xla else loop

    monkeypatch.setattr(au.stack._Engine, "_compile", failing_second_xla_call)
    try:
        own = [dict(seed=0, lr=3e-3), dict(seed=1, lr=1e-3, lr_decay=0.5)]  # calm runs: float noise stays small
        stacked, alone, configs = stacked_and_alone(dict(hidden=(9, 4), steps=150), own)
        engine, = [e for key, e in au.stack._ENGINES.items() if key[0] == (9, 4) and key[-1] == 2]  # this stack of two
        assert second_call_fails.calls >= 2 and "simulated" in engine.xla_error
        assert_same_steps(stacked, alone, configs, steps=150, tol=1e-4)
    finally:  # no other test gets this engine
        for key in [key for key in au.stack._ENGINES if key[0] == (9, 4)]:
            del au.stack._ENGINES[key]
