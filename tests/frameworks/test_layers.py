"""Layers depend only downward: nothing under crossent.frameworks imports explain or cli."""

from __future__ import annotations

import ast
from pathlib import Path

import crossent.frameworks

_ROOT = Path(crossent.frameworks.__file__).parent


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_frameworks_import_neither_explain_nor_cli() -> None:
    files = sorted(_ROOT.rglob("*.py"))
    assert len(files) > 30
    upward = {
        f"{path.relative_to(_ROOT)}: {name}"
        for path in files
        for name in _imports(path)
        if name.startswith(("crossent.explain", "crossent.cli"))
    }
    assert not upward
