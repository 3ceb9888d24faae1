"""explain(): values, matches, a step attribution and a diagnosis, in one object."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from crossent.explain._answer import Answer, _exact_rows, answer
from crossent.explain._cause import CAUSE_CODES, Cause
from crossent.explain._compare import Comparison, attribute
from crossent.explain._diagnose import diagnose
from crossent.explain._facts import Facts, facts
from crossent.explain._identify import Identification, observed_array
from crossent.explain._model import model_inputs
from crossent.explain._question import bind_impl, posed_options
from crossent.explain._render import (
    dict_of,
    fmt_array,
    fmt_value,
    html_table,
    jsonable,
    rich_table,
    text_table,
)
from crossent.explain._runs import Runs
from crossent.explain._spec import (
    Spec,
    as_spec,
    check_from_logits,
    check_option_names,
    check_options,
)
from crossent.explain._trace import Trace
from crossent.frameworks._registry import registry

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

__all__ = ["Explanation", "ValueRow", "explain"]


@dataclass(frozen=True)
class ValueRow:
    """One implementation's value on the inputs."""

    spec: Spec
    value: Any
    summary: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return dict_of(
            {
                "implementation": self.spec.path,
                "options": dict(self.spec.options),
                "value": self.value,
                "summary": self.summary,
                "note": self.note,
            }
        )


@dataclass(frozen=True)
class Explanation:
    """Why cross-entropy numbers on these inputs differ, in numbers and words."""

    inputs: Mapping[str, Any]
    values: tuple[ValueRow, ...]
    observed: Any
    identification: Identification | None
    comparison: Comparison | None
    causes: tuple[Cause, ...]
    reference_points: Mapping[str, float] = field(default_factory=dict)
    answer: Answer | None = field(default=None, compare=False, repr=False)

    @property
    def codes(self) -> tuple[str, ...]:
        """The cause codes found, in order."""
        return tuple(c.code for c in self.causes)

    def cause(self, code: str) -> Cause | None:
        """The cause with this code, or None."""
        return next((c for c in self.causes if c.code == code), None)

    @property
    def summary(self) -> str:
        """One paragraph: what the observed number is and where the gap comes from."""
        if self.answer is not None:
            return _answer_summary(self, self.answer)
        parts: list[str] = []
        ident, comp = self.identification, self.comparison
        if self.observed is not None:
            if ident is not None and ident.matches:
                best = ident.matches[0]
                parts.append(f"{fmt_array(self.observed)} is what {best.spec} computes")
                others = list(dict.fromkeys(str(m.spec) for m in ident.matches[1:]))
                if others:
                    shown = ", ".join(others[:2])
                    more = f" and {len(others) - 2} more" if len(others) > 2 else ""
                    verb = "does" if len(others) == 1 else "do"
                    parts[-1] += f" (as {verb} {shown}{more})"
            else:
                parts.append(
                    f"No known implementation gives {fmt_array(self.observed)}"
                )
        if comp is not None:
            a = Spec(comp.a.implementation, comp.a.options)
            b = Spec(comp.b.implementation, comp.b.options)
            if self.observed is None:
                parts.append(f"{a} gives {fmt_array(comp.a.value)}")
            parts.append(f"{b} gives {fmt_array(comp.b.value)}")
            finite = math.isfinite(comp.gap)
            if not finite and comp.first_divergence:
                culprit = comp.nonfinite_step
                code = f" ({culprit.cause})" if culprit is not None else ""
                parts.append(
                    f"the value turns inf/NaN at step '{comp.first_divergence}'{code}"
                )
            moving = [c for c in self.causes if c.contribution]
            if moving and finite:
                named = [f"{c.code} ({_signed(c.contribution or 0.0)})" for c in moving]
                shares = (
                    named[0]
                    if len(named) == 1
                    else ", ".join(named[:-1]) + " and " + named[-1]
                )
                parts.append(f"the gap B − A = {_signed(comp.gap)} comes from {shares}")
            elif comp.gap == 0:
                parts.append("the two agree")
        for row in self.values:
            if row.note.startswith("raises "):
                reason = row.note.removeprefix("raises ").split(": ", 1)[-1]
                parts.append(f"{row.spec} cannot run on these inputs ({reason})")
        if not parts:
            parts.append(
                "crossent computed these inputs with the implementations below"
            )
        if not self.causes:
            parts.append("no cause of disagreement found in the inputs")
        return "; ".join(parts) + "."

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary (the schema of ``crossent explain --json``)."""
        out: dict[str, Any] = {
            "inputs": jsonable(dict(self.inputs)),
            "summary": self.summary,
            "values": [v.to_dict() for v in self.values],
            "causes": [c.to_dict() for c in self.causes],
            "reference_points": jsonable(dict(self.reference_points)),
        }
        if self.observed is not None:
            out["observed"] = jsonable(self.observed)
            ident = self.identification
            out["matches"] = [m.to_dict() for m in ident.matches] if ident else []
        if self.comparison is not None:
            out["comparison"] = self.comparison.to_dict()
        return out

    def _value_rows(self) -> list[list[str]]:
        return [
            [str(v.spec), fmt_array(v.value), v.note or v.summary] for v in self.values
        ]

    def __str__(self) -> str:
        lines = [self.summary, ""]
        lines.append(
            text_table(
                ["implementation", "value", "what it computes"], self._value_rows()
            )
        )
        if self.identification is not None and self.identification.matches:
            lines += ["", str(self.identification)]
        if self.comparison is not None:
            lines += ["", str(self.comparison)]
        for c in self.causes:
            share = "" if c.contribution is None else f" [{_share(c.contribution)}]"
            lines += [
                "",
                f"* {c.code}: {c.title}{share}",
                f"  {c.message}",
                f"  Fix: {c.fix}",
            ]
        if self.reference_points:
            refs = ", ".join(
                f"{k} = {fmt_value(v, 7)}" for k, v in self.reference_points.items()
            )
            lines += ["", f"Reference points: {refs}"]
        return "\n".join(lines)

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:
        from rich.panel import Panel
        from rich.text import Text

        yield Panel(Text(self.summary), title="crossent explain", expand=False)
        yield rich_table(
            ["implementation", "value", "what it computes"],
            self._value_rows(),
            title="values",
            title_justify="left",
            whole=["implementation"],
            max_width=options.max_width,
        )
        if self.identification is not None and self.identification.matches:
            yield self.identification
        if self.comparison is not None:
            yield self.comparison
        for c in self.causes:
            share = "" if c.contribution is None else f"  {_share(c.contribution)}"
            body = Text(c.message + "\n\n")
            body.append("Fix: ", style="bold")
            body.append(c.fix)
            yield Panel(
                body,
                title=Text.assemble((c.code, "bold"), f": {c.title}{share}"),
                title_align="left",
            )
        if self.reference_points:
            refs = ", ".join(
                f"{k} = {fmt_value(v, 7)}" for k, v in self.reference_points.items()
            )
            yield Text(f"Reference points: {refs}")

    def _repr_html_(self) -> str:
        import html

        parts = [f"<p><b>{html.escape(self.summary)}</b></p>"]
        parts.append(
            html_table(
                ["implementation", "value", "what it computes"], self._value_rows()
            )
        )
        if self.identification is not None and self.identification.matches:
            parts.append(self.identification._repr_html_())
        if self.comparison is not None:
            parts.append(self.comparison._repr_html_())
        for c in self.causes:
            share = (
                ""
                if c.contribution is None
                else f" (contribution {fmt_value(c.contribution, 6)})"
            )
            parts.append(
                f"<div class='cause' data-code='{html.escape(c.code)}'><h4><code>"
                f"{html.escape(c.code)}</code>: {html.escape(c.title)}{html.escape(share)}</h4>"
                f"<p>{html.escape(c.message)}</p><p><b>Fix:</b> {html.escape(c.fix)}</p></div>"
            )
        return "\n".join(parts)


def _answer_summary(e: Explanation, ans: Answer) -> str:
    """Headline first: the cause, what computes the number, the gap and its parts."""
    obs = fmt_array(e.observed)
    ref = ans.reference
    parts: list[str] = []
    lead = f"{e.causes[0].code}: " if e.causes else ""
    best = ans.best
    if best is None:
        near = "; ".join(
            f"{n.description} gives {fmt_array(n.value)} ({n.distance:.2%} off)"
            for n in ans.nearest
        )
        parts.append(
            f"{lead}nothing crossent knows reproduces {obs}"
            + (f" (nearest: {near})" if near else "")
        )
        parts.append("no cause is given that the numbers do not support")
    else:
        what, also = best.config.describe(), ""
        if not (best.config.inputs or best.config.output) and e.identification:
            what = str(e.identification.matches[0].spec)
            others = list(
                dict.fromkeys(str(m.spec) for m in e.identification.matches[1:])
            )
            if others:
                shown = ", ".join(others[:2])
                more = f" and {len(others) - 2} more" if len(others) > 2 else ""
                verb = "does" if len(others) == 1 else "do"
                also = f" (as {verb} {shown}{more})"
        parts.append(f"{lead}{obs} is what {what} computes{also}")
        if best.deviations or e.causes:
            parts.append(f"{ref.spec} gives {fmt_array(ans.reference_value)}")
        moving = [c for c in e.causes if c.contribution is not None]
        gap = sum(c.contribution or 0.0 for c in moving)
        if moving and all(math.isfinite(c.contribution or 0.0) for c in moving):
            named = [f"{c.code} ({_signed(c.contribution or 0.0)})" for c in moving]
            shares = (
                named[0]
                if len(named) == 1
                else ", ".join(named[:-1]) + " and " + named[-1]
            )
            parts.append(f"the gap B − A = {_signed(gap)} comes from {shares}")
        elif moving:
            parts.append(f"{moving[0].code} makes the value inf/NaN")
        elif not best.deviations and not e.causes:
            parts.append("the two agree")
        if len({round(h.cost, 6) for h in ans.found}) > 1:
            parts.append(
                f"chosen over {len(ans.found) - 1} other hypothesis(es) that also "
                f"reproduce it: fewest deviations from {ref.spec}, then the commoner "
                "mistake"
            )
    for row in e.values:
        if row.note.startswith("raises "):
            reason = row.note.removeprefix("raises ").split(": ", 1)[-1]
            parts.append(f"{row.spec} cannot run on these inputs ({reason})")
    return "; ".join(parts) + "."


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
                    value = plan.run(state).get("value")
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


def _reference_for(f: Facts) -> str:
    if f.label_kind in ("binary_column", "multi_hot"):
        return "exact.sigmoid_binary" if f.from_logits else "exact.binary"
    if f.from_logits or (f.from_logits is None and f.pred_kind == "logits"):
        return "exact.softmax"
    return "exact.categorical"


# Above this many prediction elements, explain() runs fewer implementations.
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


_SCALAR_REDUCTIONS = {
    "sum": "sum",
    "mean": "mean",
    "sum_over_batch_size": "mean",
    "auto": "mean",
    "mean_over_elements": "mean_over_elements",
}


def _reference_spec(f: Facts, a_value: Any, a_spec: Spec) -> Spec:
    """The exact core, reduced the way A reduces (so the gap is not a shape mismatch)."""
    reduction = "none"
    if a_value is not None and np.ndim(a_value) == 0:
        reduction = _SCALAR_REDUCTIONS.get(
            str(a_spec.options.get("reduction", "mean")), "mean"
        )
    return as_spec(Spec(_reference_for(f), {"reduction": reduction}))


def _reduced_like(spec: Spec, a_value: Any, a_spec: Spec) -> Spec:
    """A hand-written formula named without a reduction, reduced the way A reduces.

    ``against=["keras...CategoricalCrossentropy", "textbook.categorical"]`` means
    "Keras' number against −Σ y log p", and Keras' number is a mean: comparing it
    with the unreduced per-example losses would put the whole sum in the gap.
    """
    if (
        spec.implementation.framework not in ("textbook", "exact")
        or "reduction" in spec.options
        or a_value is None
        or np.ndim(a_value) != 0
    ):
        return spec
    reduction = _SCALAR_REDUCTIONS.get(
        str(a_spec.options.get("reduction", "mean")), "mean"
    )
    return as_spec(Spec(spec.path, {**spec.options, "reduction": reduction}))


def _specs(
    items: Sequence[Any], options: Mapping[str, Any], *, strict: bool = True
) -> list[Spec]:
    """Specs for ``items``; unknown paths raise, or are skipped when not ``strict``."""
    specs = []
    known = registry()
    for item in items:
        if not strict and isinstance(item, str) and item.split("(")[0] not in known:
            continue
        specs.append(as_spec(item, **options))
    return specs


def _reduction_cause(comp: Comparison, f: Facts) -> Cause:
    loss = np.asarray(_exact_rows(f))
    n = loss.size
    values = {
        "per example": fmt_array(loss),
        "mean over examples": fmt_value(np.mean(loss), 7),
        "sum": fmt_value(np.sum(loss), 7),
        f"mean over all {f.y_pred.size} elements": fmt_value(
            np.sum(loss) / max(f.y_pred.size, 1), 7
        ),
    }
    listing = "; ".join(f"{k} {v}" for k, v in values.items())
    a, b = comp.a, comp.b
    msg = (
        f"The two numbers reduce differently: {Spec(a.implementation, a.options)} and "
        f"{Spec(b.implementation, b.options)} do not divide by the same thing. For these "
        f"{n} example(s), the exact per-example losses reduce to: {listing}. Keras' "
        "default 'sum_over_batch_size' divides by the number of loss elements; "
        "PyTorch's 'mean' with class weights divides by Σ w[y]; np.mean over the "
        "unsummed terms divides by N·C."
    )
    return Cause(
        "reduction",
        "different reductions",
        msg,
        "Use the same reduction on both sides.",
    )


def _generic_cause(code: str, items: list[Any], comp: Comparison) -> Cause:
    steps = ", ".join(
        f"step '{a.step}' (A: {a.formula_a}; B: {a.formula_b}) moves the value by {fmt_value(a.contribution, 6)}"
        for a in items
    )
    titles = {
        "precision": "dtype and rounding",
        "weighting": "weights enter differently",
        "label_smoothing": "label smoothing differs",
        "ignore_index": "ignored targets handled differently",
        "axis": "rank or axis handling differs",
        "label_range": "label validation differs",
        "log_clamped": "the log is computed differently",
        "overflow": "probabilities converted back to logits",
        "binary_vs_categorical": "a different per-class formula",
        "logits_as_probs": "a different activation",
        "clipped": "clipping differs",
        "renormalized": "renormalisation differs",
    }
    msg = f"{steps}."
    if code == "precision":
        msg += " The implementations compute in different dtypes; the difference is rounding."
    return Cause(
        code, titles.get(code, code), msg, "Run both sides with the same step."
    )


def _signed(x: float) -> str:
    """A contribution with its sign: ``+0.229378``, ``-9.21034``."""
    return ("+" if x >= 0 else "") + fmt_value(x, 6)


def _share(contribution: float) -> str:
    """A cause's share of the gap, in words when the gap is not a number."""
    if math.isnan(contribution):
        return "makes one value NaN"
    if math.isinf(contribution):
        return "makes one value infinite"
    return f"contribution {fmt_value(contribution, 6)}"


def _attach_contributions(
    causes: list[Cause], comp: Comparison, f: Facts, *, only_known: bool = False
) -> list[Cause]:
    """Put each step's share of the gap on its cause (rounding noise left out).

    When one side is inf or NaN, only the step that makes the value non-finite
    is reported, with the non-finite gap as its contribution.
    """
    by_code: dict[str, list[Any]] = {}
    if math.isfinite(comp.gap):
        noise = comp.noise
        for a in comp.attribution:
            if abs(a.contribution) > noise:
                by_code.setdefault(a.cause, []).append(a)
    else:
        culprit = comp.nonfinite_step
        if culprit is not None:
            by_code[culprit.cause] = [culprit]
    out = list(causes)
    for code, items in by_code.items():
        finite = math.isfinite(comp.gap)
        total = float(sum(a.contribution for a in items)) if finite else comp.gap
        idx = next((i for i, c in enumerate(out) if c.code == code), None)
        if idx is None and only_known:
            continue
        if idx is None:
            cause = (
                _reduction_cause(comp, f)
                if code == "reduction"
                else _generic_cause(code, items, comp)
            )
            out.append(cause.with_contribution(total))
        else:
            out[idx] = out[idx].with_contribution(total)
    return out


def _order(causes: list[Cause]) -> tuple[Cause, ...]:
    rank = {code: i for i, code in enumerate(CAUSE_CODES)}

    def key(c: Cause) -> tuple[float, int]:
        size = (
            abs(c.contribution)
            if c.contribution is not None and math.isfinite(c.contribution)
            else (math.inf if c.contribution is not None else -1.0)
        )
        return (-size, rank.get(c.code, 99))

    return tuple(sorted(causes, key=key))


def explain(
    y_true: Any,
    y_pred: Any,
    *,
    observed: Any = None,
    against: Sequence[Any] | str | None = None,
    from_logits: bool | None = None,
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
    check_from_logits("explain", from_logits)
    check_option_names("explain", options)
    if observed is not None:
        observed_array("explain", observed)  # a clear error for what is not a number
    _check_shapes(y_true, y_pred)
    against_list = [against] if isinstance(against, str) else list(against or ())
    for spec in _specs(against_list, {}):
        check_options(spec)
    given_shapes = (np.shape(y_true), np.shape(y_pred))
    posed = posed_options(
        y_true,
        y_pred,
        options,
        torch_layout=bool(against_list)
        and all(str(a).startswith("torch.") for a in against_list),
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
    shown = _specs(against_list, shared) + _specs(defaults, shared, strict=False)
    runs = Runs(y_true, y_pred)
    values = _value_rows(
        shown, f, y_true, y_pred, runs, traced=_specs(against_list, shared)
    )
    ident = None
    comp = None
    ans = None
    binary_involved = any(
        s.implementation.labels == "binary" for s in _specs(against_list, shared)
    )
    if f.label_kind == "one_hot" and not binary_involved:
        f = _without_binary(f)  # the answer reads the binary rule when it needs it
    causes = diagnose(f)
    if (
        len(causes) > 1
    ):  # a large loss only needs reference points if nothing else explains
        causes = [
            c for c in causes if c.code != "magnitude" or c.details.get("at_floor")
        ]
    if observed is not None:
        ans = answer(
            y_true,
            y_pred,
            observed,
            f,
            _specs(against_list, shared),
            shared,
            runs,
            causes,
            from_logits=from_logits,
            large=f.y_pred.size > _LARGE,
        )
        ident = ans.identification
        causes = list(ans.causes)
        comp = _shown_comparison(ans, against_list, shared, f, runs)
        if comp is not None and ans.best is not None and not ans.best.deviations:
            # the reference reproduces the number: the facts the inputs show get
            # their share of the gap to the exact formula (no cause from a step name)
            causes = _attach_contributions(causes, comp, f, only_known=True)
    elif len(against_list) >= 2:
        specs = _specs(against_list, shared)
        a_value = values[0].value if values else None
        b_spec = _reduced_like(specs[1], a_value, specs[0])
        comp = _compare_model(specs[0], b_spec, f, runs)
    elif len(against_list) == 1:
        specs = _specs(against_list, shared)
        a_value = values[0].value if values else None
        comp = _compare_model(specs[0], _reference_spec(f, a_value, specs[0]), f, runs)
    if comp is not None and observed is None:
        causes = _attach_contributions(causes, comp, f)
    refs = _reference_points(f)
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
        inputs, tuple(values), observed, ident, comp, _order(causes), refs, ans
    )


def _check_shapes(y_true: Any, y_pred: Any) -> None:
    """Shapes no implementation can take together: neither the same (or broadcasting)
    shape, nor class ids for the predictions' rows."""
    yt, yp = np.shape(y_true), np.shape(y_pred)
    ids = len(yt) == len(yp) - 1 and any(
        yp[:i] + yp[i + 1 :] == yt for i in range(len(yp))
    )  # class ids, whichever axis holds the classes (the axis rule says which)
    moved = len(yt) == len(yp) and sorted(yt) == sorted(yp)  # a class axis elsewhere
    try:
        np.broadcast_shapes(yt, yp)
    except ValueError:
        if not (ids or moved):
            raise ValueError(
                f"explain: `y_true` of shape {yt} does not fit `y_pred` of shape {yp}: "
                f"give one-hot or soft labels of shape {yp}, or integer class ids of "
                f"shape {yp[:-1]}."
            ) from None


def _same_setup(named: Spec, matched: Spec) -> bool:
    """Whether ``matched`` is ``named`` with some defaults spelled out.

    identify() reports the options it tried (``reduction='sum_over_batch_size'``);
    the implementation the user named without them is the same computation.
    """
    return named.path == matched.path and all(
        k in matched.options and _equal_option(matched.options[k], v)
        for k, v in named.options.items()
    )


def _equal_option(a: Any, b: Any) -> bool:
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except (TypeError, ValueError):
        return a is b


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


def _shown_comparison(
    ans: Answer,
    against_list: Sequence[Any],
    shared: Mapping[str, Any],
    f: Facts,
    runs: Runs,
) -> Comparison | None:
    """The step comparison shown next to the answer: the implementation that
    computes the number (the best hypothesis's, or the first registered match when
    the best needs a transformation) against the reference."""
    best = ans.best
    if best is None:
        return None
    a_spec = best.config.spec
    if best.config.inputs or best.config.output:
        plain = [
            m
            for m in ans.identification.matches
            if m.input_dtype != "as given" and "," not in m.input_dtype
        ]
        if not plain:
            return None
        a_spec = plain[0].spec
    specs = _specs(against_list, shared)
    if len(specs) >= 2 and _same_setup(specs[0], a_spec):
        b_spec = _reduced_like(specs[1], best.value, a_spec)
    elif not specs or _same_setup(specs[0], a_spec):
        b_spec = _reference_spec(f, best.value, a_spec)
    else:
        b_spec = ans.reference.spec
    return _compare_model(a_spec, b_spec, f, runs)


def _compare_model(a: Spec, b: Spec, f: Facts, runs: Runs) -> Comparison | None:
    """compare(), giving each side the model outputs it expects (and reusing runs).

    None when either side cannot run on these inputs: the value table already
    says why ("raises ValueError: …"), and the rest of the answer still stands.
    """
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _compare_runs(a, b, f, runs)
    except Exception:
        return None


def _compare_runs(a: Spec, b: Spec, f: Facts, runs: Runs) -> Comparison:
    ya = model_inputs(a.implementation, a.options, f.from_logits, runs.y_pred)
    yb = model_inputs(b.implementation, b.options, f.from_logits, runs.y_pred)
    run_a = runs.traced(a.implementation, a.options, ya)
    run_b = runs.traced(b.implementation, b.options, yb)
    return Comparison(
        Trace(a.path, dict(a.options), run_a.steps, run_a.final.get("value")),
        Trace(b.path, dict(b.options), run_b.steps, run_b.final.get("value")),
        attribute(
            run_a.plan,
            run_a.state,
            run_b.plan,
            run_b.state,
            _final_a=run_a.final,
            _changes_a=[s.values for s in run_a.steps],
        ),
    )


def _reference_points(f: Facts) -> dict[str, float]:
    refs: dict[str, float] = {}
    if f.num_classes >= 2:
        refs["log C (uniform prediction)"] = math.log(f.num_classes)
    if f.label_kind == "soft":
        y = f.y_true
        with np.errstate(all="ignore"):
            h = -np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1)), 0), axis=-1)
        refs["mean label entropy H(y) (minimum CE)"] = float(np.mean(h))
    refs["Keras float32 floor per row"] = float(
        -np.log(np.float32(1) - np.float32(1e-7))
    )
    return refs
