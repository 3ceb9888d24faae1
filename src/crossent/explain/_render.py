"""Rendering helpers shared by the result objects: JSON-safe values, text, HTML."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "dict_of",
    "fmt_array",
    "fmt_value",
    "html_table",
    "jsonable",
    "rich_table",
    "text_table",
]


def jsonable(x: Any) -> Any:
    """``x`` with arrays as lists and inf/NaN as strings, safe for ``json.dumps``."""
    if isinstance(x, Mapping):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (np.ndarray, np.generic)):
        arr = np.asarray(x)
        if arr.dtype.kind in "fV" or arr.dtype.name == "bfloat16":
            return jsonable(arr.astype(np.float64).tolist())
        return arr.tolist()
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if x is None or isinstance(x, (bool, int, str)):
        return x
    return str(x)


def dict_of(mapping: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`jsonable` of a mapping, typed as a dict."""
    out: dict[str, Any] = jsonable(mapping)
    return out


def fmt_value(x: Any, digits: int = 8) -> str:
    """One number, 8 significant digits (inf/nan spelled out)."""
    try:
        f = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(f) or math.isinf(f):
        return str(f)
    return f"{f:.{digits}g}"


def fmt_array(x: Any, digits: int = 8, limit: int = 8) -> str:
    """A scalar or a short array as text; long arrays are cut with a count."""
    arr = np.asarray(x)
    if arr.ndim == 0:
        return fmt_value(arr, digits)
    flat = arr.reshape(-1)
    shown = ", ".join(fmt_value(v, digits) for v in flat[:limit])
    more = f", … ({flat.size} values)" if flat.size > limit else ""
    if arr.ndim == 1:
        return f"[{shown}{more}]"
    return f"[{shown}{more}] shape {arr.shape}"


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table with aligned columns (ASCII only)."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join([line, rule, *body])


def html_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A small HTML table, escaped."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def rich_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str | None = None,
    whole: Sequence[str] = (),
    right: Sequence[str] = (),
    max_width: int = 100,
    **options: Any,
) -> Any:
    """A rich ``Table``: long cells wrap, but the cells of the ``whole`` columns
    (names such as ``keras.losses.CategoricalCrossentropy``) stay on one line while
    the other columns give up width, as long as together they take at most 60 %
    of ``max_width`` (the console's); on a narrower console the rest fold too."""
    from rich.table import Table
    from rich.text import Text

    # Cells are text, never rich markup: "−Σ [y log p + (1 − y) log(1 − p)]" would
    # otherwise lose its bracket as an unknown style tag.
    table = Table(title=None if title is None else Text(title), **options)
    budget = 0.6 * max_width  # what the one-line columns may take together
    for i, h in enumerate(headers):
        width = max([len(h), *(len(r[i]) for r in rows)]) + 3  # padding and rule
        one_line = h in whole and width <= budget
        if one_line:
            budget -= width
        table.add_column(
            h,
            overflow="fold",
            no_wrap=one_line,
            justify="right" if h in right else "left",
        )
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table
