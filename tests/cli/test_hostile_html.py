"""Hostile strings never survive as markup: the HTML report and Jupyter's _repr_html_ (#13)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import crossent
from crossent.report import html_report

HOSTILE = '<img src=x onerror="alert(1)">'
Y = np.eye(2)
P = np.array([[0.8, 0.2], [0.3, 0.7]])


def _no_markup_survives(page: str) -> None:
    assert "<img" not in page
    # no tag other than the report's own vocabulary
    tags = set(re.findall(r"<\s*([a-zA-Z][\w-]*)", page))
    allowed = {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h4", "p", "b",
        "br", "code", "div", "table", "thead", "tbody", "tr", "th", "td", "footer",
        "svg", "g", "path", "defs", "clippath", "clipPath", "use", "text", "rect",
        "metadata", "rdf", "RDF", "cc", "Work", "dc", "type", "date",
        "format", "creator", "Agent", "polyline", "line", "tspan", "desc",
    }  # fmt: skip
    assert tags <= allowed | {t.lower() for t in allowed}, tags - allowed


@pytest.mark.parametrize(
    "against",
    [
        f"keras.losses.CategoricalCrossentropy(name={HOSTILE!r})",
        [
            f"keras.losses.CategoricalCrossentropy(name={HOSTILE!r})",
            "textbook.categorical",
        ],
    ],
)
def test_option_values_are_escaped_everywhere(against) -> None:
    exp = crossent.explain(Y, P, observed=0.29, against=against)
    for html in (exp._repr_html_(), html_report(exp, Y, P)):
        _no_markup_survives(html)
        assert "&lt;img" in html  # shown, as text


def test_trace_compare_and_identify_escape_their_headers() -> None:
    spec = f"keras.losses.CategoricalCrossentropy(name={HOSTILE!r})"
    pages = [
        crossent.trace(spec, Y, P)._repr_html_(),
        crossent.compare(spec, "textbook.categorical", Y, P)._repr_html_(),
        crossent.identify(
            np.array(["<b>a</b>", "<i>b</i>"]),
            np.array([0.3, 0.6]),
            0.6,
            implementations=["sklearn.metrics.log_loss"],
        )._repr_html_(),
    ]
    for page in pages:
        assert "<img" not in page
        assert "<i>" not in page
        assert "<b>a" not in page
