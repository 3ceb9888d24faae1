"""explain(): the pipeline, top to bottom.

question (:mod:`._question`, :mod:`._facts`) → values of the usual implementations →
diagnosis of the inputs (:mod:`._diagnose`, evidence) → with an observed number:
hypotheses and search (:mod:`._hypothesis`, :mod:`._search`, :mod:`._solve`), the
deviations of the best one as causes (:mod:`._deviations`, :mod:`._answer`);
without: the step comparison of the implementations named (:mod:`._stepcauses`)
→ the :class:`~crossent.explain._explanation.Explanation` that renders it all.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np

from crossent._core._exact_softmax import plain_formulas
from crossent.explain._answer import answer, expected_uniform, gap_causes
from crossent.explain._deviations import compare_model
from crossent.explain._diagnose import diagnose
from crossent.explain._explanation import Explanation, ValueRow
from crossent.explain._facts import Facts, facts
from crossent.explain._identify import PLAIN_ABOVE
from crossent.explain._matching import observed_array
from crossent.explain._model import model_inputs
from crossent.explain._question import align_broadcast, bind_impl, posed_options
from crossent.explain._runs import Runs
from crossent.explain._shown import (
    as_specs,
    reference_points,
    reference_spec,
    shown_comparison,
)
from crossent.explain._spec import (
    Spec,
    check_from_logits,
    check_option_names,
    check_options,
    reduced_like,
)
from crossent.explain._stepcauses import attach_contributions, order
from crossent.frameworks._rows import run_value

__all__ = ["Explanation", "ValueRow", "explain"]


_DEFAULTS: Mapping[tuple[str, str], tuple[str, ...]] = {
    ("dense", "probabilities"): (
        "exact.categorical",
        "textbook.categorical(reduction='mean')",
        "keras.losses.CategoricalCrossentropy",
        "tf_keras.losses.CategoricalCrossentropy",
        "sklearn.metrics.log_loss",
    ),
    ("dense", "logits"): (
        "exact.softmax",
        "tf.nn.softmax_cross_entropy_with_logits",
        "torch.nn.functional.cross_entropy",
        "keras.losses.CategoricalCrossentropy(from_logits=True)",
        "optax.softmax_cross_entropy",
    ),
    ("integer", "probabilities"): (
        "keras.losses.SparseCategoricalCrossentropy",
        "tf_keras.losses.SparseCategoricalCrossentropy",
    ),
    ("integer", "logits"): (
        "tf.nn.sparse_softmax_cross_entropy_with_logits",
        "torch.nn.functional.cross_entropy",
        "optax.softmax_cross_entropy_with_integer_labels",
        "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
    ),
    ("binary", "probabilities"): (
        "exact.binary",
        "keras.losses.BinaryCrossentropy",
        "tf_keras.losses.BinaryCrossentropy",
        "torch.nn.functional.binary_cross_entropy",
    ),
    ("binary", "logits"): (
        "exact.sigmoid_binary",
        "tf.nn.sigmoid_cross_entropy_with_logits",
        "torch.nn.functional.binary_cross_entropy_with_logits",
        "optax.sigmoid_binary_cross_entropy",
    ),
}


def _default_specs(f: Facts) -> tuple[str, ...]:
    labels = {
        "integer": "integer",
        "binary_column": "binary",
        "multi_hot": "binary",
    }.get(f.label_kind, "dense")
    preds = (
        "logits"
        if (f.from_logits or (f.from_logits is None and f.pred_kind == "logits"))
        else "probabilities"
    )
    return _DEFAULTS[(labels, preds)]


def _value_rows(
    specs: Sequence[Spec],
    f: Facts,
    y_true: Any,
    y_pred: Any,
    runs: Runs,
    traced: Sequence[Spec] = (),
) -> list[ValueRow]:
    """Each spec's value; those in ``traced`` (the ones a comparison may need) are
    run with a trace, kept in ``runs``."""
    rows = []
    for spec in specs:
        impl = spec.implementation
        yp = model_inputs(impl, spec.options, f.from_logits, y_pred)
        note = ""
        if yp is not y_pred:
            note = f"{impl.summary} (given the model's {'sigmoid' if impl.labels == 'binary' else 'softmax'} of the logits)"
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # e.g. scikit-learn row sums
                if spec in traced:
                    value = runs.traced(impl, spec.options, yp).final.get("value")
                else:
                    plan, state = bind_impl(impl, y_true, yp, **dict(spec.options))
                    value = run_value(plan, state)
                    runs.remember(impl, spec.options, y_true, yp, value)
        except Exception as err:
            rows.append(
                ValueRow(
                    spec,
                    float("nan"),
                    impl.summary,
                    f"raises {type(err).__name__}: {err}",
                )
            )
            continue
        rows.append(ValueRow(spec, np.asarray(value), impl.summary, note))
    return rows


_LARGE = 1_000_000


def _textbook_for(f: Facts) -> list[str]:
    """The hand-written and exact formulas that fit these predictions."""
    if f.from_logits or (f.from_logits is None and f.pred_kind == "logits"):
        return ["exact.softmax", "exact.sigmoid_binary"]
    return [
        "textbook.categorical",
        "textbook.binary",
        "exact.categorical",
        "exact.binary",
    ]


def explain(
    y_true: Any,
    y_pred: Any,
    *,
    observed: Any = None,
    against: Sequence[Any] | str | None = None,
    from_logits: bool | None = None,
    expected: Any = None,
    **options: Any,
) -> Explanation:
    """Explain cross-entropy numbers on these inputs: values, matches, causes.

    Parameters
    ----------
    y_true, y_pred : array_like
        Targets (one-hot, soft, binary or integer class ids) and predictions
        (probabilities, or logits with ``from_logits=True``).
    observed : float or array_like, optional
        A number you saw and want explained (:func:`identify` finds who computes it).
    against : str or list of str, optional
        Implementations to compare with (the first one is the comparison's B);
        default: the exact core.
    from_logits : bool, optional
        Whether ``y_pred`` are logits. Default: inferred (values outside [0, 1]).
    expected : float or array_like, optional
        The number you expected instead of ``observed`` (your own formula's, another
        tool's): explain then also searches for what produces it, and the causes
        are what separates the two numbers. Needs ``observed``.
    **options
        Options passed to the implementations that accept them (``reduction``,
        ``sample_weight``, ``weight``, ``ignore_index``, ``label_smoothing``...).

    Returns
    -------
    Explanation
        ``values`` (each implementation's number), ``identification`` (who
        computes ``observed``), ``comparison`` (step attribution of the gap) and
        ``causes`` (diagnosis codes with messages, numbers, contributions, fixes).

    Examples
    --------
    Seed question 000: why 0.0946 and not Keras' 0.3240?

    >>> import numpy as np
    >>> import crossent
    >>> y = np.eye(3)
    >>> p = np.array([[.9, .05, .05], [.5, .89, .6], [.05, .01, .94]])
    >>> e = crossent.explain(y, p, observed=0.0946)
    >>> e.codes[0]
    'renormalized'
    """
    if np.size(y_pred) > PLAIN_ABOVE:
        # explain compares numbers with the digits a person wrote: on large inputs
        # the core's plain float64 formulas (a few ulp) are precise enough and the
        # double-double path would take most of the time
        with plain_formulas():
            return _explain(
                y_true, y_pred, observed, against, from_logits, options, expected
            )
    return _explain(y_true, y_pred, observed, against, from_logits, options, expected)


def _explain(
    y_true: Any,
    y_pred: Any,
    observed: Any,
    against: Sequence[Any] | str | None,
    from_logits: bool | None,
    options: dict[str, Any],
    expected: Any = None,
) -> Explanation:
    check_from_logits("explain", from_logits)
    check_option_names("explain", options)
    if observed is not None:
        observed_array("explain", observed)  # a clear error for what is not a number
    if expected is not None:
        if observed is None:
            raise ValueError(
                "explain: `expected` is the number you expected instead of "
                "`observed`; give `observed` too."
            )
        observed_array("explain", expected, name="expected")
    aligned = align_broadcast(y_true, y_pred)
    if aligned is not None:
        # shapes that only broadcast: the question is posed on y_pred laid out like
        # y_true, and what the implementations do with the given shapes is a
        # hypothesis ("broadcast")
        options["_broadcast"] = (np.asarray(y_true), np.asarray(y_pred))
        y_pred = aligned
    _check_shapes(y_true, y_pred)
    against_list = [against] if isinstance(against, str) else list(against or ())
    for spec in as_specs(against_list, {}):
        check_options(spec)
    given_shapes = (np.shape(y_true), np.shape(y_pred))
    posed = posed_options(
        y_true,
        y_pred,
        options,
        # ambiguous (N, A, A) logits with (N, A) class ids: classes last, the
        # sequence layout; PyTorch's reading of axis 1 is a hypothesis of its own
        torch_layout=False,
    )
    y_true, y_pred = posed.y_true, posed.y_pred
    if posed.notes and np.ndim(posed.y_pred) == 2 and np.shape(posed.y_pred)[1] == 1:
        options["_binary_samples"] = True  # 1-D vectors: no "one output unit" warning
    if posed.class_axis != -1:
        options["_given_shapes"] = given_shapes
    f = facts(y_true, y_pred, from_logits=from_logits, _observed=observed, **options)
    shared = {
        k: _coerce(v, y_pred) for k, v in options.items() if not k.startswith("_")
    }
    defaults = [s for s in _default_specs(f) if s not in against_list]
    if f.y_pred.size > _LARGE and against_list:
        defaults = defaults[
            :1
        ]  # large inputs: the exact reference, not every framework
    shown = as_specs(against_list, shared) + as_specs(defaults, shared, strict=False)
    runs = Runs(y_true, y_pred)
    values = _value_rows(
        shown, f, y_true, y_pred, runs, traced=as_specs(against_list, shared)
    )
    ident = None
    comp = None
    ans = None
    binary_involved = any(
        s.implementation.labels == "binary" for s in as_specs(against_list, shared)
    )
    if f.label_kind == "one_hot" and not binary_involved:
        f = _without_binary(f)  # the answer reads the binary rule when it needs it
    causes = diagnose(f)
    if (
        len(causes) > 1
    ):  # a large loss only needs reference points if nothing else explains
        causes = [
            c
            for c in causes
            if c.code != "magnitude"
            or c.details.get("at_floor")
            or c.details.get("uniform")
        ]
    ans_e = None
    if observed is not None:
        ask = partial(
            answer,
            y_true,
            y_pred,
            f=f,
            against=as_specs(against_list, shared),
            shared=shared,
            runs=runs,
            evidence=causes,
            from_logits=from_logits,
            large=f.y_pred.size > _LARGE,
        )
        ans = ask(observed)
        ident = ans.identification
        causes = list(ans.causes)
        if expected is not None:
            ans_e = ask(expected)
            gap = gap_causes(ans, ans_e)
            have = {c.code for c in gap}
            # log C taken for a bound, when nothing computes it on these inputs
            uniform = [
                c
                for c in expected_uniform(expected, f)
                if c.code not in have and ans_e.best is None
            ]
            causes = [*uniform, *gap]
        # when the answer is what produces the expected number, a trace of the
        # observed number against the exact formula is not the question
        by_expected = ans_e is not None and not ans.causes
        comp = (
            None
            if by_expected
            else shown_comparison(ans, against_list, shared, f, runs)
        )
        if comp is not None and ans.best is not None and not ans.best.deviations:
            # the reference reproduces the number: the facts the inputs show get
            # their share of the gap to the exact formula (no cause from a step name)
            causes = attach_contributions(causes, comp, f, only_known=True)
    elif len(against_list) >= 2:
        specs = as_specs(against_list, shared)
        a_value = values[0].value if values else None
        b_spec = reduced_like(specs[1], a_value, specs[0])
        comp = compare_model(specs[0], b_spec, f, runs)
    elif len(against_list) == 1:
        specs = as_specs(against_list, shared)
        a_value = values[0].value if values else None
        comp = compare_model(specs[0], reference_spec(f, a_value, specs[0]), f, runs)
    if comp is not None and observed is None:
        causes = attach_contributions(causes, comp, f)
    refs = reference_points(f)
    inputs = {
        "y_true_shape": list(np.shape(y_true)),
        "y_pred_shape": list(np.shape(y_pred)),
        "dtype": f.dtype,
        "labels": f.label_kind,
        "predictions": "logits" if from_logits else f.pred_kind,
    }
    if posed.notes:
        inputs["read_as"] = "; ".join(posed.notes)
    return Explanation(
        inputs,
        tuple(values),
        observed,
        ident,
        comp,
        order(causes),
        refs,
        ans,
        expected,
        ans_e,
    )


def _check_shapes(y_true: Any, y_pred: Any) -> None:
    """Shapes no implementation can take together: neither the same (or broadcasting)
    shape, nor class ids for the predictions' rows."""
    yt, yp = np.shape(y_true), np.shape(y_pred)
    ids = len(yt) == len(yp) - 1 and any(
        yp[:i] + yp[i + 1 :] == yt for i in range(len(yp))
    )  # class ids, whichever axis holds the classes (the axis rule says which)
    moved = len(yt) == len(yp) and sorted(yt) == sorted(yp)  # a class axis elsewhere
    if yt != yp and not (ids or moved):
        try:
            common = f" (they broadcast to {np.broadcast_shapes(yt, yp)})"
        except ValueError:
            common = ""
        raise ValueError(
            f"explain: `y_true` of shape {yt} does not fit `y_pred` of shape {yp}"
            f"{common}: give one-hot or soft labels of shape {yp}, or integer class "
            f"ids of shape {yp[:-1]}."
        )


def _coerce(value: Any, y_pred: Any) -> Any:
    """Lists of numbers (weights) as arrays in the predictions' floating dtype.

    A Python list would become a float32 tensor in PyTorch and clash with float64
    predictions; the user means "these weights", not that dtype.
    """
    if (
        isinstance(value, (list, tuple))
        and value
        and all(isinstance(v, (int, float)) for v in value)
    ):
        dtype = np.asarray(y_pred).dtype
        return np.asarray(value, dtype=dtype if dtype.kind == "f" else np.float64)
    return value


def _without_binary(f: Facts) -> Facts:
    from dataclasses import replace

    return replace(f, options={**f.options, "_categorical_only": True})
