"""`run_experiment`: target -> sample -> scale -> build -> train -> evaluate -> diagnose, in one call.

Scores are in the target's original units, on a dense grid of its domain, so runs with different
scalings compare fairly. Models are pooled by architecture: a new init, seed or learning rate
reuses the pooled model and its compiled training loop instead of tracing a new one.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from ._checks import check_int, check_positive, check_range
from .diagnostics import Diagnosis, diagnose, overshoot, r2
from .losses import check_loss
from .models import build_mlp, check_architecture, check_init, predict, reinitialize
from .scaling import Scaler, get_scaler
from .targets import Target, get_target
from .training import Run, Trainer, check_schedule

_POOL: dict = {}


def pooled_model(hidden, activation, output_activation, clip_range, init, seed):
    """The pooled model of this architecture, reset to `build_mlp`'s starting weights for (init, seed)."""
    key = check_architecture(hidden, activation, output_activation, clip_range)
    if key not in _POOL:
        hidden, activation, head, clip_range = key
        _POOL[key] = build_mlp(hidden, activation, init, head, seed, clip_range)
    else:
        reinitialize(_POOL[key], init, seed)
    return _POOL[key]


@dataclass
class Data:
    """A target's training sample in original units, and the same sample scaled by fitted scalers."""

    target: Target
    x_train: np.ndarray
    y_train: np.ndarray
    x_scaler: Scaler
    y_scaler: Scaler
    xs: np.ndarray
    ys: np.ndarray


def prepare_data(target, x_scale, y_scale, n_train: int, seed: int) -> Data:
    """Sample `n_train` points of `target` with `seed` and fit the x and y scalers to them."""
    target = get_target(target)
    x_scaler, y_scaler = get_scaler(x_scale), get_scaler(y_scale)
    x_train, y_train = target.sample(n_train, seed=seed)
    return Data(target, x_train, y_train, x_scaler, y_scaler, x_scaler.fit_transform(x_train),
                y_scaler.fit_transform(y_train))


def predict_original(model, x_scaler, y_scaler, x, post_clip=None) -> np.ndarray:
    """Predictions in original units: x scaled in, clipped to post_clip in the model's (scaled) units if
    given, then the y scaling inverted. NaN everywhere if the net's outputs are not finite (a diverged run).
    """
    raw = predict(model, x_scaler.transform(x))
    if not np.all(np.isfinite(raw)):
        return np.full_like(raw, np.nan)
    return y_scaler.inverse_transform(raw if post_clip is None else np.clip(raw, *post_clip))


@dataclass
class Experiment:
    """One trained configuration: its data, scalers, run, R² on the domain grid, and diagnosis.

    `predict` works in original units. `model` is a standalone copy with this experiment's final
    weights (made on first use), so later experiments do not change it.
    """

    target: Target
    config: dict
    x_train: np.ndarray
    y_train: np.ndarray
    x_scaler: Scaler
    y_scaler: Scaler
    run: Run
    weights: list
    x_grid: np.ndarray
    y_grid_pred: np.ndarray
    r2: float
    diagnosis: Diagnosis
    _model: object = field(default=None, repr=False)

    @property
    def model(self):
        if self._model is None:
            c = self.config
            self._model = build_mlp(c["hidden"], c["activation"], c["init"], c["output_activation"],
                                    c["seed"], c["clip_range"])
            self._model.set_weights(self.weights)
        return self._model

    @property
    def diverged(self) -> bool:
        return self.run.diverged

    def predict(self, x) -> np.ndarray:
        """Predictions for x in original units (x scaled in, the y scaling inverted out)."""
        return predict_original(self.model, self.x_scaler, self.y_scaler, x, self.config["post_clip"])

    def range_shares(self, beyond: float | None = None) -> dict:
        """Share of predictions (as returned: after `post_clip`) outside the target's range by more than 2% of
        it, on a 1001-point grid of the domain ('inside') and, looking `beyond` the domain (a fraction of its
        width; default: the run's own `beyond`), on the grid of the widened parts ('beyond')."""
        beyond = self.config["beyond"] if beyond is None else check_positive(beyond, "beyond", allow_zero=True)
        x = self.target.grid(1001, beyond)
        inside = (x >= self.target.domain[0]) & (x <= self.target.domain[1])
        y = self.target(self.target.grid(1001))
        pred = self.predict(x)
        shares = {"inside": overshoot(pred[inside], y.min(), y.max())["share"]}
        if beyond > 0:
            shares["beyond"] = overshoot(pred[~inside], y.min(), y.max())["share"]
        return shares

    def __repr__(self):
        state = "diverged" if self.diverged else f"R²={self.r2:.3f}"
        kinds = ", ".join(self.diagnosis.kinds) or "no findings"
        return f"Experiment({self.target.name}, {state}, {self.run.steps_done} steps; {kinds})"


def run_experiment(target="parabola", x_scale=None, y_scale=None, init=0.05, activation="elu",
                   hidden=(20, 20, 20), steps=2000, lr=1e-3, batch_size=None, seed=0, n_train=1000,
                   **options) -> Experiment:
    """Fit one configuration and score it.

    x_scale / y_scale: None (raw), a number c (divide by c, as the source's x/100), 'minmax' or
    'standardize'. The seed fixes the training sample, the initial weights and the shuffling.
    Further options: output_activation, clip_range, post_clip (clip predictions after training to
    (lo, hi) in the model's units, i.e. after y scaling: (0, 1) with y_scale='minmax'), lr_decay,
    optimizer, loss ('mse', 'mae', 'huber', or 'bce' for [0, 1] targets and a sigmoid head), n_grid,
    beyond (also check overshoot this far outside the domain, as a fraction of its width).

    >>> exp = run_experiment("parabola", x_scale=100, y_scale="minmax", steps=2000)  # doctest: +SKIP
    >>> exp.r2, exp.diagnosis.kinds                                                    # doctest: +SKIP
    """
    unknown = sorted(set(options) - set(EXPERIMENT_OPTIONS))
    if unknown:
        raise TypeError(f"run_experiment() got unknown option(s) {', '.join(map(repr, unknown))}; it accepts "
                        f"{', '.join(EXPERIMENT_ARGUMENTS)}")
    for exp in iterate_experiment(target, x_scale, y_scale, init, activation, hidden, steps, lr, batch_size,
                                  seed, n_train, **options):
        pass
    return exp


def iterate_experiment(target="parabola", x_scale=None, y_scale=None, init=0.05, activation="elu",
                       hidden=(20, 20, 20), steps=2000, lr=1e-3, batch_size=None, seed=0, n_train=1000,
                       output_activation=None, clip_range=(0.0, 1.0), post_clip=None, lr_decay=1.0,
                       optimizer="adam", loss="mse", n_grid=1001, beyond=0.0, every=None):
    """`run_experiment`, yielding the scored Experiment after every `every` steps (all at once if None).

    The chunks train exactly as one run does (same weights at the end), so live training shows the
    real run. A diverged chunk is the last one.
    """
    target = get_target(target)
    hidden, activation, head, clip_range = check_architecture(hidden, activation, output_activation, clip_range)
    init = check_init(init)
    steps, lr, lr_decay, batch_size, seed = check_schedule(steps, lr, lr_decay, batch_size, seed)
    n_train, n_grid = check_int(n_train, "n_train", minimum=2), check_int(n_grid, "n_grid", minimum=2)
    beyond = check_positive(beyond, "beyond", allow_zero=True)
    every = steps if every is None else check_int(every, "every", minimum=1)
    if post_clip is not None:
        post_clip = check_range(post_clip, "post_clip")
    data = prepare_data(target, x_scale, y_scale, n_train, seed)
    x_train, y_train, x_scaler, y_scaler, xs, ys = (data.x_train, data.y_train, data.x_scaler, data.y_scaler,
                                                    data.xs, data.ys)
    loss = check_loss(loss, ys, head)
    config = dict(target=target.name, x_scale=x_scale, y_scale=y_scale, init=init, activation=activation,
                  hidden=hidden, steps=steps, lr=lr, batch_size=batch_size, seed=seed, n_train=n_train,
                  output_activation=head, clip_range=clip_range, post_clip=post_clip, lr_decay=lr_decay,
                  optimizer=optimizer, loss=loss, beyond=beyond)

    model = pooled_model(hidden, activation, head, clip_range, init, seed)
    trainer = Trainer.for_model(model, optimizer)
    trainer.reset()
    x_grid = target.grid(n_grid)
    y_grid = target(x_grid)
    outside = None
    if beyond > 0:  # only the widened parts: the points beyond the domain
        wide = target.grid(n_grid, beyond)
        outside = x_scaler.transform(wide[(wide < target.domain[0]) | (wide > target.domain[1])])
    runs = []
    for start in range(0, steps, every):
        runs.append(trainer.run(xs, ys, min(every, steps - start), lr=lr, lr_decay=lr_decay, batch_size=batch_size,
                                seed=seed, start=start, total=steps, loss=loss))
        run = Run.join(runs)
        diagnosis = diagnose(model, xs, ys, run=run, x_beyond=outside, setup=config)
        y_grid_pred = predict_original(model, x_scaler, y_scaler, x_grid, post_clip)
        yield Experiment(target, config, x_train, y_train, x_scaler, y_scaler, run, model.get_weights(),
                         x_grid, y_grid_pred, r2(y_grid, y_grid_pred), diagnosis)
        if run.diverged:
            return


# What run_experiment accepts (its own arguments, then iterate_experiment's options): named in its errors.
EXPERIMENT_ARGUMENTS = [name for name in inspect.signature(iterate_experiment).parameters if name != "every"]
EXPERIMENT_OPTIONS = EXPERIMENT_ARGUMENTS[list(inspect.signature(run_experiment).parameters).index("options"):]
