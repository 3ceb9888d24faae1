"""The flags every command that runs an implementation shares, and what they become.

One table (``FLAGS``) says, for each flag, the option names the implementations spell
it with: ``--class-weight`` is PyTorch's ``weight=``, ``--ignore-index`` is PyTorch's
``ignore_index=`` and Keras' ``ignore_class=``. Each implementation gets the spelling
it takes; a flag an implementation named on the command line takes in no spelling is
reported on standard error, never dropped silently.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "FLAGS",
    "add_input_flags",
    "add_logits_flags",
    "add_option_flags",
    "implementation_options",
    "read_observed",
    "report_untaken",
]


@dataclass(frozen=True)
class Flag:
    """One command-line option that changes the number."""

    flag: str
    names: tuple[str, ...]
    """The option names implementations spell it with (each gets the one it takes)."""
    kind: str  # "float", "int", "array", "str"
    metavar: str
    help: str


FLAGS: tuple[Flag, ...] = (
    Flag(
        "--reduction",
        ("reduction",),
        "str",
        "NAME",
        "reduction as the implementation spells it ('none', 'sum', 'mean', "
        "'sum_over_batch_size')",
    ),
    Flag(
        "--label-smoothing",
        ("label_smoothing",),
        "float",
        "ALPHA",
        "label smoothing α (Keras, PyTorch)",
    ),
    Flag(
        "--weights",
        ("sample_weight",),
        "array",
        "W",
        "per-example weights, literal or file (Keras/scikit-learn sample_weight)",
    ),
    Flag(
        "--class-weight",
        ("weight",),
        "array",
        "W",
        "one weight per class, literal or file (PyTorch weight=)",
    ),
    Flag(
        "--ignore-index",
        ("ignore_index", "ignore_class"),
        "int",
        "N",
        "label left out of the loss (PyTorch ignore_index, Keras ignore_class)",
    ),
    Flag(
        "--pos-weight",
        ("pos_weight",),
        "array",
        "W",
        "weight of the positive term, a number or one per class (PyTorch, tf.nn)",
    ),
    Flag(
        "--labels",
        ("labels",),
        "array",
        "L",
        "every class label, e.g. '[0, 1]' (scikit-learn log_loss labels=)",
    ),
    Flag("--alpha", ("alpha",), "float", "A", "focal-loss α (class balance)"),
    Flag("--gamma", ("gamma",), "float", "G", "focal-loss γ (focusing)"),
)


def _dest(flag: Flag) -> str:
    return flag.flag.lstrip("-").replace("-", "_")


def add_input_flags(
    p: argparse.ArgumentParser, *, observed: bool = False, required: bool = False
) -> None:
    """``--y-true``, ``--y-pred``, ``--dtype``, ``--axis``, every flag of ``FLAGS``,
    and ``--observed``/``--log-base`` where the command reads a number (``required``
    for identify)."""
    p.add_argument(
        "--y-true",
        required=True,
        metavar="Y",
        help="targets: literal '[[1,0],[0,1]]', FILE (.npy .npz[:NAME] .csv .tsv "
        ".txt) or - (stdin); class ids with one axis fewer than the predictions",
    )
    p.add_argument(
        "--y-pred",
        required=True,
        metavar="P",
        help="predictions (probabilities or logits), same forms; 1-D Y and P are N "
        "binary samples",
    )
    if observed:
        p.add_argument(
            "--observed",
            required=required,
            metavar="X",
            help="the number(s) you saw: 0.3240, nan, inf or a per-example list "
            "'[0.1, 0.8]'",
        )
        p.add_argument(
            "--log-base",
            choices=("e", "2"),
            default="e",
            help="the base of the log behind --observed (and --expected): 2 if it is "
            "in bits",
        )
    p.add_argument(
        "--dtype",
        choices=("float16", "bfloat16", "float32", "float64"),
        help="cast the inputs to this dtype first (default: as given)",
    )
    p.add_argument(
        "--axis",
        type=int,
        help="class axis of P (default: found from the shapes, else the last; "
        "PyTorch's (N, C, d1, …) with class ids is found)",
    )
    add_option_flags(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--debug", action="store_true", help="show tracebacks")


def add_option_flags(p: argparse.ArgumentParser, *, prefix: str = "") -> None:
    """Every flag of ``FLAGS``, each help text after ``prefix``."""
    for flag in FLAGS:
        p.add_argument(
            flag.flag,
            dest=_dest(flag),
            type={"float": float, "int": int}.get(flag.kind, str),
            metavar=flag.metavar,
            help=prefix + flag.help,
        )


def add_logits_flags(p: argparse.ArgumentParser) -> None:
    """``--from-logits`` / ``--from-probs`` (default: inferred from the values)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument(
        "--from-logits",
        dest="from_logits",
        action="store_const",
        const=True,
        help="P are logits: implementations that take probabilities get their "
        "softmax (sigmoid for binary losses)",
    )
    g.add_argument(
        "--from-probs",
        "--probs",
        dest="from_logits",
        action="store_const",
        const=False,
        help="P are probabilities",
    )


def implementation_options(
    args: argparse.Namespace,
    taken_by: Iterable[Any] | None = None,
    *,
    dtype: Any = None,
) -> dict[str, Any]:
    """The options given, under every spelling an implementation may take them in
    (only those that one of ``taken_by``'s implementations takes, when given).

    Weights come in ``dtype`` (the predictions'), as a framework user passes them:
    PyTorch refuses an integer ``weight`` tensor. ``axis`` is included; the explain
    entry points read it as the class axis.
    """
    opts = _all_options(args, dtype)
    if taken_by is None:
        return opts
    from crossent.explain._spec import accepted_options, as_spec

    accepted: set[str] = {"axis"}
    for item in taken_by:
        accepted |= set(accepted_options(as_spec(item).implementation))
    return {k: v for k, v in opts.items() if k in accepted}


def _all_options(args: argparse.Namespace, dtype: Any) -> dict[str, Any]:
    import numpy as np

    from crossent.cli._input import InputError, read_array

    opts: dict[str, Any] = {}
    if getattr(args, "axis", None) is not None:
        opts["axis"] = args.axis
    for flag in FLAGS:
        value = getattr(args, _dest(flag), None)
        if value is None:
            continue
        if flag.kind == "array":
            value = read_array(value, flag.flag)
            if flag.flag != "--labels":
                if dtype is not None:
                    value = value.astype(dtype)
                if not np.all(np.isfinite(value)) or np.any(value < 0):
                    raise InputError(
                        f"{flag.flag}: weights must be finite and ≥ 0; got "
                        f"{np.asarray(value).reshape(-1)[:6].tolist()}"
                    )
            if value.ndim == 0 or (flag.names == ("pos_weight",) and value.size == 1):
                value = value.reshape(-1) if value.ndim else value
        if flag.kind == "float" and not math.isfinite(value):
            raise InputError(f"{flag.flag}: must be a finite number; got {value}")
        for name in flag.names:
            opts[name] = value
    return opts


def report_untaken(specs: Iterable[Any], args: argparse.Namespace) -> None:
    """One line on stderr per implementation named that takes a given flag in no
    spelling (it ran without it)."""
    from crossent.explain._spec import accepted_options, as_spec

    given = [f for f in FLAGS if getattr(args, _dest(f), None) is not None]
    if not given:
        return
    for item in specs:
        spec = as_spec(item)
        accepted = accepted_options(spec.implementation)
        missing = [
            f.flag
            for f in given
            if not any(n in accepted for n in f.names) and f.flag != "--reduction"
        ]
        if missing:
            print(
                f"note: {spec.path} takes no {', '.join(missing)}; it ran without "
                f"{'it' if len(missing) == 1 else 'them'}",
                file=sys.stderr,
            )


def read_observed(text: str, log_base: str = "e", flag: str = "--observed") -> Any:
    """``--observed`` (or ``--expected``): a scalar (``0.3240``, ``nan``, ``inf``,
    ``-inf``) or an array, converted to nats when it was given in bits
    (``log_base='2'``)."""
    import numpy as np

    from crossent.cli._input import InputError, read_array

    stripped = text.strip()
    try:
        value: Any = float(stripped)
    except ValueError:
        value = read_array(text, flag)
        if value.dtype.kind not in "iuf":
            raise InputError(f"{flag}: expected numbers") from None
        if value.size == 1 and value.ndim <= 1 and not stripped.startswith("["):
            value = float(value.reshape(()))
    if log_base == "2":
        value = _bits_to_nats(np.asarray(value, np.float64))
    return value


def _bits_to_nats(bits: Any) -> Any:
    """``bits · ln 2``, kept to the significant digits written (identify matches
    within half a unit of the last digit written, so the digits carry the
    tolerance)."""
    from decimal import Decimal

    import numpy as np

    out = []
    for b in bits.reshape(-1):
        if not math.isfinite(b) or b == 0:
            out.append(float(b))
            continue
        digits = len(Decimal(repr(float(b))).normalize().as_tuple().digits)
        out.append(float(f"{b * math.log(2):.{max(digits, 1)}g}"))
    nats = np.asarray(out).reshape(bits.shape)
    return float(nats) if nats.ndim == 0 else nats
