"""Plots: loss against logit magnitude (seed 002, generalised) and per-sample gaps.

matplotlib is imported inside each function (install the ``plot`` extra).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from crossent.explain._model import model_inputs
from crossent.explain._spec import as_spec

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DEFAULT_STABILITY", "MAX_BARS", "gap", "stability", "stability_curves"]

#: Implementations drawn by :func:`stability` when none are named.
DEFAULT_STABILITY: tuple[str, ...] = (
    "exact.sigmoid_binary(reduction='mean')",
    "tf.nn.sigmoid_cross_entropy_with_logits",
    "keras2.losses.binary_crossentropy",
    "keras.losses.BinaryCrossentropy",
    "tf_keras.losses.BinaryCrossentropy",
    "torch.nn.functional.binary_cross_entropy",
    "keras2.custom.logit_round_trip",
)


def stability_curves(
    implementations: Sequence[str] | None = None,
    *,
    dtype: str = "float32",
    start: float = 0.0,
    stop: float = 40.0,
    num: int = 401,
) -> dict[str, np.ndarray]:
    """Loss of each implementation at logits ``x = [-a, a]``, labels ``[0, 1]``.

    This is seed 002's experiment: a model that is right with confidence ``a``
    on both examples. Implementations that take probabilities get the float
    ``dtype`` sigmoid of the logits, as the model's last layer computes it; the
    batch mean is returned (one value per ``a``). Implementations missing from
    the registry are skipped.
    """
    from crossent.frameworks._registry import registry

    names = list(implementations or DEFAULT_STABILITY)
    a = np.linspace(start, stop, num)
    known = registry()
    curves: dict[str, np.ndarray] = {"a": a}
    y = np.array([[0.0], [1.0]], dtype=dtype)
    for name in names:
        spec = as_spec(name)
        impl = known[spec.path]
        if impl.labels != "binary":
            continue
        values = np.empty(num)
        for i, ai in enumerate(a):
            z = np.array([[-ai], [ai]], dtype=dtype)
            yp = model_inputs(impl, spec.options, True, z)
            try:
                with np.errstate(all="ignore"):
                    plan, state = impl.bind(y, yp, **dict(spec.options))
                    out = np.asarray(plan.run(state).get("value"), np.float64)
            except Exception:
                values[i] = np.nan
                continue
            values[i] = float(np.mean(out))
        curves[str(spec)] = values
    return curves


def stability(
    implementations: Sequence[str] | None = None,
    *,
    dtype: str = "float32",
    start: float = 0.0,
    stop: float = 40.0,
    num: int = 401,
    ax: Axes | None = None,
) -> Axes:
    """Plot :func:`stability_curves` on a log scale, marking where things break.

    Shaded: where ``sigmoid(a)`` rounds to 1 in ``dtype`` (so ``log(p/(1-p))``
    overflows) and where Keras' epsilon clip bites (``p > 1 - 1e-7``). A NaN
    or inf value is drawn as a cross at the top of the plot.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from crossent import plot
    >>> ax = plot.stability(["exact.sigmoid_binary(reduction='mean')"], num=11)
    >>> ax.get_yscale()
    'log'
    """
    import matplotlib.pyplot as plt

    curves = stability_curves(
        implementations, dtype=dtype, start=start, stop=stop, num=num
    )
    a = curves.pop("a")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 5))
    finite_vals = [v[np.isfinite(v) & (v > 0)] for v in curves.values()]
    top = max((float(v.max()) for v in finite_vals if v.size), default=1.0) * 10
    styles = ["-", "--", ":", "-.", (0, (5, 1)), (0, (3, 1, 1, 1)), (0, (1, 3))]
    for i, (name, values) in enumerate(curves.items()):
        positive = np.where(np.isfinite(values) & (values > 0), values, np.nan)
        (line,) = ax.plot(
            a, positive, linestyle=styles[i % len(styles)], linewidth=2, label=name
        )
        bad = ~np.isfinite(values)
        if np.any(bad):
            ax.plot(
                a[bad],
                np.full(int(bad.sum()), top),
                "x",
                color=line.get_color(),
                markersize=4,
            )
    p = 1 / (1 + np.exp(-a.astype(dtype)))
    ones = a[p.astype(dtype) == 1]
    if ones.size:
        ax.axvspan(
            ones.min(),
            a.max(),
            color="tab:red",
            alpha=0.08,
            label=f"sigmoid(a) = 1 in {dtype}",
        )
    clip = a[p > np.asarray(1 - 1e-7, dtype)]
    if clip.size:
        ax.axvspan(
            clip.min(),
            a.max(),
            color="tab:orange",
            alpha=0.08,
            label="p > 1 − 1e-7 (Keras clips)",
        )
    ax.set_yscale("log")
    ax.set_xlabel("logit magnitude a   (x = [−a, a], y = [0, 1])")
    ax.set_ylabel(f"loss ({dtype}; × = inf or NaN)")
    ax.set_title("Binary cross-entropy of a confident, correct prediction")
    ax.legend(fontsize=8, loc="lower left")
    return ax


#: Above this many examples :func:`gap` draws a histogram instead of bar pairs.
MAX_BARS = 200


def gap(
    a: Any,
    b: Any,
    y_true: Any,
    y_pred: Any,
    *,
    ax: Axes | None = None,
    max_bars: int = MAX_BARS,
    **options: Any,
) -> Axes:
    """The per-example losses of two implementations and their gap.

    Up to ``max_bars`` examples: a pair of bars per example, with each gap
    written above its pair (up to 40). Beyond that one bar per example is a smear
    and costs seconds per thousand bars, so the plot is a histogram of the
    per-example gaps ``B − A`` (non-finite gaps counted in the legend), with the
    five examples of largest ``|gap|`` listed by index. The title gives the total
    gap and the comparison's note either way.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from crossent import plot
    >>> y, p = np.eye(2), np.array([[.5, .6], [.1, .9]])
    >>> ax = plot.gap("textbook.categorical", "exact.categorical", y, p)
    >>> ax.get_ylabel()
    'loss per example'
    """
    import matplotlib.pyplot as plt

    from crossent.explain import compare

    if isinstance(max_bars, bool) or not isinstance(max_bars, (int, np.integer)):
        raise TypeError(f"plot.gap: `max_bars` must be an int; got {max_bars!r}.")
    comp = compare(a, b, y_true, y_pred, **options)  # both sides reduced alike
    va = np.atleast_1d(np.asarray(comp.a.value, np.float64)).reshape(-1)
    vb = np.atleast_1d(np.asarray(comp.b.value, np.float64)).reshape(-1)
    if va.size != vb.size:
        raise ValueError(
            f"plot.gap: {comp.a.implementation} gives {va.size} value(s) and "
            f"{comp.b.implementation} {vb.size}; give both the same `reduction`."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    n = va.size
    per_example = n > 1 or np.ndim(comp.a.value) > 0
    total = "summed over examples" if per_example else "reduced"
    title = (
        f"gap B − A = {comp.gap:+.6g} ({total}; first divergent step: "
        f"{comp.first_divergence})\n{comp.note}"
    )
    if n > max_bars:
        _gap_histogram(
            ax, va, vb, str(comp.a.implementation), str(comp.b.implementation)
        )
        ax.set_title(title, fontsize=9)
        return ax
    x = np.arange(n)
    width = 0.38
    ax.bar(x - width / 2, va, width, label=f"A: {comp.a.implementation}")
    ax.bar(x + width / 2, vb, width, label=f"B: {comp.b.implementation}")
    if n <= 40:  # past that the labels overlap; the title gives the total
        for xi, d, top in zip(x, vb - va, np.maximum(va, vb)):
            ax.annotate(f"{d:+.4g}", (xi, top), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x)
    ax.set_xlabel("example" if per_example else "")
    ax.set_ylabel("loss per example" if per_example else "loss (reduced)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    return ax


def _gap_histogram(ax: Axes, va: np.ndarray, vb: np.ndarray, a: str, b: str) -> None:
    """Histogram of the per-example gaps ``vb − va`` and the five largest."""
    with np.errstate(invalid="ignore", over="ignore"):
        d = vb - va
    finite = np.isfinite(d)
    shown = d[finite]
    bad = int(d.size - shown.size)
    label = f"{shown.size} examples: B − A per example"
    if bad:
        label += f" ({bad} non-finite, not shown)"
    if shown.size:
        bins = min(100, max(10, int(np.sqrt(shown.size))))
        if float(shown.min()) == float(shown.max()):  # one value: one visible bin
            width = max(abs(float(shown[0])) * 1e-3, 1e-12)
            edges = [float(shown[0]) - width, float(shown[0]) + width]
            ax.hist(shown, bins=edges, label=label)
        else:
            ax.hist(shown, bins=bins, label=label)
    else:
        ax.plot([], [], label=label)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(f"per-example gap B − A   (A: {a}; B: {b})", fontsize=8)
    ax.set_ylabel("examples")
    if shown.size:
        order = np.flatnonzero(finite)[np.argsort(-np.abs(shown), kind="stable")[:5]]
        lines = [f"#{i}: {d[i]:+.4g}" for i in order]
        ax.text(
            0.99,
            0.97,
            "largest |gap|\n" + "\n".join(lines),
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=8,
            family="monospace",
        )
    ax.legend(fontsize=8, loc="upper left")
