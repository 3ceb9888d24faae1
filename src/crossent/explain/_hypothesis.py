"""Hypotheses: what could have produced the observed number.

A hypothesis is a :class:`Config`: a registered implementation with its options,
an *input* transformation that models a mistake made before the loss (probabilities
softmaxed again, logits read as probabilities or as log-probabilities, an ε added
inside the log, the arguments swapped) and an *output* transformation made after it
(a sum where the framework means, a mean over every element, the log in base 2, a
mean of per-batch means). :func:`evaluate` computes a config's number on the
question's inputs, reduced to the shape of the observed number the way the user
would (a ``.mean()`` of an unreduced output is what people do, not a deviation).

A :class:`Deviation` is one difference between two configs, with the stable cause
code it stands for; the explanation is the list of deviations between what the
user compared with and the config that reproduces the number.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from crossent.explain._catalogue import INPUTS, OUTPUTS, option_code
from crossent.explain._formulas import FORMULAS, activate, dense, formula
from crossent.explain._matching import matches as _matches
from crossent.explain._model import LOGITS_SWITCHES, expects
from crossent.explain._question import bind_impl
from crossent.explain._runs import _defaults
from crossent.explain._spec import Spec, accepted_options
from crossent.frameworks._rows import run_value

__all__ = [
    "INPUTS",
    "OUTPUTS",
    "Config",
    "Deviation",
    "Question",
    "evaluate",
    "faithful",
    "option_code",
]


@dataclass(frozen=True)
class Deviation:
    """One difference between what the user compared with and what produced the number."""

    code: str
    kind: str  # "option", "input", "output", "implementation", "given"
    label: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    """An implementation with options, and the transformations around it."""

    spec: Spec
    inputs: str = ""
    output: str = ""
    params: tuple[tuple[str, Any], ...] = ()
    dtype: str = ""  # "" as given, else the dtype the inputs were cast to

    def with_options(self, **options: Any) -> Config:
        """A copy with these options set (None removes one)."""
        merged = {**self.spec.options, **options}
        kept = {k: v for k, v in merged.items() if v is not None or k == "alpha"}
        return replace(self, spec=Spec(self.spec.path, kept))

    def describe(self) -> str:
        """``keras.losses.X(...)`` with its transformations in words."""
        parts = [str(self.spec)]
        p = dict(self.params)
        if self.inputs:
            extra = f" (ε = {p['eps']:.3g})" if "eps" in p else ""
            extra += f" (c = {p['shift']:.6g})" if "shift" in p else ""
            extra += f" (k = {p['k']})" if "k" in p and not self.output else ""
            parts.append(f"on inputs with {INPUTS[self.inputs][1]}{extra}")
        if self.output:
            extra = f" (batches of {p['batch']})" if "batch" in p else ""
            extra += f" (k = {p['k']:g})" if "k" in p else ""
            parts.append(f"then {OUTPUTS[self.output][1]}{extra}")
        if self.dtype:
            parts.append(f"computed in {self.dtype}")
        return ", ".join(parts)


@dataclass
class Question:
    """The posed inputs, the observed number and the caches of one explain() call."""

    y_true: np.ndarray
    y_pred: np.ndarray
    observed: np.ndarray
    logits: bool  # the predictions are logits (declared or inferred)
    label_kind: str
    tolerance: np.ndarray | None = None
    cache: dict[Any, Any] = field(default_factory=dict)
    runs: Any = None  # explain()'s Runs: the values already computed on these inputs
    given: tuple[np.ndarray, np.ndarray] | None = None  # shapes that only broadcast
    ignore: Any = None  # the user's ignore_index, for implementations that lack one

    @property
    def rows(self) -> int:
        """The number of examples (all axes but the class axis)."""
        return int(np.prod(self.y_pred.shape[:-1])) if self.y_pred.ndim else 1

    @property
    def classes(self) -> int:
        return int(self.y_pred.shape[-1]) if self.y_pred.ndim else 1

    def matches(self, value: Any) -> float | None:
        """The relative error when ``value`` reproduces the observed number, else None."""
        if value is None:
            return None
        return _matches(value, self.observed, self.tolerance)


def _key(cfg: Config) -> tuple[Any, ...]:
    opts = tuple(sorted((k, repr(v)) for k, v in cfg.spec.options.items()))
    return (cfg.spec.path, opts, cfg.inputs, cfg.params, cfg.dtype)


def faithful(q: Question, ref: Config) -> bool:
    """Whether the hand-written formula stands for ``ref`` where no ε bites.

    The ``log_eps``/``clip_eps``/``as_log_probs``/``other_family`` hypotheses
    compute −Σ y·log p (or the binary formula) by hand; they are one deviation from
    ``ref`` only if that formula, with no ε, gives ``ref``'s value on the rows whose
    probabilities are all in [1e-3, 1 − 1e-3] (none such: nothing to contradict).
    A reference that renormalises, smooths or weights is not that formula.
    """
    key = ("faithful", *_key(ref))
    if key in q.cache:
        return bool(q.cache[key])
    q.cache[key] = ok = _faithful(q, ref)
    return ok


def _faithful(q: Question, ref: Config) -> bool:
    if any(np.ndim(v) > 0 for v in ref.spec.options.values()):
        return False  # weights: the formula has none
    binary = ref.spec.implementation.labels == "binary"
    x = np.asarray(q.y_pred, np.float64)
    p = activate(x, binary) if q.logits else x
    if p.ndim < 2:
        return False
    normal = np.all((p >= 1e-3) & (p <= 1 - 1e-3), axis=-1)
    while normal.ndim > 1:
        normal = normal.all(-1)
    if not normal.any():
        return True
    sub = Question(
        q.y_true[normal], q.y_pred[normal], np.asarray(0.0), q.logits, q.label_kind
    )
    plain = replace(ref, inputs="log_eps", params=(("eps", 0.0),))
    a, b = evaluate(sub, ref), evaluate(sub, plain)
    if a is None or b is None:
        return False
    a64, b64 = float(a), float(b)
    return math.isfinite(a64) and abs(a64 - b64) <= 1e-5 * (1 + abs(a64))


def raw(q: Question, cfg: Config) -> np.ndarray | None:
    """What ``cfg``'s implementation returns on the (transformed) inputs; None when
    it cannot run on them."""
    key = ("raw", *_key(cfg))
    if key in q.cache:
        return q.cache[key]  # type: ignore[no-any-return]
    q.cache[key] = out = _raw(q, cfg)
    return out


def _raw(q: Question, cfg: Config) -> np.ndarray | None:
    impl = cfg.spec.implementation
    binary = impl.labels == "binary"
    wants_probs = expects(impl, cfg.spec.options) == "probabilities"
    if cfg.inputs == "ignored_kept":
        yt, yp = q.y_true, q.y_pred
        kept_t, _ = _without_ignored(q, impl)
        if q.ignore is None or kept_t is yt:
            return None  # nothing was left out
    else:
        yt, yp = _without_ignored(q, impl)
    if cfg.inputs == "broadcast":
        if q.given is None:
            return None
        yt, yp = q.given  # the shapes as given, for the implementation to broadcast
    if cfg.dtype:
        yp = yp.astype(cfg.dtype)
        yt = yt.astype(cfg.dtype) if yt.dtype.kind == "f" else yt
    if cfg.inputs in FORMULAS:
        out = formula(q, cfg, binary)
        if out is None:
            return None
        # computed in float64, rounded to the inputs' dtype as the user's code would be
        return out.astype(yp.dtype) if yp.dtype.kind == "f" else out
    if cfg.inputs == "raw_logits":
        if not (q.logits and wants_probs):
            return None
    elif wants_probs and q.logits and not _switched_to_probs(cfg.spec.options):
        # the model's own softmax/sigmoid (an explicit from_logits=False on logits
        # means these very values were given as probabilities)
        yp = activate(yp, binary)
    if cfg.inputs == "activated_again":
        if not wants_probs:
            return None
        yp = activate(yp, binary)
    elif cfg.inputs == "layer_logits":
        # Keras' fit()/evaluate() give the loss the output layer's pre-activation:
        # logit(p) behind a sigmoid, log p + c behind a softmax (c solved)
        if not (binary and wants_probs and "from_logits" in accepted_options(impl)):
            return None
        with np.errstate(all="ignore"):
            pf = yp.astype(np.float64)
            shift = dict(cfg.params).get("shift")
            if shift is None:
                z = np.log(pf) - np.log1p(-pf)
            else:
                z = np.log(pf) + float(shift)
        yp = z.astype(yp.dtype)
        options = {**dict(cfg.spec.options), "from_logits": True}
        return _run(impl, yt, yp, options)
    elif cfg.inputs == "prompt_masked":
        k, ignore = int(dict(cfg.params).get("k", 0)), _ignore_value(cfg)
        if ignore is None or yt.dtype.kind not in "iu" or yt.ndim < 2:
            return None
        yt = yt.copy()
        yt[..., :k] = ignore
    elif cfg.inputs == "binary_samples":
        if yp.size < 2 or yt.shape != yp.shape or int(np.prod(yp.shape[:-1])) != 1:
            return None
        yt, yp = yt.reshape(-1, 1), yp.reshape(-1, 1)
    elif cfg.inputs == "axis_swapped":
        if yp.ndim < 3 or yp.shape[1] != yp.shape[-1]:
            return None  # the labels fit only one reading
        yp = np.swapaxes(yp, 1, -1)
        if yt.shape == q.y_pred.shape:
            yt = np.swapaxes(yt, 1, -1)
    elif cfg.inputs == "smoothed":
        eps = float(dict(cfg.params).get("eps", 0.0))
        hot = dense(q)
        share = 0.5 if binary else 1.0 / max(q.classes, 1)
        yt = (hot * (1 - eps) + eps * share).astype(
            yp.dtype if yp.dtype.kind == "f" else np.float64
        )
    elif cfg.inputs == "swapped":
        if yt.shape != yp.shape or yt.dtype.kind in "iu":
            return None
        yt, yp = yp, yt
    if q.runs is not None and yt is q.y_true and yp is q.y_pred:
        known, value = q.runs.value(impl, cfg.spec.options, yt, yp)
        if known:
            v = np.asarray(value)
            return v if v.dtype.kind in "fV" else None
        out = _run(impl, yt, yp, dict(cfg.spec.options))
        if out is not None:
            q.runs.remember(impl, cfg.spec.options, yt, yp, out)
        return out
    return _run(impl, yt, yp, dict(cfg.spec.options))


def _switched_to_probs(options: Mapping[str, Any]) -> bool:
    """An explicit ``from_logits=False`` (``use_softmax``, ``with_logits``) on logits:
    these very values were given as probabilities."""
    return any(options.get(name) is False for name in LOGITS_SWITCHES)


def _ignore_value(cfg: Config) -> Any:
    """The target value ``cfg``'s implementation ignores (None if it ignores none)."""
    from crossent.explain._runs import _defaults

    impl = cfg.spec.implementation
    for name in ("ignore_index", "ignore_class"):
        if name in accepted_options(impl):
            value = cfg.spec.options.get(name, _defaults(impl).get(name))
            return value if isinstance(value, int) else None
    return None


def _without_ignored(q: Question, impl: Any) -> tuple[np.ndarray, np.ndarray]:
    """The inputs, less the targets equal to the user's ``ignore_index`` when
    ``impl`` has no such option: what the user means by ignoring them (rows of
    class ids; elements of binary labels, as one column)."""
    yt, yp = q.y_true, q.y_pred
    if q.ignore is None or accepted_options(impl) & {"ignore_index", "ignore_class"}:
        return yt, yp
    with np.errstate(all="ignore"):
        hit = np.asarray(yt == q.ignore)
    if not hit.any():
        return yt, yp
    if yt.ndim == yp.ndim - 1:  # class ids: drop the rows
        return yt[~hit], yp[~hit]
    if yt.shape == yp.shape and impl.labels == "binary":
        return yt[~hit].reshape(-1, 1), yp[~hit].reshape(-1, 1)
    return yt, yp


def _run(impl: Any, yt: Any, yp: Any, options: dict[str, Any]) -> np.ndarray | None:
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plan, state = bind_impl(impl, yt, yp, **options)
            value = run_value(plan, state)
    except Exception:
        return None
    v = np.asarray(value)
    return v if v.dtype.kind in "fV" else None


def evaluate(q: Question, cfg: Config) -> np.ndarray | None:
    """``cfg``'s number, in the shape of the observed number (None if it has none)."""
    r = raw(q, cfg)
    if r is None:
        return None
    dtype = r.dtype
    v = r.astype(np.float64)
    shape = q.observed.shape
    p = dict(cfg.params)
    with np.errstate(all="ignore"):
        if cfg.output in ("", "log2", "nats_as_bits"):
            b = _fit(v, shape, cfg.spec.implementation.labels == "binary")
            if b is None:
                return None
            scale = {"log2": 1 / math.log(2), "nats_as_bits": math.log(2)}
            out = b * scale[cfg.output] if cfg.output else b
        elif shape != ():
            return None
        elif cfg.output in ("divided", "multiplied"):
            k = float(p.get("k", 0))
            if k < 2:
                return None
            out = np.asarray(v.mean() / k if cfg.output == "divided" else v.mean() * k)
        elif cfg.output == "sum":
            out = np.asarray(v.sum() if v.ndim else v * q.rows)
        elif cfg.output == "elements":
            if q.classes < 2:
                return None
            out = np.asarray(v.sum() / q.y_pred.size if v.ndim else v / q.classes)
        elif cfg.output == "all_n":
            if "reduction" not in accepted_options(cfg.spec.implementation):
                return None
            unreduced = raw(q, replace(cfg, output="", spec=_unreduced(cfg.spec)))
            if unreduced is None or unreduced.ndim == 0:
                return None
            out = np.asarray(unreduced.astype(np.float64).sum() / q.rows)
        elif cfg.output == "class_sum":
            if q.classes < 2 or cfg.spec.implementation.labels != "binary":
                return None
            out = np.asarray(v.sum(-1).mean() if v.ndim >= 2 else v * q.classes)
        elif cfg.output in ("sequence_mean", "sequence_ppl"):
            per = _per_sequence(q, cfg)
            if per is None:
                return None
            if cfg.output == "sequence_mean":
                out = np.asarray(per.mean())
            else:
                out = np.asarray(np.log(np.mean(np.exp(per))))
        elif cfg.output in ("batch_mean", "batch_sum_over_n"):
            if v.ndim == 0 and "reduction" in accepted_options(cfg.spec.implementation):
                unreduced = raw(q, replace(cfg, output="", spec=_unreduced(cfg.spec)))
                v = np.zeros(()) if unreduced is None else unreduced.astype(np.float64)
            if v.ndim == 0:
                return None
            per = v.reshape(v.shape[0], -1).mean(-1)
            size = int(p.get("batch", 0))
            if not 0 < size < per.size:
                return None
            starts = np.arange(0, per.size, size)
            counts = np.diff(np.append(starts, per.size))
            means = np.add.reduceat(per, starts) / counts
            out = np.asarray(
                np.mean(means) if cfg.output == "batch_mean" else means.sum() / per.size
            )
        else:
            return None
    return np.asarray(out).astype(dtype) if dtype.kind == "f" else np.asarray(out)


def _per_sequence(q: Question, cfg: Config) -> np.ndarray | None:
    """Each sequence's mean loss over its counted tokens (ignored ones left out), for
    class-id targets of shape ``(N, T, …)``; None for one token per example."""
    yt = np.asarray(q.y_true)
    if yt.dtype.kind not in "iu" or yt.ndim < 2 or yt.shape[0] < 2:
        return None
    if "reduction" not in accepted_options(cfg.spec.implementation):
        return None
    unreduced = raw(q, replace(cfg, output="", spec=_unreduced(cfg.spec)))
    if unreduced is None or unreduced.shape != yt.shape:
        return None
    impl = cfg.spec.implementation
    ignore = cfg.spec.options.get("ignore_index", _defaults(impl).get("ignore_index"))
    counted = yt != ignore if ignore is not None else np.ones(yt.shape, bool)
    counts = counted.reshape(yt.shape[0], -1).sum(-1)
    if np.any(counts == 0):
        return None
    sums = np.where(counted, unreduced.astype(np.float64), 0.0)
    per: np.ndarray = sums.reshape(yt.shape[0], -1).sum(-1) / counts
    return per


def _unreduced(spec: Spec) -> Spec:
    return Spec(spec.path, {**spec.options, "reduction": "none"})


def _fit(v: np.ndarray, shape: tuple[int, ...], binary: bool) -> np.ndarray | None:
    """``v`` in the observed number's shape, the way the user would reduce it."""
    if v.shape == shape:
        return v
    if shape == ():
        return np.asarray(v.mean())
    if v.ndim == len(shape) + 1 and v.shape[:-1] == shape:
        # per-element binary losses summed per row; per-example losses (tokens,
        # a batch within each view) averaged per row
        rows: np.ndarray = v.sum(-1) if binary else v.mean(-1)
        return rows
    if v.size == int(np.prod(shape)):
        return v.reshape(shape)
    return None
