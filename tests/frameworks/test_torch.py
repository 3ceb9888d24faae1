"""The torch mirrors against numbers printed by real PyTorch (no torch needed here).

Provenance: docs/semantics.md §5 [RUN] torch 2.13.0+cpu, and docs/mistakes.md item 6
(pytorch/pytorch#25571, re-run on torch 2.13.0). float32 numbers are compared to
the 7–8 digits printed, float16/bfloat16 exactly.
"""

from __future__ import annotations

import itertools
import re

import ml_dtypes
import numpy as np
import pytest

from crossent.frameworks import get
from crossent.frameworks.torch import nn
from crossent.frameworks.torch._ops import cascade_sum
from crossent.frameworks.torch.nn import functional as F

Z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
Y = np.array([1, 0, 2])
W = np.float32([1, 2, 3])
ONE_HOT = np.eye(3, dtype=np.float32)[Y]


def close(actual: np.ndarray, expected: object, atol: float = 5e-7) -> None:
    np.testing.assert_allclose(actual, np.asarray(expected), rtol=0, atol=atol)


# docs/semantics.md §5.1 [RUN] torch 2.13.0: logits Z, targets Y
def test_cross_entropy_per_sample_and_mean() -> None:
    out = F.cross_entropy(Z, Y, reduction="none")
    close(out, [1.4076059, 0.1698460, 1.0986123])
    assert out.dtype == np.float32
    assert out.shape == (3,)
    mean = F.cross_entropy(Z, Y)
    close(mean, 0.8920214)
    assert mean.shape == ()
    assert mean.dtype == np.float32


def test_class_weight_mean_divides_by_sum_of_target_weights() -> None:
    # docs/semantics.md §5.1 [RUN]: Σ w_y·l / Σ w_y
    close(F.cross_entropy(Z, Y, weight=W), 1.0468158)


def test_probability_target_with_weight_divides_by_n() -> None:
    # docs/semantics.md §5.1 / D18 [RUN]: one-hot probability target + weight → Σ / N
    close(F.cross_entropy(Z, ONE_HOT, weight=W), 2.0936315)


def test_label_smoothing_index_targets() -> None:
    # docs/semantics.md §5.1 [RUN]
    close(F.cross_entropy(Z, Y, label_smoothing=0.1), 0.9475769)
    close(
        F.cross_entropy(Z, Y, label_smoothing=0.1, reduction="none"),
        [1.4076059, 0.3365127, 1.0986123],
    )


def test_label_smoothing_with_weight_index_vs_probability_path() -> None:
    # docs/semantics.md §5.1 / D10 [RUN]: 1.0924474 (Σ w[y]) vs 2.1848950 (N)
    close(F.cross_entropy(Z, Y, weight=W, label_smoothing=0.1), 1.0924474)
    close(F.cross_entropy(Z, ONE_HOT, weight=W, label_smoothing=0.1), 2.1848950)


def test_ignore_index_default_minus_100() -> None:
    # docs/semantics.md §5.1 [RUN]: y=[1, −100, 2] → 1.2531091
    close(F.cross_entropy(Z, np.array([1, -100, 2])), 1.2531091)
    none = F.cross_entropy(Z, np.array([1, -100, 2]), reduction="none")
    close(none, [1.4076059, 0.0, 1.0986123])


def test_all_ignored_and_empty_batches() -> None:
    # docs/semantics.md §5.1 / D13 / D14 [RUN]: NaN for "mean", 0 for "sum"
    ignored = np.array([-100, -100, -100])
    assert np.isnan(F.cross_entropy(Z, ignored))
    assert F.cross_entropy(Z, ignored, reduction="sum") == 0
    empty_z, empty_y = np.zeros((0, 3), np.float32), np.zeros(0, np.int64)
    assert np.isnan(F.cross_entropy(empty_z, empty_y))
    assert F.cross_entropy(empty_z, empty_y, reduction="sum") == 0
    assert F.cross_entropy(empty_z, empty_y, reduction="none").shape == (0,)


def test_half_precision_on_cpu() -> None:
    # docs/semantics.md §5.1 [RUN]: float16 → 1.4072266, bfloat16 → 1.40625 (first row)
    h = F.cross_entropy(Z.astype(np.float16), Y, reduction="none")
    assert h.dtype == np.float16
    assert h[0] == np.float16(1.4072266)
    b = F.cross_entropy(Z.astype(ml_dtypes.bfloat16), Y, reduction="none")
    assert b.dtype == ml_dtypes.bfloat16
    assert float(b[0]) == 1.40625


def test_float64_stays_float64_and_lists_become_float32() -> None:
    assert F.cross_entropy(Z.astype(np.float64), Y).dtype == np.float64
    assert F.cross_entropy(Z.tolist(), Y.tolist()).dtype == np.float32


def test_gh25571_weighted_mean_is_not_mean_of_weighted_losses() -> None:
    # docs/mistakes.md item 6, pytorch/pytorch#25571: none [5.6390, 4.9593], sum 10.5983,
    # mean 1.0598 (= 10.5983 / (6 + 4)), not 5.2992
    z = np.float32([[0.2, 0.3, 0.5], [0.5, 0.2, 0.3]])
    y, w = np.array([2, 1]), np.float32([2, 4, 6])
    close(F.cross_entropy(z, y, weight=w, reduction="none"), [5.6390, 4.9593], 1e-4)
    close(F.cross_entropy(z, y, weight=w, reduction="sum"), 10.5983, 1e-4)
    close(nn.CrossEntropyLoss(weight=w)(z, y), 1.0598, 1e-4)


def test_class_weights_of_d4() -> None:
    # docs/semantics.md D4: class weights [.5, 0, 2] → 0.9128591
    close(F.cross_entropy(Z, Y, weight=np.float32([0.5, 0, 2])), 0.9128591)


def test_nll_loss_on_probabilities_is_negative() -> None:
    # docs/semantics.md §5.2 [RUN]: nll_loss(softmax(x), y) → −0.4739522
    p = np.exp(Z - Z.max(1, keepdims=True))
    p = (p / p.sum(1, keepdims=True)).astype(np.float32)
    close(F.nll_loss(p, Y), -0.4739522)
    # docs/semantics.md D6: logits passed to nll_loss → −2.0
    close(F.nll_loss(np.float32([[2, 1, 0.1]]), np.array([0])), -2.0)


def test_probabilities_passed_as_logits() -> None:
    # docs/semantics.md D6 [RUN]: cross_entropy([.7, .2, .1], 0) → 0.7679496
    close(F.cross_entropy(np.float32([[0.7, 0.2, 0.1]]), np.array([0])), 0.7679496)


def test_neg_inf_logit_index_vs_probability_target() -> None:
    # docs/semantics.md D16 [RUN]: index target finite (1.3132616), soft target NaN
    z = np.float32([[0.0, -np.inf, 1.0]])
    close(F.cross_entropy(z, np.array([0])), 1.3132616)
    assert np.isnan(F.cross_entropy(z, np.float32([[1, 0, 0]])))


def test_label_smoothing_range() -> None:
    # docs/semantics.md D10 [RUN]: ls ≤ 0 ignored, ls > 1 raises RuntimeError
    close(F.cross_entropy(Z[:1], Y[:1], label_smoothing=-0.1), 1.4076059)
    with pytest.raises(RuntimeError, match="label_smoothing must be between"):
        F.cross_entropy(Z, Y, label_smoothing=1.5)


def test_target_errors() -> None:
    # docs/semantics.md §5.1 [RUN]: out of range → IndexError; int32 → RuntimeError
    with pytest.raises(IndexError, match=re.escape("Target 3 is out of bounds.")):
        F.cross_entropy(Z, np.array([1, 3, 2]))
    with pytest.raises(IndexError, match="Target -1 is out of bounds"):
        F.cross_entropy(Z, np.array([1, -1, 2]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte"):
        F.cross_entropy(Z, Y.astype(np.int32))
    with pytest.raises(ValueError, match="Expected input batch_size"):
        F.cross_entropy(Z, np.array([1, 0]))
    with pytest.raises(RuntimeError, match="ignore_index is not supported"):
        F.cross_entropy(Z, ONE_HOT, ignore_index=1)
    with pytest.raises(RuntimeError, match="weight tensor should be defined"):
        F.cross_entropy(Z, Y, weight=np.float32([1, 2]))
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        F.cross_entropy(Z, Y, reduction="avg")


def test_uint8_targets_and_unbatched_input() -> None:
    close(F.cross_entropy(Z, Y.astype(np.uint8)), 0.8920214)
    out = F.cross_entropy(Z[0], np.array(1), reduction="none")
    assert out.shape == ()
    close(out, 1.4076059)


def test_k_dimensional_matches_moved_axis() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2, 3, 4)).astype(np.float32)
    y = rng.integers(0, 3, size=(2, 4))
    flat = F.cross_entropy(
        np.moveaxis(z, 1, -1).reshape(-1, 3), y.reshape(-1), reduction="none"
    )
    kdim = F.cross_entropy(z, y, reduction="none")
    assert kdim.shape == (2, 4)
    np.testing.assert_array_equal(kdim.reshape(-1), flat)


def test_legacy_size_average_and_reduce_warn_and_map() -> None:
    # torch/nn/_reduction.py legacy_get_string: reduce only → "sum"
    with pytest.warns(UserWarning, match=re.escape("please use reduction='sum'")):
        out = F.cross_entropy(Z, Y, size_average=False)
    close(out, 3 * 0.8920214, 2e-6)
    with pytest.warns(UserWarning, match="reduction='none'"):
        loss = nn.CrossEntropyLoss(reduce=False)
    assert loss.reduction == "none"


# docs/semantics.md §5.3 [RUN] torch 2.13.0
def test_binary_cross_entropy_clamps_logs_at_minus_100() -> None:
    p = np.float32([0.0, 1.0, 1.0, 1 - 1e-8])
    y = np.float32([1.0, 0.0, 1.0, 0.0])
    close(F.binary_cross_entropy(p, y, reduction="none"), [100, 100, 0, 100])
    close(
        F.binary_cross_entropy(np.float64([1 - 1e-7]), np.float64([0.0])),
        16.118095651,
        1e-8,
    )
    close(F.binary_cross_entropy(np.float64([1e-50]), np.float64([1.0])), 100.0)
    close(F.binary_cross_entropy(np.float32([0.3]), np.float32([0.5])), 0.7803239)
    h = F.binary_cross_entropy(np.float16([0.3]), np.float16([1.0]))
    assert h.dtype == np.float16
    assert h == np.float16(1.2041016)
    assert np.isnan(
        F.binary_cross_entropy(np.zeros(0, np.float32), np.zeros(0, np.float32))
    )


def test_binary_cross_entropy_on_one_hot() -> None:
    # docs/semantics.md D5 [RUN]: mean 0.2283930, sum 0.6851791
    p, y = np.float32([[0.7, 0.2, 0.1]]), np.float32([[1, 0, 0]])
    close(F.binary_cross_entropy(p, y), 0.2283930)
    close(nn.BCELoss(reduction="sum")(p, y), 0.6851791)


def test_binary_cross_entropy_validation() -> None:
    # docs/semantics.md §5.3 / D21: p or y outside [0, 1] (NaN included) → RuntimeError
    for p, y in (([1.5], [1.0]), ([-0.5], [0.0]), ([np.nan], [1.0])):
        with pytest.raises(RuntimeError, match="elements of input"):
            F.binary_cross_entropy(np.float32(p), np.float32(y))
    with pytest.raises(RuntimeError, match="elements of target"):
        F.binary_cross_entropy(np.float32([0.3]), np.float32([2.0]))
    with pytest.raises(ValueError, match="Using a target size"):
        F.binary_cross_entropy(np.float32([0.3, 0.4]), np.float32([1.0]))


# docs/semantics.md §5.4 [RUN] torch 2.13.0
def test_binary_cross_entropy_with_logits() -> None:
    f = F.binary_cross_entropy_with_logits
    close(f(np.float32([1.0]), np.float32([2.0])), -0.6867383)
    close(f(np.float32([-200.0]), np.float32([1.0])), 200.0)
    close(
        f(np.float32([-3.0]), np.float32([1.0]), pos_weight=np.float32([3])),
        9.1457615,
        1e-6,
    )
    x = np.float32([np.inf, np.inf, -np.inf, -np.inf])
    y = np.float32([0, 1, 0, 1])
    out = f(x, y, reduction="none")
    assert out[0] == np.inf
    assert np.isnan(out[1:]).all()


def test_bce_with_logits_class_and_weight() -> None:
    loss = nn.BCEWithLogitsLoss(weight=np.float32([0.5, 2.0]), reduction="sum")
    x, y = np.float32([[0.3, -1.2]]), np.float32([[1.0, 0.0]])
    expected = 0.5 * np.log1p(np.exp(-0.3)) + 2.0 * np.log1p(np.exp(-1.2))
    close(loss(x, y), expected, 1e-6)


def test_cascade_sum_adds_in_torch_blocks() -> None:
    # nll_loss_out_frame: element 0 is flushed at once, then blocks of 16 elements
    v = np.float32([1e8, *([1.0] * 40)])
    pos = np.arange(v.size)
    total = cascade_sum(v, pos)
    assert total.dtype == np.float32
    # blocks (1..16), (17..32) and the tail (33..40) are summed before meeting
    # 1e8, so the ones survive; a left-to-right float32 sum would lose them all
    assert total == np.float32(100000040.0)
    assert np.cumsum(v)[-1] == np.float32(1e8)


def test_registry_entries_bind_in_canonical_order() -> None:
    impl = get("torch.nn.functional.cross_entropy")
    plan, state = impl.bind(Y, Z, weight=W, reduction="mean")
    assert plan.names == (
        "validate",
        "activation",
        "terms",
        "ignore",
        "weight",
        "reduce",
        "output",
    )
    close(plan.run(state)["value"], 1.0468158)
    for path in (
        "torch.nn.functional.nll_loss",
        "torch.nn.functional.binary_cross_entropy",
        "torch.nn.functional.binary_cross_entropy_with_logits",
    ):
        assert get(path).framework == "torch"


@pytest.mark.parametrize(
    "path",
    [
        "torch.nn.functional.cross_entropy",
        "torch.nn.functional.nll_loss",
        "torch.nn.functional.binary_cross_entropy",
        "torch.nn.functional.binary_cross_entropy_with_logits",
    ],
)
def test_every_identify_option_binds_and_runs(path: str) -> None:
    impl = get(path)
    if impl.labels == "binary":
        y_true, y_pred = np.float32([[1, 0, 1]]), np.float32([[0.2, 0.6, 0.9]])
    else:
        y_true, y_pred = Y, Z
    names = list(impl.options)
    for values in itertools.product(*impl.options.values()):
        plan, state = impl.bind(y_true, y_pred, **dict(zip(names, values, strict=True)))
        value = np.asarray(plan.run(state)["value"])
        assert np.all(np.isfinite(value))
        assert plan.names[-1] == "output"


# --- linear_cross_entropy (PyTorch 2.13, issue #14) ------------------------------------


def test_linear_cross_entropy_is_cross_entropy_of_the_linear_logits() -> None:
    import crossent
    from crossent.frameworks.torch import nn as tnn
    from crossent.frameworks.torch.nn import functional as tF

    r = np.random.default_rng(5)
    h, w, b = r.normal(0, 1, (6, 4)), r.normal(0, 1, (3, 4)), r.normal(0, 1, 3)
    t = r.integers(0, 3, 6)
    z = h @ w.T + b
    # float64: the exact core on the same logits (a few ulp)
    exact = crossent.softmax_cross_entropy(z, np.eye(3)[t])
    ours = tF.linear_cross_entropy(h, w, t, linear_bias=b, reduction="none")
    np.testing.assert_allclose(ours, exact, rtol=1e-13)
    # ignore_index=None means -100; other options pass through to cross_entropy
    t_ign = t.copy()
    t_ign[0] = -100
    np.testing.assert_allclose(
        tF.linear_cross_entropy(h, w, t_ign, linear_bias=b, label_smoothing=0.1),
        tF.cross_entropy(z, t_ign, label_smoothing=0.1),
        rtol=1e-14,
    )
    # the module reshapes its (C·∏d, H) head; K-dimensional weights give (N, d) losses
    loss = tnn.LinearCrossEntropyLoss(4, 3, out_features=(2,), reduction="none", seed=1)
    out = loss(h.astype(np.float32), r.integers(0, 3, (6, 2)))
    assert out.shape == (6, 2)
    assert loss.linear_weight.shape == (6, 4)


def test_linear_cross_entropy_rejects_mixed_dtypes_like_torch() -> None:
    from crossent.errors import FrameworkRuntimeError
    from crossent.frameworks.torch.nn import functional as tF

    with pytest.raises(
        FrameworkRuntimeError, match="expected m1 and m2 to have the same dtype"
    ):
        tF.linear_cross_entropy(
            np.ones((2, 3), np.float32), np.ones((4, 3)), np.array([0, 1])
        )
    assert issubclass(FrameworkRuntimeError, RuntimeError)
