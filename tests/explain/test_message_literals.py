"""Numbers in explain's messages are computed, not typed (issue #19).

A diagnosis message that quotes Keras' cost of a clipped prediction, a cap of
scikit-learn or tf_keras, or any other measured number takes it from the mirrors'
own constants (``crossent.frameworks._numbers``) or computes it on the inputs; a
typed ``16.118095`` would go stale the day a constant changes, and nothing would
re-check it. This test reads every string literal (f-string parts included) in
``src/crossent/explain`` and fails on a decimal number with five or more
significant digits. Shorter numbers (ε = 1e-7, a version such as 2.21, 0.25 for
Keras' α) are constants people write, not results.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

EXPLAIN = Path(__file__).resolve().parents[2] / "src" / "crossent" / "explain"
#: a decimal with at least five significant digits (leading zeros excluded)
_MEASURED = re.compile(r"(?<![\w.])\d*\.\d*(?:[eE][-+]?\d+)?")


def _significant(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0]
    digits = mantissa.replace(".", "").lstrip("0")
    return len(digits)


def _literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize("path", sorted(EXPLAIN.glob("*.py")), ids=lambda p: p.name)
def test_no_typed_result_in_messages(path: Path) -> None:
    typed = [
        (line, token)
        for line, text in _literals(path)
        for token in _MEASURED.findall(text)
        if any(c.isdigit() for c in token) and _significant(token) >= 5
    ]
    assert not typed, f"{path.name}: typed numbers in messages {typed}"


def test_the_check_finds_a_typed_number() -> None:
    text = "Keras costs 16.118095, not 0"
    assert [t for t in _MEASURED.findall(text) if _significant(t) >= 5] == ["16.118095"]
