"""`train`: the one fast training loop every notebook and widget uses.

The whole run is one compiled `tf.function` around the step: the same math as `model.fit` (Keras'
own loss and optimizer) without Keras' per-epoch overhead, compiled whole by XLA (see below;
benchmarks/bench_training.py, figures in CONTRIBUTING.md). Steps, learning rate and seed are tensors, so
new values never re-trace; a model keeps its compiled loop (see `Trainer.for_model`). A NaN/inf loss
stops the run: it is reported as `diverged`, not raised.
"""
from __future__ import annotations

import contextlib
import logging
import signal
import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from ._checks import check_choice, check_int, check_model, check_pair
from ._quiet import muted_stderr
from .config import OPTIMIZERS, Config
from .losses import check_loss, loss_function
from .models import output_head

# The XLA path (`jit_compile=True`) is taken unless `xla=False`: measured faster a step for every size and
# batch (2026-11-29, 1->20->20->20->1 ELU, Adam, ms/step: 128 points 0.04 against 0.16 plain, 1000 0.15
# against 0.26-0.28; batches of 32 0.03 against 0.15), for ~0.3-0.4 s more compile once per model and data
# size (bench_training.py, CONTRIBUTING.md). XLA wants fixed shapes: its loss record is a buffer of `chunk`
# steps (a longer run is several calls of one compiled loop); a mini-batch is `batch_size` rows, the last of
# an epoch masked; the epoch orders come from the plain path's seeded shuffle, computed outside XLA.
CHUNK = 1000
# A call runs at most CHUNK steps, and about CALL_S seconds of them (measured on the run's previous call; the
# first call of a run takes FIRST_CALL steps): Ctrl-C lands between calls, so within about CALL_S on any model
# and data size. Calls of any length give the same weights (the loop state carries over exactly).
CALL_S = 0.2
FIRST_CALL = 100
_XLA_STARTED = []  # non-empty once a loop has run under XLA in this process
# A full batch of at least HALVES_MIN_POINTS points is computed as two halves (the loss and gradients of
# each, then summed): the halves are independent, so XLA and TensorFlow run them on two cores at once.
# Measured as above: at 256 points 0.056 ms/step against 0.073 whole, at 1000 0.15 against 0.25, at 2000
# 0.30 against 0.46; at 128 no gain. (On the plain loop: 0.26 against 0.28 at 1000 points.)
HALVES_MIN_POINTS = 256
LOG = logging.getLogger(__name__)
TRAINERS_KEPT = 16  # models whose compiled loops are kept (least recently used dropped first)


class _NoRetracingWarning(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning: every new model compiles its own
    loop once, by design (a model then reuses it), so a notebook that builds models in a loop would
    otherwise print it into the student's output."""

    def filter(self, record):
        return "triggered tf.function retracing" not in record.getMessage()


tf.get_logger().addFilter(_NoRetracingWarning())


@dataclass
class Run:
    """What a training run did: loss per step, whether (and where) it diverged, and how long it took."""

    loss: np.ndarray
    steps: int
    diverged: bool
    diverged_at: int | None
    seconds: float
    lr: float
    lr_decay: float = 1.0
    batch_size: int | None = None
    optimizer: str = "adam"
    loss_name: str = "mse"
    compile_seconds: float = 0.0  # of `seconds`: the first call of a loop new to this data's shape, which compiles it

    @property
    def steps_done(self) -> int:
        return int(self.loss.size)

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1]) if self.loss.size else float("nan")

    @classmethod
    def join(cls, runs: list[Run]) -> Run:
        """Consecutive runs (the chunks of one live-trained run) as one run."""
        last = runs[-1]
        return cls(loss=np.concatenate([r.loss for r in runs]), steps=sum(r.steps for r in runs),
                   diverged=last.diverged, diverged_at=last.diverged_at, seconds=sum(r.seconds for r in runs),
                   lr=last.lr, lr_decay=last.lr_decay, batch_size=last.batch_size, optimizer=last.optimizer,
                   loss_name=last.loss_name, compile_seconds=sum(r.compile_seconds for r in runs))

    def __repr__(self):
        state = f"diverged at step {self.diverged_at}" if self.diverged else f"final loss {self.final_loss:.4g}"
        return f"Run({self.steps_done}/{self.steps} steps, {state}, {self.seconds:.2f} s)"


def _as_column(values) -> tf.Tensor:
    return tf.constant(np.asarray(values, dtype=np.float32).reshape(-1, 1))


def check_schedule(steps, lr, lr_decay, batch_size, seed):
    """Validated (steps, lr, lr_decay, batch_size, seed) for a training run, by `Config`'s constraints."""
    c = Config(steps=steps, lr=lr, lr_decay=lr_decay, batch_size=batch_size, seed=seed)
    return c.steps, c.lr, c.lr_decay, c.batch_size, c.seed


class Trainer:
    """A model's compiled training loop and optimizer, built once and reused across runs.

    `run` continues from the current weights and optimizer state; `reset` zeroes the optimizer.
    Running 100 steps as 4 runs of 25 (with `start`/`total`) gives the same weights as one run
    of 100: that is what live training in the widgets relies on.
    """

    def __init__(self, model: keras.Model, optimizer: str = "adam", *, xla: bool = True, chunk: int = CHUNK):
        self.model = check_model(model)
        self.optimizer_name = check_choice(optimizer, "optimizer", OPTIMIZERS)
        self.optimizer = keras.optimizers.get({"class_name": optimizer, "config": {"learning_rate": 1e-3}})
        self.optimizer.build(model.trainable_variables)
        self.xla, self.chunk = bool(xla), check_int(chunk, "chunk", minimum=1)
        self._loops = {}
        self._compiled = set()  # (loop, data shape) pairs called once: their first call compiled them
        self.paths = set()  # the loops that have run: 'xla', 'plain' (both if XLA failed part-way)
        self.xla_error = None  # why XLA could not compile this model's loop, if it could not (then: plain)

    @classmethod
    def for_model(cls, model: keras.Model, optimizer: str = "adam", xla: bool = True) -> Trainer:
        """The model's trainer for `optimizer` (made on first use, then kept for the TRAINERS_KEPT most
        recently trained models: nothing is stored on the Keras model). To continue a run with
        `Trainer.run`, hold on to the trainer: a model evicted meanwhile gets a fresh optimizer."""
        key = (id(check_model(model)), optimizer, bool(xla))
        entry = _TRAINERS.pop(key, None)
        if entry is None or entry[0] is not model:
            entry = (model, cls(model, optimizer, xla=xla))
        _TRAINERS[key] = entry  # most recent last
        while len(_TRAINERS) > TRAINERS_KEPT:
            _TRAINERS.pop(next(iter(_TRAINERS)))
        return entry[1]

    def reset(self) -> None:
        """Zero the optimizer's state (step count, moments) so the next run starts fresh."""
        lr = self.optimizer.learning_rate
        for var in self.optimizer.variables:
            if var is not lr:
                var.assign(np.zeros(var.shape, dtype=var.dtype))

    def _loop(self, full_batch: bool, decaying: bool, loss: str, xla: bool, batch_size: int):
        """The compiled loop for these choices; an XLA mini-batch loop is also compiled per batch size."""
        key = (full_batch, decaying, loss, xla, batch_size if xla and not full_batch else None,
               full_batch and batch_size >= HALVES_MIN_POINTS)
        if key not in self._loops:
            self._loops[key] = self._compile(*key)
        return self._loops[key]

    def _compile(self, full_batch: bool, decaying: bool, loss: str, xla: bool, fixed_batch: int | None,
                 halves: bool):
        model, optimizer, per_sample = self.model, self.optimizer, loss_function(loss)
        weights = model.trainable_variables
        spec = tf.TensorSpec([None, 1], tf.float32)
        scalar_i, scalar_f = tf.TensorSpec([], tf.int32), tf.TensorSpec([], tf.float32)
        orders_spec = tf.TensorSpec([None, None], tf.int32)

        def value_and_grads(xb, yb, mask=None, n=None):
            """A batch's loss and its gradients: the mean over its rows (over the mask's rows, if given), or
            for one half of a batch of `n` rows, that half's share of the batch's mean."""
            with tf.GradientTape() as tape:
                per = per_sample(yb, model(xb, training=True))
                if n is not None:
                    value = tf.reduce_sum(per) / tf.cast(n, tf.float32)
                elif mask is None:
                    value = tf.reduce_mean(per)  # as compile(loss=...)
                else:
                    value = tf.reduce_sum(tf.where(mask, per, 0.0)) / tf.reduce_sum(tf.cast(mask, tf.float32))
            return value, tape.gradient(value, weights)

        @tf.function(input_signature=[spec, spec, orders_spec, scalar_i, scalar_i, scalar_i, scalar_i, scalar_f,
                                      scalar_f, scalar_i, scalar_i], jit_compile=xla)
        def loop(x, y, orders, first_epoch, start, steps, total, lr, lr_decay, batch_size, seed):
            n = tf.shape(x)[0]
            batches = (n + batch_size - 1) // batch_size
            if xla:  # at most `chunk` steps a call (see CHUNK)
                losses = tf.zeros([self.chunk], tf.float32)
            else:
                losses = tf.TensorArray(tf.float32, size=steps, element_shape=[])
            optimizer.learning_rate.assign(lr)
            i, finite = tf.constant(0), tf.constant(True)
            # One loop condition, no per-step tf.cond: a step with a non-finite loss ends the loop.
            while tf.logical_and(i < steps, finite):
                step = start + i
                if decaying:
                    optimizer.learning_rate.assign(lr * tf.pow(lr_decay, decay_fraction(step, total)))
                mask = None
                if full_batch:
                    xb, yb = x, y
                elif fixed_batch:  # XLA: batch_size rows from the epoch's order, the rest of an epoch masked
                    b = step % batches
                    at = b * fixed_batch + tf.range(fixed_batch)
                    mask = at < n
                    idx = tf.gather(tf.gather(orders, step // batches - first_epoch), tf.minimum(at, n - 1))
                    xb, yb = tf.gather(x, idx), tf.gather(y, idx)
                else:  # epoch e is shuffled by seed (seed, e), as model.fit reshuffles every epoch
                    idx = epoch_order(n, seed, step // batches)
                    b = step % batches
                    idx = idx[b * batch_size: tf.minimum((b + 1) * batch_size, n)]
                    xb, yb = tf.gather(x, idx), tf.gather(y, idx)
                if halves:  # the mean's two halves side by side, one per core (see HALVES_MIN_POINTS)
                    h = n // 2
                    first_half, grads = value_and_grads(xb[:h], yb[:h], n=n)
                    value, second = value_and_grads(xb[h:], yb[h:], n=n)
                    value += first_half
                    grads = [a + b for a, b in zip(grads, second)]
                else:
                    value, grads = value_and_grads(xb, yb, mask)
                optimizer.apply(grads, weights)
                if xla:
                    losses = tf.tensor_scatter_nd_update(losses, [[i]], [value])
                else:
                    losses = losses.write(i, value)
                finite = tf.math.is_finite(value)
                i += 1
            return losses[:i] if xla else losses.gather(tf.range(i))

        return loop

    def run(self, x, y, steps: int, *, lr: float = 1e-3, lr_decay: float = 1.0, batch_size=None,
            seed: int = 0, start: int = 0, total: int | None = None, loss: str = "mse") -> Run:
        """Train for `steps` more steps from the current state; see `train` for the arguments.

        start/total place these steps inside a longer run (for the lr schedule and the shuffling).
        """
        x, y = check_pair(x, y)
        steps, lr, lr_decay, batch_size, seed = check_schedule(steps, lr, lr_decay, batch_size, seed)
        loss = check_loss(loss, y, output_head(self.model))
        start = check_int(start, "start", minimum=0)
        total = start + steps if total is None else check_int(total, "total", minimum=start + steps)
        full = batch_size is None or batch_size >= x.size
        size = x.size if full else batch_size
        t0 = time.perf_counter()
        parts, compile_seconds = self._chunks(full, lr_decay != 1.0, loss, x, y, start, steps, total, lr, lr_decay,
                                              size, seed)
        values = np.concatenate(parts)
        diverged_at = start + values.size - 1 if values.size and not np.isfinite(values[-1]) else None
        if diverged_at is None and not self._finite_after(x, y, loss):
            diverged_at = start + steps  # the last step left weights whose loss overflows
        seconds = time.perf_counter() - t0
        return Run(loss=values.astype(np.float64), steps=steps, diverged=diverged_at is not None,
                   diverged_at=diverged_at, seconds=seconds, lr=lr,
                   lr_decay=lr_decay, batch_size=None if full else batch_size, optimizer=self.optimizer_name,
                   loss_name=loss, compile_seconds=compile_seconds)

    def _finite_after(self, x, y, loss: str) -> bool:
        """Whether the loss at the weights the run left is finite in float32, as the next step would compute it
        (one huge step, lr 1e9 say, leaves finite weights whose predictions overflow)."""
        per = loss_function(loss)(_as_column(y), self.model(_as_column(x), training=False))
        return bool(np.isfinite(keras.ops.convert_to_numpy(keras.ops.mean(per))))

    def _chunks(self, full, decaying, loss, x, y, start, steps, total, lr, lr_decay, size, seed):
        """Run `steps` steps of the compiled loop in calls (`call_in_chunks`): each call's losses, and the seconds
        of the call that compiled the loop for this data's shape (0 if none did)."""
        batches = -(-x.size // size)
        args = (_as_column(x), _as_column(y))
        rest = (tf.constant(total), tf.constant(lr, tf.float32), tf.constant(lr_decay, tf.float32),
                tf.constant(size), tf.constant(seed))
        parts = []

        def call(xla, begin, chunk):
            span = self.chunk // batches + 2 if xla and not full else 0  # epochs a call of `chunk` steps touches
            first = (start + begin) // batches
            orders = epoch_orders(x.size, seed, first, span) if span else _NO_ORDERS

            def run():
                loop = self._loop(full, decaying, loss, xla, size)
                parts.append(loop(*args, orders, tf.constant(first), tf.constant(start + begin), tf.constant(chunk),
                                  *rest).numpy())
                self.paths.add("xla" if xla else "plain")
                return parts[-1].size, (loop, x.size)  # XLA compiles once per loop and data shape
            return run

        compile_seconds = call_in_chunks(self, steps, call, self.chunk)
        return parts, compile_seconds


def call_in_chunks(owner, steps: int, call, chunk: int = CHUNK) -> float:
    """Run `steps` steps of a compiled loop as calls of at most `chunk` steps, about CALL_S seconds of them, so that
    Ctrl-C stops the run between calls (KeyboardInterrupt, held during a call by `InterruptBetweenCalls`); the
    one call-loop of `Trainer` and of a stack's engine.

    Args:
        owner: holds the compiled loops: `xla` (whether to try XLA), `xla_error` (why XLA could not compile them;
            set here) and `_compiled` (the loops called once; added to here).
        steps: steps to run.
        call: `call(xla, begin, steps)` prepares steps begin.. of this run (their inputs) and returns a function
            that runs them in one call of the XLA loop or the plain one and returns (the steps it ran, the compiled
            loop's key); fewer steps than asked (a non-finite loss) end the run. Only that call is timed and
            taken as XLA's to fail.
        chunk: the most steps a call runs.
    Returns the seconds of the calls that were a loop's first (its compile). If XLA cannot compile the loop (an
    op without an XLA kernel, say, in a custom layer), the call fails before any step: the plain loop takes the
    steps not yet run, from where the run is, and every later run (said in a debug log).
    """
    begin, per_call, compile_seconds = 0, FIRST_CALL, 0.0
    with InterruptBetweenCalls() as interrupt:
        while begin < steps:
            interrupt.check()
            xla = owner.xla and owner.xla_error is None
            size = min(chunk, steps - begin, per_call)  # on both paths: Ctrl-C lands between calls
            run = call(xla, begin, size)
            t0 = time.perf_counter()
            try:
                # XLA's first compile in a process announces itself on stderr (TensorFlow 2.16-2.19): muted.
                with muted_stderr() if xla and not _XLA_STARTED else contextlib.nullcontext():
                    done, key = run()
            except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError, tf.errors.InternalError) as err:
                if not xla:
                    raise
                owner.xla_error = (str(err).strip().splitlines() or [type(err).__name__])[0]
                LOG.debug("XLA could not compile the loop (%s); the plain loop runs it", owner.xla_error)
                continue
            seconds = time.perf_counter() - t0
            if xla and not _XLA_STARTED:
                _XLA_STARTED.append(True)
            if key not in owner._compiled:
                owner._compiled.add(key)
                compile_seconds += seconds
            per_call = steps_per_call(size, seconds)
            begin += size
            if done < size:  # a non-finite loss ended it
                break
    return compile_seconds


class InterruptBetweenCalls:
    """Ctrl-C raised between two calls of a compiled loop, never inside one: a KeyboardInterrupt in the middle
    of TensorFlow's own Python (a tf.function looking up its trace, say) can leave it broken for the next run
    (seen: a KeyError on the next call). While active it holds SIGINT, if Python's own handler is the one in
    place (a custom one, such as a live explorer's, or SIG_IGN, is left alone), and `check()` raises the
    KeyboardInterrupt after the call; a second Ctrl-C while one is held raises at once.
    """

    def __enter__(self):
        self.pending, self._previous = False, None
        try:
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                self._previous = signal.signal(signal.SIGINT, self._hold)
        except ValueError:  # not the main thread: signals are not ours to handle
            pass
        return self

    def _hold(self, signum, frame):
        if self.pending:
            raise KeyboardInterrupt
        self.pending = True

    def check(self) -> None:
        if self.pending:
            raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def decay_fraction(t, total):
    """How far step t is through a run of `total` steps, 0 at the first and 1 at the last: the learning rate
    at step t is lr * lr_decay ** fraction, so the last step's is lr * lr_decay (train's loop and sweep's)."""
    return tf.cast(t, tf.float32) / tf.cast(tf.maximum(total - 1, 1), tf.float32)


def steps_per_call(steps: int, seconds: float) -> int:
    """How many steps the next call should run to take about CALL_S, from a call of `steps` that took `seconds`."""
    return max(1, int(steps * CALL_S / max(seconds, 1e-6)))


_NO_ORDERS = tf.zeros([0, 0], tf.int32)
_TRAINERS: dict = {}  # (id(model), optimizer, xla) -> (model, its Trainer), most recently used last


def epoch_order(n, seed, epoch):
    """The order epoch `epoch` visits n points in: a shuffle seeded by (seed, epoch)."""
    return tf.random.experimental.stateless_shuffle(tf.range(n), seed=tf.stack([seed, epoch]))


@tf.function(input_signature=[tf.TensorSpec([], tf.int32)] * 4)
def _epoch_orders(n, seed, first, count):
    return tf.map_fn(lambda e: epoch_order(n, seed, e), tf.range(first, first + count),
                     fn_output_signature=tf.TensorSpec([None], tf.int32))


def epoch_orders(n: int, seed: int, first: int, count: int) -> tf.Tensor:
    """The orders of epochs first .. first+count-1 as rows, for the XLA mini-batch loop."""
    return _epoch_orders(tf.constant(n), tf.constant(seed), tf.constant(first), tf.constant(count))


def train(model, x, y, steps: int = 2000, batch_size=None, lr: float = 1e-3, seed: int = 0,
          optimizer: str = "adam", lr_decay: float = 1.0, loss: str = "mse", xla: bool = True) -> Run:
    """Train `model` on (x, y) for `steps` optimizer steps, from a fresh optimizer state.

    Args:
        model: a Keras model with one input and one output (see `build_mlp`), trained in place.
        x, y: 1-D arrays of inputs and targets, in the model's units.
        steps: optimizer steps.
        batch_size: None for full batch; 32 mimics `model.fit`'s default (reshuffled every epoch).
        lr: learning rate; lr_decay: it falls exponentially from `lr` at the first step to `lr * lr_decay` at the last.
        seed: fixes the shuffling; the starting weights are the model's own (see `build_mlp(seed=...)`).
        optimizer: a Keras optimizer name ('adam', 'sgd', 'rmsprop', 'adamw', 'nadam').
        loss: 'mse', 'mae', 'huber' or 'bce' (binary cross-entropy: targets in [0, 1] and a sigmoid or clip
            head), each Keras' own loss function, as `model.compile(loss=...)` uses it.
        xla: compile the loop with XLA (below); False runs the plain compiled loop.
    Returns the `Run`; a NaN/inf loss ends it early, reported as `diverged`, not raised (so is a last step
    that leaves a loss beyond float32). Ctrl-C stops it
    within one call (about CALL_S, at most CHUNK steps: KeyboardInterrupt), the model keeping the weights of the
    steps done.

    Both loops are the same algorithm, to float noise; a full batch of 256 points or more is computed as
    two halves, one per core. Where XLA cannot compile a model (a custom layer with an op it has no kernel
    for), the plain loop runs the steps left, then and from then on (`Trainer.for_model(model).xla_error`).

    >>> run = train(build_mlp(), x, y, steps=500)   # doctest: +SKIP
    >>> run.diverged, run.loss[-1]                  # doctest: +SKIP
    """
    trainer = Trainer.for_model(model, optimizer, xla)
    trainer.reset()
    return trainer.run(x, y, steps, lr=lr, lr_decay=lr_decay, batch_size=batch_size, seed=seed, loss=loss)
