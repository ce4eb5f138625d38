"""The parties table of ``chipcredit run`` and ``runs show``: each party's own outcomes.

One row per party: its probability of default (for the parties that can default), median
total revenue and median cash at the horizon ($B), with the note on net cash positions.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from chipcredit.report.i18n import catalogue

from .captions import NotedTable
from .formats import DASH, finite, money, path_share, yes_no
from .summary_index import Summary, summary_index, summary_stat

__all__ = ["can_default", "parties_table"]


def can_default(parties: Sequence[Any]) -> set[str]:
    """Ids of the parties that can default (their model's ``can_default``: labs, and clouds
    whose balance sheet is their own; a funded cloud is backed by its parent and never does).

    ``parties`` are the scenario's party models (``Scenario.parties``).
    """
    return {p.id for p in parties if p.can_default}


def parties_table(summary: Summary, parties: Sequence[tuple[str, str]], over: str,
                  defaultable: Collection[str], *, deterministic: bool = False) -> Table:
    """One row per (party, kind), in the order given: P(default) for the ``defaultable``
    parties (labs and clouds with their own balance sheet), median revenue and cash at the
    end. Where a lender's or a parent-funded cloud's median cash end is negative, a caption
    says that its cash is a net position (what it lent, or was funded with, and has not got
    back), as the HTML report's note does. A ``deterministic`` run's one path has no
    probability and no median: its columns are whether the party defaults (yes or no), its
    revenue and its cash, as the deals table says whether the path lost."""
    index = summary_index(summary)
    table = NotedTable(title=f"Parties ($B; {over} at the horizon)", title_justify="left",
                  caption_justify="left")
    net_negative = False
    table.add_column("party", no_wrap=True)
    table.add_column("kind")
    for header in (("defaults", "revenue total", "cash end") if deterministic
                   else ("P(default)", "revenue total\np50", "cash end\np50")):
        table.add_column(header, justify="right", no_wrap=True)
    for party, kind in parties:
        share = summary_stat(index, None, party, "default_probability", "mean")
        prob = (DASH if party not in defaultable
                else yes_no(share) if deterministic else path_share(share))
        cash = finite(summary_stat(index, None, party, "cash_end", "p50"))
        # a lender, or a cloud its parent funds (it cannot default): cash is a net position
        net_negative |= (cash is not None and cash < 0
                         and (kind == "lender" or (kind == "cloud" and party not in defaultable)))
        table.add_row(
            Text(party), Text(kind), prob,
            money(summary_stat(index, None, party, "revenue_total", "p50")),
            money(summary_stat(index, None, party, "cash_end", "p50")),
        )
    if net_negative:  # the note of the HTML report's parties table, word for word
        table.caption = catalogue("en").t("report.funded_cash_note")
    return table
