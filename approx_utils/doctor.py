"""`DoctorCallback`: `diagnose` as a Keras callback, for a plain `model.fit` a student writes.

Every `every` epochs it diagnoses the model on (x, y) and prints a short report when the set of
findings changes, so a collapse or a saturation shows up while training rather than after.
"""
from __future__ import annotations

import keras

from ._checks import as_1d_array, check_int, check_model, check_pair
from .diagnostics import diagnose


class DoctorCallback(keras.callbacks.Callback):
    """Diagnose the model every `every` epochs on (x, y), given in the model's own units.

    >>> model.fit(x, y, epochs=200, verbose=0, callbacks=[au.DoctorCallback(x, y, every=50)])  # doctest: +SKIP
    epoch 50: [collapse] predictions are nearly constant ...
    """

    def __init__(self, x, y, every: int = 50, x_beyond=None, printer=print):
        super().__init__()
        self.x, self.y = check_pair(x, y)
        self.x_beyond = None if x_beyond is None else as_1d_array(x_beyond, "x_beyond")
        self.every = check_int(every, "every", minimum=1)
        self.printer = printer
        self.skipped = None  # why this model cannot be diagnosed, if it cannot
        self.reports: list[tuple[int, list[str]]] = []  # (epoch, kinds) at every check of the latest fit

    def on_train_begin(self, logs=None):
        """A new fit starts a new record (Keras' convention): its first check reports again. A model it
        cannot diagnose (not one input column to one output) is said once; the fit goes on without it."""
        self.reports = []
        self.skipped = None
        try:
            check_model(self.model)
        except (TypeError, ValueError) as err:
            self.skipped = str(err)
            self.printer(f"DoctorCallback: cannot diagnose this model ({err}); training goes on without it")

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every or self.skipped:
            return
        found = diagnose(self.model, self.x, self.y, x_beyond=self.x_beyond)
        first = not self.reports
        changed = first or found.kinds != self.reports[-1][1]
        self.reports.append((epoch + 1, found.kinds))
        if changed:  # the first check always reports, later ones only when the findings change
            lines = [f"[{f.kind}] {f.message}\n    fix: {f.fix}" for f in found] or ["no problems found"]
            self.printer(f"epoch {epoch + 1}: " + "\n".join(lines))
