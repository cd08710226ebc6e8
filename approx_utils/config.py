"""`Config`: every setting of an experiment, once, with its default and its constraint.

`run_experiment`, `iterate_experiment`, the explorers, the collapse cases, the exercises and `sweep`
all describe a run as a `Config`; it is validated when made and hashable, so it is also the cache key.

>>> Config().steps, Config().lr
(2000, 0.001)
>>> Config(hidden=5).hidden
(5,)
>>> Config().replace(lr=0.01).lr
0.01
>>> Config(steps=0)
Traceback (most recent call last):
...
ValueError: steps must be >= 1, got 0
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from ._checks import check_choice, check_int, check_positive, check_range, check_seed
from .losses import LOSSES
from .models import ACTIVATIONS, HEADS, check_hidden, check_init
from .scaling import get_scaler
from .targets import Target, get_target

CANNOT_RUN = (ValueError, TypeError)  # what the checks raise for a setting that cannot run
OPTIMIZERS = ("adam", "sgd", "rmsprop", "adamw", "nadam")
# The sweep's smaller budget (claims tables, phase maps): what `sweep` trains when not told otherwise.
SWEEP_BUDGET = dict(steps=1000, n_train=256, n_grid=401)
MAX_STEPS = 10**6  # ~2.5 min at 0.15 ms/step (1000 points, 3x20 ELU: bench_training); loops count in int32
MAX_POINTS = 10**6  # a full batch of 10**6 points is ~0.15 s a step; each 20-unit layer's activations 80 MB


def _target(v, name):
    get_target(v)  # a known name or a Target
    return v


def _scale(v, name):
    try:
        get_scaler(v)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{name}: {err}") from None
    return v


def _head(v, name):
    return check_choice("linear" if v is None else v, name, HEADS)


def _lr_decay(v, name):
    v = check_positive(v, name)
    if v > 1:
        raise ValueError(f"{name} is the final lr as a fraction of lr, in (0, 1]; got {v}")
    return v


def _points(v, name):
    return _at_most(check_int(v, name, minimum=2), name, MAX_POINTS)


def _at_most(v, name, limit):
    if v > limit:
        raise ValueError(f"{name} must be at most {limit:,}, got {v:,}")
    return v


def _optional(check):
    return lambda v, name: None if v is None else check(v, name)


def setting(default, check, doc: str):
    """A field of `Config`: its default, the check that validates (and normalizes) it, what it means."""
    return field(default=default, metadata={"check": check, "doc": doc})


@dataclass(frozen=True)
class Config:
    """The settings of one run: target -> sample -> scale -> build -> train -> score.

    Made once and validated as a whole (each error names the setting and what is allowed); frozen and
    hashable. `replace(**changes)` gives a changed copy; `Config.describe()` lists every setting.
    """

    target: str | Target = setting("parabola", _target, "a name in TARGETS or a Target")
    x_scale: object = setting(None, _scale, "None (raw), a number c (divide by c), 'minmax', 'standardize' or a Scaler")
    y_scale: object = setting(None, _scale, "as x_scale, for the targets (predictions are mapped back)")
    init: object = setting(0.05, lambda v, n: check_init(v), "std of a normal init (float > 0) or a Keras initializer name")
    activation: str = setting("elu", lambda v, n: check_choice(v, n, ACTIVATIONS), "hidden units' activation")
    hidden: tuple = setting((20, 20, 20), check_hidden, "widths of the hidden layers")
    steps: int = setting(2000, lambda v, n: _at_most(check_int(v, n, minimum=1), n, MAX_STEPS), "optimizer steps")
    lr: float = setting(1e-3, check_positive, "learning rate")
    batch_size: int | None = setting(None, _optional(lambda v, n: check_int(v, n, minimum=1)),
                                     "rows a step (None: full batch)")
    seed: int = setting(0, lambda v, n: check_seed(v), "fixes the sample, the initial weights and the shuffling")
    n_train: int = setting(1000, _points, "training points drawn from the domain")
    output_activation: str = setting(None, _head, "None/'linear', 'sigmoid', 'tanh' or 'clip' (to clip_range)")
    clip_range: tuple = setting((0.0, 1.0), check_range, "the in-model clip's (lo, hi)")
    post_clip: tuple | None = setting(None, _optional(check_range),
                                      "clip predictions to (lo, hi) after training, in the model's units")
    lr_decay: float = setting(1.0, _lr_decay, "final lr as a fraction of lr (exponential decay), in (0, 1]")
    optimizer: str = setting("adam", lambda v, n: check_choice(v, n, OPTIMIZERS), "a Keras optimizer name")
    loss: str = setting("mse", lambda v, n: check_choice(v, n, LOSSES), "'mse', 'mae', 'huber' or 'bce'")
    n_grid: int = setting(1001, _points, "points of the grid R² is scored on")
    beyond: float = setting(0.0, lambda v, n: check_positive(v, n, allow_zero=True),
                            "also judge overshoot this far beyond the domain (a fraction of its width)")

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, f.metadata["check"](getattr(self, f.name), f.name))

    def replace(self, **changes) -> Config:
        """A copy with `changes`; an unknown setting is a TypeError naming the known ones."""
        unknown = sorted(set(changes) - set(NAMES))
        if unknown:
            raise TypeError(f"unknown setting(s) {', '.join(map(repr, unknown))}; the settings are {', '.join(NAMES)}")
        return replace(self, **changes)

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in NAMES}

    @property
    def target_name(self) -> str:
        return get_target(self.target).name

    @classmethod
    def describe(cls) -> str:
        """Every setting with its default and what it means."""
        return "\n".join(f"{f.name} = {f.default!r}: {f.metadata['doc']}" for f in fields(cls))


NAMES = tuple(f.name for f in fields(Config))


def make_config(settings=None, **changes) -> Config:
    """A `Config` from a Config or a dict of settings (default: all defaults), with `changes` on top."""
    if isinstance(settings, Config):
        return settings.replace(**changes)
    if settings is not None and not isinstance(settings, dict):
        raise TypeError(f"settings must be a Config or a dict of settings, got {type(settings).__name__}")
    return Config().replace(**{**(settings or {}), **changes})
