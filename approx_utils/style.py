"""Two looks for every figure: 'notebook' for a laptop screen, 'lecture' for a projector seen from the back row.

`set_style(name)` sets matplotlib's rcParams for both (fonts, line widths, marker sizes and the one
colour-blind-safe palette all plots share) and the size explorers draw at; explorers built afterwards
keep the style they were built in. It also works as a context manager, restoring the previous style.
Importing the package changes no style: a notebook calls `set_style('notebook')` (or 'lecture') first.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
from cycler import cycler

from ._checks import check_choice

# Okabe & Ito's palette: told apart with every common colour-vision deficiency, and in greyscale by lightness.
PALETTE = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
           "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
CYCLE = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky_blue", "black", "yellow")]


@dataclass(frozen=True)
class Style:
    """matplotlib rcParams; the size (inches at dpi) and margins an explorer's figure is drawn with; the CSS that
    sizes its controls and panel ('' keeps JupyterLab's own sizes)."""
    rc: dict
    explorer_figsize: tuple
    explorer_dpi: int
    explorer_margins: dict
    widget_css: str = ""


def _widget_css(name: str, control_px: int, verdict_px: int, panel_px: int) -> str:
    """CSS scoped to an explorer built in style `name` (its `.au-explorer.au-<name>` box): ipywidgets reads its sizes
    from these variables, so labels, readouts, menus, buttons and row heights follow `control_px`; the R² line and
    the findings are `verdict_px`, the panel's other text `panel_px`."""
    box = f".au-explorer.au-{name}"
    return (f"{box} {{--jp-widgets-font-size: {control_px}px; --jp-widgets-inline-height: {round(control_px * 1.7)}px; "
            f"--jp-widgets-inline-width: {control_px * 15}px; --jp-widgets-slider-handle-size: {control_px}px; "
            f"font-size: {control_px}px}}\n"
            f"{box} .au-title, {box} .au-verdict, {box} .au-panel li {{font-size: {verdict_px}px; line-height: 1.3}}\n"
            f"{box} .au-panel, {box} .au-setting, {box} .au-setting-link {{font-size: {panel_px}px; line-height: 1.3}}")


def _rc(font: float, title: float, label: float, ticks: float, legend: float, line: float, marker: float,
        axes_line: float) -> dict:
    return {"font.size": font, "axes.titlesize": title, "axes.labelsize": label, "xtick.labelsize": ticks,
            "ytick.labelsize": ticks, "legend.fontsize": legend, "figure.titlesize": title,
            "lines.linewidth": line, "lines.markersize": marker, "axes.linewidth": axes_line,
            "xtick.major.width": axes_line, "ytick.major.width": axes_line,
            "axes.prop_cycle": cycler(color=CYCLE), "image.cmap": "cividis"}


STYLES = {
    # A laptop: the explorer is drawn at the ~850 px a notebook output gets at 1280x800, shown 1:1; no text
    # under 10 pt. A notebook's own figures are at most NOTEBOOK_WIDTH wide, so that they are shown 1:1 too.
    # Controls and panel at JupyterLab's own sizes.
    "notebook": Style(_rc(font=10, title=11, label=10, ticks=10, legend=10, line=2.0, marker=4.0, axes_line=0.8),
                      explorer_figsize=(9.4, 3.5), explorer_dpi=90,
                      explorer_margins=dict(left=0.08, right=0.98, bottom=0.15, top=0.82, wspace=0.8)),
    # A 1920x1080 projector: 1280x380 px explorers, text 20-26 px high on screen, lines 3.5 pt; controls 18 px
    # and the verdict 22 px. With its controls and panel, an explorer fits a 1280x720 screen.
    "lecture": Style(_rc(font=16, title=18, label=18, ticks=15, legend=15, line=3.5, marker=7.0, axes_line=1.5),
                     explorer_figsize=(12.8, 3.8), explorer_dpi=100,
                     explorer_margins=dict(left=0.07, right=0.985, bottom=0.2, top=0.78, wspace=0.85),
                     widget_css=_widget_css("lecture", control_px=18, verdict_px=22, panel_px=18)),
}
NOTEBOOK_WIDTH = 8.5  # inches at matplotlib's 100 dpi: 850 px, a notebook output's width at 1280x800
_current = {"name": None}  # None: matplotlib's own look (importing the package changes nothing)


class _Previous:
    """What `set_style` replaced; leaving a `with` block puts it back."""

    def __init__(self, name: str, rc: dict):
        self.name, self._rc = name, rc

    def __enter__(self):
        return self

    def __repr__(self) -> str:  # what a notebook cell ending in set_style(...) prints
        was = "matplotlib's default" if self.name is None else repr(self.name)
        return f"figures now in the {_current['name']!r} style (was {was})"

    def __exit__(self, *exc) -> None:
        mpl.rcParams.update(self._rc)
        _current["name"] = self.name


def set_style(name: str = "notebook") -> _Previous:
    """Make every figure drawn from now on (plots and explorers built afterwards) follow style `name`.

    name: 'notebook' (default, a laptop screen) or 'lecture' (a projector: larger fonts, thicker lines).
    Use it as a statement, or as `with au.set_style("lecture"): ...` to restore the previous style after.
    """
    check_choice(name, "style name", tuple(STYLES))
    previous = _Previous(_current["name"], {key: mpl.rcParams[key] for key in STYLES[name].rc})
    mpl.rcParams.update(STYLES[name].rc)
    _current["name"] = name
    return previous


def current_style() -> tuple[str, Style]:
    """The style in effect: (name, Style); the explorers draw in the 'notebook' style until one is set."""
    name = _current["name"] or "notebook"
    return name, STYLES[name]


def line_width(scale: float = 1.0) -> float:
    """The style's line width times `scale` (thin guides are a fraction of the main line)."""
    return mpl.rcParams["lines.linewidth"] * scale


def small_font() -> float:
    """A secondary label's size (points): a sixth under the style's text, never under the 10 pt floor."""
    return max(10.0, round(mpl.rcParams["font.size"] * 0.83, 1))


def marker_area(scale: float = 1.0) -> float:
    """A scatter marker's area (points²) from the style's marker size."""
    return (mpl.rcParams["lines.markersize"] * scale) ** 2
