"""The data pipeline shared by `run_experiment` and `sweep`: sample a target, fit the scalers, and map
a network's outputs back to the target's original units."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .measures import r2
from .models import predict
from .scaling import Scaler, get_scaler
from .targets import Target, get_target


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


def prepare_data(config) -> Data:
    """Sample `config.n_train` points of its target with its seed and fit its x and y scalers to them."""
    target = get_target(config.target)
    x_scaler, y_scaler = get_scaler(config.x_scale), get_scaler(config.y_scale)
    x_train, y_train = target.sample(config.n_train, seed=config.seed)
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


def scored_r2(target: Target, model, x_scaler, y_scaler, y_grid, y_grid_pred, post_clip=None) -> float:
    """R² on the target's scoring points: the domain grid's predictions against its targets (`y_grid_pred`,
    `y_grid`), or, for a target from samples, predictions of its held-out samples."""
    if target.held_out is None:
        return r2(y_grid, y_grid_pred)
    x, y = target.held_out
    return r2(y, predict_original(model, x_scaler, y_scaler, x, post_clip))
