"""One self-contained HTML page for an explanation: tables, causes and inline SVG plots."""

from __future__ import annotations

import html
import io
from typing import Any

from crossent import __version__

__all__ = ["html_report"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1d2330; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .85rem; }
th, td { border: 1px solid #cfd6e4; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #eef2f9; }
.cause { border-left: 4px solid #d9822b; background: #fff8f0; padding: .25rem 1rem; margin: 1rem 0; }
.cause h4 { margin: .4rem 0; } code { background: #eef2f9; padding: 0 .2rem; }
.plot svg { max-width: 100%; height: auto; }
footer { margin-top: 3rem; font-size: .8rem; color: #66708a; }
"""


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _plots(explanation: Any, y_true: Any, y_pred: Any) -> list[tuple[str, str]]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return [
            (
                "plots",
                "<p>matplotlib is not installed (pip install 'crossent[plot]').</p>",
            )
        ]
    from crossent import plot

    out = []
    comp = explanation.comparison
    if comp is not None:
        fig, ax = plt.subplots(figsize=(8, 4.2))
        try:
            from crossent.explain._spec import Spec

            plot.gap(
                Spec(comp.a.implementation, comp.a.options),
                Spec(comp.b.implementation, comp.b.options),
                y_true,
                y_pred,
                ax=ax,
            )
            out.append(("Gap between the two implementations", _svg(fig)))
        except Exception as err:  # the comparison needed model inputs; skip the plot
            out.append(
                (
                    "Gap between the two implementations",
                    f"<p>not drawn: {html.escape(str(err))}</p>",
                )
            )
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    plot.stability(ax=ax, num=201)
    out.append(("Stability: loss against logit magnitude (float32)", _svg(fig)))
    plt.close(fig)
    return out


def html_report(
    explanation: Any, y_true: Any = None, y_pred: Any = None, *, plots: bool = True
) -> str:
    """A self-contained HTML page (no external resources) for ``explanation``.

    Parameters
    ----------
    explanation : Explanation
        The result of :func:`crossent.explain`.
    y_true, y_pred : array_like, optional
        The inputs, for the per-example gap plot.
    plots : bool, default True
        Embed the gap and stability plots as inline SVG (needs matplotlib).
    """
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>crossent explain</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>crossent explain</h1>",
        explanation._repr_html_(),
    ]
    comp = explanation.comparison
    if comp is not None:
        parts.append("<h2>Trace of A</h2>" + comp.a._repr_html_())
        parts.append("<h2>Trace of B</h2>" + comp.b._repr_html_())
    if plots and y_true is not None and y_pred is not None:
        for title, body in _plots(explanation, y_true, y_pred):
            parts.append(f"<h2>{html.escape(title)}</h2><div class='plot'>{body}</div>")
    parts.append(f"<footer>crossent {html.escape(__version__)}</footer></body></html>")
    return "\n".join(parts)
