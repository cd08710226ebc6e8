"""`sweep`: many configurations of one architecture trained at once, for claims tables and phase diagrams.

The configurations train as one stack (`stack.Stack`: stacked weights, one compiled loop), so a
configuration trained in a sweep ends where it ends trained alone, to float noise. Each configuration has its
own target, scalings, init, seed, learning rate and decay; they share the architecture, loss, optimizer, batch
regime, step budget and training-set size. A configuration whose loss turns NaN/inf is frozen and reported as
diverged. Ctrl-C stops a sweep between two calls of its loop (KeyboardInterrupt).
The same list of configurations gives the same numbers every time; a different list (rows added or
removed) can move a row's numbers in the last digits, because batched kernels block differently
for another stack size, and a chaotic run (large learning rate) can amplify that.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .config import SWEEP_BUDGET, Config
from .data import predict_original, prepare_data, scored_r2
from .diagnostics import Diagnosis, diagnose, diverged_finding
from .pool import POOL
from .stack import Stack

PER_CONFIG = ("target", "x_scale", "y_scale", "init", "lr", "lr_decay", "seed")
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


def sweep(configs: list[dict], hidden=(20, 20, 20), activation: str = "elu", steps: int = SWEEP_BUDGET["steps"],
          n_train: int = SWEEP_BUDGET["n_train"], n_grid: int = SWEEP_BUDGET["n_grid"], diagnose_each: bool = True,
          output_activation=None, loss: str = "mse", optimizer: str = "adam", batch_size=None,
          clip_range=(0.0, 1.0)) -> SweepResult:
    """Train every configuration at once: one architecture, budget, loss, optimizer and batch regime.

    Args:
        configs: dicts of the settings that may differ between configurations (`PER_CONFIG`: target, x_scale,
            y_scale, init, lr, lr_decay, seed); the rest are `Config`'s defaults.
        hidden, activation, output_activation, clip_range: the shared architecture (see `build_mlp`).
        steps, n_train, n_grid: the shared budget, sample size and scoring grid (default `SWEEP_BUDGET`).
        diagnose_each: run `diagnose` on every configuration that did not diverge.
        loss: one of `LOSSES`; 'bce' needs a sigmoid or clip head and every configuration's scaled y in [0, 1].
        optimizer, batch_size: the shared training regime (see `train`).

    >>> res = sweep(grid_configs(init=[0.05, 0.5], lr=[1e-3, 1e-2]), steps=1000)   # doctest: +SKIP
    >>> [(r["init"], r["lr"], round(r["r2"], 2)) for r in res]                     # doctest: +SKIP
    """
    shared = Config(hidden=hidden, activation=activation, output_activation=output_activation, steps=steps,
                    n_train=n_train, n_grid=n_grid, loss=loss, optimizer=optimizer, batch_size=batch_size,
                    clip_range=clip_range)
    full = _configs(configs, shared)
    _check_size(len(full), shared)
    data = [prepare_data(c) for c in full]
    sizes = {d.target.name: d.xs.size for d in data}
    if len(set(sizes.values())) > 1:  # one tensor holds every configuration's points
        raise ValueError(f"a sweep trains every configuration on as many points, but these targets give "
                         f"{', '.join(f'{k!r} {v}' for k, v in sizes.items())}: set n_train to at most "
                         f"{min(sizes.values())}")
    t0 = time.perf_counter()
    trained = Stack(full, [d.xs for d in data], [d.ys for d in data]).train()
    seconds = time.perf_counter() - t0
    rows = _rows(full, data, shared, trained, diagnose_each)
    return SweepResult(rows, shared.steps, seconds)


def _configs(configs, shared: Config) -> list[Config]:
    """Each configuration's `Config`: the shared settings with its own (only `PER_CONFIG` ones may differ)."""
    if not isinstance(configs, (list, tuple)) or not configs:
        raise ValueError("configs must be a non-empty list of settings (see grid_configs)")
    for c in configs:
        if not isinstance(c, dict):
            raise TypeError(f"each of configs must be a dict of settings (see grid_configs), got {c!r}")
        unknown = set(c) - set(PER_CONFIG)
        if unknown:
            raise ValueError(f"unknown setting(s) {sorted(unknown)} in a sweep configuration; "
                             f"allowed: {', '.join(PER_CONFIG)}")
    return [shared.replace(**c) for c in configs]


def _check_size(k: int, shared: Config) -> None:
    """Refuse a sweep that would not fit in memory, before allocating: its stacked activations, and each
    configuration's loss at every step (float32 in the stack's record, float64 in its `Run`)."""
    widest = max(shared.hidden)
    need = 4 * k * 6 * shared.n_train * widest * len(shared.hidden) + 12 * k * shared.steps  # bytes
    if need > MAX_BYTES:
        raise ValueError(f"a sweep of {k} configurations of {shared.steps} steps on {shared.n_train} points through "
                         f"{len(shared.hidden)} layers of up to {widest} units needs about {need / 1e9:.1f} GB for its "
                         f"activations and loss records; at most {MAX_BYTES / 1e9:.0f} GB: fewer configs, steps, points "
                         "or units")


def _rows(full, data, shared, trained, diagnose_each) -> list[dict]:
    """One row per configuration, scored (and diagnosed) in a pooled model of the architecture."""
    rows = []
    with POOL.borrow(shared, fresh=False) as model:  # a body to score each row's weights in
        for c, d, t in zip(full, data, trained):
            row = {**{name: getattr(c, name) for name in PER_CONFIG}, "target": d.target.name, "r2": float("-inf"),
                   "diverged": t.run.diverged, "final_loss": t.run.final_loss, "diagnosis": Diagnosis()}
            if t.run.diverged:
                row["diagnosis"] = Diagnosis([diverged_finding(t.run.diverged_at)])
            else:
                model.set_weights(t.weights)
                x_grid = d.target.grid(shared.n_grid)
                row["r2"] = scored_r2(d.target, model, d.x_scaler, d.y_scaler, d.target(x_grid),
                                      predict_original(model, d.x_scaler, d.y_scaler, x_grid))
                if diagnose_each:
                    row["diagnosis"] = diagnose(model, d.xs, d.ys, loss=shared.loss)
            rows.append(row)
    return rows
