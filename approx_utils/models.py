"""`build_mlp`: the small Keras MLPs the collection studies, with the init scale and output head as knobs.

`init` is the lesson's knob: a float is the std of `RandomNormal` (Keras' `'normal'` is 0.05, the
source answer's fix is 0.5); a name such as `'glorot_uniform'` or `'he_normal'` scales with fan-in.
"""
from __future__ import annotations

import numbers

import keras
import numpy as np

from ._checks import as_1d_array, check_choice, check_int, check_model, check_positive, check_range, check_seed

ACTIVATIONS = ("elu", "relu", "leaky_relu", "sigmoid", "tanh", "selu", "softplus", "gelu", "silu", "linear")
HEADS = ("linear", "sigmoid", "tanh", "clip")
INIT_NAMES = ("normal", "uniform", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
              "lecun_uniform", "lecun_normal")


@keras.saving.register_keras_serializable(package="approx_utils")
class Clip(keras.layers.Layer):
    """Clips its input to [lo, hi] inside the model.

    The gradient through a clipped value is zero, so a sample whose prediction is clipped
    teaches the layers below it nothing: that is the cost of clipping during training.
    """

    def __init__(self, lo: float = 0.0, hi: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.lo, self.hi = check_range((lo, hi), "clip_range")

    def call(self, inputs):
        return keras.ops.clip(inputs, self.lo, self.hi)

    def get_config(self):
        return {**super().get_config(), "lo": self.lo, "hi": self.hi}


def check_init(init):
    """A positive std or a known initializer name; returned unchanged."""
    if isinstance(init, bool):
        raise TypeError(f"init must be a std (float > 0) or an initializer name, got {init!r}")
    if isinstance(init, numbers.Real):
        return check_positive(init, "init")
    if isinstance(init, str):
        if init not in INIT_NAMES:  # other Keras initializers need arguments (constant) or scipy (stft)
            raise ValueError(f"unknown init {init!r}; give a std (float > 0) or one of {', '.join(INIT_NAMES)}")
        return init
    raise TypeError(f"init must be a std (float > 0) or an initializer name, got {type(init).__name__}")


def make_initializer(init, seed: int):
    """A seeded kernel initializer: RandomNormal(std) for a float, the named one otherwise.

    A seeded Keras initializer returns the same values on every call, which is what lets
    `reinitialize` reproduce `build_mlp`'s starting weights exactly.
    """
    if isinstance(init, str):
        base = keras.initializers.get(init)
        config = base.get_config()
        if "seed" in config:
            config["seed"] = seed
        return type(base).from_config(config)
    return keras.initializers.RandomNormal(mean=0.0, stddev=float(init), seed=seed)


def head_function(head: str, clip_range=(0.0, 1.0)):
    """What `build_mlp`'s output head computes from the last Dense layer's outputs, as a function: Keras'
    activation for 'linear', 'sigmoid' and 'tanh' (a sigmoid keeps its logits for cross-entropy), the `Clip`
    layer for 'clip'."""
    return Clip(*clip_range) if check_choice(head, "output_activation", HEADS) == "clip" else keras.activations.get(head)


def layer_seed(seed: int, index: int) -> int:
    # One initializer per layer, each with its own seed: a shared one gives every layer the same values.
    return seed * 1000 + index


# What a laptop can build and train: 100 layers already take ~15 s to compile; 10**7 weights are 40 MB a copy,
# and training holds four (weights, gradients, Adam's two moments) plus activations.
MAX_LAYERS = 100
MAX_WEIGHTS = 10**7


def check_hidden(hidden, name: str = "hidden") -> tuple:
    """Hidden widths as a tuple (an int is one layer), within what a laptop can build (MAX_LAYERS, MAX_WEIGHTS)."""
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        hidden = (hidden,)
    if not isinstance(hidden, (tuple, list)) or not hidden:
        raise TypeError(f"{name} must be a non-empty tuple of layer widths, got {hidden!r}")
    if len(hidden) > MAX_LAYERS:
        raise ValueError(f"{name} has {len(hidden)} layers; at most {MAX_LAYERS} (deeper nets take minutes to compile)")
    hidden = tuple(check_int(w, "hidden width", minimum=1) for w in hidden)
    weights = weight_count(hidden)
    if weights > MAX_WEIGHTS:
        raise ValueError(f"{name}={hidden!r} has {weights:,} weights, about {16 * weights / 1e9:.1f} GB to train "
                         f"(weights, gradients and Adam's two moments in float32); at most {MAX_WEIGHTS:,}: "
                         "narrower or fewer layers")
    return hidden


def weight_count(hidden: tuple) -> int:
    """The weights (kernels and biases) of a 1 -> hidden... -> 1 network."""
    widths = (1,) + tuple(hidden) + (1,)
    return sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))


def check_architecture(hidden, activation, output_activation, clip_range):
    """Validated (hidden, activation, head, clip_range): the key that identifies a model's shape."""
    hidden = check_hidden(hidden)
    check_choice(activation, "activation", ACTIVATIONS)
    head = "linear" if output_activation is None else output_activation
    check_choice(head, "output_activation", HEADS)
    return hidden, activation, head, check_range(clip_range, "clip_range")


def build_mlp(hidden=(20, 20, 20), activation: str = "elu", init=0.05, output_activation=None,
              seed: int = 0, clip_range=(0.0, 1.0)) -> keras.Sequential:
    """A 1 -> hidden... -> 1 Keras MLP.

    init: std of RandomNormal (float > 0) or an initializer name; biases start at zero.
    output_activation: None/'linear' (unbounded), 'sigmoid', 'tanh', or 'clip' to `clip_range`.

    >>> model = build_mlp(hidden=(20, 20), activation="elu", init=0.5, seed=1)
    >>> model.output_shape
    (None, 1)
    """
    hidden, activation, head, clip_range = check_architecture(hidden, activation, output_activation, clip_range)
    init, seed = check_init(init), check_seed(seed)
    layers = [keras.Input(shape=(1,))]
    for i, width in enumerate(hidden):
        layers.append(keras.layers.Dense(width, activation=activation,
                                         kernel_initializer=make_initializer(init, layer_seed(seed, i))))
    out_act = head if head in ("sigmoid", "tanh") else None
    layers.append(keras.layers.Dense(1, activation=out_act,
                                     kernel_initializer=make_initializer(init, layer_seed(seed, len(hidden)))))
    if head == "clip":
        layers.append(Clip(*clip_range))
    return keras.Sequential(layers)


def output_head(model) -> str:
    """The head of a model's output, one of HEADS: what a loss such as binary cross-entropy needs to know."""
    last = model.layers[-1]
    if isinstance(last, Clip):
        return "clip"
    name = getattr(getattr(last, "activation", None), "__name__", "linear")
    return name if name in HEADS else "linear"


def predict(model, x) -> np.ndarray:
    """The model's outputs for 1-D inputs x, as a float64 1-D array (one eager call, no `model.predict` overhead)."""
    check_model(model)
    column = as_1d_array(x, "x").astype(np.float32).reshape(-1, 1)
    return np.asarray(model(column), np.float64).ravel()


def dense_layers(model) -> list:
    """The model's Dense layers, input side first."""
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def reinitialize(model, init=0.05, seed: int = 0) -> None:
    """Reset a `build_mlp` model in place to the weights `build_mlp(..., init, seed)` starts from.

    Reusing a model keeps its compiled training loop: no re-tracing when only init or seed change.
    """
    check_model(model)
    init, seed = check_init(init), check_seed(seed)
    for i, layer in enumerate(dense_layers(model)):
        layer.kernel.assign(make_initializer(init, layer_seed(seed, i))(layer.kernel.shape))
        layer.bias.assign(np.zeros(layer.bias.shape, dtype="float32"))
