"""How much faster `au.train` is than Keras' `model.fit` on the same work, measured in one process.

(a) 1000 full-batch Adam steps of the canonical 1->20->20->20->1 ELU net, init 'normal', on 1000
    points: `train` against `model.fit(epochs=1000, batch_size=1000)`.
(b) about 2000 mini-batch steps (batch 32): `train` against the source question's loop of
    `model.fit(x, y, epochs=1, batch_size=32)` calls.
(c) the (a) steps: `train` against the floor, a bare `tf.function(jit_compile=True)` around the whole
    loop written here (Keras' Adam, no loss record, no divergence check), computing the batch as two
    halves as `train` does (training.HALVES_MIN_POINTS); also the bare XLA loop on the whole batch (one
    core), the bare loop without XLA, the halves with ReLU units (what ELU's exponential costs), and
    `train` on its plain loop (`train(..., xla=False)`).
After a warm-up, the median of `--repeats` runs of each. Last line:
    speedup_vs_fit=<a> speedup_vs_fit_loop=<b> vs_floor=<train / bare XLA loop in halves>
    (targets on the 2-core machine: a >= 100, b >= 20, vs_floor <= 1.3)
Run from the repository root: `make bench` or `.venv/bin/python -m benchmarks.bench_training`.
"""
from __future__ import annotations

import argparse
import math
import statistics
import time

import keras
import numpy as np

import approx_utils as au


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bare_loop(model, jit: bool, halves: bool):
    """The floor for case (c): Adam steps on the full batch (whole, or as two halves whose gradients
    are summed, as `train` computes it), nothing else, compiled whole."""
    import tensorflow as tf

    optimizer = keras.optimizers.Adam(1e-3)
    optimizer.build(model.trainable_variables)
    weights = model.trainable_variables

    def grads(x, y, n):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(y - model(x, training=True))) / n
        return tape.gradient(loss, weights)

    @tf.function(jit_compile=jit)
    def loop(x, y, steps):
        n = tf.cast(tf.shape(x)[0], tf.float32)
        h = tf.shape(x)[0] // 2
        i = tf.constant(0)
        while i < steps:
            if halves:
                g = [a + b for a, b in zip(grads(x[:h], y[:h], n), grads(x[h:], y[h:], n))]
            else:
                g = grads(x, y, n)
            optimizer.apply(g, weights)
            i += 1
        return weights[0]

    return loop


def median_time(fn, start, repeats: int) -> float:
    """Median wall time of `fn`, each repeat from the same starting state (`start` resets it)."""
    times = []
    for _ in range(repeats):
        start()
        times.append(timed(fn))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=1000, help="full-batch steps (fit epochs) in case (a)")
    parser.add_argument("--minibatch-steps", type=int, default=2000, help="mini-batch steps in case (b)")
    args = parser.parse_args()

    x, y = au.get_target("relu_shift").sample(1000, seed=0)
    x, y = (x / 100).reshape(-1, 1), y.reshape(-1, 1)
    ours = au.build_mlp(init="normal", seed=0)
    keras_model = au.build_mlp(init="normal", seed=0)
    keras_model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    initial = ours.get_weights()

    def reset():
        ours.set_weights(initial)
        keras_model.set_weights(initial)

    # warm-up: trace both paths once
    au.train(ours, x, y, steps=5)
    au.train(ours, x, y, steps=5, batch_size=32)
    keras_model.fit(x, y, epochs=2, batch_size=1000, verbose=0)
    keras_model.fit(x, y, epochs=1, batch_size=32, verbose=0)

    n = args.steps
    t_train = median_time(lambda: au.train(ours, x, y, steps=n), reset, args.repeats)
    t_fit = median_time(lambda: keras_model.fit(x, y, epochs=n, batch_size=1000, verbose=0), reset, args.repeats)
    t_fit_a = t_fit
    a = t_fit / t_train
    print(f"(a) full batch, {n} Adam steps on 1000 points: train {t_train:.2f} s ({1e3 * t_train / n:.2f} ms/step), "
          f"model.fit {t_fit:.2f} s ({1e3 * t_fit / n:.1f} ms/epoch): {a:.0f}x")

    calls = math.ceil(args.minibatch_steps / math.ceil(x.shape[0] / 32))
    steps = calls * math.ceil(x.shape[0] / 32)

    def fit_loop():
        for _ in range(calls):
            keras_model.fit(x, y, epochs=1, batch_size=32, verbose=0)

    t_train = median_time(lambda: au.train(ours, x, y, steps=steps, batch_size=32), reset, args.repeats)
    t_loop = median_time(fit_loop, reset, args.repeats)
    b = t_loop / t_train
    print(f"(b) batch 32, {steps} steps: train {t_train:.2f} s ({1e3 * t_train / steps:.2f} ms/step), "
          f"{calls} calls of model.fit(epochs=1) {t_loop:.2f} s ({1e3 * t_loop / steps:.2f} ms/step): {b:.0f}x")
    import tensorflow as tf

    xt, yt, nt = tf.constant(x, tf.float32), tf.constant(y, tf.float32), tf.constant(n)
    bare = {name: bare_loop(ours, jit, halves) for name, jit, halves in
            [("halves", True, True), ("whole", True, False), ("plain", False, False)]}
    relu = au.build_mlp(activation="relu", init="normal", seed=0)
    bare["relu"] = bare_loop(relu, True, True)
    for loop in bare.values():
        loop(xt, yt, tf.constant(5))  # compile
    au.train(ours, x, y, steps=5, xla=False)  # train's plain loop (a model keeps a loop for each path)
    t_train_plain = median_time(lambda: au.train(ours, x, y, steps=n, xla=False), reset, args.repeats)
    t_train = median_time(lambda: au.train(ours, x, y, steps=n), reset, args.repeats)
    t = {name: median_time(lambda loop=loop: loop(xt, yt, nt).numpy(), reset, args.repeats) for name, loop in bare.items()}
    c = t_train / t["halves"]
    print(f"(c) full batch, {n} steps, ms/step: train {1e3 * t_train / n:.3f}, bare XLA loop in halves "
          f"{1e3 * t['halves'] / n:.3f} (the floor): train/floor = {c:.2f}")
    print(f"    also: bare XLA loop on the whole batch {1e3 * t['whole'] / n:.3f}, bare loop without XLA "
          f"{1e3 * t['plain'] / n:.3f}, train on its plain loop {1e3 * t_train_plain / n:.3f}, bare XLA loop in "
          f"halves with ReLU units {1e3 * t['relu'] / n:.3f}; model.fit / floor = {t_fit_a / t['halves']:.0f}x")
    print(f"speedup_vs_fit={a:.1f} speedup_vs_fit_loop={b:.1f} vs_floor={c:.2f}")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
