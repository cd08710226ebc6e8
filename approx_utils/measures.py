"""Measurements that tell the failure modes apart, each on the data given, in the model's own units:
R² against the constant baseline, saturated share per layer, dead units, gradient norms, overshoot.
`diagnose` (in `diagnostics`) turns them into findings.
"""
from __future__ import annotations

import functools
import numbers
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from ._checks import as_1d_array, check_model, check_pair, check_range
from .losses import loss_function
from .models import Clip, dense_layers

FLAT = 0.01              # a unit is "flat" where its derivative is below 1% of the activation's peak
OVERSHOOT_TOL = 0.02     # a prediction beyond the target's range by more than 2% of that range


def r2(y_true, y_pred) -> float:
    """R² = 1 - MSE / Var(y): 0 is the best constant, 1 is perfect; -inf if predictions are not finite."""
    y_true = as_1d_array(y_true, "y_true")
    if y_pred is None or isinstance(y_pred, (str, bytes)):
        raise TypeError(f"y_pred must be an array of numbers, got {type(y_pred).__name__}")
    try:
        y_pred = np.asarray(y_pred, np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"y_pred must be an array of numbers ({err})") from None
    y_pred = y_pred[:, 0] if y_pred.ndim == 2 and y_pred.shape[1] == 1 else y_pred
    if y_pred.shape != y_true.shape:
        raise ValueError(f"y_true and y_pred must be 1-D (or columns) of one length, got shapes {y_true.shape} "
                         f"and {y_pred.shape}")
    if not np.all(np.isfinite(y_pred)):
        return float("-inf")
    var = np.var(y_true)
    if var == 0:
        raise ValueError("y_true is constant: R² is undefined against a zero variance")
    return float(1.0 - np.mean((y_true - y_pred) ** 2) / var)


def _activation_name(layer) -> str:
    return getattr(layer.activation, "__name__", str(layer.activation))


@functools.cache
def _peak_derivative(name: str) -> float:
    z = tf.constant(np.linspace(-30, 30, 6001), tf.float32)
    return float(tf.reduce_max(_derivative(keras.activations.get(name), z)))


def _derivative(activation, z):
    with tf.GradientTape() as tape:
        tape.watch(z)
        out = activation(z)
    return tape.gradient(out, z)


@dataclass
class LayerState:
    """One Dense layer's pre-activations, outputs and where its units are flat, on a batch of inputs."""

    index: int
    activation: str
    pre: np.ndarray
    post: np.ndarray
    flat: np.ndarray

    @property
    def saturated_fraction(self) -> float:
        return float(self.flat.mean())

    @property
    def dead_fraction(self) -> float:
        """Share of units flat on every sample (for ReLUs: dead)."""
        return float(self.flat.all(axis=0).mean())


def layer_states(model, x) -> list[LayerState]:
    """Forward pass layer by layer, keeping each Dense layer's pre-activation, output and flat mask.

    Other layers (a Clip, Dropout, normalization) are applied as in inference and not measured; the model
    must be a chain of layers (a Sequential, or a functional model without branches)."""
    check_model(model)
    h = tf.constant(as_1d_array(x, "x").reshape(-1, 1), tf.float32)
    states = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if not isinstance(layer, keras.layers.Dense):
            h = layer(h, training=False) if not isinstance(layer, Clip) else layer(h)
            continue
        pre = tf.matmul(h, layer.kernel) + layer.bias
        name = _activation_name(layer)
        if name == "linear":
            flat = np.zeros(pre.shape, bool)
        else:
            flat = (_derivative(layer.activation, pre) < FLAT * _peak_derivative(name)).numpy()
        h = layer.activation(pre)
        states.append(LayerState(len(states), name, pre.numpy(), np.asarray(h), flat))
    return states


def saturation(model, x) -> list[float]:
    """Per hidden layer: share of (sample, unit) pairs whose derivative is below 1% of its peak."""
    return [s.saturated_fraction for s in layer_states(model, x)[:-1]]


def dead_units(model, x) -> list[float]:
    """Per hidden layer: share of units that are flat on every sample (ReLU: never active)."""
    return [s.dead_fraction for s in layer_states(model, x)[:-1]]


def gradient_norms(model, x, y, loss: str = "mse") -> list[float]:
    """Per Dense layer (input side first): the norm of the gradient of the mean loss (one of `LOSSES`,
    the one the model is trained with) w.r.t. its kernel."""
    check_model(model)
    x, y = check_pair(x, y)
    per_sample, kernels = loss_function(loss), [layer.kernel for layer in dense_layers(model)]
    with tf.GradientTape() as tape:
        pred = model(tf.constant(x.reshape(-1, 1), tf.float32))
        value = tf.reduce_mean(per_sample(tf.constant(y.reshape(-1, 1), tf.float32), pred))
    return [float(tf.norm(g)) for g in tape.gradient(value, kernels)]


def sample_gradient_norms(model, x, y, loss: str = "mse") -> np.ndarray:
    """Per sample: the norm of its loss gradient w.r.t. all weights (zero where a clip or a dead unit
    blocks it), for a loss of `LOSSES`. One small tape per sample: meant for a few hundred samples."""
    check_model(model)
    x, y = check_pair(x, y)
    per_sample, weights = loss_function(loss), model.trainable_variables
    norms = []
    for xi, yi in zip(x, y):
        with tf.GradientTape() as tape:
            loss_value = tf.reduce_sum(per_sample(tf.constant([[yi]], tf.float32), model(tf.constant([[xi]], tf.float32))))
        norms.append(float(tf.linalg.global_norm([g for g in tape.gradient(loss_value, weights) if g is not None])))
    return np.array(norms)


def overshoot(pred, lo: float, hi: float, tol: float = OVERSHOOT_TOL) -> dict:
    """Share of predictions outside [lo, hi] by more than tol*(hi-lo), and the largest excess in units of (hi-lo)."""
    lo, hi = check_range((lo, hi), "overshoot's range (lo, hi)")
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not tol >= 0:
        raise ValueError(f"tol must be a number >= 0 (a share of the range), got {tol!r}")
    pred = as_1d_array(pred, "pred")
    width = hi - lo
    excess = np.maximum(lo - pred, pred - hi) / width
    return {"share": float(np.mean(excess > tol)), "max_excess": float(max(excess.max(), 0.0))}
