"""One probe of a break-even search: a variant's metric, and the share of paths behind it.

A deal's percentiles and mean are taken over the paths where the metric has a value (a MOIC
over the paths where the deal closed, an IRR over the paths where one exists), and that
share of paths may move with the number varied: a median that reaches its target on a
smaller set of paths is a different answer, so each probe also keeps the share of paths
with no value (``nan_share``, as the run's JSON names it).

Beside the summary's statistics a target may name ``p_positive`` of a deal's metric: the
share of all paths with a value above `chipcredit.store.rows.POSITIVE`, the store's
``metrics.p_positive`` and the P(loss > 0) of ``chipcredit run``'s table.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from chipcredit.analytics.metrics import column
from chipcredit.analytics.query import metric_value
from chipcredit.analytics.result import Result
from chipcredit.analytics.simulate import simulate
from chipcredit.errors import ChipcreditWarning, UsageError, did_you_mean
from chipcredit.scenario.model import Scenario
from chipcredit.store.rows import POSITIVE

from .runner import apply_numbers, fast_metric

__all__ = ["P_POSITIVE", "Reading", "deal_metric", "p_positive", "read_probe", "run_probe"]

P_POSITIVE = "p_positive"
_OVER_PATHS = ("mean", "p05", "p50", "p95")
"""Statistics taken over the paths where the metric has a value."""


@dataclass(frozen=True)
class Reading:
    """A probe's metric and, for a deal's statistic over paths, the share of paths where
    the metric has no value (None where that share does not apply)."""

    metric: float
    nan_share: float | None


def deal_metric(metric: str) -> tuple[str, str, str, str] | None:
    """``deals.D.parties.P.M.STAT`` -> ``(D, P, M, STAT)``; None for any other path."""
    parts = metric.split(".")
    if len(parts) == 6 and parts[0] == "deals" and parts[2] == "parties":
        return parts[1], parts[3], parts[4], parts[5]
    return None


def p_positive(result: Result, metric: str) -> float:
    """The share of all paths on which a deal's metric is above `POSITIVE`: for
    ``deals.D.parties.P.loss.p_positive``, P(loss > 0) as the store keeps it.

    Raises
    ------
    UsageError
        For a path that names no deal metric with per-path values (the summary's own
        did-you-mean where the deal, party or metric does not exist).
    """
    named = deal_metric(metric)
    assert named is not None and named[3] == P_POSITIVE
    deal, party, name, _ = named
    values = result.outcomes.get(column("deal", deal, party, name))
    if values is None:
        metric_value(result, metric.removesuffix(P_POSITIVE) + "mean")  # names what is wrong
        raise UsageError(f"metric path {metric!r}: {name} has no per-path values, so it has "
                         "no p_positive; target its mean, p05, p50 or p95")
    return float(np.mean(values > POSITIVE))


def read_probe(result: Result, metric: str) -> Reading:
    """The metric of one run, with the share of paths where it has no value."""
    named = deal_metric(metric)
    if named is not None and named[3] == P_POSITIVE:
        return Reading(p_positive(result, metric), None)
    try:
        value = fast_metric(result, metric)
    except UsageError as err:
        raise _with_p_positive(err, named) from None
    share = None
    if named is not None and named[3] in _OVER_PATHS:
        values = result.outcomes.get(column("deal", *named[:3]))
        if values is not None and values.size:
            share = float(np.mean(~np.isfinite(values)))
    return Reading(value, share)


def _with_p_positive(err: UsageError, named: tuple[str, str, str, str] | None) -> UsageError:
    """The summary's error for a deal metric's unknown statistic, with `P_POSITIVE` among
    the statistics it lists and in its did-you-mean: a target may ask for it (``loss.p_positiv``
    once got "it has mean, p05, p50, p95", as if P(loss > 0) could not be a target)."""
    text = str(err)
    if named is None or f"has no {named[3]!r}" not in text or "; it has " not in text:
        return err
    head, listing = text.rsplit("; it has ", 1)
    if " (did you mean " not in head and did_you_mean(named[3], [P_POSITIVE]):
        head += f" (did you mean {'.'.join(['deals', named[0], 'parties', *named[1:3], P_POSITIVE])}?)"
    return UsageError(f"{head}; it has {listing}, {P_POSITIVE}")


def run_probe(scenario: Scenario, data: dict[str, Any], vary: str, x: float, metric: str,
              paths: int, seed: int, scheduler: Any = None, *,
              deterministic: bool = False) -> Reading:
    """Run the scenario with the number at ``vary`` fixed at ``x`` and read the metric.

    ``data`` is the scenario's `runner.scenario_data`; ``deterministic`` runs the base case
    (one path, `chipcredit.simulate`'s ``deterministic``) instead of ``paths`` paths. A
    `ChipcreditWarning` of the run (paths with no IRR) is not passed on, as
    `runner.run_variants` does not; the reading's ``nan_share`` says it. Other warnings pass
    as they came.
    """
    variant = apply_numbers(scenario, {vary: x}, data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ChipcreditWarning)
        result = simulate(variant, paths=paths, seed=seed, scheduler=scheduler,
                          deterministic=deterministic)
    for w in caught:
        if not issubclass(w.category, ChipcreditWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return read_probe(result, metric)
