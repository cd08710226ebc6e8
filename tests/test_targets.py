import numpy as np
import pytest

import approx_utils as au


def test_seed_targets_match_the_source_question():
    x = np.array([0.0, 39.9, 40.0, 50.0, 60.0, 60.1, 100.0])
    np.testing.assert_array_equal(au.get_target("relu_shift")(x), np.maximum(0, x - 50))
    np.testing.assert_array_equal(au.get_target("indicator")(x), [1, 1, 0, 0, 0, 1, 1])
    np.testing.assert_array_equal(au.get_target("parabola")(x), (x - 50) ** 2)


def test_every_target_is_vectorised_and_knows_its_domain():
    assert {"relu_shift", "indicator", "parabola", "sine", "step", "abs"} <= set(au.TARGETS)
    for name in au.TARGETS:
        t = au.get_target(name)
        assert t.name == name and t.domain == (0.0, 100.0)
        x = t.grid(101)
        y = t(x)
        assert y.shape == (101,) and np.all(np.isfinite(y))
        assert np.ptp(y) > 0


def test_sample_is_reproducible_and_inside_the_domain():
    t = au.get_target("sine")
    x1, y1 = t.sample(500, seed=3)
    x2, y2 = t.sample(500, seed=3)
    x3, _ = t.sample(500, seed=4)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    assert x1.min() >= 0 and x1.max() <= 100


def test_grid_beyond_widens_the_domain_on_both_sides():
    x = au.get_target("abs").grid(11, beyond=0.5)
    assert x[0] == -50 and x[-1] == 150


def test_unknown_target_lists_the_valid_names():
    with pytest.raises(ValueError, match="parabola"):
        au.get_target("cubic")
    with pytest.raises(TypeError, match="target"):
        au.get_target(3)
