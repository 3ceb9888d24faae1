"""``crossent evaluate``: the cross-entropy of a prediction set on disk.

Registered by :func:`add_evaluate_parser`; a thin shell over
:func:`crossent.evaluate.evaluate`, with a progress bar on a terminal and a Dask
cluster when asked for one (``--scheduler ADDRESS`` or ``--workers N``).
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["add_evaluate_parser"]

_FORMATS = (
    ".npy (memory-mapped), .npz[:NAME], a directory of .npy/.npz shards, "
    "a Zarr store[:NAME] or Parquet file/directory[:COLUMN]"
)


def add_evaluate_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``evaluate`` subcommand on ``subparsers`` and return its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "evaluate",
        help="cross-entropy, log-loss and perplexity of a whole prediction set "
        "(streamed, or on a Dask cluster)",
        description="Cross-entropy of a prediction set read a batch of rows at a "
        f"time. PATH and the other inputs may be {_FORMATS}. Sums are exact, so "
        "the numbers do not depend on batching, sharding or workers.",
    )
    p.add_argument("predictions", metavar="PATH", help="logits (or probabilities)")
    p.add_argument(
        "--labels",
        "--y-true",
        dest="labels",
        required=True,
        metavar="PATH",
        help="class indices or targets",
    )
    p.add_argument("--weights", metavar="PATH", help="one weight per per-example loss")
    p.add_argument(
        "--probs",
        "--from-probs",
        dest="from_logits",
        action="store_false",
        help="PATH holds probabilities, not logits (log-loss)",
    )
    p.add_argument(
        "--binary",
        dest="kind",
        action="store_const",
        const="binary",
        default="categorical",
        help="independent sigmoids per element instead of a softmax over classes",
    )
    p.add_argument("--axis", type=int, default=-1, help="class axis (default -1)")
    p.add_argument(
        "--ignore-index",
        type=int,
        metavar="N",
        help="label value left out of every sum and count (e.g. -100 for padding)",
    )
    p.add_argument(
        "--batch-mb",
        type=float,
        default=8.0,
        metavar="MB",
        help="MiB of float64 predictions per batch (default 8); peak memory is "
        "a few times this",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster at ADDRESS (e.g. tcp://host:8786); its "
        "workers must see the paths",
    )
    where.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="start a local Dask cluster of N worker processes",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    p.set_defaults(func=_cmd_evaluate)
    return p


@contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    """A ``dask.distributed.Client`` for ``--scheduler``/``--workers``, else None."""
    if args.scheduler is None and args.workers is None:
        yield None
        return
    from crossent.cli._input import InputError

    try:
        distributed = importlib.import_module("distributed")
    except ImportError:
        raise InputError(
            "evaluate: --scheduler and --workers need dask.distributed; "
            "pip install 'crossent[dask]'"
        ) from None
    from crossent.evaluate._distributed import quiet_dask_logging

    # Dask logs a lost worker in kilobytes (every lost task's key, each process's
    # warnings): one line per lost worker instead, unless --debug.
    quiet = quiet_dask_logging(debug=bool(getattr(args, "debug", False)))
    if args.workers is not None:
        if args.workers < 1:
            raise InputError(f"--workers: must be at least 1; got {args.workers}")
        with (
            quiet,
            distributed.LocalCluster(
                n_workers=args.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(args.scheduler, timeout="20s")
    except OSError as err:
        raise InputError(
            f"--scheduler: cannot reach a Dask scheduler at {args.scheduler}: {err}"
        ) from None
    with quiet, client:
        yield client


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from crossent.cli import _emit, _progress
    from crossent.cli._input import InputError
    from crossent.evaluate import evaluate

    if not (math.isfinite(args.batch_mb) and args.batch_mb > 0):
        raise InputError(
            f"--batch-mb: must be a positive finite number; got {args.batch_mb}"
        )
    try:
        with _client(args) as client, _progress("evaluating rows") as update:
            result = evaluate(
                args.predictions,
                args.labels,
                weights=args.weights,
                kind=args.kind,
                from_logits=args.from_logits,
                axis=args.axis,
                ignore_index=args.ignore_index,
                batch_bytes=max(1, int(args.batch_mb * 2**20)),
                client=client,
                progress=update,
            )
    except (OSError, ImportError, ValueError, TypeError) as err:
        if args.debug:
            raise
        # One line, without the library's "evaluate: " (main() names the command).
        raise InputError(str(err).removeprefix("evaluate: ")) from None
    except RuntimeError as err:  # the cluster gave up on a batch
        if args.debug:
            raise
        print(f"crossent evaluate: error: {err}", file=sys.stderr)
        return 1
    _emit(result, args)
    return 0
