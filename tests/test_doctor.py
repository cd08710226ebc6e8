import keras
import numpy as np
import pytest

import approx_utils as au


def fit_with_doctor(x, y, activation, epochs=60, every=20):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(10, activation=activation), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
    printed = []
    doctor = au.DoctorCallback(x, y, every=every, printer=printed.append)
    model.fit(x, y, epochs=epochs, batch_size=x.size, verbose=0, callbacks=[doctor])
    return doctor, printed


def test_the_doctor_reports_saturation_during_a_plain_fit():
    x = np.random.default_rng(0).uniform(0, 1000, 200)
    y = np.sin(2 * np.pi * x / 500)
    doctor, printed = fit_with_doctor(x, y, "sigmoid")
    assert [epoch for epoch, _ in doctor.reports] == [20, 40, 60]
    assert all("saturation" in kinds for _, kinds in doctor.reports)
    assert printed and printed[0].startswith("epoch 20: ") and "fix:" in printed[0]
    assert len(printed) == 1 + sum(a[1] != b[1] for a, b in zip(doctor.reports, doctor.reports[1:]))


def test_a_healthy_fit_gets_a_clean_report():
    x = np.random.default_rng(0).uniform(-1, 1, 200)
    doctor, printed = fit_with_doctor(x, 0.5 * x, "tanh", epochs=200, every=100)
    assert doctor.reports[-1][1] == [] and printed[-1].endswith("no problems found")


def test_bad_arguments():
    with pytest.raises(ValueError, match="every"):
        au.DoctorCallback([1.0, 2.0], [1.0, 2.0], every=0)
    with pytest.raises(ValueError, match="same length"):
        au.DoctorCallback([1.0, 2.0], [1.0], every=5)


def test_a_second_fit_with_the_same_doctor_starts_a_new_record():
    x = np.random.default_rng(0).uniform(0, 1000, 200)
    y = np.sin(2 * np.pi * x / 500)
    doctor, printed = fit_with_doctor(x, y, "sigmoid", epochs=40, every=20)
    first_fit = list(doctor.reports)
    printed_before = len(printed)
    doctor.model.fit(x, y, epochs=40, batch_size=x.size, verbose=0, callbacks=[doctor])
    assert [epoch for epoch, _ in doctor.reports] == [20, 40]  # only the second fit's checks
    # the findings did not change across the fits, so only a new record makes the first check report again
    assert doctor.reports[0][1] == first_fit[-1][1]
    assert len(printed) > printed_before and printed[printed_before].startswith("epoch 20: ")
