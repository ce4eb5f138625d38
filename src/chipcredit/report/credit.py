"""The report's credit section: each claim holder's portfolio and each SPV's debt.

Two tables, from the figures of the JSON summary (docs/stress.md, "Portfolio credit risk"),
each over the paths on which the claim exists (a deal that may not close has none where it
did not), with the share of all paths they are in the first column of figures:

- per party holding claims under the deals (`chipcredit.analytics.portfolio`): expected
  loss, its PD (`book_pd`), its EAD (nominal) and the EAD discounted to the start (the
  JSON's ``ead_pv``, so that PD x LGD x that EAD is the expected loss), the share of paths
  with a credit loss ("P(credit loss > 0)", not the deals table's deal loss), VaR and
  CVaR (expected shortfall: the mean of the worst 5% and 1% of the paths) at 95% and 99%,
  and the LGD; under a book of several obligors, one row per obligor (its PD, EADs, LGD
  and expected loss, which add up to the book's); where ``loan_guarantee`` deals cover a
  book's claims, a note under the table gives what the guarantors paid it and its expected
  loss net of that (the JSON's ``guarantee_received``, ``expected_loss_net_of_guarantees``);
- per ``spv_lease`` deal: the probabilities that its debt is impaired, that a covenant is
  breached ("no covenants" where it has none) and that its lessee defaults, the mean debt
  loss, and its LTV and DSCR bands at their worst quarter: the quarter of the highest
  95th-percentile LTV (with the median LTV then) and of the lowest 5th-percentile DSCR
  (with the median DSCR then), among the quarters in which the SPV still owes debt on at
  least `MIN_OWING_SHARE` of the paths on which it closed, with the paths behind the
  figure ("on 961 of 2,000 paths"). An LTV of ``inf`` (debt owed on GPUs worth nothing)
  is the highest and reads "∞ (collateral worth nothing)"; the paths on which that
  happened in any quarter follow the LTV, from the first such quarter.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from chipcredit.analytics.closing import closed_paths
from chipcredit.analytics.json_summary import spv_credit
from chipcredit.analytics.portfolio import MIN_TAIL_PATHS, held_paths, portfolio_summary
from chipcredit.analytics.result import Result
from chipcredit.scenario.deals import LoanGuarantee

from .i18n import Catalogue
from .tables import Cell, table
from .theme import display_name

__all__ = ["MIN_OWING_SHARE", "TAIL_MARK", "CreditBlock", "book_pd", "credit_blocks",
           "credit_section", "owing_paths"]


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
               cat.t("report.col_pd"), cat.t("report.col_ead"), cat.t("report.col_ead_pv"),
               cat.t("report.col_p_credit_loss"),
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
                     Cell(_ead_pv(cat, book["ead"], book["ead_pv"]), "num"),
                     # residue is 0 already
                     Cell(cat.percent(float(np.mean(loss > 0))) if loss.size else cat.na(), "num"),
                     # a tail of under MIN_TAIL_PATHS paths is marked, and named below
                     *(Cell(cat.money(book[k]) + (TAIL_MARK if _few(book, k) else ""), "num")
                       for k in ("var_95", "cvar_95", "var_99", "cvar_99")),
                     Cell(cat.na() if book["lgd"] is None else cat.percent(book["lgd"]), "num")])
        if len(book["pd_by_obligor"]) > 1:  # a book of several: each obligor's part of it
            rows.extend(_obligor_rows(result, cat, party, book, held))
    # the scenario's names are English: the Chinese page names a book by its id
    few = [cat.t("report.tail_few_item",
                 party=display_name(result, party, cat) if cat.lang == "en" else party,
                 level=f"{round(level * 100)}%", paths=f"{book[f'tail_paths_{round(level * 100)}']:g}")
           for party, book in books.items() for level in (0.95, 0.99)
           if _few(book, f"var_{round(level * 100)}")]
    blocks = _titled(cat.t("report.credit_portfolios"), headers, rows, cat.t("report.credit_pd_note"))
    if few:  # the marked tails, named in a note of their own
        blocks.append(CreditBlock("note", cat.t("report.tail_few_note", mark=TAIL_MARK,
                                                minimum=MIN_TAIL_PATHS,
                                                items=cat.t("report.item_separator").join(few))))
    guaranteed = _guaranteed(result, cat, books)
    if guaranteed:  # what guarantors paid the holders, which the expected loss leaves out
        blocks.append(CreditBlock("note", cat.t(
            "report.guarantee_note", items=cat.t("report.item_separator").join(guaranteed))))
    return blocks


def _guaranteed(result: Result, cat: Catalogue, books: dict[str, Any]) -> list[str]:
    """For each book that ``loan_guarantee`` deals cover (its JSON
    ``guarantee_received`` is not None), what the guarantors paid it (present value, mean
    over the book's held paths) and its expected loss net of that."""
    out = []
    for party, book in books.items():
        if book.get("guarantee_received") is None:
            continue
        guarantors = sorted({d.guarantor for d in result.scenario.deals
                             if isinstance(d, LoanGuarantee) and d.lender == party})
        names = [display_name(result, g, cat) if cat.lang == "en" else g for g in guarantors]
        out.append(cat.t("report.guarantee_item",
                         party=display_name(result, party, cat) if cat.lang == "en" else party,
                         guarantor=cat.t("report.item_separator").join(names),
                         received=cat.money(book["guarantee_received"]),
                         net=cat.money(book["expected_loss_net_of_guarantees"])))
    return out


TAIL_MARK = "†"
"""Marks a VaR or CVaR that rests on fewer than `MIN_TAIL_PATHS` paths (its JSON
``tail_paths_95`` or ``tail_paths_99``): a few paths' losses, not a tail."""


def _few(book: dict[str, Any], key: str) -> bool:
    """Whether the book's ``var_95``, ``cvar_95``, ``var_99`` or ``cvar_99`` rests on fewer
    than `MIN_TAIL_PATHS` paths (False where it has none)."""
    paths = book.get(f"tail_paths_{key.rsplit('_', 1)[1]}")
    return book.get(key) is not None and paths is not None and paths < MIN_TAIL_PATHS


def _obligor_rows(result: Result, cat: Catalogue, party: str, book: dict[str, Any],
                  held: NDArray[np.bool_]) -> list[list[Cell]]:
    """One row per obligor of a book of several, under the book's: the share of paths on
    which the book holds a claim on it, and its expected loss, PD, EADs, P(loss > 0) and
    LGD over the paths on which the book holds any claim (so that its expected losses add
    up to the book's); the tail measures are the book's alone (they do not add up)."""
    rows = []
    for o, pd in book["pd_by_obligor"].items():
        lost = result.outcomes[f"portfolio|{party}|loss|{o}"][held]
        lgd = book["lgd_by_obligor"][o]
        rows.append([Cell(cat.t("report.obligor_row", obligor=display_name(result, o, cat)), "data"),
                     Cell(cat.path_share(book["held_share_by_obligor"][o]), "num"),
                     Cell(cat.money(book["expected_loss_by_obligor"][o]), "num"),
                     Cell(cat.na() if pd is None else cat.path_share(pd), "num"),
                     Cell(cat.money(book["ead_by_obligor"][o]), "num"),
                     Cell(_ead_pv(cat, book["ead_by_obligor"][o], book["ead_pv_by_obligor"][o]),
                          "num"),
                     Cell(cat.percent(float(np.mean(lost > 0))) if lost.size else cat.na(), "num"),
                     *(Cell("", "num") for _ in range(4)),
                     Cell(cat.na() if lgd is None else cat.percent(lgd), "num")])
    return rows


def _ead_pv(cat: Catalogue, ead: float, ead_pv: float) -> str:
    """The EAD discounted to the start; n/a where a default has an EAD but no PV of it (a
    run stored before the JSON had ``ead_pv``, read back as 0)."""
    return cat.na() if ead > 0 and ead_pv == 0 else cat.money(ead_pv)


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


MIN_OWING_SHARE = 0.05
"""The least share of the paths on which the SPV closed (among the reservoir's) that must
still owe its debt in a quarter for the quarter's LTV or DSCR band to be its worst: a
percentile over a handful of paths (10 of 2,000 in a quarter after the rest repaid) is
an anecdote, not the SPV's risk. The report names the paths behind the figure it shows."""


def _ratio(cat: Catalogue, value: float) -> str:
    """An LTV or DSCR: two decimals; ``inf`` (debt owed on collateral worth nothing) in
    words."""
    return cat.t("report.ratio_infinite") if value == np.inf else f"{value:.2f}"


def owing_paths(result: Result, deal: str, variable: str) -> tuple[NDArray[np.int64], int]:
    """Per quarter, the number of paths among the reservoir's (`Result.bands`' percentiles
    are over them) on which ``deal``'s ``variable`` (``ltv``, ``dscr``) has a value: its SPV
    still owes debt (and, for the DSCR, debt service fell due); and the number of those
    paths on which the SPV closed. Shapes ``(quarters,)`` and a count."""
    kept = np.asarray(result.reservoir[(deal, variable)])
    closed = closed_paths(deal, result.outcomes)
    rows = np.ones(kept.shape[0], dtype=bool) if closed is None else closed[:kept.shape[0]]
    return np.count_nonzero(~np.isnan(kept[rows]), axis=0), int(np.count_nonzero(rows))


def _worst(result: Result, cat: Catalogue, deal: str, variable: str, high: bool) -> str:
    """``p95 / p50 (quarter; on k of n paths)`` of the highest p95 (``high``) or ``p05 /
    p50`` of the lowest p05, over the quarters in which the SPV still owes its debt on at
    least `MIN_OWING_SHARE` of the paths on which it closed (``k``: the paths with a value
    then, ``n``: those closed, both among the reservoir's); n/a where no quarter has. An
    LTV of ``inf`` (the GPUs worth nothing, debt owed) ranks highest and reads so in
    words; for the LTV, the paths on which debt was owed on GPUs worth nothing in any
    quarter follow, with the first such quarter, whether or not that quarter is shown."""
    bands = result.bands(deal, variable)
    tail = bands["p95" if high else "p05"].to_numpy(dtype=float)
    owing, closed = owing_paths(result, deal, variable)
    usable = ~np.isnan(tail) & (owing > 0) & (owing >= MIN_OWING_SHARE * closed)
    if not usable.any():
        return cat.na()
    ranked = np.where(usable, tail, -np.inf if high else np.inf)
    at = int(np.argmax(ranked) if high else np.argmin(ranked))
    quarter = str(bands["quarter"].iloc[at])
    text = cat.t("report.worst_ratio", tail=_ratio(cat, float(tail[at])),
                 median=_ratio(cat, float(bands["p50"].iloc[at])), quarter=quarter,
                 owing=f"{int(owing[at]):,}", paths=cat.paths(closed))
    if high:
        kept = np.asarray(result.reservoir[(deal, variable)])
        worthless = np.isposinf(kept)
        hit = worthless.any(axis=1)
        if hit.any():
            first = int(np.argmax(worthless.any(axis=0)))
            text += cat.t("report.ltv_worthless", count=f"{int(np.count_nonzero(hit)):,}",
                          paths=cat.paths(closed), quarter=str(bands["quarter"].iloc[first]))
    return text


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
            if value is None and name == "covenant_breach" and figures["closed_share"] > 0:
                return cat.t("report.no_covenants")  # not tested, not "never breached"
            return cat.na() if value is None else cat.percent(value)
        rows.append([Cell(d.id, "data"), Cell(display_name(result, d.debt.lender, cat), "data"),
                     Cell(cat.path_share(credit["closed_share"]), "num"),
                     Cell(share("debt_impairment"), "num"), Cell(share("covenant_breach"), "num"),
                     Cell(share("lessee_default"), "num"),
                     Cell(cat.money(credit["debt_loss"]["mean"]), "num"),
                     Cell(_worst(result, cat, d.id, "ltv", high=True), "num"),
                     Cell(_worst(result, cat, d.id, "dscr", high=False), "num")])
    return _titled(cat.t("report.credit_spvs"), headers, rows, cat.t("report.credit_spv_note"))
