import keras
import numpy as np
import pytest

import approx_utils as au


@pytest.fixture(params=[False, True], ids=["plain", "xla"])
def xla(request):
    """Both training paths: the plain compiled loop and the whole-loop XLA one (`train(xla=...)`)."""
    return request.param


def max_diff(a, b):
    return max(float(np.max(np.abs(p - q))) for p, q in zip(a, b))


def test_train_is_the_same_algorithm_as_model_fit(scaled_relu):
    """20 full-batch Adam steps with `train` and with `model.fit` from the same weights agree to 1e-5."""
    x, y = scaled_relu
    ours, theirs = au.build_mlp(init="normal", seed=3), au.build_mlp(init="normal", seed=3)
    run = au.train(ours, x, y, steps=20, lr=1e-2)
    theirs.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
    theirs.fit(x.reshape(-1, 1), y.reshape(-1, 1), batch_size=x.size, epochs=20, shuffle=False, verbose=0)
    assert run.steps_done == 20 and not run.diverged
    assert max_diff(ours.get_weights(), theirs.get_weights()) < 1e-5
    assert max_diff(ours.get_weights(), au.build_mlp(init="normal", seed=3).get_weights()) > 1e-3


@pytest.mark.parametrize("batch_size", [None, 32])
def test_same_seed_same_numbers(scaled_relu, batch_size, xla):
    x, y = scaled_relu
    results = []
    for _ in range(2):
        m = au.build_mlp(seed=0)
        run = au.train(m, x, y, steps=150, batch_size=batch_size, seed=5, xla=xla)
        results.append((run.loss, m.get_weights()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert max_diff(results[0][1], results[1][1]) == 0


def test_minibatch_shuffles_every_epoch_and_learns(scaled_relu, xla):
    x, y = scaled_relu
    m = au.build_mlp(seed=0, init="glorot_uniform")
    run = au.train(m, x, y, steps=700, batch_size=32, lr=3e-3, seed=1, xla=xla)
    assert run.loss.size == 700 and run.batch_size == 32
    assert np.mean(run.loss[-50:]) < 0.05 * np.mean(run.loss[:10])
    m2 = au.build_mlp(seed=0, init="glorot_uniform")
    other = au.train(m2, x, y, steps=700, batch_size=32, lr=3e-3, seed=2, xla=xla)
    assert not np.array_equal(run.loss, other.loss)  # the seed changes the shuffling


def test_chunked_runs_equal_one_run_including_the_lr_schedule(scaled_relu, xla):
    x, y = scaled_relu
    kw = dict(lr=1e-2, lr_decay=0.1, batch_size=32, seed=4)
    whole = au.build_mlp(seed=2)
    au.train(whole, x, y, steps=100, **kw, xla=xla)
    parts = au.build_mlp(seed=2)
    trainer = au.training.Trainer.for_model(parts, xla=xla)
    trainer.reset()
    for k in range(4):
        trainer.run(x, y, 25, start=25 * k, total=100, **kw)
    assert max_diff(whole.get_weights(), parts.get_weights()) == 0


def test_lr_decay_changes_the_run(scaled_relu):
    x, y = scaled_relu
    a, b = au.build_mlp(seed=0), au.build_mlp(seed=0)
    ra = au.train(a, x, y, steps=50, lr=1e-2)
    rb = au.train(b, x, y, steps=50, lr=1e-2, lr_decay=0.01)
    assert ra.loss[0] == rb.loss[0] and not np.array_equal(ra.loss, rb.loss)


def test_a_diverging_run_is_a_result_not_a_crash(scaled_relu):
    x, y = scaled_relu
    m = au.build_mlp(seed=0, init=5.0, activation="relu")
    run = au.train(m, x * 100, y * 1e6, steps=500, lr=1e3, optimizer="sgd")
    assert run.diverged and run.diverged_at is not None
    assert run.steps_done == run.diverged_at + 1 < 500
    assert not np.isfinite(run.loss[-1]) and np.all(np.isfinite(run.loss[:-1]))
    assert "diverged" in repr(run)


def test_new_settings_do_not_retrace(scaled_relu):
    x, y = scaled_relu
    m = au.build_mlp(seed=0)
    au.train(m, x, y, steps=5)
    [loop] = au.training.Trainer.for_model(m)._loops.values()
    before = loop.experimental_get_tracing_count()
    au.reinitialize(m, init=0.5, seed=3)
    au.train(m, x[:150], y[:150], steps=17, lr=0.3, seed=9)
    assert loop.experimental_get_tracing_count() == before


def test_a_fresh_train_resets_the_optimizer(scaled_relu):
    x, y = scaled_relu
    m = au.build_mlp(seed=0)
    first = au.train(m, x, y, steps=30)
    au.reinitialize(m, seed=0)
    again = au.train(m, x, y, steps=30)
    np.testing.assert_array_equal(first.loss, again.loss)


@pytest.mark.parametrize("kwargs, err, name", [
    (dict(steps=0), ValueError, "steps"),
    (dict(steps=2.5), TypeError, "steps"),
    (dict(lr=0.0), ValueError, "lr"),
    (dict(lr=-1e-3), ValueError, "lr"),
    (dict(lr=float("inf")), ValueError, "lr"),
    (dict(lr_decay=1.5), ValueError, "lr_decay"),
    (dict(batch_size=0), ValueError, "batch_size"),
    (dict(seed=-3), ValueError, "seed"),
    (dict(optimizer="lbfgs"), ValueError, "optimizer"),
])
def test_bad_training_arguments_name_the_parameter(scaled_relu, kwargs, err, name):
    x, y = scaled_relu
    with pytest.raises(err, match=name):
        au.train(au.build_mlp(hidden=(3,)), x, y, **{"steps": 5, **kwargs})


@pytest.mark.parametrize("x, y, err, name", [
    (np.array([1.0, np.nan]), np.array([1.0, 2.0]), ValueError, "x"),
    (np.array([1.0, 2.0]), np.array([np.inf, 2.0]), ValueError, "y"),
    (np.array([]), np.array([]), ValueError, "x"),
    (np.arange(3.0), np.arange(4.0), ValueError, "same length"),
    (np.ones((3, 2)), np.ones(3), ValueError, "x"),
    ("abc", np.ones(3), TypeError, "x"),
])
def test_bad_data_is_rejected_before_training(x, y, err, name):
    with pytest.raises(err, match=name):
        au.train(au.build_mlp(hidden=(3,)), x, y, steps=5)


def test_train_needs_a_keras_model(scaled_relu):
    with pytest.raises(TypeError, match="model"):
        au.train("net", *scaled_relu, steps=5)


@pytest.mark.parametrize("loss", au.losses.LOSSES)
def test_each_loss_is_the_one_model_fit_minimizes(scaled_relu, loss):
    """For every loss: 20 full-batch Adam steps of `train` and of `model.fit` compiled with Keras' loss,
    from the same weights, agree to 1e-5 (bce on [0, 1] targets with a sigmoid head)."""
    x, y = scaled_relu
    head = "sigmoid" if loss == "bce" else None
    y = y / y.max() if loss == "bce" else y
    ours, theirs = (au.build_mlp(init="normal", seed=3, output_activation=head) for _ in range(2))
    run = au.train(ours, x, y, steps=20, lr=1e-2, loss=loss)
    theirs.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss=au.losses.keras_loss(loss))
    history = theirs.fit(x.reshape(-1, 1), y.reshape(-1, 1), batch_size=x.size, epochs=20, shuffle=False, verbose=0)
    assert run.loss_name == loss and run.steps_done == 20 and not run.diverged
    assert max_diff(ours.get_weights(), theirs.get_weights()) < 1e-5
    assert abs(run.loss[0] - history.history["loss"][0]) < 1e-5 * max(1.0, abs(run.loss[0]))


def test_the_losses_differ(scaled_relu):
    x, y = scaled_relu
    finals = {}
    for loss in ("mse", "mae", "huber"):
        model = au.build_mlp(seed=1)
        finals[loss] = au.train(model, x, y, steps=5, loss=loss).loss[0]
    assert len(set(finals.values())) == 3


def test_bce_needs_bounded_targets_and_head(scaled_relu):
    x, y = scaled_relu
    with pytest.raises(ValueError, match="output_activation='sigmoid'"):
        au.train(au.build_mlp(), x, y / y.max(), steps=5, loss="bce")
    with pytest.raises(ValueError, match="y_scale='minmax'"):
        au.train(au.build_mlp(output_activation="sigmoid"), x, 3 * y, steps=5, loss="bce")
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        au.train(au.build_mlp(), x, y, steps=5, loss="hinge")
    run = au.train(au.build_mlp(output_activation="clip"), x, y / y.max(), steps=5, loss="bce")
    assert run.steps_done == 5


@pytest.mark.parametrize("n", [200, 257], ids=["whole", "halves"])
def test_both_paths_are_the_algorithm_of_model_fit(n, xla):
    """20 full-batch Adam steps agree with model.fit to 1e-5 on the plain path and on the XLA path, with
    the batch computed whole and (from HALVES_MIN_POINTS points) as two halves, here of 128 and 129."""
    x, y = au.get_target("relu_shift").sample(n, seed=0)
    x, y = x / 100, y / 50
    ours, theirs = au.build_mlp(init="normal", seed=3), au.build_mlp(init="normal", seed=3)
    au.train(ours, x, y, steps=20, lr=1e-2, xla=xla)
    trainer = au.training.Trainer.for_model(ours, xla=xla)
    assert len(trainer._loops) == 1 and trainer.paths == {"xla" if xla else "plain"}  # one compiled loop
    theirs.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
    theirs.fit(x.reshape(-1, 1), y.reshape(-1, 1), batch_size=x.size, epochs=20, shuffle=False, verbose=0)
    assert max_diff(ours.get_weights(), theirs.get_weights()) < 1e-5


def test_a_long_full_batch_run_is_one_compiled_loop_called_in_chunks(scaled_relu, xla):
    """On either path, 2500 steps in one run equal 25 runs of 100, and no new step count re-traces the
    loop (under XLA a run is called in chunks of CHUNK steps)."""
    x, y = scaled_relu
    kw = dict(lr=1e-2, lr_decay=0.1)
    whole = au.build_mlp(seed=2)
    run = au.train(whole, x, y, steps=2500, **kw, xla=xla)
    assert run.steps_done == 2500 and au.training.CHUNK < 2500
    parts = au.build_mlp(seed=2)
    trainer = au.training.Trainer.for_model(parts, xla=xla)
    trainer.reset()
    losses = [trainer.run(x, y, 100, start=100 * k, total=2500, **kw).loss for k in range(25)]
    assert max_diff(whole.get_weights(), parts.get_weights()) == 0
    np.testing.assert_array_equal(np.concatenate(losses), run.loss)
    (loop,) = trainer._loops.values()  # one compiled loop, traced once for every step count
    assert loop.experimental_get_tracing_count() == 1 and trainer.paths == {"xla" if xla else "plain"}


@pytest.mark.parametrize("activation", au.models.ACTIVATIONS)
def test_every_activation_compiles_and_trains(scaled_relu, activation, xla):
    x, y = scaled_relu
    run = au.train(au.build_mlp(hidden=(8,), activation=activation, init="glorot_uniform"), x, y, steps=30, lr=1e-2, xla=xla)
    assert run.steps_done == 30 and run.loss[-1] < run.loss[0]


@pytest.mark.parametrize("optimizer", au.config.OPTIMIZERS)
def test_every_optimizer_compiles_and_trains(scaled_relu, optimizer, xla):
    x, y = scaled_relu
    run = au.train(au.build_mlp(hidden=(8,), init="glorot_uniform"), x, y, steps=30, lr=1e-2, optimizer=optimizer, xla=xla)
    assert run.steps_done == 30 and run.loss[-1] < run.loss[0]


def test_a_divergence_inside_a_later_chunk_ends_the_run(scaled_relu, xla):
    x, y = scaled_relu
    run = au.train(au.build_mlp(init=5.0, seed=0), x * 100, y * 1e4, steps=3000, lr=50.0, xla=xla)
    assert run.diverged and run.steps_done == run.diverged_at + 1 <= 3000


def test_the_xla_mini_batch_loop_visits_the_points_as_the_plain_one_does(scaled_relu):
    """Same epoch orders (seeded shuffles), the last batch of an epoch masked to the 8 points left:
    300 steps of batch 32 on 200 points (7 batches an epoch, 43 epochs, over a CHUNK boundary) agree
    with the plain loop to float noise, while another seed does not."""
    x, y = scaled_relu
    weights = {}
    model = au.build_mlp(init="glorot_uniform", seed=0)
    trainers = {xla: au.training.Trainer(model, xla=xla, chunk=128) for xla in (False, True)}
    for forced, seed in [(False, 1), (True, 1), (True, 2)]:
        au.reinitialize(model, init="glorot_uniform", seed=0)  # one model: the XLA loop compiles once
        trainers[forced].reset()
        run = trainers[forced].run(x, y, 300, batch_size=32, lr=3e-3, seed=seed)
        assert run.steps_done == 300 and run.batch_size == 32
        weights[forced, seed] = model.get_weights()
    assert max_diff(weights[True, 1], weights[False, 1]) < 1e-5
    assert max_diff(weights[True, 2], weights[False, 1]) > 1e-3


@pytest.mark.parametrize("n, batch_size", [(128, None), (1000, None), (1000, 32), (64, 500)])
def test_every_run_takes_xla_by_default(n, batch_size):
    """XLA was measured faster a step for every size and batch (see training.XLA)."""
    x = np.linspace(-1, 1, n)
    model = au.build_mlp(hidden=(4,), seed=0)
    au.train(model, x, x ** 2, steps=3, batch_size=batch_size)
    assert au.training.Trainer.for_model(model).paths == {"xla"}


class _NoXlaKernel(keras.layers.Layer):
    """Adds zero through an op XLA has no kernel for (a seeded shuffle): XLA cannot compile a loop over it."""

    def call(self, inputs):
        import tensorflow as tf
        order = tf.random.experimental.stateless_shuffle(tf.range(3), seed=[1, 2])
        return inputs + 0.0 * tf.cast(order[0], inputs.dtype)


def test_where_xla_cannot_compile_the_plain_loop_takes_the_run(scaled_relu):
    x, y = scaled_relu

    def model():
        body = au.build_mlp(hidden=(8,), init="glorot_uniform", seed=0)
        return keras.Sequential([keras.Input((1,)), _NoXlaKernel(), *body.layers])

    odd = model()
    run = au.train(odd, x, y, steps=40, lr=1e-2)
    trainer = au.training.Trainer.for_model(odd)
    assert run.steps_done == 40 and not run.diverged and trainer.paths == {"plain"}
    assert "StatelessShuffle" in trainer.xla_error
    plain = model()
    au.train(plain, x, y, steps=40, lr=1e-2, xla=False)
    assert max_diff(odd.get_weights(), plain.get_weights()) == 0  # the plain loop ran it, from the start
    assert au.train(odd, x, y, steps=5).steps_done == 5 and trainer.paths == {"plain"}  # no second try


def test_when_xla_fails_in_a_later_call_the_plain_loop_runs_only_the_steps_left(scaled_relu, second_call_fails):
    """A run under XLA is called in chunks; if a later chunk cannot compile, the plain loop takes the steps
    not yet run from where the run is (not all of them again from the advanced weights)."""
    x, y = scaled_relu
    model, alone = au.build_mlp(hidden=(8,), seed=0), au.build_mlp(hidden=(8,), seed=0)
    trainer = au.training.Trainer(model, xla=True, chunk=30)
    compiled = trainer._compile

    def failing_second_xla_call(*key):
        loop = compiled(*key)
        return second_call_fails(loop) if key[3] else loop  # key[3]: the XLA loop

    trainer._compile = failing_second_xla_call
    run = trainer.run(x, y, 90, lr=1e-2)
    reference = au.train(alone, x, y, steps=90, lr=1e-2)
    assert run.steps_done == 90 and trainer.paths == {"xla", "plain"} and "simulated" in trainer.xla_error
    assert max_diff(model.get_weights(), alone.get_weights()) < 1e-5
    np.testing.assert_allclose(run.loss, reference.loss, rtol=1e-5)


def test_the_first_xla_compile_of_a_process_prints_nothing():
    """TensorFlow 2.16-2.19 announce XLA on stderr ("XLA service ... initialized", "Compiled cluster using
    XLA!") through a logger TF_CPP_MIN_LOG_LEVEL does not reach: a student would see it under a cell."""
    import os
    import subprocess
    import sys

    code = ("import numpy as np, approx_utils as au; x = np.linspace(0, 1, 50); model = au.build_mlp(hidden=(4,)); "
            "run = au.train(model, x, x, steps=3); "
            "print(run.steps_done, sorted(au.training.Trainer.for_model(model).paths))")
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0 and out.stdout.split() == ["3", "['xla']"], out.stderr[-2000:]  # it ran on XLA
    assert out.stderr == "", out.stderr[-2000:]


@pytest.mark.parametrize("xla", [False, True], ids=["plain", "xla"])
def test_ctrl_c_stops_a_long_run_between_calls_and_leaves_a_consistent_model(scaled_relu, xla):
    """A run is called `chunk` steps at a time on both paths, so Ctrl-C (SIGINT) lands within a call."""
    import signal
    x, y = scaled_relu
    model = au.build_mlp(hidden=(4,), seed=0)
    trainer = au.training.Trainer(model, xla=xla, chunk=200)
    trainer.run(x, y, 10)  # compiled before the clock starts
    # Ctrl-C as in a terminal or a kernel, even where this process was started with SIGINT ignored (a
    # background job in CI): Python's own handler, which raises KeyboardInterrupt.
    interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGALRM, lambda *_: signal.raise_signal(signal.SIGINT))
    signal.setitimer(signal.ITIMER_REAL, 1.0)
    try:
        with pytest.raises(KeyboardInterrupt):
            trainer.run(x, y, au.config.MAX_STEPS)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, interrupt)
    assert int(keras.ops.convert_to_numpy(trainer.optimizer.iterations)) < au.config.MAX_STEPS  # stopped part-way
    assert all(np.all(np.isfinite(w)) for w in model.get_weights())
    assert trainer.run(x, y, 5).steps_done == 5  # and it trains on


def test_the_decay_reaches_lr_times_lr_decay_at_the_last_step(scaled_relu):
    """lr_decay is the last step's rate over the first (before: lr * decay ** ((T - 1) / T), 0.0158 over 10 steps)."""
    x, y = scaled_relu
    model = au.build_mlp(hidden=(4,), seed=0)
    for steps in (1, 10, 1500):
        au.train(model, x, y, steps=steps, lr=0.1, lr_decay=0.01, optimizer="sgd")
        last = float(keras.ops.convert_to_numpy(au.training.Trainer.for_model(model, "sgd").optimizer.learning_rate))
        assert last == pytest.approx(0.1 if steps == 1 else 0.001, rel=1e-5)


def test_ctrl_c_sent_to_another_process_stops_train_on_both_loops_and_a_sweep():
    """SIGINT from outside, as a terminal or a kernel's Interrupt sends it, to runs of MAX_STEPS steps
    (benchmarks/bench_interrupt.py prints how soon each stopped)."""
    from benchmarks.bench_interrupt import PHASES, measure

    results = measure()
    assert [r["phase"] for r in results] == list(PHASES)
    for r in results:
        assert r["stopped"], r
        if r["phase"].startswith("train"):
            assert 0 < r["steps"] < au.config.MAX_STEPS and r["weights_finite"], r


def test_ctrl_c_during_a_call_is_held_until_the_call_returns_and_a_second_one_raises_at_once():
    """A KeyboardInterrupt inside TensorFlow's own Python can break a tf.function for the next run (seen: a
    KeyError on the next call), so the loops hold Ctrl-C during a call and raise it between calls."""
    import signal

    from approx_utils.training import InterruptBetweenCalls
    interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with InterruptBetweenCalls() as held:
            signal.raise_signal(signal.SIGINT)  # "during a call": nothing raised yet
            assert held.pending
            with pytest.raises(KeyboardInterrupt):
                signal.raise_signal(signal.SIGINT)  # pressed again: at once
            with pytest.raises(KeyboardInterrupt):
                held.check()  # between calls
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back
        custom = signal.signal(signal.SIGINT, lambda *_: None)
        with InterruptBetweenCalls() as held:  # someone else's handler (a live explorer's) is left in place
            assert signal.getsignal(signal.SIGINT) is not held._hold
        signal.signal(signal.SIGINT, custom)
    finally:
        signal.signal(signal.SIGINT, interrupt)


def test_the_call_that_compiles_is_reported_apart_from_training(scaled_relu):
    """A loop's first call on data of a new shape compiles it: a panel must not report that as training."""
    x, y = scaled_relu
    model = au.build_mlp(hidden=(8,), seed=0)
    trainer = au.training.Trainer(model)
    first = trainer.run(x, y, 300)
    again = trainer.run(x, y, 300)
    assert 0 < first.compile_seconds <= first.seconds and again.compile_seconds == 0
    assert trainer.run(x[:-3], y[:-3], 50).compile_seconds > 0  # a new shape: XLA compiles again
    assert au.training.Run.join([first, again]).compile_seconds == first.compile_seconds
