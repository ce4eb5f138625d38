"""Per-path metrics of a finished chunk: per deal per party, and per party.

Definitions follow docs/design.md section 2a:

- ``npv_realised``: the party's flows in the deal discounted at its rate to the start;
  ``npv`` adds the horizon mark discounted from the horizon;
- ``irr``: of the flows with the mark, per quarter, reported effective annual; NaN where
  the flows have no sign change or no root in the bracket (the reason is kept);
- ``moic`` = (received + mark) / invested; ``moic_realised`` = received / invested;
- ``loss``: PV at the contract rate of promised minus received for claims; cost minus
  realised and marked, floored at zero, for equity;
- ``peak_exposure``: the claim's peak exposure, or the peak of cumulative net outflow;
- ``cash_in``, ``cash_out``: undiscounted totals of the party's net flow at each time (money
  in and out of the deal at the same time counts once, net, as in every metric here);
- ``tied_gross_profit``: the vendor's gross profit on sales the deal tied, beside the deal.

Losses and marks below `MONEY_DUST` ($1e-9B, one dollar) in magnitude are rounding residue
of $B-sized sums (4.4e-16 on a loan repaid in full), not money: they are set to exactly 0
here, where each path's ``loss`` and horizon ``mark`` are taken (`position_marks`,
`position_losses`; the portfolio losses and an SPV's ``debt_loss`` likewise), so that every
consumer (tables, JSON, store, SQL, CSV) sees the same 0 and ``loss > 0`` means a loss.
``npv``, ``irr`` and ``moic`` take the mark so cleaned.

Claims at the horizon are marked at balance times the one-year survival of the borrower (a
lab or a cloud) implied by its default rate over the last four quarters. That rate is
measured within each stream block (4,096 paths), so a block's results never depend on other
blocks and runs are bit-identical whatever the chunking.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from chipcredit.deals.base import DealRuntime
from chipcredit.engine.clouds import CloudState
from chipcredit.engine.dust import MONEY_DUST, snap
from chipcredit.engine.labs import LabState
from chipcredit.engine.row_sums import sum_rows
from chipcredit.engine.sim import Sim
from chipcredit.engine.sum_kernel import cash_in_out
from chipcredit.engine.vendors import VendorState, market_share_end

from .flow_kernel import MAX_TIMES, flow_metrics
from .portfolio import portfolio_columns
from .valuation import irr, npv, npv_factors

__all__ = ["DEAL_METRICS", "LOSS_OUTCOMES", "PARTY_METRICS", "PURCHASE_METRICS", "VENDOR_MONEY_KINDS",
           "column", "position_losses", "position_marks", "reduce_chunk", "survival", "survivals",
           "vendor_money_in"]

DEAL_METRICS = ("npv", "irr", "moic", "npv_realised", "moic_realised", "loss",
                "peak_exposure", "cash_in", "cash_out")
MIN_INVESTED = 1e-9
"""$B; below a dollar put in, a multiple of money means nothing, so MOIC is NaN."""
PARTY_METRICS = ("revenue_total", "cash_end", "default_quarter", "default_cause",
                 "second_source_quarter", "market_share_end", "gross_profit_total",
                 "operating_profit_total", "equity_value_end", "stakes_value_end",
                 "share_price_end")
"""Labs: the first four and ``second_source_quarter`` (-1: never); vendors: revenue, cash,
market share over the last four quarters (NaN where no vendor sold any units then), and
with financials the rest."""

PURCHASE_METRICS = ("units_total", "spend_total", "vendor_money_in")
"""A lab's purchases from one vendor over the horizon, ``purchases|LAB|METRIC|VENDOR``:
capacity units bought and $B paid for them (the vendor's ``sale`` flows the lab paid:
its own purchases and a vendor credit's delivery; `Sim.purchases`), and the $B the
vendor's deals put into the lab (`VENDOR_MONEY_KINDS`, `vendor_money_in`)."""

VENDOR_MONEY_KINDS = ("equity", "tranche", "loan_draw", "credit_draw", "warrant_sale")
"""The ledger's flow kinds that ``vendor_money_in`` adds up, each paid to the lab in a deal
whose payer is the vendor: an ``equity`` deal's equity, a ``milestone_equity`` deal's
tranches, a ``loan``'s draw, a ``credit_facility``'s or a ``vendor_credit``'s credit drawn,
and the sale proceeds of the shares a ``deployment_warrant`` issued (the market pays them,
with the issuer's money origin: the issuer's shareholders pay through dilution). A
``vendor_credit``'s ``conversion_equity`` is left out: it moves no money (the vendor buys
the shares and the lab repays the credit with it), and the credit it repays was counted
when it was drawn."""


LOSS_OUTCOMES = ("debt_loss",)
"""A deal's own outcomes (``spv|DEAL|METRIC``) that are losses, cleaned of residue as
`position_losses` are."""


def _settled(values: object, n: int) -> NDArray[np.float64]:
    """``values`` broadcast to ``(n,)`` float64, a new array, with every magnitude below
    `MONEY_DUST` set to exactly 0."""
    return snap(np.broadcast_to(np.asarray(values, dtype=np.float64), (n,)).copy(), MONEY_DUST)


def position_marks(deal: DealRuntime, sim: Sim,
                   alive: dict[int, NDArray[np.float64]]) -> dict[int, NDArray[np.float64]]:
    """Horizon mark of each party's position in ``deal`` ($B, ``(n,)`` each, by account), as
    the deal values it (`DealRuntime.marks`) with rounding residue, ``|mark| < MONEY_DUST``, set to
    exactly 0: what every metric and a schedule's ``horizon_mark`` line take.

    ``alive`` is each lab's one-year survival by account (`survival`)."""
    return {acct: _settled(mark, sim.n) for acct, mark in deal.marks(sim, alive).items()}


def position_losses(deal: DealRuntime, sim: Sim, marks: dict[int, NDArray[np.float64]],
                    flows: dict[int, NDArray[np.float64]]) -> dict[int, NDArray[np.float64]]:
    """Loss of each party in ``deal`` ($B, ``(n,)`` each, by account; `DealRuntime.losses`), with
    losses below `MONEY_DUST` set to exactly 0 (a loan repaid in full loses 0, not 4.4e-16).

    ``marks`` are `position_marks`, ``flows`` each party's ``(n, quarters + 1)`` flows."""
    return {acct: _settled(loss, sim.n) for acct, loss in deal.losses(sim, marks, flows).items()}


def column(*parts: str) -> str:
    """Outcome column name: ``deal|colossus2-spv|nvidia|npv`` or ``party|xai|cash_end``."""
    return "|".join(parts)


def survival(sim: Sim, lab: LabState | CloudState) -> NDArray[np.float64]:
    """One-year survival of ``lab`` (or of a cloud) implied by its default rate over the last
    four quarters, measured per stream block, shape ``(n,)``.

    The rate is the share of a block's paths at risk (alive at the window's start) that
    default in the window, so its Monte Carlo standard error is sqrt(r(1 - r)/n) over those
    n paths: about half a percentage point for a full block of 4,096 paths at a 10% rate,
    2.7 points at 200 paths (docs/model.md). A run's last block holds only the paths left
    over (4 of a 4,100-path run) and is measured on those alone, never pooled with the
    block before, so that a path's survival depends only on the seed and its block: there
    the rate is mostly noise (0 when none of a handful defaults, marking claims at their
    full balance), and a block with no path at risk gets 0 (survival 1)."""
    q_end = sim.n_quarters
    window = min(4, q_end)
    dq = lab.default_quarter
    at_risk = (dq < 0) | (dq >= q_end - window)
    failed = (dq >= q_end - window)
    out = np.empty(sim.n)
    start = 0
    for size in sim.draws.sizes:
        sl = slice(start, start + size)
        risk = int(at_risk[sl].sum())
        rate = failed[sl].sum() / risk if risk else 0.0
        out[sl] = (1.0 - rate) ** (4.0 / window)
        start += size
    return out


def survivals(sim: Sim) -> dict[int, NDArray[np.float64]]:
    """`survival` of every lab and cloud, by account: what the deals' marks are given."""
    out = {lab.acct: survival(sim, lab) for lab in sim.labs}
    out.update({cloud.acct: survival(sim, cloud) for cloud in sim.clouds})
    return out


def _shares_where_sold(vendors: list[VendorState]) -> dict[str, NDArray[np.float64]]:
    """Each vendor's ``market_share_end`` per path, ``(n,)``: its share of the capacity units
    all vendors sold over the last four quarters (`market_share_end`), and NaN on the paths
    where none were sold. A share of nothing is undefined: the engine's 0 there would count
    such a path as a loss of share for every vendor at once, so that their mean shares add
    up to less than 1 and a change that stops all sales on a path lowers them all."""
    if not vendors:
        return {}
    sold = sum((sum_rows(v.units_window) for v in vendors), np.zeros(vendors[0].units.size))
    return {vendor: np.where(sold > 0, share, np.nan)
            for vendor, share in market_share_end(vendors).items()}


def vendor_money_in(deal: DealRuntime, flows: dict[int, NDArray[np.float64]], sim: Sim
                    ) -> tuple[tuple[int, int], NDArray[np.float64]] | None:
    """What ``deal`` moves from a vendor to a lab over the horizon, ``((lab account, vendor
    account), $B per path)``, the deal's flows of `VENDOR_MONEY_KINDS`; None where the deal
    moves no money of a vendor to a lab (another kind, or another payer or payee).

    ``flows`` are the deal's flows per party account (`Ledger.cashflows`), before the mark.
    A draw paid at the start of the deal's first quarter (an ``equity`` deal's equity, a
    ``loan``'s and a ``vendor_credit``'s draw) is the payer's whole flow at that time: the
    deal's other flows to or from it (interest, repayments, a conversion) are paid at the end
    of a quarter, and the sale a vendor credit pays for is not a flow of the deal.
    """
    kind = deal.kind
    d: Any = deal
    if kind in ("equity", "milestone_equity"):
        payer, lab = d.investor, d.investee_acct
    elif kind in ("loan", "credit_facility"):
        payer, lab = d.lender, d.borrower
    elif kind == "vendor_credit":
        payer, lab = d.vendor.acct, d.borrower
    elif kind == "deployment_warrant":
        payer, lab = d.issuer.acct, d.holder
    else:
        return None
    if payer not in sim.vendor_by_acct or lab not in sim.lab_by_acct:
        return None
    if kind == "milestone_equity":
        amount = np.asarray(d.invested, dtype=np.float64).copy()
    elif kind == "credit_facility":
        amount = np.asarray(d.drawn_total, dtype=np.float64).copy()
    elif kind == "deployment_warrant":
        amount = np.asarray(d.sale_proceeds, dtype=np.float64).copy()
    else:  # the draw at the start of the deal's first quarter
        start = deal.start_q
        f = flows.get(payer)
        amount = (np.zeros(sim.n) if f is None or not 0 <= start < sim.n_quarters
                  else 0.0 - f[:, start])
    # a vendor credit's conversion into shares moves no money (the vendor buys the shares
    # and the lab repays the credit with that money): its draw is the money in
    return (lab, payer), amount


def reduce_chunk(sim: Sim) -> dict[str, NDArray[np.float64]]:
    """Per-path outcome columns of a finished chunk, ``{column: (n,)}``."""
    out: dict[str, NDArray[np.float64]] = {}
    alive = survivals(sim)
    names = sim.account_names
    q_end = sim.n_quarters
    # what each vendor's deals put into each lab (zero for a pair no deal links)
    vendor_money = {pair: np.zeros(sim.n) for pair in sim.purchases}
    for deal, flows_by_slot, slots in zip(sim.deals, sim.ledger.cashflows,
                                          sim.ledger.deal_slots, strict=True):
        flows = {acct: flows_by_slot[s] for acct, s in slots.items()}
        moved = vendor_money_in(deal, flows, sim)  # before the mark is added to the flows
        if moved is not None and moved[0] in vendor_money:
            vendor_money[moved[0]] += moved[1]
        marks = position_marks(deal, sim, alive)
        losses = position_losses(deal, sim, marks, flows)
        peaks = deal.peak_exposures()
        for acct, f in flows.items():
            party = names[acct]
            mark = np.broadcast_to(np.asarray(marks.get(acct, 0.0), dtype=np.float64), (sim.n,))
            rate = sim.discount_rates[acct]
            if f.shape[1] <= MAX_TIMES and np.isfinite(f).all():
                # in one compiled pass, with the bits of the numpy below
                realised, cash_in, cash_out, cum_out = flow_metrics(
                    f, np.broadcast_to(npv_factors(f.shape, rate), f.shape))
            else:  # npv raises on flows that are not finite
                realised = npv(f, rate)
                cash_in, cash_out = cash_in_out(f)
                cum_out = np.maximum(-np.cumsum(f, axis=1), 0.0).max(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                invested = cash_out > MIN_INVESTED
                moic_r = np.where(invested, cash_in / cash_out, np.nan)
                moic = np.where(invested, (cash_in + mark) / cash_out, np.nan)
            f[:, q_end] += mark  # the flows with the mark (f is this chunk's own copy)
            solved = irr(f)
            peak = peaks.get(acct)
            key = ("deal", deal.id, party)
            out[column(*key, "npv_realised")] = realised
            out[column(*key, "npv")] = realised + mark * (1.0 + rate) ** (-q_end / 4.0)
            out[column(*key, "irr")] = solved.irr
            out[column(*key, "irr_reason")] = solved.reason.astype(np.float64)
            out[column(*key, "irr_multiple")] = solved.multiple_sign_changes.astype(np.float64)
            out[column(*key, "moic")] = moic
            out[column(*key, "moic_realised")] = moic_r
            out[column(*key, "loss")] = _settled(losses.get(acct, 0.0), sim.n)
            out[column(*key, "peak_exposure")] = (np.asarray(peak) if peak is not None
                                                  else cum_out)
            out[column(*key, "cash_in")] = cash_in
            out[column(*key, "cash_out")] = cash_out
            out[column(*key, "mark")] = mark.copy()
            tied_vendor = getattr(deal, "tied_vendor", None)
            if deal.tied_gross_profit is not None and tied_vendor == party:
                out[column(*key, "tied_gross_profit")] = deal.tied_gross_profit.copy()
    out.update(portfolio_columns(sim))
    for (lab_acct, vendor_acct), money in vendor_money.items():
        out[column("purchases", names[lab_acct], "vendor_money_in", names[vendor_acct])] = money
    for deal in sim.deals:
        for metric, values in deal.outcomes(sim).items():
            out[column("spv", deal.id, metric)] = (_settled(values, sim.n)
                                                   if metric in LOSS_OUTCOMES else values)
        party_outcomes = getattr(deal, "party_outcomes", None)  # a warrant's value, dilution
        if party_outcomes is not None:
            for (acct, metric), values in party_outcomes(sim).items():
                out[column("deal", deal.id, names[acct], metric)] = values
    for lab in sim.labs:
        out[column("party", lab.id, "revenue_total")] = lab.revenue_total.copy()
        out[column("party", lab.id, "cash_end")] = np.where(lab.alive, lab.cash, 0.0)
        out[column("party", lab.id, "default_quarter")] = lab.default_quarter.astype(np.float64)
        out[column("party", lab.id, "default_cause")] = lab.cause.astype(np.float64)
        out[column("party", lab.id, "second_source_quarter")] = lab.second_source.astype(np.float64)
    for (lab_acct, vendor_acct), (units, spend) in sim.purchases.items():
        # what the lab paid the vendor for hardware, and the units that bought (Sim.purchases)
        lab_id, vendor_id = names[lab_acct], names[vendor_acct]
        out[column("purchases", lab_id, "units_total", vendor_id)] = units.copy()
        out[column("purchases", lab_id, "spend_total", vendor_id)] = spend.copy()
    shares_end = _shares_where_sold(sim.vendors)
    for vendor in sim.vendors:
        out[column("party", vendor.id, "revenue_total")] = vendor.sales_total.copy()
        out[column("party", vendor.id, "cash_end")] = sim.ledger.balance[vendor.acct].copy()
        out[column("party", vendor.id, "gross_profit_total")] = vendor.gross_profit_total.copy()
        out[column("party", vendor.id, "market_share_end")] = shares_end[vendor.id]
        prov = sim.provenance
        if prov is not None:  # the share of its sales paid with money it put into the buyer
            own = prov.sales_total[prov.origin[vendor.acct]]
            out[column("party", vendor.id, "self_funded_revenue")] = own.copy()
            out[column("party", vendor.id, "self_funded_revenue_share")] = np.divide(
                own, vendor.sales_total, out=np.zeros(sim.n), where=vendor.sales_total > 0)
        f = vendor.financials
        if f is not None:
            out[column("party", vendor.id, "operating_profit_total")] = f.operating_profit_total.copy()
            out[column("party", vendor.id, "equity_value_end")] = f.equity_value.copy()
            out[column("party", vendor.id, "stakes_value_end")] = f.stakes.copy()
            out[column("party", vendor.id, "share_price_end")] = f.price.copy()
    for cloud in sim.clouds:
        out[column("party", cloud.id, "revenue_total")] = cloud.revenue_total.copy()
        out[column("party", cloud.id, "cash_end")] = np.where(cloud.alive, cloud.cash, 0.0)
        out[column("party", cloud.id, "default_quarter")] = cloud.default_quarter.astype(np.float64)
        out[column("party", cloud.id, "default_cause")] = cloud.cause.astype(np.float64)
    for spec in sim.scenario.parties:
        if spec.kind in ("investor", "lender", "buyer"):
            out[column("party", spec.id, "cash_end")] = sim.ledger.balance[sim.acct(spec.id)].copy()
    return out
