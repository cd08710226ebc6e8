"""The two styles: the font sizes and line widths each produces, on plots and on explorers built under it."""
import base64

import matplotlib as mpl
import matplotlib.pyplot as plt
import pytest

import approx_utils as au

# What each style promises (points): tick labels, axis labels, titles, legend text, the network's line.
EXPECTED = {"notebook": dict(ticks=10, label=10, title=11, legend=10, line=2.0),
            "lecture": dict(ticks=15, label=18, title=18, legend=15, line=3.5)}


@pytest.fixture(scope="module")
def exp():
    return au.run_experiment("parabola", x_scale=100, y_scale="minmax", steps=50, n_train=64)


def sizes(ax) -> dict:
    network = next(line for line in ax.lines if line.get_label() == "network")
    return dict(ticks=ax.get_xticklabels()[0].get_fontsize(), label=ax.xaxis.label.get_fontsize(),
                title=ax.title.get_fontsize(), legend=ax.get_legend().get_texts()[0].get_fontsize(),
                line=network.get_linewidth())


@pytest.mark.parametrize("name", ["notebook", "lecture"])
def test_each_style_gives_its_font_sizes_and_line_widths(name, exp):
    with au.set_style(name):
        ax = au.plot_fit(exp)
        ax.figure.canvas.draw()
        assert sizes(ax) == EXPECTED[name]
        explorer = au.scaling_explorer(n_train=64)
    assert sizes(explorer.axes[0]) == EXPECTED[name]
    style = au.style.STYLES[name]
    assert tuple(explorer.figure.get_size_inches()) == style.explorer_figsize
    assert explorer.figure.dpi == style.explorer_dpi


def test_no_text_in_either_style_is_under_10_pt():
    for style in au.style.STYLES.values():
        assert min(v for k, v in style.rc.items() if k.endswith("size") and k != "lines.markersize") >= 10


def test_the_lecture_style_is_larger_everywhere():
    small, large = EXPECTED["notebook"], EXPECTED["lecture"]
    assert all(large[k] >= 1.5 * small[k] for k in small)
    assert au.style.STYLES["lecture"].explorer_figsize[0] * au.style.STYLES["lecture"].explorer_dpi >= 1280


def test_an_explorer_keeps_its_style_after_the_style_changes():
    with au.set_style("lecture"):
        explorer = au.scaling_explorer(n_train=64)
    assert au.style.current_style()[0] == "notebook" and mpl.rcParams["font.size"] == 10
    explorer.controls["lr"].value = 0.01  # a redraw under the notebook style
    assert sizes(explorer.axes[0]) == EXPECTED["lecture"]


def test_set_style_is_a_statement_and_a_context_manager():
    au.set_style("lecture")
    try:
        assert mpl.rcParams["font.size"] == 16 and au.style.current_style()[0] == "lecture"
        with au.set_style("notebook"):
            assert mpl.rcParams["lines.linewidth"] == 2.0
        assert mpl.rcParams["lines.linewidth"] == 3.5 and au.style.current_style()[0] == "lecture"
    finally:
        au.set_style("notebook")


def test_every_style_shares_the_colour_blind_safe_palette():
    for name in au.style.STYLES:
        with au.set_style(name):
            palette = au.style.PALETTE
            assert plt.rcParams["axes.prop_cycle"].by_key()["color"][:2] == [palette["blue"], palette["orange"]]
    assert set(au.plotting.COLORS.values()) - {"0.92"} <= set(au.style.PALETTE.values())


@pytest.mark.parametrize("bad, err", [("projector", ValueError), (None, TypeError)])
def test_an_unknown_style_names_the_choices(bad, err):
    with pytest.raises(err, match="'notebook', 'lecture'"):
        au.set_style(bad)


def test_an_explorer_carries_a_snapshot_for_readers_without_a_kernel():
    explorer = au.scaling_explorer(n_train=64)
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    # drawn in the lecture style (a deck is shown on a projector), at the lecture explorer's size
    snapshot = base64.b64decode(bundle["image/png"])
    assert snapshot != explorer.image.value and snapshot == explorer.snapshot()
    lecture = au.style.STYLES["lecture"]
    width, height = (round(v * lecture.explorer_dpi) for v in lecture.explorer_figsize)
    assert snapshot[16:24] == width.to_bytes(4, "big") + height.to_bytes(4, "big")  # the PNG header's size
    assert f"<img src='data:image/png;base64,{bundle['image/png']}'" in bundle["text/html"]
    assert "learning rate = 0.001" in bundle["text/html"] and "Run the notebook" in bundle["text/html"]
    assert bundle["text/plain"].startswith("Scaling and init") and len(bundle["text/plain"]) < 300


def test_the_lecture_style_sizes_the_controls_and_panel_and_folds_the_panel_to_its_verdict():
    with au.set_style("lecture"):
        explorer = au.scaling_explorer(n_train=64)
    assert {"au-explorer", "au-lecture"} <= set(explorer.widget._dom_classes)
    css = explorer.widget.children[0].value
    assert "--jp-widgets-font-size: 18px" in css and ".au-verdict" in css and "22px" in css
    panel = explorer.message.value
    # the score first, as the line that unfolds the setting shown and the other findings; the first finding below
    assert panel.startswith("<details class='au-verdict'><summary><b>R² = ")
    first = explorer.result.diagnosis[0]
    assert panel.index("au-setting'") < panel.index("</details>") < panel.index(f"<b>{first.kind}</b>")


def test_a_notebook_explorer_keeps_the_setting_line_first_and_jupyterlab_sizes():
    explorer = au.scaling_explorer(n_train=64)
    assert {"au-explorer", "au-notebook"} <= set(explorer.widget._dom_classes)
    assert explorer.message.value.startswith("<div class='au-setting'")


@pytest.mark.parametrize("name", ["notebook", "lecture"])
def test_the_figure_carries_the_verdict_on_one_line_within_it(name):
    with au.set_style(name):
        explorer = au.overshoot_explorer(n_train=64)
    exp, verdict = explorer.result, explorer._canvas.verdict
    assert verdict.get_text().startswith(f"R² = {exp.r2:.3f} · {exp.diagnosis[0].kind}: ")
    extent = verdict.get_window_extent(explorer.figure.canvas.get_renderer())
    assert extent.x0 >= 0 and extent.x1 <= explorer.figure.bbox.width and "\n" not in verdict.get_text()
    # the same share in the panel's finding and the figure's title
    share = f"{100 * exp.diagnosis[0].evidence['inside']['share']:.0f}%"
    assert f"out of range: {share} training" in explorer.axes[1].get_title() and f"{share} of the training" in \
        explorer.message.value
