"""The TensorFlow and Keras this package needs, checked once on import, with what to do when they are not there.

TensorFlow is an extra (`approx_utils[tf]`), so that an environment's own TensorFlow (the full wheel or
tensorflow-cpu) is kept: importing without any TensorFlow, or with one older than the tested floor,
raises an ImportError that says how to get one, instead of a failure deep inside Keras.
"""
import re

MIN_TENSORFLOW = (2, 16, 1)  # the first TensorFlow with Keras 3; `make test-oldest` runs it
MIN_KERAS = (3, 2)           # Keras 3.0/3.1: the same seed does not give the same numbers (13 tests fail)
HOW = ("pip install 'approx_utils[tf]' (adds tensorflow-cpu on Linux x86_64, tensorflow elsewhere), "
       "or keep your environment's own tensorflow / tensorflow-cpu >= 2.16.1")


def _parse(version: str) -> tuple:
    """(2, 16, 1) from '2.16.1', '2.16.1rc0' or '3.2.0.dev1': the leading numbers."""
    return tuple(int(n) for n in re.match(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?", version).groups() if n is not None)


def missing_tensorflow() -> ImportError:
    """The error to raise when TensorFlow is not installed."""
    return ImportError(f"approx_utils needs TensorFlow, and none is installed here: {HOW}.")


def check(tf_version: str, keras_version: str) -> None:
    """Raise ImportError naming the package, the version found and the floor, if either is too old."""
    if _parse(tf_version) < MIN_TENSORFLOW:
        raise ImportError(f"approx_utils needs TensorFlow >= 2.16.1, found {tf_version} "
                          f"(Keras 3 needs 2.16 or newer): {HOW}.")
    if _parse(keras_version) < MIN_KERAS:
        raise ImportError(f"approx_utils needs Keras >= 3.2, found {keras_version}: pip install 'keras>=3.2'.")
