"""Every number in the prose (notebooks, solutions, INSTRUCTORS.md) is a set-up value or a saved output."""
import json
from decimal import Decimal
from pathlib import Path

import prose
import pytest
from prose_exceptions import EXCEPTIONS

import approx_utils as au

ROOT = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(ROOT.glob("*.ipynb")) + sorted(ROOT.glob("solutions/*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_number_in_a_notebooks_prose_is_backed(path):
    problems = prose.check_notebook(path.relative_to(ROOT).as_posix(), json.loads(path.read_text()), EXCEPTIONS)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


@pytest.mark.locked_numbers  # the explorer moves are replayed: their figures hold on the locked versions
def test_every_number_in_instructors_is_backed_and_every_move_shows_what_it_says():
    problems = prose.check_instructors(ROOT / "INSTRUCTORS.md", EXCEPTIONS)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_every_exception_names_a_file_and_a_reason():
    files = {p.relative_to(ROOT).as_posix() for p in NOTEBOOKS} | {"INSTRUCTORS.md"}
    for e in EXCEPTIONS:
        assert set(e) == {"file", "number", "context", "reason"} and e["file"] in files, e
        assert e["number"] in e["context"] and e["reason"].strip(), e


# ---- the logic, on small synthetic inputs -----------------------------------------------------------

def notebook(markdown, code="", output=""):
    """A notebook of one markdown cell and one code cell whose stdout is `output`."""
    out = [{"output_type": "stream", "name": "stdout", "text": output}] if output else []
    return {"cells": [{"cell_type": "markdown", "source": markdown},
                      {"cell_type": "code", "source": code, "outputs": out}]}


def written(text):
    return [n.text for n in prose.numbers(prose.blank_structural(text))]


def test_a_number_in_an_output_backs_the_prose():
    md, output = "R² 0.99 after 1500 steps", "R² = 0.993, 1500 steps"
    assert prose.check_notebook("a.ipynb", notebook(md, output=output), []) == []


def test_an_unbacked_number_is_reported_with_file_cell_and_context():
    problems = prose.check_notebook("a.ipynb", notebook("it reaches R² 0.97 in the end", output="R² = 0.993"), [])
    assert problems == ["a.ipynb cell 0: 0.97 is not backed: …it reaches R² 0.97 in the end…"]


def test_a_comment_backs_nothing_but_code_and_strings_do():
    assert prose.check_notebook("a.ipynb", notebook("std 0.75", "x = 1  # std 0.75"), []) != []
    assert prose.check_notebook("a.ipynb", notebook("std 0.75 and 3e-4", "f(init=0.75, lr=3e-4)"), []) == []
    assert prose.check_notebook("a.ipynb", notebook("lr 0.3", 'label = "lr 0.3"'), []) == []


def test_a_target_named_in_code_backs_its_formula_and_domain():
    assert prose.check_notebook("a.ipynb", notebook("$(x-50)^2$ on $[0, 100]$", 'run("parabola")'), []) == []
    assert prose.check_notebook("a.ipynb", notebook("$(x-50)^2$", 'run("parabolas")'), []) != []


@pytest.mark.parametrize("text, candidate, ok", [
    ("0.99", "0.993", True), ("0.995", "0.99", False), ("0.995", "0.9951", True), ("833", "833.3", True),
    ("1.00", "0.996", True), ("1.00", "0.994", False), ("32%", "32", True), ("32%", "0.32", True),
    ("32", "0.32", False), ("1e-5", "1e-05", True), ("1e-5", "2e-5", False), ("2e+02", "200", True),
    ("−0.04", "0.04", False), ("−0.04", "-0.037", True), ("-0.00", "0.001", False), ("0.04", "-0.04", False),
])
def test_a_candidate_backs_a_number_at_its_written_precision(text, candidate, ok):
    assert prose.backs(Decimal(candidate), prose.numbers(text)[0]) is ok


def test_a_minus_is_a_sign_only_where_no_word_digit_or_bracket_comes_before_it():
    assert written("R² −0.04, (−0.03), $-0.3$") == ["−0.04", "−0.03", "-0.3"]
    assert written("max(0, x-50), 0.01–1, 3-seed, std-0.05, f(x)-1") == ["0", "50", "0.01", "1", "3", "0.05", "1"]
    assert written("lr 1e-5, 2.6e-03, 1.0e-3 and 4x10 or 3×20") == ["1e-5", "2.6e-03", "1.0e-3", "4", "10", "3", "20"]
    assert prose.code_numbers("f(-1.5, x - 2, [-3], return_ -4)") == [Decimal("-1.5"), 2, -3, 4]


def test_structural_numbers_are_skipped_and_the_rest_kept():
    assert written("## 3. The experiment\n### 1. Fit 256 points") == ["256"]
    assert written("notebook 03, notebooks 01–04, 00 §5, [01 · Saturation](01_saturation.ipynb)") == []
    assert written("see solutions/02_x.ipynb and INSTRUCTORS.md") == []
    assert written("Exercise 1. Mystery 3, challenge 2, sections 2 and 3, §4: layer 1 96% flat") == ["96%"]
    assert written("R² and `relu6` in float32 at http://localhost:8866, but `lr=0.3` and $R^2$") == ["0.3", "2"]
    assert written("section 2, 0.31 of it") == ["0.31"]
    assert written("1. **seed** = 0, then 4\n  2. a rate of 0.01\n3.5 is kept") == ["0", "4", "0.01", "3.5"]


def test_an_exception_covers_its_number_in_its_context_only():
    md = "the question: it predicts 1.2, and later 1.2 again"
    excuse = [dict(file="a.ipynb", number="1.2", context="predicts 1.2", reason="the question")]
    assert prose.check_notebook("a.ipynb", notebook(md), excuse) == [
        "a.ipynb cell 0: 1.2 is not backed: …n: it predicts 1.2, and later 1.2 again…"]  # the second 1.2
    assert prose.check_notebook("a.ipynb", notebook("it predicts 1.2"), excuse) == []
    assert prose.check_notebook("b.ipynb", notebook("it predicts 1.2"), excuse) != []


def test_a_stale_exception_is_reported():
    excuse = [dict(file="a.ipynb", number="0.99", context="R² 0.99", reason="no longer needed")]
    assert prose.check_notebook("a.ipynb", notebook("R² 0.99", output="0.99"), excuse) == [
        "a.ipynb: stale exception: '0.99' in 'R² 0.99' covers no unbacked number"]


INSTRUCTORS = """\
## 00 · Start here (50 min)

| min | what |
|---|---|
| 0–5 | R² 0.5 |

Explorer moves (`au.scaling_explorer(n_train=64)`, 64 points):

| move | the panel shows |
|---|---|
| start | R² −0.04 · collapse |
| y to [0, 1] = off, init std = 0.5, target = indicator | R² 0.995, no problems found |

**Misconceptions**: none.
"""


def test_instructors_sections_skip_the_min_column_and_read_move_tables():
    section = prose.sections(INSTRUCTORS)[1]
    assert section.notebook == "00" and "0–5" not in "".join(text for _, text in section.prose)
    table, = section.tables
    assert table.call == "scaling_explorer(n_train=64)"
    assert table.rows == [(11, "start", "R² −0.04 · collapse"),
                          (12, "y to [0, 1] = off, init std = 0.5, target = indicator", "R² 0.995, no problems found")]
    assert not {9, 10, 11, 12} & {line for line, _ in section.prose}  # move rows are checked against panels only


def test_a_move_splits_at_known_descriptions_even_when_one_holds_a_comma():
    controls = {"scale_y": au.controls.toggle("y to [0, 1]", False),
                "init": au.controls.log_slider("init std", 0.05, 1e-3, 5.0),
                "inputs": au.controls.log_slider("inputs in [0, s], s", 1000.0, 1.0, 1000.0),
                "fix": au.controls.dropdown("fix", ["no fix", "scale y to [0, 1]"], "no fix"),
                "steps": au.controls.int_slider("steps", 1000, 100, 5000, 100)}
    move = prose.parse_move("y to [0, 1] = on, inputs in [0, s], s = 10, fix = scale y to [0, 1], init std = 5e-1, "
                            "steps = 300", controls)
    assert [(widget.description, value) for widget, value in move] == [
        ("y to [0, 1]", True), ("inputs in [0, s], s", 10.0), ("fix", "scale y to [0, 1]"), ("init std", 0.5),
        ("steps", 300)]
    assert prose.parse_move("start", controls) == []
    for bad in ("x / 100 = on", "init std = 0.0501", "steps = 9000", "y to [0, 1] = yes", "y to [0, 1] = 1"):
        with pytest.raises(prose.MoveError):
            prose.parse_move(bad, controls)


def test_a_panel_that_shows_other_figures_or_findings_is_reported():
    table = prose.sections(INSTRUCTORS)[1].tables[0]
    shown = ["showing: ...\nR² = -0.037 after 1000 steps\ncollapse : predictions are nearly constant",
             "showing: ...\nR² = 0.991 after 1000 steps\nsaturation : units sit on the flat tails"]
    found, problems = prose.check_moves("INSTRUCTORS.md", table, shown)
    assert [u.number.text for u in found] == ["0.995"] and "line 12" in str(found[0]) and "R² = 0.991" in str(found[0])
    assert problems == [f"INSTRUCTORS.md {found[0].where}: 'no problems found' is not in the panel"]
    assert prose.check_moves("INSTRUCTORS.md", table, [shown[0], "R² = 0.995\nno problems found"]) == ([], [])


def test_a_move_table_must_follow_its_line_and_name_an_explorer():
    with pytest.raises(prose.MoveError, match="line 1"):
        prose.sections("Explorer moves (`au.workbench()`):\n\nsome prose instead of the table\n")
    with pytest.raises(prose.MoveError, match="columns"):
        prose.sections("Explorer moves (`au.workbench()`):\n| step | shows |\n|---|---|\n| start | R² 1 |\n")
    with pytest.raises(prose.MoveError, match="not an explorer"):
        prose.build("get_target(name='sine')")


def test_the_self_check_questions_a_notebook_shows_are_its_prose():
    found = prose.check_notebook("a.ipynb", notebook("No numbers here.", code='au.check_yourself("01")'), [])
    assert found and all("cell 1 question" in f for f in found), found[:3]
    assert any("96%" in f for f in found)  # 01's first question rests on its 96%, which this notebook lacks
