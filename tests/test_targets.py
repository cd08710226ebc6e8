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


# -- a student's own target ----------------------------------------------------------------------------
def _wave(n=50):
    x = np.linspace(0.0, 1.0, n)
    return x, np.sin(6 * x)


def test_a_target_from_a_function_is_vectorised_even_if_the_function_takes_one_number():
    import math
    cube = au.Target.from_function(lambda x: x ** 3, (-1, 1), name="cube")
    np.testing.assert_allclose(cube(np.array([-1.0, 0.5])), [-1.0, 0.125])
    assert cube.domain == (-1.0, 1.0) and cube.formula == "cube"
    one_number = au.Target.from_function(lambda x: math.sin(x), (0, 3), name="math sine")
    np.testing.assert_allclose(one_number(np.array([1.0, 2.0])), np.sin([1.0, 2.0]))
    constant = au.Target.from_function(lambda x: 2.0, (0, 1), name="two")
    np.testing.assert_array_equal(constant(np.array([0.1, 0.9])), [2.0, 2.0])
    column = au.Target.from_function(lambda x: x[:, None] * 2, (0, 1), name="column")
    assert column(np.array([0.1, 0.2])).shape == (2,)


@pytest.mark.parametrize("fn, domain, name, error, match", [
    (3, (0, 1), "f", TypeError, "fn must be a function"),
    (np.log, (-1, 1), "f", ValueError, "NaN or infinite values on the domain, first at x = -1"),
    (lambda x: x, (1, 0), "f", ValueError, "domain must be finite with lo < hi"),
    (lambda x: x, (0, float("inf")), "f", ValueError, "domain"),
    (lambda x: x, "0..1", "f", TypeError, "domain must be a pair"),
    (lambda x: x, (0, 1), "sine", ValueError, "built-in target's"),
    (lambda x: x, (0, 1), "", TypeError, "name must be a non-empty string"),
    (lambda x: x, (0, 1), 7, TypeError, "name"),
    (lambda x: undefined_name, (0, 1), "f", ValueError, "could not be evaluated.*NameError"),  # noqa: F821
    (lambda x: np.ones(3), (0, 1), "f", ValueError, "could not be evaluated.*101 values"),
])
def test_a_bad_function_target_gets_a_clear_error(fn, domain, name, error, match):
    with pytest.raises(error, match=match):
        au.Target.from_function(fn, domain, name=name)


def test_a_target_from_samples_holds_out_a_fifth_spread_over_x_and_trains_on_the_rest():
    x, y = _wave(50)
    t = au.Target.from_samples(x[::-1], y[::-1], name="wave")  # any order
    (xt, _), (xh, yh) = t.train, t.held_out
    assert (xt.size, xh.size) == (40, 10) and t.domain == (0.0, 1.0)
    assert not set(xt) & set(xh)
    assert xh.min() > 0 and xh.max() < 1 and np.all(np.diff(xh) > 0.05)  # inside, spread, not bunched
    np.testing.assert_allclose(yh, np.sin(6 * xh))
    xs, ys = t.sample(25, seed=1)
    assert xs.size == 25 and set(xs) <= set(xt)
    np.testing.assert_allclose(ys, np.sin(6 * xs))
    assert not np.array_equal(xs, t.sample(25, seed=2)[0])
    assert t.sample(1000, seed=0)[0].size == 40  # all it has
    np.testing.assert_allclose(t(np.array([0.0, 1.0])), [0.0, np.sin(6.0)])  # through the samples


def test_repeated_x_in_samples_are_averaged_for_the_line_through_them():
    t = au.Target.from_samples([0, 1, 1, 2, 3], [0, 1, 3, 2, 3], name="repeats")
    assert t(np.array([1.0]))[0] == 2.0


@pytest.mark.parametrize("x, y, kw, error, match", [
    ([0, 1, 2], [0, 1], {}, ValueError, "same length, got 3 and 2"),
    ([1.0, 2.0], [2.0, 3.0], {}, ValueError, "at least 3 points"),
    ([0, 1, 2, 3, 4], [5, 5, 5, 5, 5], {}, ValueError, "held-out samples all have y = 5"),
    ([0, float("nan"), 2], [0, 1, 2], {}, ValueError, "x holds 1 NaN or infinite"),
    ([0, 1, 2], [0, float("inf"), 2], {}, ValueError, "y holds 1 NaN or infinite"),
    ([[0, 1], [2, 3]], [0, 1], {}, ValueError, "x must be 1-D"),
    ([3, 3, 3], [0, 1, 2], {}, ValueError, "two different values"),
    ("0,1,2", [0, 1, 2], {}, TypeError, "x must be an array of numbers"),
    ([0, 1, 2], [0, 1, 2], {"held_out": 1.0}, ValueError, r"held_out must be a share .* in \(0, 1\)"),
    ([0, 1, 2], [0, 1, 2], {"held_out": 0}, ValueError, "held_out"),
    ([0, 1, 2], [0, 1, 2], {"name": "parabola"}, ValueError, "built-in target's"),
])
def test_bad_samples_get_a_clear_error(x, y, kw, error, match):
    with pytest.raises(error, match=match):
        au.Target.from_samples(x, y, **kw)


def test_three_samples_train_on_one_and_score_on_the_other_two():
    t = au.Target.from_samples([0, 1, 2], [1, 2, 0], name="three")
    assert t.train[0].size == 1 and t.held_out[0].size == 2
    exp = au.run_experiment(t, x_scale=None, y_scale=None, steps=5)  # one point: nothing to min-max
    assert np.isfinite(exp.r2)


def test_own_targets_run_everywhere_a_built_in_one_does_and_samples_are_scored_on_held_out_points():
    x, y = _wave(120)
    samples = au.Target.from_samples(x, y, name="wave samples")
    fn = au.Target.from_function(lambda v: np.sin(6 * v), (0, 1), name="wave")
    common = dict(x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2, steps=300, n_train=96)
    exp = au.run_experiment(samples, **common)
    xh, yh = samples.held_out
    assert exp.x_train.size == 96 and exp.r2 == pytest.approx(au.r2(yh, exp.predict(xh)))
    assert au.run_experiment(fn, **common).target is fn
    hash(au.Config(samples))  # a cache key, as a built-in's Config is
    table = au.over_seeds({"min-max": {}}, seeds=(0, 1), target=samples, **common)
    assert table.row("min-max").exps[1].target is samples
    res = au.sweep([dict(target=samples, x_scale="minmax", y_scale="minmax", init="glorot_uniform", lr=1e-2)],
                   steps=300, n_train=96)
    assert res.rows[0]["target"] == "wave samples" and res.rows[0]["r2"] == pytest.approx(exp.r2, abs=1e-3)
    with pytest.raises(ValueError, match="set n_train to at most 96"):
        au.sweep([dict(target=samples), dict(target="sine")], steps=10)
    bench = au.workbench(target=fn)
    assert bench.controls["target"].value is fn and bench.result.target is fn
    bench.controls["target"].value = "sine"
    assert bench.result.target.name == "sine"
