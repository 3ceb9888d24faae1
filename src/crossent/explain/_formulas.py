"""The hand-written formulas behind explain's input hypotheses.

``−Σ y·log p`` and the binary formula as people write them in NumPy: on logits
used as log-probabilities, with an ε inside the log or a clip, the other family's
formula, the log of a softmax that reaches 0, a softmax over the examples. Each is
computed in float64 and reduced as the reference reduces; :mod:`._hypothesis`
rounds the result to the inputs' dtype as the user's code would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

import crossent._core as core

if TYPE_CHECKING:
    from crossent.explain._hypothesis import Config, Question
    from crossent.explain._spec import Spec

__all__ = ["FORMULAS", "activate", "dense", "formula"]


def activate(x: np.ndarray, binary: bool) -> np.ndarray:
    with np.errstate(all="ignore"):
        if binary:
            one = np.asarray(1, x.dtype)
            return np.asarray(one / (one + np.exp(-x)), x.dtype)
        out: np.ndarray = np.exp(np.asarray(core.log_softmax(x))).astype(x.dtype)
        return out


def dense(q: Question) -> np.ndarray:
    yt = q.y_true
    if yt.dtype.kind in "iu" and yt.ndim == q.y_pred.ndim - 1:
        c = q.classes
        hot = (yt[..., None] == np.arange(c)) & ((yt >= 0) & (yt < c))[..., None]
        dense: np.ndarray = hot.astype(np.float64)  # N × C, not a C × C identity
        return dense
    return np.asarray(yt, np.float64)


FORMULAS = (
    "as_log_probs",
    "probs_as_log_probs",
    "log_eps",
    "clip_eps",
    "other_family",
    "unguarded_log",
    "axis0",
    "naive_softmax",
)


def _reduce_like(spec: Spec, per: np.ndarray) -> np.ndarray:
    """Per-example losses reduced as ``spec`` reduces (unreduced when it names no
    reduction: the shape of the observed number decides)."""
    red = spec.options.get("reduction")
    if red is None or red == "none":
        return per
    return np.asarray(per.sum() if red == "sum" else per.mean())


def formula(q: Question, cfg: Config, binary: bool) -> np.ndarray | None:
    """The hand-written formulas behind the ``as_log_probs``/``log_eps``/``clip_eps``
    inputs, computed in float64 and reduced as ``cfg.spec`` reduces."""
    y = dense(q)
    x = np.asarray(q.y_pred, np.float64)
    with np.errstate(all="ignore"):
        if cfg.inputs == "as_log_probs":
            if binary or not q.logits:
                return None
            return _reduce_like(cfg.spec, -(y * x).sum(-1))
        if cfg.inputs == "naive_softmax":  # in the inputs' own dtype, as written
            if binary or not q.logits:
                return None
            zi = q.y_pred
            e = np.exp(zi)
            pn = (e / e.sum(-1, keepdims=True)).astype(np.float64)
            if np.all(np.isfinite(pn)):
                return None  # nothing overflows: the stable softmax's number
            tn = -np.where(y != 0, y * np.log(pn), 0.0)
            return _reduce_like(cfg.spec, tn.sum(-1))
        if cfg.inputs == "axis0":  # the softmax over the examples (axis −2)
            if binary or not q.logits or x.ndim < 2 or x.shape[-2] < 2:
                return None
            e0 = np.exp(x - x.max(-2, keepdims=True))
            p0 = e0 / e0.sum(-2, keepdims=True)
            t0 = -np.where(y != 0, y * np.log(p0), 0.0)
            return _reduce_like(cfg.spec, t0.sum(-1))
        if cfg.inputs == "unguarded_log":  # in the inputs' own dtype, as written
            pu = activate(q.y_pred, binary) if q.logits else q.y_pred
            zero = (pu == 0) & (y != 0)
            if binary:
                zero |= (pu == 1) & (y != 1)
            if not zero.any():
                return None  # no probability reaches 0: nothing for the log to hit
            with np.errstate(all="ignore"):
                lp = np.log(pu).astype(np.float64)
                if binary:
                    lq = np.log1p(-pu).astype(np.float64)
                    tu = -(y * lp + (1 - y) * lq)
                    return _reduce_like(cfg.spec, tu.mean(-1))
                tu = -(y * lp)
            return _reduce_like(cfg.spec, tu.sum(-1))
        p = activate(x, binary) if q.logits else x
        if cfg.inputs == "probs_as_log_probs":
            return None if binary else _reduce_like(cfg.spec, -(y * p).sum(-1))
        if cfg.inputs == "other_family":
            if not binary:  # the binary formula, summed over the classes
                t = -(y * np.log(p) + (1 - y) * np.log1p(-p))
                return _reduce_like(cfg.spec, t.sum(-1))
            t = -np.where(y != 0, y * np.log(p), 0.0)  # −Σ y log p on sigmoid outputs
            return _reduce_like(cfg.spec, t.sum(-1))
        eps = float(dict(cfg.params).get("eps", 0.0))
        if cfg.inputs == "clip_eps":
            p = np.clip(p, eps, 1 - eps)
            eps = 0.0
        if binary:
            t = -(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
            return _reduce_like(cfg.spec, t.mean(-1))
        t = -np.where(y != 0, y * np.log(p + eps), 0.0)
        return _reduce_like(cfg.spec, t.sum(-1))
