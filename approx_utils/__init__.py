"""approx_utils: helpers for the notebooks on why small networks fail to fit simple 1-D functions.

Import it before TensorFlow or Keras: it quiets TensorFlow's log lines and picks Keras' backend.
"""
from . import _quiet  # noqa: F401  (must run before TensorFlow is imported)
from .targets import TARGETS, Target, get_target
from .scaling import Divide, Identity, MinMax, Scaler, Standardize, get_scaler
from .models import ACTIVATIONS, HEADS, Clip, build_mlp, reinitialize
from .losses import LOSSES, keras_loss
from .training import Run, Trainer, train
from .diagnostics import (KINDS, Diagnosis, Finding, dead_units, diagnose, gradient_norms, overshoot, r2,
                          sample_gradient_norms, saturation)
from .experiments import Experiment, iterate_experiment, run_experiment
from .style import PALETTE, STYLES, current_style, set_style
from .plotting import COLORS, plot_activations, plot_fit, plot_loss, plot_seeds
from .widgets import (Explorer, collapse_explorer, overshoot_explorer, saturation_explorer, scaling_explorer,
                      workbench)
from .cases import COLLAPSE_BASE, COLLAPSE_CAUSES, COLLAPSE_FIXES, collapse_case
from .ledger import Claim, Ledger, SeedTable, claims_ledger, fit_verdict, over_seeds
from .doctor import DoctorCallback
from . import exercises
from .sweeps import SweepResult, grid_configs, sweep

set_style("notebook")  # the default look; `set_style('lecture')` for a projector
