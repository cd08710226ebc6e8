import numpy as np
import pytest

import approx_utils as au

VALUES = np.random.default_rng(0).uniform(-3, 1000, size=257)


@pytest.mark.parametrize("spec", [None, 100, "minmax", "standardize", au.MinMax(-1, 1)])
def test_round_trip_is_exact_to_float_precision(spec):
    s = au.get_scaler(spec).fit(VALUES)
    np.testing.assert_allclose(s.inverse_transform(s.transform(VALUES)), VALUES, rtol=1e-12, atol=1e-9)


def test_each_scaler_does_what_its_name_says():
    np.testing.assert_allclose(au.get_scaler(100).fit_transform([0, 50, 100]), [0, 0.5, 1])
    mm = au.get_scaler("minmax").fit_transform(VALUES)
    assert mm.min() == 0 and mm.max() == 1
    st = au.get_scaler("standardize").fit_transform(VALUES)
    assert abs(st.mean()) < 1e-12 and abs(st.std() - 1) < 1e-12
    assert np.array_equal(au.get_scaler(None).fit_transform(VALUES), VALUES)


def test_get_scaler_returns_a_fresh_copy_of_a_given_scaler():
    given = au.MinMax()
    made = au.get_scaler(given).fit(VALUES)
    assert made is not given and not hasattr(given, "min_")


def test_transform_before_fit_is_a_clear_error():
    with pytest.raises(ValueError, match="before fit"):
        au.Standardize().transform([1.0, 2.0])
    with pytest.raises(ValueError, match="before fit"):
        au.MinMax().inverse_transform([1.0])


@pytest.mark.parametrize("spec", ["minmax", "standardize"])
def test_constant_data_cannot_be_scaled(spec):
    with pytest.raises(ValueError, match="constant"):
        au.get_scaler(spec).fit([2.0, 2.0, 2.0])


@pytest.mark.parametrize("bad", [[1.0, np.nan], [np.inf, 1.0], []])
def test_nan_inf_and_empty_data_are_rejected(bad):
    with pytest.raises(ValueError, match="values"):
        au.get_scaler("standardize").fit(bad)


@pytest.mark.parametrize("spec, err", [("log", ValueError), (0, ValueError), (-2.0, ValueError),
                                       (True, TypeError), ([1], TypeError)])
def test_bad_specs_name_what_is_allowed(spec, err):
    with pytest.raises(err, match="scale|by"):
        au.get_scaler(spec)


def test_minmax_needs_lo_below_hi():
    with pytest.raises(ValueError, match="lo < hi"):
        au.MinMax(1, 0)


@pytest.mark.parametrize("scaler, says", [(au.get_scaler(None), "raw x"), (au.get_scaler(100), "x / 100"),
                                          (au.MinMax(0.01, 0.99), "x min-max scaled to [0.01, 0.99]"),
                                          (au.Standardize(), "x standardized")])
def test_a_scaling_is_described_in_a_students_words(scaler, says):
    assert scaler.describe() == says and scaler.describe("y").replace("y", "x", 1) == says
