"""Evaluate a whole prediction set: streamed in bounded memory, or on a Dask cluster.

:func:`evaluate` reads predictions and labels from arrays, ``.npy`` memmaps,
directories of ``.npy``/``.npz`` shards, Zarr or Parquet, a batch of rows at a
time, runs the core loss on each batch and adds the results exactly, so the
:class:`Evaluation` does not depend on batching, sharding or scheduling.
Dask, Zarr and pyarrow are imported only when used.
"""

from crossent.evaluate._evaluate import evaluate
from crossent.evaluate._result import Evaluation
from crossent.evaluate._totals import Kind

__all__ = ["Evaluation", "Kind", "evaluate"]
