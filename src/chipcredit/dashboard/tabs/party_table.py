"""The overview's parties table: each party's own outcomes (default, revenue, cash)."""

from __future__ import annotations

from typing import Any

import pandas as pd

import chipcredit as cc
from chipcredit.dashboard.names import party_name
from chipcredit.report.i18n import Catalogue
from chipcredit.report.solvency import kind_label
from chipcredit.report.vendors import horizon

from .shares import probability_text

__all__ = ["party_table"]


def party_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """Each party with outcomes of its own (by its name): its kind, probability of default
    by the horizon's last quarter (n/a for a party that cannot default), median total
    revenue and median cash at the horizon; every cell a string, n/a where the party has no
    such number."""
    table = result.summary()
    table = table[table["deal"].isna()]
    # dated as the report's and the CLI's: the odds are of a default by the horizon's end
    default_header = T.t("report.col_default_by", last=horizon(result.scenario)[1])
    rows = []
    for party in result.scenario.parties:
        mine = table[table["party"] == party.id].set_index("metric")
        if mine.empty:
            continue
        row = {T.t("report.col_party"): party_name(party.id, result.scenario.parties, T),
               T.t("report.col_kind"): kind_label(party, T)}
        # only labs and clouds on their own balance sheet can default (as in the report)
        row[default_header] = (probability_text(T, result.default_probability(party.id))
                               if party.can_default else T.na())
        # each cell carries its own unit ($B or $T), so the headers name none
        for metric, header in (("revenue_total", "report.col_revenue"), ("cash_end", "report.col_cash_end")):
            value: Any = mine.at[metric, "p50"] if metric in mine.index else None
            row[T.t(header)] = T.money(None if value is None or pd.isna(value) else float(value))
        rows.append(row)
    return pd.DataFrame(rows)
