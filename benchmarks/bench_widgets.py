"""How fast a slider answers: from setting a control's value to the redrawn figure, headless.

The scaling-and-init explorer (the source question's lab) at its default size: the first move
after the explorer is built, then the median over distinct further moves (no cache hits), and of the
training inside each move (the run's own seconds): a move's cost beyond it is the experiment's scoring and
diagnosis, and the redraw. The explorer draws the axes' frame (ticks, labels) only when its limits change.
Then the seed slider moved through 1..9 on one setting (similar curves: the axes' frame is mostly kept).
Last line: slider_p50_s=<x> first_move_s=<y> training_p50_s=<t> move_over_training=<x/t> (a ratio of the two
medians) frames_drawn=<n>/<moves>
(targets on the 2-core machine: x <= 0.08, y <= 3, x/t <= 2)
Run from the repository root: `.venv/bin/python -m benchmarks.bench_widgets`.
"""
from __future__ import annotations

import statistics
import time

import approx_utils as au
from approx_utils.controls import setting_text

MOVES = [("init", 0.1), ("lr", 3e-3), ("y_scale", "minmax"), ("init", 0.3), ("lr", 1e-2), ("target", "indicator"),
         ("init", 1.0), ("scale_x", False), ("lr", 3e-4), ("target", "relu_shift"), ("init", 0.02),
         ("y_scale", "raw")]


def move(explorer, name, value) -> float:
    t0 = time.perf_counter()
    explorer.controls[name].value = value  # runs the callback synchronously without a browser
    return time.perf_counter() - t0


def main() -> None:
    t0 = time.perf_counter()
    lab = au.scaling_explorer()
    print(f"built the explorer (first run, tracing included) in {time.perf_counter() - t0:.2f} s")
    first = move(lab, "init", 0.5)
    print(f"first move: init -> 0.5 in {first:.3f} s")
    times, training, frames = [], [], lab._canvas.frames_drawn
    for name, value in MOVES:
        runs = lab.runs
        times.append(move(lab, name, value))
        assert lab.runs == runs + 1, "each move must be a new setting"
        training.append(lab.result.run.seconds)
        print(f"move {name} -> {value}: {times[-1]:.3f} s, of which training {training[-1]:.3f} s "
              f"(R² {lab.result.r2:.3f})")
    frames = lab._canvas.frames_drawn - frames
    before = lab._canvas.frames_drawn
    seeds = [move(lab, "seed", seed) for seed in range(1, 10)]  # one setting, other seeds: similar curves
    print(f"seed moves 1..9 on the last setting ({setting_text(lab.controls, lab.values)}): median "
          f"{statistics.median(seeds):.3f} s, {lab._canvas.frames_drawn - before} of 9 drew their frame")
    p50, t50 = statistics.median(times), statistics.median(training)
    print(f"slider_p50_s={p50:.3f} first_move_s={first:.3f} training_p50_s={t50:.3f} move_over_training={p50 / t50:.2f} "
          f"frames_drawn={frames}/{len(MOVES)}")


if __name__ == "__main__":
    main()
