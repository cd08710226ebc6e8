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


@pytest.fixture
def second_call_fails():
    """`wrap(loop)`: the compiled loop, its second call (of all loops wrapped) raising as XLA does where it cannot
    compile a loop, for the tests of the fall-back to the plain loop; `wrap.calls` counts the calls."""
    import tensorflow as tf

    def wrap(loop):
        def call(*args):
            wrap.calls += 1
            if wrap.calls == 2:
                raise tf.errors.UnimplementedError(None, None, "no XLA kernel (simulated)")
            return loop(*args)
        return call

    wrap.calls = 0
    return wrap


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt
    plt.close("all")
