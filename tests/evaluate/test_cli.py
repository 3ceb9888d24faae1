"""``crossent evaluate PATH --labels PATH``: output, exit codes, progress, clusters."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import crossent.cli
from crossent.cli._evaluate import add_evaluate_parser
from crossent.evaluate import evaluate
from tests.evaluate._data import IGNORE, language_model, save_shards

Z, LABELS, WEIGHTS = language_model(rows=25)


@pytest.fixture
def main(monkeypatch: pytest.MonkeyPatch) -> Callable[[list[str]], int]:
    """``crossent.cli.main`` with the evaluate command registered (until it is built in)."""
    build = crossent.cli.build_parser

    def with_evaluate() -> argparse.ArgumentParser:
        parser = build()
        sub = next(
            a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
        )
        if "evaluate" not in sub.choices:
            add_evaluate_parser(sub)
        return parser

    monkeypatch.setattr(crossent.cli, "build_parser", with_evaluate)
    return crossent.cli.main


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    save_shards(root / "logits", Z, [10])
    np.save(root / "labels.npy", LABELS)
    np.save(root / "weights.npy", WEIGHTS)
    return root


def test_json_output_is_the_library_result(
    main: Callable[[list[str]], int], data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", str(data / "logits"), "--labels", str(data / "labels.npy")]
    argv += ["--weights", str(data / "weights.npy"), "--ignore-index", "-100", "--json"]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    expected = evaluate(Z, LABELS, weights=WEIGHTS, ignore_index=IGNORE).to_dict()
    assert out == expected


def test_text_output_lists_every_aggregate(
    main: Callable[[list[str]], int], data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", str(data / "logits"), "--labels", str(data / "labels.npy")]
    assert main([*argv, "--ignore-index", "-100", "--batch-mb", "0.01"]) == 0
    out = capsys.readouterr().out
    for name in ("perplexity", "sequence_mean", "mean_sequence_perplexity"):
        assert name in out
    mean = evaluate(Z, LABELS, ignore_index=IGNORE).mean
    assert f"{mean:.17g}" in out


def test_progress_is_reported_per_batch(
    main: Callable[[list[str]], int],
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from contextlib import contextmanager

    import crossent.cli._evaluate as cli_evaluate

    updates: list[tuple[int, int]] = []

    @contextmanager
    def recording(args: argparse.Namespace):  # type: ignore[no-untyped-def]
        yield lambda done, total: updates.append((done, total))

    monkeypatch.setattr(cli_evaluate, "_progress_bar", recording)
    argv = ["evaluate", str(data / "logits"), "--labels", str(data / "labels.npy")]
    assert main([*argv, "--ignore-index", "-100", "--batch-mb", "0.005"]) == 0
    assert updates[-1] == (len(Z), len(Z))
    assert len(updates) > 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--labels", "missing.npy"], "no such file or directory: missing.npy"),
        (["--labels", "{labels}", "--axis", "0"], "`axis` must not be 0"),
        (["--labels", "{weights}"], "must be integer class indices; got dtype float64"),
        (
            ["--labels", "{labels}", "--batch-mb", "0"],
            "--batch-mb: must be a positive finite number",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    main: Callable[[list[str]], int],
    data: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    paths = {"labels": data / "labels.npy", "weights": data / "weights.npy"}
    extra = [e.format(**paths) for e in extra]
    assert main(["evaluate", str(data / "logits"), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("crossent evaluate: error: ")
    assert "evaluate: evaluate:" not in err
    assert message in err
    assert "\n" not in err


@pytest.mark.parity
def test_scheduler_address_and_local_workers(
    main: Callable[[list[str]], int], data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    distributed = pytest.importorskip("distributed")
    argv = ["evaluate", str(data / "logits"), "--labels", str(data / "labels.npy")]
    argv += ["--ignore-index", "-100", "--batch-mb", "0.01", "--json"]
    expected = evaluate(Z, LABELS, ignore_index=IGNORE).to_dict()
    with distributed.LocalCluster(
        n_workers=1, processes=False, dashboard_address=None
    ) as cluster:
        assert main([*argv, "--scheduler", cluster.scheduler_address]) == 0
    assert json.loads(capsys.readouterr().out) == expected
    assert main([*argv, "--workers", "2"]) == 0
    assert json.loads(capsys.readouterr().out) == expected


def test_counts_and_engine_options(
    main: Callable[[list[str]], int], data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    words = np.arange(1, len(Z) + 1)
    np.save(data / "words.npy", words)
    np.save(data / "bytes.npy", words * 6)
    argv = ["evaluate", str(data / "logits"), "--labels", str(data / "labels.npy")]
    argv += ["--ignore-index", "-100", "--json"]
    counts = ["--word-counts", str(data / "words.npy")]
    counts += ["--byte-counts", str(data / "bytes.npy")]
    assert main([*argv, *counts, "--engine", "exact"]) == 0
    out = json.loads(capsys.readouterr().out)
    expected = evaluate(
        Z,
        LABELS,
        ignore_index=IGNORE,
        word_counts=words,
        byte_counts=words * 6,
        engine="exact",
    )
    assert out == expected.to_dict()
    assert out["engine"] == "exact"
    assert "bits_per_byte" in out
    assert main(argv) == 0
    fast = json.loads(capsys.readouterr().out)
    assert fast["engine"] in ("numpy", "numba")
    assert "word_perplexity" not in fast


def test_text_output_names_the_tool_of_each_perplexity(
    main: Callable[[list[str]], int], data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["evaluate", str(data / "logits"), "--labels", str(data / "labels.npy")]
    assert main([*argv, "--ignore-index", "-100"]) == 0
    out = capsys.readouterr().out
    assert "torchmetrics Perplexity" in out
    assert "Hugging Face evaluate 'perplexity' (mean_perplexity)" in out
    assert "lm-eval-harness 'perplexity'" in out


@pytest.mark.parametrize(
    ("stdout_tty", "stderr_tty", "json_flag", "shown"),
    [
        (True, True, False, True),
        (True, True, True, False),  # --json: quiet
        (False, True, False, False),  # output piped: quiet
        (True, False, False, False),  # stderr redirected: quiet
    ],
)
def test_the_progress_bar_is_for_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch,
    stdout_tty: bool,
    stderr_tty: bool,
    json_flag: bool,
    shown: bool,
) -> None:
    import sys

    import crossent.cli._evaluate as cli_evaluate

    monkeypatch.setattr(sys.stdout, "isatty", lambda: stdout_tty)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: stderr_tty)
    monkeypatch.delenv("TERM", raising=False)
    args = argparse.Namespace(json=json_flag)
    assert cli_evaluate._show_progress(args) is shown


def test_the_progress_bar_shows_throughput_and_time_left(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import crossent.cli._evaluate as cli_evaluate

    monkeypatch.setattr(cli_evaluate, "_show_progress", lambda args: True)
    args = argparse.Namespace(
        predictions=str(data / "logits"), kind="categorical", axis=-1, json=False
    )
    assert cli_evaluate._row_sizes(args) == (Z[0].nbytes, Z.shape[1])
    stream = io.StringIO()
    from rich.console import Console

    monkeypatch.setattr(
        "rich.console.Console",
        lambda **kw: Console(file=stream, force_terminal=True, width=160),
    )
    with cli_evaluate._progress_bar(args) as update:
        assert update is not None
        for done in range(0, len(Z) + 1, 5):
            update(done, len(Z))
    text = stream.getvalue()
    assert "GB/s" in text
    assert "tokens/s" in text
    assert "ETA" in text
