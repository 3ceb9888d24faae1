"""Every question a user has, posed through the real ``crossent`` entry point (#11).

Expected numbers are computed with crossent's exact core in the test (never typed in),
except where a comment gives their provenance.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import crossent

SEED_Y = "[[1,0,0],[0,1,0],[0,0,1]]"
SEED_P = "[[0.9,0.05,0.05],[0.5,0.89,0.6],[0.05,0.01,0.94]]"
LOGITS = "[[2,1,0.1],[0.5,0.2,3]]"
IDS = "[0,2]"


def _json(res) -> dict:
    assert res.returncode in (0, 1), res.stderr
    return json.loads(res.stdout)


def _paths(found: dict) -> list[str]:
    return [m["implementation"] for m in found["matches"]]


# ------------------------------------------------------------------ options reach identify


def test_identify_takes_sample_weights(run_cli) -> None:
    p = np.array(json.loads(SEED_P))
    per_row = -np.log(np.diag(p / p.sum(axis=1, keepdims=True)))  # Keras renormalises
    weighted = float(np.sum(per_row * [1, 2, 3]) / 3)  # Keras: Σ w ℓ / N
    args = ["--y-true", SEED_Y, "--y-pred", SEED_P, "--observed", f"{weighted:.6f}"]
    found = _json(run_cli("identify", *args, "--weights", "[1,2,3]", "--json"))
    assert "keras.losses.CategoricalCrossentropy" in _paths(found)
    without = run_cli("identify", *args, "--json")
    assert "keras.losses.CategoricalCrossentropy" not in _paths(_json(without))


def test_identify_takes_reduction_label_smoothing_and_axis(run_cli) -> None:
    z = np.array(json.loads(LOGITS))
    ids = np.array(json.loads(IDS))
    summed = float(np.sum(crossent.softmax_cross_entropy_with_integer_labels(z, ids)))
    found = run_cli(
        "identify", "--y-true", IDS, "--y-pred", LOGITS,
        "--observed", f"{summed:.6f}", "--reduction", "sum", "--json",
    )  # fmt: skip
    specs = [m["options"].get("reduction") for m in _json(found)["matches"]]
    assert specs
    assert all(r in (None, "sum") for r in specs)
    y = np.eye(3)[ids] * 0.9 + 0.1 / 3  # label smoothing 0.1 (PyTorch's definition)
    smooth = float(np.mean(crossent.softmax_cross_entropy(z, y)))
    found = run_cli(
        "identify", "--y-true", IDS, "--y-pred", LOGITS,
        "--observed", f"{smooth:.6f}", "--label-smoothing", "0.1", "--json",
    )  # fmt: skip
    assert "torch.nn.functional.cross_entropy" in _paths(_json(found))
    # classes first (axis 0): the same loss once the axis is named
    found = run_cli(
        "identify", "--y-true", json.dumps(np.eye(3)[ids].T.tolist()),
        "--y-pred", json.dumps(z.T.tolist()), "--axis", "0", "--from-logits",
        "--observed", f"{np.mean(crossent.softmax_cross_entropy_with_integer_labels(z, ids)):.6f}",
        "--json",
    )  # fmt: skip
    assert _json(found)["matches"]


# ------------------------------------------------------------------ observed numbers


def test_observed_nan_is_a_scalar_that_matches_a_nan_loss(run_cli) -> None:
    # the hand-written BCE: (1 − y)·log(1 − p) = 0·log 0 = NaN at p = 1
    args = ["--y-true", "[[1],[1]]", "--y-pred", "[[0.9],[1.0]]", "--dtype", "float32"]
    res = run_cli("identify", *args, "--observed", "nan", "--json")
    found = _json(res)
    assert found["observed"] == "nan"
    assert "textbook.binary" in _paths(found)
    # seed 002's custom loss per example: log(p/(1−p)) = inf at p = 1, inf − inf = NaN
    first = float(-np.log(np.float32(0.9)))
    res = run_cli("identify", *args, "--observed", f"[{first:.5f}, nan]", "--json")
    assert "keras2.custom.logit_round_trip" in _paths(_json(res))
    res = run_cli("explain", *args, "--observed", "nan")
    assert res.returncode == 0, res.stderr
    assert "Warning" not in res.stderr


def test_observed_in_bits(run_cli) -> None:
    y, p = np.array([0, 1, 1, 0.0]), np.array([0.2, 0.7, 0.9, 0.4])
    nats = float(np.mean(crossent.binary_cross_entropy(p, y)))
    bits = f"{nats / math.log(2):.4f}"
    args = ["--y-true", "[0,1,1,0]", "--y-pred", "[0.2,0.7,0.9,0.4]"]
    res = run_cli("identify", *args, "--observed", bits, "--log-base", "2", "--json")
    assert "textbook.binary" in _paths(_json(res))
    assert "in nats" in res.stderr
    res = run_cli("identify", *args, "--observed", bits)
    assert res.returncode == 1  # read in nats it is nobody's number


# ------------------------------------------------------------------ input layouts


def test_1d_binary_vectors_are_n_samples(run_cli) -> None:
    y, p = [0, 1, 1], [0.2, 0.7, 0.9]
    mean = float(np.mean(crossent.binary_cross_entropy(np.array(p), np.array(y))))
    total = float(np.sum(crossent.binary_cross_entropy(np.array(p), np.array(y))))
    args = ["--y-true", json.dumps(y), "--y-pred", json.dumps(p)]
    exp = _json(run_cli("explain", *args, "--observed", f"{mean:.6f}", "--json"))
    codes = [c["code"] for c in exp["causes"]]
    assert "multi_label" not in codes
    assert "class_inference" not in codes
    assert "N = 3 binary samples" in exp["inputs"]["read_as"]
    # a reduction='sum' is a sum over the 3 samples, not the mean of one row
    found = _json(
        run_cli(
            "identify",
            *args,
            "--observed",
            f"{total:.6f}",
            "--reduction",
            "sum",
            "--json",
        )
    )
    assert "keras.losses.BinaryCrossentropy" in _paths(found)
    found = _json(run_cli("identify", *args, "--observed", f"{mean:.6f}", "--json"))
    assert not any(m["options"].get("reduction") == "sum" and m["implementation"].startswith("keras.losses.B") and m["input_dtype"] == "float64" for m in found["matches"])  # fmt: skip


def test_pytorch_class_axis_1_layout(run_cli) -> None:
    z = np.array([[[2, 0.1], [1, 0.2], [0.1, 3]], [[0.5, 1], [2, 2], [0.1, 0.3]]])
    ids = np.array([[0, 2], [1, 1]])  # (N, d) ids for (N, C, d) logits
    expected = float(
        np.mean(
            crossent.softmax_cross_entropy_with_integer_labels(
                np.moveaxis(z, 1, -1), ids
            )
        )
    )
    args = ["--y-true", json.dumps(ids.tolist()), "--y-pred", json.dumps(z.tolist())]
    res = run_cli(
        "explain", *args, "--against", "torch.nn.functional.cross_entropy", "--json"
    )
    exp = _json(res)
    torch_value = next(
        v for v in exp["values"] if v["implementation"].startswith("torch.")
    )
    assert torch_value["value"] == pytest.approx(expected, rel=1e-12)
    assert "class axis 1" in exp["inputs"]["read_as"]
    found = _json(run_cli("identify", *args, "--observed", f"{expected:.6f}", "--json"))
    assert "torch.nn.functional.cross_entropy" in _paths(found)
    trace = _json(
        run_cli("trace", "torch.nn.functional.cross_entropy", *args, "--json")
    )
    assert trace["value"] == pytest.approx(expected, rel=1e-12)


def test_tables_from_stdin_with_a_header_row(run_cli) -> None:
    table = "p0,p1\n0.8,0.2\n0.3,0.7\n"
    expected = float(np.mean(-np.log([0.8, 0.7])))
    res = run_cli(
        "identify", "--y-true", "[0,1]", "--y-pred", "-",
        "--observed", f"{expected:.4f}", "--json", stdin=table,
    )  # fmt: skip
    assert "textbook.categorical" in _paths(_json(res))


def test_tables_from_process_substitution(tmp_path) -> None:
    if not Path("/bin/bash").exists():
        pytest.skip("process substitution needs bash")
    crossent_bin = Path(sys.executable).with_name("crossent")
    script = (
        f"{crossent_bin} trace textbook.categorical --y-true '[0,1]' "
        "--y-pred <(printf '0.8\\t0.2\\n0.3\\t0.7\\n') --reduction mean --json"
    )
    res = subprocess.run(
        ["/bin/bash", "-c", script], capture_output=True, text=True, timeout=120,
        env={**os.environ, "NO_COLOR": "1"}, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["value"] == pytest.approx(
        np.mean(-np.log([0.8, 0.7]))
    )


# ------------------------------------------------------------------ flags for every option


@pytest.mark.parametrize(
    ("impl", "flags", "expected"),
    [
        (
            "torch.nn.functional.cross_entropy",
            ["--class-weight", "[1,2,3]"],
            lambda z, ids: float(
                np.sum(np.array([1, 2, 3])[ids] * crossent.softmax_cross_entropy_with_integer_labels(z, ids))
                / np.sum(np.array([1, 2, 3])[ids])
            ),
        ),
        (
            "torch.nn.functional.cross_entropy",
            ["--ignore-index", "2"],
            lambda z, ids: float(crossent.softmax_cross_entropy_with_integer_labels(z, ids)[0]),
        ),
        (
            "keras.losses.SparseCategoricalCrossentropy(from_logits=True)",
            ["--ignore-index", "2"],
            lambda z, ids: float(crossent.softmax_cross_entropy_with_integer_labels(z, ids)[0]),
        ),
    ],
)  # fmt: skip
def test_class_weight_and_ignore_index(run_cli, impl, flags, expected) -> None:
    z, ids = np.array(json.loads(LOGITS)), np.array(json.loads(IDS))
    res = run_cli("trace", impl, "--y-true", IDS, "--y-pred", LOGITS, *flags, "--json")
    assert res.returncode == 0, res.stderr
    assert _json(res)["value"] == pytest.approx(expected(z, ids), rel=1e-6)


def test_pos_weight_alpha_gamma_and_labels(run_cli) -> None:
    a, y = np.array([[-3.0], [2.0]]), np.array([[1.0], [0.0]])
    args = ["--y-true", "[[1],[0]]", "--y-pred", "[[-3],[2]]"]
    # PyTorch's pos_weight multiplies the positive term: 3·softplus(3) and softplus(2)
    want = float(np.mean([3 * np.logaddexp(0, 3.0), np.logaddexp(0, 2.0)]))
    res = run_cli("trace", "torch.nn.functional.binary_cross_entropy_with_logits", *args, "--pos-weight", "3", "--json")  # fmt: skip
    assert _json(res)["value"] == pytest.approx(want, rel=1e-12)
    # optax's sigmoid focal loss: the core's with the same α, γ
    focal = crossent.sigmoid_focal_cross_entropy(a, y, alpha=0.5, gamma=1.0)
    res = run_cli("trace", "optax.sigmoid_focal_loss", *args, "--alpha", "0.5", "--gamma", "1", "--json")  # fmt: skip
    assert np.allclose(np.ravel(_json(res)["value"]), np.ravel(focal), rtol=1e-6)
    # scikit-learn: one class in y_true is an error without labels=, a loss with it
    one = ["--y-true", "[1,1]", "--y-pred", "[0.8,0.6]"]
    res = run_cli("trace", "sklearn.metrics.log_loss", *one)
    assert res.returncode == 2
    assert "labels" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    res = run_cli(
        "trace", "sklearn.metrics.log_loss", *one, "--labels", "[0,1]", "--json"
    )
    assert _json(res)["value"] == pytest.approx(np.mean(-np.log([0.8, 0.6])))


def test_a_flag_an_implementation_does_not_take_is_reported(run_cli) -> None:
    res = run_cli(
        "trace", "keras.losses.CategoricalCrossentropy", "--y-true", SEED_Y,
        "--y-pred", SEED_P, "--class-weight", "[1,2,3]",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "keras.losses.CategoricalCrossentropy takes no --class-weight" in res.stderr


def test_compare_and_trace_take_from_logits(run_cli) -> None:
    # Keras on softmax(z) against tf.nn on z: the same loss (up to float32 rounding)
    args = ["--y-true", "[[0,1,0]]", "--y-pred", "[[2.0,1.0,0.1]]", "--from-logits"]
    res = run_cli("compare", "keras.losses.CategoricalCrossentropy", "tf.nn.softmax_cross_entropy_with_logits", *args, "--json")  # fmt: skip
    comp = _json(res)
    assert abs(comp["gap"]) < 1e-6
    expected = float(
        crossent.softmax_cross_entropy(
            np.array([[2.0, 1.0, 0.1]]), np.array([[0, 1, 0.0]])
        )[0]
    )
    res = run_cli("trace", "keras.losses.CategoricalCrossentropy", *args, "--json")
    assert _json(res)["value"] == pytest.approx(expected, rel=1e-6)


def test_compare_reduces_both_sides_alike(run_cli) -> None:
    args = ["--y-true", SEED_Y, "--y-pred", SEED_P]
    comp = _json(run_cli("compare", "keras.losses.CategoricalCrossentropy", "textbook.categorical", *args, "--json"))  # fmt: skip
    assert len(comp["a"]["value"]) == len(comp["b"]["value"]) == 3
    assert comp["note"] == "both sides reduced the same way: per example"
    mean = _json(run_cli("compare", "keras.losses.CategoricalCrossentropy", "textbook.categorical", *args, "--reduction", "mean", "--json"))  # fmt: skip
    # seed 000: Keras' renormalised mean minus the hand formula's mean, per the README
    p = np.array(json.loads(SEED_P))
    keras_mean = float(np.mean(-np.log(np.diag(p / p.sum(1, keepdims=True)))))
    assert mean["gap"] == pytest.approx(
        float(np.mean(-np.log(np.diag(p)))) - keras_mean, abs=1e-6
    )


def test_plot_gap_draws_per_example_losses(run_cli, tmp_path) -> None:
    out = tmp_path / "gap.svg"
    res = run_cli(
        "plot", "gap", "--impl", "keras.losses.CategoricalCrossentropy",
        "--impl", "textbook.categorical", "--y-true", SEED_Y, "--y-pred", SEED_P,
        "-o", str(out),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    svg = out.read_text()
    assert "per example" in svg


# ------------------------------------------------------------------ failures and help


def test_an_against_that_cannot_run_is_reported_and_the_rest_answered(run_cli) -> None:
    res = run_cli(
        "explain", "--y-true", "[1,1,1]", "--y-pred", "[0.2,0.7,0.9]",
        "--against", "sklearn.metrics.log_loss", "--json",
    )  # fmt: skip
    exp = _json(res)
    assert "sklearn.metrics.log_loss cannot run on these inputs" in exp["summary"]
    assert any(v["implementation"] == "exact.binary" for v in exp["values"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["plot", "stability", "-o", "{tmp}"], "is a directory"),
        (["plot", "stability", "-o", "{tmp}/x"], "needs a picture suffix"),
        (["plot", "stability", "-o", "{tmp}/no/x.png"], "does not exist"),
        (["explain", "--y-true", SEED_Y, "--y-pred", SEED_P, "--html", "{tmp}"], "is a directory"),
        (["frameworks", "no-such-thing"], "no implementation matches"),
        (["trace", "torch.nn.functional.cross_entropy", "--y-true", "[0,5]", "--y-pred", LOGITS], "error"),
        (["identify", "--y-true", IDS, "--y-pred", LOGITS, "--observed", "abc"], "--observed"),
        (["trace", "textbook.categorical", "--y-true", IDS, "--y-pred", LOGITS, "--label-smoothing", "nan"], "--label-smoothing"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_status_2(run_cli, tmp_path, args, fragment) -> None:
    res = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert res.returncode == 2, res.stdout
    assert fragment in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "Traceback" not in res.stderr


def test_frameworks_filter_and_width(run_cli) -> None:
    res = run_cli("frameworks", "torch", env={"COLUMNS": "100"})
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    assert all(len(line) <= 100 for line in lines)
    assert all(line.startswith("torch.") for line in lines[2:])
    long = run_cli("frameworks", "torch", "--long")
    assert "differs from exact" in long.stdout


def test_flag_aliases_and_install_hint(run_cli) -> None:
    help_text = run_cli("evaluate", "--help").stdout
    assert "--from-probs" in help_text
    assert "--y-true" in help_text
    source = (Path(crossent.__file__).parent / "cli" / "_evaluate.py").read_text()
    assert "crossent[evaluate]" not in source
    pyproject = Path(crossent.__file__).parents[2] / "pyproject.toml"
    if pyproject.exists():  # the extra the hint names exists
        assert re.search(r"^dask = \[", pyproject.read_text(), re.M)


_COMMANDS = ("explain", "compare", "identify", "trace", "plot", "frameworks")


@pytest.mark.parametrize("command", _COMMANDS)
def test_help_documents_every_option_and_its_examples_run(
    run_cli, command, tmp_path
) -> None:
    res = run_cli(command, "--help", env={"COLUMNS": "200"})
    assert res.returncode == 0
    lines = res.stdout.splitlines()
    options = [
        (i, m) for i, line in enumerate(lines) if (m := re.match(r"^  (-[^ ]+.*?)(  +\S.*)?$", line))
    ]  # fmt: skip
    assert options
    for i, m in options:  # the help on the same line or wrapped to the next
        wrapped = i + 1 < len(lines) and re.match(r"^ {10,}\S", lines[i + 1])
        assert m.group(2) or wrapped, f"{m.group(1)} has no help"
    examples = [
        line.strip() for line in res.stdout.split("examples:")[1].splitlines()
        if "crossent " in line and not line.strip().startswith("#")
    ]  # fmt: skip
    assert len(examples) >= 2
    bindir = str(Path(sys.executable).parent)
    for example in examples:
        run = subprocess.run(
            ["/bin/bash", "-c", example.split("  #")[0]], capture_output=True,
            text=True, timeout=120, cwd=tmp_path, check=False,
            env={**os.environ, "NO_COLOR": "1", "PATH": bindir + os.pathsep + os.environ["PATH"]},
        )  # fmt: skip
        assert run.returncode == 0, (example, run.stderr)
