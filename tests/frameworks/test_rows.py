"""Plans run in row blocks give the numbers of the whole run (frameworks/_rows.py).

Every registered implementation, with every option set identify tries, on the
label and prediction kinds the registry takes: the blocked run (blocks of one row,
and of four) must equal the whole run bit for bit, or raise the same error. And
the values of an implementation's ``reduce_options`` must share the steps before
"reduce", as identify assumes.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import numpy as np
import pytest

from crossent._core._exact_softmax import plain_formulas, plain_only
from crossent.explain._question import bind_impl
from crossent.frameworks import _rows as rows
from crossent.frameworks._plan import Plan, Step
from crossent.frameworks._registry import registry

N, C = 13, 5


def _inputs() -> dict[str, tuple[Any, Any]]:
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, size=(N, C)).astype(np.float32)
    y = rng.integers(0, C, N)
    y[3] = -100  # an ignored target for the implementations that ignore it
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    zero = p.astype(np.float64)
    zero[1, 2] = 0.0  # a zero probability: clips and guards differ on it
    sig = 1 / (1 + np.exp(-z.astype(np.float64)))
    return {
        "class ids, logits": (y, z),
        "class ids, probabilities": (np.abs(y) % C, p.astype(np.float32)),
        "one-hot, probabilities": (np.eye(C)[np.abs(y) % C], zero),
        "one-hot, logits": (np.eye(C, dtype=np.float32)[np.abs(y) % C], z),
        "multi-label": ((rng.random((N, C)) < 0.3).astype(np.float64), sig),
        "binary column": (
            rng.integers(0, 2, (N, 1)).astype(np.float64),
            rng.random((N, 1)),
        ),
        "(N, C, d) class ids": (rng.integers(0, C, (N, 7)), rng.normal(size=(N, C, 7))),
    }


INPUTS = _inputs()


def _grid(options: dict[str, tuple[Any, ...]]) -> list[dict[str, Any]]:
    names = list(options)
    return [dict(zip(names, v)) for v in itertools.product(*options.values())]


def _bound(impl: Any, yt: Any, yp: Any, options: dict[str, Any]) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return bind_impl(impl, yt, yp, **options)
    except Exception:
        return None


def _value(plan: Plan, state: Any) -> Any:
    return plan.run(state).get("value")


def _blocked(plan: Plan, state: Any, size: int) -> Any:
    return rows.run_suffix(plan, rows.run_prefix(plan, state, size)).get("value")


def _shared(plan_a: Plan, state_a: Any, plan_b: Plan) -> Any:
    return rows.run_suffix(plan_b, rows.run_prefix(plan_a, state_a, 1)).get("value")


def _outcome(fn: Any, *args: Any) -> tuple[str, Any]:
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(*args)
            return "value", out if isinstance(out, dict) else np.asarray(out)
    except Exception as err:
        return "raises", type(err).__name__


def _same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "raises":
        return bool(a[1] == b[1])
    x, y = a[1], b[1]
    return bool(
        x.dtype == y.dtype
        and x.shape == y.shape
        and np.array_equal(x, y, equal_nan=True)
    )


@pytest.mark.parametrize("kind", list(INPUTS))
def test_blocks_give_the_whole_runs_numbers(kind: str) -> None:
    yt, yp = INPUTS[kind]
    row_bytes = np.asarray(yp).nbytes // N
    checked = blocked = 0
    bad = []
    for impl in registry().values():
        for options in _grid(dict(impl.options)):
            for extra in ({}, {"sample_weight": np.linspace(0.5, 2, N)}):
                bound = _bound(impl, yt, yp, {**options, **extra})
                if bound is None:
                    continue
                plan, state = bound
                whole = _outcome(_value, plan, state)
                for block_rows in (2, 4):
                    size = block_rows * row_bytes
                    got = _outcome(rows.run_value, plan, state, size)
                    # without run_value's fallback: blocks that fail where the
                    # whole input runs would cost a second, whole run
                    alone = _outcome(_blocked, plan, state, size)
                    checked += 1
                    if not _same(whole, got) or (
                        whole[0] == "value"
                        and not _same(whole, alone)
                        and alone != ("raises", "NeedsWholeError")
                    ):
                        bad.append((impl.path, options, bool(extra), block_rows))
                prefix = _outcome(rows.run_prefix, plan, state, 4 * row_bytes)
                blocked += isinstance(prefix[1], rows._Compact)
    assert not bad, bad[:5]
    assert checked > 20
    assert blocked > 0


def test_reduce_options_share_the_steps_before_reduce() -> None:
    """A prefix run under one value of the ``reduce_options``, finished by another
    value's plan, is that plan's whole run (what identify's sharing relies on)."""
    checked = 0
    bad = []
    for kind, (yt, yp) in INPUTS.items():
        for impl in registry().values():
            reducing = [k for k in impl.reduce_options if k in impl.options]
            if not reducing:
                continue
            others = {k: v for k, v in impl.options.items() if k not in reducing}
            values = _grid({k: impl.options[k] for k in reducing})
            for fixed in _grid(others):
                bound = [_bound(impl, yt, yp, {**fixed, **v}) for v in values]
                ok = [b for b in bound if b is not None]
                for (plan_a, state_a), (plan_b, state_b) in itertools.product(ok, ok):
                    whole = _outcome(_value, plan_b, state_b)
                    shared = _outcome(_shared, plan_a, state_a, plan_b)
                    checked += 1
                    if shared[0] == "raises" and shared[1] == "NeedsWholeError":
                        continue  # identify then runs plan_b whole
                    if not _same(whole, shared):
                        bad.append((kind, impl.path, fixed))
    assert not bad, bad[:5]
    assert checked > 100


def _plan(*steps: Step) -> Plan:
    return Plan("test", steps)


def _state(n: int = 10, c: int = 3) -> dict[str, Any]:
    rng = np.random.default_rng(1)
    return {"y_pred": rng.random((n, c)), "y_true": rng.integers(0, c, n)}


def _terms(state: Any) -> dict[str, Any]:
    p = state["y_pred"]
    picked = np.take_along_axis(p, state["y_true"][:, None], -1)[:, 0]
    return {"log_p": np.log(p), "loss": -np.log(picked)}


def _mean(state: Any) -> dict[str, Any]:
    return {"value": np.mean(state["loss"])}


def test_a_blocked_prefix_keeps_one_number_per_example() -> None:
    plan = _plan(Step("terms", "", _terms), Step("reduce", "", _mean))
    state = _state(12, 5)
    prefix = rows.run_prefix(plan, state, 3 * 5 * 8)
    assert isinstance(prefix, rows._Compact)
    # an input the steps left as it was is the input itself (no copy)
    assert set(dict(prefix)) == {"y_true", "loss"}
    assert prefix["y_true"] is state["y_true"]
    with pytest.raises(rows.NeedsWholeError):
        prefix["y_pred"]
    with pytest.raises(rows.NeedsWholeError):
        prefix["log_p"]
    with pytest.raises(rows.NeedsWholeError):
        prefix.get("log_p")
    with pytest.raises(rows.NeedsWholeError):
        "log_p" in prefix  # noqa: B015
    assert rows.run_value(plan, state, 3 * 5 * 8) == plan.run(state)["value"]


def test_a_later_step_that_reads_a_dropped_entry_gets_the_whole_run() -> None:
    def over_elements(state: Any) -> dict[str, Any]:
        return {"value": np.mean(state["log_p"])}

    plan = _plan(Step("terms", "", _terms), Step("reduce", "", over_elements))
    state = _state()
    assert rows.run_value(plan, state, 1) == plan.run(state)["value"]


def test_a_number_that_depends_on_the_block_runs_whole() -> None:
    """A step that counts its input's rows would count a block's: the blocks
    differ in length (the first is a row shorter when they would all be equal),
    so the count differs between them and the plan runs whole."""

    def count(state: Any) -> dict[str, Any]:
        return {"n": len(state["y_pred"])}

    def per_count(state: Any) -> dict[str, Any]:
        return {"value": np.sum(state["loss"]) / state["n"]}

    plan = _plan(
        Step("validate", "", count),
        Step("terms", "", _terms),
        Step("reduce", "", per_count),
    )
    state = _state(12, 5)
    assert rows._blocks(state, 3 * 5 * 8) is not None
    assert not isinstance(rows.run_prefix(plan, state, 3 * 5 * 8), rows._Compact)
    assert rows.run_value(plan, state, 3 * 5 * 8) == plan.run(state)["value"]


@pytest.mark.parametrize("n, block", [(12, 3), (13, 4), (13, 3), (10, 2), (5, 5)])
def test_blocks_cover_every_row_once(n: int, block: int) -> None:
    bounds = rows._bounds(n, block)
    assert bounds[0][0] == 0
    assert bounds[-1][1] == n
    assert all(b == c for (_, b), (c, _) in itertools.pairwise(bounds))
    lengths = [b - a for a, b in bounds]
    assert len(bounds) == 1 or len(set(lengths)) > 1


def test_no_block_is_as_long_as_another_axis() -> None:
    """Class ids (N,) against (N, C) predictions do not broadcast as a whole; a
    block of C rows (or of one) would, so no block has those lengths."""
    state = {"y_pred": np.zeros((40, 4)), "y_true": np.zeros(40, int)}
    for size in range(1, 40 * 4 * 8, 8):
        bounds = rows._blocks(state, size)
        if bounds is not None:
            assert all(b - a not in (1, 4) for a, b in bounds)


def test_a_step_that_looks_across_rows_runs_whole() -> None:
    def centred(state: Any) -> dict[str, Any]:
        return {"y_pred": state["y_pred"] / state["y_pred"].mean()}

    plan = _plan(
        Step("activation", "", centred, rowwise=False),
        Step("terms", "", _terms),
        Step("reduce", "", _mean),
    )
    state = _state()
    assert not rows.splits(plan)
    assert rows.run_value(plan, state, 1) == plan.run(state)["value"]


def test_blocks_run_in_the_callers_context() -> None:
    """The blocks run on threads, each in a copy of the caller's context: the
    core's plain-formula switch (a context variable) reaches them."""
    seen = []

    def record(state: Any) -> dict[str, Any]:
        seen.append(plain_only())
        return {}

    plan = _plan(
        Step("validate", "", record),
        Step("terms", "", _terms),
        Step("reduce", "", _mean),
    )
    with plain_formulas():
        rows.run_value(plan, _state(40), 8 * 3 * 5)
    assert len(seen) > 2
    assert all(seen)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_int8_one_hot_gives_the_same_numbers(dtype: Any, monkeypatch) -> None:
    """The hand-written and exact formulas hold a large one-hot of class ids as int8:
    every reduction, on logits and on probabilities with zeros, gives the numbers
    (and dtypes) of the float one-hot."""
    from crossent.frameworks import textbook

    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, (60, 7)).astype(dtype)
    y = rng.integers(0, 7, 60)
    p = (np.exp(z) / np.exp(z).sum(1, keepdims=True)).astype(dtype)
    p[0, y[0]] = 0
    p[1, 0] = 0
    paths = [k for k in registry() if k.startswith(("textbook.", "exact."))]
    for path, reduction, pred in itertools.product(
        paths, ("none", "sum", "mean", "mean_over_elements"), (z, p)
    ):
        impl = registry()[path]
        outcomes = []
        for above in (10**12, 0):
            monkeypatch.setattr(textbook, "INT8_ONE_HOT_ABOVE", above)
            bound = bind_impl(impl, y, pred, reduction=reduction)
            outcomes.append(_outcome(_value, *bound))
        assert _same(*outcomes), (path, reduction)
    monkeypatch.setattr(textbook, "INT8_ONE_HOT_ABOVE", 0)
    _, state = bind_impl(registry()["exact.softmax"], y, z)
    assert state["y_true"].dtype == np.int8
