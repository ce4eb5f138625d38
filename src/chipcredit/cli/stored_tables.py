"""The tables of a stored run, as ``chipcredit runs show`` prints them: per variant its deals,
parties, credit (the first variant's, from its stored JSON summary), vendors, self-funded
years and second-sourcing tables, as ``chipcredit run`` printed them, then the run's footer."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.text import Text

from chipcredit import store
from chipcredit.report.base_case_standing import standing_text
from chipcredit.report.deal_odds import discount_rates, hypothetical_deals, path_odds
from chipcredit.report.i18n import catalogue
from chipcredit.report.multiples import closed_from_outcomes, financed_parties
from chipcredit.report.self_funded_buyers import buyers_note, hypothetical_parties
from chipcredit.report.summary import DEFAULT_YEARS
from chipcredit.report.vendors import horizon, outside_funding, unmodelled_funding
from chipcredit.scenario.cross_problem import quarter_label
from chipcredit.units import format_quarter, parse_quarter

from .credit_tables import credit_tables
from .deal_table import deals_table
from .formats import finite, paths_count
from .history_table import checks_from_summary, history_table
from .party_table import parties_table, spend_splits
from .run_footer import print_footer, run_footer
from .stored_run import (
    _clean,
    _parties,
    _scenario,
    _stored_paths,
    _summary,
    _text,
    _variant_paths,
    _vendor_field,
    _whole,
    _with_se,
)
from .vendor_tables import (
    exposure_table,
    second_sourcing_table,
    self_funded_years_table,
    vendor_financials_table,
    vendors_table,
)

__all__ = ["print_tables"]


def print_tables(out: Console, runs: store.RunStore, run_id: int, run: dict[str, Any],
                 metrics: pd.DataFrame) -> None:
    """Print a complete stored run's tables, variant by variant, and its footer.

    Parameters
    ----------
    out : the console to print on.
    runs : the run store, open read-only.
    run_id : the run's id in ``runs``.
    run : the run's row of the store's ``runs`` table (``runs.get_run(run_id)["run"]``).
    metrics : its rows of the ``metrics`` table, every variant's.
    """
    scenario = _scenario(run)
    variants = list(dict.fromkeys(metrics["variant"]))
    stored = _stored_paths(runs, run_id)
    for variant in variants:
        deterministic, paths, paths_text = _variant_paths(run, variant == variants[0],
                                                          stored.get(variant))
        # as Result.summary has them (an IRR above its bracket inf, its ranked_share),
        # so the IRR cells read as 'chipcredit run' printed them, for every variant
        rows = [_clean(r) for r in store.stored_summary(
            metrics[metrics["variant"] == variant]).to_dict("records")]
        rows = _with_se(rows, None if deterministic else paths)  # the ± chipcredit run wrote
        if run["variants"] and run["variants"] > 1:
            out.print(Text(f"variant {variant}", style="bold"))
        kinds = {r["deal"]: r["deal_kind"] for r in rows if r["deal"]}
        p_loss = {(r["deal"], r["party"]): r["p_positive"] for r in rows
                  if r["deal"] and r["metric"] == "loss"}
        over = ("the deterministic base case" if deterministic
                else f"medians over {paths_text}")
        # closures from the stored per-path outcomes, read only when every path is stored
        outcomes = (runs.outcomes(run_id, variant)
                    if scenario is not None and paths is not None
                    and paths == stored.get(variant) else None)
        closed = (None if outcomes is None or scenario is None
                  else closed_from_outcomes(scenario.deals, outcomes))
        out.print(deals_table(rows, kinds, p_loss, over,
                              financed=() if scenario is None else financed_parties(scenario.deals),
                              closed=closed, deterministic=deterministic,
                              hypothetical=(() if scenario is None
                                            else hypothetical_deals(scenario.deals)),
                              rates=None if scenario is None else discount_rates(scenario.parties),
                              odds=(None if outcomes is None or scenario is None
                                    else path_odds(scenario.deals, outcomes)),
                              scenario=scenario.name if scenario is not None
                              else str(run.get("scenario") or "SCENARIO"),
                              paths=None if deterministic else paths))
        parties, defaultable = _parties(rows, scenario)
        out.print(parties_table(rows, parties,
                                "base case" if deterministic else f"p50: medians over {paths_text}",
                                defaultable, deterministic=deterministic,
                                last=None if scenario is None else quarter_label(
                                    scenario, scenario.horizon_quarters - 1),
                                early=(None if outcomes is None or scenario is None
                                       else _early(scenario, outcomes, defaultable)),
                                notes={} if scenario is None else
                                {p.id: p.note for p in scenario.parties if p.note},
                                roles={} if scenario is None else
                                {p.id: p.role for p in scenario.parties if p.role},
                                splits=spend_splits(_summary(run) if variant == variants[0]
                                                    else None)))
        # the credit tables `run` printed, from the stored JSON summary (the first variant's)
        for credit in credit_tables(_summary(run) if variant == variants[0] else None,
                                    deterministic=deterministic):
            out.print(credit)
        # the line under the years, as `run` prints it, from the same stored summary
        made_up = () if scenario is None else hypothetical_deals(scenario.deals)  # as `run`
        by_buyer = buyers_note(_vendor_field(run, "self_funded_by_buyer") if variant == variants[0] else {},
                               catalogue("en"), deterministic=deterministic,
                               hypothetical=hypothetical_parties(
                                   ((r["deal"], r["party"]) for r in rows if r["deal"]), made_up))
        for table in (vendors_table(rows, parties, "base case" if deterministic
                                    else "medians and means",
                                    () if scenario is None else
                                    unmodelled_funding(scenario),
                                    deterministic=deterministic,
                                    outside=() if scenario is None else outside_funding(scenario),
                                    horizon=None if scenario is None else horizon(scenario),
                                    hypothetical=made_up),
                      # the first variant's, the one whose JSON summary the store keeps
                      vendor_financials_table(_summary(run) if variant == variants[0] else None,
                                              deterministic=deterministic,
                                              horizon=None if scenario is None else horizon(scenario)),
                      exposure_table(_summary(run) if variant == variants[0] else None,
                                     horizon=None if scenario is None else horizon(scenario)),
                      self_funded_years_table(_vendor_field(run, "self_funded_by_year")
                                              if variant == variants[0] else {},
                                              deterministic=deterministic),
                      Text(by_buyer) if by_buyer else None,
                      second_sourcing_table(rows, parties,
                                            None if scenario is None else scenario.start,
                                            deterministic=deterministic)):
            if table is not None:  # as `run` prints them
                out.print(table)
        summary = _summary(run) if variant == variants[0] else None
        against = history_table(checks_from_summary(summary), _labels(summary),
                                deterministic=deterministic, seed=_whole(run["seed"]) or 0)
        if against is not None:  # the scenario's history, as `run` placed it
            out.print(against)
    print_footer(out, run_footer(
        scenario=_text(run["scenario"]), sha256=_text(run["scenario_sha256"]),
        paths=_whole(run["paths"]), deterministic=bool(run["deterministic"]),
        seed=_whole(run["seed"]), elapsed=finite(run["elapsed_seconds"]),
        imbalance=finite(run["max_abs_imbalance"]),
        capacity_unit=None if scenario is None else scenario.capacity_unit,
        horizon=None if scenario is None else (
            scenario.start, quarter_label(scenario, scenario.horizon_quarters - 1),
            scenario.horizon_quarters),
        # as `run` says it: where the base case falls among a Monte Carlo run's paths
        standing=None if scenario is None or not run["deterministic"] else standing_text(
            scenario, {r["party"]: r["mean"] for r in rows if r["deal"] is None
                       and r["metric"] == "default_probability" and r["mean"] is not None},
            catalogue("en")))
        + f" · per-path outcomes of {paths_count(_whole(run['stored_paths']))} stored")


def _labels(summary: dict[str, Any] | None) -> list[str]:
    """The stored run's quarter labels, from its JSON summary's start and horizon."""
    if not summary or not summary.get("start") or not summary.get("quarters"):
        return []
    first = parse_quarter(str(summary["start"]))
    return [format_quarter(first + q) for q in range(int(summary["quarters"]))]


def _early(scenario: Any, outcomes: Any, defaultable: set[str]
           ) -> tuple[str, dict[str, float]] | None:
    """The parties table's "P(default) before 2030" from the stored per-path outcomes, as
    `chipcredit run` computes it from its Result (`chipcredit.report.summary.default_before`);
    None where the horizon ends before that year."""
    year = int(scenario.start[:4]) + DEFAULT_YEARS
    last = quarter_label(scenario, scenario.horizon_quarters - 1)
    if year > int(last[:4]):
        return None
    # quarters of a year before ``year``: from the start quarter to the end of year - 1
    cutoff = (year - int(scenario.start[:4])) * 4 - (int(scenario.start[-1]) - 1)
    out = {}
    for party in defaultable:
        dq = np.asarray(outcomes[f"party|{party}|default_quarter"], dtype=np.float64)
        out[party] = float(np.mean((dq >= 0) & (dq < cutoff)))
    return str(year), out
