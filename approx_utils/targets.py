"""Named 1-D target functions, each with the domain it is studied on.

The seed question's three targets (`relu_shift`, `indicator`, `parabola`) and a few more, and a student's
own: `Target.from_function(fn, domain)` or `Target.from_samples(x, y)` (e.g. columns of a CSV file).
Every target is a vectorised numpy function of x; `sample` draws a training set. R² is scored on a dense grid
of the domain, or on a target's `held_out` samples (`data.scored_r2`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_1d_array, check_int, check_pair, check_positive, check_range, check_seed


@dataclass(frozen=True)
class Target:
    """A named 1-D function with the domain it is studied on.

    Example:
    >>> t = get_target("parabola")
    >>> t(np.array([50.0, 60.0]))
    array([  0., 100.])
    """

    name: str
    fn: Callable[[np.ndarray], np.ndarray]
    domain: tuple[float, float]
    formula: str
    # A target from samples: its (x, y) training and held-out points (never compared: `fn` tells them apart).
    train: tuple | None = field(default=None, compare=False, repr=False)
    held_out: tuple | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):  # a hashable (lo, hi) of floats, so a Config holding the target can be a cache key
        object.__setattr__(self, "domain", tuple(float(v) for v in self.domain))

    @classmethod
    def from_function(cls, fn, domain, name: str = "my function", formula: str | None = None) -> Target:
        """A target from your own function of x, studied on `domain`.

        Args:
            fn: a function of a numpy array of x (a function of one number, using `math`, works too, slower).
            domain: (lo, hi), the interval of x to train and score on.
            name: what tables, titles and the workbench's menu call it (not a built-in target's name).
            formula: how the figures' legends write it (default: `name`).

        >>> t = Target.from_function(lambda x: x ** 3, (-1, 1), name="cube")
        >>> t(np.array([0.5]))
        array([0.125])
        """
        if not callable(fn):
            raise TypeError(f"fn must be a function of x, got {type(fn).__name__}")
        domain = check_range(domain, "domain")
        name = _own_name(name)
        formula = name if formula is None else _text(formula, "formula")
        probe = np.linspace(*domain, 101)
        with np.errstate(all="ignore"):  # a NaN or inf is reported below, with where it is
            try:
                y = _values(fn(probe), probe.size)
                vectorised = fn
            except Exception as err:  # noqa: BLE001 - perhaps a function of one number: ask it point by point
                vectorised = np.vectorize(fn, otypes=[np.float64])
                try:
                    y = _values(vectorised(probe), probe.size)
                except Exception:  # noqa: BLE001 - whatever the student's function raised first, say it
                    raise ValueError(f"fn could not be evaluated on the domain {domain}: "
                                     f"{type(err).__name__}: {err}") from None
        bad = ~np.isfinite(y)
        if bad.any():
            raise ValueError(f"fn gives NaN or infinite values on the domain, first at x = {probe[bad][0]:.4g}; "
                             "choose a domain where it is finite")
        return cls(name, lambda v: _values(vectorised(v), v.size), domain, formula)

    @classmethod
    def from_samples(cls, x, y, name: str = "my data", held_out: float = 0.2) -> Target:
        """A target from (x, y) samples, such as two columns of a CSV file.

        Training draws from the samples; R² is scored on the held-out share of them (spread evenly over x,
        never trained on), so a fit that only memorises its points is not rewarded. Between samples, and for
        figures, the target is the straight line through its neighbours.

        Args:
            x, y: 1-D arrays (or lists, or (n, 1) columns) of one length: at least 3 finite points, 2 different x.
            name: what tables, titles and the workbench's menu call it (not a built-in target's name).
            held_out: the share of the samples kept out of training to score on, in (0, 1).

        >>> x = np.linspace(0, 1, 50)
        >>> t = Target.from_samples(x, np.sin(6 * x), name="wave")
        >>> len(t.train[0]), len(t.held_out[0])
        (40, 10)
        """
        x, y = check_pair(x, y)
        if x.size < 3:
            raise ValueError(f"x and y need at least 3 points (2 to score R² on, 1 to train on), got {x.size}")
        if np.ptp(x) == 0:
            raise ValueError(f"x must hold at least two different values, got only {x[0]:g}")
        name = _own_name(name)
        share = check_positive(held_out, "held_out")
        if share >= 1:
            raise ValueError(f"held_out must be a share of the samples in (0, 1), got {held_out!r}")
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
        k = min(max(2, round(share * x.size)), x.size - 1)
        scored = np.zeros(x.size, bool)  # k points spread evenly over the sorted samples
        scored[((np.arange(k) + 0.5) * x.size / k).astype(int)] = True  # k < n: k different indices
        if np.ptp(y[scored]) == 0:
            raise ValueError(f"the held-out samples all have y = {y[scored][0]:g}: R² cannot be scored on them; "
                             "give samples whose y varies (or another held_out share)")
        xs, inverse = np.unique(x, return_inverse=True)  # the line through the samples: repeated x averaged
        ys = np.bincount(inverse, weights=y) / np.bincount(inverse)
        return cls(name, lambda v: np.interp(v, xs, ys), (x[0], x[-1]), f"{x.size} samples",
                   train=(x[~scored], y[~scored]), held_out=(x[scored], y[scored]))

    def __call__(self, x) -> np.ndarray:
        x = as_1d_array(x, "x")
        return np.asarray(self.fn(x), dtype=np.float64)

    def sample(self, n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Draw `n` points x ~ U(domain) with their targets y = g(x), reproducibly from `seed`; a target from
        samples gives `n` of its training samples (all of them if it has no more)."""
        n = check_int(n, "n", minimum=1)
        seed = check_seed(seed)
        if self.train is not None:  # from samples: at most n of its training points, chosen by the seed
            x, y = self.train
            pick = np.random.default_rng(seed).permutation(x.size)[:n]
            return x[pick], y[pick]
        x = np.random.default_rng(seed).uniform(*self.domain, size=n)
        return x, self(x)

    def grid(self, n: int = 1001, beyond: float = 0.0) -> np.ndarray:
        """Evenly spaced x over the domain, widened by `beyond` times its width on each side."""
        n = check_int(n, "n", minimum=2)
        beyond = check_positive(beyond, "beyond", allow_zero=True)
        lo, hi = self.domain
        pad = beyond * (hi - lo)
        return np.linspace(lo - pad, hi + pad, n)


def _text(value, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty string, got {value!r}")
    return value.strip()


def _own_name(name) -> str:
    """A student's target's name: text, and not a built-in's (the workbench's menu lists both)."""
    name = _text(name, "name")
    if name in _BY_NAME:
        raise ValueError(f"name {name!r} is a built-in target's; call yours something else")
    return name


def _values(y, n: int) -> np.ndarray:
    """A function's answer on n points as n floats (a scalar for every point is refused, not broadcast)."""
    y = np.asarray(y, dtype=np.float64)
    if y.shape not in ((n,), (n, 1)):
        raise ValueError(f"expected {n} values, one per x, got shape {y.shape}")
    return y.reshape(n)


def _indicator(x):
    return 1.0 - ((x >= 40) & (x <= 60)).astype(np.float64)


_ALL = [
    Target("relu_shift", lambda x: np.maximum(0.0, x - 50.0), (0.0, 100.0), "max(0, x - 50)"),
    Target("indicator", _indicator, (0.0, 100.0), "1 - 1[40 <= x <= 60]"),
    Target("parabola", lambda x: (x - 50.0) ** 2, (0.0, 100.0), "(x - 50)^2"),
    Target("sine", lambda x: np.sin(2 * np.pi * x / 50.0), (0.0, 100.0), "sin(2 pi x / 50)"),
    Target("step", lambda x: (x >= 50).astype(np.float64), (0.0, 100.0), "1[x >= 50]"),
    Target("abs", lambda x: np.abs(x - 50.0), (0.0, 100.0), "|x - 50|"),
]
_BY_NAME = {t.name: t for t in _ALL}

TARGETS: tuple[str, ...] = tuple(_BY_NAME)


def get_target(name) -> Target:
    """The target called `name` (one of `TARGETS`); a `Target` is passed through."""
    if isinstance(name, Target):
        return name
    if not isinstance(name, str):
        raise TypeError(f"target must be a name (str) or a Target, got {type(name).__name__}")
    if name not in _BY_NAME:
        raise ValueError(f"unknown target {name!r}; choose one of {', '.join(TARGETS)}")
    return _BY_NAME[name]
