"""How long each notebook takes to run top to bottom, and how much of it is training.

Each notebook (notebooks/ and notebooks/solutions/) is executed in a fresh kernel, as `Run All` does; its wall
time includes the kernel's start. A first cell added to the run (not to the file) times every call of the two
training loops (`Trainer.run`, which `train` uses, and `Stack.train`, which `run_experiment`, `over_seeds`, the
ledgers and `sweep` use), so the share of the notebook spent training (compiling the loops included) is measured,
not guessed; "calls" counts calls of those two (a sweep is one, every run of a table one, a run trained in chunks
one per chunk). That cell imports the package (TensorFlow): the notebook's
own import cell then takes no time, and the slowest cell is named, from nbclient's timestamps, among the rest.
Then 03's claims ledger, as its cell lists it: its configurations at 1000 steps trained as one stack (`sweep`),
against one of them alone, in this process, and what bounds the stack: its arithmetic (multiply-adds of the
forward and backward passes) at the rate this machine multiplies large float32 matrices.
Last line: notebook_max_s=<x> stack<K>_over_one=<y>   (targets on the 2-core machine: x <= 10, y <= 3 at K=54)
Run from the repository root: `.venv/bin/python -m benchmarks.bench_notebooks [name ...]`.
"""
from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MARK = "BENCH_TRAINING "
TIMERS = """
import json as _json, time as _time
import approx_utils.stack as _stack
import approx_utils.training as _training
_spent = {"seconds": 0.0, "calls": 0}
def _timed(f):
    def timed(*args, **kwargs):
        t0 = _time.perf_counter()
        try:
            return f(*args, **kwargs)
        finally:
            _spent["seconds"] += _time.perf_counter() - t0
            _spent["calls"] += 1
    return timed
_training.Trainer.run = _timed(_training.Trainer.run)
_stack.Stack.train = _timed(_stack.Stack.train)
"""
REPORT = f"print({MARK!r} + _json.dumps(_spent))"


def _cell(source: str):
    return nbformat.v4.new_code_cell(source)


def run(path: Path) -> dict:
    """Execute one notebook with the training timers; its wall time, training time and slowest cell."""
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [_cell(TIMERS)] + notebook.cells + [_cell(REPORT)]
    client = NotebookClient(notebook, timeout=900, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - t0
    report = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    spent = json.loads(report.split(MARK, 1)[1])
    slowest = max(notebook.cells[1:-1], key=_seconds, default=None)
    return {"name": path.name, "wall": wall, "training": spent["seconds"], "calls": spent["calls"],
            "slowest": (_seconds(slowest), slowest.source.splitlines()[0][:60] if slowest.source else "")}


def _seconds(cell) -> float:
    timing = cell.get("metadata", {}).get("execution", {})
    if "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
        return 0.0
    start, end = (datetime.datetime.fromisoformat(timing[k].replace("Z", "+00:00"))
                  for k in ("iopub.execute_input", "shell.execute_reply"))
    return (end - start).total_seconds()


def ledger_configs() -> list[dict]:
    """03's claims-ledger configurations (its rows x seeds 0-2), read from the notebook's own cell."""
    import approx_utils as au

    cell = next(c for c in nbformat.read(NOTEBOOKS / "03_scaling_and_init.ipynb", as_version=4).cells
                if c.cell_type == "code" and "claims_ledger(" in c.source)
    scope = {"au": au}
    exec(cell.source.split("ledger = ")[0], scope)  # the rows and claims, not the run
    return [{"init": 0.05, **row, "seed": seed} for row in scope["rows"].values() for seed in (0, 1, 2)]


def stack_over_one() -> tuple[int, float, float]:
    """03's ledger configurations at 1000 steps as one `sweep`, and the first of them alone (each after a warm-up
    of its own stack size, so that neither pays the compile)."""
    import approx_utils as au

    configs = ledger_configs()
    timings = []
    for stack in (configs, configs[:1]):
        au.sweep(stack, steps=10, diagnose_each=False)  # compiles the loop for this stack size
        t0 = time.perf_counter()
        result = au.sweep(stack, steps=1000, diagnose_each=False)
        timings.append((time.perf_counter() - t0, result.seconds))
    (all_s, all_train), (one_s, one_train) = timings
    print(f"03's ledger, {len(configs)} configurations at 1000 steps: one stack {all_s:.2f} s (training {all_train:.2f} s); "
          f"one alone {one_s:.2f} s (training {one_train:.2f} s)")
    config = au.Config(**{k: v for k, v in configs[0].items() if k in au.Config.__dataclass_fields__},
                       **au.config.SWEEP_BUDGET)
    widths = (1,) + config.hidden + (1,)
    flops = 3 * 2 * config.n_train * sum(a * b for a, b in zip(widths[:-1], widths[1:])) * 1000  # fwd + 2x bwd
    rate = matmul_rate()
    print(f"arithmetic: {flops / 1e9:.2f} GFLOP a network for 1000 steps; the stack ran at "
          f"{len(configs) * flops / all_train / 1e9:.1f} GFLOP/s, one alone at {flops / one_train / 1e9:.1f}; a large "
          f"float32 matmul here runs at {rate / 1e9:.1f} GFLOP/s, so {len(configs)} networks need at least "
          f"{len(configs) * flops / rate:.2f} s ({len(configs) * flops / rate / one_s:.1f}x one alone)")
    return len(configs), all_s, one_s


def matmul_rate(size: int = 2048, repeats: int = 10) -> float:
    """FLOP/s of a large float32 matrix product on this machine (both cores): the most the stack's matmuls can do."""
    import tensorflow as tf

    a = tf.random.normal([size, size])
    tf.matmul(a, a).numpy()
    t0 = time.perf_counter()
    for _ in range(repeats):
        tf.matmul(a, a).numpy()
    return 2 * size ** 3 * repeats / (time.perf_counter() - t0)


def main(names: list[str]) -> None:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    paths = sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((NOTEBOOKS / "solutions").glob("*.ipynb"))
    paths = [p for p in paths if not names or p.stem in names or p.name in names]
    walls = []
    for path in paths:
        r = run(path)
        walls.append(r["wall"])
        share = 100 * r["training"] / r["wall"]
        print(f"{r['name']:42s} {r['wall']:5.1f} s, training {r['training']:5.1f} s ({share:3.0f}%, {r['calls']} calls); "
              f"slowest cell {r['slowest'][0]:.1f} s: {r['slowest'][1]}", flush=True)
    k, stack, one = stack_over_one()
    print(f"notebook_max_s={max(walls):.1f} stack{k}_over_one={stack / one:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
