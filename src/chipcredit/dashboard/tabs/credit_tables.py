"""The overview's credit section: who holds claims and what they lose, and each SPV's debt.

The HTML report's credit section (`chipcredit.report.credit.credit_blocks`) is the one
place these figures are built: per holder of claims its PD, expected loss, EAD, LGD, VaR
and CVaR and the share of the paths on which it holds a claim, and per SPV the
probabilities that its debt is impaired and that its lessee defaults during the lease, the
share of the paths on which it closed, and its LTV and DSCR at their worst quarter. This
module turns those parts into the dashboard's (`credit_blocks`: notes, headings, tables as
data frames), so that the dashboard shows the same numbers and notes as the report, in the
same language, without building a figure of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

import chipcredit as cc
from chipcredit.report import credit
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


def credit_blocks(result: cc.Result, T: Catalogue) -> list[CreditBlock]:
    """The report's credit section of ``result`` in ``T``'s language, as blocks: its
    introduction, then for the claim holders and for the SPVs (each where the scenario has
    them) a heading, the table and its note; one note alone where there is no credit."""
    return [CreditBlock("table", table=pd.DataFrame([[c.text for c in row] for row in b.rows],
                                                    columns=list(b.headers)))
            if b.kind == "table" else CreditBlock(b.kind, b.text)
            for b in credit.credit_blocks(result, T)]
