"""Every notebook Run All'ed in JupyterLab under Chromium, and every explorer moved the way a student moves it.

The `notebook` fixture opens and runs each notebook once; the tests below then look at that page in
order: clean run, explorers rendered, one slider move, a burst of moves (latest wins), live training,
a diverging setting.
"""
import re

import pytest

import approx_utils as au
from e2e.browser_lab import check_lecture_explorers
from e2e.conftest import ARTIFACTS, DIVERGING, REJECTING, self_check_in


def test_run_all_is_clean(notebook):
    """No error or stderr output, no broken widget, no console error; every explorer drawn with its controls."""
    assert notebook.problems() == []
    explorers = notebook.explorers()
    assert len(explorers) == len(notebook.expected_explorers), notebook.expected_explorers
    for view in explorers:
        assert view.image_ok(), "the explorer's figure did not load"
        assert view.box.locator(".widget-slider, .widget-dropdown").count() >= 2
        assert view.setting(), f"no 'showing:' line in the panel: {view.message()!r}"
        assert "R² =" in view.message() or "diverged" in view.message()
    print(f"{notebook.path}: Run All {notebook.run_seconds:.1f} s")


def _slider_to_move(view) -> tuple[str, str]:
    """The first slider, and the arrow key that moves it (left if it starts at its maximum)."""
    name = view.slider_names()[0]
    return name, "ArrowLeft" if view.at_max(name) else "ArrowRight"


@pytest.mark.explorer
def test_a_slider_move_redraws_the_figure_for_the_new_setting(notebook):
    view = notebook.explorers()[0]
    name, key = _slider_to_move(view)
    before, old = view.readout(name), view.src()
    view.press(name, key)
    assert view.readout(name) != before, "the key press did not move the slider"
    seconds = view.wait_shown(name, old)
    assert view.shows(name)
    assert view.image_ok() and notebook.problems() == []
    print(f"{notebook.path}: {name} {before} -> {view.readout(name)}: new figure in {seconds:.2f} s")


@pytest.mark.explorer
def test_a_burst_of_moves_ends_on_the_last_setting(notebook):
    """Five key presses in a row: the page ends on the figure and panel of the fifth, with fewer redraws
    than moves (latest wins, in the real front end)."""
    view = notebook.explorers()[0]
    name, key = _slider_to_move(view)
    view.watch_redraws()
    old = view.src()
    view.press(name, key, times=5)
    last = view.readout(name)
    view.wait_shown(name, old)
    assert view.quiet_for(1.5), "the figure kept changing after it showed the last setting"
    assert view.readout(name) == last and view.shows(name)
    redraws = view.redraws()
    assert 1 <= len(redraws) < 5, f"{len(redraws)} redraws for 5 moves"
    assert redraws[-1] == view.src() and notebook.problems() == []


@pytest.mark.live
def test_train_live_animates_and_a_second_click_stops_it(notebook):
    view = notebook.explorers()[0]
    if "steps" in view.slider_names():  # a long run, so that Stop lands before the end
        old = view.src()
        view.press("steps", "End")
        view.wait_shown("steps", old)
    button = view.button()
    assert "Train live" in button.text_content()
    view.watch_redraws()
    button.click()
    view.wait_for(lambda: len(view.redraws()) >= 2, 60, "two live frames")
    assert "Stop" in button.text_content()
    button.click()
    view.wait_for(lambda: "Train live" in button.text_content(), 30, "the button to read 'Train live' again")
    assert view.quiet_for(1.0), "the figure kept changing after Stop"
    done = re.search(r"after (\d+) of (\d+) steps", view.message())
    assert done and int(done.group(1)) < int(done.group(2)), f"the run was not stopped early: {view.message()!r}"
    assert notebook.problems() == []


@pytest.mark.diverging
def test_a_diverging_setting_is_a_message_not_a_traceback(notebook):
    view = notebook.explorers()[0]
    action, control, value = DIVERGING[notebook.expected_explorers[0]]
    old = view.src()
    if action == "press":
        view.press(control, value)
        view.wait_shown(control, old)
        assert float(view.setting()[control]) == 1.0
    else:
        view.choose(control, value)
        view.wait_for(lambda: view.setting().get(control) == value and view.src() != old, 60, f"{control} = {value}")
    text = view.message()
    assert "diverged at step" in text or "R² =" in text, text
    assert "could not run" not in text
    assert view.image_ok() and notebook.problems() == []


def _visibility(view) -> str:
    return view.image.evaluate("img => getComputedStyle(img).visibility")


@pytest.mark.rejecting
def test_a_rejected_setting_hides_the_old_figure_and_says_why(notebook):
    """Cross-entropy on a linear head is refused: the figure of the previous setting is hidden (its space
    kept) and the panel says why; going back shows a figure again."""
    view = notebook.explorers()[0]
    control, refused, back = REJECTING[notebook.expected_explorers[0]]
    view.choose(control, refused)
    view.wait_for(lambda: "could not run this setting" in view.message(), 60, "the refusal in the panel")
    view.wait_for(lambda: _visibility(view) == "hidden", 10, "the old figure hidden")
    assert view.setting().get(control) == refused and "Traceback" not in view.message()
    view.choose(control, back)
    view.wait_for(lambda: "R² =" in view.message() or "diverged" in view.message(), 60, "a result again")
    view.wait_for(lambda: _visibility(view) == "visible", 10, "the figure shown again")
    assert view.image_ok() and notebook.problems() == []


@pytest.mark.selfcheck
def test_a_self_check_answers_a_wrong_pick_with_why_and_a_right_one_with_its_confirmation(notebook):
    """Click a wrong option of the first question, then the right one: each says so at once, with its why."""
    question = au.check_yourself(self_check_in(notebook.path)).questions[0]
    box = notebook.page.locator(".au-selfcheck").first
    box.scroll_into_view_if_needed()
    radios = box.locator(".widget-radio-box").first.locator("label")
    feedback = box.locator(".au-feedback").first
    wrong = next(i for i in range(len(question.options)) if i != question.answer)
    for pick, css, mark in ((wrong, "au-wrong", "Not quite"), (question.answer, "au-right", "Right")):
        radios.nth(pick).click()
        notebook.page.wait_for_selector(f".au-selfcheck .au-feedback.{css}", timeout=10_000)
        text = feedback.text_content()
        assert mark in text and question.why[pick][:40] in text, text
    notebook.page.screenshot(path=str(ARTIFACTS / f"selfcheck-{self_check_in(notebook.path)}.png"))
    assert notebook.problems() == []


@pytest.mark.lecture
def test_a_notebook_in_the_lecture_style_is_readable_and_each_explorer_fits_1280x720(notebook):
    """In JupyterLab on a 1280x720 projector: no control or panel text under 18 px, every explorer on one screen."""
    notebook.page.set_viewport_size({"width": 1280, "height": 720})
    try:
        print(check_lecture_explorers(notebook.page, f"JupyterLab, {notebook.path} at 1280x720"))
        notebook.page.screenshot(path=str(ARTIFACTS / "lecture-style-in-jupyterlab-1280x720.png"))
    finally:
        notebook.page.set_viewport_size({"width": 1280, "height": 800})
