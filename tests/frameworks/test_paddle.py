"""The paddle mirrors (issue #17).

Expected numbers were printed by PaddlePaddle 3.3.1 (CPU, ``.venv-parity``) on the
inputs written here, or are quoted from docs/semantics.md N10.2; the live
comparison is in tests/parity/test_paddle.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.frameworks.paddle.nn import functional as F

Z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])


def test_mean_divides_by_all_rows_with_the_default_ignore_index() -> None:
    # paddle 3.3.1: 0.52581733 (ignored row counted), 0.788726 (ignore_index=2)
    assert float(F.cross_entropy(Z, np.array([1, 0, -100]))) == pytest.approx(
        0.52581733, rel=1e-6
    )
    assert float(
        F.cross_entropy(Z, np.array([1, 0, 2]), ignore_index=2)
    ) == pytest.approx(0.788726, rel=1e-6)
    # and torch's mean over the kept rows is 1.5 times the first
    torch_mean = float(
        crossent.frameworks.torch.nn.functional.cross_entropy(Z, np.array([1, 0, -100]))
    )
    assert torch_mean == pytest.approx(1.5 * 0.52581733, rel=1e-6)


def test_all_ignored_gives_zero_with_a_nonnegative_ignore_index() -> None:
    assert float(F.cross_entropy(Z, np.array([1, 1, 1]), ignore_index=1)) == 0.0
    assert float(F.cross_entropy(Z, np.array([-100, -100, -100]))) == 0.0  # 0 / N


def test_floor_and_caps() -> None:
    # N10.2: a logit gap of 2e4 gives 64.0 (torch: 20000)
    out = F.cross_entropy(np.float32([[2e4, 0, 0]]), np.array([1]), reduction="none")
    assert float(out[0]) == pytest.approx(64.0, rel=1e-6)
    # use_softmax=False with p = 0: 1e20, not inf
    p = np.float32([[0.0, 0.5, 0.5]])
    assert float(F.cross_entropy(p, np.array([0]), use_softmax=False)) == pytest.approx(
        1e20
    )


def test_soft_labels_and_smoothing_keep_a_class_axis() -> None:
    soft = np.float32([[0.2, 0.3, 0.5], [1, 0, 0], [0, 0, 1]])
    assert F.cross_entropy(Z, soft, soft_label=True, reduction="none").shape == (3, 1)
    assert F.cross_entropy(
        Z, np.array([1, 0, 2]), label_smoothing=0.1, reduction="none"
    ).shape == (3, 1)
    with pytest.raises(ValueError, match="ignore_index"):
        F.cross_entropy(Z, soft, soft_label=True, ignore_index=1)
    with pytest.raises(ValueError, match="reduction"):
        F.cross_entropy(Z, np.array([1, 0, 2]), reduction="avg")


def test_binary_losses() -> None:
    # paddle 3.3.1: [100., 1.2039728]
    out = F.binary_cross_entropy(
        np.float32([0.0, 0.3]), np.float32([1, 1]), reduction="none"
    )
    np.testing.assert_allclose(out, [100.0, 1.2039728], rtol=1e-6)
    # paddle 3.3.1: label −100 gives 0 but counts in the mean: 0.1467299
    out = F.binary_cross_entropy_with_logits(
        np.float32([2.0, -1.0, 3.0]), np.float32([1, 0, -100])
    )
    assert float(out) == pytest.approx(0.1467299, rel=1e-6)
    # paddle 3.3.1, pos_weight [2, 3, 5]: [[0.6265233 0.12692809 0.24293664]
    #                                      [0.974077  0.38078415 6.566308  ]]
    z = np.float32([[1, -2, 3], [0.5, 2, -1]])
    y = np.float32([[1, 0, 1], [0, 1, 1]])
    out = F.binary_cross_entropy_with_logits(
        z, y, pos_weight=np.float32([2, 3, 5]), reduction="none"
    )
    np.testing.assert_allclose(
        out,
        [[0.6265233, 0.12692809, 0.24293664], [0.974077, 0.38078415, 6.566308]],
        rtol=2e-6,
    )
    with pytest.raises(ValueError, match="input"):
        F.binary_cross_entropy(np.float32([1.5]), np.float32([1]))


def test_plan_steps_and_identify() -> None:
    impl = crossent.frameworks.get("paddle.nn.functional.cross_entropy")
    plan, _ = impl.bind(np.array([1, 0, -100]), Z)
    assert plan.names == ("activation", "terms", "reduce", "output")
    assert "ignored rows included" in plan.step("reduce").formula  # type: ignore[union-attr]
    found = crossent.identify(np.array([1, 0, -100]), Z, 0.5258)
    assert "paddle.nn.functional.cross_entropy" in {m.spec.path for m in found}
