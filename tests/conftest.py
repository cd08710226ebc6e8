"""Shared fixtures: a headless matplotlib backend and small, fast data."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import matplotlib
import pytest

matplotlib.use("Agg")

import approx_utils as au  # noqa: E402


@pytest.fixture
def scaled_relu():
    """relu_shift sampled at 200 points with x divided by 100: easy to fit."""
    x, y = au.get_target("relu_shift").sample(200, seed=0)
    return x / 100, y / 50


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")
