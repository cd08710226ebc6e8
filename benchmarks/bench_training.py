"""How much faster `au.train` is than Keras' `model.fit` on the same work, measured in one process.

(a) 1000 full-batch Adam steps of the canonical 1->20->20->20->1 ELU net, init 'normal', on 1000
    points: `train` against `model.fit(epochs=1000, batch_size=1000)`.
(b) about 2000 mini-batch steps (batch 32): `train` against the source question's loop of
    `model.fit(x, y, epochs=1, batch_size=32)` calls.
After a warm-up, the median of `--repeats` runs of each. Last line:
    speedup_vs_fit=<a> speedup_vs_fit_loop=<b>      (targets on the 2-core machine: a >= 50, b >= 10)
Run: `make bench` or `.venv/bin/python benchmarks/bench_training.py`.
"""
from __future__ import annotations

import argparse
import math
import statistics
import time

import approx_utils as au
import keras
import numpy as np


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


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
    print(f"speedup_vs_fit={a:.1f} speedup_vs_fit_loop={b:.1f}")


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
