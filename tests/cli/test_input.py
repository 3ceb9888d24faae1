"""Reading arrays from the command line: literals, files, stdin; bad input errors."""

import io

import numpy as np
import pytest

from crossent.cli._input import InputError, read_array


def test_inline_json_literal() -> None:
    arr = read_array("[[1, 0, 0], [0, 1, 0]]", "--y-true")
    assert arr.shape == (2, 3)
    assert arr.dtype.kind == "i"


def test_python_literal_with_tuples() -> None:
    arr = read_array("((0.5, 0.5), (0.1, 0.9))", "--y-pred")
    np.testing.assert_array_equal(arr, [[0.5, 0.5], [0.1, 0.9]])


def test_nan_and_inf_as_numpy_and_python_print_them() -> None:
    arr = read_array(
        "[[0.5, nan], [-inf, np.inf], [NaN, math.nan], [Infinity, +1]]", "--y-pred"
    )
    assert arr.dtype == np.float64
    np.testing.assert_array_equal(
        arr, [[0.5, np.nan], [-np.inf, np.inf], [np.nan, np.nan], [np.inf, 1]]
    )
    # JSON's own spelling goes through json
    assert np.isnan(read_array("[NaN, 1]", "--y-pred")[0])


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[[0.5, foo]]", "'foo' is not a number"),
        ("[__import__('os')]", "__import__('os')"),
        ("[1 + 2j]", "'1 + 2j' is not a number"),
        ("[-'a']", "is not a number"),
        ("[os.nan]", "'os.nan' is not a number"),
    ],
)
def test_names_and_expressions_are_refused_not_evaluated(text: str, shown: str) -> None:
    with pytest.raises(InputError, match=r"^--y-pred: cannot parse") as err:
        read_array(text, "--y-pred")
    assert shown in str(err.value)


def test_integer_labels_stay_integer() -> None:
    assert read_array("[1, 2, 0]", "--y-true").dtype.kind == "i"


def test_npy_and_npz(tmp_path) -> None:
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.save(tmp_path / "a.npy", a)
    np.savez(tmp_path / "b.npz", pred=a)
    np.testing.assert_array_equal(read_array(str(tmp_path / "a.npy"), "--y-pred"), a)
    np.testing.assert_array_equal(read_array(str(tmp_path / "b.npz"), "--y-pred"), a)
    np.testing.assert_array_equal(
        read_array(f"{tmp_path / 'b.npz'}:pred", "--y-pred"), a
    )


def test_csv_tsv_txt(tmp_path) -> None:
    (tmp_path / "p.csv").write_text("0.5,0.5\n0.1,0.9\n")
    (tmp_path / "p.tsv").write_text("0.5\t0.5\n0.1\t0.9\n")
    (tmp_path / "p.txt").write_text("# comment\n0.5 0.5\n0.1 0.9\n")
    for name in ("p.csv", "p.tsv", "p.txt"):
        np.testing.assert_array_equal(
            read_array(str(tmp_path / name), "--y-pred"), [[0.5, 0.5], [0.1, 0.9]]
        )


def test_stdin() -> None:
    arr = read_array("-", "--y-pred", stdin=io.StringIO("[[0.2, 0.8]]"))
    assert arr.shape == (1, 2)


def test_unparseable_text() -> None:
    with pytest.raises(InputError, match=r"^--y-pred: cannot parse"):
        read_array("[[0.2, 0.8]", "--y-pred")


def test_ragged_array() -> None:
    with pytest.raises(InputError, match=r"^--y-pred: ragged"):
        read_array("[[0.2, 0.8], [1]]", "--y-pred")


def test_missing_file() -> None:
    with pytest.raises(InputError, match=r"^--y-true: no such file: nothere\.npy"):
        read_array("nothere.npy", "--y-true")


def test_pickle_bearing_npy_is_refused(tmp_path) -> None:
    path = tmp_path / "obj.npy"
    np.save(path, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(InputError, match=r"holds Python objects \(pickle\)"):
        read_array(str(path), "--y-pred")


def test_eval_is_never_used() -> None:
    with pytest.raises(InputError):
        read_array("__import__('os').getcwd()", "--y-pred")
