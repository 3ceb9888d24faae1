"""What makes the reference's own number what it is, when it reproduces the number.

When the reference (what the user compared with, or the exact formula) computes
the observed number as given, there is no deviation to find; what explains the
number is what the user gave and how the reference reads it: options that move the
value, a narrow dtype, probabilities passed to a loss that takes logits (or logits
that a reader could take for probabilities), a binary loss's mean over each row, a
1-D row read as N binary samples, the targets an ``ignore_index`` leaves out.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from crossent.explain._hypothesis import Config, Question, evaluate, option_code, raw
from crossent.explain._model import expects
from crossent.explain._render import fmt_value
from crossent.explain._spec import Spec, accepted_options

__all__ = ["close", "given_deviations"]


def _total(v: Any) -> float:
    a = np.asarray(v, np.float64)
    return float(a.sum()) if a.ndim else float(a)


def given_deviations(
    q: Question, ref: Config, user: dict[str, Any], *, named: bool = True
) -> list[tuple[str, str, float | None, str]]:
    """What the user gave that makes ``ref``'s value what it is, when ``ref`` itself
    reproduces the number: ``(code, what, contribution, option)`` each (None: a
    difference of shape or meaning, not of value). ``named``: the user named what
    they compare with."""
    out: list[tuple[str, str, float | None, str]] = []
    cur = evaluate(q, ref)
    if cur is None:
        return out
    out += _row_means(q, ref) + _one_row_read_as_samples(q, ref, cur)
    out += _ignored_left_out(q, ref, cur) + _labels_sorted(q, ref, user, cur)
    cfg = ref
    for name in [k for k in user if k in cfg.spec.options]:
        plain = cfg.with_options(**{name: None})
        plain = replace(
            plain,
            spec=Spec(
                plain.spec.path,
                {k: v for k, v in plain.spec.options.items() if k != name},
            ),
        )
        v = evaluate(q, plain)
        if v is None or close(v, cur):
            continue
        out.append(
            (
                option_code(name, None, user[name]),
                f"{name} given",
                _total(v) - _total(cur),
                name,
            )
        )
        cfg, cur = plain, v
    impl = ref.spec.implementation
    dtype = q.y_pred.dtype
    narrow = dtype.name in ("float16", "bfloat16")
    nonfinite = not np.all(np.isfinite(np.asarray(cur, np.float64)))
    if dtype.kind == "f" and dtype != np.float64 and (narrow or nonfinite):
        # float32 rounding stays below the digits people write; float16's does not
        wide = evaluate(q, replace(cfg, dtype="float64"))
        if wide is not None and not close(wide, cur, loose=True):
            out.append(
                ("precision", f"computed in {dtype}", _total(wide) - _total(cur), "")
            )
            return out
    kind = _probabilities(q, impl.labels == "binary")
    if expects(impl, ref.spec.options) == "logits" and kind:
        # softmax outputs: their logits are log p (up to a constant); sigmoid
        # outputs (rows not summing to 1, or a binary loss): log(p / (1 − p))
        with np.errstate(all="ignore"):
            p = np.asarray(q.y_pred, np.float64)
            x = np.log(p) if kind == "softmax" else np.log(p) - np.log1p(-p)
        code = "logits_as_log_probs" if "nll" in impl.path else "probs_as_logits"
        v = _value_on(q, ref, x)
        if v is not None:
            out.append(
                (
                    code,
                    f"{kind} outputs (probabilities) given where logits are expected; "
                    "on the logits that would give them",
                    _total(v) - _total(cur),
                    "",
                )
            )
    elif (
        not named
        and not out
        and q.logits
        and expects(impl, ref.spec.options) == "logits"
    ):
        out += _read_as_probabilities(q, ref, cur)
    elif "nll" in impl.path and q.logits:
        import crossent._core as core

        v = _value_on(
            q, ref, np.asarray(core.log_softmax(np.asarray(q.y_pred, np.float64)))
        )
        if v is not None:
            out.append(
                (
                    "logits_as_log_probs",
                    "logits given where log-probabilities are expected",
                    _total(v) - _total(cur),
                    "",
                )
            )
    return out


def _row_means(q: Question, ref: Config) -> list[tuple[str, str, float | None, str]]:
    """A binary loss that averages over the last axis gives one value per row of
    ``(N, C)`` labels, whatever its reduction (Keras' ``reduction='none'``)."""
    impl = ref.spec.implementation
    r = raw(q, ref)
    rows = q.y_pred.shape[:-1]
    if impl.labels != "binary" or q.classes < 2 or r is None or r.shape != rows:
        return []
    what = (
        f"{ref.spec} averages the {q.classes} binary losses of each row (the last "
        f"axis) before any reduction, so it returns {int(np.prod(rows))} values, "
        "one per row, not one per element; compute the element losses with a "
        "function that does not reduce (e.g. the formula itself) to see each one"
    )
    return [("reduction", what, None, "")]


def _labels_sorted(
    q: Question, ref: Config, user: dict[str, Any], cur: Any
) -> list[tuple[str, str, float | None, str]]:
    """scikit-learn's ``labels=`` in an order other than sorted: log_loss sorts the
    labels, so the columns of ``y_pred`` are read in sorted-label order."""
    labels = user.get("labels")
    if labels is None or not ref.spec.path.startswith("sklearn"):
        return []
    arr = np.asarray(labels)
    if arr.dtype.kind == "f" and np.all(arr == np.round(arr)):
        arr = arr.astype(np.int64)
    given = list(arr.tolist())
    order = sorted(range(len(given)), key=lambda i: given[i])
    if order == list(range(len(given))) or q.classes != len(given):
        return []
    # the columns the user meant, put in the order scikit-learn reads them
    meant = np.ascontiguousarray(np.asarray(q.y_pred)[..., order])
    v = evaluate(replace(q, y_pred=meant, cache={}, runs=None), ref)
    share = None if v is None else _total(v) - _total(cur)
    what = (
        f"labels={given!r}: scikit-learn sorts the labels ({sorted(given)!r}) and reads "
        "the columns of y_pred in that order, not in the order given"
        + (
            ""
            if v is None
            else f"; with the columns reordered it is {fmt_value(_total(v), 7)}"
        )
    )
    return [("class_inference", what, share, "labels")]


def _ignored_left_out(
    q: Question, ref: Config, cur: Any
) -> list[tuple[str, str, float | None, str]]:
    """The user's ignore_index, applied for a reference that has none: how many
    targets it leaves out, and the mean with them counted as 0 over all N."""
    impl = ref.spec.implementation
    if q.ignore is None or accepted_options(impl) & {"ignore_index", "ignore_class"}:
        return []
    with np.errstate(all="ignore"):
        hit = int(np.sum(np.asarray(q.y_true) == q.ignore))
    if not hit or np.ndim(cur) != 0:
        return []
    n = int(np.asarray(q.y_true).size)
    every = evaluate(q, replace(ref, output="all_n"))
    share = None if every is None else _total(every) - _total(cur)
    alt = (
        ""
        if every is None
        else f"; counted as 0 and divided by all {n} (a masked mean) it is "
        f"{fmt_value(_total(every), 7)}"
    )
    what = (
        f"ignore_index={q.ignore!r} leaves {hit} of {n} targets out, and the mean is "
        f"over the {n - hit} others{alt}"
    )
    return [("ignore_index", what, share, "ignore_index")]


def _one_row_read_as_samples(
    q: Question, ref: Config, cur: Any
) -> list[tuple[str, str, float | None, str]]:
    """A 1-D one-hot label row with predictions summing to 1 (one C-class example,
    as crossent reads it) that ``ref`` takes as C binary samples (scikit-learn,
    Keras' binary losses): the labels were inferred, not the layout meant."""
    y, p = np.asarray(q.y_true), np.asarray(q.y_pred)
    if p.ndim != 1 or y.shape != p.shape or p.size < 3 or np.ndim(cur) != 0:
        return []
    p = p.astype(np.float64)
    if ref.spec.implementation.labels != "binary" and "sklearn" not in ref.spec.path:
        return []
    with np.errstate(all="ignore"):
        one = float(-np.sum(np.where(y > 0, y * np.log(p), 0.0)))
    if not math.isfinite(one) or close(one, cur, loose=True):
        return []
    what = (
        f"{ref.spec} reads the 1-D arrays as {p.size} binary samples (label y_i with "
        f"probability p_i of class 1), not as one example over {p.size} classes; "
        f"read as one {p.size}-class example the loss is −log p[y] = "
        f"{fmt_value(one, 7)}. Pass 2-D arrays (one row per example, one column per "
        "class) for a categorical loss"
    )
    return [("class_inference", what, one - _total(cur), "")]


def _read_as_probabilities(
    q: Question, ref: Config, cur: Any
) -> list[tuple[str, str, float | None, str]]:
    """Scores that a reader can take for probabilities (every true-class score in
    (0, 1)) given to a loss that applies softmax: the number the softmax makes, and
    the one −log z[y] would give."""
    y = np.asarray(q.y_true)
    z = np.asarray(q.y_pred)
    if ref.spec.implementation.labels == "binary" or not (
        y.dtype.kind in "iu" and y.ndim == z.ndim - 1 and np.ndim(cur) == 0
    ):
        return []
    # the true class's score only: no float64 copy of every score
    picked = np.take_along_axis(z, np.clip(y, 0, q.classes - 1)[..., None], -1)
    picked = picked.astype(np.float64)
    if not np.all((picked > 0) & (picked < 1)):
        return []  # −log z[y] is no reading anyone could have made
    direct = float(np.mean(-np.log(picked)))
    what = (
        f"the values are logits (not probabilities): {ref.spec} applies softmax to "
        "them first, and the loss is −log softmax(z)[y]; read as probabilities, "
        f"−log z[y] would give {fmt_value(direct, 7)}"
    )
    return [("logits_as_probs", what, direct - _total(cur), "")]


def close(a: Any, b: Any, loose: bool = False) -> bool:
    x, y = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if x.shape != y.shape:
        return False
    rtol = 1e-4 if loose else 1e-12
    with np.errstate(all="ignore"):
        return bool(
            np.all(
                (np.isnan(x) & np.isnan(y))
                | (x == y)
                | (np.abs(x - y) <= rtol * (1 + np.abs(y)))
            )
        )


def _probabilities(q: Question, binary: bool) -> str:
    """ "softmax" when the predictions are rows of probabilities summing to 1 (for a
    categorical loss), "sigmoid" when every value is in [0, 1] and one is near 1
    (or the loss is binary), else ""."""
    p = np.asarray(q.y_pred)
    if not p.size:
        return ""
    # the least and greatest values without a copy of the input (a NaN makes them
    # NaN, and the comparison false)
    lo, hi = float(np.min(p)), float(np.max(p))
    if not (lo >= 0 and hi <= 1):
        return ""
    sums = p.sum(-1, dtype=np.float64) if not binary and p.ndim else None
    if sums is not None and bool(np.allclose(sums, 1, atol=1e-3)):
        return "softmax"
    # scores in [0, 1] are as often small logits in a question; sigmoid outputs
    # show themselves by a score near 1
    return "sigmoid" if binary or hi >= 0.95 else ""


def _value_on(q: Question, ref: Config, y_pred: np.ndarray) -> Any:
    other = Question(
        q.y_true,
        y_pred.astype(q.y_pred.dtype),
        q.observed,
        True,
        q.label_kind,
        q.tolerance,
    )
    return evaluate(other, ref)
