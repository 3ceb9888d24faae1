"""Diagnosis rules: what is unusual about the inputs, in numbers (PAIN.md items).

Each rule reads the :class:`~crossent.explain._facts.Facts` of the inputs and
returns the causes it finds. Numbers in the messages are computed here with the
core and the mirrors, never typed in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

import crossent._core as core
from crossent.explain._cause import Cause
from crossent.explain._facts import Facts
from crossent.explain._question import bind_impl
from crossent.explain._render import fmt_array, fmt_value
from crossent.frameworks._registry import registry

__all__ = ["RULES", "diagnose", "memory_estimate", "run_implementation"]

KERAS_EPS = 1e-7
F32_LO = float(np.float32(KERAS_EPS))
F32_HI = float(np.float32(1 - KERAS_EPS))


def run_implementation(path: str, y_true: Any, y_pred: Any, **options: Any) -> Any:
    """The value of a registered implementation, or None if it is missing or fails."""
    impl = registry().get(path)
    if impl is None:
        return None
    try:
        with np.errstate(all="ignore"):
            plan, state = bind_impl(impl, y_true, y_pred, **options)
            return plan.run(state).get("value")
    except Exception:
        return None


def _rows(mask: np.ndarray) -> tuple[tuple[int, ...], ...]:
    return tuple(map(tuple, np.argwhere(mask).tolist()))


def _at_most_float32(f: Facts) -> bool:
    """Whether every prediction is exactly a float32 (so comparing with float32
    constants in float64 gives what the float32 comparison gives)."""
    return f.dtype in ("float32", "float16", "bfloat16")


def _where(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, idx)) + "]"


def _exact_ce(f: Facts, y_pred: np.ndarray | None = None) -> np.ndarray:
    if y_pred is None:
        cached: np.ndarray = f.memo("exact_ce", lambda: _exact_ce(f, f.y_pred))
        return cached
    with np.errstate(all="ignore"):
        return np.asarray(
            core.cross_entropy(_in_unit_interval(y_pred), _dense_labels(f))
        )


def _dense_labels(f: Facts) -> np.ndarray:
    """The one-hot (or soft) targets in float64, without copying them if they are."""
    return f.one_hot.astype(np.float64, copy=False)


def _in_unit_interval(p: np.ndarray) -> np.ndarray:
    """``p`` clipped to [0, 1]; ``p`` itself when nothing is outside (no copy)."""
    if np.any(p < 0) or np.any(p > 1):  # NaN compares false: it stays NaN
        return np.asarray(np.clip(p, 0, 1))
    return p


def _softmax_ce(f: Facts) -> np.ndarray:
    cached: np.ndarray = f.memo(
        "softmax_ce",
        lambda: np.asarray(core.softmax_cross_entropy(f.y_pred, _dense_labels(f))),
    )
    return cached


# --------------------------------------------------------------------- probabilities


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
    parts = [
        "PyTorch BCELoss 100 (each log clamped at −100)",
        "tf_keras BCE 15.424949 for a true class at 0 and 15.333239 for a false class at 1 (clip and +ε inside the log)",
        f"scikit-learn ≥ 1.5 {fmt_value(-math.log(np.finfo(np.float64).eps), 8)} "
        "(float64 eps; 15.942385 for float32 input)",
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
        "costs exactly 100 (and its gradient is −1e12, not 0); Keras costs 16.118095, "
        "scikit-learn 36.043653, optax and hand-written NumPy inf. The difference "
        "between two frameworks' totals is k × (cap A − cap B) for these k elements."
    )
    fix = "Use logits and a with-logits loss (BCEWithLogitsLoss, sigmoid_binary_cross_entropy)."
    return [Cause("log_clamped", "log of 0 clamped", msg, fix, idx)]


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
        keras = run_implementation(
            "keras.losses.categorical_crossentropy",
            f.one_hot.astype(np.float32),
            f.y_pred.astype(np.float32),
        )
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


_PROBS_FIX = (
    "Pass the pre-softmax logits, or use the probability form "
    "(from_logits=False; NLLLoss(log(p)); BCELoss)."
)


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
    if f.label_kind != "soft":
        return []
    y = f.y_true
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
        finite = p[np.isfinite(p)]
        spread = float(finite.max() - finite.min()) if finite.size else 0.0
        limit = {"float16": 11.09, "bfloat16": 88.72, "float32": 88.72}.get(
            f.dtype, 709.78
        )
        if finite.size and (float(np.abs(finite).max()) > limit or spread > limit):
            out.append(
                f"Logits reach {fmt_value(float(np.abs(finite).max()), 6)}: exp(z) overflows "
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


def rule_masked_logits(f: Facts) -> list[Cause]:
    """PAIN 23: −inf logits from masking."""
    if f.pred_kind != "logits" and not np.any(np.isneginf(f.y_pred)):
        return []
    neg = np.isneginf(f.y_pred)
    if not np.any(neg) or f.label_kind not in ("one_hot", "integer", "soft"):
        return []
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


def rule_precision(f: Facts) -> list[Cause]:
    """PAIN 9: half precision."""
    if f.dtype not in ("float16", "bfloat16"):
        return []
    exact = _exact_ce(f) if f.pred_kind != "logits" else _softmax_ce(f)
    loss = float(np.nanmax(np.abs(exact))) if exact.size else 0.0
    if f.dtype == "float16":
        spacing, eps = (
            float(np.spacing(np.float16(loss))),
            float(np.finfo(np.float16).eps),
        )
    else:
        spacing = float(loss) * 2.0**-7
        eps = 2.0**-7  # bfloat16 has 8 significand bits

    msg = (
        f"The inputs are {f.dtype}. Near a loss of {fmt_value(loss, 6)} its resolution is "
        f"{fmt_value(spacing, 4)}, so differences below that are rounding noise. Keras' "
        f"epsilon 1e-07 is below {f.dtype}'s resolution next to 1 (eps = {fmt_value(eps, 4)}): "
        "1 − 1e-07 rounds to 1.0, the upper clip does nothing and log(1 − p) can be "
        f"log(0). The loss recomputed in float64 is {fmt_array(exact)}."
    )
    fix = "Upcast the logits to float32 before the loss (as reference trainers do)."
    return [Cause("precision", f"{f.dtype} precision", msg, fix)]


# --------------------------------------------------------------------- labels


def rule_label_range(f: Facts) -> list[Cause]:
    """PAIN 11: integer labels outside [0, C)."""
    if f.label_kind != "integer":
        return []
    ignore = f.options.get("ignore_index", -100)
    y = f.y_true
    bad = ((y < 0) | (y >= f.num_classes)) & (y != ignore)
    idx = _rows(bad)
    if not idx:
        return []
    lo, hi = int(y.min()), int(y.max())
    one_based = lo >= 1 and hi == f.num_classes
    msg = (
        f"{len(idx)} label(s) are outside [0, {f.num_classes}) (values "
        f"{sorted({int(v) for v in y[bad]})[:6]}). TensorFlow raises on CPU but "
        "returns NaN on GPU; PyTorch raises on CPU and may assert or return a wrong "
        "value on CUDA; Keras' JAX backend silently gives 0; optax gives NaN (≥ C) or "
        "wraps negative labels to the last classes."
    )
    if one_based:
        msg += f" The labels look 1-based (min {lo}, max {hi})."
    fix = "Use labels − 1 for 1-based labels, or give the model C + 1 outputs."
    return [Cause("label_range", "labels out of range", msg, fix, idx)]


def rule_ignore_index(f: Facts) -> list[Cause]:
    """PAIN 10: ignore_index semantics."""
    if f.label_kind != "integer":
        return []
    ignore = f.options.get("ignore_index", -100)
    y = f.y_true
    ignored = y == ignore
    parts = []
    if np.any(ignored):
        n, total = int(ignored.sum()), int(y.size)
        parts.append(
            f"{n} of {total} targets equal ignore_index = {ignore}: they get loss 0 and "
            "leave the mean's denominator."
        )
        if n == total:
            parts.append(
                "Every target is ignored: PyTorch's mean is 0/0 = NaN (by design since "
                "1.11; 'sum' gives 0), Keras' ignore_class gives 0, tf_keras NaN."
            )
    if 0 <= ignore < f.num_classes:
        parts.append(
            f"ignore_index = {ignore} is a valid class: it is dropped from the NLL but "
            "still competes in every row's softmax denominator and gets gradients."
        )
    negatives = (y < 0) & ~ignored
    if np.any(negatives):
        parts.append(
            f"{int(negatives.sum())} negative label(s) differ from ignore_index = "
            f"{ignore}: they are not ignored."
        )
    if not parts:
        return []
    fix = "Filter all-ignored batches (or use reduction='sum' / total tokens), and keep ignore_index outside [0, C)."
    return [
        Cause("ignore_index", "ignored targets", " ".join(parts), fix, _rows(ignored))
    ]


def rule_axis(f: Facts) -> list[Cause]:
    """PAIN 12 and 19: class axis and broadcasting."""
    # the shapes as the user gave them (explain moves a class axis 1 last first)
    yt_shape, yp_shape = f.options.get(
        "_given_shapes", (f.y_true.shape, f.y_pred.shape)
    )
    if yt_shape == yp_shape:
        return []
    out: list[Cause] = []
    if len(yt_shape) == len(yp_shape) - 1 and yt_shape != yp_shape[:-1]:
        for ax in range(len(yp_shape)):
            if yt_shape == yp_shape[:ax] + yp_shape[ax + 1 :]:
                msg = (
                    f"y_true has shape {yt_shape}, which is y_pred {yp_shape} without axis "
                    f"{ax} (size {yp_shape[ax]}), not without the last axis (size "
                    f"{yp_shape[-1]}). Keras and optax take the class axis last; PyTorch "
                    "takes it at dim 1. If the shapes happened to fit another axis, the "
                    "loss would silently treat the wrong axis as classes."
                )
                fix = f"Move the class axis: y_pred.moveaxis({ax}, -1) (or transpose for PyTorch)."
                out.append(Cause("axis", "class axis mismatch", msg, fix))
                break
    elif (
        len(yt_shape) == 1
        and len(yp_shape) == 2
        and yp_shape[1] == 1
        and yt_shape[0] == yp_shape[0]
    ):
        n = yt_shape[0]
        msg = (
            f"y_true has shape {yt_shape} and y_pred {yp_shape}. Broadcasting them "
            f"creates an {n}×{n} comparison, giving a plausible but wrong number; Keras' "
            "loss classes squeeze the trailing 1 first, but raw ops and hand-written "
            "formulas do not."
        )
        fix = "Reshape y_true to (N, 1) or squeeze y_pred to (N,)."
        out.append(Cause("broadcast", "shapes (N,) vs (N, 1)", msg, fix))
    return out


def rule_swapped(f: Facts) -> list[Cause]:
    """PAIN 27: y_true and y_pred swapped."""
    if f.label_kind != "soft" or f.y_true.dtype.kind in "iu":
        return []  # labels that are all 0/1 are not probabilities a model produced
    yt, yp = f.y_true, f.y_pred
    true_cont = np.all((yt >= 0) & (yt <= 1)) and np.any((yt > 0) & (yt < 1))
    pred_01 = np.all((yp == 0) | (yp == 1))
    if not (true_cont and pred_01):
        return []
    with np.errstate(all="ignore"):
        swapped = np.asarray(core.cross_entropy(yt, yp)) if yt.ndim else None
    msg = (
        "y_true is continuous in (0, 1) while y_pred is exactly 0/1: the arguments look "
        "swapped (Keras and scikit-learn take (y_true, y_pred), PyTorch (input, target), "
        "optax (logits, labels), Keras ≤ 2.0.6 backend (output, target))."
    )
    if swapped is not None:
        msg += f" The loss with the order swapped = {fmt_array(swapped)}."
    fix = "Swap the arguments."
    return [Cause("swapped_arguments", "arguments look swapped", msg, fix)]


def rule_magnitude(f: Facts) -> list[Cause]:
    """PAIN 28: reference points for the size of a loss."""
    observed = f.options.get("_observed")
    values = np.asarray(observed, np.float64)
    if observed is None or f.num_classes < 2 or not np.any(np.isfinite(values)):
        return []
    obs = float(np.mean(values[np.isfinite(values)]))
    log_c = math.log(f.num_classes)
    if not (obs > 2 * log_c or (0 < obs < 1e-6)):
        return []
    msg = (
        f"For reference: a uniform prediction over C = {f.num_classes} classes costs "
        f"log C = {fmt_value(log_c, 7)}; Keras' floor for a perfect prediction is "
        f"−log(1 − 1e-07) ≈ 1.19e-07 per row in float32. The observed "
        f"{fmt_value(obs, 6)} is "
        + (
            "more than 2·log C: at initialisation this points to a bad output bias or wrong label format."
            if obs > 2 * log_c
            else "at the clipping floor, not exactly 0."
        )
    )
    return [
        Cause(
            "magnitude",
            "loss magnitude",
            msg,
            "Check the output layer's bias and the label format.",
            details={"at_floor": not obs > 2 * log_c},
        )
    ]


_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8}


def memory_estimate(
    shape: tuple[int, ...],
    dtype: str = "float32",
    *,
    ignored_fraction: float = 0.0,
    chunk_rows: int | None = None,
) -> dict[str, float]:
    """GiB taken by the logits, their float32 copy and gradient, and what chunking saves.

    Parameters
    ----------
    shape : tuple of int
        Logits shape, class axis last (e.g. ``(tokens, vocab)`` or ``(B, T, V)``).
    dtype : str
        The logits' dtype.
    ignored_fraction : float
        Fraction of rows whose target is ignored (prompt tokens, padding).
    chunk_rows : int, optional
        Rows per chunk for a chunked loss.

    Examples
    --------
    PAIN.md item 16: 8192 tokens × a 151,936-word vocabulary.

    >>> from crossent.explain._diagnose import memory_estimate
    >>> est = memory_estimate((8192, 151936), "bfloat16")
    >>> print(round(est["logits_gib"], 2), round(est["float32_copy_gib"], 2))
    2.32 4.64
    """
    n = float(np.prod(shape, dtype=np.float64))
    gib = 1024.0**3
    vocab = shape[-1]
    rows = n / vocab
    est = {
        "logits_gib": n * _BYTES.get(dtype, 4) / gib,
        "float32_copy_gib": n * 4 / gib,
        "gradient_gib": n * _BYTES.get(dtype, 4) / gib,
        "float32_copy_non_ignored_gib": n * 4 * (1 - ignored_fraction) / gib,
    }
    if chunk_rows is not None:
        est["chunk_gib"] = min(chunk_rows, rows) * vocab * 4 / gib
    return est


def rule_memory(f: Facts) -> list[Cause]:
    """PAIN 16: the logits tensor and its float32 copies dominate memory."""
    if f.y_pred.ndim < 2 or f.y_pred.size < 50_000_000:
        return []
    est = memory_estimate(tuple(f.y_pred.shape), f.dtype)
    msg = (
        f"The logits hold {f.y_pred.size:,} values: {est['logits_gib']:.2f} GiB in "
        f"{f.dtype}, {est['float32_copy_gib']:.2f} GiB upcast to float32, and "
        f"{est['gradient_gib']:.2f} GiB again for the gradient. A chunked or fused loss "
        "(crossent.value_and_grad with overwrite_logits=True) needs no extra N×C array."
    )
    return [
        Cause(
            "memory",
            "memory of the logits",
            msg,
            "Chunk the loss over rows, or fuse it.",
            details=est,
        )
    ]


# --------------------------------------------------------------------- options


def _per_example(f: Facts) -> np.ndarray:
    """Exact per-example losses (logits or probabilities, dense or integer labels)."""
    if f.pred_kind == "logits" or f.from_logits:
        return _softmax_ce(f)
    return _exact_ce(f)


def rule_weighting(f: Facts) -> list[Cause]:
    """PAIN 6 and 7: class weights (PyTorch) and sample weights (Keras) denominators."""
    out: list[Cause] = []
    weight = f.options.get("weight")
    if weight is not None and f.label_kind in ("integer", "one_hot"):
        w = np.asarray(weight, np.float64)
        labels = (
            f.y_true.astype(np.int64)
            if f.label_kind == "integer"
            else np.argmax(f.y_true, -1)
        )
        ignore = f.options.get("ignore_index", -100)
        valid = labels != ignore
        w_y = np.where(valid, w[np.clip(labels, 0, len(w) - 1)], 0.0)
        loss = np.where(valid, _per_example(f), 0.0)
        weighted = w_y * loss
        total, denom = float(weighted.sum()), float(w_y.sum())
        n = int(valid.sum())
        mean_torch = total / denom if denom else math.nan
        mean_plain = float(weighted.mean()) if weighted.size else math.nan
        msg = (
            f"With class weights, PyTorch's reduction='mean' divides by the targets' "
            f"weights, not by N: mean = Σ w[y]·ℓ / Σ w[y] = {fmt_value(total, 6)} / "
            f"{fmt_value(denom, 6)} = {fmt_value(mean_torch, 5)}. The .mean() of the "
            f"unreduced (weighted) loss = {fmt_value(mean_plain, 5)}. Ratio = N / Σw = "
            f"{fmt_value(n / denom if denom else math.nan, 4)}. Per example "
            f"(reduction='none'): {fmt_array(weighted)}; sum {fmt_value(total, 6)}."
        )
        classes = np.unique(labels[valid])
        if classes.size == 1:
            msg += (
                f" Every target in this batch is class {int(classes[0])}: the weights "
                "cancel, so class weights have no effect on this batch."
            )
        fix = (
            "Pick the denominator you mean: reduction='sum' divided by N, or by Σ w[y]."
        )
        out.append(
            Cause(
                "weighting",
                "class-weighted mean divides by Σ w[y]",
                msg,
                fix,
                details={"mean": mean_torch, "plain_mean": mean_plain, "sum": total},
            )
        )
    sample_weight = f.options.get("sample_weight")
    if sample_weight is not None:
        w = np.asarray(sample_weight, np.float64)
        loss = _per_example(f)
        try:
            weighted = np.broadcast_to(w, loss.shape) * loss
        except ValueError:
            weighted = w.reshape(-1) * loss.reshape(-1)
        total, n, sw = (
            float(weighted.sum()),
            int(loss.size),
            float(np.broadcast_to(w, loss.shape).sum()),
        )
        if sw != n:
            msg = (
                f"Keras' default reduction 'sum_over_batch_size' divides Σ w·ℓ = "
                f"{fmt_value(total, 7)} by N = {n}: {fmt_value(total / n, 7)}. A weighted mean "
                f"(PyTorch/scikit-learn style, Keras' 'mean_with_sample_weight', and "
                f"Keras' metric) divides by Σ w = {fmt_value(sw, 6)}: "
                f"{fmt_value(total / sw if sw else math.nan, 7)}. Zero-weight (masked) "
                "entries still count in the denominator."
            )
            fix = (
                "Use reduction='mean_with_sample_weight' (Keras ≥ 3) or divide by the "
                "sum of the weights yourself."
            )
            out.append(
                Cause(
                    "weighting",
                    "sample-weighted loss divides by N",
                    msg,
                    fix,
                    details={
                        "sum_over_batch_size": total / n,
                        "weighted_mean": total / sw if sw else math.nan,
                    },
                )
            )
    return out


def rule_label_smoothing(f: Facts) -> list[Cause]:
    """PAIN 15: the smoothing conventions, and which one gives the observed number."""
    eps = f.options.get("label_smoothing")
    if not eps or f.label_kind not in ("integer", "one_hot"):
        return []
    k = f.num_classes
    y = _dense_labels(f)
    logits = f.pred_kind == "logits" or bool(f.from_logits)

    def ce(target: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            if logits:
                return np.asarray(core.softmax_cross_entropy(f.y_pred, target))
            return np.asarray(core.cross_entropy(np.clip(f.y_pred, 0, 1), target))

    conventions = {
        "ε/K (PyTorch, Keras, optax, mlx)": y * (1 - eps) + eps / k,
        "ε/(K−1) (papers, icefall, ESPnet)": y * (1 - eps) + (1 - y) * eps / (k - 1)
        if k > 1
        else y,
        "toward 0.5 (Keras binary losses)": y * (1 - eps) + 0.5 * eps,
    }
    values = {name: float(np.mean(ce(t))) for name, t in conventions.items()}
    values["unsmoothed"] = float(np.mean(ce(y)))
    listing = "; ".join(f"{name}: {fmt_value(v, 5)}" for name, v in values.items())
    msg = f"Label smoothing ε = {eps} over K = {k} classes has several conventions, all called label smoothing. Mean loss under each: {listing}."
    observed = f.options.get("_observed")
    if observed is not None:
        obs = float(np.mean(np.asarray(observed, np.float64)))
        best = min(values, key=lambda n: abs(values[n] - obs))
        msg += f" The observed {fmt_value(obs, 6)} matches the {best} convention."
    if f.options.get("weight") is not None:
        msg += " With class weights, PyTorch also weights the uniform (smoothing) term."
    fix = "Use the same convention on both sides (PyTorch and Keras: ε/K, including the target class)."
    return [
        Cause(
            "label_smoothing", "label smoothing conventions", msg, fix, details=values
        )
    ]


def rule_class_inference(f: Facts) -> list[Cause]:
    """PAIN 22: scikit-learn infers the classes from y_true."""
    one_d = f.y_pred.ndim == 1 or f.options.get("_binary_samples")
    if not one_d or f.y_true.shape != f.y_pred.shape:
        return []
    classes = np.unique(f.y_true)
    if classes.size >= 2:
        return []  # both classes present: the inference is right, nothing to say
    msg = (
        "y_pred is 1-D: scikit-learn's log_loss reads it as P(class = max(labels)), the "
        f"larger of the sorted labels; y_true has {classes.size} distinct value(s) "
        f"{classes.tolist()[:6]}."
    )
    if classes.size < 2:
        msg += (
            " With a single class in y_true, log_loss raises unless labels= is given "
            "(old versions binarised [1, 1, 1] to zeros and returned ~0: 9.99e-16 instead "
            "of 34.54 in scikit-learn#6703)."
        )
    fix = "Pass labels= with every class, and a 2-D y_pred with one column per class."
    return [Cause("class_inference", "classes inferred from y_true", msg, fix)]


def rule_sequence_aggregation(f: Facts) -> list[Cause]:
    """PAIN 18 and 25: token mean vs sequence mean (and perplexity) over padded sequences."""
    if f.label_kind != "integer" or f.y_true.ndim < 2:
        return []
    ignore = f.options.get("ignore_index", -100)
    labels = f.y_true.astype(np.int64)
    valid = labels != ignore
    if not np.any(valid):
        return []
    safe = np.where(valid, labels, 0)
    with np.errstate(all="ignore"):
        if f.pred_kind == "logits" or f.from_logits:
            nll = np.asarray(
                core.softmax_cross_entropy_with_integer_labels(f.y_pred, safe)
            )
        else:
            nll = -np.log(np.take_along_axis(f.y_pred, safe[..., None], -1)[..., 0])
    nll = np.where(valid, nll, 0.0)
    axes = tuple(range(1, labels.ndim))
    counts = valid.sum(axis=axes)
    seq_sum = nll.sum(axis=axes)
    token_mean = float(nll.sum() / valid.sum())
    with np.errstate(all="ignore"):
        seq_mean = seq_sum / counts
    seq_mean_of_means = float(np.nanmean(seq_mean))
    ppl_token = math.exp(token_mean)
    ppl_seq = float(np.nanmean(np.exp(seq_mean)))
    msg = (
        f"{labels.shape[0]} sequences with {fmt_array(counts)} scored tokens. Token mean "
        f"(Σ NLL / #tokens, what PyTorch's mean with ignore_index gives) = "
        f"{fmt_value(token_mean, 6)}; mean of per-sequence means = "
        f"{fmt_value(seq_mean_of_means, 6)}. Perplexity exp(token mean) = "
        f"{fmt_value(ppl_token, 5)}; mean of per-sequence perplexities = "
        f"{fmt_value(ppl_seq, 5)}. Averaging per micro-batch and then over "
        "accumulation steps weights tokens unequally in the same way."
    )
    if bool(np.all(counts == counts.flat[0])):
        return []
    fix = "Divide the summed NLL by the number of non-ignored tokens across the whole (accumulated) batch."
    return [
        Cause(
            "reduction",
            "token mean vs sequence mean",
            msg,
            fix,
            details={
                "token_mean": token_mean,
                "sequence_mean": seq_mean_of_means,
                "perplexity_token": ppl_token,
                "perplexity_sequence": ppl_seq,
            },
        )
    ]


def rule_focal(f: Facts) -> list[Cause]:
    """PAIN 26: a focal loss at γ = 0 that is CE/K or 0.25·CE."""
    observed = f.options.get("_observed")
    if (
        observed is None
        or f.label_kind not in ("one_hot", "integer", "soft")
        or f.num_classes < 2
    ):
        return []
    obs = np.asarray(observed, np.float64)
    ce = _per_example(f)
    if obs.shape not in ((), ce.shape):
        return []
    ce_cmp = ce if obs.shape else np.asarray(ce.mean())
    k = f.num_classes
    candidates = {
        f"CE / K (a mean over the {k} classes instead of a sum)": ce_cmp / k,
        "0.25 · CE (Keras' CategoricalFocalCrossentropy always applies alpha = 0.25)": 0.25
        * ce_cmp,
        "K · CE": ce_cmp * k,
    }
    tol = 5e-5 * np.maximum(1, np.abs(obs)) + 1e-12
    if not np.all(np.isfinite(obs)) or not np.all(np.isfinite(ce_cmp)):
        return []
    for name, value in candidates.items():
        if np.all(np.abs(value - obs) <= tol) and not np.allclose(value, ce_cmp):
            msg = (
                f"The observed {fmt_array(obs)} equals {name} = {fmt_array(value)}; the "
                f"cross-entropy itself is {fmt_array(ce_cmp)}. A focal loss with γ = 0 "
                "reduces to cross-entropy only when it sums over classes, applies no "
                "alpha and adds no ε inside the log."
            )
            fix = "Sum over classes and drop alpha (or set it to 1) when checking a focal loss against CE."
            return [Cause("focal", "focal loss at γ = 0 is not CE", msg, fix)]
    return []


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


RULES: tuple[Callable[[Facts], list[Cause]], ...] = (
    rule_nan_input,
    rule_logits_as_probs,
    rule_probs_as_logits,
    rule_renormalized,
    rule_clipped,
    rule_log_clamped,
    rule_binary_vs_categorical,
    rule_multi_label,
    rule_soft_labels,
    rule_overflow,
    rule_masked_logits,
    rule_precision,
    rule_label_range,
    rule_ignore_index,
    rule_axis,
    rule_swapped,
    rule_weighting,
    rule_label_smoothing,
    rule_class_inference,
    rule_sequence_aggregation,
    rule_focal,
    rule_magnitude,
    rule_memory,
)


def diagnose(f: Facts) -> list[Cause]:
    """Apply every rule to the inputs."""
    causes: list[Cause] = []
    for rule in RULES:
        causes.extend(rule(f))
    return causes
