"""The Dask client a run or an experiment sends its tasks to.

``workers > 1`` starts a LocalCluster of that many single-threaded worker processes for the
duration of the call; ``scheduler`` (``tcp://HOST:8786``) connects to a running Dask
scheduler instead, and may also be a `distributed.Client` the caller already holds.

Lost workers: a task that was running on a worker that died is rescheduled on another
worker by the scheduler, up to ``distributed.scheduler.allowed-failures`` times (set here to
`ALLOWED_FAILURES` for a LocalCluster; an external scheduler uses its own configuration);
a task that raises is retried `RETRIES` times. Tasks are pure functions of their
arguments and their results are placed by block index, so a retried task changes nothing.

Workers that run other code: before any task is sent, `check_code` asks every worker for
its chipcredit version and code fingerprint (`chipcredit.fingerprint`) and refuses the run
with one line naming the workers that differ from this process. Without it, a worker whose
chipcredit cannot load a task logs ``Failed to deserialize`` and the task's future stays
``pending`` for ever (distributed 2026.8: the future never turns to ``error``, so the run
cannot see it from the client); a worker whose code loads but differs would give other
numbers silently.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chipcredit.errors import UsageError

from . import INSTALL_HINT

__all__ = ["ALLOWED_FAILURES", "CLUSTER_CONFIG", "QUIET_CLUSTER", "RETRIES", "check_code",
           "check_options", "client_for", "require"]

RETRIES = 2
"""Retries of a task that raised (``Client.submit(retries=...)``)."""
ALLOWED_FAILURES = 5
"""Workers a task may see die under it before it fails (LocalCluster only)."""
CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.scheduler.allowed-failures": ALLOWED_FAILURES,
    # the workers' sampling profiler (every 10 ms) costs CPU and nobody reads it here
    "distributed.worker.profile.enabled": False,
}
"""Dask configuration for a LocalCluster (workers inherit it from the process that starts
them)."""
QUIET_CLUSTER: dict[str, Any] = {
    # the scheduler's HTTP server on a free port (its default, 8787, warns when taken)
    # and no dashboard; logs only for errors
    "dashboard_address": ":0", "scheduler_kwargs": {"dashboard": False},
    "silence_logs": logging.ERROR}
"""LocalCluster options: no dashboard, no port clash, quiet."""


def require(what: str) -> None:
    """A one-line `UsageError` when Dask or pyarrow is missing."""
    missing = [m for m in ("dask", "distributed", "pyarrow")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise UsageError(f"{what} needs {', '.join(missing)}, which are not installed; "
                         f"install them with: {INSTALL_HINT}")


def check_options(workers: int, scheduler: object) -> None:
    """Refuse a bad ``workers`` or ``scheduler`` with one line."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise UsageError(f"workers must be a whole number at least 1; got {workers!r}")
    if scheduler is not None and workers != 1:
        raise UsageError("give either workers (a local cluster) or a scheduler, not both; "
                         "the scheduler's cluster decides how many workers run")
    if isinstance(scheduler, str) and not scheduler.strip():
        raise UsageError("scheduler must be an address such as tcp://HOST:8786; got ''")


@contextmanager
def client_for(workers: int, scheduler: Any) -> Iterator[Any]:
    """A `distributed.Client`: on ``scheduler`` (an address or a Client), or on a
    LocalCluster of ``workers`` processes that is closed on exit."""
    import dask
    from distributed import Client, LocalCluster

    if scheduler is not None and not isinstance(scheduler, str):
        check_code(scheduler)
        yield scheduler  # the caller's own Client: not ours to close
        return
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            check_code(client)
            yield client
        finally:
            client.close()
        return
    with dask.config.set(CLUSTER_CONFIG), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         **QUIET_CLUSTER) as cluster, \
            Client(cluster) as client:
        check_code(client)
        yield client


def check_code(client: Any) -> None:
    """Refuse, with one `UsageError` line, workers whose chipcredit is not this process's:
    another version or code fingerprint, or none that can be read (a chipcredit that fails
    to import there). Every worker the scheduler has now is asked (``Client.run``)."""
    from chipcredit import fingerprint
    from chipcredit._version import __version__

    def probe() -> tuple[str, str]:
        # defined here so that it travels by value: a worker runs it whatever its
        # chipcredit has, and its import errors come back as results, not a hang
        import importlib

        version = importlib.import_module("chipcredit._version").__version__
        return str(version), str(importlib.import_module("chipcredit.fingerprint").code_sha256())

    mine = (__version__, fingerprint.code_sha256())
    theirs = client.run(probe, on_error="return")
    differ = {w: got for w, got in sorted(theirs.items()) if got != mine}
    if not differ:
        return
    said = "; ".join(f"{w} has chipcredit {got[0]} (code {got[1][:12]})"
                     if isinstance(got, tuple) else
                     f"{w} cannot say ({type(got).__name__}: {got})".replace("\n", " ")
                     for w, got in differ.items())
    raise UsageError(f"{len(differ)} of {len(theirs)} Dask workers run other chipcredit code "
                     f"than this process (chipcredit {mine[0]}, code {mine[1][:12]}): {said}; "
                     "install the same chipcredit on every worker, or run without workers")
