"""How long a 48-configuration phase diagram takes: 8 init stds x 6 learning rates, 1000 full-batch steps.

The parabola with x/100 and raw y (the source question's hard case), 3x20 ELU nets, 256 training
points each (the notebooks' sweep size), trained at once by `au.sweep`, then scored and diagnosed.
Last line: sweep48_s=<x>     (target on the 2-core machine: x <= 20)
Run from the repository root: `.venv/bin/python -m benchmarks.bench_sweep`.
"""
from __future__ import annotations

import time

import approx_utils as au

INITS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2]


def main() -> None:
    configs = [{**c, "target": "parabola", "x_scale": 100} for c in au.grid_configs(init=INITS, lr=LRS)]
    au.sweep(configs[:2], steps=5)  # warm-up: trace the stacked loop once
    t0 = time.perf_counter()
    res = au.sweep(configs, steps=1000)
    total = time.perf_counter() - t0
    fits = sum(r["r2"] >= 0.9 for r in res)
    print(f"{len(res)} configurations x 1000 steps: training {res.seconds:.1f} s, with scoring and diagnosis "
          f"{total:.1f} s; {fits} of {len(res)} fit (R² >= 0.9)")
    print(f"sweep48_s={total:.1f}")


if __name__ == "__main__":
    main()
