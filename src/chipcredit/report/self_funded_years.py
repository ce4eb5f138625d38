"""The report's table of the vendors' self-funded revenue by calendar year, under the
vendors table whose totals it splits: the horizon's self-funded share (a fraction of 1% in
seed-2025) is mostly the first year's money coming back, which a ten-year total hides."""

from __future__ import annotations

import html
from typing import Any

from chipcredit.analytics.result import Result
from chipcredit.analytics.vendor_years import part_quarters, self_funded_by_year

from .i18n import Catalogue
from .tables import Cell, table
from .theme import display_name

__all__ = ["self_funded_years_table", "vendor_years", "years_rows"]


def vendor_years(result: Result) -> list[tuple[str, list[dict[str, Any]]]]:
    """Each vendor's `self_funded_by_year` items, in scenario order; a vendor without them
    (no provenance traced) is left out. The items are those of the JSON summary's
    ``vendors.VENDOR.self_funded_by_year``."""
    return [(p.id, years) for p in result.scenario.parties if p.kind == "vendor"
            and (years := self_funded_by_year(result, p.id)) is not None]


def years_rows(vendors: list[tuple[str, list[dict[str, Any]]]], cat: Catalogue) -> list[list[str]]:
    """The cells of the by-year table, as text: per year its label (a part year named with
    its quarters, ``2025 (Q4)``), then per vendor its mean revenue and mean self-funded
    revenue in ``cat``'s money unit and their ratio (two decimals, as the vendors table:
    fractions of 1%; n/a for a year without revenue). The report and the dashboard both
    show these cells."""
    rows = []
    for i, year in enumerate(vendors[0][1] if vendors else ()):  # the same years for every vendor
        part = part_quarters(year)
        cells = [str(year["year"]) if part is None
                 else cat.t("report.year_part", year=year["year"], quarters=part)]
        for _, years in vendors:
            item = years[i]
            share = item["self_funded_share"]
            cells += [cat.money(item["revenue_mean"]), cat.money(item["self_funded_revenue_mean"]),
                      cat.na() if share is None
                      else cat.t("number.percent", value=f"{share * 100:.2f}")]
        rows.append(cells)
    return rows


def self_funded_years_table(result: Result, cat: Catalogue) -> str:
    """One row per calendar year of the horizon (a part year named with its quarters): each
    vendor's mean revenue, mean self-funded revenue and the ratio of the two
    (`chipcredit.analytics.vendor_years.self_funded_by_year`), in ``cat``'s money unit, with
    its title and the note of what the share is. Empty where no vendor has the figures (no
    vendor, or no provenance traced).

    Parameters
    ----------
    result : the run
    cat : the report's catalogue

    Returns
    -------
    str
        HTML: a heading, a table (years x (3 columns per vendor)) and a note.
    """
    vendors = vendor_years(result)
    if not vendors:
        return ""
    headers = [cat.t("report.col_year")]
    for vendor, _ in vendors:
        name = display_name(result, vendor, cat)
        headers += [cat.t("report.vendor_years_revenue", vendor=name),
                    cat.t("report.vendor_years_own", vendor=name),
                    cat.t("report.vendor_years_share", vendor=name)]
    rows = [[Cell(label), *(Cell(text, "num") for text in figures)]
            for label, *figures in years_rows(vendors, cat)]
    title, note = (("report.vendor_years_title_base", "report.vendor_years_note_base")
                   if result.deterministic else ("report.vendor_years_title", "report.vendor_years_note"))
    return (f"<h3>{html.escape(cat.t(title))}</h3>" + table(headers, rows)
            + f'<p class="note">{html.escape(cat.t(note))}</p>')
