"""approx_utils: helpers for the notebooks on why small networks fail to fit simple 1-D functions.

Import it before TensorFlow or Keras: it quiets TensorFlow's log lines and picks Keras' backend. It
changes no other global state: call `set_style('notebook')` (or 'lecture') for the collection's figures.
The public API is `__all__`; everything else stays reachable in its submodule (`approx_utils.models`, ...).
"""
from importlib.metadata import PackageNotFoundError, version

from . import _quiet  # noqa: F401  (must run before TensorFlow is imported)

# isort: split
from . import exercises
from .cases import COLLAPSE_CAUSES, COLLAPSE_FIXES, collapse_case
from .config import Config
from .diagnostics import KINDS, diagnose
from .doctor import DoctorCallback
from .experiments import iterate_experiment, run_experiment
from .explorers import collapse_explorer, overshoot_explorer, saturation_explorer, scaling_explorer, workbench
from .ledger import Claim, Ledger, claims_ledger, fit_verdict, over_seeds
from .measures import dead_units, gradient_norms, layer_states, overshoot, r2, sample_gradient_norms, saturation
from .models import build_mlp, predict, reinitialize
from .plotting import plot_activations, plot_fit, plot_loss, plot_seeds
from .scaling import MinMax, Standardize, get_scaler
from .selfcheck import check_yourself
from .style import set_style
from .sweeps import grid_configs, sweep
from .targets import TARGETS, Target, get_target
from .training import train

try:
    __version__ = version("approx_utils")
except PackageNotFoundError:  # run from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    # data: targets and scalings
    "TARGETS", "Target", "get_target", "MinMax", "Standardize", "get_scaler",
    # networks and training
    "build_mlp", "reinitialize", "predict", "train",
    # one run, its settings, many runs
    "Config", "run_experiment", "iterate_experiment", "sweep", "grid_configs",
    # measuring and diagnosing
    "r2", "overshoot", "saturation", "dead_units", "layer_states", "gradient_norms", "sample_gradient_norms",
    "diagnose", "KINDS", "DoctorCallback",
    # claims over seeds
    "over_seeds", "fit_verdict", "Claim", "Ledger", "claims_ledger",
    # figures and explorers
    "set_style", "plot_fit", "plot_loss", "plot_activations", "plot_seeds",
    "scaling_explorer", "saturation_explorer", "overshoot_explorer", "collapse_explorer", "workbench",
    # the collapse cases, the exercises and the self-checks
    "COLLAPSE_CAUSES", "COLLAPSE_FIXES", "collapse_case", "exercises",
    "check_yourself",
]
