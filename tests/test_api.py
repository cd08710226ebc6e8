"""The declared public API: a snapshot of `au.__all__`, the notebooks using only it, and a clean import."""
import json
import re
import subprocess
import sys
from pathlib import Path

import approx_utils as au

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [
    "TARGETS", "Target", "get_target", "MinMax", "Standardize", "get_scaler",
    "build_mlp", "reinitialize", "predict", "train",
    "Config", "run_experiment", "iterate_experiment", "sweep", "grid_configs",
    "r2", "overshoot", "saturation", "dead_units", "layer_states", "gradient_norms", "sample_gradient_norms",
    "diagnose", "KINDS", "DoctorCallback",
    "over_seeds", "fit_verdict", "Claim", "Ledger", "claims_ledger",
    "set_style", "plot_fit", "plot_loss", "plot_activations", "plot_seeds",
    "scaling_explorer", "saturation_explorer", "overshoot_explorer", "collapse_explorer", "workbench",
    "COLLAPSE_CAUSES", "COLLAPSE_FIXES", "collapse_case", "exercises", "check_yourself",
]


def test_the_public_api_is_this_list():
    """A change to the public surface is a deliberate edit of this snapshot (and of the README)."""
    assert au.__all__ == PUBLIC
    assert len(au.__all__) <= 45 and len(set(au.__all__)) == len(au.__all__)
    assert all(hasattr(au, name) for name in au.__all__)


def _sources():
    for path in sorted((ROOT / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        yield path.name, "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    for path in [ROOT / "README.md", ROOT / "notebooks" / "INSTRUCTORS.md"]:
        yield path.name, path.read_text()


def test_notebooks_and_docs_use_only_public_names():
    for name, text in _sources():
        used = set(re.findall(r"\bau\.([A-Za-z_]\w*)", text)) - {"__all__", "__version__"}
        assert used <= set(au.__all__), f"{name} uses au.{sorted(used - set(au.__all__))}, not in au.__all__"
        assert "from approx_utils" not in text, f"{name} imports from a submodule"


def test_the_version_comes_from_the_package_metadata():
    from importlib.metadata import version
    assert au.__version__ == version("approx_utils")


def test_importing_changes_no_matplotlib_style():
    code = ("import matplotlib as mpl; before = dict(mpl.rcParams); import approx_utils; "
            "print(sorted(k for k in before if before[k] != mpl.rcParams[k]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "[]"
