"""The JSON summary of a run (docs/design.md section 9), built from a `Result`'s outcomes.

`Result.to_dict` returns it, and `Result.to_json` writes it. Money is in $B, time in
quarters; a statistic with no value is None; there are no wall-clock times, so the same
scenario, paths and seed give the same summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .closing import closed_paths
from .deal_closed import deals_closed
from .default_exposure import revenue_given_default
from .history_check import history_check
from .irr_stats import bracket_shares
from .lab_purchases import purchases_by_vendor
from .metrics import DEAL_METRICS, column
from .portfolio import portfolio_summary
from .stats import describe, share_se
from .vendor_buyers import self_funded_by_buyer
from .vendor_years import self_funded_by_year

if TYPE_CHECKING:
    from chipcredit.scenario.number import Number

    from .result import Result

__all__ = ["DEAL_EXTRAS", "NAN_METRICS", "SPV_EVENTS", "VENDOR_METRICS", "VENDOR_NAN_METRICS",
           "json_summary", "spv_credit"]

NAN_METRICS = ("irr", "moic", "moic_realised")
"""Deal metrics that have no value on some paths (no sign change, nothing invested, no
position): their statistics are over the paths that have one, and their JSON `S` carries
``nan_share``, the share of paths without one (a test checks that no other outcome is NaN)."""

VENDOR_METRICS = ("market_share_end", "revenue_total", "self_funded_revenue_share",
                  "self_funded_revenue", "gross_profit_total", "operating_profit_total",
                  "stakes_value_end", "equity_value_end", "share_price_end")
"""A vendor's outcomes in the JSON ``vendors`` section, those it has, in this order."""

VENDOR_NAN_METRICS = ("market_share_end",)
"""Vendor outcomes that have no value on some paths: a share of the units sold where no
vendor sold any (over the last four quarters). As with `NAN_METRICS`, their statistics are
over the other paths and their JSON `S` carries ``nan_share``."""

DEAL_EXTRAS = ("warrant_value", "dilution_cost", "vested_shares", "conversion_stake")
"""Per-path outcomes some deal kinds report beside a party's deal metrics (a deal's
``party_outcomes``), in a party's JSON entry where it has them, in this order: a
``deployment_warrant``'s holder ``warrant_value``, issuer ``dilution_cost`` and both
``vested_shares``; a ``vendor_credit``'s borrower ``dilution_cost`` and both
``conversion_stake``."""


def json_summary(result: Result) -> dict[str, Any]:
    """The JSON summary of ``result`` as a dict of plain JSON types (see `Result.to_dict`)."""
    deals: dict[str, Any] = {}
    kinds = {d.id: d.kind for d in result.scenario.deals}
    for deal, party in result.deal_parties():
        entry = deals.setdefault(deal, {"kind": kinds[deal], "parties": {}})
        stats: dict[str, Any] = {}
        for metric in DEAL_METRICS:
            result.outcome(deal, party, metric)  # a missing metric gets its error
            stats[metric] = result.describe(column("deal", deal, party, metric))
        for metric in NAN_METRICS:  # the share of paths the statistics leave out
            values = result.outcome(deal, party, metric)
            stats[metric]["nan_share"] = float(np.mean(~np.isfinite(values)))
        # paths whose flows change sign more than once may have several IRRs; the one
        # reported is the root the bracketed search finds (analytics.valuation.irr)
        multiple = result.outcome(deal, party, "irr_multiple")
        stats["irr"]["multiple_sign_change_share"] = float(np.mean(multiple > 0))
        # an IRR proved to lie beyond the searched bracket: a known answer, its share
        stats["irr"].update(bracket_shares(result.outcome(deal, party, "irr_reason")))
        tied = column("deal", deal, party, "tied_gross_profit")
        if tied in result.outcomes:
            stats["tied_gross_profit"] = result.describe(tied)
        for extra in DEAL_EXTRAS:  # those the deal kind reports (warrants, vendor credit)
            key = column("deal", deal, party, extra)
            if key in result.outcomes:
                stats[extra] = result.describe(key)
        entry["parties"][party] = stats
    for deal, closed in deals_closed(result).items():  # a deal that may not close, and did not
        deals[deal].update(closed)  # on every path: closed_share, figures given it closed
    parties: dict[str, Any] = {}
    for p in result.scenario.parties:
        # 0.0 for a party that cannot default: the JSON contract's (the method refuses it)
        prob = result.default_probability(p.id) if p.can_default else 0.0
        item: dict[str, Any] = {"kind": p.kind, "default_probability": prob,
                                # its Monte Carlo standard error over all the run's paths
                                # (none where nothing is measured: it cannot default)
                                "default_probability_se": (share_se(prob, result.paths)
                                                           if p.can_default else None),
                                # the rate its npv discounts at: an uncertain one is drawn per
                                # path, and this is its median, the deterministic run's rate
                                "discount_rate": _rate(p.discount_rate)}
        if p.role:  # the scenario's label for it ("telecom carrier"); absent otherwise
            item["role"] = p.role
        for metric in ("revenue_total", "cash_end"):
            key = column("party", p.id, metric)
            if key in result.outcomes:
                item[metric] = result.describe(key)
        second = column("party", p.id, "second_source_quarter")
        if second in result.outcomes:  # labs: when they first buy from a second vendor
            sq = result.outcomes[second]
            item["second_source_probability"] = float(np.mean(sq >= 0))
            item["second_source_probability_se"] = share_se(item["second_source_probability"],
                                                            result.paths)
            item["second_source_quarter"] = {**describe(sq[sq >= 0]),
                                             "nan_share": float(np.mean(sq < 0))}
        if (bought := purchases_by_vendor(result, p.id)) is not None:  # labs, by vendor
            item["purchases_by_vendor"] = bought
        parties[p.id] = item
    vendors: dict[str, Any] = {}
    for p in result.scenario.parties:
        if p.kind == "vendor":
            entry = vendors.setdefault(p.id, {})
            for metric in VENDOR_METRICS:  # provenance and financials only when modelled
                key = column("party", p.id, metric)
                if key in result.outcomes:
                    entry[metric] = result.describe(key)
                    if metric in VENDOR_NAN_METRICS:  # the paths on which nothing was sold
                        values = result.outcomes[key]
                        entry[metric]["nan_share"] = float(np.mean(~np.isfinite(values)))
            # beside the mean of per-path shares, all paths' self-funded revenue over all their
            # revenue: the ratio of the two means, which the by-year table adds up to
            own, sales = entry.get("self_funded_revenue"), entry.get("revenue_total")
            if own is not None and sales is not None:
                entry["self_funded_share_pooled"] = (
                    None if own["mean"] is None or not sales["mean"] else own["mean"] / sales["mean"])
            # the horizon's totals split by calendar year (a ten-year share hides its path)
            if (by_year := self_funded_by_year(result, p.id)) is not None:
                entry["self_funded_by_year"] = by_year
            # and by the buyer whose payments carried the vendor's money back
            if (by_buyer := self_funded_by_buyer(result, p.id)) is not None:
                entry["self_funded_by_buyer"] = by_buyer
            # its revenue where each lab (or cloud) that can default does, and where not
            if (exposure := revenue_given_default(result, p.id)) is not None:
                entry["revenue_given_default"] = exposure
    spvs: dict[str, Any] = {}
    for d in result.scenario.deals:
        if d.kind != "spv_lease":
            continue
        spvs[d.id] = spv_credit(result, d.id)
    out: dict[str, Any] = {
        # the code that simulated the run, stamped on the Result then (not this process's)
        "chipcredit_version": result.version,
        "chipcredit_code_sha256": result.code_sha256,
        "scenario": result.scenario.name,
        "scenario_sha256": result.scenario_sha256,
        "paths": result.paths,
        "seed": result.seed,
        "start": result.scenario.start,
        "quarters": result.scenario.horizon_quarters,
        "deterministic": result.deterministic,
        "deals": deals,
        "parties": parties,
        "spvs": spvs,
        "vendors": vendors,
        "portfolios": portfolio_summary(result),
        "ledger": {"max_abs_imbalance": result.max_abs_imbalance},
    }
    if result.scenario.history:  # the run against what was observed (analytics.history_check)
        out["history"] = [check.to_dict() for check in history_check(result)]
    return out


SPV_EVENTS = (("debt_impairment", "debt_impaired"), ("lessee_default", "lessee_default"),
              ("covenant_breach", "covenant_breach"))
"""An SPV's probabilities in the JSON ``spvs`` (``NAME_probability``) and the 0/1
outcome each is the share of (``spv|DEAL|OUTCOME``)."""


def spv_credit(result: Result, deal: str) -> dict[str, Any]:
    """The JSON ``spvs`` entry of an ``spv_lease`` deal: its credit figures over the paths
    on which it closed (`closed_paths`), the only ones on which its debt exists, and
    ``closed_share``, the share of all paths those are.

    Returns
    -------
    dict
        ``debt_impairment_probability``, ``lessee_default_probability``,
        ``covenant_breach_probability`` (shares of the closed paths; None where it closed
        on none, and the covenant's None where the deal has no covenant to breach: a
        0 would read "tested and never breached"), each with its Monte Carlo
        standard error ``NAME_probability_se`` (`share_se` over the closed paths),
        ``debt_loss`` (`S` over the closed
        paths, $B) and ``closed_share``.
    """
    closed = closed_paths(deal, result.outcomes)
    if closed is None:
        closed = np.ones(result.paths, dtype=bool)
    spec = next((d for d in result.scenario.deals if d.id == deal), None)
    covenants = getattr(spec, "covenants", None)
    untested = covenants is None or (covenants.ltv is None and covenants.dscr is None)
    out: dict[str, Any] = {}
    for name, key in SPV_EVENTS:
        if name == "covenant_breach" and untested:
            out[f"{name}_probability"] = out[f"{name}_probability_se"] = None
            continue
        # the 0/1 outcomes are kept as float32: their float32 mean is 0.08100000023841858
        # where the share is 0.081; a float64 mean of 0/1 values is the exact share
        values = result.outcomes[column("spv", deal, key)][closed]
        out[f"{name}_probability"] = float(np.mean(values, dtype=np.float64)) if closed.any() else None
        out[f"{name}_probability_se"] = share_se(out[f"{name}_probability"], int(closed.sum()))
    loss = column("spv", deal, "debt_loss")
    # on every path: the exact mean, to the bit of a run before closing was counted; else
    # the exact mean over all paths over the share closed, the debt losing nothing where
    # the SPV never drew it
    out["debt_loss"] = (result.describe(loss) if closed.all()
                        else describe(result.outcomes[loss][closed],
                                      mean=result.mean(loss) / float(np.mean(closed))
                                      if closed.any() else None))
    out["closed_share"] = float(np.mean(closed))
    return out


def _rate(number: Number) -> float:
    """A discount rate's fixed value, or the median of an uncertain one (effective annual)."""
    if number.value is not None and not number.is_uncertain:
        return float(number.value)
    return number.median()
