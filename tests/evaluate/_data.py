"""Prediction sets for the evaluate tests, and their in-memory reference values."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

import crossent

IGNORE = -100


def language_model(
    rows: int = 40, tokens: int = 9, vocab: int = 13, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Float32 logits [rows, tokens, vocab], token ids with right padding, weights."""
    rng = np.random.default_rng(seed)
    z = (rng.normal(size=(rows, tokens, vocab)) * 4).astype(np.float32)
    labels = rng.integers(0, vocab, size=(rows, tokens))
    lengths = rng.integers(0, tokens + 1, size=rows)
    labels[np.arange(tokens)[None, :] >= lengths[:, None]] = IGNORE
    weights = rng.uniform(0.0, 2.0, size=(rows, tokens))
    weights[rng.uniform(size=weights.shape) < 0.1] = 0.0
    return z, labels, weights


def token_losses(z: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The in-memory per-token losses, in float64 (ignored tokens give 0)."""
    return crossent.softmax_cross_entropy_with_integer_labels(
        z.astype(np.float64), labels, ignore_index=IGNORE
    )


def exact_mean(values: np.ndarray) -> float:
    """The correctly rounded mean of float64 values (provenance: math.fsum)."""
    from fractions import Fraction

    total = sum((Fraction(float(x)) for x in values.ravel()), Fraction(0))
    return float(total / values.size) if values.size else math.nan


def save_shards(
    directory: Path, array: np.ndarray, cuts: list[int], *, npz: str | None = None
) -> Path:
    """``array`` split at ``cuts`` into numbered shards (``.npz`` member ``npz``)."""
    directory.mkdir(parents=True, exist_ok=True)
    bounds = [0, *cuts, len(array)]
    for i, (a, b) in enumerate(itertools.pairwise(bounds)):
        if npz is None:
            np.save(directory / f"shard-{i}.npy", array[a:b])
        else:
            np.savez_compressed(directory / f"shard-{i}.npz", **{npz: array[a:b]})
    return directory
