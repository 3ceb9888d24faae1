"""The ``crossent`` command: a thin shell over the library (no numerics here).

Every command reads ``--y-true``/``--y-pred`` as inline literals, files or ``-``
(stdin), prints rich output on a terminal, plain text when piped or with
``NO_COLOR``, JSON with ``--json``; bad input exits with status 2 and one line.
"""

from __future__ import annotations

import argparse
import json
import math
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
        with np.errstate(over="ignore"):
            cast = y_pred.astype(dtype)
        overflow = np.isinf(cast.astype(np.float64)) & np.isfinite(y_pred)
        if overflow.any():
            big = float(np.max(np.abs(y_pred[overflow])))
            raise InputError(
                f"--dtype: {args.dtype} cannot hold {big:g} from --y-pred (it would be "
                f"inf; the largest {args.dtype} is {float(np.finfo(dtype).max):g})"
            )
        y_pred = cast
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
    axis = getattr(args, "axis", None)
    if axis is not None and not -max(y_pred.ndim, 1) <= axis < max(y_pred.ndim, 1):
        raise InputError(
            f"--axis: {axis} is out of range for --y-pred of shape {y_pred.shape} "
            f"(give -{y_pred.ndim} … {y_pred.ndim - 1})"
        )
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


def _from_logits(args: argparse.Namespace) -> bool | None:
    return getattr(args, "from_logits", None)


# ----------------------------------------------------------------------------- commands


def _emit(obj: Any, args: argparse.Namespace) -> None:
    if getattr(args, "json", False):
        from crossent.explain._render import jsonable

        # valid JSON always: inf and NaN as the strings the README documents
        text = json.dumps(
            jsonable(obj.to_dict()), indent=2, ensure_ascii=False, allow_nan=False
        )
        print(text)
    else:
        _print(obj)


def _observed(args: argparse.Namespace, name: str = "observed") -> Any:
    from crossent.cli._options import read_observed

    text = getattr(args, name, None)
    if text is None:
        return None
    value = read_observed(text, args.log_base, f"--{name}")
    if args.log_base == "2":
        print(
            f"note: --{name} {text} in bits is {value} in nats (× ln 2), "
            "the unit every implementation computes in",
            file=sys.stderr,
        )
    return value


def _cmd_explain(args: argparse.Namespace) -> int:
    import crossent
    from crossent.cli._input import InputError
    from crossent.cli._options import implementation_options, report_untaken

    y_true, y_pred = _inputs(args)
    observed = _observed(args)
    expected = _observed(args, "expected")
    if expected is not None and observed is None:
        raise InputError(
            "--expected: give --observed too (the number you saw; --expected is "
            "the one you expected instead)"
        )
    options = implementation_options(args, dtype=y_pred.dtype)
    with _progress("identifying implementations"):
        exp = crossent.explain(
            y_true,
            y_pred,
            observed=observed,
            against=args.against or None,
            from_logits=_from_logits(args),
            expected=expected,
            **options,
        )
    report_untaken(args.against or (), args)
    if args.html:
        from crossent.report import html_report

        _write_output(
            args.html,
            "--html",
            lambda path: path.write_text(
                html_report(exp, y_true, y_pred), encoding="utf-8"
            ),
        )
    if args.json or not args.html:
        _emit(exp, args)
    return 0


def _write_output(name: str, arg: str, write: Callable[[Path], Any]) -> Path:
    """Write a file the user named, or raise one clear InputError."""
    from crossent.cli._input import InputError

    path = Path(name)
    if path.is_dir():
        raise InputError(f"{arg}: {name} is a directory; give a file name")
    if not path.parent.is_dir():
        raise InputError(f"{arg}: folder {str(path.parent)!r} does not exist")
    try:
        write(path)
    except OSError as err:
        raise InputError(f"{arg}: cannot write {name}: {err.strerror}") from None
    print(f"wrote {path}", file=sys.stderr)
    return path


def _cmd_compare(args: argparse.Namespace) -> int:
    import crossent
    from crossent.cli._options import implementation_options, report_untaken

    y_true, y_pred = _inputs(args)
    comp = crossent.compare(
        args.a,
        args.b,
        y_true,
        y_pred,
        from_logits=_from_logits(args),
        **implementation_options(args, dtype=y_pred.dtype),
    )
    report_untaken((args.a, args.b), args)
    _emit(comp, args)
    return 0


def _cmd_identify(args: argparse.Namespace) -> int:
    import crossent
    from crossent.cli._options import implementation_options

    y_true, y_pred = _inputs(args)
    with _progress("trying implementations") as update:
        found = crossent.identify(
            y_true,
            y_pred,
            _observed(args),
            from_logits=_from_logits(args),
            progress=update,
            **implementation_options(args, dtype=y_pred.dtype),
        )
    _emit(found, args)
    return 0 if found.matches else 1


def _cmd_trace(args: argparse.Namespace) -> int:
    import crossent
    from crossent.cli._options import implementation_options, report_untaken

    y_true, y_pred = _inputs(args)
    result = crossent.trace(
        args.impl,
        y_true,
        y_pred,
        from_logits=_from_logits(args),
        **implementation_options(args, taken_by=[args.impl], dtype=y_pred.dtype),
    )
    report_untaken((args.impl,), args)
    _emit(result, args)
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


_PLOT_SUFFIXES = (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".webp")


def _cmd_plot(args: argparse.Namespace) -> int:
    from crossent.cli._input import InputError

    if (
        Path(args.output).suffix.lower() not in _PLOT_SUFFIXES
        and not Path(args.output).is_dir()
    ):
        raise InputError(
            f"-o/--output: {args.output!r} needs a picture suffix "
            f"({', '.join(_PLOT_SUFFIXES)})"
        )
    plt = _need_matplotlib()
    from crossent import plot
    from crossent.cli._options import implementation_options

    if not (math.isfinite(args.start) and math.isfinite(args.stop)):
        raise InputError(
            f"--start/--stop: must be finite; got {args.start} and {args.stop}"
        )
    if not 0 <= args.start < args.stop:
        raise InputError(
            f"--start/--stop: need 0 ≤ start < stop; got {args.start} and {args.stop}"
        )
    with _progress(f"plotting {args.kind}"):
        if args.kind == "stability":
            ax = plot.stability(
                args.impl or None,
                dtype=args.dtype or "float32",
                start=args.start,
                stop=args.stop,
            )
        else:
            if not args.impl or len(args.impl) != 2:
                raise InputError("plot gap: give exactly two --impl (A and B)")
            if args.y_true is None or args.y_pred is None:
                raise InputError("plot gap: --y-true and --y-pred are required")
            y_true, y_pred = _inputs(args)
            ax = plot.gap(
                args.impl[0],
                args.impl[1],
                y_true,
                y_pred,
                from_logits=_from_logits(args),
                **implementation_options(args, dtype=y_pred.dtype),
            )
        fig = plt.gcf()
        del ax
        try:
            _write_output(
                args.output,
                "-o/--output",
                lambda path: fig.savefig(path, dpi=130, bbox_inches="tight"),
            )
        finally:
            plt.close(fig)
    return 0


def _cmd_frameworks(args: argparse.Namespace) -> int:
    from crossent.cli._frameworks_table import frameworks_table
    from crossent.cli._input import InputError

    table = frameworks_table(args.filter, long=args.long)
    if not table.implementations:
        raise InputError(
            f"FILTER: no implementation matches {args.filter!r} (try 'keras', "
            "'torch', 'binary' or 'crossent frameworks' for all)"
        )
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


class _Help(argparse.RawDescriptionHelpFormatter):
    """Examples in the epilog kept as written; each option's default, when it has one."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        if (
            "%(default)" not in text
            and action.option_strings
            and default not in (None, False, argparse.SUPPRESS)
        ):
            text += " (default: %(default)s)"
        return text


_SEED = (
    "--y-true '[[1,0,0],[0,1,0],[0,0,1]]' "
    "--y-pred '[[0.9,0.05,0.05],[0.5,0.89,0.6],[0.05,0.01,0.94]]'"
)

_EXAMPLES = {
    "explain": f"""examples:
  # why does Keras give 0.3240 where -sum(y*log(p)) averaged gives 0.0946?
  crossent explain {_SEED} --observed 0.0946 --against keras.losses.CategoricalCrossentropy
  # scikit-learn layout: N binary labels and N probabilities, a number in bits
  crossent explain --y-true '[0,1,1,0]' --y-pred '[0.2,0.7,0.9,0.4]' --observed 0.4314 --log-base 2
  # PyTorch's segmentation layout: (N, C, d) logits with (N, d) class ids
  crossent explain --y-true '[[0,2],[1,1]]' --y-pred '[[[2,0.1],[1,0.2],[0.1,3]],[[0.5,1],[2,2],[0.1,0.3]]]' --against torch.nn.functional.cross_entropy --html report.html""",
    "compare": f"""examples:
  crossent compare keras.losses.CategoricalCrossentropy textbook.categorical {_SEED}
  # Keras on softmax(z) against tf.nn on z: one logits input, --from-logits
  crossent compare keras.losses.CategoricalCrossentropy tf.nn.softmax_cross_entropy_with_logits --y-true '[[0,1,0]]' --y-pred '[[2.0,1.0,0.1]]' --from-logits
  # the same reduction on both sides: the batch mean
  crossent compare torch.nn.functional.cross_entropy exact.softmax --y-true '[0,2]' --y-pred '[[2,1,0.1],[0.5,0.2,3]]' --reduction mean""",
    "identify": f"""examples:
  crossent identify {_SEED} --observed 0.2838
  crossent identify --y-true '[0,2]' --y-pred '[[2,1,0.1],[0.5,0.2,3]]' --observed 0.2044 --class-weight '[1,2,3]'
  printf 'p0,p1\\n0.8,0.2\\n0.3,0.7\\n' | crossent identify --y-true '[0,1]' --y-pred - --observed 0.2899""",
    "trace": f"""examples:
  crossent trace keras.losses.CategoricalCrossentropy {_SEED}
  crossent trace torch.nn.functional.cross_entropy --y-true '[0,2]' --y-pred '[[2,1,0.1],[0.5,0.2,3]]' --label-smoothing 0.1
  crossent trace keras.losses.BinaryCrossentropy --y-true '[0,1]' --y-pred '[-3,4]' --from-logits --json""",
    "plot": f"""examples:
  crossent plot stability -o stability.png
  crossent plot stability --impl keras2.custom.logit_round_trip --impl exact.sigmoid_binary --stop 30 -o s.svg
  crossent plot gap --impl keras.losses.CategoricalCrossentropy --impl textbook.categorical {_SEED} -o gap.png""",
    "frameworks": """examples:
  crossent frameworks            # every implementation, one line each
  crossent frameworks torch      # those whose name or summary contains 'torch'
  crossent frameworks binary --long""",
}


def _subparser(sub: Any, name: str, help_text: str, **kwargs: Any) -> Any:
    return sub.add_parser(
        name,
        help=help_text,
        description=help_text[:1].upper() + help_text[1:] + ".",
        epilog=_EXAMPLES.get(name),
        formatter_class=_Help,
        **kwargs,
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``crossent`` command."""
    from crossent.cli._options import (
        add_input_flags,
        add_logits_flags,
        add_option_flags,
    )

    parser = argparse.ArgumentParser(
        prog="crossent",
        description="Cross-entropy, exactly: reproduce any framework's number, and "
        "explain why two numbers differ.",
        epilog="Run 'crossent COMMAND --help' for each command's options and examples.",
        formatter_class=_Help,
    )
    from crossent import __version__

    parser.add_argument(
        "--version", action="version", version=f"crossent {__version__}"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _subparser(
        sub, "explain", "why do cross-entropy numbers on these inputs differ?"
    )
    add_input_flags(p, observed=True)
    add_logits_flags(p)
    p.add_argument(
        "--against",
        action="append",
        metavar="IMPL",
        help="implementation you compare with, e.g. keras.losses.BinaryCrossentropy "
        "or 'textbook.categorical(reduction=\"mean\")' (repeatable; see "
        "'crossent frameworks')",
    )
    p.add_argument(
        "--expected",
        metavar="Y",
        help="the number you expected instead of --observed (your own formula's, "
        "another tool's): explain also finds what produces it",
    )
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML report")
    p.set_defaults(func=_cmd_explain)

    p = _subparser(
        sub,
        "compare",
        "two implementations step by step, with the gap attributed to steps",
    )
    p.add_argument("a", metavar="IMPL_A", help="the first implementation (A)")
    p.add_argument("b", metavar="IMPL_B", help="the second implementation (B)")
    add_input_flags(p)
    add_logits_flags(p)
    p.set_defaults(func=_cmd_compare)

    p = _subparser(sub, "identify", "which implementations produce an observed number")
    add_input_flags(p, observed=True, required=True)
    add_logits_flags(p)
    p.set_defaults(func=_cmd_identify)

    p = _subparser(sub, "trace", "every step of one implementation, with its values")
    p.add_argument("impl", metavar="IMPL", help="the implementation to run")
    add_input_flags(p)
    add_logits_flags(p)
    p.set_defaults(func=_cmd_trace)

    p = _subparser(sub, "plot", "stability (loss vs logit magnitude) or gap plots")
    p.add_argument(
        "kind",
        choices=("stability", "gap"),
        help="stability: the loss of a confident, correct binary prediction against "
        "the logit magnitude; gap: the per-example losses of two implementations",
    )
    p.add_argument(
        "--impl",
        action="append",
        metavar="IMPL",
        help="implementation to draw (repeatable; gap takes exactly two)",
    )
    p.add_argument(
        "--dtype",
        choices=("float16", "bfloat16", "float32", "float64"),
        help="dtype of the logits (stability: float32 if not given; gap: as given)",
    )
    p.add_argument(
        "--start", type=float, default=0.0, help="smallest logit magnitude (stability)"
    )
    p.add_argument(
        "--stop", type=float, default=40.0, help="largest logit magnitude (stability)"
    )
    p.add_argument("--y-true", metavar="Y", help="targets (gap), as for explain")
    p.add_argument("--y-pred", metavar="P", help="predictions (gap), as for explain")
    p.add_argument("--axis", type=int, help="class axis of P (gap)")
    add_option_flags(p, prefix="(gap) ")
    add_logits_flags(p)
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE.png",
        help="the picture to write (.png, .svg, .pdf, .jpg or .webp)",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(func=_cmd_plot)

    p = _subparser(
        sub,
        "frameworks",
        "every implementation crossent reproduces, one line each",
    )
    p.add_argument(
        "filter",
        nargs="?",
        metavar="FILTER",
        help="show only implementations whose name, framework or summary contains "
        "this text (case-insensitive)",
    )
    p.add_argument(
        "--long",
        action="store_true",
        help="also versions, input kinds and how each departs from the exact core",
    )
    p.add_argument(
        "--markdown",
        action="store_true",
        help="print the docs table (docs/frameworks.md)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=_cmd_frameworks)

    p = _subparser(sub, "demo", "walk through the four questions that started crossent")
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
    from crossent.cli._process import keep_heap_top

    keep_heap_top()  # row blocks reuse the freed heap instead of faulting it in again
    try:
        return func(args)
    except BrokenPipeError:  # pragma: no cover - e.g. `crossent frameworks | head`
        return 0
    except KeyboardInterrupt:
        print(f"crossent {args.command}: interrupted", file=sys.stderr)
        return 130
    except (InputError, UnknownImplementationError, ValueError, TypeError) as err:
        return _one_line(args, err, "error")
    except Exception as err:  # a mirror raising as its framework does (RuntimeError…)
        return _one_line(args, err, f"error ({type(err).__name__})")


def _one_line(args: argparse.Namespace, err: Exception, kind: str) -> int:
    """Print ``err`` as one line (the traceback with --debug) and return status 2."""
    if getattr(args, "debug", False):
        raise err
    message = str(err).splitlines()[0] if str(err) else type(err).__name__
    print(f"crossent {args.command}: {kind}: {message}", file=sys.stderr)
    return EXIT_USAGE
