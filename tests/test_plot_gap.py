"""``crossent.plot.gap`` at scale (#13): a histogram of the gaps beyond a few hundred rows."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from crossent import plot  # noqa: E402
from crossent.explain import compare  # noqa: E402

A = "textbook.categorical"
B = "keras.losses.CategoricalCrossentropy"


def _rows(n: int, planted: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(13)
    labels = rng.integers(0, 3, n)
    p = rng.dirichlet(np.ones(3), n)
    # README's seed-000 row: Keras divides it by its sum 1.99 before the log, so its
    # loss is -log(0.89/1.99) against the textbook's -log(0.89): a gap of ln 1.99.
    p[planted] = [0.5, 0.89, 0.6]
    labels[planted] = 1
    return np.eye(3)[labels], p


def test_5000_rows_draw_a_histogram_in_seconds() -> None:
    import matplotlib.pyplot as plt

    y, p = _rows(5000, planted=1234)
    start = time.perf_counter()
    ax = plot.gap(A, B, y, p)
    ax.figure.canvas.draw()
    elapsed = time.perf_counter() - start
    try:
        assert elapsed < 10, f"{elapsed:.1f} s for 5,000 rows"
        # a histogram (at most 100 bins), not 10,000 bars
        assert 10 <= len(ax.patches) <= 100
        assert ax.get_ylabel() == "examples"
        assert "gap B − A" in ax.get_xlabel()
        comp = compare(A, B, y, p)
        title = ax.get_title()
        assert f"gap B − A = {comp.gap:+.6g}" in title
        assert comp.note in title
        # the largest |gap| listed first is the planted row, ln 1.99 = 0.688135
        text = "\n".join(t.get_text() for t in ax.texts)
        first = text.splitlines()[1]
        assert first.startswith("#1234: +")
        assert float(first.split(": ")[1]) == pytest.approx(
            math.log(1.99), abs=5e-5
        )  # 4 digits shown
        # the histogram holds every example
        assert sum(patch.get_height() for patch in ax.patches) == 5000
    finally:
        plt.close(ax.figure)


def test_few_rows_keep_one_bar_pair_per_example() -> None:
    import matplotlib.pyplot as plt

    y, p = _rows(12, planted=3)
    ax = plot.gap(A, B, y, p)
    try:
        assert len(ax.patches) == 24
        assert ax.get_ylabel() == "loss per example"
    finally:
        plt.close(ax.figure)
    ax = plot.gap(A, B, y, p, max_bars=5)  # the threshold is the caller's
    try:
        assert len(ax.patches) <= 100
        assert ax.get_ylabel() == "examples"
    finally:
        plt.close(ax.figure)


def test_non_finite_gaps_are_counted_not_drawn() -> None:
    import matplotlib.pyplot as plt

    y, p = _rows(300, planted=0)
    p[7] = [0.0, 0.0, 1.0]  # true class 1 at probability 0: textbook inf, Keras clips
    ax = plot.gap(A, B, y, p)
    try:
        legend = ax.get_legend().get_texts()[0].get_text()
        assert "299 examples" in legend
        assert "1 non-finite" in legend
    finally:
        plt.close(ax.figure)


def test_max_bars_must_be_an_int() -> None:
    y, p = _rows(3, planted=0)
    with pytest.raises(TypeError, match="max_bars"):
        plot.gap(A, B, y, p, max_bars="many")  # type: ignore[arg-type]
