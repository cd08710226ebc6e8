"""Explorers driven from code, headless: setting a control's value runs its callback synchronously."""
import numpy as np
import pytest

import approx_utils as au


def network_line(explorer):
    return next(line for line in explorer.axes[0].get_lines() if line.get_label() == "network")


def grid_values(widget):
    """Every option of a dropdown or toggle; a slider's extremes and middle."""
    if isinstance(widget, au.widgets.w.SelectionSlider):  # a log slider: its ends and middle
        values = [opt[1] for opt in widget.options]
        return [values[0], values[len(values) // 2], values[-1]]
    if hasattr(widget, "options"):
        return [opt[1] if isinstance(opt, tuple) else opt for opt in widget.options]
    if isinstance(widget.value, bool):
        return [not widget.value, widget.value]
    if hasattr(widget, "base"):  # log slider: value = base ** exponent
        lo, hi = widget.min, widget.max
        return [widget.base ** lo, widget.base ** ((lo + hi) / 2), widget.base ** hi]
    return [widget.min, (widget.min + widget.max) // 2 if isinstance(widget.value, int) else (widget.min + widget.max) / 2,
            widget.max]


@pytest.fixture(scope="module")
def lab():
    return au.scaling_explorer(n_train=128)


def test_a_move_reruns_and_redraws(lab):
    runs, image, line = lab.runs, lab.image.value, network_line(lab).get_ydata().copy()
    lab.controls["init"].value = 0.5
    assert lab.runs == runs + 1
    assert lab.image.value != image
    assert not np.array_equal(network_line(lab).get_ydata(), line)
    assert len(lab.figure.axes) == 2  # redrawn in place: no growing stack of axes


def test_findings_text_follows_the_pathology(lab):
    lab.controls["y_scale"].value = "raw"
    lab.controls["init"].value = 0.05
    failing = lab.message.value
    assert "collapse" in failing and lab.result.r2 < 0.1
    assert "<b>y scaling</b>: standardize y" in failing  # the fix, as a move of this explorer's own control
    lab.controls["y_scale"].value = "standardize"
    assert lab.message.value != failing and "R² = 0.9" in lab.message.value
    assert lab.result.r2 > 0.9


def test_the_panel_offers_only_fixes_the_explorer_can_make():
    """The saturation explorer has no learning-rate control: a fix of the learning rate is not offered as a move."""
    sat = au.saturation_explorer(steps=200)
    sat.controls["activation"].value = "relu"
    sat.controls["init"].value = "he_normal"
    text = sat.message.value
    assert "dead_units" in text
    assert "<b>inputs in [0, s], s</b>: standardize x" in text
    assert "he_normal, so units start active" not in text  # already in place
    assert "learning rate</b>" not in text


def test_repeated_settings_come_from_the_cache(lab):
    runs = lab.runs
    for lr in (3e-3, 5e-3, 3e-3, 5e-3):
        lab.controls["lr"].value = lr
    assert lab.runs == runs + 2


def test_moves_do_not_retrace(lab):
    lab.controls["lr"].value = 2e-3
    pooled = au.experiments._POOL[au.models.check_architecture((20, 20, 20), "elu", None, (0, 1))]
    loops = au.Trainer.for_model(pooled)._loops
    counts = {key: loop.experimental_get_tracing_count() for key, loop in loops.items()}
    for init in (0.07, 0.2, 1.5):
        lab.controls["init"].value = init
    lab.controls["target"].value = "indicator"
    lab.controls["steps"].value = 700
    assert {key: loop.experimental_get_tracing_count() for key, loop in loops.items()} == counts


@pytest.mark.parametrize("make", [au.scaling_explorer, au.saturation_explorer, au.overshoot_explorer, au.workbench])
def test_every_control_over_its_grid_ends_in_a_picture_or_a_message(make):
    explorer = make(n_train=64) if make not in (au.saturation_explorer, au.overshoot_explorer) else make(steps=100, n_train=64)
    if "steps" in explorer.controls:
        explorer.controls["steps"].value = explorer.controls["steps"].min  # keep the grid quick
    for name, widget in explorer.controls.items():
        start = widget.value
        for value in grid_values(widget):
            if name == "steps" and value > 1000:
                continue  # the steps extreme has its own test below
            widget.value = value
            assert explorer.message.value, (name, value)
            assert "Traceback" not in explorer.message.value
        widget.value = start


def test_extreme_settings_end_in_a_message_not_an_exception():
    lab = au.scaling_explorer(n_train=64)
    lab.controls["lr"].value = 1.0
    lab.controls["init"].value = 5.0
    lab.controls["steps"].value = lab.controls["steps"].max
    assert lab.result.run.steps_done >= 1
    text = lab.message.value
    assert text.startswith("<div class='au-setting'") and ("diverged at step" in text or "R² =" in text)


def test_a_diverged_run_says_so_in_the_panel():
    bench = au.workbench(n_train=64)
    bench.controls["lr"].value = 1.0
    bench.controls["std"].value = 5.0
    bench.controls["activation"].value = "relu"
    bench.controls["y_scale"].value = "raw"
    bench.controls["target"].value = "parabola"
    bench.controls["x_scale"].value = "raw"
    assert bench.result.diverged or bench.result.r2 < 0.5
    if bench.result.diverged:
        assert "diverged at step" in bench.message.value and "smaller learning rate" in bench.message.value


def test_a_rejected_setting_is_a_message():
    lab = au.scaling_explorer(n_train=64)
    lab._config = lambda values: dict(target="parabola", lr=-1.0)
    lab.controls["lr"].value = 0.003  # a new setting (a shown one would come back from its frame)
    assert "could not run this setting" in lab.message.value and "lr" in lab.message.value


def test_live_training_animates_the_same_run():
    lab = au.scaling_explorer(n_train=64)
    lab.controls["steps"].value = 300
    final = lab.result
    frames = []
    lab.image.observe(lambda change: frames.append(change["new"]), names="value")
    lab.toggle_live()
    assert len(frames) == 3  # 300 steps drawn every 100
    assert lab.result.run.steps_done == 300 and lab.result.r2 == final.r2
    assert lab.play_button.description.startswith("▶")


def test_looking_further_beyond_is_judged_by_the_panel_too():
    """The panel's diagnosis judges the points the figure shows: beyond the domain as far as the slider looks."""
    over = au.overshoot_explorer(n_train=64)
    over.controls["head"].value = "linear"
    over.controls["target"].value = "parabola"
    over.controls["beyond"].value = 1.0
    assert network_line(over).get_xdata()[0] == -100
    assert "overshoot" in over.message.value and "beyond the domain" in over.message.value
    over.controls["head"].value = "clip after training"
    shown = network_line(over).get_ydata()
    assert shown.min() >= 0 and shown.max() <= 2500  # the parabola's range on [0, 100]
    assert "overshoot" not in over.message.value  # the predictions as returned stay in range
    assert "post_clip" not in over.message.value  # nothing advises what is already selected


@pytest.mark.parametrize("make", [au.scaling_explorer, au.saturation_explorer, au.overshoot_explorer, au.workbench,
                                  au.collapse_explorer])
def test_every_dropdown_shows_its_choice_and_the_panel_names_the_setting(make):
    explorer = make(n_train=64)
    for widget in explorer.controls.values():
        if isinstance(widget, au.widgets.w.Dropdown):  # value None would show an empty box in the browser
            assert widget.index is not None and widget.label, widget.description
    text = explorer.message.value
    for name, widget in explorer.controls.items():
        assert f"{widget.description} = {au.widgets.shown_value(widget, widget.value)}" in text


def test_the_panel_states_the_setting_it_draws():
    lab = au.scaling_explorer(n_train=64)
    lab.controls["lr"].value = 0.015
    lab.controls["y_scale"].value = "minmax"
    assert "learning rate = 0.015" in lab.message.value and "y scaling = to [0, 1]" in lab.message.value
    bench = au.workbench(n_train=64)
    bench.controls["y_scale"].value = "minmax"
    assert "y scaling = min-max" in bench.message.value and bench.result.config["y_scale"] == "minmax"
    bench.controls["y_scale"].value = "raw"
    assert "y scaling = raw" in bench.message.value and bench.result.config["y_scale"] is None
    assert bench.result.config["batch_size"] is None and "batch = full" in bench.message.value


def test_a_dropdown_option_of_none_is_refused():
    with pytest.raises(ValueError, match="None"):
        au.widgets.dropdown("y scaling", [("raw", None), ("min-max", "minmax")], None)


ROUND_VALUES = {"init std": {0.05, 0.5, 1.0}, "learning rate": {0.001, 0.01, 0.1}}


@pytest.mark.parametrize("make", [au.scaling_explorer, au.saturation_explorer, au.overshoot_explorer, au.workbench,
                                  au.collapse_explorer])
def test_the_values_the_notebooks_name_are_exactly_reachable(make):
    """init std 0.05, 0.5, 1 and learning rates 0.001, 0.01, 0.1 sit on every slider or dropdown that sets them,
    and setting one shows exactly it (a FloatLogSlider's grid gave 0.0501 for 0.05)."""
    explorer = make(n_train=64)
    for widget in explorer.controls.values():
        wanted = ROUND_VALUES.get(widget.description)
        has_std_slider = any(c.description == "init std" for c in explorer.controls.values())
        if wanted is None and widget.description == "init" and not has_std_slider:
            wanted = {0.05, 0.5, 1.0} & {v for _, v in au.widgets._options(widget)} or None
            assert wanted == {0.05, 0.5, 1.0}, "the init dropdown offers std 0.05, 0.5 and 1"
        if wanted is None:
            continue
        offered = {v for _, v in au.widgets._options(widget)}
        assert wanted <= offered, (widget.description, sorted(offered, key=str))
        key = "lr" if widget.description == "learning rate" else "init"
        for value in sorted(wanted):
            widget.value = value
            assert explorer.result.config[key] == value  # exactly, not 0.0501
            assert f"{widget.description} = {au.widgets.shown_value(widget, value)}" in explorer.message.value


def test_log_grid_lands_on_round_values():
    assert au.widgets.log_grid(1e-3, 5.0)[:6] == [0.001, 0.0015, 0.002, 0.003, 0.005, 0.007]
    assert 0.05 in au.widgets.log_grid(1e-3, 5.0) and au.widgets.log_grid(1e-3, 5.0)[-1] == 5.0
    with pytest.raises(ValueError, match="not on the slider's grid"):
        au.widgets.log_slider("init std", 0.0501, 1e-3, 5.0)


def test_the_workbench_trains_with_the_loss_it_shows():
    bench = au.workbench(n_train=64)
    bench.controls["steps"].value = 100
    bench.controls["loss"].value = "bce"
    assert "could not run this setting" in bench.message.value and "sigmoid" in bench.message.value
    bench.controls["head"].value = "sigmoid"
    bench.controls["y_scale"].value = "minmax"
    assert bench.result.config["loss"] == "bce" and "loss = cross-entropy (sigmoid head)" in bench.message.value


def test_a_setting_shown_before_is_shown_again_without_drawing(lab):
    lab.controls["lr"].value = 0.007
    first = (lab.image.value, lab.message.value, lab.result)
    lab.controls["lr"].value = 0.015
    draws = []
    lab.figure.savefig = lambda *a, **k: draws.append(1)  # any redraw would call it
    try:
        lab.controls["lr"].value = 0.007
    finally:
        del lab.figure.savefig
    assert draws == [] and (lab.image.value, lab.message.value, lab.result) == first
