"""The optax mirrors against numbers printed by real optax (no JAX needed here).

Provenance: docs/semantics.md §6 and D9/D12/D15/D16/D21/D22 [RUN] optax 0.2.8 on
jax 0.10.2 (x64 disabled), re-checked on the same versions when these tests were
written. float32 numbers to the printed digits, bfloat16 exactly.
"""

from __future__ import annotations

import inspect
import itertools
import re

import ml_dtypes
import numpy as np
import pytest

from crossent.frameworks import get, optax

Z = np.float32([[1, 2, 3], [3, 1, 0], [0, 0, 0]])
Y = np.array([1, 0, 2], np.int32)
ONE_HOT = np.eye(3, dtype=np.float32)[Y]


def close(actual: np.ndarray, expected: object, atol: float = 5e-7) -> None:
    np.testing.assert_allclose(actual, np.asarray(expected), rtol=0, atol=atol)


def _signature(fn: object) -> str:
    parts, star = [], False
    for p in inspect.signature(fn).parameters.values():
        if p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        parts.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
    return "(" + ", ".join(parts) + ")"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # str(inspect.signature(optax.losses.<name>)) on optax 0.2.8, annotations dropped
        ("softmax_cross_entropy", "(logits, labels, axis=-1, where=None)"),
        (
            "softmax_cross_entropy_with_integer_labels",
            "(logits, labels, axis=-1, where=None)",
        ),
        ("safe_softmax_cross_entropy", "(logits, labels)"),
        ("sigmoid_binary_cross_entropy", "(logits, labels)"),
        ("sigmoid_focal_loss", "(logits, labels, *, alpha=None, gamma=2.0)"),
        (
            "poly_loss_cross_entropy",
            "(logits, labels, *, epsilon=2.0, axis=-1, where=None)",
        ),
        ("smooth_labels", "(labels, alpha, *, axis=-1, where=None)"),
    ],
)
def test_signature_matches_optax_0_2_8(name: str, expected: str) -> None:
    assert _signature(getattr(optax, name)) == expected
    assert getattr(optax.losses, name) is getattr(optax, name)


def test_softmax_cross_entropy_integer_and_one_hot_agree() -> None:
    # docs/semantics.md §5.1 numbers, which optax reproduces [RUN]
    expected = [1.4076059, 0.1698460, 1.0986123]
    close(optax.softmax_cross_entropy(Z, ONE_HOT), expected)
    close(optax.softmax_cross_entropy_with_integer_labels(Z, Y), expected)


def test_integer_labels_out_of_range_nan_and_negative_wrap() -> None:
    # docs/semantics.md §6 / D12 [RUN]: y ≥ C → NaN; y = −1 wraps to the last class
    out = optax.softmax_cross_entropy_with_integer_labels(Z, np.array([1, -1, 3]))
    close(out[:2], [1.4076059, 3.169846], 1e-6)
    assert np.isnan(out[2])


def test_float_integer_labels_raise_type_error() -> None:
    with pytest.raises(
        TypeError, match=re.escape("subdtype of <class 'numpy.integer'>")
    ):
        optax.softmax_cross_entropy_with_integer_labels(Z, np.float32([1, 0, 2]))
    with pytest.raises(
        TypeError, match=re.escape("subdtype of <class 'numpy.floating'>")
    ):
        optax.softmax_cross_entropy(np.array([[1, 2]]), np.float32([[0, 1]]))


def test_bfloat16_computed_natively() -> None:
    # docs/semantics.md D9 [RUN]: bfloat16 CE of the 1.4076 example → 1.40625
    zb = Z.astype(ml_dtypes.bfloat16)
    out = optax.softmax_cross_entropy_with_integer_labels(zb, Y)
    assert out.dtype == ml_dtypes.bfloat16
    assert [float(v) for v in out] == [1.40625, 0.171875, 1.1015625]
    out = optax.softmax_cross_entropy(zb, ONE_HOT.astype(ml_dtypes.bfloat16))
    assert [float(v) for v in out] == [1.40625, 0.171875, 1.1015625]


def test_float64_computed_in_float32() -> None:
    # JAX's default: x64 disabled
    out = optax.softmax_cross_entropy(Z.astype(np.float64), ONE_HOT.astype(np.float64))
    assert out.dtype == np.float32
    assert optax.sigmoid_binary_cross_entropy([0.5], [1.0]).dtype == np.float32


def test_neg_inf_logit_with_zero_label() -> None:
    # docs/semantics.md §6 / D16 [RUN]: NaN (0·−inf) vs safe 1.3132616 vs integer
    z = np.float32([[0.0, -np.inf, 1.0]])
    y = np.float32([[1, 0, 0]])
    assert np.isnan(optax.softmax_cross_entropy(z, y)).all()
    close(optax.safe_softmax_cross_entropy(z, y), [1.3132616])
    close(
        optax.softmax_cross_entropy_with_integer_labels(z, np.array([0])), [1.3132616]
    )


def test_where_all_false() -> None:
    # docs/semantics.md §6 [RUN]: −0.0 (float labels) / 0.0 (integer labels)
    mask = np.zeros((1, 3), bool)
    out = optax.softmax_cross_entropy(Z[:1], ONE_HOT[:1], where=mask)
    assert out[0] == 0
    assert np.signbit(out[0])
    out = optax.softmax_cross_entropy_with_integer_labels(Z[:1], Y[:1], where=mask)
    assert out[0] == 0
    assert not np.signbit(out[0])


def test_axis_argument() -> None:
    # optax docstring example: logits arange(24).reshape(1, 2, 3, 4), axis=(2, 3)
    z = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4)
    out = optax.softmax_cross_entropy_with_integer_labels(
        z, np.array([[5, 7]]), axis=(2, 3)
    )
    close(out, [[6.4586687, 4.4586697]], 1e-6)
    close(
        optax.softmax_cross_entropy(Z, ONE_HOT, axis=0),
        [0.16984604, 0.40760595, 3.094923],
        1e-6,
    )


def test_sigmoid_binary_cross_entropy_infinities_and_labels() -> None:
    # docs/semantics.md §6 / D15 [RUN]: (+inf,0) inf, (+inf,1) NaN, (−inf,0) NaN, (−inf,1) inf
    x = np.float32([np.inf, np.inf, -np.inf, -np.inf])
    out = optax.sigmoid_binary_cross_entropy(x, np.float32([0, 1, 0, 1]))
    assert out[0] == np.inf
    assert out[3] == np.inf
    assert np.isnan(out[1:3]).all()
    # docs/semantics.md D21 [RUN]: y = 2, x = 1 → −0.6867384 (no label check)
    close(
        optax.sigmoid_binary_cross_entropy(np.float32([1.0]), np.float32([2.0])),
        [-0.6867384],
    )


def test_sigmoid_focal_loss() -> None:
    # docs/semantics.md D22 [RUN]: y=1, z=−20, α=.25, γ=2 → 5.0 (no clip)
    close(
        optax.sigmoid_focal_loss(np.float32([-20.0]), np.float32([1.0]), alpha=0.25),
        [5.0],
        1e-5,
    )
    x, y = np.float32([0.3, -1.2]), np.float32([1.0, 0.0])
    close(
        optax.sigmoid_focal_loss(x, y, gamma=0.0),
        optax.sigmoid_binary_cross_entropy(x, y),
    )


def test_poly_loss() -> None:
    # optax 0.2.8 [RUN]: poly_loss_cross_entropy(Z, one-hot) = [2.918149, 0.48225665, 2.4319456]
    close(
        optax.poly_loss_cross_entropy(Z, ONE_HOT),
        [2.918149, 0.48225665, 2.4319456],
        1e-6,
    )
    close(
        optax.poly_loss_cross_entropy(Z, ONE_HOT, epsilon=0.0),
        optax.softmax_cross_entropy(Z, ONE_HOT),
    )
    with pytest.raises(TypeError):
        optax.poly_loss_cross_entropy(Z, Y)


def test_smooth_labels() -> None:
    # optax 0.2.8 [RUN]: smooth_labels([[0, 1, 0]], 0.1) = [[0.0333, 0.9333, 0.0333]]
    close(
        optax.smooth_labels(np.float32([[0, 1, 0]]), 0.1),
        [[0.03333334, 0.93333334, 0.03333334]],
    )
    # as JAX arrays: float64 is computed in float32, bfloat16 natively
    assert optax.smooth_labels(np.eye(3), 0.1).dtype == np.float32
    bf = optax.smooth_labels(np.eye(3, dtype=ml_dtypes.bfloat16), 0.1)
    assert bf.dtype == ml_dtypes.bfloat16
    with pytest.raises(TypeError):
        optax.smooth_labels(np.eye(3, dtype=np.int64), 0.1)


def test_shape_mismatch_is_type_error() -> None:
    with pytest.raises(TypeError, match="incompatible shapes"):
        optax.softmax_cross_entropy(Z, ONE_HOT[:, :2])


def test_registry_and_plan() -> None:
    impl = get("optax.softmax_cross_entropy_with_integer_labels")
    plan, state = impl.bind(Y, Z)
    assert plan.names == ("activation", "terms", "output")
    close(plan.run(state)["value"], [1.4076059, 0.1698460, 1.0986123])
    assert get("optax.sigmoid_focal_loss").options["alpha"] == (None, 0.25)


@pytest.mark.parametrize(
    "path",
    [
        "optax.softmax_cross_entropy",
        "optax.softmax_cross_entropy_with_integer_labels",
        "optax.safe_softmax_cross_entropy",
        "optax.sigmoid_binary_cross_entropy",
        "optax.sigmoid_focal_loss",
        "optax.poly_loss_cross_entropy",
    ],
)
def test_every_identify_option_binds_and_runs(path: str) -> None:
    impl = get(path)
    y_true = {"integer": Y, "one_hot": ONE_HOT, "binary": ONE_HOT}[impl.labels]
    names = list(impl.options)
    for values in itertools.product(*impl.options.values()):
        plan, state = impl.bind(y_true, Z, **dict(zip(names, values, strict=True)))
        value = np.asarray(plan.run(state)["value"])
        assert np.all(np.isfinite(value))
        assert plan.names[-1] == "output"


# --- x64 (issue #14) -------------------------------------------------------------------


def test_x64_keeps_float64_and_matches_the_exact_loss() -> None:
    import crossent

    r = np.random.default_rng(3)
    z, y = r.normal(0, 3, (6, 5)), np.eye(5)[r.integers(0, 5, 6)]
    assert optax.softmax_cross_entropy(z, y).dtype == np.float32  # JAX's default
    with optax.enable_x64():
        ours = optax.softmax_cross_entropy(z, y)
        labels = optax.softmax_cross_entropy_with_integer_labels(z, y.argmax(1))
        assert optax.smooth_labels(y, 0.1).dtype == np.float64
    assert ours.dtype == labels.dtype == np.float64
    # reference: crossent's exact float64 core (a few ulp)
    exact = crossent.softmax_cross_entropy(z, y)
    np.testing.assert_allclose(ours, exact, rtol=1e-13)
    np.testing.assert_allclose(labels, exact, rtol=1e-13)


def test_x64_follows_jax_config_only_if_jax_is_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys
    import types

    z, y = np.zeros((1, 3)), np.eye(3)[:1]
    if "jax" not in sys.modules:
        assert optax.softmax_cross_entropy(z, y).dtype == np.float32
    fake = types.SimpleNamespace(config=types.SimpleNamespace(jax_enable_x64=True))
    monkeypatch.setitem(sys.modules, "jax", fake)
    assert optax.softmax_cross_entropy(z, y).dtype == np.float64
    with optax.enable_x64(False):  # the explicit choice wins
        assert optax.softmax_cross_entropy(z, y).dtype == np.float32
    fake.config.jax_enable_x64 = False
    assert optax.softmax_cross_entropy(z, y).dtype == np.float32
