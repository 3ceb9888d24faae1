"""Identify: which implementations and options produce an observed number."""

from __future__ import annotations

import html
import itertools
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from crossent._core._exact_softmax import plain_formulas, plain_only
from crossent.explain._matching import (
    decimal_tolerance,
    float32_could_match,
    matches,
    observed_array,
)
from crossent.explain._model import model_inputs
from crossent.explain._question import bind_impl, posed_options
from crossent.explain._render import (
    dict_of,
    fmt_array,
    html_table,
    jsonable,
    rich_table,
    text_table,
)
from crossent.explain._runs import Runs
from crossent.explain._solve import CONTINUOUS, allowed_digits, solutions
from crossent.explain._spec import (
    Spec,
    accepted_options,
    check_from_logits,
    check_option_names,
)
from crossent.frameworks import _rows as rows
from crossent.frameworks._plan import Plan
from crossent.frameworks._registry import Implementation, registry

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

__all__ = ["Identification", "Match", "candidates", "identify", "label_kind"]


@dataclass(frozen=True)
class Match:
    """One implementation, with options, whose value matches the observation."""

    spec: Spec
    value: Any
    error: float
    input_dtype: str
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return dict_of(
            {
                "implementation": self.spec.path,
                "options": dict(self.spec.options),
                "input_dtype": self.input_dtype,
                "value": self.value,
                "error": self.error,
                "summary": self.summary,
            }
        )


@dataclass(frozen=True)
class Identification:
    """Every implementation that reproduces ``observed``, best first."""

    observed: Any
    tolerance: Any
    matches: tuple[Match, ...]
    tried: int

    def __iter__(self) -> Iterator[Match]:
        return iter(self.matches)

    @property
    def ambiguous(self) -> bool:
        """Whether more than one distinct implementation matches."""
        return len({m.spec.path for m in self.matches}) > 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dictionary."""
        return {
            "observed": jsonable(self.observed),
            "tolerance": jsonable(self.tolerance),
            "tried": self.tried,
            "matches": [m.to_dict() for m in self.matches],
        }

    def _rows(self) -> list[list[str]]:
        return [
            [
                str(m.spec),
                m.input_dtype,
                fmt_array(m.value),
                f"{m.error:.2g}",
                m.summary,
            ]
            for m in self.matches
        ]

    def _header(self) -> str:
        n = len(self.matches)
        what = "no implementation" if n == 0 else f"{n} match{'es' if n > 1 else ''}"
        return f"observed {fmt_array(self.observed)}: {what} among {self.tried} runs"

    def __str__(self) -> str:
        headers = [
            "implementation",
            "inputs",
            "value",
            "rel. error",
            "what it computes",
        ]
        return self._header() + "\n" + text_table(headers, self._rows())

    def __rich_console__(
        self, console: Console, options: ConsoleOptions
    ) -> RenderResult:

        yield rich_table(
            ["implementation", "inputs", "value", "rel. error", "what it computes"],
            self._rows(),
            title=self._header(),
            title_justify="left",
            whole=["implementation"],
            max_width=options.max_width,
        )

    def _repr_html_(self) -> str:
        headers = [
            "implementation",
            "inputs",
            "value",
            "rel. error",
            "what it computes",
        ]
        return f"<p>{html.escape(self._header())}</p>" + html_table(
            headers, self._rows()
        )


def label_kind(y_true: Any, y_pred: Any) -> str:
    """``"integer"`` for class ids (integer dtype, one axis fewer), else ``"dense"``."""
    yt, yp = np.asarray(y_true), np.asarray(y_pred)
    if yt.dtype.kind in "iu" and yt.ndim == yp.ndim - 1:
        return "integer"
    return "dense"


def candidates(y_true: Any, y_pred: Any) -> list[Implementation]:
    """Registered implementations to try, those made for this label kind first.

    Every implementation is tried: several accept more than their main label kind
    (PyTorch's cross_entropy takes probability targets, scikit-learn indicator
    matrices); one that cannot run on the inputs simply does not match.
    """
    kind = label_kind(y_true, y_pred)
    wanted = {"integer"} if kind == "integer" else {"one_hot", "binary"}
    impls = list(registry().values())
    return [i for i in impls if i.labels in wanted] + [
        i for i in impls if i.labels not in wanted
    ]


def _option_grid(impl: Implementation) -> Iterator[dict[str, Any]]:
    names = list(impl.options)
    for values in itertools.product(*(impl.options[n] for n in names)):
        yield dict(zip(names, values))


def _label_values(y_true: Any) -> frozenset[int] | None:
    """The class ids the targets hold (None for other labels, or too many to list)."""
    yt = np.asarray(y_true)
    if yt.dtype.kind not in "iu" or yt.size > 10_000_000:
        return None
    return frozenset(int(v) for v in np.unique(yt))


def _same_run(options: dict[str, Any], present: frozenset[int] | None) -> str:
    """A key equal for option sets that compute the same thing on these targets: an
    ``ignore_index`` (``ignore_class``) that no target holds ignores nothing,
    whichever value it is, and so does None."""
    canon = dict(options)
    if present is not None:
        for name in ("ignore_index", "ignore_class"):
            value = canon.get(name, "unset")
            if value is None or (isinstance(value, int) and value not in present):
                canon[name] = "absent"
    return repr(sorted(canon.items(), key=str))


def _input_variants(y_true: Any, y_pred: Any) -> list[tuple[str, Any, Any, bool]]:
    """The inputs as given, then as 1-D vectors (an ``(N, 1)`` column: a framework
    called on 1-D arrays reduces them as one row), then each cast to float32
    (the last item: whether the variant is such a cast)."""
    yp = np.asarray(y_pred)
    yt = np.asarray(y_true)
    name = str(yp.dtype) if yp.dtype.kind == "f" else "float64"
    layouts = [("", yt, yp)]
    if yp.ndim == 2 and yp.shape[1] == 1 and yt.shape == yp.shape:
        layouts.append((", 1-D", yt[:, 0], yp[:, 0]))
    out = [(name + suffix, a, b, False) for suffix, a, b in layouts]
    if yp.dtype != np.float32:
        out += [
            (
                "float32" + suffix,
                a.astype(np.float32) if a.dtype.kind == "f" else a,
                b.astype(np.float32),
                True,
            )
            for suffix, a, b in layouts
        ]
    return out


def _run_sharing_prefix(
    impl: Implementation,
    plan: Plan,
    state: Any,
    options: dict[str, Any],
    variant: str,
    cache: dict[tuple[Any, ...], Any],
) -> Any:
    """Run ``plan``, its steps before "reduce" shared by the reductions tried.

    The values of an implementation's ``reduce_options`` (``reduction``) follow
    one another in the option grid; the steps before "reduce" are the same for
    all of them (a test holds every registered implementation to it), so they run
    once, in row blocks on large inputs.
    """
    reducing = impl.reduce_options
    if not any(k in options for k in reducing) or rows.cut(plan) == len(plan.steps):
        return rows.run_value(plan, state)
    key = (
        plan.implementation,
        variant,
        tuple(sorted((k, repr(v)) for k, v in options.items() if k not in reducing)),
        tuple((s.name, s.formula, s.source) for s in plan.steps[: rows.cut(plan)]),
        tuple(sorted(set().union(*(s.reads for s in plan.steps[rows.cut(plan) :])))),
    )
    if key not in cache:
        # one prefix kept at a time: the reductions of one formula come one after
        # the other, and a prefix run whole holds arrays the size of the inputs
        cache.clear()
        cache[key] = rows.run_prefix(plan, state)
    try:
        return rows.run_suffix(plan, cache[key]).get("value")
    except rows.NeedsWholeError:
        return plan.run(state).get("value")  # a reduction that reads more


def _dtype_name(y_pred: Any) -> str:
    yp = np.asarray(y_pred)
    return str(yp.dtype) if yp.dtype.kind == "f" else "float64"


def _solved(
    impl: Implementation,
    y_true: Any,
    y_pred: Any,
    obs: np.ndarray,
    tol: np.ndarray | None,
    fixed: dict[str, Any],
) -> Iterator[tuple[float, Spec, np.ndarray]]:
    """``(error, spec, value)`` for each option set with solved continuous options."""
    accepted = accepted_options(impl)
    if not any(n in accepted and n not in fixed for n in CONTINUOUS):
        return
    of = obs.astype(np.float64)
    if not (of.size and np.all(np.isfinite(of))):
        return
    given = {k: v for k, v in fixed.items() if k in accepted}

    def run(options: dict[str, Any]) -> Any:
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                plan, state = bind_impl(impl, y_true, y_pred, **options)
                return rows.run_value(plan, state)
        except Exception:
            return None

    def ok(value: Any) -> bool:
        return value is not None and matches(value, obs, tol) is not None

    seen: set[str] = set()
    for searched in _option_grid(impl):
        base = {
            **{
                k: v
                for k, v in searched.items()
                if k not in given and k not in CONTINUOUS
            },
            **given,
        }
        if repr(sorted(base.items(), key=str)) in seen:
            continue
        seen.add(repr(sorted(base.items(), key=str)))
        free = {n for n in accepted if n not in given}
        most = allowed_digits(obs)
        for options in solutions(free, base, run, ok, float(of.mean()), most):
            value = np.asarray(run(options))
            err = matches(value, obs, tol)
            if err is not None:
                yield err, Spec(impl.path, options), value
                return


#: Above this many predictions explain and identify run the core's plain formulas.
PLAIN_ABOVE = 100_000


def identify(
    y_true: Any,
    y_pred: Any,
    observed: Any,
    *,
    tolerance: float | None = None,
    implementations: list[str] | None = None,
    from_logits: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
    first_only: bool = False,
    _runs: Runs | None = None,
    **fixed: Any,
) -> Identification:
    """Find every implementation and option set that produces ``observed``.

    Parameters
    ----------
    y_true, y_pred : array_like
        The inputs that produced ``observed``. PyTorch's ``(N, C, d1, …)`` layout
        is recognised (``axis=`` names the class axis), and 1-D binary vectors are
        N samples.
    observed : float or array_like
        The number (or per-example numbers) you saw.
    tolerance : float, optional
        Absolute tolerance. Default: half a unit in the last digit you wrote
        (``0.0946`` matches within 5e-5), plus the implementation's own rounding.
    implementations : list of str, optional
        Restrict the search to these paths.
    from_logits : bool, optional
        ``True`` declares ``y_pred`` to be logits: implementations that take
        probabilities then get the model's softmax/sigmoid of them.
    progress : callable, optional
        ``progress(done, total)`` after each implementation (for progress bars).
    first_only : bool, default False
        Stop at the first match, in search order (the ``implementations`` given,
        then registry order): for large inputs, where each run is costly.
    **fixed
        Options known to have been used (``sample_weight=``, ``weight=``,
        ``ignore_index=``...): given to every implementation that accepts them
        and not searched over.

    Returns
    -------
    Identification
        Matches ordered by relative error (then registry order).

    Examples
    --------
    Seed question 000: where does 0.0946 come from?

    >>> import numpy as np
    >>> import crossent
    >>> y = np.eye(3)
    >>> p = np.array([[.9, .05, .05], [.5, .89, .6], [.05, .01, .94]])
    >>> found = crossent.identify(y, p, 0.0946, implementations=["textbook.categorical"])
    >>> print(found.matches[0].spec)
    textbook.categorical(reduction='mean')
    """
    if np.size(y_pred) > PLAIN_ABOVE and not plain_only():
        # numbers compared with the digits a person wrote: the core's plain
        # float64 formulas are precise enough, and 6–12× faster on large inputs
        with plain_formulas():
            return identify(
                y_true,
                y_pred,
                observed,
                tolerance=tolerance,
                implementations=implementations,
                from_logits=from_logits,
                progress=progress,
                first_only=first_only,
                _runs=_runs,
                **fixed,
            )
    check_from_logits("identify", from_logits)
    check_option_names("identify", fixed)
    obs = observed_array("identify", observed)
    tol = None if tolerance is None else np.asarray(float(tolerance))
    if _runs is None:  # explain() poses the inputs before it calls identify()
        torch = implementations is not None and all(
            p.startswith("torch.") for p in implementations
        )
        posed = posed_options(y_true, y_pred, fixed, torch_layout=torch)
        y_true, y_pred = posed.y_true, posed.y_pred
    impls = candidates(y_true, y_pred)
    if implementations is not None:
        by_path = {i.path: i for i in impls}
        impls = [by_path[p] for p in dict.fromkeys(implementations) if p in by_path]
    found: list[tuple[float, int, Match]] = []
    prefixes: dict[tuple[Any, ...], dict[str, Any]] = {}
    tried = 0
    order = {p: i for i, p in enumerate(registry())}
    present = _label_values(y_true)
    for done, impl in enumerate(impls, 1):
        if progress is not None:
            progress(done - 1, len(impls))
        prefixes.clear()  # the last implementation's shared steps: not this one's
        accepted = accepted_options(impl)
        given = {k: v for k, v in fixed.items() if k in accepted}
        runs_made: set[str] = set()
        for searched in _option_grid(impl):
            options = {**{k: v for k, v in searched.items() if k not in given}, **given}
            same = _same_run(options, present)
            if same in runs_made:
                continue  # an ignored label no target has: the run already made
            runs_made.add(same)
            # The inputs as given first; float32 only if they do not match as given.
            skip_f32 = False
            for dtype_name, yt, yp, cast in _input_variants(y_true, y_pred):
                if skip_f32 and cast:
                    continue
                tried += 1
                try:
                    with np.errstate(all="ignore"), warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        yp = model_inputs(impl, options, from_logits, yp)
                        known, value = (
                            _runs.value(impl, options, yt, yp)
                            if _runs is not None
                            else (False, None)
                        )
                        if not known:
                            value = _run_sharing_prefix(
                                impl,
                                *bind_impl(impl, yt, yp, **options),
                                options,
                                dtype_name,
                                prefixes,
                            )  # the bound state is let go before the next is made
                            if _runs is not None:
                                _runs.remember(impl, options, yt, yp, value)
                except Exception:
                    continue
                err = matches(value, obs, tol)
                if err is None:
                    skip_f32 = skip_f32 or not float32_could_match(value, obs)
                    continue
                spec = Spec(impl.path, options)
                match = Match(spec, np.asarray(value), err, dtype_name, impl.summary)
                found.append((err, order.get(impl.path, 0), match))
                break
            if first_only and found:
                break
        if first_only and found:
            break
    if not found and not first_only:
        # No option set of the grid: solve the continuous options (label
        # smoothing, focal α/γ, pos_weight) from the number, then verify.
        for impl in impls:
            for err, spec, value in _solved(impl, y_true, y_pred, obs, tol, fixed):
                match = Match(spec, value, err, _dtype_name(y_pred), impl.summary)
                found.append((err, order.get(impl.path, 0), match))
                tried += 1
    if progress is not None:
        progress(len(impls), len(impls))
    # Errors that agree to 2 significant digits are ties (rounding noise, not a
    # better match); ties keep the registry's order (textbook formulas first).
    found.sort(key=lambda t: (float(f"{t[0]:.2g}"), t[1]))
    unique = [m for _, _, m in found]
    shown_tol = decimal_tolerance(obs) if tol is None else tol
    return Identification(observed, shown_tol, tuple(unique), tried)
