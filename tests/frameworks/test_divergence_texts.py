"""Numbers in divergence texts are computed, never typed (issue #19).

A divergence text that quotes what a framework returns ("a true class predicted 0
costs 16.118095") takes the number from ``crossent.frameworks._numbers`` or another
computation on the mirror's constants. Two checks:

* every number with 4 or more significant digits, 3 or more decimals, or a
  fractional mantissa with an exponent (``2.2e-16``) in a registered divergence
  text is absent from the string literals of ``src/crossent/frameworks``
  (docstrings aside); versions (``4.46``, ``3.15.1``) are not such numbers;
* the string-literal parts of every ``Divergence(...)`` written in those sources
  hold no such number.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import numpy as np
import pytest

import crossent.frameworks as fw
from crossent.frameworks import _numbers

ROOT = Path(fw.__file__).parent
SOURCES = sorted(ROOT.rglob("*.py"))

# a decimal number not part of a dotted version (3.15.1) or a word
_NUMBER = re.compile(
    r"(?<![\w.])(\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+)(?![\w.]|\.\d)"
)


def computed_looking(text: str) -> list[str]:
    """The numbers a reader would take for a computed value."""
    found = []
    for token in _NUMBER.findall(text):
        mantissa, _, exponent = token.lower().partition("e")
        digits = mantissa.replace(".", "").lstrip("0")
        decimals = mantissa.partition(".")[2]
        if len(digits) >= 4 or len(decimals) >= 3 or (exponent and decimals):
            found.append(token)
    return found


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(
            node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        ):
            body = node.body
            if body and isinstance(body[0], ast.Expr):
                value = body[0].value
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    ids.add(id(value))
    return ids


def _literals(tree: ast.AST) -> list[str]:
    skip = _docstrings(tree)
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
    ]


TREES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in SOURCES}
LITERALS = "\n".join(text for tree in TREES.values() for text in _literals(tree))


def test_the_scanner_sees_typed_numbers() -> None:
    assert computed_looking("caps 16.118095 (y=1) and 2.2e-16, eps 1e-7") == [
        "16.118095",
        "2.2e-16",
    ]
    # framework constants, examples and versions are not computed values
    assert computed_looking("clip to [1e-7, 1 − 1e-7], 0.25 × CCE, 1.7 → 1") == []
    assert computed_looking("C = the last axis (3.15.1), Keras 2.0.7, 4.46–5.23") == []
    assert computed_looking("caps 36.04 and 0.693 nats") == ["36.04", "0.693"]


def test_registered_divergence_numbers_are_not_typed() -> None:
    typed = {}
    for imp in fw.registry().values():
        for divergence in imp.divergences:
            for token in computed_looking(divergence.what):
                if token in LITERALS:
                    typed[f"{imp.path} ({divergence.step})"] = token
    assert not typed, f"numbers typed into divergence texts: {typed}"


def _text_argument(call: ast.Call) -> ast.AST | None:
    for keyword in call.keywords:
        if keyword.arg == "what":
            return keyword.value
    return call.args[1] if len(call.args) > 1 else None


def _module_constants(tree: ast.Module) -> dict[str, ast.AST]:
    names: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                names[target.id] = node.value
    return names


def _literal_parts(
    node: ast.AST, names: dict[str, ast.AST], depth: int = 0
) -> list[str]:
    """The typed parts of a text expression (f-string values are computed)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            v.value
            for v in node.values
            if isinstance(v, ast.Constant) and isinstance(v.value, str)
        ]
    if isinstance(node, ast.BinOp):
        return _literal_parts(node.left, names, depth) + _literal_parts(
            node.right, names, depth
        )
    if isinstance(node, ast.Name) and node.id in names and depth < 3:
        return _literal_parts(names[node.id], names, depth + 1)
    return []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_divergence_literals_hold_no_computed_number(path: Path) -> None:
    tree = TREES[path]
    assert isinstance(tree, ast.Module)
    names = _module_constants(tree)
    typed = [
        (node.lineno, token)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Divergence"
        and (text := _text_argument(node)) is not None
        for part in _literal_parts(text, names)
        for token in computed_looking(part)
    ]
    assert not typed, f"{path.name}: typed numbers in Divergence texts {typed}"


def test_the_computed_numbers_are_the_frameworks() -> None:
    # Provenance: each number equals the value printed by the real framework in
    # float32 (Keras 3.15.1 / tf_keras 2.21 on TensorFlow 2.21, tests/parity), and
    # is recomputed here from its definition with float64 math.
    eps = float(np.float32(1e-7))
    costs = _numbers.keras_clip_costs()
    assert costs["true_at_0"] == pytest.approx(-math.log(eps), rel=1e-7)
    assert costs["false_at_1"] == pytest.approx(-math.log(2.0**-23), rel=1e-7)
    assert costs["perfect"] == pytest.approx(2.0**-23, rel=1e-6)
    # renormalising [.5, ε, ε] and [1 − 2⁻²³, ε, ε] after the clip
    assert costs["sparse_half"] == pytest.approx(
        -math.log(eps / (0.5 + 2 * eps)), rel=1e-7
    )
    # 1 + ε + ε summed in float32 is 1 + 2⁻²² (each ε rounds up to one ulp)
    assert costs["sparse_perfect"] == pytest.approx(math.log1p(2.0**-22), rel=1e-6)
    caps = _numbers.tf_keras_bce_caps()
    assert caps["true_at_0"] == pytest.approx(-math.log(2 * eps), rel=1e-7)
    assert caps["false_at_1"] == pytest.approx(-math.log(2.0**-23 + eps), rel=1e-7)
    assert _numbers.sigmoid_saturation32() == pytest.approx(24 * math.log(2))
    assert np.float32(1) + np.float32(
        math.exp(-_numbers.sigmoid_saturation32())
    ) == np.float32(1)
