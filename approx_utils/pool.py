"""Models pooled by architecture, so a new init, seed or learning rate reuses a model and its compiled
training loop instead of tracing a new one.

A model is lent for the whole of a run (a live run holds it between chunks) and is never lent twice at
once: a second run of the same architecture meanwhile gets a model of its own. At most `size` idle
models are kept, the least recently used dropped first.
"""
from __future__ import annotations

import contextlib
from collections import OrderedDict

from .models import build_mlp, reinitialize


class ModelPool:
    """Idle `build_mlp` models by architecture, at most `size` of them."""

    def __init__(self, size: int = 8):
        self.size = size
        self._idle: OrderedDict = OrderedDict()  # (architecture, serial) -> model, most recently used last
        self._serial = 0

    @contextlib.contextmanager
    def borrow(self, config, fresh: bool = True):
        """A model of `config`'s architecture at `build_mlp`'s starting weights for (init, seed), lent until
        the `with` block ends (for a generator: until it finishes or is closed). `fresh=False` lends a pooled
        model at whatever weights it holds, for a caller that sets them before using it (no initializing twice)."""
        arch = (config.hidden, config.activation, config.output_activation, config.clip_range)
        key = next((k for k in reversed(self._idle) if k[0] == arch), None)
        if key is None:
            model = build_mlp(*arch[:2], config.init, arch[2], config.seed, arch[3])
        else:
            model = self._idle.pop(key)
            if fresh:
                reinitialize(model, config.init, config.seed)
        try:
            yield model
        finally:
            self._serial += 1
            self._idle[(arch, self._serial)] = model
            while len(self._idle) > self.size:
                self._idle.popitem(last=False)

    def __len__(self):
        return len(self._idle)


POOL = ModelPool()
