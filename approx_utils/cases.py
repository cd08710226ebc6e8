"""Named configurations shared by the notebooks and the explorers: the causes of a constant output and their fixes.

Each cause is a set of `run_experiment` arguments on top of `COLLAPSE_BASE` (a sine that a 3x20 ELU
net learns easily); each fix overrides a few of them. Notebook 02 measures them over seeds; the
collapse explorer lets a student pick one of each.
"""
COLLAPSE_BASE = dict(target="sine", x_scale="standardize", y_scale=None, init=0.05, activation="elu",
                     hidden=(20, 20, 20), lr=1e-3, steps=1500, n_train=256)

COLLAPSE_CAUSES = {
    "none (healthy)": dict(init="glorot_uniform", lr=1e-2),
    "saturation: x in [0, 1000] into sigmoids": dict(x_scale=0.1, activation="sigmoid", init="glorot_uniform",
                                                     lr=1e-2),
    "dead ReLUs: learning rate 0.3": dict(activation="relu", init="he_normal", lr=0.3),
    "init too small: 6 layers, std 0.001": dict(hidden=(20,) * 6, init=1e-3),
    "target scale: parabola's raw y": dict(target="parabola", x_scale=100),
    "learning rate too large: 1.0": dict(init="glorot_uniform", lr=1.0),
    "learning rate too small: 1e-5": dict(lr=1e-5),
}

COLLAPSE_FIXES = {
    "no fix": {},
    "standardize x": dict(x_scale="standardize"),
    "scale y to [0, 1]": dict(y_scale="minmax"),
    "standardize y": dict(y_scale="standardize"),
    "He init": dict(init="he_normal"),
    "init std 0.5": dict(init=0.5),
    "ELU units": dict(activation="elu"),
    "shallower: 1 layer": dict(hidden=(20,)),
    "learning rate 1e-2": dict(lr=1e-2),
    "learning rate 1e-3": dict(lr=1e-3),
}


def collapse_case(cause: str, fix: str = "no fix") -> dict:
    """The `run_experiment` arguments of a cause with a fix applied."""
    if cause not in COLLAPSE_CAUSES:
        raise ValueError(f"unknown cause {cause!r}; choose one of {', '.join(map(repr, COLLAPSE_CAUSES))}")
    if fix not in COLLAPSE_FIXES:
        raise ValueError(f"unknown fix {fix!r}; choose one of {', '.join(map(repr, COLLAPSE_FIXES))}")
    return {**COLLAPSE_BASE, **COLLAPSE_CAUSES[cause], **COLLAPSE_FIXES[fix]}
