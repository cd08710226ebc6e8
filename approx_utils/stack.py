"""`train_stack`: K networks of one `build_mlp` architecture trained at once, as one compiled run.

The K networks' weights are stacked along a leading axis (a kernel is [K, fan_in, fan_out], a bias
[K, 1, fan_out]) and every step is one batched forward and backward pass. What a network computes is
what it computes alone: the forward pass is `build_mlp`'s (Keras' activations, heads and clip), the loss
is Keras' own function (`losses`), and the update is Keras' own optimizer, given each network's learning
rate as a [K, 1, 1] tensor (every Keras optimizer's update is elementwise, so each network's slice steps
as alone). Full batch or mini-batches (each network shuffled by its own seed, as `train` does), on the
XLA path (the plain compiled loop if XLA cannot compile it, said in a debug log).

A network whose loss turns NaN/inf takes that step, as `train` does, and is frozen from then on; it is
reported as diverged. The loop is called at most CHUNK steps (about CALL_S seconds) at a time, so Ctrl-C
stops a stack between calls (KeyboardInterrupt). A stack of one is `train` to float noise, and so is each
network of a stack (tests/test_stack.py): the order of the sums in a batched matmul can differ (a stack of one
multiplies as `train` does, bit for bit).
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf

from ._checks import check_int, check_pair
from .config import Config
from .losses import check_loss, loss_function
from .models import head_function, layer_seed, make_initializer, weight_count
from .training import CHUNK, HALVES_MIN_POINTS, Run, call_in_chunks, decay_fraction, epoch_orders

# What networks must share to train in one stack (besides the number of training points).
STACK_SHARED = ("hidden", "activation", "output_activation", "clip_range", "loss", "optimizer", "batch_size", "steps")
INITIAL_KEPT, INITIAL_KEPT_WEIGHTS = 64, 100_000  # starting weights kept, of networks up to this size (26 MB in all)
ENGINES_KEPT = 32  # compiled stacks kept (least recently used dropped first): one per shape and stack size


def stack_key(config: Config, n: int) -> tuple:
    """What configurations must share to train in one stack (and one compiled engine): the architecture, loss,
    optimizer, batch regime and the number of training points (the steps are a tensor of the loop)."""
    full = config.batch_size is None or config.batch_size >= n
    return tuple(getattr(config, k) for k in STACK_SHARED[:-2]) + (None if full else config.batch_size, n)


def initial_weights(config: Config) -> list[np.ndarray]:
    """The weights `build_mlp(..., init, seed)` starts from (kernels seeded per layer, biases zero), in
    `model.get_weights()` order; read-only arrays, kept for the last INITIAL_KEPT (hidden, init, seed) of networks
    up to INITIAL_KEPT_WEIGHTS weights: an explorer's move that changes neither init nor seed starts from the same
    ones."""
    initial = _initial if weight_count(config.hidden) <= INITIAL_KEPT_WEIGHTS else _initial.__wrapped__
    return list(initial(config.hidden, config.init, config.seed))


@functools.lru_cache(maxsize=INITIAL_KEPT)
def _initial(hidden: tuple, init: float, seed: int) -> tuple:
    widths = (1,) + hidden + (1,)
    weights = []
    for i, shape in enumerate(zip(widths[:-1], widths[1:])):
        weights.append(np.asarray(make_initializer(init, layer_seed(seed, i))(shape), np.float32))
        weights.append(np.zeros(shape[1], np.float32))
    for w in weights:
        w.setflags(write=False)
    return tuple(weights)


@dataclass
class Stacked:
    """What a stack's `train` gives for one network: its `Run` and its weights after it
    (`model.get_weights()` order). The run's `seconds` and `compile_seconds` are the whole stack's: summed over
    its networks they would count the stack K times."""

    run: Run
    weights: list


class Stack:
    """One network per configuration, trained at once; each from `build_mlp`'s starting weights.

    `train` continues from where the last call left every network (weights, optimizer state, which diverged):
    100 steps as 4 calls of 25 (with `start`/`total`) give the weights of one call of 100, as `Trainer.run` does.
    Stacks of one shape share a compiled engine: each keeps its own state and puts it back when it trains. A
    call stopped by Ctrl-C (or an error) leaves the stack where its last finished call left it.

    Args:
        configs: `Config`s that share `stack_key` (architecture, loss, optimizer, batch regime, steps); each
            has its own init, seed (weights and shuffling), learning rate and decay.
        xs, ys: each network's training inputs and targets (1-D, in the model's units), all of one length.
    """

    def __init__(self, configs: list[Config], xs: list, ys: list):
        if not isinstance(configs, (list, tuple)) or not configs:
            raise ValueError("a stack needs a non-empty list of configurations")
        for c in configs:
            if not isinstance(c, Config):
                raise TypeError(f"each configuration of a stack must be a Config, got {type(c).__name__}")
        if len(xs) != len(configs) or len(ys) != len(configs):
            raise ValueError(f"a stack needs one x and one y per configuration: {len(configs)} configurations, "
                             f"{len(xs)} x, {len(ys)} y")
        pairs = [check_pair(x, y, f"xs[{i}]", f"ys[{i}]") for i, (x, y) in enumerate(zip(xs, ys))]
        xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
        for c, y in zip(configs, ys):
            check_loss(c.loss, y, c.output_activation)
        n = int(np.size(xs[0]))
        keys = {stack_key(c, np.size(x)) + (c.steps,) for c, x in zip(configs, xs)}
        if len(keys) > 1:
            raise ValueError(f"a stack trains networks that share {', '.join(STACK_SHARED)} and the number of "
                             f"points; these configurations give {len(keys)} different ones")
        self.configs, self.key = list(configs), keys.pop()[:-1]
        self.x = tf.constant(np.stack([np.asarray(v, np.float32).reshape(n, 1) for v in xs]))
        self.y = tf.constant(np.stack([np.asarray(v, np.float32).reshape(n, 1) for v in ys]))
        self.lr = tf.constant([c.lr for c in configs], tf.float32)
        self.decay = tf.constant([c.lr_decay for c in configs], tf.float32)
        self.seeds = [c.seed for c in configs]
        self.state = None  # (weights, optimizer variables, alive) after the last call; None: fresh
        self.diverged_at = np.full(len(configs), -1)  # the step each network diverged at (-1: not)

    def train(self, steps: int | None = None, start: int = 0, total: int | None = None) -> list[Stacked]:
        """Train every network `steps` more steps (default: the configurations' budget), as steps start..
        of a run of `total` (for the decay and the shuffling). Returns one `Stacked` per configuration."""
        steps = self.configs[0].steps if steps is None else check_int(steps, "steps", minimum=1)
        start = check_int(start, "start", minimum=0)
        total = start + steps if total is None else check_int(total, "total", minimum=start + steps)
        engine = _engine(self.key, len(self.configs))
        t0 = time.perf_counter()
        losses, diverged_at, compile_seconds = engine.run(self, steps, start, total)
        seconds = time.perf_counter() - t0
        trained = self.state[0]
        out = []
        for k, c in enumerate(self.configs):
            gone = diverged_at[k] >= 0
            end = min(diverged_at[k] - start + 1, steps) if gone else steps
            run = Run(loss=losses[:max(end, 0), k].astype(np.float64), steps=steps, diverged=bool(gone),
                      diverged_at=int(diverged_at[k]) if gone else None, seconds=seconds, lr=c.lr,
                      lr_decay=c.lr_decay, batch_size=engine.batch, optimizer=c.optimizer, loss_name=c.loss,
                      compile_seconds=compile_seconds)
            out.append(Stacked(run, [w[k].reshape(s) for w, s in zip(trained, engine.shapes)]))
        return out


def train_stack(configs: list[Config], xs: list, ys: list) -> list[Stacked]:
    """Train one network per configuration at once for their budget (see `Stack`): one `Stacked` each."""
    return Stack(configs, xs, ys).train()


_ENGINES: dict = {}  # stack_key + (K,) -> _Engine, most recently used last


def _engine(key: tuple, k: int) -> _Engine:
    entry = _ENGINES.pop(key + (k,), None) or _Engine(key, k)
    _ENGINES[key + (k,)] = entry
    while len(_ENGINES) > ENGINES_KEPT:
        _ENGINES.pop(next(iter(_ENGINES)))
    return entry


class _Engine:
    """The stacked variables, the optimizer over them and the compiled loop, for one shape and stack size."""

    def __init__(self, key: tuple, k: int):
        hidden, activation, head, clip_range, loss, optimizer, batch, n = key
        self.k, self.n, self.batch = k, n, batch
        widths = (1,) + hidden + (1,)
        self.shapes = [s for a, b in zip(widths[:-1], widths[1:]) for s in ((a, b), (b,))]
        self.vars = [tf.Variable(tf.zeros([k, *s] if len(s) == 2 else [k, 1, *s]), trainable=True)
                     for s in self.shapes]
        self.lr = tf.Variable(tf.zeros([k, 1, 1]))  # each network's rate this step, as the optimizer reads it
        default = keras.optimizers.get(optimizer)  # Keras' defaults, as `train` uses them; the rate per network
        # Keras 3.2 calls a callable rate with the step count, later versions with nothing: take either.
        self.optimizer = type(default)(**{**default.get_config(), "learning_rate": lambda *_: self.lr})
        self.optimizer.build(self.vars)
        self.activation, self.head = keras.activations.get(activation), head_function(head, clip_range)
        self.per_sample = loss_function(loss)
        self.xla, self.xla_error = True, None  # as a Trainer's (see `call_in_chunks`)
        self.owner = None  # the stack whose state the variables hold
        self._loops = {}
        self._compiled = set()

    def _forward(self, h):
        """The networks' outputs [K, rows, 1] for inputs [K, rows, 1], or a stack of one's [rows, 1] for [rows, 1]."""
        layers, one = len(self.vars) // 2, len(h.shape) == 2
        for i in range(layers):
            kernel, bias = self.vars[2 * i], self.vars[2 * i + 1]
            h = tf.matmul(h, kernel[0]) + bias[0] if one else tf.matmul(h, kernel) + bias
            h = self.activation(h) if i < layers - 1 else self.head(h)  # a sigmoid keeps its logits for bce
        return h

    def _per_sample(self, x, y):
        """Each network's loss per sample, [K, rows]; a stack of one's as 1-D [rows], computed on 2-D tensors as
        the model alone computes it (a batched matmul sums in another order, and XLA can vectorize an
        elementwise op of another shape differently), so that it is `train`'s, bit for bit."""
        if self.k == 1:
            return self.per_sample(y[0], self._forward(x[0]))
        return self.per_sample(y, self._forward(x))

    def losses_at(self, x, y) -> np.ndarray:
        """Each network's loss (mean over its points) at the current weights."""
        per = self._per_sample(x, y)
        return tf.reshape(tf.reduce_mean(per, axis=len(per.shape) - 1), [self.k]).numpy()

    def _loop(self, xla: bool):
        if xla not in self._loops:
            self._loops[xla] = self._compile(xla)
        return self._loops[xla]

    def _compile(self, xla: bool):
        k, n, fixed, chunk = self.k, self.n, self.batch, CHUNK
        optimizer, variables = self.optimizer, self.vars
        batches = 1 if fixed is None else -(-n // fixed)
        halves = fixed is None and n >= HALVES_MIN_POINTS

        def value_and_grads(xb, yb, alive, mask=None, n=None):
            """Each network's loss on a batch and the gradients of their sum over the networks still training: the
            mean over its rows (over the mask's rows, if given), or for one half of `n` rows, that half's share."""
            with tf.GradientTape() as tape:
                per = self._per_sample(xb, yb)
                rows = len(per.shape) - 1  # the axis of the rows
                if n is not None:
                    value = tf.reduce_sum(per, axis=rows) / tf.cast(n, tf.float32)
                elif mask is None:
                    value = tf.reduce_mean(per, axis=rows)
                else:
                    value = tf.reduce_sum(tf.where(mask, per, 0.0), axis=rows) / tf.reduce_sum(tf.cast(mask, tf.float32))
                value = tf.reshape(value, [k])
                total_loss = tf.reduce_sum(tf.where(alive, value, 0.0))
            return value, tape.gradient(total_loss, variables)

        @tf.function(jit_compile=xla)
        def loop(x, y, orders, first_epoch, start, steps, total, lr, decay, alive):
            losses = tf.fill([chunk, k], np.float32(np.nan))
            i = tf.constant(0)
            while tf.logical_and(i < steps, tf.reduce_any(alive)):
                step = start + i
                self.lr.assign(tf.reshape(lr * tf.pow(decay, decay_fraction(step, total)), [k, 1, 1]))
                if fixed is None:
                    xb, yb, mask = x, y, None
                else:  # `fixed` rows of each network's epoch order, the rest of an epoch masked (as `train`)
                    at = (step % batches) * fixed + tf.range(fixed)
                    mask = at < n
                    order = tf.gather(orders, step // batches - first_epoch, axis=1)  # [k, n]
                    idx = tf.gather(order, tf.minimum(at, n - 1), axis=1)
                    xb, yb = tf.gather(x, idx, batch_dims=1), tf.gather(y, idx, batch_dims=1)
                if halves:  # the mean's two halves side by side, one per core, as `train` computes them
                    h = n // 2
                    first_half, grads = value_and_grads(xb[:, :h], yb[:, :h], alive, n=n)
                    value, second = value_and_grads(xb[:, h:], yb[:, h:], alive, n=n)
                    value += first_half
                    grads = [a + b for a, b in zip(grads, second)]
                else:
                    value, grads = value_and_grads(xb, yb, alive, mask)
                if k == 1:  # one network: a non-finite loss ends the loop, nothing to freeze
                    optimizer.apply(grads, variables)
                else:
                    before = [v.read_value() for v in variables]
                    optimizer.apply(grads, variables)
                    for v, old in zip(variables, before):  # a network frozen before this step keeps its weights
                        v.assign(tf.where(tf.reshape(alive, [k, 1, 1]), v, old))
                losses = tf.tensor_scatter_nd_update(losses, [[i]], [tf.where(alive, value, np.float32(np.nan))])
                alive = tf.logical_and(alive, tf.math.is_finite(value))
                i += 1
            return losses, alive, i

        return loop

    def run(self, stack: Stack, steps: int, start: int, total: int):
        """Train `stack`'s networks `steps` steps from where its last call left them (or fresh), as steps
        start.. of `total`: each network's loss per step [steps, K] (NaN once diverged), the step it diverged at
        (-1: never; the step after the last if the weights it left give a loss that overflows), and the seconds
        of the call that compiled the loop (0 if it was compiled before). Leaves the state in `stack.state`."""
        k = self.k
        if self.owner is not stack or stack.state is None:
            self._load(stack)
        alive = tf.constant(stack.state[2])
        record = np.full((steps, k), np.nan, np.float32)
        try:
            alive, compile_seconds = self._calls(stack, record, alive, steps, start, total)
        except BaseException:
            self.owner = None  # the variables hold part of this call: the stack's next call reloads its state
            raise
        finite = np.isfinite(record)
        was_alive = np.asarray(stack.state[2])
        diverged_at = np.where(~was_alive, stack.diverged_at, -1)
        fresh = was_alive & ~finite.all(axis=0)
        diverged_at = np.where(fresh, start + np.argmin(finite, axis=0), diverged_at)
        overflow = was_alive & ~fresh & ~np.isfinite(self.losses_at(stack.x, stack.y))
        diverged_at = np.where(overflow, start + steps, diverged_at)
        self._save(stack, alive.numpy() & ~overflow, diverged_at)
        return record, diverged_at, compile_seconds

    def _calls(self, stack: Stack, record: np.ndarray, alive, steps: int, start: int, total: int):
        """Run the compiled loop in calls (`call_in_chunks`), each call's losses going into `record`. Returns which
        networks are alive, and the compile's seconds."""
        k, n = self.k, self.n
        batches = 1 if self.batch is None else -(-n // self.batch)
        span = CHUNK // batches + 2 if self.batch is not None else 0  # epochs a call of CHUNK steps touches
        tail = (tf.constant(total), stack.lr, stack.decay)

        def call(xla, begin, chunk):
            first = (start + begin) // batches
            orders = (tf.stack([epoch_orders(n, s, first, span) for s in stack.seeds]) if span
                      else tf.zeros([k, 0, 0], tf.int32))

            def run():
                nonlocal alive
                loop = self._loop(xla)
                losses, alive, done = loop(stack.x, stack.y, orders, tf.constant(first), tf.constant(start + begin),
                                           tf.constant(chunk), *tail, alive)
                done = int(done)
                record[begin:begin + done] = losses.numpy()[:done]
                return done, loop  # fewer steps than asked: every network diverged
            return run

        compile_seconds = call_in_chunks(self, steps, call)
        return alive, compile_seconds

    def _load(self, stack: Stack) -> None:
        """Put `stack`'s state in the variables: its last call's, or `build_mlp`'s starting weights and a fresh
        optimizer."""
        if stack.state is None:
            start = [initial_weights(c) for c in stack.configs]
            weights = [np.stack(w) for w in zip(*start)]
            moments = [np.zeros(v.shape, v.dtype) for v in self.optimizer.variables]
            stack.state = (weights, moments, np.ones(self.k, bool))
        weights, moments, _ = stack.state
        for v, w in zip(self.vars, weights):
            v.assign(w.reshape(v.shape))
        for v, m in zip(self.optimizer.variables, moments):
            v.assign(m)
        self.owner = stack

    def _save(self, stack: Stack, alive, diverged_at) -> None:
        stack.state = ([v.numpy() for v in self.vars], [v.numpy() for v in self.optimizer.variables], alive)
        stack.diverged_at = diverged_at
