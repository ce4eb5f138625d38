"""The overview's headline numbers (KPIs): one deal outcome per deal, for the party whose
story it is, and how each reads on its card (label, value, tooltip).

When a MOIC means nothing for a party (it pays and gets nothing back, it is the deal's
financed side, or it put in a token amount) is the rule of `chipcredit.report.multiples`,
which the ``chipcredit run`` table and the HTML report share: such a party's KPI is its NPV.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import chipcredit as cc
from chipcredit.dashboard.names import party_name
from chipcredit.report.i18n import Catalogue
from chipcredit.report.multiples import financed_parties, pair_reason
from chipcredit.report.solvency import defaulting_parties
from chipcredit.report.vendors import horizon

from .shares import PARTIAL_MARK, partial_shares, path_share_text, probability_text

__all__ = ["HEADLINE_SIDE", "OWN_MEASURE", "default_kpis", "headline_kpis", "headline_metric",
           "headline_pairs", "kpi_text"]

OWN_MEASURE = {"deployment_warrant": ("dilution_cost", "warrant_value")}
"""Deal kinds whose NPV and MOIC say nothing, and the outcomes ($B, median over paths) that
measure them instead, the first one the party has: a warrant's issuer puts no money in and
gets a strike of cents back (an NPV of about $0B), so its number is its dilution cost; the
holder's is its warrant value (sale proceeds and held shares less the strike paid)."""
_FINANCIERS = ("vendor", "investor", "lender")

HEADLINE_SIDE = {"loan_guarantee": "guarantor"}
"""Deal kinds whose KPI is the party named by this field of the deal, whatever its kind, and
is its expected loss (the mean over the paths of its ``loss``): a loan guarantee's story is
the guarantor's cost (Lucent's calls; it gets nothing back, so a MOIC would read 0x, and as
it is called on some paths only, its median NPV is often $0B), not the bank's, whose loan
the guarantee makes whole."""


def headline_pairs(result: cc.Result) -> list[tuple[str, str]]:
    """One (deal, party) per deal for the KPI row: the party `HEADLINE_SIDE` names where it
    has a position in the deal, else the first vendor, investor or lender that has one."""
    kinds = {p.id: p.kind for p in result.scenario.parties}
    pairs = set(result.deal_parties())
    out: dict[str, str] = {}
    for d in result.scenario.deals:
        side = getattr(d, HEADLINE_SIDE.get(d.kind, ""), None) if d.kind in HEADLINE_SIDE else None
        if side is not None and (d.id, str(side)) in pairs:
            out[d.id] = str(side)
    for deal, party in result.deal_parties():
        if deal not in out and kinds.get(party) in _FINANCIERS:
            out[deal] = party
    return list(out.items())


def headline_metric(result: cc.Result, deal: str, party: str) -> str:
    """``loss`` (shown as its mean, the expected loss) for a deal of `HEADLINE_SIDE` (a
    guarantee); else the outcome of the deal's own measure (`OWN_MEASURE`: a warrant's ``dilution_cost``
    or ``warrant_value``) where the party has one; else ``moic`` where the MOIC has a value
    and means something (`multiples.moic_reason` finds nothing: a lender, an SPV investor,
    an equity holder); else ``npv``: where the MOIC has no value on any path (the party put
    no money in, e.g. the seller in a take-or-pay) or means nothing (a backstop's cloud
    capacity or a take-or-pay's goods come back, not cash; the financed side; a token
    outlay)."""
    kinds = {d.id: d.kind for d in result.scenario.deals}
    if kinds.get(deal) in HEADLINE_SIDE:  # a guarantor gets nothing back: its number is its loss
        return "loss"
    for measure in OWN_MEASURE.get(kinds.get(deal, ""), ()):
        try:
            result.outcome(deal, party, measure)
        except cc.UsageError:  # this party's side of the deal has the other measure
            continue
        return measure
    moic = np.asarray(result.outcome(deal, party, "moic"), dtype=float)
    if not np.isfinite(moic).any():
        return "npv"
    meant = pair_reason(result, deal, party, financed_parties(result.scenario.deals)) is None
    return "moic" if meant else "npv"


def headline_kpis(result: cc.Result) -> list[tuple[str, str, str, float]]:
    """The KPI row: (deal, party, metric, median over paths) for each `headline_pairs` pair,
    metric from `headline_metric` (MOIC as a multiple, any other in $B; a loss is the mean,
    the expected loss). Pairs whose median has no
    value (the party has no position on most paths) are left out."""
    out = []
    for deal, party in headline_pairs(result):
        metric = headline_metric(result, deal, party)
        values = pd.Series(result.outcome(deal, party, metric))
        # a loss is a mean (an expected loss), as in the deal table's loss column
        value = float(values.mean() if metric == "loss" else values.median())
        if math.isfinite(value):
            out.append((deal, party, metric, value))
    return out


def kpi_text(T: Catalogue, result: cc.Result, deal: str, party: str, metric: str,
             value: float) -> tuple[str, str, str]:
    """A deal KPI of `headline_kpis` as the page shows it: (label, value, tooltip). The label
    names the party by its short name, the deal by its id and the metric; the value is a
    multiple for a MOIC, else money in the page's unit; the tooltip gives the party's full
    name and id and says what the number means (for an NPV, why there is no MOIC). A median
    over only some of the paths (`partial_shares`: the deal did not close on every path)
    carries `PARTIAL_MARK`, and the tooltip gives the share."""
    parties = result.scenario.parties
    label = T.t(f"dashboard.kpi.{metric}", deal=deal,
                party=party_name(party, parties, T, short=True))
    shown = T.metric_value(metric, value)  # a multiple for a MOIC, else money
    help_key = f"dashboard.kpi.help_{metric}"
    if metric == "npv":  # say why there is no MOIC: the financed side, a token outlay, or none
        reason = pair_reason(result, deal, party, financed_parties(result.scenario.deals))
        help_key = {"financed": "dashboard.kpi.help_npv_financed",
                    "token": "dashboard.kpi.help_npv_token"}.get(reason or "", help_key)
    tip = T.t(help_key, name=party_name(party, parties, T), id=party, deal=deal)
    share = partial_shares(result).get((deal, party, metric))
    if share is not None:  # a median over only some paths: marked, as in the deal table
        shown += PARTIAL_MARK
        tip += " " + T.t("dashboard.kpi.help_partial", mark=PARTIAL_MARK,
                         share=path_share_text(T, share))
    return label, shown, tip


def default_kpis(T: Catalogue, result: cc.Result) -> list[tuple[str, str, str, str]]:
    """A default-probability card for each party that can default (a lab, or a cloud on its
    own balance sheet: `chipcredit.report.solvency.defaulting_parties`, the parties the
    report's summary and parties table give odds for), in the scenario's order: (party id,
    label, value, tooltip). The label names the party by its short name and dates the odds
    with the horizon's last quarter, as the parties table's header does
    (``xAI: probability of default by 2035Q3``); the tooltip gives its full name and id."""
    parties = result.scenario.parties
    last = horizon(result.scenario)[1]
    return [(p.id, T.t("dashboard.kpi.default", party=party_name(p.id, parties, T, short=True),
                       last=last),
             probability_text(T, result.default_probability(p.id)),
             f"{party_name(p.id, parties, T)} ({p.id})")
            for p in defaulting_parties(result.scenario)]
