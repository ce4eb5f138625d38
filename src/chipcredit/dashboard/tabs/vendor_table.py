"""The overview's vendors table: the report's and the CLI's vendors table, with the short
headers and column widths that fit the page, and the report's caption under it; then the
table of each vendor's self-funded revenue by calendar year that splits its totals, and the
line that splits them by the buyer that paid them."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit.dashboard.names import party_name
from chipcredit.report.deal_odds import hypothetical_deals
from chipcredit.report.i18n import Catalogue
from chipcredit.report.self_funded_buyers import buyers_note, hypothetical_parties
from chipcredit.report.self_funded_years import years_rows
from chipcredit.report.vendors import (
    VENDOR_COLUMNS,
    horizon,
    outside_funding,
    unmodelled_funding,
    vendor_rows,
    vendors_caption,
)

__all__ = ["VENDOR_LABELS", "VENDOR_WIDTHS", "vendor_buyers_text", "vendor_columns", "vendor_table",
           "vendor_years_columns", "vendor_years_table", "vendor_years_text", "vendors_text"]

_VENDOR_HEADERS = ("report.col_revenue_p50", "report.col_revenue_mean", "report.col_self_funded_p50",
                   "report.col_self_funded_mean", "report.col_self_funded_share",
                   "report.col_self_funded_share_pooled", "report.col_unit_share_end")


def vendor_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The vendors table of the HTML report and the CLI (`chipcredit.report.vendors`): per
    vendor by its name, total revenue and self-funded revenue (median and mean, in the page's
    money unit), the self-funded share (mean of the per-path shares, two decimals) and the
    share of units at the horizon; every cell a string, n/a where there is no number. Empty
    for a scenario without vendors."""
    parties = result.scenario.parties
    rows = []
    for row in vendor_rows(result.summary().to_dict("records"), [(p.id, p.kind) for p in parties]):
        out = {T.t("report.col_party"): party_name(row.party, parties, T)}
        for header, (metric, _, unit), value in zip(_VENDOR_HEADERS, VENDOR_COLUMNS, row.values,
                                                    strict=True):
            out[T.t(header)] = (T.na() if value is None else T.money(value) if unit == "money"
                                else T.t("number.percent", value=f"{value * 100:.2f}")
                                if metric.startswith("self") else T.percent(value))
        rows.append(out)
    return pd.DataFrame(rows)


def vendors_text(result: cc.Result, T: Catalogue) -> str:
    """The caption under `vendor_table`, the report's (`chipcredit.report.vendors.vendors_caption`):
    what self-funded revenue counts, over which paths the unit share is taken, and the
    registry's vendor funding the scenario leaves out, parties by name, in ``T``'s language."""
    parties = result.scenario.parties
    return vendors_caption(result.summary().to_dict("records"), [(p.id, p.kind) for p in parties],
                           unmodelled_funding(result.scenario), T,
                           lambda party: party_name(party, parties, T),
                           outside=outside_funding(result.scenario), horizon=horizon(result.scenario))


VENDOR_WIDTHS = (66, 100, 98, 118, 125, 72, 73, 84)
"""Width (px) of each column of the vendors table: 736 px, the page's main column at 1,280 px
wide, so the last column is not cut off. Each is wide enough for its short header
(`VENDOR_LABELS`) in either language (Chromium's 14 px Source Sans: "self-funded mean" is
108 px, plus 8 px of padding each side), so no header is cut; the full header, the
report's, reads on hover. The two self-funded shares, the mean of per-path shares and the
pooled one, get short headers ("% mean", "% pooled") to leave the party room."""

VENDOR_LABELS = ("report.col_party", "dashboard.vendors.revenue_p50",
                 "dashboard.vendors.revenue_mean", "dashboard.vendors.self_funded_p50",
                 "dashboard.vendors.self_funded_mean", "dashboard.vendors.self_funded_share",
                 "dashboard.vendors.self_funded_pooled", "dashboard.vendors.unit_share_end")
"""Catalogue keys of the vendors table's short headers, in `vendor_table`'s column order."""


def vendor_columns(T: Catalogue) -> dict[str, Any]:
    """``st.dataframe``'s column configuration of `vendor_table`: each column (keyed by its
    full header, the report's) shown under its short header (`VENDOR_LABELS`) at its width
    (`VENDOR_WIDTHS`), with the full header as its help (shown on hover)."""
    headers = [T.t("report.col_party"), *(T.t(h) for h in _VENDOR_HEADERS)]
    return {h: st.column_config.TextColumn(label=T.t(short), width=width, help=h)
            for h, short, width in zip(headers, VENDOR_LABELS, VENDOR_WIDTHS, strict=True)}


_YEAR_HEADERS = (("report.vendor_years_revenue", "dashboard.vendors.years_revenue"),
                 ("report.vendor_years_own", "dashboard.vendors.years_own"),
                 ("report.vendor_years_share", "dashboard.vendors.years_share"))
"""Per vendor, the catalogue keys of its three by-year columns: the report's full header and
the page's short one."""


def _years(result: cc.Result) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each vendor's ``self_funded_by_year`` items from the run's JSON summary
    (`cc.Result.to_dict`, ``vendors.VENDOR.self_funded_by_year``), in scenario order; a
    vendor without them (no provenance traced) is left out."""
    vendors = result.to_dict().get("vendors") or {}
    return [(vendor, entry["self_funded_by_year"]) for vendor, entry in vendors.items()
            if entry.get("self_funded_by_year")]


def vendor_years_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The report's and the CLI's table of self-funded revenue by calendar year
    (`chipcredit.report.self_funded_years`, whose cells it shows), read from the JSON
    summary: one row per year of
    the horizon (a part year named with its quarters, ``2025 (Q4)``), and per vendor its mean
    revenue and mean self-funded revenue that year (in the page's money unit) and their ratio
    (two decimals, as the vendors table: fractions of 1%), under the report's headers; every
    cell a string, n/a for a year without revenue. Empty where no vendor has the figures.

    Returns
    -------
    pandas.DataFrame
        years x (1 + 3 per vendor) strings.
    """
    vendors = _years(result)
    if not vendors:
        return pd.DataFrame()
    parties = result.scenario.parties
    headers = [T.t("report.col_year")]
    for vendor, _ in vendors:
        name = party_name(vendor, parties, T)
        headers += [T.t(full, vendor=name) for full, _ in _YEAR_HEADERS]
    rows = [dict(zip(headers, cells, strict=True)) for cells in years_rows(vendors, T)]
    return pd.DataFrame(rows)


def vendor_years_columns(result: cc.Result, T: Catalogue) -> dict[str, Any]:
    """``st.dataframe``'s column configuration of `vendor_years_table`: each vendor column
    (keyed by the report's full header, ``Nvidia: self-funded revenue``) shown under a short
    header with the vendor's short name, the full header on hover."""
    parties = result.scenario.parties
    out = {}
    for vendor, _ in _years(result):
        name, short = party_name(vendor, parties, T), party_name(vendor, parties, T, short=True)
        for full, label in _YEAR_HEADERS:
            header = T.t(full, vendor=name)
            out[header] = st.column_config.TextColumn(label=T.t(label, vendor=short), help=header)
    return out


def vendor_years_text(result: cc.Result, T: Catalogue) -> tuple[str, str]:
    """The title and the note of `vendor_years_table`, the report's: means over paths (a ratio
    of means, so the years add up to the totals) or, in the base case, its one path."""
    if result.deterministic:
        return T.t("report.vendor_years_title_base"), T.t("report.vendor_years_note_base")
    return T.t("report.vendor_years_title"), T.t("report.vendor_years_note")


def vendor_buyers_text(result: cc.Result, T: Catalogue) -> str | None:
    """The report's and the CLI's line that splits each vendor's self-funded revenue by the
    buyer that paid it (`chipcredit.report.self_funded_buyers.buyers_note`), read from the
    JSON summary's ``vendors.VENDOR.self_funded_by_buyer``, parties by name; None where no
    vendor has the figures (no provenance traced)."""
    doc = result.to_dict()
    vendors = doc.get("vendors") or {}
    parties = result.scenario.parties
    pairs = [(deal, party) for deal, entry in (doc.get("deals") or {}).items()
             for party in (entry.get("parties") or {})]
    return buyers_note({vendor: entry.get("self_funded_by_buyer") for vendor, entry in vendors.items()},
                       T, lambda party: party_name(party, parties, T),
                       deterministic=result.deterministic,  # the report's hypothetical marks
                       hypothetical=hypothetical_parties(pairs, hypothetical_deals(result.scenario.deals)))
