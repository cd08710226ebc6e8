"""'Check yourself': every notebook 01-05 shows its questions; a pick is answered at once, right or wrong, with why."""
import html
import json
from pathlib import Path

import pytest

import approx_utils as au
from approx_utils.questions import QUESTIONS
from approx_utils.selfcheck import Question

ROOT = Path(__file__).resolve().parents[1] / "notebooks"
NUMBERS = ["01", "02", "03", "04", "05"]


@pytest.mark.parametrize("number", NUMBERS)
def test_every_notebook_has_objectives_a_summary_table_and_three_to_five_questions_answered_in_solutions(number):
    assert 3 <= len(QUESTIONS[number]) <= 5
    [main] = ROOT.glob(f"{number}_*.ipynb")
    [solutions] = ROOT.glob(f"solutions/{number}_*.ipynb")
    code = lambda p: ["".join(c["source"]) for c in json.loads(p.read_text())["cells"] if c["cell_type"] == "code"]  # noqa: E731
    assert f'au.check_yourself("{number}")' in code(main)
    assert f'au.check_yourself("{number}", answers=True)' in code(solutions)
    cells = json.loads(main.read_text())["cells"]
    opening = "".join(cells[0]["source"])
    assert "**You will be able to**" in opening and "**Before you start**" in opening, "objectives up front"
    markdown = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
    summary = [m for m in markdown if m.startswith("## Summary")]
    assert summary and "| symptom |" in summary[0] and "## Check yourself" in "\n".join(markdown)


@pytest.mark.parametrize("number", NUMBERS)
def test_a_wrong_pick_says_why_it_is_wrong_and_the_right_one_confirms_why(number):
    check = au.check_yourself(number)
    for k, q in enumerate(check.questions):
        for i in range(len(q.options)):
            text = check.answer(k, i)
            assert ("au-right" in text) is (i == q.answer) and ("au-wrong" in text) is (i != q.answer)
            assert ("Right." in text) is (i == q.answer) and html.escape(q.why[i]) in text
    assert len({q.text for q in check.questions}) == len(check.questions)


def test_no_answer_is_chosen_at_first_and_the_static_view_shows_questions_but_no_answers():
    check = au.check_yourself("01")
    assert all(c.value is None for c in check.choices) and all(f.value == "" for f in check.feedback)
    bundle = check._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    q = check.questions[0]
    assert q.text.split(":")[0][:30] in bundle["text/html"] and "Right." not in bundle["text/html"]
    assert q.why[q.answer][:30] not in bundle["text/html"]
    answers = au.check_yourself("01", answers=True)._repr_html_()
    assert answers.count("<details>") == len(check.questions) and q.why[q.answer][:20] in answers


@pytest.mark.parametrize("notebook, answers, error, match", [
    ("06", False, ValueError, "unknown notebook '06'; choose one of '01'"),
    (1, False, TypeError, "notebook"),
    ("01", "yes", TypeError, "answers must be True or False"),
])
def test_a_bad_argument_gets_a_clear_error(notebook, answers, error, match):
    with pytest.raises(error, match=match):
        au.check_yourself(notebook, answers=answers)


def test_a_malformed_question_is_refused():
    with pytest.raises(ValueError, match="one 'why' each"):
        Question("q", ("a", "b"), 0, ("only one",))
    with pytest.raises(ValueError, match="answer among them"):
        Question("q", ("a", "b"), 2, ("x", "y"))
