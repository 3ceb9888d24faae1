"""Every command end to end through the console script: exit codes, stdout, stderr."""

from __future__ import annotations

import json

import numpy as np
import pytest

SEED_Y = "[[1,0,0],[0,1,0],[0,0,1]]"
SEED_P = "[[0.9,0.05,0.05],[0.5,0.89,0.6],[0.05,0.01,0.94]]"


def test_no_command_prints_help(run_cli) -> None:
    res = run_cli()
    assert res.returncode == 2
    assert "usage: crossent" in res.stderr


def test_version(run_cli) -> None:
    res = run_cli("--version")
    assert res.returncode == 0
    assert res.stdout.startswith("crossent ")


def test_trace_plain_text(run_cli) -> None:
    res = run_cli(
        "trace", "textbook.categorical", "--y-true", SEED_Y, "--y-pred", SEED_P
    )
    assert res.returncode == 0, res.stderr
    assert "textbook.categorical = [0.10536052, 0.11653382, 0.061875404]" in res.stdout
    assert "\x1b[" not in res.stdout  # NO_COLOR / piped: no ANSI codes


def test_trace_json(run_cli) -> None:
    res = run_cli(
        "trace",
        "textbook.categorical",
        "--y-true",
        SEED_Y,
        "--y-pred",
        SEED_P,
        "--json",
    )
    doc = json.loads(res.stdout)
    assert [s["name"] for s in doc["steps"]] == [
        "log",
        "terms",
        "class_reduce",
        "reduce",
    ]
    np.testing.assert_allclose(
        doc["value"], [0.10536052, 0.11653382, 0.0618754], atol=1e-8
    )


def test_compare_json_attribution_sums_to_gap(run_cli) -> None:
    res = run_cli(
        "compare",
        "textbook.binary(reduction='none')",
        "exact.categorical",
        "--y-true",
        "[[0,1,0],[0,0,1]]",
        "--y-pred",
        "[[0.227863,0.61939586,0.15274114],[0.49674623,0.20196195,0.30129182]]",
        "--json",
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    total = sum(a["contribution"] for a in doc["attribution"])
    assert total == pytest.approx(doc["gap"], abs=1e-12)
    assert any(a["cause"] == "binary_vs_categorical" for a in doc["attribution"])


def test_identify_finds_textbook_mean(run_cli) -> None:
    res = run_cli(
        "identify",
        "--y-true",
        SEED_Y,
        "--y-pred",
        SEED_P,
        "--observed",
        "0.0946",
        "--json",
    )
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    found = {
        (m["implementation"], m["options"].get("reduction")) for m in doc["matches"]
    }
    assert ("textbook.categorical", "mean") in found


def test_identify_nothing_found_exits_1(run_cli) -> None:
    res = run_cli(
        "identify", "--y-true", SEED_Y, "--y-pred", SEED_P, "--observed", "123.456"
    )
    assert res.returncode == 1
    assert "no implementation" in res.stdout


def test_stdin_input(run_cli) -> None:
    res = run_cli(
        "trace", "exact.categorical", "--y-true", SEED_Y, "--y-pred", "-", stdin=SEED_P
    )
    assert res.returncode == 0, res.stderr


def test_npy_input(run_cli, tmp_path) -> None:
    np.save(tmp_path / "p.npy", np.array([[0.2, 0.8]], dtype=np.float32))
    res = run_cli(
        "trace",
        "exact.categorical",
        "--y-true",
        "[[0,1]]",
        "--y-pred",
        str(tmp_path / "p.npy"),
        "--json",
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["value"] == pytest.approx([0.22314355], rel=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--y-true", "[[1,0]]", "--y-pred", "[[0.5,0.5]"],
            "crossent trace: error: --y-pred: cannot parse",
        ),
        (
            ["--y-true", "[[1,0]]", "--y-pred", "[[0.5],[0.5,0.5]]"],
            "crossent trace: error: --y-pred: ragged",
        ),
        (
            ["--y-true", "[[1,0,0]]", "--y-pred", "[[0.5,0.5]]"],
            "crossent trace: error: --y-true: shape (1, 3) does not match --y-pred (1, 2)",
        ),
        (
            ["--y-true", "missing.npy", "--y-pred", "[[0.5,0.5]]"],
            "crossent trace: error: --y-true: no such file: missing.npy",
        ),
        (
            ["--y-true", "[[NaN, 1]]", "--y-pred", "[[0.5,0.5]]"],
            "crossent trace: error: --y-true: contains NaN",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(run_cli, args, message) -> None:
    res = run_cli("trace", "exact.categorical", *args)
    assert res.returncode == 2
    assert res.stderr.strip().startswith(message), res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr


def test_unknown_implementation(run_cli) -> None:
    res = run_cli(
        "trace", "keras.losses.Nope", "--y-true", "[[1,0]]", "--y-pred", "[[0.5,0.5]]"
    )
    assert res.returncode == 2
    assert "must name a registered implementation" in res.stderr


def test_misspelt_implementation_gets_the_nearest_names(run_cli) -> None:
    res = run_cli(
        "compare",
        "keras.losses.CategoricalCrossentropyy",
        "textbook.categorical",
        "--y-true",
        "[[1,0]]",
        "--y-pred",
        "[[0.5,0.5]]",
    )
    assert res.returncode == 2
    line = res.stderr.strip()
    assert line.startswith(
        "crossent compare: error: unknown implementation "
        "'keras.losses.CategoricalCrossentropyy'"
    )
    assert "Did you mean keras.losses.CategoricalCrossentropy," in line
    assert "get:" not in line  # no internal function name


def test_pickle_npy_refused(run_cli, tmp_path) -> None:
    np.save(tmp_path / "o.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    res = run_cli(
        "trace",
        "exact.categorical",
        "--y-true",
        "[[1,0]]",
        "--y-pred",
        str(tmp_path / "o.npy"),
    )
    assert res.returncode == 2
    assert "pickle" in res.stderr


def test_debug_shows_traceback(run_cli) -> None:
    res = run_cli(
        "trace",
        "exact.categorical",
        "--y-true",
        "[[1,0]]",
        "--y-pred",
        "[[0.5,0.5]",
        "--debug",
    )
    assert res.returncode != 0
    assert "Traceback" in res.stderr


def test_frameworks_table(run_cli) -> None:
    res = run_cli("frameworks")
    assert res.returncode == 0
    assert "tf.nn.softmax_cross_entropy_with_logits" in res.stdout
    assert "textbook.categorical" in res.stdout


def test_frameworks_json(run_cli) -> None:
    doc = json.loads(run_cli("frameworks", "--json").stdout)
    paths = [i["path"] for i in doc["implementations"]]
    assert "exact.softmax" in paths


def test_plot_stability_png(run_cli, tmp_path) -> None:
    out = tmp_path / "s.png"
    res = run_cli(
        "plot",
        "stability",
        "--impl",
        "exact.sigmoid_binary(reduction='mean')",
        "--impl",
        "tf.nn.sigmoid_cross_entropy_with_logits",
        "-o",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_gap_png(run_cli, tmp_path) -> None:
    out = tmp_path / "g.png"
    res = run_cli(
        "plot",
        "gap",
        "--impl",
        "textbook.categorical",
        "--impl",
        "exact.categorical",
        "--y-true",
        SEED_Y,
        "--y-pred",
        SEED_P,
        "-o",
        str(out),
    )
    assert res.returncode == 0, res.stderr
    assert out.stat().st_size > 1000


def test_python_dash_m(run_cli) -> None:
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "crossent", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0
    assert res.stdout.startswith("crossent ")
