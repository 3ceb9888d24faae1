"""The catalogue of hypotheses: the mistakes before and after the loss, by name.

Each entry is a name → (stable cause code, what the user did, in words); TEXT
gives each cause code found by the search its title and fix. The
transformations themselves are in :mod:`._hypothesis` (how a configuration runs)
and :mod:`._formulas` (formulas written by hand); :mod:`._search` decides which
entries to try on a question.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["INPUTS", "OUTPUTS", "TEXT", "option_code"]

#: Input transformations: name → (cause code, what the user did).
INPUTS: Mapping[str, tuple[str, str]] = {
    "activated_again": (
        "probs_as_logits",
        "softmax/sigmoid applied to values that were already probabilities",
    ),
    "raw_logits": ("logits_as_probs", "logits used as probabilities"),
    "as_log_probs": (
        "logits_as_log_probs",
        "predictions used as log-probabilities (no log_softmax)",
    ),
    "probs_as_log_probs": (
        "logits_as_log_probs",
        "probabilities used as log-probabilities (softmax, not log_softmax, before "
        "an NLL)",
    ),
    "smoothed": ("label_smoothing", "labels smoothed by hand (y·(1 − ε) + ε/C)"),
    "log_eps": ("log_clamped", "a small ε added inside the log"),
    "unguarded_log": (
        "overflow",
        "log of probabilities that reach 0 (log(softmax) by hand, no ε, no "
        "log_softmax)",
    ),
    "axis0": ("axis", "softmax taken over the examples (axis 0), not the classes"),
    "naive_softmax": (
        "overflow",
        "softmax by hand as exp(z) / Σ exp(z) without subtracting the maximum (exp "
        "overflows to inf, inf / inf = NaN)",
    ),
    "ignored_kept": (
        "ignore_index",
        "the targets equal to ignore_index kept in the loss (the implementation "
        "has no ignore_index; nothing masked them)",
    ),
    "prompt_masked": (
        "ignore_index",
        "the first k targets of each sequence (a prompt) set to the ignore index, "
        "so that only the rest (the response) is scored",
    ),
    "binary_samples": (
        "class_inference",
        "the single row read as N binary samples, one probability each (what "
        "scikit-learn and Keras' binary losses do with 1-D arrays)",
    ),
    "broadcast": (
        "broadcast",
        "y_true and y_pred of different shapes broadcast against each other "
        "(every label paired with every prediction)",
    ),
    "axis_swapped": (
        "axis",
        "the class axis read from axis 1 (PyTorch's (N, C, d) reading of (N, d, C) "
        "logits, or the reverse)",
    ),
    "clip_eps": ("clipped", "probabilities clipped to [ε, 1 − ε]"),
    "swapped": ("swapped_arguments", "y_true and y_pred swapped"),
    "other_family": (
        "binary_vs_categorical",
        "the other family's formula (binary summed over classes, or categorical "
        "−Σ y·log p on sigmoid outputs)",
    ),
    "layer_logits": (
        "fit_vs_call",
        "the loss computed from the output layer's logits (Keras fit/evaluate)",
    ),
}

#: Output transformations: name → (cause code, what the user did).
OUTPUTS: Mapping[str, tuple[str, str]] = {
    "sum": ("reduction", "summed over the examples instead of averaged"),
    "elements": ("reduction", "averaged over every element (N·C), not the N examples"),
    "log2": ("log_base", "the log taken in base 2 (bits, not nats)"),
    "batch_mean": ("batch_mean", "a mean of per-batch means"),
    "batch_sum_over_n": (
        "reduction",
        "per-batch means added up and divided by the number of examples (a "
        "running loss of batch means over the dataset size)",
    ),
    "all_n": (
        "reduction",
        "divided by all N positions, ignored or zero-weight ones included",
    ),
    "class_sum": ("reduction", "summed over the classes, then averaged over examples"),
    "divided": (
        "reduction",
        "divided once more by k (a mean normalised twice: by the token count and "
        "again by the accumulation steps or devices)",
    ),
    "multiplied": (
        "reduction",
        "multiplied by k (k means added up: micro-batches, devices or heads)",
    ),
    "nats_as_bits": (
        "log_base",
        "the loss in nats taken as bits (2**loss for a perplexity: ln(2**ℓ) = ℓ·ln 2)",
    ),
    "sequence_mean": (
        "batch_mean",
        "a mean of per-sequence means (each sequence's tokens averaged first)",
    ),
    "sequence_ppl": (
        "batch_mean",
        "a mean of per-sequence perplexities (ln of the mean of exp(sequence mean))",
    ),
}

#: Option → cause code, for deviations that change one option.
_OPTION_CODES: Mapping[str, str] = {
    "reduction": "reduction",
    "normalize": "reduction",
    "label_smoothing": "label_smoothing",
    "axis": "axis",
    "alpha": "focal",
    "gamma": "focal",
    "apply_class_balancing": "focal",
    "sample_weight": "weighting",
    "weight": "weighting",
    "pos_weight": "weighting",
    "ignore_index": "ignore_index",
    "soft_label": "soft_labels",
    "eps": "clipped",
    "epsilon": "clipped",
}


def option_code(name: str, old: Any, new: Any) -> str:
    """The cause code of changing option ``name`` from ``old`` to ``new``."""
    if name in ("from_logits", "use_softmax", "with_logits"):
        return "logits_as_probs" if not new else "probs_as_logits"
    return _OPTION_CODES.get(name, "reduction" if "reduc" in name else "weighting")


#: code → (title, fix), for causes found by the search.
TEXT: dict[str, tuple[str, str]] = {
    "probs_as_logits": (
        "softmax/sigmoid applied to probabilities",
        "Give a loss that applies softmax/sigmoid itself (from_logits=True, "
        "torch.nn.CrossEntropyLoss, tf.nn.*_with_logits) the logits, not the "
        "softmax/sigmoid outputs.",
    ),
    "logits_as_probs": (
        "logits read as probabilities",
        "Pass from_logits=True (or apply softmax/sigmoid first).",
    ),
    "logits_as_log_probs": (
        "logits used as log-probabilities",
        "Apply log_softmax before NLLLoss or a hand-written −Σ y·(log p), or use "
        "cross_entropy on the logits.",
    ),
    "reduction": (
        "a different reduction",
        "Reduce both numbers the same way (mean over examples, or sum).",
    ),
    "batch_mean": (
        "a mean of per-batch means",
        "Weight each batch's mean by its size (or sum the losses and divide by N).",
    ),
    "log_base": (
        "logarithm in base 2",
        "Divide by ln 2 to convert nats to bits (or multiply bits by ln 2).",
    ),
    "log_clamped": (
        "ε added inside the log",
        "Use log_softmax / a fused cross-entropy instead of log(p + ε).",
    ),
    "clipped": (
        "probabilities clipped",
        "Compute from logits (from_logits=True) to avoid the clip.",
    ),
    "swapped_arguments": (
        "arguments swapped",
        "Pass (y_true, y_pred) in the order the function takes them.",
    ),
    "label_smoothing": (
        "label smoothing",
        "Set the same label_smoothing on both sides.",
    ),
    "focal": (
        "focal-loss parameters",
        "Set the same alpha, gamma and class balancing.",
    ),
    "weighting": ("weights", "Apply the same weights on both sides."),
    "axis": ("class axis", "Name the class axis (axis=…) or move it last."),
    "ignore_index": ("ignored targets", "Use the same ignore_index on both sides."),
    "precision": (
        "dtype and rounding",
        "Compute the loss in float32 or float64.",
    ),
    "binary_vs_categorical": (
        "binary and categorical formulas",
        "Use the categorical loss for one label per example, the binary one for "
        "independent labels.",
    ),
    "multi_label": (
        "several true classes per example",
        "For multi-label targets use sigmoid outputs and binary cross-entropy.",
    ),
    "renormalized": (
        "rows renormalised",
        "Normalise the rows, or compare like with like.",
    ),
    "overflow": ("probabilities turned back into logits", "Compute from logits."),
    "fit_vs_call": (
        "loss computed from the layer's logits in fit/evaluate",
        "Compare evaluate() with the loss on the logits (from_logits=True), or "
        "with a loss computed by a model without the final activation.",
    ),
}
