"""The parties table of ``chipcredit run`` and ``runs show``: each party's own outcomes.

One row per party: its probability of default (for the parties that can default), median
total revenue and median cash at the horizon ($B), with the note on net cash positions.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from rich.table import Table
from rich.text import Text

from chipcredit.report.i18n import catalogue
from chipcredit.report.lab_purchases import LabPurchases, lab_purchases, purchases_line
from chipcredit.report.monte_carlo_error import points_error

from .captions import NotedTable
from .formats import DASH, finite, money, path_share, yes_no
from .summary_index import Summary, summary_index, summary_stat

__all__ = ["SpendSplit", "can_default", "parties_table", "spend_splits"]


SpendSplit = LabPurchases
"""A lab's pooled split of its own hardware spend, ``{vendor: share}``, with ``financed``,
``spend`` and ``money_in`` (`chipcredit.report.lab_purchases.LabPurchases`)."""


def spend_splits(summary: Mapping[str, Any] | None) -> dict[str, LabPurchases]:
    """Each lab's pooled split of its own hardware spend by vendor, ``{lab: SpendSplit}``,
    from a JSON summary's ``parties.LAB.purchases_by_vendor``, for the labs that bought from
    two vendors or more or whose spend a vendor's money in partly covers
    (`chipcredit.report.lab_purchases.lab_purchases`, which the HTML report and the
    dashboard read too). Empty for a summary without them (a run stored before they were
    reported, or none)."""
    return lab_purchases(summary)


def can_default(parties: Sequence[Any]) -> set[str]:
    """Ids of the parties that can default (their model's ``can_default``: labs, and clouds
    whose balance sheet is their own; a funded cloud is backed by its parent and never does).

    ``parties`` are the scenario's party models (``Scenario.parties``).
    """
    return {p.id for p in parties if p.can_default}


def parties_table(summary: Summary, parties: Sequence[tuple[str, str]], over: str,
                  defaultable: Collection[str], *, deterministic: bool = False,
                  last: str | None = None, early: tuple[str, Mapping[str, float]] | None = None,
                  notes: Mapping[str, str] | None = None,
                  splits: Mapping[str, LabPurchases] | None = None,
                  roles: Mapping[str, str] | None = None) -> Table:
    """One row per (party, kind), in the order given: P(default) for the ``defaultable``
    parties (labs and clouds with their own balance sheet), median revenue and cash at the
    end. Where a lender's or a parent-funded cloud's median cash end is negative, a caption
    says that its cash is a net position (what it lent, or was funded with, and has not got
    back), as the HTML report's note does. A ``deterministic`` run's one path has no
    probability and no median: its columns are whether the party defaults (yes or no), its
    revenue and its cash, as the deals table says whether the path lost.

    ``last`` (the horizon's last quarter, ``2035Q3``) heads P(default) with the date it runs
    to; ``early`` (a year's label, ``2030``, and each party's share of paths on which it
    defaults before that year, `chipcredit.report.summary.default_before`) adds the column
    of the report's "defaults before 2030". ``notes`` (party to its scenario ``note``) are
    printed under the table, the caveat beside the party's odds. P(default) carries its
    Monte Carlo standard error in percentage points (``67.6% ±1.5``, the summary rows'
    ``se``; `chipcredit.report.monte_carlo_error`), and a caption line says what ± is.
    ``splits`` (`spend_splits`) adds a caption line for each lab that bought from two
    vendors or more, or whose spend a vendor's money partly covers: its own hardware spend
    by vendor with the mean $B amounts the shares are of, in the HTML report's words
    (`chipcredit.report.lab_purchases.purchases_line`). ``roles`` (party
    to its scenario ``role``) name a party's kind in the scenario's words in the kind
    column (``telecom carrier`` for a lab)."""
    index = summary_index(summary)
    title = (f"Parties ($B; {over}; revenue totalled over the horizon, cash at its end)"
             if deterministic else "Parties ($B; P(default): share of paths; revenue totalled "
             f"over the horizon, cash at its end; {over})")
    table = NotedTable(title=title, title_justify="left", caption_justify="left")
    net_negative = False
    shown_error = False
    table.add_column("party", no_wrap=True)
    table.add_column("kind")
    by = "" if last is None else f"\nby {last}"
    if early is not None and not deterministic:
        table.add_column(f"P(default)\nbefore {early[0]}", justify="right", no_wrap=True)
    for header in ((f"defaults{by}", "revenue total", "cash end") if deterministic
                   else (f"P(default){by}", "revenue total\np50", "cash end\np50")):
        table.add_column(header, justify="right", no_wrap=True)
    for party, kind in parties:
        share = summary_stat(index, None, party, "default_probability", "mean")
        # one Monte Carlo standard error after it (the summary's se; a stored run has none)
        error = ("" if deterministic or party not in defaultable
                 else points_error(finite(summary_stat(index, None, party, "default_probability", "se"))))
        shown_error = shown_error or bool(error)
        prob = (DASH if party not in defaultable
                else yes_no(share) if deterministic else f"{path_share(share)} {error}".rstrip())
        cash = finite(summary_stat(index, None, party, "cash_end", "p50"))
        # a lender, or a cloud its parent funds (it cannot default): cash is a net position
        net_negative |= (cash is not None and cash < 0
                         and (kind == "lender" or (kind == "cloud" and party not in defaultable)))
        before = ([] if early is None or deterministic else
                  [DASH if party not in defaultable else path_share(early[1].get(party))])
        table.add_row(
            Text(party), Text((roles or {}).get(party, kind)), *before, prob,
            money(summary_stat(index, None, party, "revenue_total", "p50")),
            money(summary_stat(index, None, party, "cash_end", "p50")),
        )
    caption = [f"{party}: {text}" for party, text in (notes or {}).items()
               if party in dict(parties)]
    for lab, split in (splits or {}).items():  # who a lab bought its hardware from
        if lab in dict(parties) and isinstance(split, LabPurchases):
            # the HTML report's line, word for word (ids for names)
            caption.append(purchases_line(lab, split, catalogue("en"), deterministic=deterministic))
    if shown_error:  # what ± is, in the HTML report's words
        caption.append(catalogue("en").t("report.mc_error_note"))
    if net_negative:  # the note of the HTML report's parties table, word for word
        caption.append(catalogue("en").t("report.funded_cash_note"))
    if any(kind == "vendor" for _, kind in parties):
        caption.append(catalogue("en").t("report.vendor_cash_note"))
    if caption:
        table.caption = "\n".join(caption)
    return table
