"""The report's credit section: each claim holder's portfolio and each SPV's debt.

Two tables, from the figures of the JSON summary (docs/stress.md, "Portfolio credit risk"):

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

import numpy as np

from chipcredit.analytics.portfolio import portfolio_summary
from chipcredit.analytics.result import Result

from .i18n import Catalogue
from .tables import Cell, table
from .theme import display_name

__all__ = ["book_pd", "credit_section"]


def credit_section(result: Result, cat: Catalogue) -> str:
    """The section's HTML: an introduction, then the portfolio and SPV tables (each only
    where the scenario has such positions), or a note that there is no credit to show."""
    parts = [_portfolios(result, cat), _spvs(result, cat)]
    if not any(parts):
        return _note(cat.t("report.credit_none"))
    return _note(cat.t("report.credit_intro")) + "".join(parts)


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def _portfolios(result: Result, cat: Catalogue) -> str:
    books = portfolio_summary(result)
    if not books:
        return ""
    headers = [cat.t("report.col_holder"), cat.t("report.col_expected_loss"),
               cat.t("report.col_pd"), cat.t("report.col_ead"), cat.t("report.col_p_loss"),
               *(cat.t(f"report.col_{k}") for k in ("var_95", "cvar_95", "var_99", "cvar_99")),
               cat.t("report.col_lgd")]
    rows = []
    for party, book in books.items():
        loss = result.outcomes[f"portfolio|{party}|loss"]
        rows.append([Cell(display_name(result, party, cat), "data"),
                     Cell(cat.money(book["expected_loss"]), "num"),
                     Cell(cat.path_share(book_pd(result, party)), "num"),
                     Cell(cat.money(book["ead"]), "num"),
                     Cell(cat.percent(float(np.mean(loss > 0))), "num"),  # residue is 0 already
                     *(Cell(cat.money(book[k]), "num")
                       for k in ("var_95", "cvar_95", "var_99", "cvar_99")),
                     Cell(cat.percent(book["lgd"]), "num")])
    return (f"<h3>{html.escape(cat.t('report.credit_portfolios'))}</h3>" + table(headers, rows)
            + _note(cat.t("report.credit_pd_note")))


def book_pd(result: Result, party: str) -> float:
    """The PD of ``party``'s credit book: the share of all paths on which an obligor of the
    book defaults while the holder's claim on it is outstanding (its exposure at default
    above 0), any obligor for a book of several. It is the PD of EL = PD x LGD x EAD as the
    JSON's ``portfolios`` define LGD and EAD (over those same paths), and for a
    one-obligor book the last value of its ``pd_term_structure``."""
    prefix = f"portfolio|{party}|ead|"
    ead = np.zeros(result.paths)
    for key, values in result.outcomes.items():
        if key.startswith(prefix):
            ead = ead + np.asarray(values, dtype=np.float64)
    return float(np.mean(ead > 0))


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


def _spvs(result: Result, cat: Catalogue) -> str:
    spvs = [d for d in result.scenario.deals if d.kind == "spv_lease"]
    if not spvs:
        return ""
    headers = [cat.t("report.col_deal"), cat.t("report.col_lender"),
               cat.t("report.col_debt_impaired"), cat.t("report.col_covenant_breach"),
               cat.t("report.col_lessee_default"), cat.t("report.col_debt_loss"),
               cat.t("report.col_ltv_worst"), cat.t("report.col_dscr_worst")]
    rows = []
    for d in spvs:
        def share(metric: str, deal: str = d.id) -> str:
            # 0/1 outcomes kept as float32: the float64 mean is the exact share
            return cat.percent(float(np.mean(result.outcomes[f"spv|{deal}|{metric}"],
                                             dtype=np.float64)))
        rows.append([Cell(d.id, "data"), Cell(display_name(result, d.debt.lender, cat), "data"),
                     Cell(share("debt_impaired"), "num"), Cell(share("covenant_breach"), "num"),
                     Cell(share("lessee_default"), "num"),
                     Cell(cat.money(result.mean(f"spv|{d.id}|debt_loss")), "num"),
                     Cell(_worst(result, cat, d.id, "ltv", high=True), "num"),
                     Cell(_worst(result, cat, d.id, "dscr", high=False), "num")])
    return (f"<h3>{html.escape(cat.t('report.credit_spvs'))}</h3>" + table(headers, rows)
            + _note(cat.t("report.credit_spv_note")))
