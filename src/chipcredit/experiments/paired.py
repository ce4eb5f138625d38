"""Paired differences between two runs that share their random numbers.

Two scenarios run with the same seed draw the same shocks wherever they share structure
(keyed substreams), so the per-path difference of an outcome measures the change and not
the noise. The confidence interval of the mean difference comes from those paired paths.

A mean can hide what most paths do: one path with a huge difference (a default that
reroutes a trillion of purchases) moves it as much as thousands of small ones. So each row
also gives the median of the per-path differences and the shares of paths on which the
other run is above and below the base; a mean whose sign disagrees with them is
tail-driven.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from chipcredit.analytics.closing import closed_paths
from chipcredit.analytics.irr_stats import irr_series
from chipcredit.analytics.json_summary import spv_credit
from chipcredit.analytics.portfolio import expected_shortfall, held_paths, portfolio_summary
from chipcredit.analytics.result import Result
from chipcredit.analytics.simulate import simulate
from chipcredit.analytics.unit import metric_unit, summary_unit
from chipcredit.errors import ChipcreditNote, ChipcreditWarning
from chipcredit.scenario.model import Scenario

__all__ = ["COLUMNS", "CREDIT_METRICS", "GIVEN_DEFAULT", "Z95", "paired_differences", "paired_runs"]

Z95 = 1.959963984540054  # two-sided 95% normal quantile
_SKIP = ("irr_reason", "irr_multiple", "mark", "default_cause")
COLUMNS = ("deal", "party", "metric", "base", "other", "difference", "ci_low", "ci_high",
           "median_difference", "share_higher", "share_lower", "paths", "unit")
_SPV_ROWS = (("debt_impaired", "debt_impairment_probability", "lender"),
             ("lessee_default", "lessee_default_probability", "lessee"),
             ("covenant_breach", "covenant_breach_probability", "lender"),
             ("debt_loss", "debt_loss", "lender"))
"""An SPV's outcome (``spv|DEAL|...``), its name in the JSON ``spvs``, and whose row it is:
the SPV debt's lender or the lessee."""
_TAILS = (("var_95", 0.95, False), ("cvar_95", 0.95, True), ("var_99", 0.99, False),
          ("cvar_99", 0.99, True))
GIVEN_DEFAULT = ("lgd", "ead", "ead_pv")
"""A book's figures over each run's own paths with a default (of those it holds)."""
CREDIT_METRICS = (*(name for _, name, _ in _SPV_ROWS), "expected_loss", "pd", *GIVEN_DEFAULT,
                  *(name for name, _, _ in _TAILS))
"""The rows beside `Result.summary`'s: each SPV's (its JSON ``spvs``) and each claim
holder's portfolio (its JSON ``portfolios``)."""


def paired_differences(base: Result, other: Result) -> pd.DataFrame:
    """Per outcome shared by both runs: base mean, other mean, mean paired difference and
    its 95% confidence interval, the median paired difference and the shares of paths where
    the other run is above and below the base, over the paths where both are finite.

    Columns (`COLUMNS`): deal (None for party outcomes), party, metric, base, other,
    difference, ci_low, ci_high, median_difference (the median over the paired paths of
    other minus base, in the metric's unit), share_higher and share_lower (the shares of the
    paired paths with other > base and other < base; the rest are ties), paths, unit (of
    base, other, difference, ci_low, ci_high and median_difference: the metric's unit,
    `chipcredit.analytics.unit`; ``probability`` for the 0/1 events, whose
    median_difference is NaN, null in JSON: a median of differences that are each -1, 0
    or +1 says only which way over half the paths went, while share_higher and share_lower
    are the shares of paths on which the event happens in the other run only and in the
    base only). A deal's ``irr`` is
    paired per path as ``run`` averages it (`irr_series`): a path whose IRR lies below the
    bracket (a total loss) counts at -100%, so a change that turns paths into total losses
    lowers the mean instead of dropping them; paths above the bracket have no number and
    are left out; where both runs have a value on the same paths, ``base`` and ``other``
    are the runs' own IRR means (their JSON ``irr.mean``). Default and
    second-sourcing probabilities are compared as 0/1 outcomes per path, the first for the
    parties that can default in both runs only. The rows are the deal and party outcomes of
    `Result.summary` (a vendor's include ``share_price_end``, $ per share), with, after a
    vendor's own rows, its ``dilution_cost`` (``deal`` None, $B) where it issues a
    ``deployment_warrant`` in either run: per path the sum of its warrants'
    ``dilution_cost``, 0 in a run in which it issues none, so the row is there when
    ``compare --without`` leaves the warrant out of one run (its deal row, in one run
    only, is not); then the credit rows (`CREDIT_METRICS`), the figures of the JSON
    ``spvs`` and ``portfolios`` under the same names:

    - per ``spv_lease`` deal in both runs, with ``deal`` the deal: its
      ``debt_impairment_probability``, ``covenant_breach_probability`` (no row where the
      SPV has no covenant in either run: its JSON figure is null) and ``debt_loss``
      (``party`` the debt's lender) and ``lessee_default_probability`` (the lessee), paired
      per path as the 0/1 events and loss they are, over the paths on which the SPV closed
      in both runs (as ``spvs``, which are over the paths on which it closed; where it
      closed on the same paths in both, ``base`` and ``other`` are the two ``spvs``
      figures);
    - per party holding claims in both runs, with ``deal`` None: ``expected_loss`` (the
      per-path total credit loss, paired over the paths on which the book holds a claim in
      both, as ``portfolios``), ``pd`` (the book's PD: whether any obligor defaults while
      a claim of the party on it is outstanding, a 0/1 event per path, paired over the
      paths held in both, as ``portfolios``' ``pd`` is over the paths held), ``lgd``,
      ``ead`` and ``ead_pv`` (each run's figure over its own held paths with a default,
      as in ``portfolios``; ``paths`` those with a default in both), and ``var_95``,
      ``cvar_95``, ``var_99``, ``cvar_99``, each run's statistic over the paths on which
      its book holds a claim (as in ``portfolios``; ``paths`` those held in both); on
      those seven rows ``difference`` is the other's figure less the base's. A quantile of
      one run, and a figure given default (each run's over its own default paths, a ratio
      of sums for the LGD), is no per-path paired quantity, so those rows have no
      interval, median difference or shares (NaN; null in JSON); where a run has no
      default its ``lgd`` is NaN (null), its EADs 0, as in ``portfolios``, and the
      ``lgd`` difference NaN; a book with no default in either run has no ``lgd``, ``ead``
      or ``ead_pv`` row. An obligor's figures (keyed by a second party) are left out.
    """
    if base.paths != other.paths or base.seed != other.seed:
        raise ValueError("paired differences need two runs with the same paths and seed")
    # as in the summary: a party that cannot default (a funded cloud) has no default row,
    # whose 0 would read as "safe"; nor has one that can default in one run only (a cloud
    # funded from outside in the other), whose two sides would not measure the same thing
    defaultable = ({p.id for p in base.scenario.parties if p.can_default}
                   & {p.id for p in other.scenario.parties if p.can_default})
    rows = []
    for key, a in base.outcomes.items():
        if key not in other.outcomes:
            continue
        parts = key.split("|")
        metric = parts[-1]
        if metric in _SKIP or parts[0] not in ("deal", "party"):
            continue
        if metric == "default_quarter" and parts[1] not in defaultable:
            continue
        b = other.outcomes[key]
        exact: tuple[Any, Any] | None = (base.mean(key), other.mean(key))
        if metric == "irr":  # total losses at -100%, as run's mean counts them
            a, b, exact = _irr_pair(base, other, key)
        events = metric in ("default_quarter", "second_source_quarter")
        if events:  # -1: never; as 0/1 events
            a, b = (a >= 0).astype(float), (b >= 0).astype(float)
            metric = metric.replace("_quarter", "_probability")
        # float64 throughout (the kept outcomes are float32, whose own mean has 7 digits);
        # a metric on every path takes both runs' own exact means (float64 sums per block),
        # as `run` reports them
        rows.append(_paired_row(parts[1] if parts[0] == "deal" else None,
                                parts[2] if parts[0] == "deal" else parts[1], metric,
                                metric_unit(metric), a, b,
                                None if events else exact, event=events))
    rows = _with_dilution_rows(base, other, rows)
    rows += _credit_rows(base, other)
    return pd.DataFrame([r for r in rows if r is not None], columns=list(COLUMNS))


def _with_dilution_rows(base: Result, other: Result, rows: list[dict[str, Any] | None]
                        ) -> list[dict[str, Any] | None]:
    """``rows`` with a vendor row ``dilution_cost`` (``deal`` None) for each vendor that
    issues a ``deployment_warrant`` in either run, after that vendor's last row.

    Per path, the sum over the warrants it issues in a run of its ``dilution_cost`` (the
    value of the shares it gives away at vesting, $B), 0 in a run in which it issues none,
    so a warrant left out of one run (``compare --without``) still has its cost beside the
    vendor's ``equity_value_end`` and ``share_price_end``; paired per path, with both runs'
    exact means (the sums of the deals' means, as in each run's JSON)."""
    runs = (base, other)
    keys: dict[str, list[list[str]]] = {}  # vendor: its warrants' outcome keys in each run
    for k, run in enumerate(runs):
        for deal in run.scenario.deals:
            key = f"deal|{deal.id}|{getattr(deal, 'issuer', '')}|dilution_cost"
            if deal.kind == "deployment_warrant" and key in run.outcomes:
                keys.setdefault(deal.issuer, [[], []])[k].append(key)
    out = list(rows)
    for vendor, (in_base, in_other) in keys.items():
        sums = [np.zeros(run.paths) for run in runs]
        for total, run, found in zip(sums, runs, (in_base, in_other), strict=True):
            for key in found:
                total += run.outcomes[key].astype(np.float64)
        exact = (float(sum(base.mean(k) for k in in_base)),
                 float(sum(other.mean(k) for k in in_other)))
        row = _paired_row(None, vendor, "dilution_cost", metric_unit("dilution_cost"),
                          sums[0], sums[1], exact)
        at = max((i for i, r in enumerate(out) if r is not None and r["deal"] is None
                  and r["party"] == vendor), default=len(out) - 1)
        out.insert(at + 1, row)
    return out


def _irr_pair(base: Result, other: Result, key: str
              ) -> tuple[NDArray[np.float64], NDArray[np.float64], tuple[float, float] | None]:
    """Both runs' per-path IRRs of ``key`` as `irr_series` gives them (a total loss at
    -100%, as the IRR mean of ``run`` and the JSON counts it, docs/output.md), and both
    runs' own IRR means (`Result.describe`), None where either has none (a path above the
    bracket, or withheld)."""
    reason = key.rsplit("|", 1)[0] + "|irr_reason"
    if reason not in base.outcomes or reason not in other.outcomes:  # no side is known
        return (base.outcomes[key].astype(np.float64), other.outcomes[key].astype(np.float64),
                (base.mean(key), other.mean(key)))
    series = [irr_series(run.outcomes[key], run.outcomes[reason]) for run in (base, other)]
    means = (base.describe(key)["mean"], other.describe(key)["mean"])
    exact = None if None in means else (float(means[0]), float(means[1]))
    return series[0], series[1], exact


def _paired_row(deal: str | None, party: str, metric: str, unit: str | None,
                a: NDArray[np.floating], b: NDArray[np.floating],
                exact: tuple[float, float] | None, *, event: bool = False
                ) -> dict[str, Any] | None:
    """One paired row over the paths where both are finite; ``exact``: both runs' exact
    means, used where every path has a value. An ``event`` (a 0/1 outcome per path) has no
    median difference (NaN): its per-path differences are -1, 0 or +1, so their median
    only says whether over half the paths flipped one way (+1 read as "certain" when 52%
    of the paths default under stress); its shares are what it means, the paths on which
    the event happens in the other run only and in the base only."""
    a, b = a.astype(np.float64, copy=False), b.astype(np.float64, copy=False)
    fin_a, fin_b = np.isfinite(a), np.isfinite(b)
    ok = fin_a & fin_b
    count = int(ok.sum())
    if count == 0:
        return None
    diff = b[ok] - a[ok]
    if exact is not None and count == fin_a.sum() == fin_b.sum():
        mean_a, mean_b = exact
        mean = mean_b - mean_a
    else:
        mean_a, mean_b, mean = float(a[ok].mean()), float(b[ok].mean()), float(diff.mean())
    half = float(Z95 * diff.std(ddof=1) / np.sqrt(count)) if count > 1 else float("nan")
    return {"deal": deal, "party": party, "metric": metric, "base": mean_a, "other": mean_b,
            "difference": mean, "ci_low": mean - half, "ci_high": mean + half,
            "median_difference": float("nan") if event else float(np.median(diff)),
            "share_higher": float(np.count_nonzero(diff > 0) / count),
            "share_lower": float(np.count_nonzero(diff < 0) / count), "paths": count,
            "unit": unit}


def _credit_rows(base: Result, other: Result) -> list[dict[str, Any] | None]:
    """The `CREDIT_METRICS` rows of `paired_differences`: SPVs, then portfolios."""
    rows: list[dict[str, Any] | None] = []
    for deal in base.scenario.deals:
        if deal.kind != "spv_lease":
            continue
        whose = {"lender": deal.debt.lender, "lessee": deal.lessee}
        runs = (base, other)
        if not all(f"spv|{deal.id}|{outcome}" in r.outcomes for r in runs for outcome, _, _ in _SPV_ROWS):
            continue
        # as the JSON spvs: over the paths on which the SPV closed, in each run (NaN on the
        # others, so the pairs are the paths on which it closed in both)
        closed = [_closed(r, deal.id) for r in runs]
        figures = [spv_credit(r, deal.id) for r in runs]
        for outcome, name, side in _SPV_ROWS:
            if name == "covenant_breach_probability" and all(f[name] is None for f in figures):
                continue  # no covenant in either run: nothing to breach (JSON null), no row
            key = f"spv|{deal.id}|{outcome}"
            a, b = (np.where(c, r.outcomes[key], np.nan) for r, c in zip(runs, closed, strict=True))
            exact = [f[name]["mean"] if name == "debt_loss" else f[name] for f in figures]
            rows.append(_paired_row(deal.id, whose[side], name, summary_unit(f"spvs.{deal.id}.{name}"),
                                    a, b, None if None in exact else (exact[0], exact[1]),
                                    event=name != "debt_loss"))
    books: list[dict[str, Any]] | None = None  # both runs' JSON portfolios, when needed
    for key in base.outcomes:
        parts = key.split("|")
        if parts[0] != "portfolio" or len(parts) != 3 or key not in other.outcomes:
            continue
        party = parts[1]
        if books is None:
            books = [portfolio_summary(r) for r in (base, other)]
        book = [b[party] for b in books]
        # as the JSON portfolios: over the paths on which the book holds a claim
        held = [held_paths(r.outcomes, party, r.paths) for r in (base, other)]
        a, b = (np.where(h, r.outcomes[key], np.nan)
                for r, h in zip((base, other), held, strict=True))
        exact = [r.mean(key) / float(np.mean(h)) if h.any() else None
                 for r, h in zip((base, other), held, strict=True)]
        rows.append(_paired_row(None, party, "expected_loss",
                                summary_unit(f"portfolios.{party}.expected_loss"), a, b,
                                None if None in exact else (exact[0], exact[1])))
        # the book's PD, a 0/1 event per path (a default of any obligor: its EAD above 0,
        # as portfolios count it), over the paths held, paired over those held in both
        hit = [_defaulted(r, party) for r in (base, other)]
        a, b = (np.where(h, d, np.nan) for h, d in zip(held, hit, strict=True))
        pds = [x["pd"] for x in book]
        rows.append(_paired_row(None, party, "pd", summary_unit(f"portfolios.{party}.pd"), a, b,
                                None if None in pds else (pds[0], pds[1]), event=True))
        if not (held[0].any() and held[1].any()):
            continue
        # given default: each run's over its own default paths (a ratio of sums for the
        # LGD), so no per-path pair and, as a VaR, no interval
        both = int(np.count_nonzero(held[0] & hit[0] & held[1] & hit[1]))
        # no default in either run: nothing to give (JSON lgd null, EADs 0), no row
        for name in GIVEN_DEFAULT if any(x["lgd"] is not None or x["ead"] for x in book) else ():
            pair = [np.nan if x[name] is None else float(x[name]) for x in book]
            rows.append(_statistic_row(party, name, pair[0], pair[1], both))
        for name, level, shortfall in _TAILS:
            pair = [expected_shortfall(x[h], level) if shortfall
                    else float(np.quantile(x[h].astype(np.float64), level))
                    for x, h in zip((base.outcomes[key], other.outcomes[key]), held, strict=True)]
            rows.append(_statistic_row(party, name, pair[0], pair[1],
                                       int(np.count_nonzero(held[0] & held[1]))))
    return rows


def _statistic_row(party: str, name: str, base: float, other: float, paths: int
                   ) -> dict[str, Any]:
    """A book's row of two runs' statistics (a VaR, CVaR, LGD or EAD): ``difference`` the
    other's less the base's (NaN where either is), no interval, median or shares (NaN)."""
    nan = float("nan")
    return {"deal": None, "party": party, "metric": name, "base": base, "other": other,
            "difference": other - base, "ci_low": nan, "ci_high": nan,
            "median_difference": nan, "share_higher": nan, "share_lower": nan,
            "paths": paths, "unit": summary_unit(f"portfolios.{party}.{name}")}


def _defaulted(run: Result, party: str) -> NDArray[np.bool_]:
    """The paths on which an obligor of ``party``'s book defaults while a claim on it is
    outstanding: its summed EAD above 0 (``portfolio|PARTY|ead|OBLIGOR``), as the JSON
    ``portfolios``' ``pd`` and EADs count a default."""
    prefix = f"portfolio|{party}|ead|"
    ead = np.zeros(run.paths)
    for key, values in run.outcomes.items():
        if key.startswith(prefix):
            ead = ead + values
    return ead > 0


def _closed(run: Result, deal: str) -> NDArray[np.bool_]:
    """The paths of ``run`` on which ``deal`` closed (`closed_paths`; all where it has no
    flows to tell by)."""
    closed = closed_paths(deal, run.outcomes)
    return np.ones(run.paths, dtype=bool) if closed is None else closed


def paired_runs(first: Scenario, second: Scenario, paths: int, seed: int,
                names: tuple[str, str] = ("a", "b"), **options: Any) -> tuple[Result, Result]:
    """Simulate two scenarios with the same seed and paths (common random numbers), and
    issue each distinct summary warning of the two runs once, for the caller's caller,
    prefixed with the name of the run it came from (``names``, the variant names the run
    store gives them: ``b: ``), or both names when both runs gave it (``a and b: ``). A
    `ChipcreditNote` (deals past the horizon) is issued again as a note, others as a
    `ChipcreditWarning`."""
    said: dict[tuple[str, type[Warning]], list[str]] = {}
    runs = []
    for name, scenario in zip(names, (first, second), strict=True):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ChipcreditWarning)
            runs.append(simulate(scenario, paths=paths, seed=seed, **options))
        for said_once in dict.fromkeys((str(w.message), w.category) for w in caught):
            said.setdefault(said_once, []).append(name)
    for (message, category), by in said.items():
        # a note (deals past the horizon) stays a note, so the CLI says it as one
        kind = ChipcreditNote if issubclass(category, ChipcreditNote) else ChipcreditWarning
        warnings.warn(f"{' and '.join(by)}: {message}", kind, stacklevel=3)
    return runs[0], runs[1]
