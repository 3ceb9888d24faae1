"""Running a plan's per-example steps in row blocks, for memory and reuse.

Every step before "reduce" works on each example on its own: a softmax over one
row, the log of one probability, the weight of one target. Run on a block of rows,
those steps give that block's per-example losses; the blocks' losses, joined, are
the whole input's. The reduce step and what follows then run once on the joined,
*compact* state, which keeps only what is one number (or one loss row) per
example: the large intermediates (softmax, log-probabilities, per-class terms) of
one block at a time are all the memory a run needs.

A step that looks across rows (a label shift from one row to the next, a batch
total) says so with ``Step(rowwise=False)``, and its plan runs whole; a reduction
that reads per-class entries names them with ``Step(reads=...)``, and they are
kept. A later step that reads an entry the compact state left out raises
:class:`NeedsWholeError`, and :func:`run_value` then runs the plan whole. Blocks
never change a number, and fail only where the whole input fails (a block raises
the whole input's error): ``tests/frameworks/test_rows.py`` holds every registered
implementation to both (the contract: ``docs/design.md``, "Plans by rows").

The prefix (every step before "reduce") is also what the reductions of one
implementation share: :func:`run_prefix` returns it, :func:`run_suffix` finishes
it under another reduction (``identify`` tries 'mean', 'sum' and 'none' on one
prefix).
"""

from __future__ import annotations

import contextvars
import itertools
import os
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from crossent.frameworks._plan import Plan, State

__all__ = [
    "BLOCK_BYTES",
    "NeedsWholeError",
    "cut",
    "run_prefix",
    "run_suffix",
    "run_value",
    "splits",
]

#: Predictions larger than this run their per-example steps in blocks of rows of
#: about this size: a few times the CPU's last-level cache share, where a step's
#: temporaries stay cheap, and a small fraction of any input worth blocking.
BLOCK_BYTES = 4 << 20

# Entries a reduce step reads beside the loss: kept whatever their width.
_KEPT = frozenset({"loss", "mask", "sample_weight"})


_UNCHANGED = object()  # a block's entry that is its rows of the input, as given


class NeedsWholeError(LookupError):
    """A step after the per-example ones read an entry left out of the compact state."""


class _Compact(dict[str, Any]):
    """A state without the per-class entries of a blocked run; reading one of
    them raises :class:`NeedsWholeError` (never a default that would change a number)."""

    def __init__(self, items: Mapping[str, Any], dropped: frozenset[str]) -> None:
        super().__init__(items)
        self.dropped = dropped

    def _check(self, key: object) -> None:
        if key in self.dropped:
            raise NeedsWholeError(str(key))

    def __getitem__(self, key: str) -> Any:
        self._check(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self._check(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        self._check(key)
        return super().__contains__(key)


def cut(plan: Plan) -> int:
    """The index of ``plan``'s first step past the per-example ones: "reduce", or
    "output" in a plan that returns per-example losses (its length if neither)."""
    return next(
        (i for i, s in enumerate(plan.steps) if s.name in ("reduce", "output")),
        len(plan.steps),
    )


def splits(plan: Plan) -> bool:
    """Whether ``plan`` may run in row blocks: every step allows it
    (:attr:`~crossent.frameworks._plan.Step.rowwise`)."""
    return all(s.rowwise for s in plan.steps)


def _blocks(state: State, block_bytes: int) -> list[tuple[int, int]] | None:
    """The row blocks to run this state in, or None when it is better run whole.

    No block is one row long, or as long as another axis of an input: arrays that
    do not broadcast together as a whole (class ids of shape (N,) against (N, C)
    predictions, in a binary loss) would then broadcast in a block.
    """
    yp = state.get("y_pred")
    if not isinstance(yp, np.ndarray) or yp.ndim < 2 or yp.nbytes <= block_bytes:
        return None
    n = int(yp.shape[0])
    forbidden = {0, 1} | {
        int(d) for v in state.values() if _aligned(v, n) for d in v.shape[1:]
    }
    want = max(block_bytes // max(yp.nbytes // n, 1), 2)
    for rows in range(want, max(want - 16, 1), -1):
        bounds = _bounds(n, rows)
        if len(bounds) > 1 and all(b - a not in forbidden for a, b in bounds):
            return bounds
    return None


def _aligned(value: Any, rows: int) -> bool:
    return isinstance(value, np.ndarray) and value.ndim >= 1 and value.shape[0] == rows


def _width(value: np.ndarray) -> int:
    return int(np.prod(value.shape[1:], dtype=np.int64)) if value.ndim > 1 else 1


def _same(a: Any, b: Any) -> bool:
    if a is b:
        return True
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except Exception:
        try:
            return bool(a == b)
        except Exception:
            return False


def _bounds(n: int, rows: int) -> list[tuple[int, int]]:
    """Blocks of about ``rows`` rows. They never all have one length: when ``rows``
    divides ``n`` the first block is a row shorter and the last a row longer, so
    that a number that depends on a block's length differs between blocks (and
    is caught) rather than passing for the whole input's. A one-row tail joins
    the block before it."""
    k, tail = divmod(n, rows)
    lengths = [rows] * k + ([tail] if tail else [])
    if len(lengths) >= 2 and tail == 0:
        lengths[0] -= 1
        lengths[-1] += 1
    elif len(lengths) >= 2 and tail == 1:
        one = lengths.pop()
        lengths[-1] += one
    ends = list(itertools.accumulate(lengths))
    return list(zip([0, *ends[:-1]], ends))


def _workers() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _in_order(
    pool: ThreadPoolExecutor,
    fn: Any,
    contexts: list[contextvars.Context],
    bounds: list[tuple[int, int]],
    ahead: int,
) -> Iterator[Any]:
    """``fn(b)`` for each block, in order, at most ``ahead`` blocks submitted and not
    yet taken (``Executor.map`` would run them all ahead and hold every result)."""
    pending: deque[Future[Any]] = deque()
    for c, b in zip(contexts, bounds):
        pending.append(pool.submit(c.run, fn, b))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _prefix_by_rows(
    plan: Plan, state: State, bounds: list[tuple[int, int]]
) -> State | None:
    """The prefix run block by block and joined, or None where it does not split.

    Blocks run on a few threads (NumPy lets go of the interpreter lock in its
    loops); each keeps only its per-example entries, so what is held at once is
    a block's intermediates per thread.
    """
    head = Plan(plan.implementation, plan.steps[: cut(plan)], plan.options)
    keep = _KEPT.union(*(s.reads for s in plan.steps[cut(plan) :]))
    n = int(state["y_pred"].shape[0])
    row_keys = {k for k, v in state.items() if _aligned(v, n)}

    def block(
        bounds: tuple[int, int],
    ) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
        start, stop = bounds
        size = stop - start
        part = {k: (v[start:stop] if k in row_keys else v) for k, v in state.items()}
        out = head.run(part)
        width = _width(out["loss"]) if _aligned(out.get("loss"), size) else 1
        kept: dict[str, Any] = {}
        other: dict[str, Any] = {}
        dropped: set[str] = set()
        for k, v in out.items():
            if _aligned(v, size) and (k in row_keys or k not in state):
                # an input is kept if it is one number per example, what the
                # steps made if it is no wider than the loss (elementwise losses)
                if k in keep or _width(v) <= (1 if k in row_keys else width):
                    unchanged = k in row_keys and v is part[k]
                    kept[k] = _UNCHANGED if unchanged else v  # joined: the input
                else:
                    dropped.add(k)
            else:
                other[k] = v
        return kept, other, dropped

    # each block in a copy of the caller's context: its settings (the core's
    # plain formulas, NumPy's error state) are context variables
    contexts = [contextvars.copy_context() for _ in bounds]
    joined: dict[str, Any] = {}
    shared: dict[str, Any] = {}
    dropped: set[str] = set()
    workers = min(_workers(), len(bounds))
    with ThreadPoolExecutor(workers) as pool:
        results = _in_order(pool, block, contexts, bounds, ahead=workers + 1)
        # each block's rows copied into the joined arrays as it comes: the blocks'
        # own arrays are let go at once, never all held beside the joined ones
        for i, ((start, stop), (kept, other, gone)) in enumerate(zip(bounds, results)):
            if i == 0:
                shared = other
                joined = {
                    k: state[k]
                    if v is _UNCHANGED
                    else np.empty((n, *v.shape[1:]), v.dtype)
                    for k, v in kept.items()
                }
            if set(kept) != set(joined) or set(other) != set(shared):
                return None
            if not all(_same(shared[k], v) for k, v in other.items()):
                return None  # a number that depends on the block: not per example
            for k, v in kept.items():
                if joined[k] is state.get(k):
                    if v is _UNCHANGED:
                        continue
                    joined[k] = np.array(state[k], copy=True)  # changed after all
                if v is _UNCHANGED:
                    v = state[k][start:stop]
                if v.shape[1:] != joined[k].shape[1:] or v.dtype != joined[k].dtype:
                    return None
                joined[k][start:stop] = v
            dropped |= gone
    return _Compact({**shared, **joined}, frozenset(dropped - set(joined)))


def run_prefix(plan: Plan, state: State, block_bytes: int = BLOCK_BYTES) -> State:
    """The state after every step before "reduce": in row blocks, compact, when
    the predictions are larger than ``block_bytes`` and each step is per example."""
    end = cut(plan)
    bounds = _blocks(state, block_bytes)
    if bounds is not None and splits(plan):
        blocked = _prefix_by_rows(plan, state, bounds)
        if blocked is not None:
            return blocked
    return Plan(plan.implementation, plan.steps[:end], plan.options).run(state)


def run_suffix(plan: Plan, prefix: State) -> dict[str, Any]:
    """Finish ``prefix`` (from :func:`run_prefix`) with ``plan``'s "reduce" and later
    steps; raises :class:`NeedsWholeError` if they read what a blocked prefix left out."""
    dropped = prefix.dropped if isinstance(prefix, _Compact) else frozenset()
    current: dict[str, Any] = _Compact(prefix, dropped)
    for s in plan.steps[cut(plan) :]:
        with np.errstate(all="ignore"):
            updates = s.fn(current)
        current = _Compact({**current, **updates}, dropped)
    return dict(current)


def run_value(plan: Plan, state: State, block_bytes: int = BLOCK_BYTES) -> Any:
    """``plan``'s value on ``state``, its per-example steps in row blocks when large."""
    if not splits(plan) or _blocks(state, block_bytes) is None:
        return plan.run(state).get("value")
    try:
        return run_suffix(plan, run_prefix(plan, state, block_bytes)).get("value")
    except NeedsWholeError:
        return plan.run(state).get("value")
