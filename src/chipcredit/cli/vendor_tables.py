"""The run's headline tables beside deals and parties: each vendor's sales, the part of
them paid with its own money (self-funded revenue) and its market share; each lab's
second-sourcing; each vendor's equity value, share price, stakes, operating profit and
warrant dilution. Built from `Result.summary` rows or the JSON summary (``chipcredit run``),
or the same rows and summary kept in the run store (``runs show``), so both print the
same."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from chipcredit.analytics.vendor_years import part_quarters
from chipcredit.report.deal_odds import DUST
from chipcredit.report.default_exposure import EXPOSURE_COLUMNS, exposure_note, exposure_rows
from chipcredit.report.i18n import catalogue
from chipcredit.report.monte_carlo_error import money_error
from chipcredit.report.vendor_financials import financial_rows, financials_note
from chipcredit.report.vendors import Horizon, vendor_rows, vendors_caption

from .captions import NotedTable
from .formats import DASH, finite, money, path_share, percent, yes_no

__all__ = ["exposure_table", "second_sourcing_table", "self_funded_years_table",
           "vendor_financials_table", "vendors_table"]

Summary = Sequence[Mapping[Any, Any]]

_HEADERS = ("revenue total\np50", "revenue total\nmean", "self-funded\nrevenue p50",
            "self-funded\nrevenue mean", "self-funded\nshare mean", "self-funded\nshare pooled",
            "unit share\nend p50")
"""Headers of `chipcredit.report.vendors.VENDOR_COLUMNS`, in their order."""
_BASE_CASE_HEADERS = ("revenue total", "self-funded\nrevenue", "self-funded\nshare",
                      "unit share\nend")
"""Headers of `chipcredit.report.vendors.BASE_CASE_COLUMNS`: the one path's values."""


def _stats(summary: Summary) -> dict[tuple[str, str], Mapping[str, Any]]:
    """A party's own rows (deal None) by (party, metric)."""
    return {(str(r["party"]), str(r["metric"])): r for r in summary
            if not isinstance(r.get("deal"), str)}


def _get(index: Mapping[tuple[str, str], Mapping[str, Any]], party: str, metric: str,
         stat: str) -> Any:
    row = index.get((party, metric))
    return None if row is None else row.get(stat)


def vendors_table(summary: Summary, parties: Sequence[tuple[str, str]], over: str,
                  unmodelled: Sequence[Mapping[str, Any]] = (), *,
                  deterministic: bool = False, outside: Sequence[Mapping[str, Any]] = (),
                  horizon: Horizon | None = None,
                  hypothetical: Sequence[str] = ()) -> Table | None:
    """One row per vendor, in the order given: total revenue (median and mean), the part
    paid with money the vendor put into the buyer (self-funded revenue, median and mean;
    its share of revenue, the mean of the per-path shares, and beside it the pooled share,
    all paths' self-funded revenue over all their revenue, which the by-year table adds up
    to) and its share of units at the
    horizon (median); the rows of `chipcredit.report.vendors.vendor_rows` under the caption
    of `chipcredit.report.vendors.vendors_caption` (English), as the HTML report and the
    dashboard show them: the same sentences in the same order.

    Parameters
    ----------
    summary : sequence of mappings
        `Result.summary` rows (deal, party, metric, mean, p05, p50, p95, nan_share).
    parties : sequence of (party id, kind)
        The scenario's parties; the rows are those of kind ``vendor``.
    over : str
        What the statistics are over, for the title (``medians and means``, ``base case``).
    unmodelled : sequence of mappings
        The registry's vendor funding the scenario leaves out: the items of
        `chipcredit.report.vendors.unmodelled_funding`, named last in the caption.
    deterministic : bool
        Whether ``summary`` is of the one path of a deterministic run: each column once,
        with no median or mean in its header (`chipcredit.report.vendors.BASE_CASE_COLUMNS`),
        as one path has neither.
    outside : sequence of mappings
        The vendors' funding of companies that are not parties
        (`chipcredit.report.vendors.outside_funding`), named in the caption after it.
    horizon : (first quarter, last quarter, quarters) or None
        The horizon every total is over (`chipcredit.report.vendors.horizon`), named in
        the title and the caption; None where the scenario is not at hand.
    hypothetical : sequence of str
        The scenario's hypothetical deals (`chipcredit.report.deal_odds.hypothetical_deals`):
        the caption names those each vendor is in, marked as the deals table marks them.

    Returns
    -------
    Table or None
        Money in $B over the horizon; shares as percents. The JSON summary's ``vendors``
        section holds the same statistics with their p05 and p95. None for a scenario
        without vendors.
    """
    rows = vendor_rows(summary, parties, deterministic=deterministic)
    if not rows:
        return None
    span = "" if horizon is None else f" {horizon[0]}-{horizon[1]}, {horizon[2]} quarters"
    table = NotedTable(title=f"Vendors ($B, totals over the horizon{span}; {over})",
                       title_justify="left", caption_justify="left",
                       caption=vendors_caption(summary, parties, unmodelled, catalogue("en"),
                                               outside=outside, horizon=horizon,
                                               hypothetical=hypothetical))
    table.add_column("vendor", no_wrap=True)
    for header in (_BASE_CASE_HEADERS if deterministic else _HEADERS):
        table.add_column(header, justify="right", no_wrap=True)
    for row in rows:
        if deterministic:
            revenue, own, own_share, unit_share = row.values
            cells = [money(revenue), money(own), percent(own_share, 2)]
        else:
            rev_p50, rev_mean, own_p50, own_mean, own_share, pooled, unit_share = row.values
            cells = [money(rev_p50), money(rev_mean), money(own_p50), money(own_mean),
                     percent(own_share, 2), percent(pooled, 2)]
        # two decimals: self-funded shares are fractions of 1%
        table.add_row(Text(row.party), *cells, percent(unit_share))
    return table


def vendor_financials_table(summary: Mapping[str, Any] | None, *, deterministic: bool = False,
                            horizon: Horizon | None = None) -> Table | None:
    """The table under the vendors table: for each vendor with ``financials``, its equity
    value, share price and stakes value at the horizon and its operating profit over it,
    then the dilution cost of each warrant deal it issues: the rows of
    `chipcredit.report.vendor_financials.financial_rows`, as the HTML report's vendors section shows
    them, with the caption of `chipcredit.report.vendor_financials.financials_note` (English).

    Parameters
    ----------
    summary : mapping or None
        The JSON summary (`Result.to_dict`, or the one the run store keeps); the figures are
        its ``vendors.VENDOR.<figure>`` and ``deals.DEAL.parties.VENDOR.dilution_cost``.
    deterministic : bool
        Whether it is of the one path of a deterministic run: one column, the base case.
    horizon : (first quarter, last quarter, quarters) or None
        Named in the caption; None where the scenario is not at hand.

    Returns
    -------
    Table or None
        $B, the share price in $ a share; p05, p50 and p95, then the mean with its Monte
        Carlo standard error (``±``). None where no vendor has financials.
    """
    rows = financial_rows(summary)
    if not rows:
        return None
    cat = catalogue("en")
    over = "base case" if deterministic else "percentiles and means over paths"
    table = NotedTable(title=f"{cat.t('report.vendor_financials')} ($B; share price in $ a share; "
                             f"{over})",
                       title_justify="left", caption_justify="left",
                       caption=financials_note(cat, horizon=horizon, deterministic=deterministic))
    table.add_column("vendor", no_wrap=True)
    table.add_column("figure", no_wrap=True)
    for header in (("base case",) if deterministic else ("p05", "p50", "p95", "mean")):
        table.add_column(header, justify="right", no_wrap=True)
    last = None
    for row in rows:
        label = cat.t(f"report.vendor_figure_{row.metric}", deal=row.deal)
        if deterministic:
            cells = [money(row.stats["p50"])]
        else:
            cells = [money(row.stats[k]) for k in ("p05", "p50", "p95")]
            se = row.stats["mean_se"]  # float dust (1e-17) on a figure 0 on every path is none
            cells.append(f"{money(row.stats['mean'])} "
                         f"{money_error(None if se is None or se < DUST else se)}".rstrip())
        table.add_row(Text(row.vendor if row.vendor != last else ""), Text(label), *cells)
        last = row.vendor
    return table


def self_funded_years_table(years: Mapping[str, Sequence[Mapping[str, Any]] | None], *,
                            deterministic: bool = False) -> Table | None:
    """One row per calendar year of the horizon: each vendor's mean revenue, mean
    self-funded revenue and the ratio of the two that year, as the report's table under its
    vendors table (`chipcredit.analytics.vendor_years.self_funded_by_year`).

    Parameters
    ----------
    years : mapping of vendor id to its ``self_funded_by_year`` items (or the JSON
        summary's ``vendors.VENDOR.self_funded_by_year``), None for a vendor without them
    deterministic : whether they are of the one path of a deterministic run (the title
        then says base case, not means over paths)

    Returns
    -------
    Table or None
        $B and percents (two decimals: fractions of 1%); a part year is named with its
        quarters. None where no vendor has the figures.
    """
    kept = {vendor: items for vendor, items in years.items() if items}
    if not kept:
        return None
    over = "base case" if deterministic else "means over paths"
    table = NotedTable(title=f"Self-funded revenue by year ($B; {over})",
                       title_justify="left", caption_justify="left",
                       caption="share: that year's self-funded revenue over its revenue"
                               + ("" if deterministic else
                                  ", means over paths (a ratio of means, so the years add up "
                                  "to the totals above; not the mean of per-path shares)"))
    table.add_column("year", no_wrap=True)
    for vendor in kept:
        for header in ("revenue", "self-funded", "share"):
            table.add_column(f"{vendor}\n{header}", justify="right", no_wrap=True)
    first = next(iter(kept.values()))
    for i, year in enumerate(first):  # the same years for every vendor
        part = part_quarters(year)
        cells = [str(year["year"]) if part is None else f"{year['year']} ({part})"]
        for items in kept.values():
            item = items[i]
            cells += [money(item["revenue_mean"]), money(item["self_funded_revenue_mean"]),
                      percent(item["self_funded_share"], 2)]
        table.add_row(*cells)
    return table


def second_sourcing_table(summary: Summary, parties: Sequence[tuple[str, str]],
                          start: str | None, *, deterministic: bool = False) -> Table | None:
    """One row per lab, in the order given: the probability that it takes delivery from a
    vendor other than its primary one within the horizon, and the median quarter of the
    first such delivery over the paths where it does (``deterministic``: whether the one
    path of the base case does, yes or no, and the quarter, as one path has no probability
    or median).

    Parameters
    ----------
    summary : sequence of mappings
        `Result.summary` rows.
    parties : sequence of (party id, kind)
        The scenario's parties; the rows are those of kind ``lab``.
    start : str or None
        The scenario's first quarter (``2025Q4``), to name the median quarter; None shows
        it as quarters after the start.

    Returns
    -------
    Table or None
        None where no lab can second-source: fewer than two vendors, or no lab.
    """
    if sum(kind == "vendor" for _, kind in parties) < 2 or \
            not any(kind == "lab" for _, kind in parties):
        return None
    index = _stats(summary)
    table = NotedTable(title="Labs' second sourcing", title_justify="left", caption_justify="left",
                  caption="from a vendor other than the lab's primary one; " + (
                      "in the base case, within the horizon" if deterministic
                      else "p50 over the paths where it does"))
    table.add_column("lab", no_wrap=True)
    table.add_column("second source" if deterministic else "P(second source)", justify="right",
                     no_wrap=True)
    table.add_column("first quarter" if deterministic else "first quarter\np50",
                     justify="right", no_wrap=True)
    for party, kind in parties:
        if kind != "lab":
            continue
        share = _get(index, party, "second_source_probability", "mean")
        table.add_row(Text(party), yes_no(share) if deterministic else path_share(share),
                      _quarter(_get(index, party, "second_source_quarter", "p50"), start))
    return table


def _quarter(offset: Any, start: str | None) -> str:
    """Quarter ``offset`` after ``start`` (``2025Q4`` + 4 = ``2026Q4``), rounded down: a
    median that falls between two paths' quarters (an even number of paths, interpolated)
    names the quarter its value falls in, which need not be either path's quarter (3 and 7
    give 5)."""
    x = finite(offset)
    if x is None:
        return DASH
    q = math.floor(x)
    if start is None or len(start) != 6 or start[4] != "Q" or not start[:4].isdigit():
        return f"quarter {q}"
    index = int(start[:4]) * 4 + int(start[5]) - 1 + q
    return f"{index // 4}Q{index % 4 + 1}"


_EXPOSURE_HEADERS = ("P(it\ndefaults)", "revenue p50\nwhere it does", "revenue p50\nwhere not",
                     "revenue mean\nwhere it does", "revenue mean\nwhere not")
"""Headers of `chipcredit.report.default_exposure.EXPOSURE_COLUMNS`, in their order."""


def exposure_table(summary: Mapping[str, Any] | None, *,
                   horizon: Horizon | None = None) -> Table | None:
    """Each vendor's total revenue over the horizon where each party that can default
    defaults, and where it does not: the rows of
    `chipcredit.report.default_exposure.exposure_rows`, as the HTML report's vendors section
    shows them, with the caption of `chipcredit.report.default_exposure.exposure_note`
    (English).

    Parameters
    ----------
    summary : mapping or None
        The JSON summary (`Result.to_dict`, or the one the run store keeps); the figures
        are its ``vendors.VENDOR.revenue_given_default.PARTY``.
    horizon : (first quarter, last quarter, quarters) or None
        Named in the title; None where the scenario is not at hand.

    Returns
    -------
    Table or None
        $B; the probability of default as a percent. None where no party defaults on some
        paths and not on others (a deterministic run, one with no lab).
    """
    rows = exposure_rows(summary)
    if not rows:
        return None
    cat = catalogue("en")
    span = "" if horizon is None else f" ({horizon[0]}-{horizon[1]})"
    table = NotedTable(title=f"{cat.t('report.exposure_title')}{span} ($B; medians and means "
                             f"over paths)", title_justify="left", caption_justify="left",
                       caption=exposure_note(cat))
    table.add_column("vendor", no_wrap=True)
    table.add_column("if this party\ndefaults", no_wrap=True)
    for header in _EXPOSURE_HEADERS:
        table.add_column(header, justify="right", no_wrap=True)
    last = None
    for row in rows:
        cells = [percent(row.figures[k]) if k == "default_share" else money(row.figures[k])
                 for k in EXPOSURE_COLUMNS]
        table.add_row(Text(row.vendor if row.vendor != last else ""), Text(row.party), *cells)
        last = row.vendor
    return table
