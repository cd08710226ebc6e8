"""Quiet TensorFlow and pick Keras' backend before either is imported anywhere in the package; check their versions."""
import os
import sys

from . import _versions

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with the process's stderr (file descriptor 2) muted.

    On CPUs where TensorFlow 2.21 turns its oneDNN ops on (seen on an AMD EPYC), importing it prints an
    INFO notice ("oneDNN custom operations are on ...") before its logging reads TF_CPP_MIN_LOG_LEVEL,
    so the variable cannot hide it. Muted only while the log level asks to hide INFO lines (>= 1);
    Python errors raised by the import are unaffected (they are not written to stderr here).
    """
    if "tensorflow" in sys.modules or os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") in ("", "0"):
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (some embedded interpreters)
        import tensorflow  # noqa: F401
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


try:
    _import_tensorflow_quietly()
except ModuleNotFoundError as error:
    if error.name != "tensorflow":
        raise
    raise _versions.missing_tensorflow() from None

import keras  # noqa: E402
import tensorflow  # noqa: E402

_versions.check(tensorflow.__version__, keras.__version__)
