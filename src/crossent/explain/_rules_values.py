"""Diagnosis rules about the values of the inputs: rows that do not sum to 1,
clipping, logits and probabilities mistaken for each other, the binary and
categorical formulas, labels with several classes, overflow, masks, NaN."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import crossent._core as core
from crossent.explain._cause import Cause
from crossent.explain._facts import Facts
from crossent.explain._render import fmt_array, fmt_value
from crossent.explain._rulebase import (
    _PROBS_FIX,
    F32_HI,
    F32_LO,
    KERAS_EPS,
    _at_most_float32,
    _exact_ce,
    _rows,
    _softmax_ce,
    _where,
    run_implementation,
)
from crossent.frameworks._numbers import (
    keras_clip_texts,
    neg_log32,
    show,
    tf_keras_bce_caps,
)
from crossent.frameworks._rows import BLOCK_BYTES


def rule_renormalized(f: Facts) -> list[Cause]:
    """PAIN 3 (renormalisation): probability rows that do not sum to 1."""
    if f.pred_kind != "unnormalized" or f.label_kind not in (
        "one_hot",
        "integer",
        "soft",
    ):
        return []
    if f.from_logits:
        return []
    off = np.abs(f.row_sums - 1) > 1e-5
    rows = _rows(off)
    if not rows:
        return []
    with np.errstate(all="ignore"):
        rescaled = f.y_pred / f.row_sums[..., None]
    before, after = _exact_ce(f), _exact_ce(f, rescaled)
    shown = []
    for r in rows[:4]:
        line = f"row {_where(r)} sums to {fmt_value(f.row_sums[r], 6)}"
        pt = f.true_class_prob
        if pt is not None:
            line += (
                f": its true-class probability {fmt_value(pt[r], 6)} becomes "
                f"{fmt_value(pt[r] / f.row_sums[r], 6)} and its loss "
                f"{fmt_value(before[r], 7)} becomes {fmt_value(after[r], 7)}"
            )
        shown.append(line)
    more = f" (and {len(rows) - 4} more rows)" if len(rows) > 4 else ""
    msg = (
        f"{len(rows)} row(s) of y_pred do not sum to 1: "
        + "; ".join(shown)
        + more
        + ". "
        "Keras' categorical_crossentropy (every version, probability path) divides "
        "each row by its sum before taking the log, and so did scikit-learn's log_loss "
        "before 1.5; −Σ y log p, PyTorch's nll_loss(log p) and scikit-learn ≥ 1.5 use "
        f"the values as given. Per-row loss as given: {fmt_array(before)}; after "
        f"rescaling: {fmt_array(after)}."
    )
    fix = (
        "Make each row a distribution (end the model with a softmax, or divide by the "
        "row sum yourself). If the columns are independent probabilities "
        "(multi-label), use a binary cross-entropy instead."
    )
    return [
        Cause(
            "renormalized",
            "rows of y_pred do not sum to 1",
            msg,
            fix,
            rows,
            details={
                "row_sums": f.row_sums,
                "loss_as_given": before,
                "loss_rescaled": after,
            },
        )
    ]


def rule_clipped(f: Facts) -> list[Cause]:
    """PAIN 3–5: probabilities beyond the frameworks' epsilon clip."""
    if f.pred_kind == "logits" or f.label_kind == "invalid":
        return []
    p = f.y_pred
    # At or beyond the float32 clip bounds: at the bound itself the clip is a no-op,
    # but the loss is already saturated (PAIN 4: tf_keras' +ε then bites).
    p32 = p if _at_most_float32(f) else p.astype(np.float32)
    low = p32 <= F32_LO
    high = p32 >= F32_HI
    if f.label_kind in ("one_hot", "integer"):
        y = f.one_hot
        relevant = low & (y > 0)
        if not f.options.get("_categorical_only"):
            relevant |= high & (y == 0)
    else:
        relevant = low | high
    idx = _rows(relevant)
    if not idx:
        return []
    examples = ", ".join(f"p = {fmt_value(p[i], 6)} at {_where(i)}" for i in idx[:4])
    # The exact loss of each element involved: −log p below the clip, −log(1 − p) above.
    flat = np.flatnonzero(relevant)
    p_in, low_in = p.reshape(-1)[flat], low.reshape(-1)[flat]
    with np.errstate(divide="ignore"):
        exact = -np.log(np.where(low_in, p_in, 1 - p_in))
    exact_vals = ", ".join(fmt_value(v, 8) for v in exact[:4])
    caps = _cap_table(p.dtype)
    msg = (
        f"{len(idx)} value(s) lie outside [1e-07, 1 − 1e-07], where a wrong "
        f"prediction costs a lot: {examples}. Keras clips probabilities to "
        f"[ε, 1 − ε] with ε = 1e-07 before the log, so each such element costs "
        f"−log(1e-07) = {fmt_value(-math.log(KERAS_EPS), 8)} (float64) or "
        f"{fmt_value(-np.log(np.float32(KERAS_EPS)), 8)} (float32; a false class "
        f"predicted 1 costs {fmt_value(-np.log(np.float32(1) - np.float32(1 - KERAS_EPS)), 8)}) "
        f"instead of the exact {exact_vals}. Other frameworks cap differently: {caps}. "
        "A number from model.fit/evaluate with a softmax or sigmoid layer may be "
        "unclipped, because Keras' TensorFlow backend then uses the layer's logits."
    )
    fix = (
        "Compute the loss from logits (from_logits=True on the pre-softmax output, "
        "CrossEntropyLoss, softmax_cross_entropy_with_logits): nothing needs clipping "
        "there, and the gradient does not vanish at the clip."
    )
    return [
        Cause(
            "clipped",
            "probabilities clipped at epsilon",
            msg,
            fix,
            idx,
            details={"exact": exact},
        )
    ]


def _cap_table(dtype: Any) -> str:
    caps = tf_keras_bce_caps()
    parts = [
        "PyTorch BCELoss 100 (each log clamped at −100)",
        f"tf_keras BCE {show(caps['true_at_0'])} for a true class at 0 and "
        f"{show(caps['false_at_1'])} for a false class at 1 (clip and +ε inside the "
        "log)",
        f"scikit-learn ≥ 1.5 {fmt_value(-math.log(np.finfo(np.float64).eps), 8)} "
        f"(float64 eps; {show(neg_log32(float(np.finfo(np.float32).eps)))} for "
        "float32 input)",
        f"scikit-learn ≤ 1.1 {fmt_value(-math.log(1e-15), 8)} (eps = 1e-15)",
        "the exact loss inf",
    ]
    return "; ".join(parts)


def rule_log_clamped(f: Facts) -> list[Cause]:
    """PAIN 5: exact 0/1 probabilities on the wrong side (PyTorch's −100 clamp)."""
    if f.pred_kind == "logits" or f.label_kind == "invalid":
        return []
    y = f.one_hot if f.label_kind in ("one_hot", "integer") else f.y_true
    p = f.y_pred
    zero, one = p == 0, p == 1
    if not (np.any(zero) or np.any(one)):
        return []
    wrong = (zero & (y > 0)) | (one & (y < 1))
    idx = _rows(wrong)
    if not idx:
        return []
    msg = (
        f"{len(idx)} element(s) are predicted exactly 0 or 1 on the wrong side "
        f"({', '.join(_where(i) for i in idx[:4])}): the exact loss is infinite. "
        "PyTorch's binary_cross_entropy clamps each log at −100, so each such element "
        "costs exactly 100 (and its gradient is −1e12, not 0); Keras costs "
        f"{keras_clip_texts()['true_at_0']}, scikit-learn "
        f"{fmt_value(-math.log(np.finfo(np.float64).eps), 8)}, optax and "
        "hand-written NumPy inf. The difference "
        "between two frameworks' totals is k × (cap A − cap B) for these k elements."
    )
    fix = "Use logits and a with-logits loss (BCEWithLogitsLoss, sigmoid_binary_cross_entropy)."
    return [Cause("log_clamped", "log of 0 clamped", msg, fix, idx)]


def _keras_probability_path(f: Facts) -> np.ndarray | None:
    """Keras' categorical_crossentropy (from_logits=False) of each row, computed a
    block of rows at a time (it is row by row): one-hot float32 rows for a block,
    never for the whole batch."""
    path = "keras.losses.categorical_crossentropy"
    n = f.y_pred.shape[0] if f.y_pred.ndim >= 2 else 0
    step = max(2, BLOCK_BYTES // max(f.y_pred[:1].size * 4, 1)) if n else 1
    if n <= step + 1:
        whole = run_implementation(
            path, f.dense_labels(np.float32), f.y_pred.astype(np.float32, copy=False)
        )
        return None if whole is None else np.asarray(whole)
    parts = []
    for start in range(0, n, step):
        rows = slice(start, start + step if n - start - step > 1 else n)
        yp = f.y_pred[rows].astype(np.float32, copy=False)
        value = run_implementation(path, f.dense_labels(np.float32, rows), yp)
        if value is None:
            return None
        parts.append(np.asarray(value))
        if rows.stop == n:
            break
    return np.concatenate(parts)


def rule_logits_as_probs(f: Facts) -> list[Cause]:
    """PAIN 2: logits passed where probabilities are expected."""
    if f.pred_kind != "logits" or f.from_logits is True or f.label_kind == "invalid":
        return []
    lo, hi = float(np.nanmin(f.y_pred)), float(np.nanmax(f.y_pred))
    msg = (
        f"y_pred contains values outside [0, 1] (min {fmt_value(lo, 6)}, max "
        f"{fmt_value(hi, 6)}): these look like logits, not probabilities."
    )
    details: dict[str, Any] = {}
    if f.label_kind in ("one_hot", "integer", "soft") and f.num_classes > 1:
        keras = _keras_probability_path(f)
        correct = _softmax_ce(f)
        details = {"keras_probability_path": keras, "softmax_of_y_pred": correct}
        if keras is not None:
            msg += (
                " Keras (from_logits=False, the default) renormalises each row by its "
                "sum and clips to [1e-07, 1 − 1e-07] without a word: your loss per row "
                f"= {fmt_array(keras)}; the cross-entropy of softmax(y_pred) = "
                f"{fmt_array(correct)}."
            )
        else:
            msg += f" The cross-entropy of softmax(y_pred) = {fmt_array(correct)}."
    else:
        msg += (
            " PyTorch's BCELoss raises on them; Keras clips them to [1e-07, 1 − 1e-07]."
        )
    fix = (
        "Set from_logits=True (Keras), or use a logits loss (CrossEntropyLoss, "
        "BCEWithLogitsLoss, softmax_cross_entropy_with_logits), or add the softmax/sigmoid."
    )
    return [
        Cause(
            "logits_as_probs",
            "logits passed as probabilities",
            msg,
            fix,
            details=details,
        )
    ]


def rule_probs_as_logits(f: Facts) -> list[Cause]:
    """PAIN 1: probabilities passed where logits are expected (double softmax)."""
    if (
        f.from_logits is not True
        or f.pred_kind == "logits"
        or f.label_kind == "invalid"
    ):
        return []
    k = f.num_classes
    if f.label_kind in ("binary_column", "multi_hot") or (k == 1):
        msg = (
            "y_pred lies in [0, 1] but is treated as logits: a sigmoid is applied a "
            "second time, so every prediction is squeezed into [0.5, 0.73] and the "
            "loss cannot approach 0."
        )
        return [
            Cause("probs_as_logits", "probabilities passed as logits", msg, _PROBS_FIX)
        ]
    if not f.rows_sum_to_one:
        return []
    floor = math.log(math.e + k - 1) - 1
    double = _softmax_ce(f)
    exact = _exact_ce(f)
    msg = (
        f"Every row of y_pred is in [0, 1] and sums to 1: these look like softmax "
        f"probabilities, but this loss applies softmax itself. Softmax of "
        f"probabilities is nearly uniform, so the loss is bounded below by "
        f"log(e + K − 1) − 1 = {fmt_value(floor, 7)} for K = {k} and can never approach 0. "
        f"Loss as computed (double softmax): {fmt_array(double)}; the loss you meant, "
        f"on the probabilities (= on their logits log p): {fmt_array(exact)}."
    )
    return [
        Cause(
            "probs_as_logits",
            "probabilities passed as logits (double softmax)",
            msg,
            _PROBS_FIX,
            details={"floor": floor, "double_softmax": double, "intended": exact},
        )
    ]


def rule_binary_vs_categorical(f: Facts) -> list[Cause]:
    """PAIN 13 and seed 003: binary formula on one-hot labels, or one output unit."""
    if f.label_kind == "binary_column" and (
        f.from_logits is not None or f.options.get("_binary_samples")
    ):
        return []
    if f.num_classes == 1 and f.label_kind in ("binary_column", "one_hot"):
        msg = (
            "There is a single output unit. Softmax over one unit is always 1, so a "
            "categorical cross-entropy on it is identically 0 and never learns."
        )
        fix = "Use a sigmoid output with binary cross-entropy, or two softmax units."
        return [
            Cause("binary_vs_categorical", "categorical loss on one unit", msg, fix)
        ]
    if f.label_kind != "one_hot" or f.pred_kind == "logits" or f.num_classes < 2:
        return []
    if f.options.get("_categorical_only"):
        return []
    y = f.y_true
    p = np.clip(f.y_pred, 0, 1)
    with np.errstate(all="ignore"):
        bce = np.asarray(core.binary_cross_entropy(p, y))
    bce_sum, bce_mean = bce.sum(axis=-1), bce.mean(axis=-1)
    cce = _exact_ce(f)
    msg = (
        f"The labels are one-hot: exactly one of the {f.num_classes} classes is true "
        "in each row. The categorical cross-entropy −Σ y log p scores that one "
        "distribution; the binary formula −Σ [y log p + (1 − y) log(1 − p)] scores "
        f"each of the {f.num_classes} columns as its own yes/no problem, so it also "
        f"charges for the probability on the wrong classes. Categorical: "
        f"{fmt_array(cce)}; binary summed over classes: {fmt_array(bce_sum)}; Keras' "
        f"binary_crossentropy (mean over classes): {fmt_array(bce_mean)}. Both are "
        "correct for their own model: categorical for one softmax over exclusive "
        "classes, binary for independent sigmoids (multi-label). With one-hot labels "
        "and a softmax output, the categorical one is the right loss (and Keras' "
        "'accuracy' becomes binary accuracy under the binary loss)."
    )
    fix = (
        "TensorFlow has the binary formula too: tf.nn.sigmoid_cross_entropy_with_logits "
        "(on logits) and keras.losses.BinaryCrossentropy (on sigmoid outputs), meant "
        "for multi-label problems; for exclusive classes keep "
        "softmax_cross_entropy_with_logits / CategoricalCrossentropy."
    )
    return [
        Cause(
            "binary_vs_categorical",
            "binary formula vs categorical formula",
            msg,
            fix,
            details={
                "categorical": cce,
                "binary_sum": bce_sum,
                "binary_mean": bce_mean,
            },
        )
    ]


def rule_multi_label(f: Facts) -> list[Cause]:
    """PAIN 14: several positives per row given to a softmax loss."""
    if f.label_kind != "multi_hot":
        return []
    sums = f.y_true.sum(axis=-1)
    rows = _rows(sums != 1)
    msg = (
        f"{len(rows)} label row(s) do not contain exactly one 1 (row sums "
        f"{fmt_array(sums)}): this is a multi-label problem. Softmax cross-entropy "
        "accepts such rows without complaint, but its optimum splits the probability "
        "equally among the positives instead of driving each one to 1, and a row with "
        "no positive contributes 0."
    )
    fix = "Use sigmoid binary cross-entropy (BCEWithLogitsLoss, sigmoid_cross_entropy_with_logits)."
    return [
        Cause("multi_label", "multi-hot labels with a softmax loss", msg, fix, rows)
    ]


def rule_soft_labels(f: Facts) -> list[Cause]:
    """PAIN 24: soft labels: the minimum is the label entropy, not 0."""
    y = f.y_true
    beyond = y.dtype.kind == "f" and bool(np.any((y < 0) | (y > 1)))
    if f.label_kind != "soft" and not beyond:
        return []
    sums = y.sum(axis=-1)
    outside = _rows((y < 0) | (y > 1))
    with np.errstate(all="ignore"):
        entropy = -np.sum(
            np.where(y > 0, y * np.log(np.where(y > 0, y, 1)), 0), axis=-1
        )
    parts = [
        f"The labels are soft (not 0/1). Cross-entropy against soft labels cannot go "
        f"below the labels' own entropy H(y) = {fmt_array(entropy)}: that much of the "
        "loss remains even for a perfect prediction (KL divergence = CE − H(y) would be 0)."
    ]
    if np.any(np.abs(sums - 1) > 1e-6):
        parts.append(
            f"Label rows sum to {fmt_array(sums)}, not 1: frameworks use them as given, "
            "so the loss scales with the row sum."
        )
    if outside:
        parts.append(
            f"{len(outside)} label(s) lie outside [0, 1]; the loss can then be negative."
        )
    fix = "Compare against H(y), or report the KL divergence instead of the cross-entropy."
    return [
        Cause(
            "soft_labels",
            "soft labels",
            " ".join(parts),
            fix,
            outside,
            details={"entropy": entropy},
        )
    ]


# --------------------------------------------------------------------- logits & numerics


def rule_overflow(f: Facts) -> list[Cause]:
    """PAIN 8 and seed 002: where hand-written formulas overflow or give NaN."""
    out: list[str] = []
    idx: list[tuple[int, ...]] = []
    p = f.y_pred
    if f.from_logits and f.label_kind in ("binary_column", "multi_hot"):
        saturated = _saturating_sigmoid(f)
        if saturated is not None:
            return [saturated]
    if f.pred_kind == "logits":
        finite = np.isfinite(p)  # reduced in place: no copy of the finite logits
        hi = float(np.max(p, where=finite, initial=-np.inf))
        lo = float(np.min(p, where=finite, initial=np.inf))
        spread = hi - lo if finite.any() else 0.0
        reach = max(abs(hi), abs(lo)) if finite.any() else 0.0
        limit = {"float16": 11.09, "bfloat16": 88.72, "float32": 88.72}.get(
            f.dtype, 709.78
        )
        if finite.any() and (reach > limit or spread > limit):
            out.append(
                f"Logits reach {fmt_value(reach, 6)}: exp(z) overflows "
                f"{f.dtype} beyond {limit}, so a hand-written softmax gives inf/inf = NaN. "
                "Subtracting the row maximum first (logsumexp) avoids it."
            )
    else:
        y = f.one_hot if f.label_kind in ("one_hot", "integer") else f.y_true
        zero = p == 0
        if f.label_kind not in ("invalid",) and np.any(zero):
            zero_true = _rows(zero & (y > 0))
            zero_zero = _rows(zero & (y == 0))
            if zero_true:
                idx += list(zero_true)
                out.append(
                    f"{len(zero_true)} true class(es) are predicted exactly 0: "
                    "−y·log p is +inf there (the exact loss is infinite)."
                )
            if zero_zero:
                out.append(
                    f"{len(zero_zero)} element(s) have y = 0 and p = 0: the naive "
                    "y·log(p) gives 0·(−inf) = NaN, while the convention 0·log 0 = 0 "
                    "(scipy.special.xlogy, crossent) gives 0."
                )
        binary = not f.options.get("_categorical_only")
        kinds = ("binary_column", "multi_hot", "one_hot")
        rounds_to_one: tuple[tuple[int, ...], ...] = ()
        if binary and f.label_kind in kinds:
            p32 = p if _at_most_float32(f) else p.astype(np.float32)
            rounds_to_one = _rows(p32 == 1)
        if rounds_to_one:
            idx += list(rounds_to_one)
            out.append(
                f"{len(rounds_to_one)} probability(ies) equal 1 in float32: "
                "log(p / (1 − p)) is +inf there, and a sigmoid cross-entropy on that "
                "logit gives inf − inf = NaN (the unclipped custom loss of seed 002). "
                "Keras clips first (to 1 − 1e-07) and so stays finite."
            )
    if not out:
        return []
    fix = (
        "Use the stable forms: logsumexp / log_softmax for softmax, log_sigmoid / "
        "softplus for sigmoids (log(1 + exp(−a)) = softplus(−a)), xlogy for y·log p — "
        "or better, keep logits and call a with-logits loss."
    )
    return [
        Cause(
            "overflow",
            "overflow or NaN in a hand-written formula",
            " ".join(out),
            fix,
            tuple(idx),
        )
    ]


def _sigmoid_saturation(dtype: Any) -> float:
    """The smallest logit whose sigmoid rounds to exactly 1 in ``dtype``."""
    dt = np.dtype(dtype)
    lo, hi = 0.0, 100.0
    one = np.asarray(1, dt)
    for _ in range(80):  # bisection on the float64 logit
        mid = (lo + hi) / 2
        with np.errstate(all="ignore"):
            p = one / (one + np.exp(-np.asarray(mid, dt)))
        lo, hi = (lo, mid) if p == 1 else (mid, hi)
    return hi


def _saturating_sigmoid(f: Facts) -> Cause | None:
    """Seed 002: σ(z) rounds to 1 in the working dtype, so log(p/(1−p)) overflows."""
    dtype = f.dtype if f.dtype in ("float16", "float32", "float64") else "float32"
    z = f.y_pred.astype(dtype)
    one = np.asarray(1, z.dtype)
    with np.errstate(all="ignore"):
        p = one / (one + np.exp(-z))
    saturated = (p == 1) | (p == 0)
    if not np.any(saturated):
        return None
    idx = _rows(saturated)
    stable = np.asarray(
        core.sigmoid_binary_cross_entropy(
            f.y_pred, f.y_true.astype(np.float64, copy=False)
        )
    )
    threshold = _sigmoid_saturation(dtype)
    floor = -np.log(np.float32(1) - np.float32(1 - 1e-7))
    msg = (
        f"{len(idx)} logit(s) have |z| ≥ {fmt_value(threshold, 8)}, where σ(z) rounds "
        f"to exactly 1 (or 0) in {dtype}. A loss that turns the probability back into "
        "a logit with log(p / (1 − p)) then gets +inf (or −inf), and "
        "sigmoid_cross_entropy_with_logits on an infinite logit gives inf − inf = NaN: "
        "the hand-written loss of seed 002 breaks exactly there. Keras clips p to "
        "[1e-07, 1 − 1e-07] first, so its value stays finite but stops at the clip "
        f"({fmt_value(floor, 8)} per element in float32) and its gradient vanishes. "
        "The stable value from the logits, log(1 + exp(−|z|)) per element, is "
        f"{fmt_array(stable)}."
    )
    fix = (
        "Never convert probabilities back to logits: keep the logits and use "
        "sigmoid_cross_entropy_with_logits / BinaryCrossentropy(from_logits=True) / "
        "BCEWithLogitsLoss (log(1 + exp(−a)) = softplus(−a), computed as "
        "max(−a, 0) + log1p(exp(−|a|)))."
    )
    return Cause(
        "overflow",
        f"σ(z) rounds to 1 in {dtype}",
        msg,
        fix,
        idx,
        details={"threshold": threshold, "stable": stable},
    )


def _infinite_binary_logits(f: Facts) -> list[Cause]:
    """±inf logits of a binary loss: the stable formula max(z, 0) − z·y +
    log1p(e^−|z|) computes inf − inf = NaN, where sigmoid(±inf) = 1 or 0 would
    give a finite loss (or inf) by the probability formula."""
    z, y = f.y_pred, f.y_true.astype(np.float64, copy=False)
    neg, pos = np.isneginf(z), np.isposinf(z)
    if not (neg.any() or pos.any()) or y.shape != z.shape:
        return []
    nan_at = _rows((neg & (y == 0)) | (pos & (y == 1)))
    inf_at = _rows((neg & (y > 0)) | (pos & (y < 1)))
    parts = []
    if nan_at:
        parts.append(
            f"{len(nan_at)} logit(s) are ±inf on the label they predict (−inf with "
            "y = 0, +inf with y = 1): the exact loss there is 0, but the stable "
            "formula max(z, 0) − z·y + log(1 + e^−|z|) computes inf − inf = NaN "
            "(BCEWithLogitsLoss, sigmoid_cross_entropy_with_logits, optax)."
        )
    if inf_at:
        parts.append(
            f"{len(inf_at)} logit(s) are ±inf against their label: the loss is +inf."
        )
    code = "masked_logits" if neg.any() else "overflow"
    fix = (
        "Mask with a large finite value (e.g. −1e4) instead of ±inf, or drop the "
        "masked elements before the loss."
    )
    title = "−inf logits" if neg.any() else "+inf logits"
    return [Cause(code, title, " ".join(parts), fix, nan_at + inf_at)]


def rule_masked_logits(f: Facts) -> list[Cause]:
    """PAIN 23: −inf logits from masking."""
    if f.label_kind in ("binary_column", "multi_hot") or f.num_classes < 2:
        return _infinite_binary_logits(f)
    # the least value, NaN ignored, without a mask the size of the input
    least = np.fmin.reduce(f.y_pred.ravel()) if f.y_pred.size else 0.0
    if least != -np.inf or f.label_kind not in ("one_hot", "integer", "soft"):
        return []
    neg = np.isneginf(f.y_pred)
    y = f.one_hot
    on_target = _rows(neg & (y > 0))
    off_target = _rows(neg & (y == 0))
    full = _rows(np.all(neg, axis=-1))
    parts = []
    if off_target:
        finite = np.asarray(
            core.softmax_cross_entropy(f.y_pred, y.astype(np.float64, copy=False))
        )
        parts.append(
            f"{len(off_target)} −inf logit(s) sit on classes with label 0: the naive "
            "Σ y·log_softmax(z) gives 0·(−inf) = NaN there (TensorFlow, PyTorch with "
            "probability targets, optax softmax_cross_entropy, Keras from_logits), while "
            f"the correct value is finite: {fmt_array(finite)} (integer-label losses and "
            "optax.safe_softmax_cross_entropy handle it)."
        )
    if on_target:
        parts.append(
            f"{len(on_target)} −inf logit(s) are on a target class: the loss is +inf."
        )
    if full:
        parts.append(
            f"{len(full)} row(s) are entirely −inf: the loss is undefined; exclude them."
        )
    if not parts:
        return []
    fix = "Use integer labels or safe_softmax_cross_entropy, or mask with a large finite negative number."
    return [
        Cause(
            "masked_logits", "−inf logits", " ".join(parts), fix, off_target + on_target
        )
    ]


def rule_nan_input(f: Facts) -> list[Cause]:
    """PAIN 8 from the other end: NaN already in the inputs, before any loss runs."""
    found = []
    for name, arr in (("y_pred", f.y_pred), ("y_true", f.y_true)):
        if arr.dtype.kind == "f":
            bad = np.isnan(arr)
            if bad.any():
                found.append((name, bad))
    if not found:
        return []
    parts: list[str] = []
    elements: list[tuple[int, ...]] = []
    bad_rows = np.zeros(f.y_pred.shape[:-1] if f.y_pred.ndim else (), bool)
    for name, bad in found:
        at = _rows(bad)
        elements.extend(at)
        shown = ", ".join(_where(i) for i in at[:4]) + (" …" if len(at) > 4 else "")
        parts.append(f"{len(at)} value(s) of {name} are NaN, at {shown}")
        # a row is hit if any of its classes is NaN (labels of another shape: per row)
        bad_rows |= (
            bad.any(axis=-1) if bad.shape == f.y_pred.shape and bad.ndim else bad
        )
    n_rows = int(np.count_nonzero(bad_rows))
    msg = (
        "; ".join(parts)
        + f". The loss of each of the {n_rows} row(s) involved is NaN wherever the row "
        "enters a sum or a normaliser (log-softmax, log-sum-exp, Keras' "
        "renormalisation), which is every cross-entropy here except one that reads "
        "only the true-class entry (PyTorch's nll_loss on log-probabilities) when the "
        "NaN sits elsewhere; a mean or sum over the batch is then NaN too, and "
        "scikit-learn's log_loss refuses the input (ValueError: Input contains NaN). "
        "The NaN was there before the loss: it came from the model or the data, not "
        "from the cross-entropy."
    )
    fix = (
        "Find where the NaN first appears: torch.autograd.set_detect_anomaly(True), "
        "tf.debugging.enable_check_numerics(), jax.config.update('jax_debug_nans', "
        "True). Usual sources: a log or division by zero in the model, activations "
        "that overflowed (lower the learning rate, clip gradients, compute the loss "
        "from logits), or NaN in the input features. To see the other rows' loss, "
        "leave these out: crossent.reduce_loss(loss, where=~np.isnan(loss))."
    )
    return [
        Cause(
            "nan_input",
            "the inputs already contain NaN",
            msg,
            fix,
            tuple(elements),
            details={"rows": n_rows},
        )
    ]
