"""Sensitivity of one metric to the scenario's numbers: tornado, Morris, Sobol and delta.

::

    res = cc.sensitivity("seed-2025", "deals.colossus2-spv.parties.nvidia.moic.p50")
    res.table          # ranked, most important first

Every run uses the same seed, and the engine keys each uncertain number's draws by its
parameter path, so a run redraws only what it changes (common random numbers): two runs
differ by the parameters alone, on the same paths. The paths are still one draw: the bars and
indices depend on the seed, and their intervals (a bootstrap over the method's sample) do
not show that; every sampled run says so in a note (`index_checks.interval_note`).

- ``tornado``: one at a time. An uncertain number moves to its p05 and its p95, a fixed one to
  ±``spread`` (default 20%); the baseline is the scenario as it is. Needs no SALib.
- ``morris``: elementary effects over ``samples`` trajectories (SALib). ``mu_star`` is the mean
  absolute change of the metric when a parameter crosses its whole range.
- ``sobol``: first- and total-order indices with confidence intervals (SALib, Saltelli
  sampling; ``samples`` base samples, a power of two, give ``samples × (D + 2)`` runs, or
  ``samples × (2D + 2)`` with ``second_order``).
- ``delta``: Borgonovo's moment-independent index (SALib), valid when inputs are correlated.

In Morris, Sobol and delta an uncertain number is drawn from its own distribution between its
p05 and p95 (uniform in probability), a fixed one uniformly within ±``spread``. Sobol and Morris
assume independent inputs; when two of the chosen numbers are correlated in the scenario, they
are not used: the analysis switches to ``delta`` on a sample with that correlation, and says so.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chipcredit.analytics.card import Card, CardShown
from chipcredit.analytics.query import metric_value
from chipcredit.analytics.simulate import simulate
from chipcredit.errors import ChipcreditNote, ChipcreditWarning, UsageError, did_you_mean
from chipcredit.scenario.loader import load_scenario
from chipcredit.scenario.model import Scenario

from .arguments import parameter_list, whole_number
from .index_checks import interval_note, sobol_contradictions, sobol_range_note, unused_options_note
from .indices import analyze, dependent_sample, salib
from .parameters import DEFAULT_SPREAD, choose_parameters, correlation_notes
from .runner import check_paths_seed, run_variants

__all__ = ["METHODS", "SensitivityResult", "sensitivity"]

METHODS = ("tornado", "morris", "sobol", "delta")
DEFAULT_SAMPLES = {"morris": 16, "sobol": 128, "delta": 512}
"""Morris trajectories, Sobol base samples (a power of two), delta runs."""
RESAMPLES = 100


@dataclass(frozen=True, eq=False, repr=False)
class SensitivityResult(CardShown):
    """What `sensitivity` found, the most important parameter first.

    Attributes
    ----------
    scenario : str
        The scenario's name.
    metric : str
        The metric path analysed.
    method : str
        The method used (``delta`` when correlated inputs ruled out Sobol or Morris).
    requested : str
        The method asked for.
    params : tuple of str
        The parameter paths varied (D of them), in the order given.
    table : DataFrame
        D rows, ranked (index ``rank`` from 1). Always ``parameter``, ``basis`` (``p05/p95``
        or ``±20%``), ``low``, ``high`` (the range, in the number's own unit); then by
        method: tornado ``metric_low``, ``metric_high``, ``swing`` (in the metric's unit);
        morris ``mu_star``, ``mu_star_conf``, ``sigma``, ``mu`` (metric's unit); sobol
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf``; delta ``delta``, ``delta_conf``, ``S1``,
        ``S1_conf`` (indices, 0 to 1; ``_conf`` is the half-width of the 95% interval).
    baseline : float
        The metric for the scenario as it is, same paths and seed (NaN when it has none).
    notes : tuple of str
        What the user should know (defaults taken, methods switched, values dropped, deals
        that run past the horizon); for a sampled method always that its intervals are its
        own sampling only, not the metric's path noise (`index_checks.interval_note`), and
        for Sobol any S1 above its ST, or first-order indices summing above 1, beyond their
        intervals (`index_checks.sobol_contradictions`, also warned as a
        `ChipcreditWarning`).
    runs : int
        Simulations done, the baseline included.
    paths, seed : int
        Of every run.
    samples : int or None
        The samples used (the method's default when none was given); None for a tornado.
    spread : float
        Relative range of fixed numbers (0.2 is ±20%).
    elapsed_seconds : float
        Wall-clock time (left out of `to_dict`).
    second_order : DataFrame or None
        Sobol second-order indices when asked for: one row per pair, columns ``a``, ``b``,
        ``S2``, ``S2_conf``; None otherwise.
    """

    scenario: str
    metric: str
    method: str
    requested: str
    params: tuple[str, ...]
    table: pd.DataFrame
    baseline: float
    notes: tuple[str, ...]
    runs: int
    paths: int
    seed: int
    samples: int | None
    spread: float
    elapsed_seconds: float
    second_order: pd.DataFrame | None = field(default=None)

    def _card(self) -> Card:
        return Card.of(f"SensitivityResult of {self.scenario}", [
            ("metric", self.metric), ("method", self.method), ("parameters", len(self.params)),
            ("runs", self.runs), ("paths", f"{self.paths:,}"), ("seed", self.seed),
            ("baseline", f"{self.baseline:.6g}"), ("notes", len(self.notes))],
            ".table, .notes, .to_dict()")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record, without wall-clock times (two runs give equal records).

        Returns
        -------
        dict
            Keys ``scenario``, ``metric``, ``method``, ``requested_method``, ``paths``,
            ``seed``, ``samples``, ``spread``, ``runs``, ``baseline``, ``notes`` (list of
            str), ``table`` (list of D dicts, one per row of `table` in rank order, keyed by
            its columns) and ``second_order`` (list of dicts with ``a``, ``b``, ``S2``,
            ``S2_conf``, or None). NaN is None; NumPy numbers are plain Python numbers.
        """
        def clean(value: Any) -> Any:
            if isinstance(value, float | np.floating):
                return float(value) if math.isfinite(value) else None
            if isinstance(value, np.integer):
                return int(value)
            return value

        def rows(frame: pd.DataFrame | None) -> list[dict[str, Any]] | None:
            if frame is None:
                return None
            return [{str(k): clean(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {"scenario": self.scenario, "metric": self.metric, "method": self.method,
                "requested_method": self.requested, "paths": self.paths, "seed": self.seed,
                "samples": self.samples, "spread": self.spread, "runs": self.runs,
                "baseline": clean(self.baseline), "notes": list(self.notes),
                "table": rows(self.table), "second_order": rows(self.second_order)}


def sensitivity(
    scenario: Scenario | str | os.PathLike[str],
    metric: str,
    params: Sequence[str] | str | None = None,
    method: str = "tornado",
    paths: int = 2000,
    seed: int = 0,
    *,
    spread: float | None = None,
    samples: int | None = None,
    second_order: bool = False,
    resamples: int = RESAMPLES,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
    scheduler: Any = None,
) -> SensitivityResult:
    """Rank parameters by their effect on one metric.

    Parameters
    ----------
    scenario : Scenario, str or os.PathLike
        A `Scenario`, a bundled scenario name (``"seed-2025"``) or a YAML file.
    metric : str
        A metric path into the JSON summary, e.g.
        ``deals.colossus2-spv.parties.nvidia.moic.p50`` (docs/sensitivity.md).
    params : str, sequence of str or None
        Parameter paths of the numbers to vary (``parties.xai.cash``); one string is one
        path. Default None: every uncertain number in the scenario.
    method : str
        ``tornado`` (default), ``morris``, ``sobol`` or ``delta``.
    paths : int
        Monte Carlo paths of every run (at least 1; a NumPy integer is accepted).
    seed : int
        Seed of every run, the same for all (common random numbers); from 0 to 2**63 - 1.
    spread : float, optional
        Relative range of fixed numbers, above 0 and at most 1 (default 0.2, i.e. ±20%).
    samples : int, optional
        Morris trajectories (default 16), Sobol base samples (128, a power of two) or delta
        runs (512); at least 2.
    second_order : bool
        Sobol only: also second-order indices (``samples × (2D + 2)`` runs).
    resamples : int
        Bootstrap resamples behind the 95% confidence intervals (SALib methods); at least 2.
    workers : int
        Local processes for the runs (at least 1); the results do not depend on it.
    progress : callable, optional
        Called with ``(runs done, runs in all)``.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address (``tcp://HOST:8786``) or client: the runs are Dask tasks
        there (docs/distributed.md); the results do not depend on it.

    Returns
    -------
    SensitivityResult
        ``table`` has one row per parameter (D rows), ranked, most important first; its
        columns depend on the method (see `SensitivityResult`). ``runs`` is the number of
        simulations, the baseline included: ``2D + 1`` for a tornado.

    Raises
    ------
    UsageError
        A bad argument, a metric path or parameter path that does not exist (with a
        did-you-mean), or a range that breaks a scenario rule.
    """
    began = time.perf_counter()
    name = "sensitivity"
    sc = load_scenario(scenario)
    paths, seed = check_paths_seed(paths, seed, name)
    if not isinstance(metric, str):
        raise UsageError(f"{name}: metric must be a metric path (e.g. "
                         f"'deals.colossus2-spv.parties.nvidia.moic.p50'); got {metric!r}")
    params = parameter_list(name, "params", params)
    if not isinstance(method, str) or method not in METHODS:
        hint = did_you_mean(method, METHODS)
        raise UsageError(f"{name}: method must be one of {', '.join(METHODS)}; got {method!r}"
                         + (f" (did you mean {hint}?)" if hint else ""))
    if spread is None:
        spread = DEFAULT_SPREAD
    if (isinstance(spread, bool) or not isinstance(spread, int | float | np.integer | np.floating)
            or not 0 < spread <= 1):
        raise UsageError(f"{name}: spread must be above 0 and at most 1 (0.2 is ±20%); "
                         f"got {spread!r}")
    resamples = whole_number(name, "resamples", resamples, 2)
    workers = whole_number(name, "workers", workers, 1)
    if samples is not None:
        samples = whole_number(name, "samples", samples, 2)
    if not isinstance(second_order, bool | np.bool_):
        raise UsageError(f"{name}: second_order must be True or False; got {second_order!r}")
    second_order = bool(second_order)
    chosen, notes = choose_parameters(sc, params, float(spread))
    names = [p.path for p in chosen]
    inside, more = correlation_notes(sc, names)
    notes += more
    used = method
    if inside and method in ("sobol", "morris"):
        pairs = "; ".join(f"{a} ~ {b} at rho {rho:g}" for a, b, rho in inside)
        notes.append(f"inputs are correlated ({pairs}): {method} assumes independent inputs, so "
                     "this uses delta (moment-independent, valid with dependence) on a sample "
                     "with that correlation")
        used = "delta"
    unused = unused_options_note(used, samples=samples, second_order=second_order,
                                 resamples=resamples, default_resamples=RESAMPLES)
    if unused is not None:
        notes.append(unused)
    if used != "tornado":
        sample_mod, analyze_mod = salib(used)
    n = samples if samples is not None else DEFAULT_SAMPLES.get(used, 0)
    if used == "sobol" and n & (n - 1):
        raise UsageError(f"{name}: samples must be a power of two for sobol; got {n} "
                         f"(try {1 << max(n - 1, 1).bit_length()})")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChipcreditWarning)
        base = simulate(sc, paths=paths, seed=seed, scheduler=scheduler)
    baseline = metric_value(base, metric)  # a bad metric path fails here, before the runs
    warned = int(any(issubclass(w.category, ChipcreditWarning)
                     and not issubclass(w.category, ChipcreditNote) for w in caught))
    horizon = sc.horizon_note()  # said once here; each run's own note is not passed on
    if horizon is not None:
        notes.append(horizon)

    problem = {"num_vars": len(chosen), "names": names, "bounds": [[0.0, 1.0]] * len(chosen)}
    if used == "tornado":
        q = np.empty((0, len(chosen)))
        grid = np.array([[p.low if row == 2 * i else p.high if row == 2 * i + 1 else np.nan
                          for i, p in enumerate(chosen)] for row in range(2 * len(chosen))])
    elif used == "sobol":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            q = sample_mod.sample(problem, n, calc_second_order=second_order, seed=seed)
    elif used == "morris":
        q = sample_mod.sample(problem, n, num_levels=4, seed=seed)
    else:
        q = dependent_sample(len(chosen), n, seed, names, sc, inside)
    if used != "tornado":
        grid = np.column_stack([p.at(q[:, i]) for i, p in enumerate(chosen)])

    total = len(grid) + 1
    step = None if progress is None else (lambda done: progress(done + 1, total))
    batch = run_variants(sc, names, grid, metric, paths=paths, seed=seed, workers=workers,
                         scheduler=scheduler,
                         progress=step)
    values, warned = batch.values, warned + batch.warned
    if warned and ".irr." in f".{metric}.":
        notes.append(f"{warned} of {total} runs had paths with no IRR (NaN in those statistics)")

    head = pd.DataFrame({"parameter": names, "basis": [p.basis for p in chosen],
                         "low": [p.low for p in chosen], "high": [p.high for p in chosen]})
    s2 = None
    if used == "tornado":
        head["metric_low"] = values[0::2]
        head["metric_high"] = values[1::2]
        head["swing"] = (head["metric_high"] - head["metric_low"]).abs()
        key = "swing"
    else:
        bad = int(np.isnan(values).sum())
        if bad:
            raise UsageError(f"the metric {metric} has no value on {bad} of {len(values)} runs "
                             "(no path has one there); narrow the parameters' ranges, or choose "
                             "a metric every path has (e.g. npv or loss)")
        if float(np.ptp(values)) == 0.0:
            raise UsageError(f"the metric {metric} does not change over the parameters' ranges "
                             f"(always {values[0]:g}); nothing to rank")
        columns, key, s2 = analyze(used, analyze_mod, problem, q, values, names,
                                    second_order=second_order, resamples=resamples, seed=seed)
        for col, column_values in columns.items():
            head[col] = column_values
        small = sobol_range_note(n, columns, names) if used == "sobol" else None
        if small is not None:
            notes.append(small)
        for note in sobol_contradictions(columns, names) if used == "sobol" else []:
            notes.append(note)  # and said at once: the table beside it is not to be read
            warnings.warn(note, ChipcreditWarning, stacklevel=2)
        notes.append(interval_note(used, paths, seed))
    table = head.sort_values(key, ascending=False, kind="stable", na_position="last")
    table = table.reset_index(drop=True)
    table.index = pd.RangeIndex(1, len(table) + 1, name="rank")
    return SensitivityResult(
        scenario=sc.name, metric=metric, method=used, requested=method, params=tuple(names),
        table=table, baseline=baseline, notes=tuple(notes), runs=total, paths=paths,
        seed=seed, samples=None if used == "tornado" else n, spread=float(spread),
        elapsed_seconds=time.perf_counter() - began, second_order=s2)
