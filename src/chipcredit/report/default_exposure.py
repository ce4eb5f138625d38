"""The table of each vendor's revenue where a buyer defaults and where it does not, shared by
the CLI (``chipcredit run``, ``runs show``), the HTML report and the dashboard's Market tab,
from the JSON summary's ``vendors.VENDOR.revenue_given_default``
(`chipcredit.analytics.default_exposure.revenue_given_default`), with the caption that says
what the split is and what it is not (`exposure_note`): a comparison of the run's paths,
not the cost of one party's failure alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .vendors import Horizon

__all__ = ["EXPOSURE_COLUMNS", "MIN_SHARE", "ExposureRow", "exposure_html", "exposure_note",
           "exposure_rows", "widest_gap"]

EXPOSURE_COLUMNS = ("default_share", "median_if_default", "median_if_not", "mean_if_default",
                    "mean_if_not")
"""The table's number columns, in order: the JSON summary's figures of each row."""

MIN_SHARE = 0.01
"""A party that defaults on fewer than this share of the paths, or survives on fewer, is
left out of the summary's sentence: a median of a handful of paths is noise."""


@dataclass(frozen=True)
class ExposureRow:
    """One row: ``vendor``'s revenue over the horizon where ``party`` defaults within it and
    where it does not, the JSON summary's figures (`EXPOSURE_COLUMNS`, $B; the default
    share a probability)."""

    vendor: str
    party: str
    figures: Mapping[str, float]

    @property
    def gap(self) -> float:
        """How much lower the median revenue is where the party defaults, as a share of the
        median where it does not (0.6: 60% lower); 0 where the latter is not above 0."""
        without = self.figures["median_if_not"]
        return (without - self.figures["median_if_default"]) / without if without > 0 else 0.0

    def path(self, figure: str) -> str:
        """The JSON summary's path of ``figure``
        (``vendors.nvidia.revenue_given_default.openai.median_if_not``)."""
        return f"vendors.{self.vendor}.revenue_given_default.{self.party}.{figure}"


def exposure_rows(summary: Mapping[str, Any] | None) -> list[ExposureRow]:
    """The table's rows from a JSON summary (`Result.to_dict`, or the one the run store
    keeps): for each vendor in the summary's order, each party of its
    ``revenue_given_default`` that defaults on some paths and not on others (in scenario
    order); a party that never defaults, or always does, has nothing to compare. Empty where
    there is none (a deterministic run's one path is one or the other)."""
    out: list[ExposureRow] = []
    for vendor, entry in ((summary or {}).get("vendors") or {}).items():
        split = entry.get("revenue_given_default") if isinstance(entry, Mapping) else None
        for party, figures in (split or {}).items():
            if all(isinstance(figures.get(k), (int, float)) for k in EXPOSURE_COLUMNS):
                out.append(ExposureRow(vendor, party, {k: float(figures[k])
                                                       for k in EXPOSURE_COLUMNS}))
    return out


def widest_gap(rows: list[ExposureRow]) -> ExposureRow | None:
    """The row the summary quotes: of the first vendor (the summary's order, the scenario's),
    the party whose default goes with the widest relative gap in its median revenue, among
    those that default on at least `MIN_SHARE` of the paths and survive on as many; None
    where there is none."""
    if not rows:
        return None
    first = [r for r in rows if r.vendor == rows[0].vendor
             and MIN_SHARE <= r.figures["default_share"] <= 1 - MIN_SHARE]
    return max(first, key=lambda r: r.gap, default=None)


def exposure_note(cat: Any) -> str:
    """The caption under the table in ``cat``'s words: what each column is over, and why the
    gap is not what the party's default alone costs the vendor."""
    return cat.t("report.exposure_note")


def exposure_html(summary: Mapping[str, Any] | None, cat: Any,
                  name: Callable[[str], str] = str, *, horizon: Horizon | None = None) -> str:
    """The table of the HTML report's vendors section: the rows of `exposure_rows`, the vendor
    by name on its first row, the party by name, the default probability and the medians
    and means in ``cat``'s unit (`chipcredit.report.i18n.Catalogue.path_value`), under its
    title (naming the horizon) and over the note of `exposure_note`. ``""`` where there are
    no rows."""
    from .tables import Cell, table

    rows = exposure_rows(summary)
    if not rows:
        return ""
    headers = [cat.t("report.col_party"), cat.t("report.col_exposure_party"),
               *(cat.t(f"report.col_exposure_{k}") for k in EXPOSURE_COLUMNS)]
    body = []
    last = None
    for row in rows:
        body.append([Cell(name(row.vendor) if row.vendor != last else "", "data"),
                     Cell(name(row.party), "data"),
                     *(Cell(cat.path_value(row.path(k), row.figures[k]), "num")
                       for k in EXPOSURE_COLUMNS)])
        last = row.vendor
    title = cat.t("report.exposure_title") + (
        "" if horizon is None else cat.t("report.vendor_financials_span", first=horizon[0],
                                         last=horizon[1]))
    return (f"<h3>{html.escape(title)}</h3>" + table(headers, body)
            + f'<p class="note">{html.escape(exposure_note(cat))}</p>')
