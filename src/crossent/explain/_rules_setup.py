"""Diagnosis rules about how the loss is set up: dtype, label range, ignored
targets, class axis, swapped arguments, magnitude, memory, weights, label
smoothing, class inference, sequence aggregation, focal losses."""

from __future__ import annotations

import math

import numpy as np

import crossent._core as core
from crossent.explain._cause import Cause
from crossent.explain._facts import Facts
from crossent.explain._render import fmt_array, fmt_value
from crossent.explain._rulebase import (
    _BYTES,
    _dense_labels,
    _exact_ce,
    _per_example,
    _rows,
    _softmax_ce,
)


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
    given = f.options.get("_broadcast")
    if given is not None:
        yt_shape, yp_shape = given[0].shape, given[1].shape
        both = np.broadcast_shapes(yt_shape, yp_shape)
        grid = "×".join(str(d) for d in both)
        msg = (
            f"y_true has shape {yt_shape} and y_pred {yp_shape}: they broadcast to "
            f"{both}, a {grid} comparison, so every label is paired with every "
            f"prediction along the mismatched axes ({int(np.prod(both))} pairs for "
            f"{f.y_true.size} labels), and a mean averages over all those pairs. "
            "Laid out like y_true, the same predictions give the number explain uses "
            "as the reference."
        )
        if len(yt_shape) == 1 and yp_shape == (*yt_shape, 1):
            msg += (
                " Keras' loss classes squeeze the trailing 1 first, but raw ops and "
                "hand-written formulas do not."
            )
        fix = (
            f"Give y_pred the shape of y_true {yt_shape} (stack or concatenate the "
            "outputs, squeeze or reshape) before calling the loss."
        )
        return [Cause("broadcast", "shapes that broadcast", msg, fix)]
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
    if abs(obs - log_c) <= 1e-4 * log_c:
        msg = (
            f"The observed {fmt_value(obs, 6)} is log C = {fmt_value(log_c, 7)}, the loss "
            f"of a uniform prediction over C = {f.num_classes} classes: every class "
            "gets probability 1/C, whatever the label. A model whose loss sits there "
            "outputs the same score for every class (a collapsed or dead output "
            "layer, a learning rate too high, inputs not reaching the network) — or "
            "the scores are squashed before the loss (softmax applied twice)."
        )
        return [
            Cause(
                "magnitude",
                "the loss of a uniform prediction",
                msg,
                "Check that the model's scores vary across classes: print the logits "
                "of a few examples, and the learning rate and initial output bias.",
                details={"uniform": True, "log_c": log_c},
            )
        ]
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
    docs/mistakes.md item 16: 8192 tokens × a 151,936-word vocabulary.

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
