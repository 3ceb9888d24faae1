"""Reading arrays from the command line: inline literals, files, or standard input."""

from __future__ import annotations

import ast
import io
import json
import math
import os
import stat
import sys
import zipfile
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
        except RecursionError:
            raise InputError(f"{arg}: nested too deeply to be an array") from None
        except json.JSONDecodeError:
            try:
                value = _literal(ast.parse(text, mode="eval").body)
            except (RecursionError, MemoryError):
                raise InputError(f"{arg}: nested too deeply to be an array") from None
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
    if any(isinstance(c, int) and not -(2**63) <= c < 2**63 for r in parsed for c in r):
        raise InputError(f"{arg}: an integer does not fit in 64 bits")
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


def max_input_bytes() -> int:
    """The most bytes one input may hold: ``CROSSENT_MAX_INPUT_MB`` (MiB), else a
    quarter of the memory available now (at least 64 MiB)."""
    env = os.environ.get("CROSSENT_MAX_INPUT_MB")
    if env:
        try:
            mb = float(env)
        except ValueError:
            mb = math.nan
        if not (math.isfinite(mb) and mb > 0):
            raise InputError(
                f"CROSSENT_MAX_INPUT_MB: must be a positive number; got {env!r}"
            )
        return int(mb * 2**20)
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        free = 2**32
    return max(64 * 2**20, free // 4)


def _too_big(arg: str, what: str, size: int, limit: int) -> InputError:
    return InputError(
        f"{arg}: {what} is {size / 2**20:,.1f} MiB, over the limit of "
        f"{limit / 2**20:,.1f} MiB (set CROSSENT_MAX_INPUT_MB to raise it)"
    )


def _checked(arr: np.ndarray, arg: str, source: str) -> np.ndarray:
    """Numbers only: no objects, strings, dates, complex values or bytes."""
    if arr.dtype.kind == "b":
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iuf" and arr.dtype.name != "bfloat16":
        raise InputError(
            f"{arg}: {source} holds {arr.dtype} values; expected real numbers "
            "(integers or floats)"
        )
    return arr


def _read_npy(path: Path, arg: str, limit: int) -> np.ndarray:
    with path.open("rb") as fh:
        try:
            version = np.lib.format.read_magic(fh)
            shape, _, dtype = (
                np.lib.format.read_array_header_1_0(fh)
                if version == (1, 0)
                else np.lib.format.read_array_header_2_0(fh)
            )
        except ValueError as err:
            raise InputError(f"{arg}: {path} is not a valid .npy file: {err}") from None
        if dtype.hasobject:
            raise InputError(
                f"{arg}: {path} holds Python objects (pickle), which are not loaded"
            )
        declared = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
        if declared > limit:
            raise _too_big(arg, f"{path} (declared shape {shape})", declared, limit)
        body = path.stat().st_size - fh.tell()
        if declared > body:
            raise InputError(
                f"{arg}: {path} declares shape {shape} ({declared:,} bytes) but holds "
                f"{body:,} bytes of data"
            )
    return _checked(np.asarray(np.load(path, allow_pickle=False)), arg, str(path))


def _read_npz(path: Path, arg: str, limit: int, member: str | None) -> np.ndarray:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if i.filename.endswith(".npy")]
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(f"{arg}: {path} is not a valid .npz file: {err}") from None
    names = [i.filename[: -len(".npy")] for i in infos]
    if member is None:
        if len(infos) != 1:
            raise InputError(
                f"{arg}: {path} holds {len(names)} arrays ({', '.join(names[:8])}); "
                "use FILE.npz:NAME"
            )
        member = names[0]
    if member not in names:
        raise InputError(
            f"{arg}: {path} has no array {member!r} (it has {', '.join(names[:8])})"
        )
    size = infos[names.index(member)].file_size  # uncompressed, as the zip declares
    if size > limit:
        raise _too_big(arg, f"{path}:{member} uncompressed", size, limit)
    try:
        with np.load(path, allow_pickle=False) as data:
            return _checked(np.asarray(data[member]), arg, f"{path}:{member}")
    except ValueError as err:
        raise InputError(f"{arg}: {path}:{member}: {err}") from None


def _read_text(path: Path, arg: str, limit: int) -> str:
    with path.open("rb") as fh:
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        raise _too_big(arg, str(path), len(raw), limit)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{arg}: {path} is neither .npy/.npz nor UTF-8 text") from None


def _from_file(path: Path, arg: str, member: str | None = None) -> np.ndarray:
    try:
        mode = path.stat().st_mode
    except OSError as err:
        raise InputError(f"{arg}: cannot read {path}: {err.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{arg}: {path} is a directory; give a file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):  # a pipe: `<(…)`
        raise InputError(f"{arg}: {path} is a special file; give a regular file")
    limit = max_input_bytes()
    if stat.S_ISREG(mode) and path.stat().st_size > limit:
        raise _too_big(arg, str(path), path.stat().st_size, limit)
    suffix = path.suffix.lower()
    if suffix == ".npy":
        return _read_npy(path, arg, limit)
    if suffix == ".npz":
        return _read_npz(path, arg, limit, member)
    text = _read_text(path, arg, limit)
    delimiter = {".csv": ",", ".tsv": "\t"}.get(suffix)
    if suffix in (".csv", ".tsv", ".txt"):
        return _from_delimited(text, arg, delimiter)
    return _from_text(text, arg)


def read_array(
    spec: str, arg: str, *, stdin: io.TextIOBase | None = None
) -> np.ndarray:
    """An array from ``spec``: an inline literal, ``FILE`` (.npy, .npz[:NAME], .csv,
    .tsv, .txt, or a literal in a text file), or ``-`` for standard input.

    Reads are bounded (:func:`max_input_bytes`), special files refused, and the
    values must be real numbers."""
    if spec == "-":
        stream = stdin if stdin is not None else sys.stdin
        limit = max_input_bytes()
        text = stream.read(limit + 1)
        if len(text) > limit:
            raise _too_big(arg, "standard input", len(text), limit)
        return _from_text(text, arg)
    stripped = spec.strip()
    if not stripped:
        raise InputError(f"{arg}: empty input")
    if stripped[:1] in "[(" or _looks_numeric(stripped):
        return _from_text(stripped, arg)
    name, _, member = spec.partition(":")
    path = Path(name)
    if path.suffix.lower() == ".npz" and member:
        if not path.exists():
            raise InputError(f"{arg}: no such file: {name}")
        return _from_file(path, arg, member)
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
