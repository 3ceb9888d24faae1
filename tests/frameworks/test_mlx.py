"""The mlx.nn.losses mirrors (issue #17).

Expected numbers were printed by MLX 0.32.4 (mlx-cpu, ``.venv-parity``) on the
inputs written here; the live comparison is in tests/parity/test_mlx.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import crossent
from crossent.frameworks.mlx.nn import losses

Z = np.float32([[1, 2, 3], [3, 1, 0], [2e4, 0, 0]])
Y = np.array([1, 0, 1])


def test_numbers_of_mlx_0_32() -> None:
    # MLX 0.32.4: [1.4076058864593506, 0.1698460429906845, 20000.0] (no floor:
    # the 2e4 gap stays 2e4), unreduced by default
    out = losses.cross_entropy(Z, Y)
    np.testing.assert_allclose(
        out, [1.4076058864593506, 0.1698460429906845, 20000.0], rtol=1e-6
    )
    # weights [1, 0, 0] with 'mean' divide by N = 3: 0.4692019820213318
    mean = losses.cross_entropy(Z, Y, weights=np.float32([1, 0, 0]), reduction="mean")
    assert float(mean) == pytest.approx(0.4692019820213318, rel=1e-6)
    # label smoothing 0.1: [1.4076060056686401, 0.3365127146244049, 19333.333984375]
    smooth = losses.cross_entropy(Z, Y, label_smoothing=0.1)
    np.testing.assert_allclose(
        smooth, [1.4076060056686401, 0.3365127146244049, 19333.333984375], rtol=1e-6
    )


def test_binary_and_dtypes() -> None:
    # MLX 0.32.4: [0.6931471824645996, 2.1269280910491943]
    out = losses.binary_cross_entropy(
        np.float32([0.0, 2.0]), np.float32([1, 0]), reduction="none"
    )
    np.testing.assert_allclose(out, [0.6931471824645996, 2.1269280910491943], rtol=1e-6)
    assert losses.cross_entropy(Z.astype(np.float64), Y).dtype == np.float32  # mx.array
    assert (
        float(
            losses.binary_cross_entropy(
                np.float32([0.0]), np.float32([1.0]), with_logits=False
            )
        )
        == 100.0
    )


def test_errors() -> None:
    with pytest.raises(ValueError, match="Label smoothing"):
        losses.cross_entropy(Z, Y, label_smoothing=1.0)
    with pytest.raises(ValueError, match="Weights with shape"):
        losses.cross_entropy(Z, Y, weights=np.float32([1, 2]))
    with pytest.raises(ValueError, match="does not check"):
        losses.cross_entropy(Z, np.array([1, 0, 3]))
    plan, _ = crossent.frameworks.get("mlx.nn.losses.cross_entropy").bind(
        Y, Z, reduction="mean"
    )
    assert plan.names == ("activation", "terms", "reduce")
