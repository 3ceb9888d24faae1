"""Reading arrays from the command line: inline literals, files, or standard input."""

from __future__ import annotations

import ast
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["InputError", "read_array"]


class InputError(ValueError):
    """Bad command-line input; the CLI prints it as one line and exits with status 2."""


def _from_text(text: str, arg: str) -> np.ndarray:
    text = text.strip()
    if not text:
        raise InputError(f"{arg}: empty input")
    if text[0] not in "[(" and "\n" in text:
        return _from_delimited(text, arg, None)  # a table: CSV, TSV or spaces
    if text[0] in "[(-0123456789.":
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            try:
                value = _literal(ast.parse(text, mode="eval").body)
            except SyntaxError as err:
                raise InputError(
                    f"{arg}: cannot parse {text[:40]!r} as an array literal ({err.msg})"
                ) from None
            except ValueError as err:
                raise InputError(
                    f"{arg}: cannot parse {text[:40]!r} as an array literal ({err})"
                ) from None
        return _to_array(value, arg)
    return _from_delimited(text, arg, None)


#: Names a pasted Python or NumPy literal may use for special floats.
_SPECIAL = {
    "nan": math.nan,
    "NaN": math.nan,
    "inf": math.inf,
    "Infinity": math.inf,
    "infinity": math.inf,
}


def _literal(node: ast.expr) -> Any:
    """A nested list/tuple of numbers from a Python literal's syntax tree.

    Like ``ast.literal_eval`` (nothing is evaluated), plus the names ``nan`` and
    ``inf`` (also as ``np.nan``, ``math.inf``...) that NumPy and Python print.
    """
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e) for e in node.elts]
    if isinstance(node, ast.Constant) and type(node.value) in (int, float, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _literal(node.operand)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
    name = None
    if isinstance(node, ast.Name):
        name = node.id
    elif (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("np", "numpy", "math")
    ):
        name = node.attr
    if name in _SPECIAL:
        return _SPECIAL[name]
    shown = ast.unparse(node)
    raise ValueError(
        f"{shown[:30]!r} is not a number (numbers, lists, nan and inf only)"
    )


def _to_array(value: Any, arg: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except ValueError as err:
        raise InputError(
            f"{arg}: ragged array (rows of different lengths): {err}"
        ) from None
    if arr.dtype == object:
        raise InputError(
            f"{arg}: ragged or non-numeric array; every row needs the same length"
        )
    if arr.dtype.kind not in "biuf":
        raise InputError(f"{arg}: expected numbers, got values of type {arr.dtype}")
    if arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    return arr


def _from_delimited(text: str, arg: str, delimiter: str | None) -> np.ndarray:
    rows = [
        line
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if delimiter is None:
        delimiter = "\t" if "\t" in rows[0] else ("," if "," in rows[0] else None)
    parsed: list[list[float | int]] = []
    for i, line in enumerate(rows):
        cells = line.split(delimiter) if delimiter else line.split()
        try:
            parsed.append([_number(c) for c in cells])
        except ValueError:
            if i == 0 and len(rows) > 1:
                continue  # a header row ("p0,p1,p2"): column names, not numbers
            raise InputError(
                f"{arg}: line {i + 1} is not numeric: {line[:60]!r}"
            ) from None
    if not parsed:
        raise InputError(f"{arg}: no numeric rows")
    if len({len(r) for r in parsed}) > 1:
        raise InputError(
            f"{arg}: ragged table (rows have {sorted({len(r) for r in parsed})} columns)"
        )
    arr = np.asarray(parsed)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    return arr


def _number(cell: str) -> float | int:
    cell = cell.strip().strip('"')
    try:
        return int(cell)
    except ValueError:
        return float(cell)


def _from_file(path: Path, arg: str) -> np.ndarray:
    suffix = path.suffix.lower()
    if suffix == ".npy":
        try:
            return np.asarray(np.load(path, allow_pickle=False))
        except ValueError as err:
            raise InputError(
                f"{arg}: {path} holds Python objects (pickle), which are not loaded: {err}"
            ) from None
    if suffix == ".npz":
        try:
            with np.load(path, allow_pickle=False) as data:
                names = list(data.keys())
                if len(names) != 1:
                    raise InputError(
                        f"{arg}: {path} holds {len(names)} arrays ({', '.join(names)}); use FILE.npz:NAME"
                    )
                return np.asarray(data[names[0]])
        except ValueError as err:
            raise InputError(f"{arg}: {path}: {err}") from None
    text = path.read_text()
    delimiter = {".csv": ",", ".tsv": "\t"}.get(suffix)
    if suffix in (".csv", ".tsv", ".txt"):
        return _from_delimited(text, arg, delimiter)
    return _from_text(text, arg)


def read_array(
    spec: str, arg: str, *, stdin: io.TextIOBase | None = None
) -> np.ndarray:
    """An array from ``spec``: an inline literal, ``FILE`` (.npy, .npz[:NAME], .csv,
    .tsv, .txt, or a literal in a text file), or ``-`` for standard input."""
    if spec == "-":
        stream = stdin if stdin is not None else sys.stdin
        return _from_text(stream.read(), arg)
    stripped = spec.strip()
    if stripped[:1] in "[(" or _looks_numeric(stripped):
        return _from_text(stripped, arg)
    name, _, member = spec.partition(":")
    path = Path(name)
    if path.suffix.lower() == ".npz" and member:
        if not path.exists():
            raise InputError(f"{arg}: no such file: {name}")
        with np.load(path, allow_pickle=False) as data:
            if member not in data:
                raise InputError(
                    f"{arg}: {name} has no array {member!r} (it has {', '.join(data.keys())})"
                )
            return np.asarray(data[member])
    if not path.exists():
        raise InputError(
            f"{arg}: no such file: {spec} (give an array literal like '[[1,0],[0,1]]', a .npy/.npz/.csv file, or - for stdin)"
        )
    return _from_file(path, arg)


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
