"""The Dask client a run or an experiment sends its tasks to.

``workers > 1`` starts a LocalCluster of that many single-threaded worker processes for the
duration of the call; ``scheduler`` (``tcp://HOST:8786``) connects to a running Dask
scheduler instead, and may also be a `distributed.Client` the caller already holds.

Lost workers: a task that was running on a worker that died is rescheduled on another
worker by the scheduler, up to ``distributed.scheduler.allowed-failures`` times (set here to
`ALLOWED_FAILURES` for a LocalCluster; an external scheduler uses its own configuration);
a task that raises is retried `RETRIES` times. Tasks are pure functions of their
arguments and their results are placed by block index, so a retried task changes nothing.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from chipcredit.errors import UsageError

from . import INSTALL_HINT

__all__ = ["ALLOWED_FAILURES", "CLUSTER_CONFIG", "QUIET_CLUSTER", "RETRIES", "check_options",
           "client_for", "require"]

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
        yield scheduler  # the caller's own Client: not ours to close
        return
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    with dask.config.set(CLUSTER_CONFIG), \
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                         **QUIET_CLUSTER) as cluster, \
            Client(cluster) as client:
        yield client
