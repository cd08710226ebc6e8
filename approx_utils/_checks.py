"""Argument checks shared by every public function: each error names the parameter and what is allowed."""
from __future__ import annotations

import numbers

import numpy as np

FLOAT32_MAX = float(np.finfo(np.float32).max)


def as_1d_array(values, name: str) -> np.ndarray:
    """`values` as a finite, non-empty 1-D float64 array; an (n, 1) column is accepted and flattened."""
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(values).__name__}")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of numbers ({err})") from None
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (n,) or a column (n, 1), got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; it needs at least one value")
    if not np.all(np.isfinite(arr)):
        bad = int(np.sum(~np.isfinite(arr)))
        raise ValueError(f"{name} holds {bad} NaN or infinite value(s); only finite numbers are allowed")
    if np.max(np.abs(arr)) > FLOAT32_MAX:  # finite here, infinite once the network reads it as float32
        raise ValueError(f"{name} reaches {np.max(np.abs(arr)):.3g}, beyond float32's range ({FLOAT32_MAX:.3g}) "
                         "in which the network computes; scale it down")
    return arr


def check_pair(x, y, x_name: str = "x", y_name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Both arrays checked, and of the same length."""
    x, y = as_1d_array(x, x_name), as_1d_array(y, y_name)
    if x.shape != y.shape:
        raise ValueError(f"{x_name} and {y_name} must have the same length, got {x.size} and {y.size}")
    return x, y


def check_int(value, name: str, minimum: int | None = None) -> int:
    """An integer (not a bool) at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


INT32_MAX = 2**31 - 1  # the compiled loops count steps and seeds in int32


def check_seed(seed) -> int:
    """A non-negative integer seed that the compiled loops can represent (< 2**31)."""
    seed = check_int(seed, "seed", minimum=0)
    if seed > INT32_MAX:
        raise ValueError(f"seed must be < 2**31 (the training loop counts in int32), got {seed}")
    return seed


def check_positive(value, name: str, allow_zero: bool = False) -> float:
    """A finite number > 0 (>= 0 with allow_zero)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a finite number {'>=' if allow_zero else '>'} 0, got {value!r}")
    return float(value)


def check_choice(value, name: str, choices) -> str:
    """One of `choices` (strings)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {', '.join(map(repr, choices))}; got {value!r}")
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of {', '.join(map(repr, choices))}")
    return value


def check_range(value, name: str) -> tuple[float, float]:
    """A pair (lo, hi) of finite numbers with lo < hi."""
    try:
        if isinstance(value, (str, bytes)) or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                                      for v in value):
            raise TypeError
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (lo, hi) of numbers, got {value!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi)) or hi <= lo:
        raise ValueError(f"{name} must be finite with lo < hi, got {value!r}")
    return lo, hi


def check_model(model, name: str = "model"):
    """A Keras model (what `build_mlp` returns), else a TypeError naming what was given."""
    import keras  # here, not at the top: _checks is imported before TensorFlow is quieted

    if not isinstance(model, keras.Model):
        raise TypeError(f"{name} must be a Keras model (see build_mlp), got {type(model).__name__}")
    try:
        shapes = (tuple(model.input_shape), tuple(model.output_shape))
    except (AttributeError, ValueError, TypeError):  # a subclassed model that was never built
        shapes = None
    if shapes != ((None, 1), (None, 1)):
        raise ValueError(f"{name} must map one input column to one output, (None, 1) -> (None, 1), as the "
                         f"1-D fits here do; got {'an unbuilt model' if shapes is None else ' -> '.join(map(str, shapes))}")
    return model
