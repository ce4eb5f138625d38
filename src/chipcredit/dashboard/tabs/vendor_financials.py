"""The Market tab's vendor financials table: the HTML report's and ``chipcredit run``'s table
under the vendors table (`chipcredit.report.vendor_financials.financial_rows`), read from the JSON
summary, with the report's caption (`chipcredit.report.vendor_financials.financials_note`): for each
vendor with ``financials``, its equity value, share price and stakes value at the horizon,
its operating profit over it, and the dilution cost of each warrant deal it issues."""

from __future__ import annotations

import pandas as pd

import chipcredit as cc
from chipcredit.dashboard.names import party_name
from chipcredit.report.i18n import Catalogue
from chipcredit.report.monte_carlo_error import money_error
from chipcredit.report.vendor_financials import financial_rows, financials_note
from chipcredit.report.vendors import horizon

__all__ = ["financials_table", "financials_text"]

_DUST = 1e-9
"""A standard error below this is float dust on a figure 0 on every path, not an error (the
report's rule)."""


def financials_table(result: cc.Result, T: Catalogue) -> pd.DataFrame:
    """The vendor financials table, cell for cell the report's (`financials_html`): the
    vendor by its name (on its first row only), the figure, then p05, p50, p95 and the mean
    with its Monte Carlo standard error (``±``), or the base case's one value; money in the
    page's unit, the share price in $ a share. Empty where no vendor has financials."""
    rows = financial_rows(result.to_dict())
    stats = ("p50",) if result.deterministic else ("p05", "p50", "p95", "mean")
    headers = ([T.t("report.col_base_case")] if result.deterministic
               else [T.t(f"report.col_{k}") for k in stats])
    parties = result.scenario.parties
    out = []
    last = None
    for row in rows:
        cells = {T.t("report.col_party"): party_name(row.vendor, parties, T)
                 if row.vendor != last else "",
                 T.t("report.col_vendor_figure"): T.t(f"report.vendor_figure_{row.metric}",
                                                      deal=row.deal)}
        last = row.vendor
        for header, k in zip(headers, stats, strict=True):
            text = T.path_value(f"{row.path}.{k}", row.stats[k])
            se = row.stats["mean_se"]
            if k == "mean" and se is not None and se >= _DUST:
                text += " " + (money_error(se, T) if row.metric != "share_price_end"
                               else f"±{se:,.2f}")
            cells[header] = text.rstrip()
        out.append(cells)
    return pd.DataFrame(out)


def financials_text(result: cc.Result, T: Catalogue) -> str:
    """The caption under `financials_table`, the report's: when each figure is taken, what
    stakes value and dilution cost are, and what the statistics are over."""
    return financials_note(T, horizon=horizon(result.scenario), deterministic=result.deterministic)
