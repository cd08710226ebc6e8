"""Importing says what to install when TensorFlow is missing or older than the tested floor."""
import subprocess
import sys
from pathlib import Path

import pytest

from approx_utils import _versions

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tf, keras, named", [("2.15.1", "3.15.1", "TensorFlow >= 2.16.1, found 2.15.1"),
                                              ("2.16.1", "3.1.1", "Keras >= 3.2, found 3.1.1")])
def test_too_old_a_version_is_an_import_error_naming_the_floor(tf, keras, named):
    with pytest.raises(ImportError, match=named):
        _versions.check(tf, keras)


@pytest.mark.parametrize("tf, keras", [("2.16.1", "3.2.0"), ("2.21.0", "3.15.1"), ("2.22.0rc1", "3.16.0.dev2")])
def test_the_tested_range_and_newer_pass(tf, keras):
    _versions.check(tf, keras)


def test_without_tensorflow_the_import_says_how_to_get_it():
    hide = ("import sys, importlib.abc\n"
            "class NoTF(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] == 'tensorflow': raise ModuleNotFoundError(name=name)\n"
            "sys.meta_path.insert(0, NoTF())\n"
            "import approx_utils\n")
    done = subprocess.run([sys.executable, "-c", hide], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: approx_utils needs TensorFlow, and none is installed here")
    assert "approx_utils[tf]" in last and "tensorflow-cpu" in last


def test_xla_code_is_capped_at_avx2_on_x86_so_checked_numbers_match_across_cpus():
    """An AVX-512 machine would otherwise train in another float order than an AVX2 one (knife-edge rows move)."""
    import os
    import platform

    import tensorflow as tf

    import approx_utils._quiet as quiet

    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("the cap is for x86 only")
    if _versions._parse(tf.__version__) < quiet.FIRST_WITH_MAX_ISA:
        assert "xla_cpu_max_isa" not in os.environ.get("XLA_FLAGS", "")  # TF 2.18 and older abort on the flag
        return
    assert "--xla_cpu_max_isa=AVX2" in os.environ["XLA_FLAGS"]
    env = {**os.environ, "XLA_FLAGS": "--xla_cpu_max_isa=AVX"}  # a user's own choice is kept
    out = subprocess.run([sys.executable, "-c", "import approx_utils, os; print(os.environ['XLA_FLAGS'])"],
                         env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert out == "--xla_cpu_max_isa=AVX"
