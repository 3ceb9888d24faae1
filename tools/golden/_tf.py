"""The TensorFlow runner: keras (TF backend), tf_keras and tf.nn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._common import (
    Case,
    Runner,
    _get_arg,
    _is_float,
    _replace_arg,
    _resolve_path,
    _same,
)


class TFRunner(Runner):
    """keras (TF backend), tf_keras and tf.nn, with tf.GradientTape gradients."""

    def __init__(self, family: str) -> None:
        import tensorflow as tf

        self.family = family
        self.tf = tf
        self.roots: dict[str, Any] = {"tf": tf}
        if family == "keras":
            import keras

            if keras.backend.backend() != "tensorflow":
                raise RuntimeError("KERAS_BACKEND must be tensorflow")
            self.roots["keras"] = keras
        elif family == "tf_keras":
            import tf_keras

            self.roots["tf_keras"] = tf_keras

    def versions(self) -> dict[str, str]:
        v = {"tensorflow": self.tf.__version__, "numpy": np.__version__}
        if self.family == "keras":
            v = {"keras": self.roots["keras"].__version__, **v}
        if self.family == "tf_keras":
            v = {"tf_keras": self.roots["tf_keras"].__version__, **v}
        return v

    def resolve(self, impl: str) -> Any:
        root, rest = impl.split(".", 1)
        return _resolve_path(self.roots[root], rest)

    def call(
        self, target: Callable[..., Any], case: Case
    ) -> tuple[np.ndarray, np.ndarray | None]:
        tf = self.tf
        out = np.asarray(target(*case.args, **case.kwargs))
        if case.grad is None or not _is_float(_get_arg(case, case.grad)):
            return out, None
        x = tf.constant(_get_arg(case, case.grad))
        args, kwargs = _replace_arg(case, case.grad, x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = target(*args, **kwargs)
        g = tape.gradient(y, x)
        if not _same(np.asarray(y), out):
            print(
                f"  note: {case.id}: tensor and NumPy inputs give different "
                "outputs; keeping the NumPy one"
            )
        return out, None if g is None else np.asarray(g)
