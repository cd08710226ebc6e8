"""The losses `train`, `run_experiment` and `sweep` can minimize, each Keras' own function.

Using Keras' functions (not our formulas) is what makes `train(loss=...)` agree with
`model.compile(loss=...)` + `model.fit`. For a sigmoid head Keras' binary cross-entropy reads the
logits that the sigmoid keeps beside its output, so it is computed from the logits, stably, even where
the sigmoid has saturated to exactly 0 or 1.
"""
from __future__ import annotations

import keras
import numpy as np

from ._checks import check_choice

LOSSES = ("mse", "mae", "huber", "bce")
_FUNCTIONS = {"mse": keras.losses.mean_squared_error, "mae": keras.losses.mean_absolute_error,
              "huber": keras.losses.huber, "bce": keras.losses.binary_crossentropy}
_CLASSES = {"mse": keras.losses.MeanSquaredError, "mae": keras.losses.MeanAbsoluteError,
            "huber": keras.losses.Huber, "bce": keras.losses.BinaryCrossentropy}
BOUNDED_HEADS = ("sigmoid", "clip")  # outputs in [0, 1]: what binary cross-entropy needs


def loss_function(name: str):
    """Keras' per-sample loss function of a name: f(y_true, y_pred) -> one value per sample."""
    return _FUNCTIONS[check_choice(name, "loss", LOSSES)]


def keras_loss(name: str) -> keras.losses.Loss:
    """The Keras loss object to `compile` a model with for the same loss (its defaults, as `train` uses)."""
    return _CLASSES[check_choice(name, "loss", LOSSES)]()


def check_loss(loss: str, y, head: str) -> str:
    """A known loss that fits the targets and the output head; 'bce' needs y in [0, 1] and a bounded head."""
    loss = check_choice(loss, "loss", LOSSES)
    if loss == "bce":
        if head not in BOUNDED_HEADS:
            raise ValueError(f"loss='bce' (binary cross-entropy) needs outputs in [0, 1]: use "
                             f"output_activation='sigmoid', not a {head} head")
        lo, hi = float(np.min(y)), float(np.max(y))
        if lo < 0 or hi > 1:
            raise ValueError(f"loss='bce' needs targets in [0, 1], got y from {lo:.4g} to {hi:.4g}: scale y with "
                             "y_scale='minmax' (or au.MinMax(0.01, 0.99) to keep the logits finite)")
    return loss
