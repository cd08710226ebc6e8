"""Named 1-D target functions, each with the domain it is studied on.

The seed question's three targets (`relu_shift`, `indicator`, `parabola`) and a few more.
Every target is a vectorised numpy function of x; `sample` draws a training set from its domain.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import as_1d_array, check_int, check_positive, check_seed


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

    def __post_init__(self):  # a hashable (lo, hi) of floats, so a Config holding the target can be a cache key
        object.__setattr__(self, "domain", tuple(float(v) for v in self.domain))

    def __call__(self, x) -> np.ndarray:
        x = as_1d_array(x, "x")
        return np.asarray(self.fn(x), dtype=np.float64)

    def sample(self, n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Draw `n` points x ~ U(domain) with their targets y = g(x), reproducibly from `seed`."""
        n = check_int(n, "n", minimum=1)
        seed = check_seed(seed)
        x = np.random.default_rng(seed).uniform(*self.domain, size=n)
        return x, self(x)

    def grid(self, n: int = 1001, beyond: float = 0.0) -> np.ndarray:
        """Evenly spaced x over the domain, widened by `beyond` times its width on each side."""
        n = check_int(n, "n", minimum=2)
        beyond = check_positive(beyond, "beyond", allow_zero=True)
        lo, hi = self.domain
        pad = beyond * (hi - lo)
        return np.linspace(lo - pad, hi + pad, n)


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
