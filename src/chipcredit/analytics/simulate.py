"""`simulate`: run a scenario over many paths and return its `Result`."""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Callable

from chipcredit.engine.run import run_paths
from chipcredit.errors import ChipcreditWarning, UsageError
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario

from .metrics import reduce_chunk
from .result import Result

__all__ = ["MAX_PATHS", "simulate"]

MAX_PATHS = 10_000_000
"""Paths per run without ``force=True``: about 4 GB of per-path outcomes, a day's CPU."""


def simulate(
    scenario: Scenario | str | os.PathLike[str],
    paths: int = 10_000,
    seed: int = 0,
    *,
    deterministic: bool = False,
    chunk_blocks: int = 2,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
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
        raise UsageError(f"paths must be at most {MAX_PATHS:,} without force; got {paths:,}")
    if not isinstance(chunk_blocks, int) or chunk_blocks < 1:
        raise UsageError(f"chunk_blocks must be a whole number at least 1; got {chunk_blocks!r}")
    began = time.perf_counter()
    raw = run_paths(sc, paths, seed, reduce_chunk, deterministic=deterministic,
                    chunk_blocks=chunk_blocks, progress=progress)
    result = Result(
        scenario=sc, paths=paths, seed=seed, deterministic=deterministic,
        outcomes=raw.outcomes, reservoir=raw.reservoir, series_sums=raw.series_sums,
        flow_sums=raw.flow_sums, flow_sumsq=raw.flow_sumsq, checks=raw.checks,
        elapsed_seconds=time.perf_counter() - began,
    )
    _warn_missing_irr(result)
    return result


def _warn_missing_irr(result: Result) -> None:
    """One summary warning for paths whose flows change sign but have no IRR in the
    bracket (never one per path). Flows that never change sign (a lessee that only pays
    rent) have no IRR by construction; their share is in ``nan_share`` without a warning."""
    missing = []
    for (deal, party), counts in result.irr_reasons().items():
        lost = {k: v for k, v in counts.items() if v and k not in ("no_position", "no_sign_change")}
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
