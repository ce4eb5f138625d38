"""The vendor financials table under the vendors table, shared by the CLI (``chipcredit
run``, ``runs show``), the HTML report and the dashboard's Market tab, from the JSON summary:
each vendor with ``financials``: its equity value, share price and stakes value at the
horizon, its operating profit summed over it, and the dilution cost of each warrant it
issues, with the caption that says what each figure is (`financials_note`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .vendors import Horizon, stat_value

__all__ = ["FINANCIAL_METRICS", "FinancialRow", "financial_rows", "financials_html",
           "financials_note"]


FINANCIAL_METRICS = ("equity_value_end", "share_price_end", "stakes_value_end",
                     "operating_profit_total")
"""The JSON summary's ``vendors.VENDOR`` figures of a vendor with ``financials``, in the
order the vendor financials table shows them (equity value, share price and stakes value at
the horizon, operating profit summed over it); ``dilution_cost`` of each warrant deal it
issues follows them."""


@dataclass(frozen=True)
class FinancialRow:
    """One row of the vendor financials table: the vendor, the figure (one of
    `FINANCIAL_METRICS`, or ``dilution_cost`` with the ``deal`` it is of) and its statistics
    as the JSON summary has them (``p05``, ``p50``, ``p95``, ``mean``, ``mean_se``; None
    where it has none)."""

    vendor: str
    metric: str
    deal: str | None
    stats: Mapping[str, float | None]

    @property
    def path(self) -> str:
        """The JSON summary's path of the figure (``vendors.amd.share_price_end``,
        ``deals.amd-openai-warrant.parties.amd.dilution_cost``)."""
        if self.deal is None:
            return f"vendors.{self.vendor}.{self.metric}"
        return f"deals.{self.deal}.parties.{self.vendor}.{self.metric}"


_STATS = ("p05", "p50", "p95", "mean", "mean_se")


def financial_rows(summary: Mapping[str, Any] | None) -> list[FinancialRow]:
    """The vendor financials table's rows from a JSON summary (`Result.to_dict`, or the one
    the run store keeps): for each vendor with ``financials`` (its ``vendors.VENDOR`` entry
    has ``equity_value_end``), in the summary's order, its `FINANCIAL_METRICS`, then the
    ``dilution_cost`` of each deal in which it gives shares away (its entry in the deal's
    ``parties`` has a ``dilution_cost``: a warrant's issuer), in deal order. Empty where no
    vendor has financials or there is no summary."""
    vendors = (summary or {}).get("vendors") or {}
    deals = (summary or {}).get("deals") or {}
    out: list[FinancialRow] = []
    for vendor, entry in vendors.items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("equity_value_end"), Mapping):
            continue
        for metric in FINANCIAL_METRICS:
            figures = entry.get(metric)
            if isinstance(figures, Mapping):
                out.append(FinancialRow(vendor, metric, None,
                                        {k: stat_value(figures, k) for k in _STATS}))
        for deal, deal_entry in deals.items():
            party = ((deal_entry or {}).get("parties") or {}).get(vendor) or {}
            figures = party.get("dilution_cost")
            if isinstance(figures, Mapping):
                out.append(FinancialRow(vendor, "dilution_cost", deal,
                                        {k: stat_value(figures, k) for k in _STATS}))
    return out


def financials_note(cat: Any, *, horizon: Horizon | None = None,
                    deterministic: bool = False) -> str:
    """The caption under the vendor financials table in ``cat``'s words: when each figure
    is taken (at the horizon's end, or summed over it), what stakes value and dilution cost
    are, and what the statistics are over (paths, or the base case's one path)."""
    span = "" if horizon is None else cat.t("report.vendor_financials_span", first=horizon[0],
                                            last=horizon[1])
    return (cat.t("report.vendor_financials_note", span=span) + " "
            + cat.t("report.vendor_financials_base" if deterministic
                    else "report.vendor_financials_stats"))


def financials_html(summary: Mapping[str, Any] | None, cat: Any,
                    name: Callable[[str], str] = str, *, deterministic: bool = False,
                    horizon: Horizon | None = None) -> str:
    """The vendor financials table of the HTML report's vendors section: the rows of
    `financial_rows` (the figures the CLI's table under its vendors table prints), each
    figure in its unit in ``cat``'s words (`chipcredit.report.i18n.Catalogue.path_value`:
    money in $B or 亿美元, the share price in $ a share), the mean with its Monte Carlo
    standard error; then the note of `financials_note`. ``""`` where no vendor has
    financials."""
    from .monte_carlo_error import money_error
    from .tables import Cell, table

    rows = financial_rows(summary)
    if not rows:
        return ""
    stats = ("p50",) if deterministic else ("p05", "p50", "p95", "mean")
    headers = [cat.t("report.col_party"), cat.t("report.col_vendor_figure"),
               *((cat.t("report.col_base_case"),) if deterministic
                 else (cat.t(f"report.col_{k}") for k in stats))]
    body = []
    last = None
    for row in rows:
        cells = [Cell(name(row.vendor) if row.vendor != last else "", "data"),
                 Cell(cat.t(f"report.vendor_figure_{row.metric}", deal=row.deal))]
        last = row.vendor
        for k in stats:
            text = cat.path_value(f"{row.path}.{k}", row.stats[k])
            se = row.stats["mean_se"]
            if k == "mean" and se is not None and se >= 1e-9:  # float dust is no error
                text += " " + (money_error(se, cat) if row.metric != "share_price_end"
                               else f"±{se:,.2f}")
            cells.append(Cell(text.rstrip(), "num"))
        body.append(cells)
    note = financials_note(cat, horizon=horizon, deterministic=deterministic)
    return (f"<h3>{html.escape(cat.t('report.vendor_financials'))}</h3>" + table(headers, body)
            + f'<p class="note">{html.escape(note)}</p>')
