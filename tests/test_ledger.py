import pytest

import approx_utils as au


def test_a_table_reports_median_range_verdict_and_findings_per_configuration():
    tiny = {**au.collapse_case("init too small: 6 layers, std 0.001"), "steps": 300, "n_train": 64}
    table = au.over_seeds({"scaled": dict(x_scale=100, lr=1e-2), "tiny": tiny},
                          seeds=(0, 1), target="relu_shift", steps=300, n_train=64)
    scaled, tiny = table.row("scaled"), table.row("tiny")
    assert len(scaled.r2s) == 2 and len(scaled.exps) == 2
    assert scaled.median == pytest.approx(sum(scaled.r2s) / 2)
    assert scaled.spread == (min(scaled.r2s), max(scaled.r2s))
    assert tiny.verdict == "fails" and "collapse" in tiny.findings
    text = str(table)
    assert "300 steps" in text and "verdict" in text and "scaled" in text and "fails" in text


def test_verdict_thresholds():
    assert [au.fit_verdict(v) for v in (0.95, 0.9, 0.6, 0.1, float("-inf"))] == \
        ["fits", "fits", "partial", "fails", "fails"]


def test_bad_tables_are_rejected():
    with pytest.raises(ValueError, match="rows"):
        au.over_seeds({})
    with pytest.raises(ValueError, match="seed"):
        au.over_seeds({"a": {}}, seeds=(-1,), steps=5)


def test_collapse_cases_name_what_is_allowed():
    assert au.collapse_case("learning rate too small: 1e-5", "learning rate 1e-2")["lr"] == 1e-2
    with pytest.raises(ValueError, match="cause"):
        au.collapse_case("gremlins")
    with pytest.raises(ValueError, match="fix"):
        au.collapse_case("learning rate too small: 1e-5", "prayer")
