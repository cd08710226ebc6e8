"""Quiet TensorFlow and pick Keras' backend before either is imported anywhere in the package; check their versions."""
import contextlib
import importlib.metadata
import os
import platform
import sys

from . import _versions

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

FIRST_WITH_MAX_ISA = (2, 19)  # XLA_FLAGS=--xla_cpu_max_isa: TF 2.18 aborts on it as an unknown flag


def _same_arithmetic_on_every_x86() -> None:
    """Cap XLA's CPU code at AVX2, so that an AVX-512 machine runs the compiled training loop with the
    same instructions, in the same float order, as an AVX2 one: the numbers the notebooks print (and
    nbval checks) then do not depend on which of the two a student or CI has. Left alone where the
    user set the flag, off x86, and on TensorFlow versions that do not know it."""
    if platform.machine().lower() not in ("x86_64", "amd64") or "xla_cpu_max_isa" in os.environ.get("XLA_FLAGS", ""):
        return
    for name in ("tensorflow", "tensorflow-cpu", "tensorflow-intel"):
        try:
            version = _versions._parse(importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            continue
        if version >= FIRST_WITH_MAX_ISA:
            os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " --xla_cpu_max_isa=AVX2").strip()
        return


_same_arithmetic_on_every_x86()


@contextlib.contextmanager
def muted_stderr():
    """Mute the process's stderr (file descriptor 2) while TensorFlow's C++ side prints INFO lines that
    TF_CPP_MIN_LOG_LEVEL cannot hide, as long as that variable asks to hide them (>= 1).

    Two such moments: importing TensorFlow 2.21 on CPUs where it turns its oneDNN ops on ("oneDNN custom
    operations are on ..." is printed before its logging reads the variable), and the first XLA compile
    of a process on TensorFlow 2.16-2.19 ("XLA service ... initialized", "Compiled cluster using XLA!",
    from a logger the variable does not reach). Python errors raised meanwhile are unaffected: they are
    raised, not written to stderr.
    """
    if os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0") in ("", "0"):
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (some embedded interpreters)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _import_tensorflow_quietly() -> None:
    if "tensorflow" not in sys.modules:
        with muted_stderr():
            import tensorflow  # noqa: F401


try:
    _import_tensorflow_quietly()
except ModuleNotFoundError as error:
    if error.name != "tensorflow":
        raise
    raise _versions.missing_tensorflow() from None

import keras  # noqa: E402
import tensorflow  # noqa: E402

_versions.check(tensorflow.__version__, keras.__version__)
