"""The overview's credit section: who holds claims and what they lose, and each SPV's debt.

The HTML report's credit section (`chipcredit.report.credit.credit_section`) is the one
place these figures are built: per holder of claims its PD, expected loss, EAD, LGD, VaR
and CVaR and the share of the paths on which it holds a claim, and per SPV the
probabilities that its debt is impaired and that its lessee defaults during the lease, the
share of the paths on which it closed, and its LTV and DSCR at their worst quarter. This
module reads that section back into its parts (`credit_blocks`: notes, headings, tables) so
that the dashboard shows the same numbers and notes as the report, in the same language,
without building a figure of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pandas as pd

import chipcredit as cc
from chipcredit.report.credit import credit_section
from chipcredit.report.i18n import Catalogue

__all__ = ["CreditBlock", "credit_blocks"]


@dataclass(frozen=True)
class CreditBlock:
    """One part of the credit section, in its order: ``kind`` is ``note`` or ``heading``
    (``text`` set) or ``table`` (``table`` set: one row per holder or SPV, text cells as
    the report writes them)."""

    kind: str
    text: str = ""
    table: pd.DataFrame = field(default_factory=pd.DataFrame)


class _Section(HTMLParser):
    """The report section's ``<p class="note">``, ``<h3>`` and ``<table>`` elements, in
    order; the section has no other elements (`chipcredit.report.tables.table` writes
    ``thead``/``tbody`` rows of ``th``/``td`` cells, their text escaped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[CreditBlock] = []
        self._text: list[str] | None = None
        self._headers: list[str] = []
        self._rows: list[list[str]] = []
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "h3", "th", "td"):
            self._text = []
        elif tag == "table":
            self._headers, self._rows = [], []
        elif tag == "tr":
            self._row = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        text = "".join(self._text or [])
        if tag in ("p", "h3"):
            self.blocks.append(CreditBlock("note" if tag == "p" else "heading", text))
            self._text = None
        elif tag == "th":
            self._headers.append(text)
            self._text = None
        elif tag == "td" and self._row is not None:
            self._row.append(text)
            self._text = None
        elif tag == "tr" and self._row:
            self._rows.append(self._row)
            self._row = None
        elif tag == "table":
            self.blocks.append(CreditBlock("table", table=pd.DataFrame(self._rows, columns=self._headers)))


def credit_blocks(result: cc.Result, T: Catalogue) -> list[CreditBlock]:
    """The report's credit section of ``result`` in ``T``'s language, as blocks: its
    introduction, then for the claim holders and for the SPVs (each where the scenario has
    them) a heading, the table and its note; one note alone where there is no credit."""
    parser = _Section()
    parser.feed(credit_section(result, T))
    parser.close()
    return parser.blocks
