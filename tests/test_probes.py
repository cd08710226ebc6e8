"""Every public function, driven with a table of bad values for each parameter: each must answer with a
`ValueError` or `TypeError` whose message names the parameter, raised by the package's own checks (never
from inside TensorFlow, numpy or a trait), before anything trains or allocates."""
import math

import numpy as np
import pytest

import approx_utils as au

NAN, INF = math.nan, math.inf
X = np.linspace(0.0, 1.0, 16)
# Bad values for each setting of `Config`, which run_experiment, iterate_experiment, over_seeds, sweep and the
# ledgers all check through.
SETTINGS = {
    "target": ["parabol", 3, None, ["parabola"]],
    "x_scale": [-1, 0, NAN, "max", [100], True],
    "y_scale": [-2.5, INF, "min-max", (0, 1)],
    "init": [-0.5, 0, NAN, "zeros", True, [0.5]],
    "activation": ["relu6x", 1, None],
    "hidden": [(), (0,), (-3,), (2.5,), "20", (4,) * 101, (100000, 100000)],
    "steps": [0, -1, 1.5, 10**9, "100", NAN, True],
    "lr": [0, -1e-3, NAN, INF, "0.1", None],
    "batch_size": [0, -32, 2.5, "32"],
    "seed": [-1, 2**31, 1.5, "0", NAN],
    "n_train": [1, 0, 10**9, "10"],
    "output_activation": ["softmax", 1],
    "clip_range": [(1, 0), (0,), "01", (0, NAN)],
    "post_clip": [(1, 0), 5, (0, INF)],
    "lr_decay": [0, 1.5, -0.1, NAN, "0.1"],
    "optimizer": ["adamx", 1],
    "loss": ["mse2", 1, None],
    "n_grid": [1, "x", 10**9],
    "beyond": [-0.1, NAN, INF, "x"],
}
PER_CONFIG = set(au.sweeps.PER_CONFIG)
SHARED = {"hidden", "activation", "steps", "n_train", "n_grid", "output_activation", "loss"}


def _cases():
    for name, values in SETTINGS.items():
        for v in values:
            yield f"Config({name}={v!r})", (lambda n=name, v=v: au.Config(**{n: v})), name
            yield f"run_experiment({name}=...)", (lambda n=name, v=v: au.run_experiment(**{n: v})), name
            yield f"iterate_experiment({name}=...)", (lambda n=name, v=v: au.iterate_experiment(**{n: v})), name
            yield f"over_seeds(row {name}=...)", (lambda n=name, v=v: au.over_seeds({"a": {n: v}})), name
            if name in PER_CONFIG:
                yield f"sweep([{{{name}: ...}}])", (lambda n=name, v=v: au.sweep([{n: v}])), name
            if name in SHARED:
                yield f"sweep(..., {name}=...)", (lambda n=name, v=v: au.sweep([{}], **{n: v})), name
    model = au.build_mlp(hidden=(4,))
    arch = {"hidden": SETTINGS["hidden"], "activation": SETTINGS["activation"], "init": SETTINGS["init"],
            "output_activation": SETTINGS["output_activation"], "seed": SETTINGS["seed"],
            "clip_range": SETTINGS["clip_range"]}
    for name, values in arch.items():
        for v in values:
            yield f"build_mlp({name}=...)", (lambda n=name, v=v: au.build_mlp(**{n: v})), name
    for name in ("steps", "batch_size", "lr", "seed", "optimizer", "lr_decay", "loss"):
        for v in SETTINGS[name]:
            yield f"train({name}=...)", (lambda n=name, v=v: au.train(model, X, X, **{n: v})), name
    arrays = [None, "abc", [1.0, NAN], [1.0, INF], np.ones((4, 2)), [], [1e39, 0.0], [object()]]
    for v in arrays:
        yield "train(x=...)", (lambda v=v: au.train(model, v, X)), "x"
        yield "r2(y_true=...)", (lambda v=v: au.r2(v, X)), "y_true"
        yield "r2(y_pred=...)", (lambda v=v: au.r2(X, v)), "y_pred"
        yield "diagnose(y=...)", (lambda v=v: au.diagnose(model, X, v)), "y"
        yield "layer_states(x=...)", (lambda v=v: au.layer_states(model, v)), "x"
        yield "gradient_norms(x=...)", (lambda v=v: au.gradient_norms(model, v, X)), "x"
        yield "predict(x=...)", (lambda v=v: au.predict(model, v)), "x"
        yield "overshoot(pred=...)", (lambda v=v: au.overshoot(v, 0.0, 1.0)), "pred"
        yield "DoctorCallback(x=...)", (lambda v=v: au.DoctorCallback(v, X)), "x"
    for v in [None, "model", 3, object()]:
        for fn in ("saturation", "dead_units", "layer_states", "plot_activations"):
            yield f"{fn}(model=...)", (lambda f=fn, v=v: getattr(au, f)(v, X)), "model"
        yield "diagnose(model=...)", (lambda v=v: au.diagnose(v, X, X)), "model"
        yield "train(model=...)", (lambda v=v: au.train(v, X, X)), "model"
        yield "reinitialize(model=...)", (lambda v=v: au.reinitialize(v)), "model"
    for name, v in [("lo", NAN), ("hi", "1"), ("tol", -0.1), ("tol", NAN), ("lo", 2.0)]:
        yield f"overshoot({name}={v!r})", (lambda n=name, v=v: au.overshoot(X, **{"lo": 0.0, "hi": 1.0, n: v})), \
            "tol" if name == "tol" else "lo"
    for v in ["bogus", 3, None]:
        yield "get_target(name=...)", (lambda v=v: au.get_target(v)), "target"
        yield "gradient_norms(loss=...)", (lambda v=v: au.gradient_norms(model, X, X, loss=v)), "loss"
        if v is not None:  # None: the run's loss, or 'mse'
            yield "diagnose(loss=...)", (lambda v=v: au.diagnose(model, X, X, loss=v)), "loss"
        yield "set_style(name=...)", (lambda v=v: au.set_style(v)), "style name"
    for v in ["notarun", 3]:
        yield "diagnose(run=...)", (lambda v=v: au.diagnose(model, X, X, run=v)), "run"
        yield "plot_loss(run=...)", (lambda v=v: au.plot_loss(v)), "run"
        yield "plot_fit(exp=...)", (lambda v=v: au.plot_fit(v)), "exp"
        yield "plot_seeds(row=...)", (lambda v=v: au.plot_seeds(v)), "row"
    for v in [{"bogus": 1}, "lr"]:
        yield "diagnose(setup=...)", (lambda v=v: au.diagnose(model, X, X, setup=v)), "setup"
    for v in [0, -5, 2.5, "50"]:
        yield "DoctorCallback(every=...)", (lambda v=v: au.DoctorCallback(X, X, every=v)), "every"
        yield "iterate_experiment(every=...)", (lambda v=v: au.iterate_experiment(every=v)), "every"
        yield "plot_activations(bins=...)", (lambda v=v: au.plot_activations(model, X, bins=v)), "bins"
    for v in [[], "lr", [{"bogus": 1}], [3]]:
        yield "sweep(configs=...)", (lambda v=v: au.sweep(v)), "config"
    for v in ["parabola", [], 3]:
        yield "grid_configs(target=...)", (lambda v=v: au.grid_configs(target=v)), "target"
    yield "grid_configs(bogus=...)", (lambda: au.grid_configs(bogus=[1])), "bogus"
    for v in [{}, ["a"], {"a": 100}, "rows"]:
        yield "over_seeds(rows=...)", (lambda v=v: au.over_seeds(v)), "row"
    for v in [5, [], "012", [1.5]]:
        yield "over_seeds(seeds=...)", (lambda v=v: au.over_seeds({"a": {}}, seeds=v)), "seed"
    for v in ["x/100", [], 3]:
        yield "Claim(rows=...)", (lambda v=v: au.Claim("c", v)), "rows"
    yield "Claim(expect=...)", (lambda: au.Claim("c", ("a",), expect="maybe")), "expect"
    yield "claims_ledger(claims=...)", (lambda: au.claims_ledger([au.Claim("c", ("b",))], {"a": {}})), "b"
    for v in [NAN, "0.9", None]:
        yield "fit_verdict(r2=...)", (lambda v=v: au.fit_verdict(v)), "r2"
    for name, v in [("lo", "a"), ("hi", NAN), ("lo", 2.0)]:
        yield f"MinMax({name}=...)", (lambda n=name, v=v: au.MinMax(**{n: v})), "MinMax"
    for v in ["max", -1, [1], object()]:
        yield "get_scaler(spec=...)", (lambda v=v: au.get_scaler(v)), "scale"
    for name, v in [("target", "bogus"), ("n_train", 1), ("n_train", "x"), ("steps", 0), ("steps", 10**9)]:
        for fn in ("scaling_explorer", "saturation_explorer", "overshoot_explorer", "collapse_explorer", "workbench"):
            params = fn_params(fn)
            if name in params:
                yield f"{fn}({name}=...)", (lambda f=fn, n=name, v=v: getattr(au, f)(**{n: v})), name
    for v in ["06", 1, None, "01_saturation"]:
        yield "check_yourself(notebook=...)", (lambda v=v: au.check_yourself(v)), "notebook"
    yield "check_yourself(answers=...)", (lambda: au.check_yourself("01", answers="yes")), "answers"
    for name, v, word in [("x", [0, NAN, 1], "x"), ("y", [0, 1], "same length"), ("x", "abc", "x"),
                          ("x", [1, 1, 1], "x"), ("name", "sine", "name"), ("held_out", 1.5, "held_out")]:
        kw = {"x": [0, 1, 2, 3], "y": [0, 1, 0, 1], name: v}
        yield f"Target.from_samples({name}=...)", (lambda kw=kw: au.Target.from_samples(**kw)), word
    for name, v, word in [("fn", 3, "fn"), ("domain", (1, 0), "domain"), ("domain", "0-1", "domain"),
                          ("name", "", "name"), ("fn", np.log, "fn")]:
        kw = {"fn": np.sin, "domain": (-1, 1), name: v}
        yield f"Target.from_function({name}=...)", (lambda kw=kw: au.Target.from_function(**kw)), word
    for name, v in [("cause", "bogus"), ("fix", "bogus"), ("cause", 3)]:
        yield f"collapse_case({name}=...)", (lambda n=name, v=v: au.collapse_case(**{"cause": au.COLLAPSE_CAUSES
                                                                                     and next(iter(au.COLLAPSE_CAUSES)),
                                                                                     n: v})), name


def fn_params(fn):
    import inspect
    return inspect.signature(getattr(au, fn)).parameters


CASES = list(_cases())


@pytest.mark.parametrize("label, call, word", CASES, ids=[f"{i}:{c[0]}" for i, c in enumerate(CASES)])
def test_a_bad_value_is_a_clear_error_naming_the_parameter(label, call, word):
    with pytest.raises((ValueError, TypeError)) as err:
        call()
    tb = err.traceback
    assert "approx_utils" in str(tb[-1].path), f"{label} raised from outside the package's checks: {tb[-1].path}"
    assert word.lower() in str(err.value).lower(), f"{label}: {err.value!r} does not name {word!r}"


def test_the_table_drives_every_public_function():
    driven = {label.split("(")[0] for label, _, _ in CASES}
    exempt = {"TARGETS", "KINDS", "COLLAPSE_CAUSES", "COLLAPSE_FIXES", "Target", "Standardize", "Ledger", "exercises",
              "sample_gradient_norms", "plot_fit", "plot_loss"}  # constants, modules, no arguments, or covered below
    missing = set(au.__all__) - driven - exempt
    assert not missing, f"public names the probe table does not drive: {sorted(missing)}"
