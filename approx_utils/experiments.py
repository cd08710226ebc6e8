"""`run_experiment`: target -> sample -> scale -> build -> train -> evaluate -> diagnose, in one call.

Scores are in the target's original units, on a dense grid of its domain, so runs with different
scalings compare fairly. A run trains as a stack of one (`stack.Stack`, whose compiled loop every run of the
architecture reuses); a model from a pool by architecture (see `pool`) holds its weights for scoring.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._checks import check_int, check_positive
from .config import Config, make_config
from .data import predict_original, prepare_data, scored_r2
from .diagnostics import Diagnosis, diagnose
from .losses import check_loss
from .measures import overshoot
from .models import build_mlp
from .pool import POOL
from .scaling import Scaler
from .stack import Stack
from .targets import Target
from .training import Run

_D = Config()  # the defaults, declared once in `Config`


@dataclass
class Experiment:
    """One trained configuration: its data, scalers, run, R² on the domain grid, and diagnosis.

    `predict` works in original units. `model` is a standalone copy with this experiment's final
    weights (made on first use), so later experiments do not change it.
    """

    target: Target
    config: Config
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
            self._model = build_mlp(c.hidden, c.activation, c.init, c.output_activation, c.seed, c.clip_range)
            self._model.set_weights(self.weights)
        return self._model

    @property
    def diverged(self) -> bool:
        return self.run.diverged

    def predict(self, x) -> np.ndarray:
        """Predictions for x in original units (x scaled in, the y scaling inverted out)."""
        return predict_original(self.model, self.x_scaler, self.y_scaler, x, self.config.post_clip)

    def range_shares(self, beyond: float | None = None) -> dict:
        """Share of predictions (as returned: after `post_clip`) outside the target's range by more than 2% of
        it, on a 1001-point grid of the domain ('inside') and, looking `beyond` the domain (a fraction of its
        width; default: the run's own `beyond`), on the grid of the widened parts ('beyond')."""
        beyond = self.config.beyond if beyond is None else check_positive(beyond, "beyond", allow_zero=True)
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


def run_experiment(target=_D.target, x_scale=_D.x_scale, y_scale=_D.y_scale, init=_D.init,
                   activation=_D.activation, hidden=_D.hidden, steps=_D.steps, lr=_D.lr, batch_size=_D.batch_size,
                   seed=_D.seed, n_train=_D.n_train, output_activation=_D.output_activation,
                   clip_range=_D.clip_range, post_clip=_D.post_clip, lr_decay=_D.lr_decay, optimizer=_D.optimizer,
                   loss=_D.loss, n_grid=_D.n_grid, beyond=_D.beyond) -> Experiment:
    """Fit one configuration and score it (every setting is a field of `Config`, which declares them).

    Args:
        target: a name in `TARGETS` or a `Target`.
        x_scale, y_scale: None (raw), a number c (divide by c, as the source's x/100), 'minmax',
            'standardize' or a Scaler such as `MinMax(0.01, 0.99)`; predictions are mapped back to y's units.
        init: std of a normal init (Keras' 'normal' is 0.05) or an initializer name ('glorot_uniform', ...).
        activation, hidden: the hidden units' activation and the hidden layers' widths.
        steps, lr, batch_size, lr_decay, optimizer: the training run (see `train`).
        seed: fixes the training sample, the initial weights and the shuffling.
        n_train: training points drawn uniformly from the target's domain.
        output_activation: None (linear), 'sigmoid', 'tanh' or 'clip' (to `clip_range`, inside the model).
        post_clip: clip predictions to (lo, hi) after training, in the model's units (after y scaling:
            (0, 1) with y_scale='minmax').
        loss: 'mse', 'mae', 'huber', or 'bce' for [0, 1] targets and a sigmoid head.
        n_grid: points of the domain grid R² is scored on.
        beyond: also judge overshoot this far outside the domain, as a fraction of its width.
    Returns the `Experiment`; a diverged run is reported in it (`diverged`), not raised.

    >>> exp = run_experiment("parabola", x_scale=100, y_scale="minmax", steps=2000)  # doctest: +SKIP
    >>> exp.r2, exp.diagnosis.kinds                                                    # doctest: +SKIP
    """
    return _finished(Config(target, x_scale, y_scale, init, activation, hidden, steps, lr, batch_size, seed, n_train,
                            output_activation, clip_range, post_clip, lr_decay, optimizer, loss, n_grid, beyond))


def _finished(config: Config) -> Experiment:
    """`run_experiment` of a `Config`: the last Experiment `iterate_experiment` yields."""
    *_, exp = iterate_experiment(config)
    return exp


def iterate_experiment(config=None, every=None, **settings):
    """`run_experiment` of a `Config` (or a dict of settings, or keyword settings on top of either),
    yielding the scored Experiment after every `every` steps (all at once if None).

    The settings are checked when it is called (a bad one raises a ValueError/TypeError then, before
    any training); the chunks train exactly as one run does (same weights at the end), so live training
    shows the real run. A diverged chunk is the last one. The run keeps its own state between chunks (another
    run meanwhile, of any architecture, does not disturb it), and its scoring model until the last chunk is
    yielded.
    """
    config = make_config(config, **settings)
    every = config.steps if every is None else check_int(every, "every", minimum=1)
    data = prepare_data(config)
    check_loss(config.loss, data.ys, config.output_activation)
    return _chunks(config, every, data)


def _grids(config: Config, data) -> tuple:
    """The domain grid, its targets, and the points beyond the domain in the model's units (None if not judged)."""
    target = data.target
    x_grid = target.grid(config.n_grid)
    outside = None
    if config.beyond > 0:  # only the widened parts: the points beyond the domain
        wide = target.grid(config.n_grid, config.beyond)
        outside = data.x_scaler.transform(wide[(wide < target.domain[0]) | (wide > target.domain[1])])
    return x_grid, target(x_grid), outside


def _scored(config: Config, data, model, run: Run, grids: tuple) -> Experiment:
    """The Experiment of a model holding a run's weights: predictions, R² and diagnosis."""
    target, x_scaler, y_scaler = data.target, data.x_scaler, data.y_scaler
    x_grid, y_grid, outside = grids
    diagnosis = diagnose(model, data.xs, data.ys, run=run, x_beyond=outside, setup=config)
    y_grid_pred = predict_original(model, x_scaler, y_scaler, x_grid, config.post_clip)
    r2 = scored_r2(target, model, x_scaler, y_scaler, y_grid, y_grid_pred, config.post_clip)
    return Experiment(target, config, data.x_train, data.y_train, x_scaler, y_scaler, run, model.get_weights(),
                      x_grid, y_grid_pred, r2, diagnosis)


def _chunks(config: Config, every: int, data):
    """`iterate_experiment`'s generator: train `every` steps at a time (a stack of one), score and diagnose
    each chunk."""
    grids = _grids(config, data)
    stack = Stack([config], [data.xs], [data.ys])
    with POOL.borrow(config, fresh=False) as model:  # it gets the stack's weights before any use
        runs = []
        for start in range(0, config.steps, every):
            trained, = stack.train(min(every, config.steps - start), start, config.steps)
            runs.append(trained.run)
            model.set_weights(trained.weights)
            exp = _scored(config, data, model, Run.join(runs), grids)
            if exp.run.diverged or start + every >= config.steps:
                break
            yield exp
    yield exp  # the last one after the model is back in the pool, so a caller that stops here frees it
