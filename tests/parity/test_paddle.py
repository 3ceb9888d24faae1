"""Live parity: the paddle mirrors against the installed PaddlePaddle (3.3.1, CPU).

PaddlePaddle 3.3.1 segfaults when imported after TensorFlow in one process
(docs/semantics.md N10.1), and the parity run imports TensorFlow first: the real
numbers are computed by one child interpreter that imports only paddle, for every
case at once. Tolerance 16·eps(dtype) relative plus a few eps absolute (Paddle's
softmax-then-log loses the low bits of −log p near 0); same dtype, shape and
NaN/inf pattern; where paddle raises, the mirror must raise a ValueError or
TypeError.
"""

from __future__ import annotations

import importlib.util
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

if importlib.util.find_spec("paddle") is None:
    pytest.skip("paddlepaddle is not installed", allow_module_level=True)

from crossent.frameworks.paddle.nn import functional as mirror

pytestmark = pytest.mark.parity

RNG = np.random.default_rng(48663)

_CHILD = textwrap.dedent(
    """
    import pickle, sys, warnings
    warnings.simplefilter("ignore")
    import numpy as np, paddle
    F = paddle.nn.functional
    cases = pickle.load(open(sys.argv[1], "rb"))
    out = []
    for name, args, kwargs in cases:
        conv = lambda v: paddle.to_tensor(v) if isinstance(v, np.ndarray) else v
        try:
            r = getattr(F, name)(*map(conv, args), **{k: conv(v) for k, v in kwargs.items()})
            out.append(r.numpy())
        except Exception as err:
            out.append(type(err).__name__ + ": " + str(err)[:200])
    pickle.dump(out, open(sys.argv[2], "wb"))
    """
)


def _logits(shape: tuple[int, ...], dtype: Any = np.float32, scale: float = 3.0) -> Any:
    return (RNG.standard_normal(shape) * scale).astype(dtype)


def _cases() -> list[tuple[str, list[Any], dict[str, Any]]]:
    cases: list[tuple[str, list[Any], dict[str, Any]]] = []
    for dtype in (np.float32, np.float64):
        z = _logits((6, 5), dtype)
        y = np.array([0, 4, -100, 2, 1, -100])
        w = np.abs(_logits((5,), dtype)) + 0.1
        for red in ("mean", "sum", "none"):
            cases.append(("cross_entropy", [z, y], {"reduction": red}))
            cases.append(("cross_entropy", [z, y], {"reduction": red, "weight": w}))
            cases.append(
                (
                    "cross_entropy",
                    [z, np.where(y < 0, 3, y)],
                    {"reduction": red, "ignore_index": 3},
                )
            )
            cases.append(
                (
                    "cross_entropy",
                    [z, np.where(y < 0, 3, y)],
                    {"reduction": red, "ignore_index": 3, "weight": w},
                )
            )
            cases.append(
                (
                    "cross_entropy",
                    [z, np.where(y < 0, 1, y)],
                    {"reduction": red, "label_smoothing": 0.2},
                )
            )
            soft = RNG.dirichlet(np.ones(5), 6).astype(dtype)
            cases.append(
                ("cross_entropy", [z, soft], {"reduction": red, "soft_label": True})
            )
            cases.append(
                (
                    "cross_entropy",
                    [z, soft],
                    {"reduction": red, "soft_label": True, "weight": w},
                )
            )
            p = RNG.dirichlet(np.ones(5), 6).astype(dtype)
            p[0, 0] = 0.0
            cases.append(
                (
                    "cross_entropy",
                    [p, np.array([0, 4, 1, 2, 1, 3])],
                    {"reduction": red, "use_softmax": False},
                )
            )
            pb = RNG.uniform(0, 1, (4, 3)).astype(dtype)
            pb[0, 0], pb[1, 1] = 0.0, 1.0
            yb = RNG.integers(0, 2, (4, 3)).astype(dtype)
            cases.append(("binary_cross_entropy", [pb, yb], {"reduction": red}))
            cases.append(
                ("binary_cross_entropy", [pb, yb], {"reduction": red, "weight": w[:3]})
            )
            zb = _logits((4, 3), dtype, 8.0)
            yl = yb.copy()
            yl[0, 2] = -100
            cases.append(
                ("binary_cross_entropy_with_logits", [zb, yl], {"reduction": red})
            )
            cases.append(
                (
                    "binary_cross_entropy_with_logits",
                    [zb, yb],
                    {"reduction": red, "pos_weight": w[:3], "weight": w[:3]},
                )
            )
        z3 = _logits((2, 4, 3), dtype)  # class axis 1
        cases.append(
            ("cross_entropy", [z3, np.array([[0, 3, 1], [2, 2, -100]])], {"axis": 1})
        )
        cases.append(
            (
                "cross_entropy",
                [z3, np.array([[0, 3, 1], [2, 2, 0]])],
                {"axis": 1, "reduction": "none"},
            )
        )
    z = np.float32([[2e4, 0, 0], [0, 0, 0]])
    cases.append(
        ("cross_entropy", [z, np.array([1, 0])], {"reduction": "none"})
    )  # floor −64
    cases.append(("cross_entropy", [z, np.array([-100, -100])], {}))
    cases.append(
        ("cross_entropy", [z, np.array([1, 1])], {"ignore_index": 1})
    )  # all ignored → 0
    cases.append(
        (
            "binary_cross_entropy_with_logits",
            [np.float32([-16.0, 20.0, -30.0]), np.float32([0, 1, 1])],
            {"reduction": "none"},
        )
    )
    cases.append(("cross_entropy", [z, np.array([1, 0])], {"reduction": "avg"}))
    cases.append(
        (
            "cross_entropy",
            [z, np.eye(3, dtype=np.float32)[:2]],
            {"soft_label": True, "ignore_index": 2},
        )
    )
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    tmp = tmp_path_factory.mktemp("paddle")
    src, dst = tmp / "cases.pkl", tmp / "out.pkl"
    src.write_bytes(pickle.dumps(CASES))
    subprocess.run(
        [sys.executable, "-c", _CHILD, str(src), str(dst)],
        check=True,
        timeout=600,
        capture_output=True,
    )
    result: list[Any] = pickle.loads(Path(dst).read_bytes())
    return result


@pytest.mark.parametrize("i", range(len(CASES)))
def test_parity(real: list[Any], i: int) -> None:
    name, args, kwargs = CASES[i]
    theirs = real[i]
    if isinstance(theirs, str):
        with pytest.raises((ValueError, TypeError)):
            getattr(mirror, name)(*args, **kwargs)
        return
    ours = getattr(mirror, name)(*args, **kwargs)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    eps = float(np.finfo(theirs.dtype).eps)
    np.testing.assert_allclose(
        ours, theirs, rtol=16 * eps, atol=8 * eps, equal_nan=True
    )
