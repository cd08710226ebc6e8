"""Explorers driven from code, headless: setting a control's value runs its callback synchronously.

The tests read what a reader sees (the panel's text, the picture, `result`) and count trainings with
`runs`; they never look into the explorers' caches or the model pool.
"""
import html

import ipywidgets as w
import numpy as np
import pytest

import approx_utils as au


def network_line(explorer):
    return next(line for line in explorer.axes[0].get_lines() if line.get_label() == "network")


def options(widget) -> list:
    """A dropdown's or selection slider's options as (label, value) pairs."""
    return [opt if isinstance(opt, tuple) else (str(opt), opt) for opt in widget.options]


def shown(widget, value) -> str:
    """How the panel must state a control's value: a dropdown's label, on/off, a number to 4 significant digits."""
    if isinstance(widget, w.Dropdown):
        return next(label for label, v in options(widget) if v == value)
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def setting_shown(explorer) -> str:
    """The panel's first line: every control's description and value, in order."""
    text = " · ".join(f"{c.description} = {shown(c, c.value)}" for c in explorer.controls.values())
    return "showing: " + html.escape(text, quote=False)


def grid_values(widget):
    """Every option of a dropdown or toggle; a slider's extremes and middle."""
    if isinstance(widget, w.SelectionSlider):  # a log slider: its ends and middle
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


def test_each_new_setting_trains_once_and_going_back_trains_nothing():
    lab = au.scaling_explorer(n_train=64)
    lab.controls["steps"].value = 100
    first, image, runs = lab.result, lab.image.value, lab.runs
    for init in (0.07, 0.2, 1.5):  # the same architecture: a new start, a new training each
        lab.controls["init"].value = init
    lab.controls["target"].value = "indicator"
    assert lab.runs == runs + 4
    lab.controls["target"].value = "parabola"  # back through settings shown before
    for init in (0.2, 0.05):
        lab.controls["init"].value = init
    assert lab.runs == runs + 4
    assert lab.result.r2 == first.r2 and lab.image.value == image


def test_the_same_setting_gives_the_same_result_whatever_was_trained_before():
    first = au.scaling_explorer(n_train=64)
    first.controls["steps"].value = 100
    au.saturation_explorer(steps=100, n_train=64)  # another architecture trained in between
    other = au.scaling_explorer(n_train=64)
    other.controls["init"].value = 1.5  # the same architecture, another start
    other.controls["lr"].value = 0.3
    again = au.scaling_explorer(n_train=64)
    again.controls["steps"].value = 100
    assert again.result is not first.result and again.runs == 2  # trained anew: explorers share no results
    assert again.result.r2 == first.result.r2
    np.testing.assert_array_equal(again.result.run.loss, first.result.run.loss)
    assert again.image.value == first.image.value


# The only settings on the explorers' grids that the package refuses: cross-entropy needs a bounded head.
REFUSED = {"workbench": [("loss", "bce", "loss='bce' (binary cross-entropy) needs outputs in [0, 1]")]}


@pytest.mark.parametrize("make", [au.scaling_explorer, au.saturation_explorer, au.overshoot_explorer, au.workbench])
def test_every_control_over_its_grid_ends_in_a_picture_or_a_message(make):
    quick = make in (au.saturation_explorer, au.overshoot_explorer)
    explorer = make(steps=100, n_train=64) if quick else make(n_train=64)
    if "steps" in explorer.controls:
        explorer.controls["steps"].value = explorer.controls["steps"].min  # keep the grid quick
    refused = {(name, value): why for name, value, why in REFUSED.get(make.__name__, [])}
    for name, widget in explorer.controls.items():
        start, start_image = widget.value, explorer.image.value
        for value in grid_values(widget):
            if name == "steps" and value > 1000:
                continue  # the steps extreme has its own test below
            moved, image = value != widget.value, explorer.image.value
            widget.value = value
            text = explorer.message.value
            assert text.startswith("<div class='au-setting'") and setting_shown(explorer) in text, (name, value)
            assert "Traceback" not in text
            if (name, value) in refused:
                assert "could not run this setting" in text and html.escape(refused[name, value]) in text
                continue
            assert "could not run this setting" not in text, (name, value, text)
            exp = explorer.result
            if exp.diverged:
                assert f"diverged at step {exp.run.diverged_at}" in text, (name, value)
            else:
                assert f"R² = {exp.r2:.3f}</b>" in text and f"after {exp.run.steps_done} steps" in text, (name, value)
            for finding in exp.diagnosis:  # every finding named, or "no problems found"
                assert finding.kind == "diverged" or f"<b>{finding.kind}</b>: " in text, (name, value, finding.kind)
            assert ("no problems found" in text) == (not [f for f in exp.diagnosis if f.kind != "diverged"])
            if moved:
                assert explorer.image.value != image, (name, value)  # a new setting is a new picture
        widget.value = start
        assert explorer.image.value == start_image, name  # back where it started: the same picture


def test_extreme_settings_end_in_a_message_not_an_exception():
    lab = au.scaling_explorer(n_train=64)
    lab.controls["lr"].value = 1.0
    lab.controls["init"].value = 5.0
    lab.controls["steps"].value = lab.controls["steps"].max
    assert lab.result.run.steps_done >= 1
    text = lab.message.value
    assert text.startswith("<div class='au-setting'") and ("diverged at step" in text or "R² =" in text)


def test_a_diverged_run_says_so_in_the_panel():
    """Six layers of 64 ELUs at init std 5 on raw x and y: outputs in the billions before training, and Adam at
    learning rate 1 overflows the loss to inf within a few steps (at step 2 for seeds 0, 1 and 2)."""
    bench = au.workbench(n_train=64)
    bench.controls["steps"].value = 100  # cheap moves on the way
    for name, value in [("target", "parabola"), ("x_scale", "raw"), ("y_scale", "raw"), ("activation", "elu"),
                        ("std", 5.0), ("lr", 1.0), ("width", 64), ("depth", 6)]:
        bench.controls[name].value = value
    assert bench.result.diverged and bench.result.run.diverged_at < 10
    text = bench.message.value
    assert f"diverged at step {bench.result.run.diverged_at}</b>" in text
    # at step 2 the learning rate comes first (1 -> 0.1), then the raw scales and the large init, as moves
    assert "<b>learning rate</b>: lower the learning rate (it is 1; try 0.1)" in text
    assert "<b>x scaling</b>: standardize x" in text and "<b>y scaling</b>: standardize y" in text
    assert "<b>init</b>: a smaller init (std 5" in text
    assert "R² =" not in text
    assert any(t.get_text().startswith("diverged at step") for t in bench.axes[0].texts)  # the figure says so too


def test_a_rejected_setting_is_a_message():
    bench = au.workbench(n_train=64)
    bench.controls["steps"].value = 100
    shown_before, runs = bench.result, bench.runs
    bench.controls["loss"].value = "bce"  # cross-entropy on the linear head: refused by the package
    text = bench.message.value
    assert setting_shown(bench) in text and "loss = cross-entropy (sigmoid head)" in text
    assert "could not run this setting" in text and "output_activation=&#x27;sigmoid&#x27;" in text
    assert bench.runs == runs and bench.result is None and shown_before is not None  # nothing trained
    assert bench.image.layout.visibility == "hidden"  # the old figure is another setting's: not shown
    bench.controls["loss"].value = "mse"
    assert bench.image.layout.visibility == "visible" and bench.result is shown_before  # back from the cache


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
        if isinstance(widget, w.Dropdown):  # value None would show an empty box in the browser
            assert widget.index is not None and widget.label, widget.description
    text = explorer.message.value
    for widget in explorer.controls.values():
        assert f"{widget.description} = {shown(widget, widget.value)}" in text
    assert setting_shown(explorer) in text


def test_the_panel_states_the_setting_it_draws():
    lab = au.scaling_explorer(n_train=64)
    lab.controls["lr"].value = 0.015
    lab.controls["y_scale"].value = "minmax"
    assert "learning rate = 0.015" in lab.message.value and "y scaling = to [0, 1]" in lab.message.value
    bench = au.workbench(n_train=64)
    bench.controls["y_scale"].value = "minmax"
    assert "y scaling = min-max" in bench.message.value and bench.result.config.y_scale == "minmax"
    bench.controls["y_scale"].value = "raw"
    assert "y scaling = raw" in bench.message.value and bench.result.config.y_scale is None
    assert bench.result.config.batch_size is None and "batch = full" in bench.message.value


def test_a_dropdown_option_of_none_is_refused():
    with pytest.raises(ValueError, match="None"):
        au.controls.dropdown("y scaling", [("raw", None), ("min-max", "minmax")], None)


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
            wanted = {0.05, 0.5, 1.0} & {v for _, v in options(widget)} or None
            assert wanted == {0.05, 0.5, 1.0}, "the init dropdown offers std 0.05, 0.5 and 1"
        if wanted is None:
            continue
        offered = {v for _, v in options(widget)}
        assert wanted <= offered, (widget.description, sorted(offered, key=str))
        key = "lr" if widget.description == "learning rate" else "init"
        for value in sorted(wanted):
            widget.value = value
            assert getattr(explorer.result.config, key) == value  # exactly, not 0.0501
            assert f"{widget.description} = {shown(widget, value)}" in explorer.message.value


def test_log_grid_lands_on_round_values():
    assert au.controls.log_grid(1e-3, 5.0)[:6] == [0.001, 0.0015, 0.002, 0.003, 0.005, 0.007]
    assert 0.05 in au.controls.log_grid(1e-3, 5.0) and au.controls.log_grid(1e-3, 5.0)[-1] == 5.0
    with pytest.raises(ValueError, match="not on the slider's grid"):
        au.controls.log_slider("init std", 0.0501, 1e-3, 5.0)


def test_the_workbench_trains_with_the_loss_it_shows():
    bench = au.workbench(n_train=64)
    bench.controls["steps"].value = 100
    bench.controls["loss"].value = "bce"
    assert "could not run this setting" in bench.message.value and "sigmoid" in bench.message.value
    bench.controls["head"].value = "sigmoid"
    bench.controls["y_scale"].value = "minmax"
    assert bench.result.config.loss == "bce" and "loss = cross-entropy (sigmoid head)" in bench.message.value


def test_a_setting_shown_before_is_shown_again_without_drawing(lab):
    lab.controls["lr"].value = 0.007
    first = (lab.image.value, lab.message.value, lab.result)
    lab.controls["lr"].value = 0.015
    draws = []
    lab._canvas.png = lambda *a, **k: draws.append(1)  # any redraw would call it
    try:
        lab.controls["lr"].value = 0.007
    finally:
        del lab._canvas.png
    assert draws == [] and (lab.image.value, lab.message.value, lab.result) == first


def test_a_bug_in_an_explorer_is_raised_not_shown_as_a_bad_setting():
    """Only the package's checks of a setting become "could not run this setting"; a bug stays a bug."""
    import ipywidgets as w

    from approx_utils.explorer import Explorer

    controls = {"lr": w.FloatSlider(value=1e-2, min=1e-3, max=1e-1, description="learning rate")}

    def config(v):
        return dict(target="sine", x_scale="standardize", hidden=(4,), steps=10, n_train=16, lr=v["lr"])

    def broken(axes, exp, values):
        raise ValueError("a bug in a draw function")

    with pytest.raises(ValueError, match="a bug in a draw function"):
        Explorer(controls, config, broken, knobs={})
    lab = Explorer(controls, lambda v: {**config(v), "lr": -v["lr"]}, lambda axes, exp, values: None, knobs={})
    assert "could not run this setting" in lab.message.value and "lr must be" in lab.message.value


def _pixels(png: bytes):
    import io

    import PIL.Image
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("style", ["notebook", "lecture"])
@pytest.mark.parametrize("make, move", [(au.scaling_explorer, ("lr", 0.02)), (au.saturation_explorer, ("input_scale", 10.0)),
                                        (au.overshoot_explorer, ("beyond", 0.2))])
def test_a_redraw_over_a_kept_frame_is_the_full_drawing_pixel_for_pixel(style, make, move):
    """The frame (ticks, labels, legends beside the axes) is kept per limits and the rest drawn over it: the PNG must
    equal what a full draw of the same figure gives, after a move as well, and a redraw at the same limits must copy
    the frame, not draw it."""
    import io

    import matplotlib as mpl
    with au.set_style(style):
        explorer = make(n_train=64)
    explorer.controls[move[0]].value = move[1]
    canvas = explorer._canvas
    full = io.BytesIO()
    with mpl.rc_context(canvas.rc):
        explorer.figure.savefig(full, format="png")
    assert np.array_equal(_pixels(explorer.image.value), _pixels(full.getvalue()))
    drawn = canvas.frames_drawn
    with mpl.rc_context(canvas.rc):  # as the explorer draws (tick spacing follows the style's font sizes)
        again = canvas.png()  # the same limits: the frame is copied, and the pixels are still a full draw's
    assert canvas.frames_drawn == drawn and np.array_equal(_pixels(again), _pixels(full.getvalue()))


def test_a_figure_with_more_than_its_axes_is_drawn_whole_and_set_limits_are_kept():
    """A draw function's suptitle cannot be keyed in a frame: that figure is drawn whole (a suptitle of a moved
    setting is never stale); limits a draw function sets, and an inverted axis, are not widened."""
    from approx_utils.explorer import Explorer

    def draw(axes, exp, values):
        axes[0].plot(exp.x_grid, exp.y_grid_pred)
        axes[0].set_ylim(0.3, 0.9)
        axes[1].plot(exp.x_grid, exp.y_grid_pred)
        axes[1].yaxis.set_inverted(True)
        axes[0].figure.suptitle(f"lr {values['lr']}")

    lr = w.FloatSlider(value=0.01, min=0.001, max=0.1, description="lr")
    explorer = Explorer({"lr": lr}, lambda v: dict(target="sine", lr=v["lr"], steps=5, n_train=32), draw, knobs={})
    lr.value = 0.02
    assert explorer._canvas.frames_drawn == 0 and explorer.figure._suptitle.get_text() == "lr 0.02"
    assert explorer.axes[0].get_ylim() == (0.3, 0.9) and explorer.axes[1].yaxis_inverted()
