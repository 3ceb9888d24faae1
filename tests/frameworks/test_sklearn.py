"""The scikit-learn mirrors against numbers printed by scikit-learn (not needed here).

Provenance: docs/semantics.md §7 and D1/D2/D4 [RUN] scikit-learn 1.9.1 (numpy 2.4.6);
docs/mistakes.md items 21–22 (scikit-learn#24515, #6703). The < 1.5 numbers are [SRC]: the
1.3/1.4 ``log_loss`` source, clip then renormalise.
"""

from __future__ import annotations

import itertools
import re
import warnings
from typing import Any

import numpy as np
import pytest

from crossent.frameworks import get
from crossent.frameworks.sklearn.metrics import log_loss

SEED_000 = [[0.9, 0.05, 0.05], [0.5, 0.89, 0.6], [0.05, 0.01, 0.94]]


def old(y_true: object, y_pred: object, **options: object) -> float:
    plan, state = get("sklearn<1.5.metrics.log_loss").bind(y_true, y_pred, **options)
    return float(plan.run(state)["value"])


def test_docstring_example() -> None:
    # docs/semantics.md §7 [RUN]: 0.2161619 (sklearn's own doctest)
    out = log_loss(
        ["spam", "ham", "ham", "spam"],
        [[0.1, 0.9], [0.9, 0.1], [0.8, 0.2], [0.35, 0.65]],
    )
    assert isinstance(out, float)
    assert out == pytest.approx(0.21616187468057912, abs=1e-15)


@pytest.mark.parametrize(
    ("dtype", "per_sample"),
    # docs/semantics.md §7 [RUN]: true-class probability 0 → −log(finfo(dtype).eps)
    [(np.float64, 36.043653), (np.float32, 15.942385), (np.float16, 6.93)],
)
def test_clip_at_finfo_eps(dtype: type, per_sample: float) -> None:
    p = np.array([[0.0, 1.0]], dtype)
    assert log_loss([0], p, labels=[0, 1]) == pytest.approx(per_sample, abs=5e-3)


def test_rows_not_renormalised_warns() -> None:
    # docs/semantics.md §7 / D1 [RUN]: [[.2, .2], [.2, .2]] → −log 0.2 = 1.6094379, warning
    with pytest.warns(UserWarning, match="do not sum to one"):
        out = log_loss([0, 1], [[0.2, 0.2], [0.2, 0.2]])
    assert out == pytest.approx(1.6094379, abs=1e-7)
    with pytest.warns(UserWarning, match="do not sum to one"):
        out = log_loss([0], [[0.2, 0.2, 0.2]], labels=[0, 1, 2])
    assert out == pytest.approx(1.6094379, abs=1e-7)


def test_gh24515_renormalisation_removed_in_1_5() -> None:
    # docs/mistakes.md item 21, scikit-learn#24515: ≤ 1.4 gives 0.5108, ≥ 1.5 gives 1.2040
    with pytest.warns(UserWarning, match="do not sum to one"):
        assert log_loss([[0, 1]], [[0.2, 0.3]]) == pytest.approx(1.2039728, abs=1e-7)
    assert old([[0, 1]], [[0.2, 0.3]]) == pytest.approx(0.5108256, abs=1e-7)


def test_gh6703_single_class_needs_labels() -> None:
    # docs/mistakes.md item 22, scikit-learn#6703: log_loss([1, 1, 1], [0, 0, 0])
    with pytest.raises(
        ValueError, match=re.escape("y_true contains only one label (1)")
    ):
        log_loss([1, 1, 1], [0, 0, 0])
    assert log_loss([1, 1, 1], [0, 0, 0], labels=[0, 1]) == pytest.approx(36.0436534)
    # eps = 1e-15 (≤ 1.1) gives the reported 34.5388
    assert old([1, 1, 1], [0, 0, 0], labels=[0, 1], eps=1e-15) == pytest.approx(
        34.5387764
    )


def test_seed_000_before_and_after_1_5() -> None:
    # seed 000 inputs: ≥ 1.5 ignores the unnormalised row (mean of −log p_y);
    # < 1.5 renormalised it, like Keras (0.3239681 in the seed's float32 output)
    with pytest.warns(UserWarning, match="do not sum to one"):
        new = log_loss([0, 1, 2], SEED_000)
    assert new == pytest.approx(0.09458991187728844, abs=1e-15)
    assert old([0, 1, 2], SEED_000) == pytest.approx(0.3239681, abs=1e-7)


def test_sample_weight_average() -> None:
    # docs/semantics.md D4 [RUN]: per-sample CE [1.4076059, 0.1698460, 1.0986123],
    # weights [0.5, 0, 2] → Σwl/Σw = 1.1604111
    z = np.array([[1.0, 2, 3], [3, 1, 0], [0, 0, 0]])
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    assert log_loss([1, 0, 2], p, sample_weight=[0.5, 0, 2]) == pytest.approx(
        1.160411023823364, abs=1e-14
    )
    total = log_loss([1, 0, 2], p, normalize=False)
    assert total == pytest.approx(1.4076059 + 0.1698460 + 1.0986123, abs=1e-6)


def test_one_dimensional_proba_is_positive_class() -> None:
    # P(class 1): [0.2, 0.7, 0.9] for y = [0, 1, 1]
    expected = -(np.log(0.8) + np.log(0.7) + np.log(0.9)) / 3
    assert log_loss([0.0, 1.0, 1.0], [0.2, 0.7, 0.9]) == pytest.approx(
        expected, abs=1e-15
    )


def test_errors_and_classes() -> None:
    # docs/semantics.md §7 [RUN]: scikit-learn's exception classes and messages
    cases = [
        ({"y_true": [0, 1], "y_proba": [[1.5, 0], [0.2, 0.8]]}, "greater than 1: 1.5"),
        ({"y_true": [0, 1], "y_proba": [[-0.1, 1.1]]}, "greater than 1"),
        (
            {"y_true": [0, 1], "y_proba": [[-0.1, 0.9], [0.2, 0.8]]},
            "lower than 0: -0.1",
        ),
        (
            {"y_true": [0, 1], "y_proba": [[np.nan, 0.5], [0.2, 0.8]]},
            "Input contains NaN.",
        ),
        ({"y_true": [], "y_proba": np.zeros((0, 2))}, "Found array with 0 sample(s)"),
        ({"y_true": [0.3, 0.7], "y_proba": [0.4, 0.6]}, "Unknown label type"),
        (
            {"y_true": [0, 1], "y_proba": [[0.5, 0.5]] * 2, "sample_weight": [0, 0]},
            "Sample weights must contain at least one non-zero number.",
        ),
        (
            {"y_true": [0, 1, 2], "y_proba": [[0.5, 0.5]] * 3},
            "different number of classes: 3 vs 2",
        ),
        (
            {"y_true": [0, 3], "y_proba": [[0.5, 0.5]] * 2, "labels": [0, 1]},
            "not belonging to the passed labels",
        ),
        (
            {"y_true": [0, 1], "y_proba": [[0.5, 0.5]]},
            "inconsistent numbers of samples: [1, 2]",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=re.escape(message)):
            log_loss(**kwargs)
    with pytest.raises(TypeError, match="'normalize' parameter"):
        log_loss([0, 1], [[0.5, 0.5]] * 2, normalize="yes")


def test_labels_order_warning_and_deprecated_y_pred() -> None:
    with pytest.warns(UserWarning, match="ordered lexicographically"):
        log_loss([0, 1], [[0.5, 0.5]] * 2, labels=[1, 0])
    with pytest.warns(FutureWarning, match="renamed to `y_proba`"):
        assert log_loss([0, 1], y_pred=[[0.5, 0.5]] * 2) == pytest.approx(np.log(2))
    with pytest.raises(ValueError, match="Cannot use both"):
        log_loss([0, 1], [[0.5, 0.5]] * 2, y_pred=[[0.5, 0.5]] * 2)


def test_string_labels_sort_lexicographically_and_indicator_targets() -> None:
    # classes ["eggs", "ham", "spam"] → columns in that order
    p = np.array([[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]])
    assert log_loss(
        ["spam", "eggs"], p, labels=["eggs", "ham", "spam"]
    ) == pytest.approx(-(np.log(0.7) + np.log(0.6)) / 2)
    indicator = np.array([[0, 0, 1], [1, 0, 0]])
    assert log_loss(indicator, p) == pytest.approx(-(np.log(0.7) + np.log(0.6)) / 2)


def test_float16_is_computed_in_float16() -> None:
    # scikit-learn 1.9.1 [RUN]: [[0, 1], [.5, .5]] for y = [0, 1] in float16 → 3.8125
    assert log_loss([0, 1], np.float16([[0.0, 1.0], [0.5, 0.5]])) == 3.8125


def test_registry() -> None:
    impl = get("sklearn.metrics.log_loss")
    assert impl.framework == "sklearn"
    plan, _ = impl.bind([0, 1], [0.3, 0.6])
    assert plan.names[:2] == ("squeeze", "clip")
    historical = get("sklearn<1.5.metrics.log_loss")
    assert historical.options["eps"] == (1e-15, "auto")
    assert "renormalize" in historical.bind([0, 1], [0.3, 0.6])[0].names


@pytest.mark.parametrize(
    "path", ["sklearn.metrics.log_loss", "sklearn<1.5.metrics.log_loss"]
)
def test_every_identify_option_binds_and_runs(path: str) -> None:
    impl = get(path)
    names = list(impl.options)
    for values in itertools.product(*impl.options.values()):
        plan, state = impl.bind(
            [0, 2, 1], SEED_000, **dict(zip(names, values, strict=True))
        )
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # running a plan never warns
            value = plan.run(state)["value"]
        assert isinstance(value, float)
        assert np.isfinite(value)


class _ColumnLike:
    """What polars' Series offers log_loss: ``shape``, ``len`` and ``__array__``,
    but no ``ndim`` (reading ``ndim`` raised AttributeError before issue #14)."""

    def __init__(self, values: list[Any]) -> None:
        self._values = np.asarray(values)
        self.shape = self._values.shape

    def __len__(self) -> int:
        return len(self._values)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._values if dtype is None else self._values.astype(dtype)


def test_series_without_ndim_is_read_through_array() -> None:
    y, p = [0, 1, 1, 0], [0.2, 0.7, 0.9, 0.4]
    expected = log_loss(y, p)
    assert log_loss(_ColumnLike(y), _ColumnLike(p)) == expected
    weights = [1.0, 2.0, 1.0, 1.0]
    assert log_loss(
        _ColumnLike(y), _ColumnLike(p), sample_weight=_ColumnLike(weights)
    ) == log_loss(y, p, sample_weight=weights)
    assert not hasattr(_ColumnLike(y), "ndim")
