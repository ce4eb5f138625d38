"""`simulate`: run a scenario over many paths and return its `Result`."""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

import numpy as np

from chipcredit.engine.run import run_paths
from chipcredit.errors import ChipcreditNote, ChipcreditWarning, UsageError
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario

from .arguments import flag, seed_value, whole_number
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
    paths: int | np.integer[Any] = 10_000,
    seed: int | np.integer[Any] = 0,
    *,
    deterministic: bool = False,
    chunk_blocks: int = 2,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
    workers: int | np.integer[Any] = 1,
    scheduler: Any = None,
    paths_out: str | os.PathLike[str] | None = None,
) -> Result:
    """Simulate a scenario over many Monte Carlo paths.

    Parameters
    ----------
    scenario : Scenario, str, path or dict
        A loaded `Scenario`, the name of a bundled scenario (``"seed-2025"``), a path to a
        YAML file, or a dict of plain data (see `load_scenario`).
    paths : int, default 10,000
        Number of Monte Carlo paths, from 1 to `MAX_PATHS` (more with ``force``). A numpy
        integer is accepted. Ignored when ``deterministic``: the base case always has exactly
        one path, so ``simulate(s, paths=5, deterministic=True).paths == 1``.
    seed : int, default 0
        Seed of the run's one `numpy.random.SeedSequence`, from 0 to 2**63 - 1 (the run
        store keeps it as a 64-bit integer). Same scenario, paths and seed: the same
        results, to the bit.
    deterministic : bool, default False
        The base case: one path, every shock zero, medians, events iff p >= 0.5. Its
        outcomes are float64 instead of float32. Nothing is drawn, so ``paths`` and ``seed``
        are not used: the `Result` records 1 path and seed 0, as ``chipcredit run
        --deterministic`` does, and the two JSON summaries are equal.
    chunk_blocks : int, default 2
        Stream blocks (of 4,096 paths) simulated at once; results do not depend on it,
        memory does.
    progress : callable, optional
        Called with the number of paths done (an int) after each chunk.
    force : bool, default False
        Allow more than `MAX_PATHS` paths (a run that cannot fit in memory is still refused).
    workers : int, default 1
        Local processes (a Dask LocalCluster, started for this call); 1 runs in this process.
        Results do not depend on it, to the bit.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address (``tcp://HOST:8786``) or a client: the stream blocks run on
        that cluster (see docs/distributed.md).
    paths_out : str or path, optional
        Write every path's scalar outcomes to this Parquet file, block by block (one row per
        path, float32 columns named as `Result.outcomes`).

    ``workers > 1``, ``scheduler`` and ``paths_out`` need the ``distributed`` extra.

    Returns
    -------
    Result
        The frozen, read-only record of the run (``paths`` per-path outcomes, quarterly
        sums and bands, flows; money in $B, time in quarters).

    Raises
    ------
    UsageError
        A bad argument, in one line: its name, the rule and the value.
    ScenarioError
        A scenario that does not check, with file, line, field, rule and value.

    Warns
    -----
    ChipcreditNote
        Once, when a deal or cloud contract has its schedule end after the horizon
        (`Scenario.horizon_note`): what is still owed then is marked at the horizon and
        later losses are not simulated.
    ChipcreditWarning
        Once, when some paths have cash flows with no IRR.
    """
    if not isinstance(scenario, Scenario | str | os.PathLike | dict):
        raise UsageError(f"scenario must be a Scenario, a bundled scenario's name, a path to a "
                         f"YAML file or a dict; got {type(scenario).__name__} {scenario!r}")
    paths = whole_number("paths", paths)
    seed = seed_value(seed)
    deterministic = flag("deterministic", deterministic)
    force = flag("force", force)
    chunk_blocks = whole_number("chunk_blocks", chunk_blocks, low=1)
    if progress is not None and not callable(progress):
        raise UsageError(f"progress must be a callable taking the number of paths done, or "
                         f"None; got {type(progress).__name__} {progress!r}")
    if isinstance(workers, np.integer):
        workers = int(workers)  # the backend checks the rest (it refuses a bool with one line)
    sc = load_scenario(scenario)
    if deterministic:
        # the base case has one path and draws nothing: recorded as the CLI records it
        paths, seed = 1, 0
    if paths < 1:
        raise UsageError(f"paths must be at least 1; got {paths}")
    if paths > MAX_PATHS and not force:
        raise UsageError(f"paths must be at most {MAX_PATHS:,} without force (force=True, "
                         f"or --force on the command line); got {paths:,}")
    if paths > MAX_PATHS:
        _check_memory(paths)
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
    note = sc.horizon_note()
    if note is not None:  # legitimate, but the reader must know the run does not see the end
        warnings.warn(note, ChipcreditNote, stacklevel=2)
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
    share is in ``nan_share``, with its reason, without a warning. The counts are paths, out
    of the run's (said once, so a count is never read as a share or a number of deals)."""
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
            f"nan_share (paths out of {result.paths:,}): {'; '.join(missing)}",
            ChipcreditWarning,
            stacklevel=3,
        )
