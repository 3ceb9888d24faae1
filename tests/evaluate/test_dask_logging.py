"""Dask's logging when a worker dies: one line per lost worker unless --debug (#13).

The first tests feed the handler the log records Dask writes (the texts of
distributed 2026.8's scheduler and nanny) and need no Dask; the last runs
``crossent evaluate --workers 2``'s client on a real cluster, kills a worker, and
reads standard error (parity suite: it needs dask.distributed).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from pathlib import Path

import numpy as np
import pytest

from crossent.evaluate import evaluate
from crossent.evaluate._distributed import quiet_dask_logging

LOST = (
    "Removing worker 'tcp://127.0.0.1:{port}' caused the cluster to lose already "
    "computed task(s), which will be recomputed elsewhere: {keys} "
    "(stimulus_id='handle-worker-cleanup-1796')"
)


def _dask_logs_a_death(port: int, tasks: int) -> None:
    keys = {f"crossent-evaluate-5be031f1cf0e-{i}" for i in range(tasks)}
    logging.getLogger("distributed.scheduler").info("Remove worker <WorkerState>")
    logging.getLogger("distributed.scheduler").warning(
        LOST.format(port=port, keys=keys)
    )
    logging.getLogger("distributed.nanny").info("Unregistering worker (status=running)")
    logging.getLogger("distributed.nanny").warning(
        "Restarting worker (status=%s)", "Status.running"
    )
    logging.getLogger("distributed.core").warning("Connection closed: " + "x" * 500)


def test_one_line_per_lost_worker() -> None:
    lines: list[str] = []
    with quiet_dask_logging(emit=lines.append):
        _dask_logs_a_death(33639, tasks=400)  # ~16 KB of task keys
        _dask_logs_a_death(40001, tasks=3)
        # a worker that died before finishing a task: only its nanny speaks
        logging.getLogger("distributed.nanny").warning(
            "Restarting worker (status=%s)", "Status.running"
        )
    assert lines == [
        "lost Dask worker tcp://127.0.0.1:33639 (its process died); its tasks are "
        "recomputed on the others, so the result is unaffected",
        "lost Dask worker tcp://127.0.0.1:40001 (its process died); its tasks are "
        "recomputed on the others, so the result is unaffected",
        "lost a Dask worker (its process died); its tasks are recomputed on the "
        "others, so the result is unaffected",
    ]


def test_default_line_goes_to_stderr_and_everything_is_restored(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DASK_LOGGING__DISTRIBUTED", raising=False)
    logger = logging.getLogger("distributed")
    before = (logger.handlers[:], logger.level, logger.propagate)
    with quiet_dask_logging():
        assert os.environ["DASK_LOGGING__DISTRIBUTED"] == "critical"  # worker processes
        _dask_logs_a_death(33639, tasks=50)
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(
        "crossent evaluate: warning: lost Dask worker tcp://127.0.0.1:33639"
    )
    assert "DASK_LOGGING__DISTRIBUTED" not in os.environ
    assert (logger.handlers, logger.level, logger.propagate) == before


def test_debug_leaves_dask_logging_alone() -> None:
    logger = logging.getLogger("distributed")
    lines: list[str] = []
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    keep = Keep()
    logger.addHandler(keep)
    try:
        with quiet_dask_logging(debug=True, emit=lines.append):
            _dask_logs_a_death(33639, tasks=5)
    finally:
        logger.removeHandler(keep)
    assert lines == []
    assert any(m.startswith("Removing worker 'tcp://127.0.0.1:33639'") for m in seen)
    assert any(m.startswith("Restarting worker") for m in seen)


@pytest.mark.parity
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.parametrize("debug", [False, True])
def test_cli_client_on_a_real_cluster(
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    debug: bool,
) -> None:
    pytest.importorskip("distributed")
    from crossent.cli._evaluate import _client

    rng = np.random.default_rng(0)
    (tmp_path / "logits").mkdir()
    for i in range(12):
        logits = rng.normal(size=(2000, 200)).astype(np.float32)
        np.save(tmp_path / "logits" / f"part-{i}.npy", logits)
    np.save(tmp_path / "labels.npy", rng.integers(0, 200, 24000))
    single = evaluate(str(tmp_path / "logits"), str(tmp_path / "labels.npy"))
    capfd.readouterr()
    args = argparse.Namespace(scheduler=None, workers=2, debug=debug)
    with _client(args) as client:
        pids = client.run(os.getpid)
        victim = pids[sorted(pids)[0]]
        killed: list[int] = []

        def progress(done: int, total: int) -> None:
            if not killed and done >= 0.3 * total:
                os.kill(victim, signal.SIGKILL)
                killed.append(done)

        got = evaluate(
            str(tmp_path / "logits"),
            str(tmp_path / "labels.npy"),
            batch_bytes=2**19,
            client=client,
            progress=progress,
        )
    err = capfd.readouterr().err
    assert killed
    assert got == single
    dask_said = [
        r.getMessage() for r in caplog.records if r.name == "distributed.nanny"
    ]
    if debug:  # Dask's own records reach logging (pytest holds its stream handler)
        assert any(m.startswith("Restarting worker") for m in dask_said)
    else:
        assert dask_said == []
        assert err.count("lost Dask worker") + err.count("lost a Dask worker") == 1
        assert "distributed." not in err
        assert len(err) < 400
