"""`simulate`: run a scenario over many paths and return its `Result`."""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from chipcredit.engine.run import run_paths
from chipcredit.errors import ChipcreditWarning, UsageError
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario

from .metrics import reduce_chunk
from .result import Result

__all__ = ["MAX_PATHS", "Backend", "register_backend", "simulate"]

MAX_PATHS = 10_000_000
"""Paths per run without ``force=True``: about 4 GB of per-path outcomes, a day's CPU."""


class Backend(Protocol):
    """Running a run's blocks elsewhere (Dask) and writing every path's outcomes (Parquet).

    The implementation, `chipcredit.distributed`, sits a layer above analytics (it runs
    experiments too), so it hands itself down through `register_backend` when it is imported
    (``import chipcredit`` does that) instead of being imported from here.
    """

    def prepare(self, workers: int, scheduler: Any, on_dask: bool) -> None:
        """Refuse bad options or a missing install, with one line."""

    def paths_writer(self, path: str | os.PathLike[str]) -> AbstractContextManager[Any]:
        """A sink that writes each block's per-path outcomes to ``path``."""

    def run(self, scenario: Scenario, paths: int, seed: int, **options: Any) -> Any:
        """The run's merged partials (an `engine.blocks.RawRun`)."""


_BACKENDS: list[Backend] = []


def register_backend(backend: Backend) -> None:
    """Lend `simulate` the backend for ``workers``, ``scheduler`` and ``paths_out``."""
    _BACKENDS[:] = [backend]


def simulate(
    scenario: Scenario | str | os.PathLike[str],
    paths: int = 10_000,
    seed: int = 0,
    *,
    deterministic: bool = False,
    chunk_blocks: int = 2,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
    workers: int = 1,
    scheduler: Any = None,
    paths_out: str | os.PathLike[str] | None = None,
) -> Result:
    """Simulate a scenario.

    Parameters
    ----------
    scenario : Scenario, bundled name or path
    paths : number of Monte Carlo paths (ignored, and 1, when ``deterministic``)
    seed : seed of the run's one `numpy.random.SeedSequence`
    deterministic : the base case: one path, every shock zero, medians, events iff p >= 0.5
    chunk_blocks : stream blocks (of 4,096 paths) simulated at once; results do not depend
        on it, memory does
    progress : called with the number of paths done after each chunk
    force : allow more than `MAX_PATHS` paths
    workers : local processes (a Dask LocalCluster, started for this call); 1 runs in this
        process. Results do not depend on it, to the bit.
    scheduler : a Dask scheduler address (``tcp://HOST:8786``) or a ``distributed.Client``:
        the stream blocks run on that cluster (see docs/distributed.md)
    paths_out : write every path's scalar outcomes to this Parquet file, block by block
        (one row per path, float32 columns named as `Result.outcomes`)

    ``workers > 1``, ``scheduler`` and ``paths_out`` need the ``distributed`` extra.

    Returns
    -------
    Result
    """
    sc = load_scenario(scenario)
    if isinstance(paths, bool) or not isinstance(paths, int):
        raise UsageError(f"paths must be a whole number; got {paths!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise UsageError(f"seed must be a whole number at least 0; got {seed!r}")
    if deterministic:
        paths = 1
    if paths < 1:
        raise UsageError(f"paths must be at least 1; got {paths}")
    if paths > MAX_PATHS and not force:
        raise UsageError(f"paths must be at most {MAX_PATHS:,} without force (force=True, "
                         f"or --force on the command line); got {paths:,}")
    if paths > MAX_PATHS:
        _check_memory(paths)
    if not isinstance(chunk_blocks, int) or chunk_blocks < 1:
        raise UsageError(f"chunk_blocks must be a whole number at least 1; got {chunk_blocks!r}")
    on_dask = workers != 1 or scheduler is not None
    if (on_dask or paths_out is not None) and not _BACKENDS:
        raise UsageError("workers, scheduler and paths_out need chipcredit.distributed, which "
                         "registers itself on `import chipcredit`")
    if on_dask or paths_out is not None:
        _BACKENDS[0].prepare(workers, scheduler, on_dask)
    began = time.perf_counter()
    with contextlib.ExitStack() as stack:
        sink = None
        if paths_out is not None:
            sink = stack.enter_context(_BACKENDS[0].paths_writer(paths_out))
        if on_dask:
            raw = _BACKENDS[0].run(sc, paths, seed, deterministic=deterministic,
                                   chunk_blocks=chunk_blocks, workers=workers,
                                   scheduler=scheduler, progress=progress, sink=sink)
        else:
            raw = run_paths(sc, paths, seed, reduce_chunk, deterministic=deterministic,
                            chunk_blocks=chunk_blocks, progress=progress, sink=sink)
    result = Result(
        scenario=sc, paths=paths, seed=seed, deterministic=deterministic,
        outcomes=raw.outcomes, reservoir=raw.reservoir, series_sums=raw.series_sums,
        flow_sums=raw.flow_sums, flow_sumsq=raw.flow_sumsq, checks=raw.checks, means=raw.means,
        self_funded_sums=raw.self_funded_sums, flow_reservoir=raw.flow_reservoir,
        elapsed_seconds=time.perf_counter() - began,
    )
    _warn_missing_irr(result)
    return result


MIN_BYTES_PER_PATH = 64
"""Per-path outcomes take at least this many bytes a path (8 float64 columns; a real
scenario has a hundred or more), so a forced run that cannot fit is refused up front."""


def _check_memory(paths: int) -> None:
    """Refuse, even with force, a run whose per-path outcomes cannot fit in this machine."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not on every platform
        return
    need = paths * MIN_BYTES_PER_PATH
    if need > total:
        raise UsageError(f"paths of {paths:,} need at least {need / 1e9:,.0f} GB of memory for "
                         f"their per-path outcomes, more than this machine's "
                         f"{total / 1e9:,.0f} GB, even with force")


def _warn_missing_irr(result: Result) -> None:
    """One summary warning for paths whose flows change sign but have no IRR in the
    bracket (never one per path). Flows that never change sign (a lessee that only pays
    rent) have no IRR by construction, and flows whose one IRR lies outside the bracket (a
    warrant bought for a cent returns more than 1000% a year) have a known answer; their
    share is in ``nan_share``, with its reason, without a warning."""
    missing = []
    explained = ("no_position", "no_sign_change", "above_bracket", "below_bracket")
    for (deal, party), counts in result.irr_reasons().items():
        lost = {k: v for k, v in counts.items() if v and k not in explained}
        if lost:
            detail = ", ".join(f"{k} {v}" for k, v in lost.items())
            missing.append(f"{deal}/{party}: {sum(lost.values())} ({detail})")
    if missing:
        warnings.warn(
            f"IRR has no value on some paths, reported as NaN (null in JSON) with its share in "
            f"nan_share: {'; '.join(missing)}",
            ChipcreditWarning,
            stacklevel=3,
        )
