"""Row-addressable arrays on disk or in memory: what :func:`evaluate` reads from.

A source knows its shape and dtype without reading its data, splits its rows
(axis 0) into *pieces* (shards, Zarr chunks, Parquet row groups) and reads any
row range as a NumPy array, or, for an in-memory array, as an array of its own
library. Sources are small frozen dataclasses that pickle as a description
(paths, offsets), never as data, so a Dask worker reads its rows itself.

Formats: ``.npy`` (memory-mapped), a directory of ``.npy``/``.npz`` shards
concatenated along axis 0 in natural name order, Zarr arrays, and Parquet
columns (one file or a directory of files; list columns become trailing axes).
``PATH:NAME`` names an array inside an ``.npz``, a Zarr group or a Parquet file.
"""

from __future__ import annotations

import bisect
import importlib
import itertools
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

__all__ = ["PieceCache", "Source", "Window", "open_source"]


class Source(Protocol):
    """What the reducer needs from an input."""

    @property
    def name(self) -> str: ...  # for messages

    @property
    def shape(self) -> tuple[int, ...]: ...

    @property
    def dtype(self) -> Any: ...

    def pieces(self) -> list[int]:
        """Row offsets where pieces start, with 0 first and the row count last."""
        ...

    @property
    def splittable(self) -> bool:
        """Whether a piece may be read in parts without reading it whole each time."""
        ...

    def read(self, start: int, stop: int) -> Any:
        """Rows ``start:stop`` as an array."""
        ...

    def window(self, start: int, stop: int) -> Window:
        """Rows ``start:stop`` as something cheap to send to another process."""
        ...


@dataclass(frozen=True)
class Window:
    """Rows ``start:stop`` of a source, read on demand (e.g. on a Dask worker)."""

    source: Source
    start: int
    stop: int
    offset: int = 0  # rows of the source are rows offset + i of the input

    def read(self) -> Any:
        """The rows, as an array."""
        return self.source.read(self.start, self.stop)

    @property
    def ours(self) -> bool:
        """Whether the rows come from a copy-on-write map opened by the source itself
        (never written, so its pages may be dropped once read)."""
        return bool(getattr(self.source, "opens_maps", False))

    def describe(self) -> str:
        """``rows A:B of NAME``, in the input's own row numbers."""
        a, b = self.start + self.offset, self.stop + self.offset
        return f"rows {a}:{b} of {self.source.name}"


def _optional(module: str, purpose: str) -> Any:
    """Import an optional dependency, or say which one is missing and why."""
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise ImportError(
            f"evaluate: {purpose} needs {top}, which is not installed; "
            f"pip install 'crossent[evaluate]'"
        ) from None


def _error(arg: str, requirement: str, received: object, hint: str = "") -> ValueError:
    tail = f" {hint}" if hint else ""
    return ValueError(f"evaluate: `{arg}` {requirement}; got {received!r}.{tail}")


# ----------------------------------------------------------------------------- arrays


@dataclass(frozen=True)
class ArraySource:
    """An array already in memory (NumPy, a memmap, or any array-API array)."""

    array: Any = field(repr=False)
    name: str = "array"

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.array.shape)

    @property
    def dtype(self) -> Any:
        return self.array.dtype

    def pieces(self) -> list[int]:
        return [0, self.shape[0]]

    @property
    def splittable(self) -> bool:
        return True

    def read(self, start: int, stop: int) -> Any:
        return self.array[start:stop, ...]

    def window(self, start: int, stop: int) -> Window:
        # Only the rows travel, not the whole array.
        rows = ArraySource(self.array[start:stop, ...], self.name)
        return Window(rows, 0, stop - start, offset=start)


# ----------------------------------------------------------------------------- .npy / .npz


def _npy_header(stream: Any) -> tuple[tuple[int, ...], np.dtype[Any]]:
    fmt = np.lib.format
    version = fmt.read_magic(stream)
    if version == (1, 0):
        shape, _, dtype = fmt.read_array_header_1_0(stream)
    else:
        shape, _, dtype = fmt.read_array_header_2_0(stream)
    return tuple(int(s) for s in shape), np.dtype(dtype)


def _npz_member(path: Path, member: str | None, arg: str) -> str:
    with zipfile.ZipFile(path) as zf:
        names = [n[: -len(".npy")] for n in zf.namelist() if n.endswith(".npy")]
    if member is None:
        if len(names) != 1:
            raise _error(
                arg,
                f"must name one of the arrays in {path.name} ({', '.join(names)})",
                str(path),
                f"Use {path}:NAME.",
            )
        return names[0]
    if member not in names:
        raise _error(arg, f"names no array of {path.name} ({', '.join(names)})", member)
    return member


def _file_header(path: Path, member: str | None) -> tuple[tuple[int, ...], Any]:
    if path.suffix == ".npz":
        with zipfile.ZipFile(path) as zf, zf.open(member + ".npy") as f:  # type: ignore[operator]
            return _npy_header(f)
    with path.open("rb") as f:
        return _npy_header(f)


def _read_file(path: Path, member: str | None, start: int, stop: int) -> np.ndarray:
    if path.suffix == ".npz":
        with np.load(path, allow_pickle=False) as data:
            return np.asarray(data[member][start:stop])
    # Copy-on-write and never written: the kernels see an ordinary writeable
    # array (no separate compilation for read-only arrays), and the pages can
    # be handed back once the batch is done (crossent.evaluate._engine.Pages).
    return np.asarray(np.load(path, mmap_mode="c", allow_pickle=False)[start:stop])


def _rows_of_pieces(
    source: Any, start: int, stop: int, read_part: Callable[[int, int, int], Any]
) -> np.ndarray:
    """Rows ``start:stop`` of a source made of pieces at ``source.offsets``.

    ``read_part(k, a, b)`` reads rows ``a:b`` of piece ``k``; the parts of the
    pieces that overlap the range are concatenated.
    """
    bounds = itertools.pairwise(source.offsets)
    parts = [
        read_part(k, max(start, lo) - lo, min(stop, hi) - lo)
        for k, (lo, hi) in enumerate(bounds)
        if lo < stop and hi > start and hi > lo
    ]
    if not parts:
        return np.empty((0, *source.shape[1:]), dtype=source.dtype)
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=0)


@dataclass(frozen=True)
class ShardSource:
    """``.npy``/``.npz`` files concatenated along axis 0 (one file is one shard).

    ``.npy`` shards are memory-mapped, so any row range is read without the
    rest; an ``.npz`` member is read whole (compressed members cannot be
    sliced), so a shard of an ``.npz`` directory is the unit of reading.
    """

    files: tuple[Path, ...]
    member: str | None
    offsets: tuple[int, ...]  # row offset of each file, then the total
    shape: tuple[int, ...]
    dtype: Any
    name: str

    def pieces(self) -> list[int]:
        return list(self.offsets)

    @property
    def splittable(self) -> bool:
        return all(f.suffix == ".npy" for f in self.files)

    @property
    def opens_maps(self) -> bool:
        return self.splittable

    def read(self, start: int, stop: int) -> np.ndarray:
        return _rows_of_pieces(
            self,
            start,
            stop,
            lambda i, a, b: _read_file(self.files[i], self.member, a, b),
        )

    def window(self, start: int, stop: int) -> Window:
        return Window(self, start, stop)


def _natural_key(path: Path) -> list[Any]:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", path.name)]


def _shards(
    files: Sequence[Path], member: str | None, name: str, arg: str
) -> ShardSource:
    headers = []
    for path in files:
        m = _npz_member(path, member, arg) if path.suffix == ".npz" else None
        shape, dtype = _file_header(path, m)
        if not shape:
            raise _error(arg, "must hold arrays with a row axis", f"{path}: a scalar")
        headers.append((shape, dtype))
        member = m if m is not None else member
    first_shape, first_dtype = headers[0]
    for path, (shape, dtype) in zip(files, headers):
        if shape[1:] != first_shape[1:] or dtype != first_dtype:
            raise _error(
                arg,
                f"must hold shards of one row shape and dtype, like {files[0].name} "
                f"({first_shape[1:]}, {first_dtype})",
                f"{path.name}: {shape[1:]}, {dtype}",
            )
    offsets = tuple(np.cumsum([0] + [s[0] for s, _ in headers]).tolist())
    return ShardSource(
        files=tuple(files),
        member=member,
        offsets=offsets,
        shape=(offsets[-1], *first_shape[1:]),
        dtype=first_dtype,
        name=name,
    )


# ----------------------------------------------------------------------------- Zarr


@dataclass(frozen=True)
class ZarrSource:
    """A Zarr array; its chunks along axis 0 are the pieces."""

    store: str
    path: str
    shape: tuple[int, ...]
    dtype: Any
    chunk_rows: int
    name: str

    def pieces(self) -> list[int]:
        n = self.shape[0]
        return [*range(0, n, self.chunk_rows), n] if n else [0, 0]

    @property
    def splittable(self) -> bool:
        return True

    def _open(self) -> Any:
        zarr = _optional("zarr", "reading Zarr")
        return zarr.open_array(self.store, path=self.path, mode="r")

    def read(self, start: int, stop: int) -> np.ndarray:
        return np.asarray(self._open()[start:stop])

    def window(self, start: int, stop: int) -> Window:
        return Window(self, start, stop)


def _zarr(store: Path, member: str | None, name: str, arg: str) -> ZarrSource:
    zarr = _optional("zarr", "reading Zarr")
    node = zarr.open(str(store), mode="r")
    path = member or ""
    if member is not None:
        if not hasattr(node, "__getitem__") or member not in node:
            raise _error(arg, f"names no array of the Zarr store {store}", member)
        node = node[member]
    if not hasattr(node, "chunks"):
        names = sorted(getattr(node, "array_keys", list)())
        raise _error(
            arg,
            f"must name an array of the Zarr group {store} ({', '.join(names)})",
            str(store),
            f"Use {store}:NAME.",
        )
    if not node.shape:
        raise _error(arg, "must hold an array with a row axis", f"{store}: a scalar")
    return ZarrSource(
        store=str(store),
        path=path,
        shape=tuple(int(s) for s in node.shape),
        dtype=np.dtype(node.dtype),
        chunk_rows=max(1, int(node.chunks[0])),
        name=name,
    )


# ----------------------------------------------------------------------------- Parquet


@dataclass(frozen=True)
class ParquetSource:
    """A Parquet column; its row groups are the pieces and are read whole.

    Scalar columns give one value per row; list columns (fixed or uniform
    length, nested for more axes) give trailing axes.
    """

    files: tuple[Path, ...]
    column: str
    groups: tuple[tuple[int, int], ...]  # (file index, row group) per piece
    offsets: tuple[int, ...]
    shape: tuple[int, ...]
    dtype: Any
    name: str

    def pieces(self) -> list[int]:
        return list(self.offsets)

    @property
    def splittable(self) -> bool:
        return False

    def read(self, start: int, stop: int) -> np.ndarray:
        return _rows_of_pieces(self, start, stop, self._rows_of_group)

    def _rows_of_group(self, k: int, a: int, b: int) -> np.ndarray:
        pq = _optional("pyarrow.parquet", "reading Parquet")
        i, group = self.groups[k]
        table = pq.ParquetFile(self.files[i]).read_row_group(
            group, columns=[self.column]
        )
        return _column_to_numpy(table.column(0), self.column)[a:b]

    def window(self, start: int, stop: int) -> Window:
        return Window(self, start, stop)


def _column_to_numpy(column: Any, name: str) -> np.ndarray:
    """An Arrow column (lists of lists of numbers) as a NumPy array with trailing axes."""
    pa = _optional("pyarrow", "reading Parquet")
    pc = _optional("pyarrow.compute", "reading Parquet")
    values = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    if values.null_count:
        raise _error(
            "column",
            "must have no missing values",
            f"{name}: {values.null_count} nulls",
        )
    dims = [len(values)]
    while (
        pa.types.is_list(values.type)
        or pa.types.is_large_list(values.type)
        or (pa.types.is_fixed_size_list(values.type))
    ):
        if pa.types.is_fixed_size_list(values.type):
            size = values.type.list_size
        else:
            lengths = pc.list_value_length(values).to_numpy(zero_copy_only=False)
            size = int(lengths[0]) if len(lengths) else 0
            if len(lengths) and not (lengths == size).all():
                raise _error(
                    "column",
                    "must hold lists of one length (a rectangular array)",
                    f"{name}: lengths from {lengths.min()} to {lengths.max()}",
                )
        values = values.flatten()
        if values.null_count:
            raise _error(
                "column", "must have no missing values", f"{name}: nulls inside lists"
            )
        dims.append(size)
    return np.asarray(values.to_numpy(zero_copy_only=False)).reshape(dims)


def _parquet(
    files: Sequence[Path], column: str | None, name: str, arg: str
) -> ParquetSource:
    pq = _optional("pyarrow.parquet", "reading Parquet")
    groups: list[tuple[int, int]] = []
    counts: list[int] = []
    row_shape: tuple[int, ...] | None = None
    dtype: Any = None
    for i, path in enumerate(files):
        pf = pq.ParquetFile(path)
        columns = pf.schema_arrow.names
        if column is None:
            if len(columns) != 1:
                raise _error(
                    arg,
                    f"must name one of the columns of {path.name} ({', '.join(columns)})",
                    str(path),
                    f"Use {path}:COLUMN.",
                )
            column = columns[0]
        if column not in columns:
            raise _error(
                arg, f"names no column of {path.name} ({', '.join(columns)})", column
            )
        for group in range(pf.num_row_groups):
            groups.append((i, group))
            counts.append(pf.metadata.row_group(group).num_rows)
        if row_shape is None and pf.metadata.num_rows:
            first = next(pf.iter_batches(batch_size=1, columns=[column]))
            sample = _column_to_numpy(first.column(0), column)
            row_shape, dtype = sample.shape[1:], sample.dtype
    if column is None or row_shape is None:
        raise _error(arg, "must hold at least one row", name)
    offsets = tuple(np.cumsum([0, *counts]).tolist())
    return ParquetSource(
        files=tuple(files),
        column=column,
        groups=tuple(groups),
        offsets=offsets,
        shape=(offsets[-1], *row_shape),
        dtype=dtype,
        name=name,
    )


# ----------------------------------------------------------------------------- caching


class PieceCache:
    """A source that cannot be read in parts, keeping the piece read last.

    The planner never lets a batch span two pieces, so reading batches in
    order reads every piece once (a compressed ``.npz`` member or a Parquet row
    group is decoded once, not once per batch). Used by the single-machine
    loop only: it holds data, so it is never sent to a worker.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.name = source.name
        self.shape = source.shape
        self.dtype = source.dtype
        self.splittable = False
        self._bounds = source.pieces()
        self._piece: tuple[int, int] | None = None
        self._rows: Any = None

    def pieces(self) -> list[int]:
        return list(self._bounds)

    def read(self, start: int, stop: int) -> Any:
        i = bisect.bisect_right(self._bounds, start) - 1
        lo, hi = self._bounds[i], self._bounds[min(i + 1, len(self._bounds) - 1)]
        if stop > hi:  # spans pieces: not from the planner, read it directly
            return self.source.read(start, stop)
        if self._piece != (lo, hi):
            self._rows = None  # let the previous piece go before reading the next
            self._rows = self.source.read(lo, hi)
            self._piece = (lo, hi)
        return self._rows[start - lo : stop - lo]

    def window(self, start: int, stop: int) -> Window:
        return Window(self, start, stop)


# ----------------------------------------------------------------------------- opening


def _split_member(spec: str) -> tuple[Path, str | None]:
    """``PATH:NAME`` → (PATH, NAME) when PATH exists and the whole does not."""
    path = Path(spec)
    if path.exists():
        return path, None
    head, sep, tail = spec.rpartition(":")
    if sep and head and Path(head).exists():
        return Path(head), tail
    raise FileNotFoundError(f"evaluate: no such file or directory: {spec}")


def _is_zarr(path: Path) -> bool:
    return path.is_dir() and any(
        (path / marker).exists() for marker in ("zarr.json", ".zarray", ".zgroup")
    )


def open_source(spec: Any, arg: str) -> Source:
    """A source for ``spec``: an array, a path (see the module notes), or a source."""
    if all(hasattr(spec, a) for a in ("pieces", "splittable", "read", "window")):
        source: Source = spec  # a source already (ours, or a reader of another format)
        return source
    if isinstance(spec, (str, Path)):
        return _open_path(str(spec), arg)
    if type(spec).__module__.startswith("zarr"):
        # An array in a local store is read by path (so Dask workers open it
        # themselves); any other store is sliced like an in-memory array.
        store: Any = getattr(spec, "store_path", None)
        root = getattr(getattr(store, "store", None), "root", None)
        if root is None:
            return ArraySource(spec, name=f"`{arg}`")
        return _zarr(Path(str(root)), str(store.path) or None, f"`{arg}`", arg)
    if hasattr(spec, "shape") and hasattr(spec, "dtype"):
        if getattr(spec, "ndim", 1) == 0:
            raise _error(arg, "must have a row axis (axis 0)", "a 0-d array")
        return ArraySource(spec, name=f"`{arg}`")
    array = np.asarray(spec)
    if array.ndim == 0:
        raise _error(arg, "must be an array, a path or a list of rows", spec)
    return ArraySource(array, name=f"`{arg}`")


def _open_path(spec: str, arg: str) -> Source:
    path, member = _split_member(spec)
    if _is_zarr(path):
        return _zarr(path, member, spec, arg)
    if path.is_dir():
        files = sorted(
            (p for p in path.iterdir() if p.suffix in (".npy", ".npz", ".parquet")),
            key=_natural_key,
        )
        kinds = {".parquet" if p.suffix == ".parquet" else "numpy" for p in files}
        if not files or len(kinds) > 1:
            found = (
                sorted({p.suffix for p in files}) or "no .npy, .npz or .parquet files"
            )
            raise _error(
                arg,
                "must be a directory of .npy/.npz shards, of .parquet files, or a "
                "Zarr store",
                f"{spec} ({found})",
            )
        if kinds == {".parquet"}:
            return _parquet(files, member, spec, arg)
        return _shards(files, member, spec, arg)
    suffix = path.suffix.lower()
    if suffix in (".npy", ".npz"):
        return _shards([path], member, spec, arg)
    if suffix in (".parquet", ".pq"):
        return _parquet([path], member, spec, arg)
    raise _error(
        arg,
        "must be a .npy, .npz or .parquet file, a directory of them, or a Zarr store",
        spec,
    )
