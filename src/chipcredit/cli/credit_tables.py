"""The credit tables that ``chipcredit run`` and ``chipcredit runs show`` print after the
deals and parties tables: each claim holder's book and each SPV's debt, from the JSON
summary's ``portfolios`` and ``spvs`` (docs/stress.md, "Portfolio credit risk"), so that a
stored run (whose store keeps that summary) reprints them as ``run`` printed them.

The figures are the HTML report's credit section's (`chipcredit.report.credit`), in the
CLI's formats: over the paths on which the claim exists (given the deal closed), with the
share of all paths they are in the first column of figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.table import Table

from chipcredit.analytics.portfolio import MIN_TAIL_PATHS
from chipcredit.report.credit import TAIL_MARK

from .captions import NotedTable
from .formats import DASH, money, path_share, percent, yes_no

__all__ = ["TAILS", "credit_tables", "holders_table", "spvs_table"]

TAILS = ("var_95", "cvar_95", "var_99", "cvar_99")
"""The tail measures of a book, in the table's order."""


def credit_tables(summary: Mapping[str, Any] | None, *,
                  deterministic: bool = False) -> list[Table]:
    """The claim holders' table and the SPVs' table of a JSON summary (``Result.to_dict()``
    or a stored run's ``summary_json``), each where it has such positions; none where the
    summary is missing."""
    if not summary:
        return []
    tables = [holders_table(summary.get("portfolios") or {}, deterministic=deterministic),
              spvs_table(summary.get("spvs") or {}, deterministic=deterministic)]
    return [t for t in tables if t is not None]


def _few(book: Mapping[str, Any], key: str) -> bool:
    """Whether ``key`` (``var_95`` .. ``cvar_99``) rests on fewer than `MIN_TAIL_PATHS`
    paths (the report's rule, `chipcredit.report.credit`)."""
    paths = book.get(f"tail_paths_{key.rsplit('_', 1)[1]}")
    return book.get(key) is not None and paths is not None and paths < MIN_TAIL_PATHS


def _ead_pv(book: Mapping[str, Any]) -> str:
    """The EAD discounted to the start; a dash where a default has an EAD but no PV of it
    (a run stored before the summary had ``ead_pv``)."""
    ead, pv = book.get("ead"), book.get("ead_pv")
    return DASH if pv is None or ((ead or 0) > 0 and pv == 0) else money(pv)


def holders_table(portfolios: Mapping[str, Mapping[str, Any]], *,
                  deterministic: bool = False) -> Table | None:
    """One row per claim holder (the JSON's ``portfolios``): the share of paths on which it
    holds a claim, its expected credit loss, PD, EAD (nominal) and EAD discounted to the
    start (``ead_pv``: PD x LGD x it is the expected loss), LGD, VaR and CVaR at 95% and 99%
    (marked `TAIL_MARK` where under `MIN_TAIL_PATHS` paths are behind them); of a
    deterministic run (one path) yes or no for the claim and the default, its loss and no
    tail. None where no party holds a claim."""
    if not portfolios:
        return None
    over = "base case" if deterministic else "over the paths on which the claim exists"
    few = [f"{party} {key[-2:]}%" for party, book in portfolios.items()
           for key in ("var_95", "var_99") if _few(book, key)]
    caption = ("held: the share of all paths on which the holder has a claim; every other "
               "figure is over those paths. Expected loss: credit loss (PV at each contract "
               "rate of what was promised and not received), not the deals table's deal loss. "
               "PD: an obligor of the book defaults while the claim is outstanding; for an "
               "SPV's lender the SPV failing to repay its debt (a lessee default the GPU sale "
               "repays in full is no default), so its LGD is a loss given a loss, not "
               "comparable with a loan book's. EAD: nominal, mean over the default paths; "
               "EAD PV: the same discounted to the start, so expected loss = PD x LGD x EAD PV.")
    guaranteed = [f"{party} received {money(book['guarantee_received'])} from guarantees, so "
                  f"its {'loss' if deterministic else 'expected loss'} net of them is "
                  f"{money(book.get('expected_loss_net_of_guarantees'))}"
                  for party, book in portfolios.items()
                  if book.get("guarantee_received") is not None]
    if guaranteed:
        caption += (" Guarantees: a guaranteed claim's credit loss is counted against its "
                    "borrower, so the expected loss does not subtract what a loan_guarantee "
                    "deal's guarantor pays the holder (PV at the guaranteed loan's rate, over "
                    f"the same paths): {'; '.join(guaranteed)}.")
    if few:
        caption += (f" {TAIL_MARK}: under {MIN_TAIL_PATHS} paths in the tail, a few paths' "
                    f"losses, not a tail ({', '.join(few)}).")
    table = NotedTable(title=f"Claim holders: credit losses over the horizon ($B; {over})",
                       title_justify="left", caption_justify="left", caption=caption)
    table.add_column("holder", no_wrap=True)
    # one path has no probability and no tail: yes or no, and its loss
    headers = (("held", "loss", "default", "EAD", "EAD PV", "LGD") if deterministic else
               ("held", "expected loss", "PD", "EAD", "EAD PV", "LGD",
                "VaR 95", "CVaR 95", "VaR 99", "CVaR 99"))
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)
    share = yes_no if deterministic else path_share
    for party, book in portfolios.items():
        table.add_row(party, share(book.get("held_share")), money(book.get("expected_loss")),
                      share(book.get("pd")), money(book.get("ead")), _ead_pv(book),
                      percent(book.get("lgd")),
                      *(() if deterministic else
                        (money(book.get(k)) + (TAIL_MARK if _few(book, k) else "")
                         for k in TAILS)))
    return table


def spvs_table(spvs: Mapping[str, Mapping[str, Any]], *,
               deterministic: bool = False) -> Table | None:
    """One row per SPV (the JSON's ``spvs``): the share of paths on which it closed and,
    over those, P(debt impaired), P(covenant breach) ("no covenants" where its debt has
    none), P(lessee default during the lease) and the mean debt loss (of a deterministic run,
    yes or no, and its debt loss). None without SPVs."""
    if not spvs:
        return None
    over = "base case" if deterministic else "over the paths on which the SPV closed"
    table = NotedTable(
        title=f"SPVs: their debt and covenants ($B; {over})", title_justify="left",
        caption_justify="left",
        caption="closed: the share of all paths on which the SPV closed; every other figure is "
                "over those paths. Impaired: the lender's debt loss above 0. Lessee default: "
                "during the lease term; the SPV's debt is impaired only where the GPU sale "
                "does not repay it.")
    table.add_column("SPV", no_wrap=True)
    headers = (("closed", "debt impaired", "covenant breach", "lessee default", "debt loss")
               if deterministic else ("closed", "P(debt impaired)", "P(covenant breach)",
                                      "P(lessee default)", "mean debt loss"))
    for header in headers:
        table.add_column(header, justify="right", no_wrap=True)
    share = yes_no if deterministic else path_share
    odds = yes_no if deterministic else percent
    for deal, spv in spvs.items():
        breach = spv.get("covenant_breach_probability")
        table.add_row(deal, share(spv.get("closed_share")),
                      odds(spv.get("debt_impairment_probability")),
                      "no covenants" if breach is None and (spv.get("closed_share") or 0) > 0
                      else odds(breach),
                      odds(spv.get("lessee_default_probability")),
                      money((spv.get("debt_loss") or {}).get("mean")))
    return table
