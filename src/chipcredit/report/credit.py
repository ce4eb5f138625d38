"""The report's credit section: each claim holder's portfolio and each SPV's debt.

Two tables, from the figures of the JSON summary (docs/stress.md, "Portfolio credit risk"),
each over the paths on which the claim exists (a deal that may not close has none where it
did not), with the share of all paths they are in the first column of figures:

- per party holding claims under the deals (`chipcredit.analytics.portfolio`): expected
  loss, its PD (`book_pd`) and EAD, the share of paths with a loss, VaR and CVaR (expected
  shortfall: the mean of the worst 5% and 1% of the paths) at 95% and 99%, and the LGD;
- per ``spv_lease`` deal: the probabilities that its debt is impaired, that a covenant is
  breached and that its lessee defaults, the mean debt loss, and its LTV and DSCR bands at
  their worst quarter: the quarter of the highest 95th-percentile LTV (with the median LTV
  then) and of the lowest 5th-percentile DSCR (with the median DSCR then). Quarters in which
  the SPV has no debt left on any path have no LTV or DSCR and are left out.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chipcredit.analytics.json_summary import spv_credit
from chipcredit.analytics.portfolio import held_paths, portfolio_summary
from chipcredit.analytics.result import Result

from .i18n import Catalogue
from .tables import Cell, table
from .theme import display_name

__all__ = ["CreditBlock", "book_pd", "credit_blocks", "credit_section"]


@dataclass(frozen=True)
class CreditBlock:
    """One part of the credit section, in its order.

    Attributes
    ----------
    kind : ``note``, ``heading`` or ``table``
    text : the note's or the heading's text, in the catalogue's language
    headers : a table's column headers
    rows : a table's rows, one per claim holder or SPV, cells as the report writes them
    """

    kind: str
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[Cell, ...], ...] = ()


def credit_blocks(result: Result, cat: Catalogue) -> list[CreditBlock]:
    """The section's parts: an introduction, then for the claim holders and for the SPVs
    (each only where the scenario has such positions) a heading, the table and its note;
    one note alone where there is no credit to show. The report writes them as HTML
    (`credit_section`); the dashboard shows the same parts as its own widgets."""
    parts = [_portfolios(result, cat), _spvs(result, cat)]
    if not any(parts):
        return [CreditBlock("note", cat.t("report.credit_none"))]
    return [CreditBlock("note", cat.t("report.credit_intro")), *parts[0], *parts[1]]


def credit_section(result: Result, cat: Catalogue) -> str:
    """The section's HTML (`credit_blocks`, in order)."""
    out = []
    for block in credit_blocks(result, cat):
        if block.kind == "note":
            out.append(f'<p class="note">{html.escape(block.text)}</p>')
        elif block.kind == "heading":
            out.append(f"<h3>{html.escape(block.text)}</h3>")
        else:
            out.append(table(block.headers, block.rows))
    return "".join(out)


def _titled(title: str, headers: list[str], rows: list[list[Cell]], note: str) -> list[CreditBlock]:
    return [CreditBlock("heading", title),
            CreditBlock("table", headers=tuple(headers), rows=tuple(tuple(r) for r in rows)),
            CreditBlock("note", note)]


def _portfolios(result: Result, cat: Catalogue) -> list[CreditBlock]:
    books = portfolio_summary(result)
    if not books:
        return []
    headers = [cat.t("report.col_holder"), cat.t("report.col_held"), cat.t("report.col_expected_loss"),
               cat.t("report.col_pd"), cat.t("report.col_ead"), cat.t("report.col_p_loss"),
               *(cat.t(f"report.col_{k}") for k in ("var_95", "cvar_95", "var_99", "cvar_99")),
               cat.t("report.col_lgd")]
    rows = []
    for party, book in books.items():
        held = held_paths(result.outcomes, party, result.paths)
        loss = result.outcomes[f"portfolio|{party}|loss"][held]
        pd = book_pd(result, party)
        rows.append([Cell(display_name(result, party, cat), "data"),
                     Cell(cat.path_share(book["held_share"]), "num"),
                     Cell(cat.money(book["expected_loss"]), "num"),
                     Cell(cat.na() if pd is None else cat.path_share(pd), "num"),
                     Cell(cat.money(book["ead"]), "num"),
                     # residue is 0 already
                     Cell(cat.percent(float(np.mean(loss > 0))) if loss.size else cat.na(), "num"),
                     *(Cell(cat.money(book[k]), "num")
                       for k in ("var_95", "cvar_95", "var_99", "cvar_99")),
                     Cell(cat.percent(book["lgd"]), "num")])
    return _titled(cat.t("report.credit_portfolios"), headers, rows, cat.t("report.credit_pd_note"))


def _summed(result: Result, prefix: str) -> NDArray[np.float64]:
    out = np.zeros(result.paths)
    for key, values in result.outcomes.items():
        if key.startswith(prefix):
            out = out + np.asarray(values, dtype=np.float64)
    return out


def book_pd(result: Result, party: str) -> float | None:
    """The PD of ``party``'s credit book: among the paths on which the book holds a claim
    (`chipcredit.analytics.portfolio.held_paths`), the share on which an obligor of the
    book defaults while the holder's claim on it is outstanding (its exposure at default
    above 0), any obligor for a book of several; None where it holds none on any path. It
    is the PD of EL = PD x LGD x EAD as the JSON's ``portfolios`` define EL (over the same
    paths), LGD and EAD (over the paths with a default), and for a one-obligor book the
    last value of its ``pd_term_structure``."""
    held = held_paths(result.outcomes, party, result.paths)
    if not held.any():
        return None
    return float(np.mean(_summed(result, f"portfolio|{party}|ead|")[held] > 0))


def _worst(result: Result, cat: Catalogue, deal: str, variable: str, high: bool) -> str:
    """``p95 / p50 (quarter)`` of the highest p95 (``high``) or ``p05 / p50`` of the
    lowest p05, over the quarters that have a value; n/a where none has."""
    bands = result.bands(deal, variable)
    tail = bands["p95" if high else "p05"].to_numpy(dtype=float)
    if not np.isfinite(tail).any():
        return cat.na()
    at = int(np.nanargmax(tail) if high else np.nanargmin(tail))
    p50 = float(bands["p50"].iloc[at])
    return f"{tail[at]:.2f} / {p50:.2f} ({bands['quarter'].iloc[at]})"


def _spvs(result: Result, cat: Catalogue) -> list[CreditBlock]:
    spvs = [d for d in result.scenario.deals if d.kind == "spv_lease"]
    if not spvs:
        return []
    headers = [cat.t("report.col_deal"), cat.t("report.col_lender"), cat.t("report.col_closed"),
               cat.t("report.col_debt_impaired"), cat.t("report.col_covenant_breach"),
               cat.t("report.col_lessee_default"), cat.t("report.col_debt_loss"),
               cat.t("report.col_ltv_worst"), cat.t("report.col_dscr_worst")]
    rows = []
    for d in spvs:
        # the JSON's figures: over the paths on which the SPV closed
        credit = spv_credit(result, d.id)

        def share(name: str, figures: dict[str, Any] = credit) -> str:
            value = figures[f"{name}_probability"]
            return cat.na() if value is None else cat.percent(value)
        rows.append([Cell(d.id, "data"), Cell(display_name(result, d.debt.lender, cat), "data"),
                     Cell(cat.path_share(credit["closed_share"]), "num"),
                     Cell(share("debt_impairment"), "num"), Cell(share("covenant_breach"), "num"),
                     Cell(share("lessee_default"), "num"),
                     Cell(cat.money(credit["debt_loss"]["mean"]), "num"),
                     Cell(_worst(result, cat, d.id, "ltv", high=True), "num"),
                     Cell(_worst(result, cat, d.id, "dscr", high=False), "num")])
    return _titled(cat.t("report.credit_spvs"), headers, rows, cat.t("report.credit_spv_note"))
