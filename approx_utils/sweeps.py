"""`sweep`: many configurations of one architecture trained at once, for claims tables and phase diagrams.

The K networks' weights are stacked along a leading axis and trained by one compiled loop (batched
matmuls), with Adam written out in the same arithmetic as Keras' Adam, so a configuration trained in a
sweep ends where it ends trained alone. Each configuration has its own target, scalings, init, seed,
learning rate and decay; they share the architecture, the step budget and the training-set size.
Full batch only. A configuration whose loss turns NaN/inf is frozen and reported as diverged. The loop is
called at most CHUNK steps (about CALL_S seconds) at a time: Ctrl-C stops a sweep between calls (KeyboardInterrupt).
The same list of configurations gives the same numbers every time; a different list (rows added or
removed) can move a row's numbers in the last digits, because batched kernels block differently
for another stack size, and a chaotic run (large learning rate) can amplify that.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from .config import SWEEP_BUDGET, Config
from .data import predict_original, prepare_data, scored_r2
from .diagnostics import Diagnosis, diagnose, diverged_finding
from .losses import check_loss, loss_function
from .models import layer_seed, make_initializer
from .pool import POOL
from .training import CHUNK, FIRST_CALL, InterruptBetweenCalls, decay_fraction, steps_per_call

PER_CONFIG = ("target", "x_scale", "y_scale", "init", "lr", "lr_decay", "seed")
BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # keras.optimizers.Adam's defaults
MAX_BYTES = 4e9  # what a sweep may allocate: a student's laptop has 8-16 GB


@dataclass
class SweepResult:
    """One row per configuration: its settings, R² on the domain grid (original units), divergence, and
    `diagnosis` (the `Diagnosis` that `diagnose` gives; empty when not diagnosed)."""

    rows: list
    steps: int
    seconds: float

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def r2_grid(self, rows_key: str, cols_key: str, **where) -> tuple[list, list, np.ndarray]:
        """Median R² over seeds for each (rows_key, cols_key) pair among rows matching `where`: a heatmap."""
        chosen = [r for r in self.rows if all(r[k] == v for k, v in where.items())]
        ys = sorted({r[rows_key] for r in chosen}, key=_order)
        xs = sorted({r[cols_key] for r in chosen}, key=_order)
        grid = np.full((len(ys), len(xs)), np.nan)
        for i, a in enumerate(ys):
            for j, b in enumerate(xs):
                vals = [r["r2"] for r in chosen if r[rows_key] == a and r[cols_key] == b]
                if vals:
                    grid[i, j] = np.median(vals)
        return ys, xs, grid


def _order(v):
    return (0, v, "") if isinstance(v, (int, float)) and not isinstance(v, bool) else (1, 0, str(v))


def grid_configs(**axes) -> list[dict]:
    """Every combination of the given per-configuration settings: grid_configs(init=[...], lr=[...], seed=[0, 1])."""
    configs = [{}]
    for key, values in axes.items():
        if key not in PER_CONFIG:
            raise ValueError(f"unknown sweep axis {key!r}; choose among {', '.join(PER_CONFIG)}")
        if not isinstance(values, (list, tuple)) or not values:
            raise TypeError(f"grid_configs({key}=...) takes a non-empty list of values, e.g. {key}=[...]; "
                            f"got {values!r}")
        configs = [{**c, key: v} for c in configs for v in values]
    return configs


def _initial(shapes, init, seed) -> list:
    """The kernels `build_mlp(init=init, seed=seed)` starts from."""
    return [np.asarray(make_initializer(init, layer_seed(seed, i))(shape), np.float32) for i, shape in enumerate(shapes)]


def _compile(n_layers: int, activation, head, loss: str):
    per_sample = loss_function(loss)

    def losses_of(weights, x, y):
        """Each configuration's loss (mean over its samples) at these weights."""
        h = x
        for i in range(n_layers):
            w, b = weights[2 * i], weights[2 * i + 1]
            h = tf.einsum("kni,kio->kno", h, w) + b[:, None, :]
            if i < n_layers - 1:
                h = activation(h)
            elif head is not None:
                h = head(h)  # Keras' sigmoid: keeps the logits, which its cross-entropy then reads
        return tf.reduce_mean(per_sample(y, h), axis=1)  # per sample, then the mean per config

    @tf.function(reduce_retracing=True)
    def loop(state, x, y, start, steps, total, lr, decay):
        """`steps` steps from step `start` of `total`; state = (weights, moments, velocities, alive, diverged_at,
        each configuration's last loss). Returns the new state and each configuration's loss at its new weights."""
        weights, moments, velocities, alive, diverged_at, last = state
        for t in tf.range(start, start + steps):
            with tf.GradientTape() as tape:
                tape.watch(weights)
                per_config = losses_of(weights, x, y)
                total_loss = tf.reduce_sum(tf.where(alive, per_config, 0.0))
            grads = tape.gradient(total_loss, weights)
            last = per_config
            finite = tf.math.is_finite(per_config)
            diverged_at = tf.where(alive & ~finite, t, diverged_at)
            alive = alive & finite
            step = tf.cast(t + 1, tf.float32)
            rate = lr * tf.pow(decay, decay_fraction(t, total))
            alpha = rate * tf.sqrt(1 - tf.pow(BETA_2, step)) / (1 - tf.pow(BETA_1, step))
            new_weights, new_m, new_v = [], [], []
            for w, g, m, v in zip(weights, grads, moments, velocities):
                shape = [-1] + [1] * (len(w.shape) - 1)
                keep = tf.reshape(alive, shape)
                g = tf.where(keep, g, 0.0)
                m2 = m + (g - m) * (1 - BETA_1)
                v2 = v + (tf.square(g) - v) * (1 - BETA_2)
                w2 = w - tf.reshape(alpha, shape) * m2 / (tf.sqrt(v2) + EPSILON)
                new_weights.append(tf.where(keep, w2, w))
                new_m.append(m2)
                new_v.append(v2)
            weights, moments, velocities = new_weights, new_m, new_v
        return (weights, moments, velocities, alive, diverged_at, last), losses_of(weights, x, y)

    return loop


def _train(loop, weights, x, y, steps, lr, decay):
    """Run the compiled loop a call of at most CHUNK steps (about CALL_S seconds) at a time, as `train` does,
    so Ctrl-C lands between calls (KeyboardInterrupt), and no record grows with the steps. Returns the trained
    weights, each configuration's loss at its last step and the step it diverged at (-1: never); a loss that
    overflows at the weights the last step left counts as diverging there (step `steps`)."""
    k = int(x.shape[0])
    state = (weights, [tf.zeros_like(w) for w in weights], [tf.zeros_like(w) for w in weights],
             tf.ones([k], tf.bool), tf.fill([k], -1), tf.fill([k], np.float32(np.nan)))
    after, start, per_call = None, 0, FIRST_CALL
    with InterruptBetweenCalls() as interrupt:
        while start < steps:
            interrupt.check()
            n, t0 = min(CHUNK, steps - start, per_call), time.perf_counter()
            state, after = loop(state, x, y, tf.constant(start), tf.constant(n), tf.constant(steps), lr, decay)
            after = after.numpy()
            start, per_call = start + n, steps_per_call(n, time.perf_counter() - t0)
    weights, _, _, alive, diverged_at, last = state
    diverged_at = tf.where(alive & ~np.isfinite(after), steps, diverged_at)
    return [w.numpy() for w in weights], last.numpy(), diverged_at.numpy()


_LOOPS: dict = {}


def sweep(configs: list[dict], hidden=(20, 20, 20), activation: str = "elu", steps: int = SWEEP_BUDGET["steps"],
          n_train: int = SWEEP_BUDGET["n_train"], n_grid: int = SWEEP_BUDGET["n_grid"], diagnose_each: bool = True,
          output_activation=None, loss: str = "mse") -> SweepResult:
    """Train every configuration at once: one architecture, budget and loss, Adam, full batch.

    Args:
        configs: dicts of the settings that may differ between configurations (`PER_CONFIG`: target, x_scale,
            y_scale, init, lr, lr_decay, seed); the rest are `Config`'s defaults.
        hidden, activation, output_activation: the shared architecture; the head is None (linear) or 'sigmoid'.
        steps, n_train, n_grid: the shared budget, sample size and scoring grid (default `SWEEP_BUDGET`).
        diagnose_each: run `diagnose` on every configuration that did not diverge.
        loss: one of `LOSSES`; 'bce' needs the sigmoid head and every configuration's scaled y in [0, 1].

    >>> res = sweep(grid_configs(init=[0.05, 0.5], lr=[1e-3, 1e-2]), steps=1000)   # doctest: +SKIP
    >>> [(r["init"], r["lr"], round(r["r2"], 2)) for r in res]                     # doctest: +SKIP
    """
    shared = Config(hidden=hidden, activation=activation, output_activation=output_activation, steps=steps,
                    n_train=n_train, n_grid=n_grid, loss=loss)
    full = _configs(configs, shared)
    _check_size(len(full), shared)
    data = [prepare_data(c) for c in full]
    for d in data:
        check_loss(loss, d.ys, shared.output_activation)
    sizes = {d.target.name: d.xs.size for d in data}
    if len(set(sizes.values())) > 1:  # one tensor holds every configuration's points
        raise ValueError(f"a sweep trains every configuration on as many points, but these targets give "
                         f"{', '.join(f'{k!r} {v}' for k, v in sizes.items())}: set n_train to at most "
                         f"{min(sizes.values())}")
    widths = (1,) + shared.hidden + (1,)
    shapes = list(zip(widths[:-1], widths[1:]))
    kernels = [_initial(shapes, c.init, c.seed) for c in full]
    weights = []
    for i, (_, fan_out) in enumerate(shapes):
        weights.append(tf.constant(np.stack([k[i] for k in kernels])))
        weights.append(tf.zeros([len(full), fan_out], tf.float32))
    x = tf.constant(np.stack([d.xs for d in data])[:, :, None], tf.float32)
    y = tf.constant(np.stack([d.ys for d in data])[:, :, None], tf.float32)
    lr = tf.constant([c.lr for c in full], tf.float32)
    decay = tf.constant([c.lr_decay for c in full], tf.float32)
    t0 = time.perf_counter()
    trained, last, diverged_at = _train(_loop(len(shapes), shared), weights, x, y, shared.steps, lr, decay)
    seconds = time.perf_counter() - t0
    rows = _rows(full, data, shared, trained, last, diverged_at, diagnose_each)
    return SweepResult(rows, shared.steps, seconds)


def _configs(configs, shared: Config) -> list[Config]:
    """Each configuration's `Config`: the shared settings with its own (only `PER_CONFIG` ones may differ)."""
    if not isinstance(configs, (list, tuple)) or not configs:
        raise ValueError("configs must be a non-empty list of settings (see grid_configs)")
    if shared.output_activation not in ("linear", "sigmoid"):
        raise ValueError(f"a sweep's output_activation must be None or 'sigmoid', got {shared.output_activation!r}")
    for c in configs:
        if not isinstance(c, dict):
            raise TypeError(f"each of configs must be a dict of settings (see grid_configs), got {c!r}")
        unknown = set(c) - set(PER_CONFIG)
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)} in a sweep configuration; "
                             f"allowed: {', '.join(PER_CONFIG)}")
    return [shared.replace(**c) for c in configs]


def _check_size(k: int, shared: Config) -> None:
    """Refuse a sweep whose stacked activations would not fit in memory, before allocating (no record grows with
    the steps: the loop keeps each configuration's last loss only)."""
    widest = max(shared.hidden)
    need = 4 * k * 6 * shared.n_train * widest * len(shared.hidden)  # bytes, float32
    if need > MAX_BYTES:
        raise ValueError(f"a sweep of {k} configurations on {shared.n_train} points through {len(shared.hidden)} layers "
                         f"of up to {widest} units needs about {need / 1e9:.1f} GB for its activations; at most "
                         f"{MAX_BYTES / 1e9:.0f} GB: fewer configs, points or units")


def _loop(n_layers: int, shared: Config):
    """The compiled loop of this depth, activation, head and loss (one per combination)."""
    key = (n_layers, shared.activation, shared.output_activation, shared.loss)
    if key not in _LOOPS:
        head = keras.activations.sigmoid if shared.output_activation == "sigmoid" else None
        _LOOPS[key] = _compile(n_layers, keras.activations.get(shared.activation), head, shared.loss)
    return _LOOPS[key]


def _rows(full, data, shared, trained, last, diverged_at, diagnose_each) -> list[dict]:
    """One row per configuration, scored (and diagnosed) in a pooled model of the architecture."""
    rows = []
    with POOL.borrow(shared) as model:  # a body to score each row's weights in
        for k, (c, d) in enumerate(zip(full, data)):
            diverged = diverged_at[k] >= 0
            row = {**{name: getattr(c, name) for name in PER_CONFIG}, "target": d.target.name, "r2": float("-inf"),
                   "diverged": bool(diverged), "final_loss": float(last[k]), "diagnosis": Diagnosis()}
            if diverged:
                row["diagnosis"] = Diagnosis([diverged_finding(int(diverged_at[k]))])
            else:
                model.set_weights([w[k] for w in trained])
                x_grid = d.target.grid(shared.n_grid)
                row["r2"] = scored_r2(d.target, model, d.x_scaler, d.y_scaler, d.target(x_grid),
                                      predict_original(model, d.x_scaler, d.y_scaler, x_grid))
                if diagnose_each:
                    row["diagnosis"] = diagnose(model, d.xs, d.ys, loss=shared.loss)
            rows.append(row)
    return rows
