"""Scalers for x and y with scikit-learn's fit / transform / inverse_transform (fitted state ends in `_`).

`get_scaler` turns the short specs the notebooks use into scalers: None -> identity,
a number c -> divide by c (the source question's x/100), "minmax" -> [0, 1], "standardize".
"""
from __future__ import annotations

import copy
import numbers

import numpy as np

from ._checks import as_1d_array, check_positive, check_range

SCALER_NAMES = ("identity", "minmax", "standardize")


class Scaler:
    """Base class: subclasses set their fitted state in `_fit` and map values in `_forward`/`_backward`."""

    needs_fit = True

    def fit(self, values) -> Scaler:
        """Learn the transform from `values` (finite, non-empty) and return self."""
        self._fit(as_1d_array(values, "values"))
        self.fitted_ = True
        return self

    def transform(self, values) -> np.ndarray:
        self._check_fitted("transform")
        return self._forward(as_1d_array(values, "values"))

    def inverse_transform(self, values) -> np.ndarray:
        self._check_fitted("inverse_transform")
        return self._backward(as_1d_array(values, "values"))

    def fit_transform(self, values) -> np.ndarray:
        return self.fit(values).transform(values)

    def describe(self, name: str = "x") -> str:
        """The scaling in a student's words ('x / 100', 'x standardized'), for messages."""
        return f"{name} scaled by {self!r}"

    def _check_fitted(self, what: str) -> None:
        if self.needs_fit and not getattr(self, "fitted_", False):
            raise ValueError(f"{type(self).__name__}.{what} called before fit; call fit(values) first")

    def _fit(self, values: np.ndarray) -> None:
        pass

    def _params(self) -> tuple:
        """The settings it was made with (not the fitted state, whose names end in `_`)."""
        return tuple(sorted((k, v) for k, v in vars(self).items() if not k.endswith("_")))

    def __eq__(self, other):  # a spec: equal settings, so a Config can hold it as a key
        return type(self) is type(other) and self._params() == other._params()

    def __hash__(self):
        return hash((type(self), self._params()))


class Identity(Scaler):
    """Leaves values as they are."""

    needs_fit = False

    def _forward(self, v):
        return v.copy()

    _backward = _forward

    def __repr__(self):
        return "Identity()"

    def describe(self, name: str = "x") -> str:
        return f"raw {name}"


class Divide(Scaler):
    """Divides by a constant, as the source question's x / 100."""

    needs_fit = False

    def __init__(self, by: float):
        self.by = check_positive(by, "by")

    def _forward(self, v):
        return v / self.by

    def _backward(self, v):
        return v * self.by

    def __repr__(self):
        return f"Divide({self.by:g})"

    def describe(self, name: str = "x") -> str:
        return f"{name} / {self.by:g}"


class MinMax(Scaler):
    """Maps the fitted [min, max] onto [lo, hi]."""

    def __init__(self, lo: float = 0.0, hi: float = 1.0):
        self.lo, self.hi = check_range((lo, hi), "MinMax's (lo, hi)")

    def _fit(self, v):
        self.min_, self.max_ = float(v.min()), float(v.max())
        _check_spread(v, self.max_ - self.min_, "MinMax", "range")

    def _forward(self, v):
        return self.lo + (v - self.min_) * (self.hi - self.lo) / (self.max_ - self.min_)

    def _backward(self, v):
        return self.min_ + (v - self.lo) * (self.max_ - self.min_) / (self.hi - self.lo)

    def __repr__(self):
        return f"MinMax({self.lo:g}, {self.hi:g})"

    def describe(self, name: str = "x") -> str:
        return f"{name} min-max scaled to [{self.lo:g}, {self.hi:g}]"


class Standardize(Scaler):
    """Subtracts the fitted mean and divides by the fitted standard deviation."""

    def _fit(self, v):
        self.mean_, self.std_ = float(v.mean()), float(v.std())
        _check_spread(v, self.std_, "Standardize", "spread")

    def _forward(self, v):
        return (v - self.mean_) / self.std_

    def _backward(self, v):
        return v * self.std_ + self.mean_

    def __repr__(self):
        return "Standardize()"

    def describe(self, name: str = "x") -> str:
        return f"{name} standardized"


# A spread below this fraction of the values' size is lost in float32 (whose epsilon is 1.2e-7), where the
# network computes: scaled, such values would come out as a few levels or as noise blown up to ~1e15.
RELATIVE_SPREAD_MIN = 1e-6


def _check_spread(v: np.ndarray, spread: float, scaler: str, what: str) -> None:
    """Refuse values too nearly constant to scale (their spread is zero, or below float32's resolution)."""
    size = float(np.abs(v).max())
    if spread == 0 or spread < RELATIVE_SPREAD_MIN * size:
        raise ValueError(f"values are {'constant' if spread == 0 else 'nearly constant'} (from {float(v.min())!r} to "
                         f"{float(v.max())!r}): {scaler} cannot scale a {what} of {spread:.3g}, which float32 does not "
                         f"resolve at that size; give values that vary by more than {RELATIVE_SPREAD_MIN:g} of their size")


def get_scaler(spec) -> Scaler:
    """A new, unfitted scaler from a spec: None/'identity', a number c (divide by c), 'minmax', 'standardize'."""
    if spec is None:
        return Identity()
    if isinstance(spec, Scaler):
        return copy.deepcopy(spec)
    if isinstance(spec, numbers.Real) and not isinstance(spec, bool):
        return Divide(check_positive(spec, "scale"))
    if isinstance(spec, str):
        makers = {"identity": Identity, "none": Identity, "minmax": MinMax, "standardize": Standardize}
        if spec in makers:
            return makers[spec]()
        raise ValueError(f"unknown scale {spec!r}; choose None, a number to divide by, or one of {', '.join(SCALER_NAMES)}")
    raise TypeError(f"scale must be None, a number, a name or a Scaler, got {type(spec).__name__}")
