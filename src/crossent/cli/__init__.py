"""The ``crossent`` command: a thin shell over the library (no numerics here).

Every command reads ``--y-true``/``--y-pred`` as inline literals, files or ``-``
(stdin), prints rich output on a terminal, plain text when piped or with
``NO_COLOR``, JSON with ``--json``; bad input exits with status 2 and one line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

__all__ = ["build_parser", "main"]

EXIT_USAGE = 2


def _interactive() -> bool:
    return (
        sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM") != "dumb"
    )


def _print(obj: Any) -> None:
    """Rich rendering on a terminal, plain text otherwise."""
    if _interactive():
        from rich.console import Console

        Console().print(obj)
    else:
        print(str(obj))


def _progress(description: str) -> Any:
    """A context manager yielding ``update(done, total)``; silent when not a terminal."""
    from contextlib import contextmanager

    @contextmanager
    def manager() -> Any:
        if not sys.stderr.isatty():
            yield lambda done, total: None
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            ProgressColumn,
            Task,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class Count(ProgressColumn):
            """``done/total`` once a total is known (a pulsing bar says the rest)."""

            def render(self, task: Task) -> Text:
                if task.total is None:
                    return Text("")
                return Text(f"{int(task.completed)}/{int(task.total)}")

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            Count(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task(description, total=None)

            def update(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            yield update

    return manager()


# ----------------------------------------------------------------------------- inputs


def _inputs(args: argparse.Namespace) -> tuple[Any, Any]:
    import numpy as np

    from crossent.cli._input import InputError, read_array

    y_true = read_array(args.y_true, "--y-true")
    y_pred = read_array(args.y_pred, "--y-pred")
    if getattr(args, "dtype", None):
        if y_pred.dtype.kind not in "fiu":
            raise InputError(f"--y-pred: cannot cast {y_pred.dtype} to {args.dtype}")
        dtype = _dtype(args.dtype)
        y_pred = y_pred.astype(dtype)
        if y_true.dtype.kind == "f":
            y_true = y_true.astype(dtype)
    if y_pred.dtype.kind in "iu":
        y_pred = y_pred.astype(np.float64)
    if np.isnan(y_true.astype(np.float64)).any():
        raise InputError("--y-true: contains NaN; labels must be numbers")
    integer = y_true.dtype.kind in "iu" and y_true.ndim == y_pred.ndim - 1
    if not integer and y_true.dtype != y_pred.dtype:
        # dense targets (one-hot, soft, binary) come in the predictions' dtype, as a
        # framework's model feeds them; written as integers they are still targets
        y_true = y_true.astype(y_pred.dtype)
    if not integer and y_true.shape != y_pred.shape:
        raise InputError(
            f"--y-true: shape {y_true.shape} does not match --y-pred {y_pred.shape} "
            f"(give one-hot/soft labels of the same shape, or integer class ids of shape "
            f"{y_pred.shape[:-1]})"
        )
    return y_true, y_pred


def _dtype(name: str) -> Any:
    import numpy as np

    from crossent.cli._input import InputError

    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.bfloat16
    if name not in ("float16", "float32", "float64"):
        raise InputError(
            f"--dtype: must be float16, bfloat16, float32 or float64; got {name!r}"
        )
    return np.dtype(name)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    from crossent.cli._input import read_array

    opts: dict[str, Any] = {}
    if getattr(args, "axis", None) is not None:
        opts["axis"] = args.axis
    if getattr(args, "label_smoothing", None) is not None:
        opts["label_smoothing"] = args.label_smoothing
    if getattr(args, "reduction", None) is not None:
        opts["reduction"] = args.reduction
    if getattr(args, "weights", None) is not None:
        opts["sample_weight"] = read_array(args.weights, "--weights")
    return opts


def _from_logits(args: argparse.Namespace) -> bool | None:
    return getattr(args, "from_logits", None)


# ----------------------------------------------------------------------------- commands


def _emit(obj: Any, args: argparse.Namespace) -> None:
    if getattr(args, "json", False):
        print(json.dumps(obj.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print(obj)


def _cmd_explain(args: argparse.Namespace) -> int:
    import crossent
    from crossent.cli._input import read_array

    y_true, y_pred = _inputs(args)
    observed = (
        read_array(args.observed, "--observed") if args.observed is not None else None
    )
    with _progress("identifying implementations"):
        exp = crossent.explain(
            y_true,
            y_pred,
            observed=observed,
            against=args.against or None,
            from_logits=_from_logits(args),
            **_options(args),
        )
    if args.html:
        from crossent.report import html_report

        Path(args.html).write_text(html_report(exp, y_true, y_pred), encoding="utf-8")
        if not args.json:
            print(f"wrote {args.html}", file=sys.stderr)
    if args.json or not args.html:
        _emit(exp, args)
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    import crossent

    y_true, y_pred = _inputs(args)
    _emit(crossent.compare(args.a, args.b, y_true, y_pred, **_options(args)), args)
    return 0


def _cmd_identify(args: argparse.Namespace) -> int:
    import crossent
    from crossent.cli._input import read_array

    y_true, y_pred = _inputs(args)
    observed = read_array(args.observed, "--observed")
    with _progress("trying implementations") as update:
        found = crossent.identify(
            y_true, y_pred, observed, from_logits=_from_logits(args), progress=update
        )
    _emit(found, args)
    return 0 if found.matches else 1


def _cmd_trace(args: argparse.Namespace) -> int:
    import crossent

    y_true, y_pred = _inputs(args)
    _emit(crossent.trace(args.impl, y_true, y_pred, **_options(args)), args)
    return 0


def _need_matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        from crossent.cli._input import InputError

        raise InputError(
            "plot: matplotlib is not installed; pip install 'crossent[plot]'"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _cmd_plot(args: argparse.Namespace) -> int:
    plt = _need_matplotlib()
    from crossent import plot

    with _progress(f"plotting {args.kind}"):
        if args.kind == "stability":
            ax = plot.stability(
                args.impl or None,
                dtype=args.dtype or "float32",
                start=args.start,
                stop=args.stop,
            )
        else:
            if len(args.impl) != 2:
                from crossent.cli._input import InputError

                raise InputError("plot gap: give exactly two --impl (A and B)")
            y_true, y_pred = _inputs(args)
            ax = plot.gap(args.impl[0], args.impl[1], y_true, y_pred, **_options(args))
        fig = plt.gcf()
        del ax
        fig.savefig(args.output, dpi=130, bbox_inches="tight")
        plt.close(fig)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _cmd_frameworks(args: argparse.Namespace) -> int:
    from crossent.frameworks._table import frameworks_table

    table = frameworks_table()
    if args.markdown:
        print(table.to_markdown(), end="")
    else:
        _emit(table, args)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from crossent._demo import demo

    for item in demo():
        _print(item)
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    try:
        from crossent import _bench
    except ImportError:
        from crossent.cli._input import InputError

        raise InputError(
            "bench: the benchmark module is not available in this build"
        ) from None
    status: int = _bench.main(args.bench_args)
    return status


# ----------------------------------------------------------------------------- parser


def _add_inputs(
    p: argparse.ArgumentParser,
    *,
    observed: bool = False,
    required_observed: bool = False,
) -> None:
    p.add_argument(
        "--y-true",
        required=True,
        metavar="Y",
        help="targets: literal '[[1,0],[0,1]]', FILE (.npy .npz .csv .tsv .txt) or - (stdin)",
    )
    p.add_argument(
        "--y-pred",
        required=True,
        metavar="P",
        help="predictions (probabilities or logits), same forms",
    )
    if observed:
        p.add_argument(
            "--observed",
            required=required_observed,
            metavar="X",
            help="the number(s) you saw, e.g. 0.3240 or '[0.1, 0.8]'",
        )
    p.add_argument(
        "--dtype",
        choices=("float16", "bfloat16", "float32", "float64"),
        help="cast the inputs to this dtype first",
    )
    p.add_argument(
        "--axis", type=int, help="class axis (where the implementation has one)"
    )
    p.add_argument("--label-smoothing", type=float, metavar="ALPHA")
    p.add_argument("--reduction", help="reduction name as the implementation spells it")
    p.add_argument("--weights", metavar="W", help="sample weights (literal or file)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def _add_logits_flag(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--from-logits",
        dest="from_logits",
        action="store_const",
        const=True,
        help="y_pred are logits",
    )
    g.add_argument(
        "--from-probs",
        dest="from_logits",
        action="store_const",
        const=False,
        help="y_pred are probabilities",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``crossent`` command."""
    parser = argparse.ArgumentParser(
        prog="crossent",
        description="Cross-entropy, exactly: reproduce any framework's number, and explain why two numbers differ.",
    )
    from crossent import __version__

    parser.add_argument(
        "--version", action="version", version=f"crossent {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "explain", help="why do cross-entropy numbers on these inputs differ?"
    )
    _add_inputs(p, observed=True)
    _add_logits_flag(p)
    p.add_argument(
        "--against",
        action="append",
        metavar="IMPL",
        help="implementation to compare with (repeatable)",
    )
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser(
        "compare",
        help="two implementations step by step, with the gap attributed to steps",
    )
    p.add_argument("a", metavar="IMPL_A")
    p.add_argument("b", metavar="IMPL_B")
    _add_inputs(p)
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser(
        "identify", help="which implementations produce an observed number"
    )
    _add_inputs(p, observed=True, required_observed=True)
    _add_logits_flag(p)
    p.set_defaults(func=_cmd_identify)

    p = sub.add_parser(
        "trace", help="every step of one implementation, with its values"
    )
    p.add_argument("impl", metavar="IMPL")
    _add_inputs(p)
    p.set_defaults(func=_cmd_trace)

    p = sub.add_parser("plot", help="stability (loss vs logit magnitude) or gap plots")
    p.add_argument("kind", choices=("stability", "gap"))
    p.add_argument(
        "--impl",
        action="append",
        metavar="IMPL",
        help="implementation to draw (repeatable)",
    )
    p.add_argument("--dtype", choices=("float16", "bfloat16", "float32", "float64"))
    p.add_argument(
        "--start", type=float, default=0.0, help="smallest logit magnitude (stability)"
    )
    p.add_argument(
        "--stop", type=float, default=40.0, help="largest logit magnitude (stability)"
    )
    p.add_argument("--y-true", metavar="Y")
    p.add_argument("--y-pred", metavar="P")
    p.add_argument("--axis", type=int)
    p.add_argument("--reduction")
    p.add_argument("-o", "--output", required=True, metavar="FILE.png")
    p.add_argument("--debug", action="store_true")
    p.set_defaults(func=_cmd_plot)

    p = sub.add_parser(
        "frameworks", help="every implementation and how it differs from the exact core"
    )
    p.add_argument(
        "--markdown",
        action="store_true",
        help="print the docs table (docs/frameworks.md)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_frameworks)

    p = sub.add_parser(
        "demo", help="walk through the four questions that started crossent"
    )
    p.set_defaults(func=_cmd_demo)

    from crossent.cli._evaluate import add_evaluate_parser

    add_evaluate_parser(sub)

    p = sub.add_parser(
        "bench",
        help="benchmark the fast kernels against the frameworks",
        add_help=False,
    )
    p.add_argument("bench_args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit status."""
    from crossent.cli._input import InputError
    from crossent.errors import UnknownImplementationError

    raw = list(sys.argv[1:] if argv is None else argv)
    if raw[:1] == ["bench"]:  # every option after `bench` belongs to the benchmark
        from crossent import _bench

        bench_status: int = _bench.main(raw[1:])
        return bench_status
    parser = build_parser()
    args = parser.parse_args(raw)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return func(args)
    except (InputError, UnknownImplementationError, ValueError, TypeError) as err:
        if getattr(args, "debug", False):
            raise
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"crossent {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # pragma: no cover - e.g. `crossent frameworks | head`
        return 0
