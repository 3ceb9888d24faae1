"""evaluate() on one machine: exact, chunking-free reductions in bounded memory."""

from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import crossent
from crossent.evaluate import Evaluation, evaluate
from crossent.fast import numba_available
from tests.evaluate._data import (
    IGNORE,
    exact_mean,
    language_model,
    save_shards,
    token_losses,
)

Z, LABELS, WEIGHTS = language_model()
INCLUDED = LABELS != IGNORE
LOSS = token_losses(Z, LABELS)


def test_token_mean_matches_the_in_memory_reduction() -> None:
    result = evaluate(Z, LABELS, ignore_index=IGNORE, engine="exact")
    in_memory = float(crossent.reduce_loss(LOSS, "mean", where=INCLUDED))
    assert result.count == int(INCLUDED.sum())
    assert result.mean == pytest.approx(in_memory, rel=1e-15)
    # ...and is the correctly rounded mean of the float64 token losses:
    assert result.mean == exact_mean(LOSS[INCLUDED])
    assert result.perplexity == math.exp(result.mean)


def test_weighted_mean_matches_the_in_memory_reduction() -> None:
    result = evaluate(Z, LABELS, ignore_index=IGNORE, weights=WEIGHTS, engine="exact")
    for reduction, value in [
        ("mean", result.mean),
        ("weighted_mean", result.weighted_mean),
    ]:
        in_memory = crossent.reduce_loss(
            LOSS, reduction, weights=WEIGHTS, where=INCLUDED
        )
        assert value == pytest.approx(float(in_memory), rel=1e-14)
    assert result.total_weight == pytest.approx(WEIGHTS[INCLUDED].sum(), rel=1e-15)


@pytest.mark.parametrize("batch_bytes", [1, 3 * 13 * 8, 4096, 10**6, 2**40])
def test_result_does_not_depend_on_the_batch_size(batch_bytes: int) -> None:
    reference = evaluate(Z, LABELS, ignore_index=IGNORE, weights=WEIGHTS)
    again = evaluate(
        Z, LABELS, ignore_index=IGNORE, weights=WEIGHTS, batch_bytes=batch_bytes
    )
    assert again == reference  # the exact sums, not only the rounded numbers


def test_sequence_aggregates_of_pain_item_25() -> None:
    # torcheval#154: sequences of 3 and 5 tokens with summed NLL 0.4 and 1.5.
    nll = np.array([[0.1, 0.1, 0.2, 7.0, 7.0], [0.3, 0.3, 0.3, 0.3, 0.3]])
    labels = np.array([[0, 0, 0, IGNORE, IGNORE], [0, 0, 0, 0, 0]])
    z = np.stack([np.zeros_like(nll), np.log(np.expm1(nll))], axis=-1)
    result = evaluate(z, labels, ignore_index=IGNORE)
    assert (result.count, result.sequences) == (8, 2)
    assert result.perplexity == pytest.approx(1.2681, abs=5e-5)  # token mean
    assert result.mean_sequence_perplexity == pytest.approx(1.2462, abs=5e-5)
    assert result.sequence_mean == pytest.approx((0.4 / 3 + 1.5 / 5) / 2, rel=1e-14)


def test_token_mean_is_not_the_mean_of_sequence_means() -> None:
    # docs/mistakes.md item 18: 10 tokens of mean 2.0 and 90 tokens of mean 1.0.
    nll = np.full((2, 90), 1.0)
    nll[0, :10] = 2.0
    labels = np.zeros((2, 90), dtype=np.int64)
    labels[0, 10:] = IGNORE
    z = np.stack([np.zeros_like(nll), np.log(np.expm1(nll))], axis=-1)
    result = evaluate(z, labels, ignore_index=IGNORE)
    assert result.mean == pytest.approx(1.1, rel=1e-14)
    assert result.sequence_mean == pytest.approx(1.5, rel=1e-14)


def test_rows_with_no_token_are_not_sequences() -> None:
    labels = LABELS.copy()
    labels[:5] = IGNORE
    result = evaluate(Z, labels, ignore_index=IGNORE, engine="exact")
    with_tokens = (labels != IGNORE).any(axis=1)
    assert result.rows == len(labels)
    assert result.sequences == int(with_tokens.sum())
    per_sequence = [
        LOSS[i][labels[i] != IGNORE].mean() for i in np.flatnonzero(with_tokens)
    ]
    assert result.sequence_mean == pytest.approx(np.mean(per_sequence), rel=1e-14)


def test_probabilities_with_class_indices_give_the_log_loss() -> None:
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(5), size=200)
    k = rng.integers(0, 5, size=200)
    result = evaluate(p, k, from_logits=False, batch_bytes=512)
    assert result.loss == "cross_entropy"
    expected = crossent.cross_entropy(p, np.eye(5)[k])
    assert result.mean == exact_mean(expected)


@pytest.mark.parametrize("from_logits", [True, False])
def test_one_hot_and_soft_labels(from_logits: bool) -> None:
    rng = np.random.default_rng(4)
    soft = rng.dirichlet(np.ones(6), size=(30, 4))
    preds = (
        rng.normal(size=(30, 4, 6))
        if from_logits
        else rng.dirichlet(np.ones(6), size=(30, 4))
    )
    result = evaluate(preds, soft, from_logits=from_logits, batch_bytes=1000)
    core = crossent.softmax_cross_entropy if from_logits else crossent.cross_entropy
    assert result.mean == exact_mean(core(preds, soft))


@pytest.mark.parametrize("from_logits", [True, False])
def test_binary_kind_is_elementwise(from_logits: bool) -> None:
    rng = np.random.default_rng(5)
    y = rng.uniform(size=(50, 3)).round()
    y[:4, 0] = -1  # unknown labels, ignored
    preds = rng.normal(size=(50, 3)) if from_logits else rng.uniform(size=(50, 3))
    result = evaluate(preds, y, kind="binary", from_logits=from_logits, ignore_index=-1)
    core = (
        crossent.sigmoid_binary_cross_entropy
        if from_logits
        else crossent.binary_cross_entropy
    )
    keep = y != -1
    assert result.count == int(keep.sum())
    assert result.mean == exact_mean(core(preds, np.where(keep, y, 0))[keep])


def test_zero_weight_removes_an_infinite_loss() -> None:
    p = np.array([[1.0, 0.0], [0.5, 0.5]])
    k = np.array([1, 0])  # the first row costs -log 0 = inf
    assert evaluate(p, k, from_logits=False).mean == math.inf
    result = evaluate(p, k, from_logits=False, weights=np.array([0.0, 1.0]))
    assert result.weighted_mean == pytest.approx(math.log(2), rel=1e-15)


def test_empty_prediction_set() -> None:
    result = evaluate(np.zeros((0, 3)), np.zeros(0, dtype=np.int64))
    assert (result.rows, result.count, result.total) == (0, 0, 0.0)
    assert math.isnan(result.mean)
    assert math.isnan(result.perplexity)


def test_progress_reports_rows_up_to_the_total() -> None:
    calls: list[tuple[int, int]] = []
    evaluate(
        Z,
        LABELS,
        ignore_index=IGNORE,
        batch_bytes=5000,
        progress=lambda d, t: calls.append((d, t)),
    )
    done = [d for d, _ in calls]
    assert calls[0] == (0, len(Z))
    assert calls[-1] == (len(Z), len(Z))
    assert done == sorted(done)
    assert len(calls) > 3


def test_to_dict_and_text() -> None:
    result = evaluate(Z, LABELS, ignore_index=IGNORE)
    d = result.to_dict()
    assert d["loss"] == "softmax_cross_entropy_with_integer_labels"
    assert d["mean"] == result.mean
    assert d["count"] == result.count
    assert "mean_sequence_perplexity" in str(result)
    assert isinstance(result, Evaluation)


# ----------------------------------------------------------------------------- files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evaluate")
    np.save(root / "logits.npy", Z)
    np.save(root / "labels.npy", LABELS)
    np.savez(root / "both.npz", logits=Z, labels=LABELS)
    save_shards(root / "logit_shards", Z, [3, 4, 17, 30])
    save_shards(root / "label_shards", LABELS, [11, 25], npz="labels")
    save_shards(root / "weight_shards", WEIGHTS, [20])
    return root


@pytest.mark.parametrize(
    ("predictions", "labels"),
    [
        ("logits.npy", "labels.npy"),
        ("both.npz:logits", "both.npz:labels"),
        ("logit_shards", "label_shards"),
        ("logit_shards", "labels.npy"),
    ],
)
@pytest.mark.parametrize("batch_bytes", [700, 2**20])
def test_files_give_the_in_memory_result(
    files: Path, predictions: str, labels: str, batch_bytes: int
) -> None:
    expected = evaluate(Z, LABELS, ignore_index=IGNORE, weights=WEIGHTS)
    got = evaluate(
        str(files / predictions),
        files / labels,
        weights=str(files / "weight_shards"),
        ignore_index=IGNORE,
        batch_bytes=batch_bytes,
    )
    assert got == expected


def test_compressed_shards_are_decoded_once_and_batches_stay_small(
    files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crossent.evaluate import _sources as sources

    reads: list[tuple[str, int, int]] = []
    read_file = sources._read_file

    def counting(path: Path, member: str | None, start: int, stop: int) -> np.ndarray:
        if path.suffix == ".npz":
            reads.append((path.name, start, stop))
        return read_file(path, member, start, stop)

    monkeypatch.setattr(sources, "_read_file", counting)
    batches: list[int] = []
    got = evaluate(
        str(files / "logit_shards"),
        str(files / "label_shards"),  # 3 .npz shards of 11, 14 and 15 rows
        ignore_index=IGNORE,
        batch_bytes=3 * 9 * 13 * 4,  # 3 rows per batch (float32 as stored)
        progress=lambda done, total: batches.append(done),
    )
    assert got == evaluate(Z, LABELS, ignore_index=IGNORE)
    assert sorted(reads) == [
        ("shard-0.npz", 0, 11),
        ("shard-1.npz", 0, 14),
        ("shard-2.npz", 0, 15),
    ]
    steps = np.diff(batches)
    assert steps.max() <= 3  # batches stay small inside each 11-15 row shard


ENGINES = ["exact", "numpy", *(["numba"] if numba_available() else [])]


@pytest.mark.parametrize("engine", ENGINES)
def test_memory_stays_bounded_on_a_large_memmap(tmp_path: Path, engine: str) -> None:
    rows, vocab = 40_000, 100  # 16 MB of float32 logits on disk
    path = tmp_path / "big.npy"
    z = np.lib.format.open_memmap(
        path, mode="w+", dtype=np.float32, shape=(rows, vocab)
    )
    z[:] = np.random.default_rng(0).normal(size=(rows, vocab)).astype(np.float32)
    z.flush()
    del z
    labels = np.arange(rows) % vocab
    batch_bytes = 256 * 1024  # 320 rows in float64 (exact), 640 as stored (kernels)
    # imports and compiled kernels are not batches
    evaluate(np.zeros((2, 3), np.float32), np.zeros(2, np.int64), engine=engine)
    tracemalloc.start()
    try:
        result = evaluate(str(path), labels, batch_bytes=batch_bytes, engine=engine)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.count == rows
    assert result.engine == engine
    # The core: the float64 batch, its temporaries and the losses, about 5.5x.
    # The kernels read the mapped file in place (its pages are not allocations)
    # and allocate per-row losses and the NumPy path's 256 KiB row blocks.
    bound = 8 if engine == "exact" else 2
    assert peak < bound * batch_bytes, f"peak {peak / batch_bytes:.1f} x batch_bytes"


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"labels": LABELS[:-1]},
            ValueError,
            r"`labels` must have the shape of `predictions` without axis 2",
        ),
        (
            {"labels": LABELS.astype(np.float32)},
            TypeError,
            r"`labels` of shape \(40, 9\) must be integer class indices; got dtype float32",
        ),
        ({"axis": 0}, ValueError, r"`axis` must not be 0"),
        (
            {"kind": "multiclass"},
            ValueError,
            r"`kind` must be one of 'categorical', 'binary'",
        ),
        ({"batch_bytes": 0}, ValueError, r"`batch_bytes` must be a positive int"),
        (
            {"weights": WEIGHTS[:, :3]},
            ValueError,
            r"`weights` must have the shape of the per-example loss",
        ),
        (
            {"predictions": Z.astype(np.int32)},
            TypeError,
            r"`predictions` must have a floating dtype",
        ),
    ],
)
def test_bad_inputs_are_refused_before_reading(
    kwargs: dict, error: type, message: str
) -> None:
    args = {"predictions": Z, "labels": LABELS, "ignore_index": IGNORE, **kwargs}
    with pytest.raises(error, match="^evaluate: " + message):
        evaluate(args.pop("predictions"), args.pop("labels"), **args)


def test_ignore_index_needs_class_indices() -> None:
    with pytest.raises(ValueError, match=r"`ignore_index` needs integer class labels"):
        evaluate(Z, np.ones(Z.shape, np.float32), ignore_index=IGNORE)


def test_a_bad_label_names_its_rows() -> None:
    labels = LABELS.copy()
    labels[33, 2] = 99
    with pytest.raises(
        ValueError, match=r"^evaluate: rows 32:40 of `predictions`: .* got \[99\]"
    ):
        evaluate(Z, labels, ignore_index=IGNORE, batch_bytes=8 * 9 * 13 * 8)


def test_probabilities_out_of_range_name_the_file(files: Path, tmp_path: Path) -> None:
    np.save(tmp_path / "p.npy", np.full((6, 2), 1.7))
    with pytest.raises(
        ValueError, match=r"rows 0:6 of .*p\.npy: .*must be probabilities"
    ):
        evaluate(str(tmp_path / "p.npy"), np.zeros(6, np.int64), from_logits=False)


def test_missing_file_and_ambiguous_npz(files: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file or directory"):
        evaluate(str(files / "nope.npy"), LABELS)
    with pytest.raises(
        ValueError, match=r"must name one of the arrays in both\.npz \(logits, labels\)"
    ):
        evaluate(str(files / "both.npz"), LABELS)
    with pytest.raises(ValueError, match=r"names no array of both\.npz"):
        evaluate(str(files / "both.npz:nope"), LABELS)


def test_shards_of_different_row_shapes_are_refused(tmp_path: Path) -> None:
    np.save(tmp_path / "a-0.npy", np.zeros((2, 3)))
    np.save(tmp_path / "a-1.npy", np.zeros((2, 4)))
    with pytest.raises(
        ValueError, match=r"must hold shards of one row shape and dtype"
    ):
        evaluate(str(tmp_path), np.zeros(4, np.int64))


# ----------------------------------------------------------------------------- array API


def test_array_api_strict_inputs_are_computed_natively() -> None:
    xps = pytest.importorskip("array_api_strict")
    got = evaluate(
        xps.asarray(Z), xps.asarray(LABELS), ignore_index=IGNORE, batch_bytes=5000
    )
    # The fused kernels read NumPy only: another library's arrays take the core.
    assert got.engine == "exact"
    want = evaluate(Z, LABELS, ignore_index=IGNORE, engine="exact")
    # NumPy arrays take the core's exact float64 path, other libraries' arrays
    # the plain formulas (a few ulp from it): the same counts, the same total
    # to a few ulp.
    assert (got.rows, got.count, got.loss) == (want.rows, want.count, want.loss)
    assert got.total == pytest.approx(want.total, rel=1e-13, abs=0)
