"""The labs' second-sourcing table of the HTML report: per lab, the share of paths on which
it takes delivery from a vendor other than its primary one within the horizon, and the
quarter of its first such delivery over the paths on which that happens.

The numbers are those of ``chipcredit run``'s table
(`chipcredit.cli.vendor_tables.second_sourcing_table`) and of the JSON summary
(``parties.LAB.second_source_probability`` and ``second_source_quarter``): the same
`Result.summary` rows, a share of paths by the report's rule for shares near none or all
(`chipcredit.report.path_shares.near_end_percent`, through `Catalogue.path_share`), and a
quarter percentile rounded down to the calendar quarter it falls in, named as the report
names every quarter (`Result.quarter_labels`, ``2026Q3``). As in the CLI, no table where no
lab has two vendors to choose from (fewer than two vendors, or no lab: telecom-2000).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chipcredit.analytics.result import Result

from .i18n import Catalogue
from .tables import Cell, table
from .theme import display_name

__all__ = ["QUARTER_STATS", "SourcingRow", "can_second_source", "quarter_name",
           "second_sourcing_table", "sourcing_rows"]

QUARTER_STATS = ("p05", "p50", "p95")
"""The percentiles of the first second-source quarter the table shows (over the paths on
which the lab second-sources; the CLI shows the p50 alone)."""


@dataclass(frozen=True)
class SourcingRow:
    """One lab's row.

    Attributes
    ----------
    party : the lab's id
    probability : share of all paths (0 to 1) on which it second-sources within the
        horizon; None where the summary has no such number
    quarters : the `QUARTER_STATS` percentiles of the quarter of its first delivery from a
        second vendor, in quarters from the start (0 = the first quarter), over the paths on
        which it does; None where no path does
    """

    party: str
    probability: float | None
    quarters: tuple[float | None, ...]


def can_second_source(parties: Sequence[tuple[str, str]]) -> bool:
    """Whether some lab has two vendors to choose from: a lab and at least two vendors
    among ``parties`` ((party id, kind) pairs), the CLI's rule for showing the table."""
    kinds = [kind for _, kind in parties]
    return kinds.count("vendor") >= 2 and "lab" in kinds


def _number(row: Mapping[str, Any] | None, stat: str) -> float | None:
    value = None if row is None else row.get(stat)
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def sourcing_rows(summary: Sequence[Mapping[Any, Any]],
                  parties: Sequence[tuple[str, str]]) -> list[SourcingRow]:
    """The table's rows, one per lab in the order given; empty where `can_second_source`
    is false.

    Parameters
    ----------
    summary : `Result.summary` rows as mappings; a lab's own rows (deal not a string)
        ``second_source_probability`` (its ``mean``) and ``second_source_quarter`` (its
        percentiles over the paths on which the lab second-sources) are read
    parties : (party id, kind) of the scenario's parties

    Returns
    -------
    list of SourcingRow
    """
    if not can_second_source(parties):
        return []
    index = {(str(r["party"]), str(r["metric"])): r for r in summary
             if not isinstance(r.get("deal"), str)}
    return [SourcingRow(party, _number(index.get((party, "second_source_probability")), "mean"),
                        tuple(_number(index.get((party, "second_source_quarter")), stat)
                              for stat in QUARTER_STATS))
            for party, kind in parties if kind == "lab"]


def quarter_name(offset: float | None, labels: Sequence[str]) -> str | None:
    """The calendar quarter a quarter index falls in (``labels``, `Result.quarter_labels`):
    a percentile between two quarters is rounded down, as ``chipcredit run`` does (1.5 ->
    ``labels[1]``); None for None."""
    if offset is None:
        return None
    return labels[min(max(math.floor(offset), 0), len(labels) - 1)]


def second_sourcing_table(result: Result, cat: Catalogue) -> str:
    """The labs' second-sourcing table with its heading and the note under it that says
    what it means; ``""`` where no lab has two vendors to choose from.

    A Monte Carlo run shows P(second source) and the 5th, 50th and 95th percentile of the
    first second-source quarter; a deterministic run (one path) the quarter alone, not
    three equal percentiles.
    """
    parties = [(p.id, p.kind) for p in result.scenario.parties]
    rows = sourcing_rows(result.summary().to_dict("records"), parties)
    if not rows:
        return ""
    labels = result.quarter_labels()
    stats = ("p50",) if result.deterministic else QUARTER_STATS
    headers = [cat.t("report.col_lab"), cat.t("report.col_second_source"),
               *(cat.t("report.col_first_second_source_deterministic") if result.deterministic
                 else cat.t("report.col_first_second_source", stat=stat) for stat in stats)]
    body = []
    for row in rows:
        quarters = dict(zip(QUARTER_STATS, row.quarters, strict=True))
        named = (quarter_name(quarters[stat], labels) for stat in stats)
        body.append([Cell(display_name(result, row.party, cat), "data"),
                     Cell(cat.path_share(row.probability), "num"),
                     *(Cell(cat.t("report.no_value") if q is None else q, "num") for q in named)])
    note = cat.t("report.second_sourcing_note_deterministic" if result.deterministic
                 else "report.second_sourcing_note", none=cat.t("report.no_value"))
    return (f"<h3>{html.escape(cat.t('report.headline_second_sourcing'))}</h3>"
            + table(headers, body) + f'<p class="note">{html.escape(note)}</p>')
