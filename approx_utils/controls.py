"""The explorers' controls: sliders that send their value only on release, and how a setting is shown."""
from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

LOG_MANTISSAS = (1, 1.5, 2, 3, 5, 7)  # six steps a decade, and every round value the notebooks name


def log_grid(lo: float, hi: float) -> list[float]:
    """1, 1.5, 2, 3, 5, 7 times each power of ten from lo to hi, as the floats Python reads for those
    decimals: 0.05 is exactly 0.05 (a FloatLogSlider's exponent grid only comes near it, e.g. 0.0501)."""
    values = [float(f"{m}e{e}") for e in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1)
              for m in LOG_MANTISSAS]
    return [v for v in values if lo <= v <= hi]


def log_slider(description: str, value: float, lo: float, hi: float) -> w.SelectionSlider:
    """A slider over `log_grid(lo, hi)`: even steps on a log scale, landing on exact round values."""
    grid = log_grid(lo, hi)
    if value not in grid:
        raise ValueError(f"{description}: {value} is not on the slider's grid {grid}")
    return w.SelectionSlider(options=[(f"{v:g}", v) for v in grid], value=value, description=description,
                             continuous_update=False, style={"description_width": "initial"})


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1) -> w.IntSlider:
    return w.IntSlider(value=value, min=lo, max=hi, step=step, description=description,
                       continuous_update=False, style={"description_width": "initial"})


def float_slider(description: str, value: float, lo: float, hi: float, step: float) -> w.FloatSlider:
    return w.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                         continuous_update=False, style={"description_width": "initial"})


def dropdown(description: str, options, value) -> w.Dropdown:
    """A dropdown; no option may stand for None: a Dropdown whose value is None shows an empty box."""
    if any((opt[1] if isinstance(opt, tuple) else opt) is None for opt in options):
        raise ValueError(f"dropdown {description!r}: an option's value is None, which shows as no selection; "
                         "use a name such as 'raw' and map it in the explorer's config")
    return w.Dropdown(options=options, value=value, description=description, style={"description_width": "initial"})


def toggle(description: str, value: bool) -> w.Checkbox:
    return w.Checkbox(value=value, description=description, indent=False)


def _options(widget) -> list[tuple[str, object]]:
    return [opt if isinstance(opt, tuple) else (str(opt), opt) for opt in widget.options]


def shown_value(widget, value) -> str:
    """A control's value as the panel states it: a dropdown's label, on/off, a number to 4 significant digits."""
    if isinstance(widget, w.Dropdown):
        return next((label for label, v in _options(widget) if v == value), str(value))
    if isinstance(value, bool):
        return "on" if value else "off"
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def setting_text(controls: dict, values: dict) -> str:
    """A setting as `description = value` per control, joined by " · "."""
    return " · ".join(f"{widget.description} = {shown_value(widget, values[name])}" for name, widget in controls.items())


def setting_html(controls: dict, values: dict) -> str:
    """The setting a figure shows: what a reader (or a test) checks the figure against, since a slider
    may have moved again while it was drawn."""
    shown = html.escape(setting_text(controls, values), quote=False)
    return f"<div class='au-setting' style='color:#555'>showing: {shown}</div>"
