"""The answer object: :class:`Explanation`, in words, JSON, rich and HTML.

Everything :func:`~crossent.explain` found, read back: the summary leads with the
headline cause; the values, matches, comparison and causes follow in that order
in every rendering (``str``, ``to_dict``, rich, HTML).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from crossent.explain._answer import Answer
from crossent.explain._cause import Cause
from crossent.explain._compare import Comparison
from crossent.explain._identify import Identification
from crossent.explain._render import (
    dict_of,
    fmt_array,
    fmt_value,
    html_table,
    jsonable,
    rich_table,
    text_table,
)
from crossent.explain._runs import _defaults
from crossent.explain._spec import Spec

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

__all__ = ["Explanation", "ValueRow"]


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
    expected: Any = None
    expected_answer: Answer | None = field(default=None, compare=False, repr=False)

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
        if self.expected is not None:
            out["expected"] = jsonable(self.expected)
            exp = self.expected_answer
            out["expected_is"] = (
                exp.best.config.describe() if exp and exp.best is not None else None
            )
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
    own = {c.code for c in ans.causes}
    lead = f"{e.causes[0].code}: " if e.causes else ""
    if e.causes and e.causes[0].details.get("uniform"):
        log_c = fmt_value(float(e.causes[0].details["log_c"]), 7)
        lead += f"{obs} = log C = {log_c}, the loss of a uniform prediction; "
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
        plain = not (best.config.inputs or best.config.output or best.config.dtype)
        if plain and e.identification:
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
        if best.deviations or ans.causes:
            parts.append(f"{ref.spec} gives {fmt_array(ans.reference_value)}")
        moving = [c for c in e.causes if c.contribution is not None and c.code in own]
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
            side = "one of the two values"
            ref_v = np.asarray(ans.reference_value, np.float64)
            if ref_v.size and not np.all(np.isfinite(ref_v)):
                side = str(ref.spec) + "'s value"
            parts.append(f"{moving[0].code} is why {side} is inf/NaN")
        elif not best.deviations and not ans.causes and e.expected_answer is None:
            parts.append("the two agree")
        if len({round(h.cost, 6) for h in ans.found}) > 1:
            parts.append(
                f"chosen over {len(ans.found) - 1} other hypothesis(es) that also "
                f"reproduce it: fewest deviations from {ref.spec}, then the commoner "
                "mistake"
            )
    if e.expected_answer is not None:
        parts.append(_expected_part(e, e.expected_answer))
    for row in e.values:
        if row.note.startswith("raises "):
            reason = row.note.removeprefix("raises ").split(": ", 1)[-1]
            parts.append(f"{row.spec} cannot run on these inputs ({reason})")
    return "; ".join(parts) + "."


def _expected_part(e: Explanation, exp: Answer) -> str:
    """What produces the number the user expected, and what separates it."""
    want = fmt_array(e.expected)
    if exp.best is None:
        return f"nothing crossent knows reproduces the {want} you expected"
    what = exp.best.config.describe()
    is_what = "is what"
    spec = exp.best.config.spec
    reduction = spec.options.get(
        "reduction", _defaults(spec.implementation).get("reduction", "none")
    )
    unreduced = reduction == "none"
    if np.ndim(e.expected) == 0 and unreduced and not exp.best.config.output:
        is_what = "is the mean of what"  # fitted to one number as a user's .mean()
    moving = [c for c in exp.causes if c.contribution is not None]
    if not exp.best.deviations or not moving:
        return f"the {want} you expected {is_what} {what} computes"
    named = ", ".join(f"{c.code} ({_signed(c.contribution or 0.0)})" for c in moving)
    gap = _signed(sum(c.contribution or 0.0 for c in moving))
    return (
        f"the {want} you expected {is_what} {what} computes; the gap "
        f"{exp.reference.spec} − {want} = {gap} comes from {named}"
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
