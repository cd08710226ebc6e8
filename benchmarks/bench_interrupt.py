"""How soon Ctrl-C stops a long run: `train` on the XLA path and the plain loop, and `sweep`.

A child process starts each run at the largest step count allowed (`MAX_STEPS`); once it has run for a
moment, this process sends it SIGINT, as a terminal's Ctrl-C or a kernel's Interrupt does, and times
how long the child takes to report that it stopped (a KeyboardInterrupt between two calls of the loop).
Last line: interrupt_max_s=<x>   (the target: under 1 s on every path)
Run from the repository root: `.venv/bin/python -m benchmarks.bench_interrupt`.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

PHASES = ("train, XLA", "train, plain loop", "sweep of 8")
RUN_S = 1.5  # how long a run goes before Ctrl-C


def child() -> None:
    """Run each phase until interrupted; print 'ready <i>' when it starts, 'stopped <i> <steps done>' after."""
    import keras
    import numpy as np

    import approx_utils as au

    signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even when started in the background
    x = np.linspace(-1.0, 1.0, 1000)
    y = x**2
    steps = au.config.MAX_STEPS
    for i, phase in enumerate(PHASES):
        model = au.build_mlp()
        trainer = au.training.Trainer(model, xla="XLA" in phase)
        configs = [dict(seed=s, target="sine", x_scale="standardize") for s in range(8)]
        if "train" in phase:  # compiled before Ctrl-C can come
            trainer.run(x, y, 10)
        else:
            au.sweep(configs, steps=10)
        print("ready", i, flush=True)
        try:
            if "train" in phase:
                trainer.run(x, y, steps)
            else:
                au.sweep(configs, steps=steps, diagnose_each=False)
            print("finished", i, flush=True)
        except KeyboardInterrupt:
            done = int(keras.ops.convert_to_numpy(trainer.optimizer.iterations)) if "train" in phase else -1
            finite = all(np.all(np.isfinite(w)) for w in model.get_weights())
            print("stopped", i, done, finite, flush=True)


def measure() -> list[dict]:
    """Each phase: whether Ctrl-C stopped it part-way, the steps done (train), and seconds from SIGINT to the stop."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_interrupt", "--child"], stdout=subprocess.PIPE,
                            text=True, env=env)
    results = []
    try:
        for line in proc.stdout:
            words = line.split()
            if words[:1] == ["ready"]:
                time.sleep(RUN_S)
                sent = time.perf_counter()
                proc.send_signal(signal.SIGINT)
            elif words[:1] in (["stopped"], ["finished"]):
                results.append(dict(phase=PHASES[int(words[1])], stopped=words[0] == "stopped",
                                    steps=int(words[2]) if len(words) > 2 else None,
                                    weights_finite=len(words) > 3 and words[3] == "True",
                                    seconds=time.perf_counter() - sent))
    finally:
        proc.wait(timeout=60)
    return results


def main() -> None:
    results = measure()
    for r in results:
        steps = f" after {r['steps']:,} steps" if r["steps"] and r["steps"] > 0 else ""
        print(f"{r['phase']}: {'stopped' + steps if r['stopped'] else 'ran to its end'}, "
              f"{r['seconds']:.3f} s after Ctrl-C")
    print(f"interrupt_max_s={max(r['seconds'] for r in results):.3f}")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
