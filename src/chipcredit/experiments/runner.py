"""Evaluate one metric over many variants of a scenario, in-process or on local processes.

A *variant* is the scenario with some numbers fixed at given values, addressed by their
parameter paths. Every variant runs with the same seed, and the engine keys each uncertain
number's draws by its path, so a variant redraws nothing it does not change: common random
numbers. The differences between variants are the parameters' effect on the same paths
(those paths are still one draw of the seed: another seed gives other differences).

With ``workers > 1`` the variants are cut into contiguous chunks that run on a local process
pool; with a Dask ``scheduler`` the chunks are Dask tasks, each sent the scenario as YAML
text (`chipcredit.distributed.tasks.variants_task`), and a single variant (a `solve` probe)
runs its stream blocks on the scheduler instead. Every run is a pure function of
(scenario, values, paths, seed), and results are placed by sample index, never in the order
tasks finish, so the numbers do not depend on the number of workers.
"""

from __future__ import annotations

import copy
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import get_context
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chipcredit.analytics.metrics import DEAL_METRICS, column
from chipcredit.analytics.query import metric_value
from chipcredit.analytics.result import NAN_METRICS, Result
from chipcredit.analytics.simulate import simulate
from chipcredit.errors import ChipcreditNote, ChipcreditWarning, UsageError
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario
from chipcredit.scenario.number import Number
from chipcredit.scenario.paths import get_number, put_number
from chipcredit.scenario.residual_curve import CURVE, curve_through

from .arguments import seed_number, whole_number

__all__ = [
    "Batch",
    "apply_numbers",
    "central_range",
    "check_paths_seed",
    "correlated_with",
    "fast_metric",
    "number_value",
    "run_rows",
    "run_variants",
    "scenario_data",
]

Progress = Callable[[int], None]


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the plain data `load_scenario` accepts (sources kept)."""
    return scenario.model_dump(mode="python", by_alias=True, exclude_none=True)


def correlated_with(scenario: Scenario, paths: Sequence[str]) -> dict[str, list[str]]:
    """For each of ``paths`` that takes part in a declared correlation, its partners."""
    wanted = set(paths)
    out: dict[str, list[str]] = {}
    for pair in scenario.correlations:
        for mine, other in ((pair.a, pair.b), (pair.b, pair.a)):
            if mine in wanted:
                out.setdefault(mine, []).append(other)
    return out


def apply_numbers(scenario: Scenario, values: Mapping[str, float],
                  data: dict[str, Any] | None = None) -> Scenario:
    """A validated copy of ``scenario`` with each number in ``values`` fixed at its value.

    Correlations that name a number being fixed are dropped (a fixed number cannot be
    correlated); its partners keep their own marginal distributions. A point of the used-GPU
    value curve fixes the curve: its other uncertain points not in ``values`` take their
    quantile at the same level (`chipcredit.scenario.residual_curve.curve_through`), as
    the points are drawn together. ``data`` is the
    scenario's `scenario_data`, passed in to save dumping it once per variant.
    """
    if not values:
        return scenario
    for path in values:
        get_number(scenario, path)  # a bad path gets a did-you-mean
    # the used-GPU curve's points share one draw: one point fixed fixes the curve there
    given = dict(values)
    for path, value in given.items():
        values = {**curve_through(scenario, path, value), **values}
    work = copy.deepcopy(data if data is not None else scenario_data(scenario))
    fixed = set(values)
    if len(fixed) > len(given):
        fixed.add(CURVE)
    if work.get("correlations"):
        work["correlations"] = [c for c in work["correlations"]
                                if c["a"] not in fixed and c["b"] not in fixed]
    for path, value in values.items():
        if not math.isfinite(value):
            raise UsageError(f"cannot set {path} to {value}: the value must be finite")
        # a map, so the number keeps its source and basis
        put_number(work, path, {"value": float(value)})
    return load_scenario(work)


def check_paths_seed(paths: int, seed: int, function: str = "run_variants") -> tuple[int, int]:
    """``(paths, seed)`` as plain ints (NumPy integers accepted, bool refused), or a one-line
    `UsageError` naming ``function``: paths at least 1, seed from 0 to 2**63 - 1 (the rule
    of `chipcredit.simulate`)."""
    return (whole_number(function, "paths", paths, 1), seed_number(function, seed))


@dataclass(frozen=True)
class Batch:
    """The metric of every variant, in sample order.

    Attributes
    ----------
    values : the metric per variant (NaN where the statistic has no value)
    warned : number of variants whose run issued a `ChipcreditWarning` (e.g. paths with no IRR)
    """

    values: NDArray[np.float64]
    warned: int


def fast_metric(result: Result, path: str) -> float:
    """`metric_value` without building the whole summary (the same statistics, the same
    numbers): a run's metric in a few microseconds instead of milliseconds. Paths it does
    not recognise go to `metric_value`."""
    parts = path.split(".")
    stats = ("mean", "p05", "p50", "p95")
    key: str | None = None
    if len(parts) == 6 and parts[0] == "deals" and parts[2] == "parties":
        deal, party, name, stat = parts[1], parts[3], parts[4], parts[5]
        if name in NAN_METRICS and stat == "nan_share":
            values = result.outcomes.get(column("deal", deal, party, name))
            if values is not None:
                return float(np.mean(~np.isfinite(values)))
        elif stat in stats and (name in DEAL_METRICS or name == "tied_gross_profit"):
            key = column("deal", deal, party, name)
    elif len(parts) == 4 and parts[0] == "parties" and parts[2] in ("revenue_total", "cash_end"):
        key, stat = column("party", parts[1], parts[2]), parts[3]
        if stat not in stats:
            key = None
    if key is not None and key in result.outcomes:
        value = result.describe(key)[stat]
        return float("nan") if value is None else float(value)
    return metric_value(result, path)


# --- one chunk of runs (also the worker's task) -------------------------------------------

_BASE: dict[str, Any] = {}


def _init(scenario: Scenario, metric: str, paths: int, seed: int, scheduler: Any = None) -> None:
    _BASE.update(scenario=scenario, data=scenario_data(scenario), metric=metric,
                 paths=paths, seed=seed, scheduler=scheduler)


def _run_one(values: Mapping[str, float]) -> tuple[float, bool]:
    scenario: Scenario = _BASE["scenario"]
    variant = apply_numbers(scenario, values, _BASE["data"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChipcreditWarning)
        result = simulate(variant, paths=_BASE["paths"], seed=_BASE["seed"],
                          scheduler=_BASE.get("scheduler"))
    # a note is on how the scenario is set up (deals past its horizon), not on the numbers
    warned = any(issubclass(w.category, ChipcreditWarning)
                 and not issubclass(w.category, ChipcreditNote) for w in caught)
    for w in caught:  # anything else is passed on as it came
        if not issubclass(w.category, ChipcreditWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return fast_metric(result, _BASE["metric"]), warned


def _values(names: tuple[str, ...], row: list[float]) -> dict[str, float]:
    """The numbers a row sets; NaN leaves a number as it is in the scenario."""
    return {k: v for k, v in zip(names, row, strict=True) if not math.isnan(v)}


def _run_chunk(names: tuple[str, ...], rows: list[list[float]]) -> list[tuple[float, bool]]:
    return [_run_one(_values(names, row)) for row in rows]


def run_rows(scenario: Scenario, metric: str, paths: int, seed: int, names: Sequence[str],
             rows: Sequence[Sequence[float]]) -> list[tuple[float, bool]]:
    """The metric of each row, in this process: ``(value, a ChipcreditWarning was issued)``
    per row (what a pool or Dask task computes)."""
    _init(scenario, metric, paths, seed)
    try:
        return _run_chunk(tuple(names), [list(r) for r in rows])
    finally:
        _BASE.clear()


def run_variants(
    scenario: Scenario,
    names: Sequence[str],
    matrix: NDArray[np.float64] | Sequence[Sequence[float]],
    metric: str,
    *,
    paths: int,
    seed: int,
    workers: int = 1,
    chunk: int = 8,
    progress: Progress | None = None,
    scheduler: Any = None,
) -> Batch:
    """The metric for each row of ``matrix`` (one value per name in ``names``), same seed.

    Parameters
    ----------
    scenario : the base scenario
    names : parameter paths, one per column of ``matrix``
    matrix : shape ``(n_variants, len(names))``; NaN leaves that number as it is (a tornado
        row fixes one number and leaves the rest)
    metric : a metric path, e.g. ``deals.colossus2-spv.parties.nvidia.moic.p50``
    paths, seed : of every run (the same seed everywhere: common random numbers)
    workers : local processes; 1 runs in this process. Results do not depend on it.
    chunk : runs per task on the pool
    progress : called with the number of runs done
    scheduler : a Dask scheduler address (``tcp://HOST:8786``) or ``distributed.Client``:
        the variants run there as tasks of ``chunk`` runs (one variant alone runs its stream
        blocks there). Results do not depend on it.
    """
    paths, seed = check_paths_seed(paths, seed)
    workers = whole_number("run_variants", "workers", workers, 1)
    chunk = whole_number("run_variants", "chunk", chunk, 1)
    grid = np.asarray(matrix, dtype=np.float64).reshape(-1, len(names))
    rows = grid.tolist()
    n = len(rows)
    out = np.full(n, np.nan)
    warned = np.zeros(n, dtype=bool)
    if n == 0:
        return Batch(out, 0)
    key = tuple(names)
    if scheduler is not None and n > 1:
        from chipcredit.distributed.variants import run_variants_on_dask

        return _place(run_variants_on_dask(scenario, metric, paths, seed, key, rows, chunk=chunk,
                                           scheduler=scheduler, progress=progress), out, warned)
    if workers == 1 or n <= chunk or scheduler is not None:
        _init(scenario, metric, paths, seed, scheduler)
        try:
            for i, row in enumerate(rows):
                out[i], warned[i] = _run_one(_values(key, row))
                if progress is not None:
                    progress(i + 1)
        finally:
            _BASE.clear()
        return Batch(out, int(warned.sum()))
    starts = list(range(0, n, chunk))
    done = 0
    with ProcessPoolExecutor(max_workers=min(workers, len(starts)), mp_context=get_context("spawn"),
                             initializer=_init, initargs=(scenario, metric, paths, seed)) as pool:
        futures: dict[Future[list[tuple[float, bool]]], int] = {
            pool.submit(_run_chunk, key, rows[s:s + chunk]): s for s in starts}
        try:
            for future in as_completed(futures):
                start = futures[future]
                for j, (value, flag) in enumerate(future.result()):
                    out[start + j], warned[start + j] = value, flag
                done += min(chunk, n - start)
                if progress is not None:
                    progress(done)
        except BrokenProcessPool as exc:
            raise UsageError(f"a worker process stopped ({exc}); run with workers=1, or from "
                             "a script file or notebook (workers are spawned and import the "
                             "main module)") from None
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return Batch(out, int(warned.sum()))


def _place(results: list[tuple[float, bool]], out: NDArray[np.float64],
           warned: NDArray[np.bool_]) -> Batch:
    for i, (value, flag) in enumerate(results):
        out[i], warned[i] = value, flag
    return Batch(out, int(warned.sum()))


def central_range(number: Number) -> tuple[float, float]:
    """An uncertain number's p05 and p95: as written for lognormal and normal numbers
    (no rounding residue), through the inverse CDF for the others."""
    if number.p05 is not None and number.p95 is not None:
        return float(number.p05), float(number.p95)
    lo, hi = number.ppf(np.array([0.05, 0.95]))
    return float(lo), float(hi)


def number_value(number: Number) -> float:
    """The value of a fixed number, or the median of an uncertain one."""
    if number.dist == "fixed":
        assert number.value is not None
        return float(number.value)
    return number.median()
