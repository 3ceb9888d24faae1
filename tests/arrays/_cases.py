"""Every public core function on inputs with the values it must handle exactly.

A case is a function of a converter ``to`` (NumPy array → array of the library
under test); calling it with ``np.asarray`` gives the NumPy reference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import crossent

INF = np.inf


def inputs(dtype: Any) -> dict[str, np.ndarray]:
    """Logits, labels and probabilities with ±inf, 0, 1 and masked entries."""
    rng = np.random.default_rng(20240601)
    z = rng.normal(size=(6, 4)) * np.array([[1.0], [30.0], [1.0], [5.0], [1.0], [1.0]])
    z[0, 1] = -INF  # a masked logit on a class that is not the label
    z[1, 2] = INF  # a +inf logit: the softmax spreads over the +inf entries
    z[2, 0] = 40.0  # one class dominates: the loss of that class is tiny
    k = np.array([0, 2, 0, 3, 1, 2])
    y = np.eye(4)[k]
    soft = rng.dirichlet(np.ones(4), size=6)
    soft[3, 1] = 0.0
    p = rng.dirichlet(np.ones(4) * 0.5, size=6)
    p[4] = [0.0, 1.0, 0.0, 0.0]  # a certain prediction: 0 · log 0 = 0
    yb = rng.uniform(size=(6, 4))
    yb[:3] = np.round(yb[:3])
    pb = rng.uniform(0.01, 0.99, size=(6, 4))
    pb[0, :2] = [0.0, 1.0]
    yb[0, :2] = [0.0, 1.0]
    return {
        "z": z.astype(dtype),
        "k": k,
        "k_ignored": np.where(k == 0, -100, k),
        "y": y.astype(dtype),
        "soft": soft.astype(dtype),
        "p": p.astype(dtype),
        "yb": yb.astype(dtype),
        "pb": pb.astype(dtype),
        "where": np.array([True, True, False, True]),
        "class_weight": np.array([0.0, 1.0, 2.0, 0.5]).astype(dtype),
        "loss": np.array([7.0, 1.5, 0.25, INF, 0.0, 2.0]).astype(dtype),
        "w": np.array([0.0, 1.0, 2.0, 0.5, 1.0, 0.0]).astype(dtype),
        "keep": np.array([True, True, True, False, True, True]),
    }


Case = Callable[[Callable[[np.ndarray], Any], dict[str, np.ndarray]], Any]

CASES: dict[str, Case] = {
    "logsumexp": lambda to, a: crossent.logsumexp(to(a["z"])),
    "logsumexp_axis0": lambda to, a: crossent.logsumexp(to(a["z"]), axis=0),
    "log_softmax": lambda to, a: crossent.log_softmax(to(a["z"])),
    "softplus": lambda to, a: crossent.softplus(to(a["z"])),
    "log_sigmoid": lambda to, a: crossent.log_sigmoid(to(a["z"])),
    "softmax_cross_entropy": lambda to, a: crossent.softmax_cross_entropy(
        to(a["z"]), to(a["soft"])
    ),
    "softmax_cross_entropy_where": lambda to, a: crossent.softmax_cross_entropy(
        to(a["z"]), to(a["y"]), where=to(a["where"])
    ),
    "integer_labels": lambda to, a: crossent.softmax_cross_entropy_with_integer_labels(
        to(a["z"]), to(a["k"])
    ),
    "integer_labels_ignore_index": lambda to, a: (
        crossent.softmax_cross_entropy_with_integer_labels(
            to(a["z"]), to(a["k_ignored"]), ignore_index=-100
        )
    ),
    "integer_labels_axis0": lambda to, a: (
        crossent.softmax_cross_entropy_with_integer_labels(
            to(np.ascontiguousarray(a["z"].T)), to(a["k"]), axis=0
        )
    ),
    "cross_entropy": lambda to, a: crossent.cross_entropy(to(a["p"]), to(a["y"])),
    "sigmoid_binary_cross_entropy": lambda to, a: crossent.sigmoid_binary_cross_entropy(
        to(a["z"]), to(a["yb"])
    ),
    "sigmoid_binary_cross_entropy_pos_weight": lambda to, a: (
        crossent.sigmoid_binary_cross_entropy(
            to(a["z"]), to(a["yb"]), pos_weight=to(a["class_weight"])
        )
    ),
    "binary_cross_entropy": lambda to, a: crossent.binary_cross_entropy(
        to(a["pb"]), to(a["yb"])
    ),
    "smooth_labels": lambda to, a: crossent.smooth_labels(to(a["y"]), 0.1),
    "softmax_focal": lambda to, a: crossent.softmax_focal_cross_entropy(
        to(a["z"]), to(a["soft"]), alpha=to(a["class_weight"] + 1)
    ),
    "sigmoid_focal": lambda to, a: crossent.sigmoid_focal_cross_entropy(
        to(a["z"]), to(a["yb"]), alpha=0.25
    ),
    "reduce_sum": lambda to, a: crossent.reduce_loss(to(a["loss"]), "sum"),
    "reduce_mean_weights_where": lambda to, a: crossent.reduce_loss(
        to(a["loss"]), "mean", weights=to(a["w"]), where=to(a["keep"])
    ),
    "reduce_weighted_mean": lambda to, a: crossent.reduce_loss(
        to(a["loss"]), "weighted_mean", weights=to(a["w"])
    ),
    "reduce_weighted_mean_zero_weight": lambda to, a: crossent.reduce_loss(
        to(a["loss"]), "weighted_mean", weights=to(a["w"] * 0)
    ),
    "reduce_none": lambda to, a: crossent.reduce_loss(
        to(a["loss"]), "none", weights=to(a["w"])
    ),
}


def reference(name: str, dtype: Any) -> np.ndarray:
    """The NumPy result of case ``name``, with no floating-point warning."""
    with np.errstate(divide="raise", invalid="raise", over="raise"):
        return np.asarray(CASES[name](np.asarray, inputs(dtype)))
