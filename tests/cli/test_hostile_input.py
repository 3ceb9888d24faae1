"""Careless and hostile input to the command line: one line, exit 2, bounded reads (#13).

The CLI runs in-process (``crossent.cli.main``) so that a fuzzed argument list is
cheap; any exception escaping ``main`` fails the test.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossent.cli import main

SEED_Y = "[[1,0,0],[0,1,0],[0,0,1]]"
SEED_P = "[[0.9,0.05,0.05],[0.5,0.89,0.6],[0.05,0.01,0.94]]"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


def _one_line_error(status: int, err: str, fragment: str = "") -> None:
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert fragment in lines[0], err


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    out = {}
    np.save(tmp_path / "y.npy", np.array([0, 1]))
    np.save(tmp_path / "p.npy", np.array([[0.8, 0.2], [0.3, 0.7]]))
    # a 160-byte .npy whose header claims 32 TiB
    with (tmp_path / "claims.npy").open("wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (2**21, 2**21)}
        )
    # an .npy that says (1000, 1000) and holds 16 bytes
    with (tmp_path / "short.npy").open("wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (1000, 1000)}
        )
        fh.write(b"\0" * 16)
    # a zip bomb: 64 MiB of zeros, deflated to ~64 KiB
    with (
        zipfile.ZipFile(tmp_path / "bomb.npz", "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("x.npy", "w", force_zip64=True) as fh,
    ):
        np.lib.format.write_array_header_1_0(
            fh, {"descr": "<f8", "fortran_order": False, "shape": (2**23,)}
        )
        block = b"\0" * 2**20
        for _ in range(64):
            fh.write(block)
    np.save(tmp_path / "dates.npy", np.array(["2020-01-01", "2020-01-02"], "M8[D]"))
    np.save(tmp_path / "complex.npy", np.array([[1 + 1j, 0], [0, 1]]))
    (tmp_path / "big.csv").write_text("0,1\n" + "1" * 23 + ",0\n")
    (tmp_path / "deep.txt").write_text("[" * 30000 + "]" * 30000)
    sparse = tmp_path / "sparse.bin"
    with sparse.open("wb") as fh:  # 10 GB apparent size, no blocks on disk
        fh.truncate(10 * 10**9)
    for name in (
        "y",
        "p",
        "claims",
        "short",
        "bomb",
        "dates",
        "complex",
        "big",
        "deep",
    ):
        out[name] = str(next(tmp_path.glob(f"{name}.*")))
    out["sparse"] = str(sparse)
    out["dir"] = str(tmp_path)
    return out


@pytest.mark.parametrize(
    ("which", "arg", "fragment"),
    [
        ("claims", "--y-pred", "declared shape"),
        ("short", "--y-pred", "holds 16 bytes"),
        ("bomb", "--y-pred", "uncompressed"),
        ("dates", "--y-pred", "expected real numbers"),
        ("complex", "--y-pred", "expected real numbers"),
        ("big", "--y-true", "64 bits"),
        ("sparse", "--y-pred", "over the limit"),
        ("dir", "--y-true", "is a directory"),
    ],
)
def test_files_that_are_refused_before_they_are_read(capsys, files, monkeypatch, which, arg, fragment) -> None:  # fmt: skip
    monkeypatch.setenv("CROSSENT_MAX_INPUT_MB", "32")
    other = {"--y-true": files["y"], "--y-pred": files["p"]}
    other[arg] = files[which]
    status, _, err = _run(capsys, "explain", "--y-true", other["--y-true"], "--y-pred", other["--y-pred"])  # fmt: skip
    _one_line_error(status, err, arg)
    assert fragment in err


def test_special_files_and_deep_nesting(capsys, files) -> None:
    if Path("/dev/zero").exists():
        _one_line_error(*_run(capsys, "trace", "exact.categorical", "--y-true", files["y"], "--y-pred", "/dev/zero")[::2], "special file")  # fmt: skip
    deep = "[" * 30000 + "]" * 30000
    status, _, err = _run(capsys, "trace", "exact.categorical", "--y-true", deep, "--y-pred", SEED_P)  # fmt: skip
    _one_line_error(status, err, "--y-true")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["trace", "exact.categorical", "--y-true", SEED_Y, "--y-pred", "[[1e5,0,0],[0,1,0],[0,0,1]]", "--dtype", "float16"], "--dtype"),
        (["trace", "torch.nn.functional.cross_entropy", "--y-true", "[0,1]", "--y-pred", "[[1,2],[3,4]]", "--class-weight", "[1,-2]"], "--class-weight"),
        (["explain", "--y-true", SEED_Y, "--y-pred", SEED_P, "--weights", "[1,2,-3]"], "--weights"),
        (["explain", "--y-true", SEED_Y, "--y-pred", SEED_P, "--axis", "5"], "--axis"),
        (["plot", "stability", "--stop", "nan", "-o", "x.png"], "--start/--stop"),
        (["plot", "stability", "--stop", "inf", "-o", "x.png"], "--start/--stop"),
        (["plot", "stability", "--start", "50", "--stop", "10", "-o", "x.png"], "--start/--stop"),
        (["explain", "--y-true", SEED_Y, "--y-pred", SEED_P, "--label-smoothing", "inf"], "--label-smoothing"),
    ],
)  # fmt: skip
def test_nonsense_options_are_refused(capsys, argv, fragment) -> None:
    _one_line_error(*_run(capsys, *argv)[::2], fragment)


def test_bench_and_evaluate_options(capsys, files) -> None:
    status, _, err = _run(capsys, "bench", "--sizes", "abc")
    _one_line_error(status, err, "--sizes")
    status, _, err = _run(capsys, "evaluate", files["p"], "--labels", files["y"], "--batch-mb", "inf")  # fmt: skip
    _one_line_error(status, err, "--batch-mb")


def test_json_is_valid_json_everywhere(capsys, tmp_path) -> None:
    np.save(tmp_path / "z.npy", np.full((2, 3), np.nan))
    np.save(tmp_path / "y.npy", np.array([0, 1]))
    status, out, _ = _run(capsys, "evaluate", str(tmp_path / "z.npy"), "--labels", str(tmp_path / "y.npy"), "--json")  # fmt: skip
    assert status == 0
    parsed = json.loads(out, parse_constant=lambda c: pytest.fail(f"bare {c} in JSON"))
    assert parsed["total"] == "nan"


# ------------------------------------------------------------------ fuzzing

_LITERALS = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "[]", "[[]]", "[[nan]]", "0", "[1,2", "[[1,2],[3]]",
                     "True", "None", "'x'", "__import__('os')", "[1e400]", "[[1,0]]", "[0,1,2]",
                     "-", "[" * 50, "{}", "[[0.5,0.5],[0.5,0.5]]", "[[-1,2],[3,-4]]", "1e309"]),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=4).map(json.dumps),
    st.text(max_size=12),
)  # fmt: skip
_COMMANDS = st.sampled_from(
    [
        ["trace", "exact.categorical"],
        ["trace", "torch.nn.functional.cross_entropy"],
        ["compare", "keras.losses.CategoricalCrossentropy", "textbook.categorical"],
        ["identify", "--observed", "0.5"],
        ["explain"],
        ["explain", "--against", "sklearn.metrics.log_loss"],
        ["explain", "--observed", "0.5", "--expected", "1e308"],
    ]
)
_EXTRA = st.lists(
    st.sampled_from(
        [["--dtype", "float16"], ["--axis", "3"], ["--label-smoothing", "nan"],
         ["--reduction", "bogus"], ["--ignore-index", "7"], ["--from-logits"],
         ["--observed", "abc"], ["--class-weight", "[1]"], ["--labels", "[0]"],
         ["--expected", "nan"], ["--expected", "[true]"], ["--expected", "[0.1, 0.2]"]]
    ),
    max_size=2,
)  # fmt: skip


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(command=_COMMANDS, y=_LITERALS, p=_LITERALS, extra=_EXTRA)
def test_fuzzed_command_lines_never_escape(
    capsys, monkeypatch, command, y, p, extra
) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("[[0.5, 0.5]]"))
    argv = [*command, "--y-true", y, "--y-pred", p]
    for e in extra:
        argv += e
    capsys.readouterr()  # what earlier examples printed
    try:
        status = main(argv)
    except SystemExit as exit_:  # argparse's own usage errors
        status = exit_.code
        assert status == 2
    err = capsys.readouterr().err
    assert status in (0, 1, 2)
    if status == 2:
        assert len([line for line in err.splitlines() if "error" in line]) == 1, err
    assert "Traceback" not in err
