"""How fast a slider answers in a real browser: JupyterLab under Debian's Chromium, driven by Playwright.

For `scaling_explorer` and `workbench` at their notebook defaults, from the key press on a focused
slider handle to the page showing a new figure whose panel states the new setting:
- 10 moves of the learning rate to settings not seen before (each trains), one at a time;
- 10 moves back over them (each a cache hit: redraw only).
Prints the median and range of each, per explorer, and of the training inside each new move (as its panel
reports it). Last line: browser_move_p50_s=<x> browser_cached_p50_s=<y> move_over_training=<x / its training>
(the slower explorer's medians; targets 0.3 and 0.1 s; issue 23: 0.15 s and a ratio <= 2)
Run from the repository root: `make bench` (sets up Playwright and Chromium), or
`.venv/bin/python -m benchmarks.bench_browser`.
"""
from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from e2e.browser_lab import Lab, Notebook, chromium_or_exit_message, launch_chromium

EXPLORERS = ["scaling_explorer", "workbench"]
MOVES = 10
SLIDER = "learning rate"


def bench_notebook(root: Path) -> str:
    """A notebook of the explorers under test, written into the served copy (never into notebooks/)."""
    cells = ["import approx_utils as au"] + [f"au.{name}()" for name in EXPLORERS]
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": src}
                    for src in cells],
          "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (root / "bench_browser.ipynb").write_text(json.dumps(nb))
    return "bench_browser.ipynb"


TRAINING = re.compile(r"([\d.]+) s of training")  # what the panel reports of the run on show


def timed_moves(view, key: str, training: list | None = None) -> list[float]:
    """Seconds from each key press to the new figure; the training each move's panel reports goes to `training`."""
    times = []
    for _ in range(MOVES):
        old = view.src()
        t0 = time.perf_counter()
        view.press(SLIDER, key)
        view.wait_shown(SLIDER, old)
        times.append(time.perf_counter() - t0)
        found = TRAINING.search(view.message())
        if training is not None and found:
            training.append(float(found.group(1)))
    return times


def spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (range {min(times):.3f}-{max(times):.3f} s, n={len(times)})"


def main() -> None:
    missing = chromium_or_exit_message()
    if missing:
        sys.exit(missing)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as work:
        lab = Lab(Path(work), Path(work) / "jupyterlab.log")
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                notebook = Notebook(browser, lab, bench_notebook(lab.root))
                print(f"Run All (import, build {len(EXPLORERS)} explorers): {notebook.run_all():.1f} s")
                moves, cached, training = {}, {}, {}
                for name, view in zip(EXPLORERS, notebook.explorers()):
                    training[name] = []
                    moves[name] = timed_moves(view, "ArrowRight", training[name])  # each a setting not seen before
                    cached[name] = timed_moves(view, "ArrowLeft")   # back over them: cache hits
                    print(f"{name}: new setting {spread(moves[name])}; the training in it {spread(training[name])}")
                    print(f"{name}: cached setting {spread(cached[name])}")
                problems = notebook.problems()
                if problems:
                    sys.exit(f"the page showed problems: {problems}")
                browser.close()
        finally:
            lab.stop()
    worst = max(EXPLORERS, key=lambda name: statistics.median(moves[name]))
    worst_cached = max(EXPLORERS, key=lambda name: statistics.median(cached[name]))
    ratio = statistics.median(moves[worst]) / statistics.median(training[worst])
    print(f"browser_move_p50_s={statistics.median(moves[worst]):.3f} "
          f"browser_cached_p50_s={statistics.median(cached[worst_cached]):.3f} move_over_training={ratio:.2f}")


if __name__ == "__main__":
    main()
