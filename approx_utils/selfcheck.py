"""'Check yourself': a notebook's closing questions, answered in a widget that explains every choice.

The questions live in `questions.py`, one list per notebook; `check_yourself("01")` shows them, each with
its options as radio buttons: picking one says at once whether it is right and why (a wrong option says
why it is wrong, the right one what it rests on). A reader without a kernel sees the questions as HTML;
`check_yourself("01", answers=True)` folds the answers away for the solutions notebooks.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets as w

from ._checks import check_choice


@dataclass(frozen=True)
class Question:
    """A question, its options, the index of the right one, and per option why it is right or wrong."""

    text: str
    options: tuple[str, ...]
    answer: int
    why: tuple[str, ...]

    def __post_init__(self):
        if len(self.options) < 2 or len(self.why) != len(self.options) or not 0 <= self.answer < len(self.options):
            raise ValueError(f"question {self.text[:40]!r}: needs 2+ options, one 'why' each and an answer among them")

    def feedback(self, choice: int) -> str:
        """What picking option `choice` tells the student, as HTML."""
        right = choice == self.answer
        mark, css = ("✓ Right.", "au-right") if right else ("✗ Not quite.", "au-wrong")
        color = "#1a7f37" if right else "#b3261e"
        return (f"<div class='au-feedback {css}' style='color:{color}'><b>{mark}</b> "
                f"{html.escape(self.why[choice])}</div>")


def _questions(notebook) -> list[Question]:
    from .questions import QUESTIONS  # the collection's content, kept apart from the mechanism

    check_choice(notebook, "notebook", list(QUESTIONS))
    return QUESTIONS[notebook]


class SelfCheck:
    """The widget: per question its text, its options as radio buttons (none chosen) and the feedback."""

    def __init__(self, questions: list[Question], title: str = "Check yourself"):
        self.questions, self.title = list(questions), title
        self.choices, self.feedback = [], []
        rows = [w.HTML(f"<b>{html.escape(title)}</b>: pick an answer; it says at once whether it holds, and why.")]
        for k, q in enumerate(self.questions, 1):
            choice = w.RadioButtons(options=[(text, i) for i, text in enumerate(q.options)], value=None,
                                    layout=w.Layout(width="auto"))
            shown = w.HTML()
            choice.observe(lambda change, q=q, shown=shown: self._answered(q, shown, change["new"]), names="value")
            self.choices.append(choice)
            self.feedback.append(shown)
            rows.append(w.VBox([w.HTML(f"<b>{k}.</b> {html.escape(q.text)}"), choice, shown],
                               layout=w.Layout(margin="0 0 0.8em 0")))
        self.widget = w.VBox(rows)
        self.widget.add_class("au-selfcheck")

    @staticmethod
    def _answered(q: Question, shown: w.HTML, choice) -> None:
        shown.value = "" if choice is None else q.feedback(choice)

    def answer(self, question: int, option: int) -> str:
        """Pick `option` of `question` (both 0-based), as a click would; returns the feedback's text."""
        self.choices[question].value = option
        return self.feedback[question].value

    def questions_html(self) -> str:
        """The questions and their options, no answers: what a reader without a kernel sees."""
        items = "".join(f"<li>{html.escape(q.text)}<ul>{''.join(f'<li>{html.escape(o)}</li>' for o in q.options)}"
                        f"</ul></li>" for q in self.questions)
        return (f"<div class='au-selfcheck-static'><b>{html.escape(self.title)}</b> (run the notebook to answer "
                f"here; the answers are in the solutions notebook)<ol>{items}</ol></div>")

    def _repr_mimebundle_(self, **kwargs):
        bundle = dict(self.widget._repr_mimebundle_(**kwargs))
        bundle["text/html"] = self.questions_html()
        bundle["text/plain"] = f"{self.title}: questions with answer buttons (a live widget)"
        return bundle


class _Answers:
    def __init__(self, questions: list[Question]):
        self.questions = questions

    def _repr_html_(self) -> str:
        parts = []
        for k, q in enumerate(self.questions, 1):
            why = "".join(f"<li>{'<b>' if i == q.answer else ''}{html.escape(o)}{' ✓</b>' if i == q.answer else ''}"
                          f" — {html.escape(q.why[i])}</li>" for i, o in enumerate(q.options))
            parts.append(f"<details><summary><b>{k}.</b> {html.escape(q.text)}</summary><ul>{why}</ul></details>")
        return "<div class='au-selfcheck-answers'>" + "".join(parts) + "</div>"

    def __repr__(self) -> str:  # no answer text: a plain-text output backs no prose number (tests/prose.py)
        return f"The answers to {len(self.questions)} 'Check yourself' questions, each folded under its question"


def check_yourself(notebook: str, answers: bool = False):
    """The 'Check yourself' questions of `notebook` ('01' .. '05'), answered in a widget.

    Args:
        notebook: the notebook's number, as its file name starts.
        answers: show the answers instead, each folded under its question (for the solutions notebooks).
    """
    if not isinstance(answers, bool):
        raise TypeError(f"answers must be True or False, got {answers!r}")
    questions = _questions(notebook)
    return _Answers(questions) if answers else SelfCheck(questions)
