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


# ---- claims and ledgers, on rows with known numbers (no training) -----------------------------------

class _Shares:
    """Stands in for an Experiment: only what `Row.out` reads."""

    def __init__(self, inside, beyond=0.0):
        self.shares = {"inside": inside, "beyond": beyond}

    def range_shares(self):
        return self.shares


def _table(rows, steps=1000):
    """label -> (R² per seed, out-of-range share per seed)."""
    return au.ledger.SeedTable([au.ledger.Row(label, {}, r2s, [[] for _ in r2s], [_Shares(o) for o in outs])
                         for label, (r2s, outs) in rows.items()], seeds=(0, 1, 2), steps=steps)


def test_claims_are_judged_by_their_kind():
    table = _table({"good": ([0.99, 0.95, 0.2], [0.0, 0.0, 0.3]), "bad": ([0.1, 0.2, 0.96], [0.5, 0.4, 0.0]),
                    "close": ([0.9, 0.9, 0.9], [0.0, 0.02, 0.02])})
    verdicts = {c.text: c.holds_in(table) for c in [
        au.Claim("good fits", ("good",)), au.Claim("bad fails", ("bad",), "fails"),
        au.Claim("bad worse than good", ("bad", "good"), "worse"),
        au.Claim("close worse than good", ("close", "good"), "worse"),  # 0.90 vs 0.95: within the margin
        au.Claim("bad leaves", ("bad",), "leaves"), au.Claim("good stays", ("good",), "stays"),
        au.Claim("close stays", ("close",), "stays"), au.Claim("bad leaves more", ("bad", "good"), "leaves_more")]}
    assert verdicts == {"good fits": True, "bad fails": True, "bad worse than good": True,
                        "close worse than good": False, "bad leaves": True, "good stays": True,
                        "close stays": False, "bad leaves more": True}
    assert table.row("good").fitting == 2 and "2 of 3" in str(table)


def test_a_ledger_names_the_conditions_a_claim_holds_under():
    quick = _table({"sigmoid": ([0.1] * 3, [0] * 3), "relu": ([0.7] * 3, [0] * 3)}, steps=1500)
    slow = _table({"sigmoid": ([1.0] * 3, [0] * 3), "relu": ([0.7] * 3, [0] * 3)}, steps=6000)
    worse = au.Claim("sigmoid learns worse", ("sigmoid", "relu"), "worse")
    fits = au.Claim("relu fits", ("relu",))
    ledger = au.Ledger([worse, fits], {"1500 steps": quick, "6000 steps": slow})
    assert ledger.verdict(worse) == "holds only at 1500 steps" and ledger.verdict(fits) == "does not hold"
    one = au.Ledger([worse], [quick])  # tables printed before: one condition, named in the verdict
    assert one.verdict(worse) == "holds (1500 steps)"
    with pytest.raises(ValueError, match="no table holds"):
        au.Ledger([au.Claim("x", ("nope",))], [quick])
    with pytest.raises(ValueError, match="expect"):
        au.Claim("x", ("a",), "improves")
    with pytest.raises(ValueError, match="two rows"):
        au.Claim("x", ("a",), "worse")


def test_a_ledger_of_printed_tables_shows_only_the_rows_its_claims_name():
    table = _table({"named": ([0.99] * 3, [0] * 3), "context": ([0.5] * 3, [0] * 3)})
    text = au.Ledger([au.Claim("named fits", ("named",))], [table]).rows_text()
    assert "named" in text and "context" not in text
    with pytest.raises(ValueError, match="seeds"):
        table + au.ledger.SeedTable([], seeds=(0, 1), steps=1000)


def test_claims_ledger_runs_rows_a_sweep_cannot_one_by_one_under_each_condition():
    rows = {"1x8 relu": dict(activation="relu", hidden=(8,)), "2x8 relu": dict(activation="relu", hidden=(8, 8))}
    ledger = au.claims_ledger([au.Claim("deeper is worse", ("2x8 relu", "1x8 relu"), "worse")], rows,
                              conditions={"lr 0.01": dict(lr=1e-2), "lr 0.001": dict(lr=1e-3)}, seeds=(0, 1),
                              target="relu_shift", x_scale=100, steps=50, n_train=32)
    assert list(ledger.tables) == ["lr 0.01", "lr 0.001"]
    assert ledger.tables["lr 0.001"].row("1x8 relu").exps[0].config.lr == 1e-3
    assert "lr 0.01: median [range]" in str(ledger)


# ---- claims_ledger's verdicts, trained (small budgets: a sweep of a few seconds) -------------------

EASY = dict(target="sine", x_scale="standardize", init="glorot_uniform", lr=1e-2)  # R² ~0.97 in 200 steps
HARD = dict(target="parabola", x_scale=None, init=0.05, lr=1e-3)  # raw x and y: R² < 0 at any of these budgets


def test_claims_ledger_says_whether_a_claim_holds_under_one_condition():
    claims = [au.Claim("sine fits", ("sine",)), au.Claim("sine fails", ("sine",), "fails"),
              au.Claim("raw parabola fits", ("raw parabola",)), au.Claim("raw parabola fails", ("raw parabola",), "fails")]
    ledger = au.claims_ledger(claims, {"sine": EASY, "raw parabola": HARD}, conditions={"200 steps": dict(steps=200)},
                              seeds=(0, 1), n_train=64)
    assert [ledger.verdict(c) for c in claims] == ["holds (200 steps)", "does not hold (200 steps)",
                                                   "does not hold (200 steps)", "holds (200 steps)"]
    assert ledger.tables["200 steps"].row("sine").verdict == "fits"
    lines = ledger.claims_text().splitlines()
    assert any(line.startswith("sine fits ") and line.endswith(" holds (200 steps)") for line in lines)
    with pytest.raises(KeyError, match="'missing'") as err:  # an unknown row is named, with the rows there are
        ledger.tables["200 steps"].row("missing")
    assert "'sine'" in str(err.value) and "'raw parabola'" in str(err.value)


def test_claims_ledger_names_the_condition_a_claim_holds_under_when_it_holds_under_only_one():
    claims = [au.Claim("sine fits", ("sine",)), au.Claim("sine fails", ("sine",), "fails"),
              au.Claim("raw parabola fails", ("raw parabola",), "fails"),
              au.Claim("raw parabola fits", ("raw parabola",))]
    ledger = au.claims_ledger(claims, {"sine": EASY, "raw parabola": HARD}, budgets=(20, 200), seeds=(0, 1), n_train=64)
    assert list(ledger.tables) == ["20 steps", "200 steps"]
    assert [ledger.verdict(c) for c in claims] == ["holds only at 200 steps", "holds only at 20 steps", "holds",
                                                   "does not hold"]
