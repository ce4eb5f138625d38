"""Per-path outcome columns of finished worlds, named as the engine names them
(``deal|<deal>|<party>|<metric>``, ``party|<party>|<metric>``, ``portfolio|...``,
``spv|<deal>|<metric>``)."""

from __future__ import annotations

import math
from typing import Any

from .dust import MONEY_DUST, snap
from .valuation import irr, npv
from .world import World

__all__ = ["outcomes", "survival"]

MIN_INVESTED = 1e-9  # $B: below a dollar put in, a multiple of money means nothing
NAN = float("nan")


def survival(worlds: list[World], sizes: list[int]) -> list[dict[str, float]]:
    """Each lab's one-year survival implied by its default rate over the last four
    quarters, measured within each stream block of paths."""
    out: list[dict[str, float]] = [{} for _ in worlds]
    horizon = worlds[0].horizon
    window = min(4, horizon)
    start = 0
    for size in sizes:
        block = worlds[start:start + size]
        for i, lab in enumerate(block[0].labs):
            quarters = [w.labs[i].default_quarter for w in block]
            at_risk = sum(1 for d in quarters if d < 0 or d >= horizon - window)
            failed = sum(1 for d in quarters if d >= horizon - window)
            rate = failed / at_risk if at_risk else 0.0
            for k in range(size):
                out[start + k][lab.id] = (1.0 - rate) ** (4.0 / window)
        start += size
    return out


def outcomes(world: World, alive: dict[str, float]) -> dict[str, float]:
    """Every outcome column of one path."""
    out: dict[str, float] = {}
    horizon = world.horizon
    for deal in world.deals:
        flows = world.books.flows[deal.id]
        # a mark or a loss under a dollar is a rounding residual: exactly 0, as the engine's
        # `position_marks` and `position_losses` take them (a dust mark at the horizon would
        # move an IRR near -100% by a lot: it is divided by (1 + irr) ** 40)
        marks = {p: snap(m, MONEY_DUST) for p, m in deal.marks(world, alive).items()}
        losses = {p: snap(x, MONEY_DUST) for p, x in deal.losses(world, marks, flows).items()}
        peaks = deal.peak_exposures()
        for party, f in flows.items():
            mark = marks.get(party, 0.0)
            rate = world.discount_rates[party]
            cash_in = sum(max(x, 0.0) for x in f)
            cash_out = sum(max(-x, 0.0) for x in f)
            cum, cum_out = 0.0, 0.0
            for x in f:
                cum += x
                cum_out = max(cum_out, -cum)
            realised = npv(f, rate)
            solved, reason, several = irr([*f[:-1], f[-1] + mark])
            key = f"deal|{deal.id}|{party}|"
            invested = cash_out > MIN_INVESTED
            out[key + "npv_realised"] = realised
            out[key + "npv"] = realised + mark * (1.0 + rate) ** (-horizon / 4.0)
            out[key + "irr"] = solved
            out[key + "irr_reason"] = float(reason)
            out[key + "irr_multiple"] = float(several)
            out[key + "moic"] = (cash_in + mark) / cash_out if invested else NAN
            out[key + "moic_realised"] = cash_in / cash_out if invested else NAN
            out[key + "loss"] = losses.get(party, 0.0)
            out[key + "peak_exposure"] = peaks.get(party, cum_out)
            out[key + "cash_in"] = cash_in
            out[key + "cash_out"] = cash_out
            out[key + "mark"] = mark
            if deal.tied_gross_profit is not None and deal.tied_vendor == party:
                out[key + "tied_gross_profit"] = deal.tied_gross_profit
        for metric, value in deal.outcomes(world).items():
            out[f"spv|{deal.id}|{metric}"] = value
        for (party, metric), value in deal.party_outcomes(world).items():
            out[f"deal|{deal.id}|{party}|{metric}"] = value
    out.update(portfolio(world))
    balance = world.books.balance
    for lab in world.labs:
        key = f"party|{lab.id}|"
        out[key + "revenue_total"] = lab.revenue_total
        out[key + "cash_end"] = balance[lab.id] if lab.alive else 0.0
        out[key + "default_quarter"] = float(lab.default_quarter)
        out[key + "default_cause"] = float(lab.cause)
        out[key + "second_source_quarter"] = float(lab.second_source)
    for (lab_id, vendor_id), (units, spend) in world.purchases.items():
        key = f"purchases|{lab_id}|"
        out[f"{key}units_total|{vendor_id}"] = units
        out[f"{key}spend_total|{vendor_id}"] = spend
        out[f"{key}vendor_money_in|{vendor_id}"] = world.books.money_in.get((lab_id, vendor_id), 0.0)
    vendors = list(world.vendors.values())
    total_units = sum(sum(v.units_window) for v in vendors)
    for o, v in enumerate(vendors):
        key = f"party|{v.id}|"
        own = world.books.self_funded_total[o]
        out[key + "revenue_total"] = v.sales_total
        out[key + "cash_end"] = balance[v.id]
        out[key + "gross_profit_total"] = v.gross_profit_total
        out[key + "market_share_end"] = (sum(v.units_window) / total_units if total_units > 0
                                          else math.nan)  # a share of nothing sold
        out[key + "self_funded_revenue"] = own
        out[key + "self_funded_revenue_share"] = own / v.sales_total if v.sales_total > 0 else 0.0
        f = v.financials
        if f is not None:
            out[key + "operating_profit_total"] = f.operating_profit_total
            out[key + "equity_value_end"] = f.equity_value
            out[key + "stakes_value_end"] = f.stakes
            out[key + "share_price_end"] = f.price
    for cloud in world.clouds:
        key = f"party|{cloud.id}|"
        out[key + "revenue_total"] = cloud.revenue_total
        out[key + "cash_end"] = balance[cloud.id] if cloud.alive else 0.0
        out[key + "default_quarter"] = float(cloud.default_quarter)
        out[key + "default_cause"] = float(cloud.cause)
    for spec in world.scenario.parties:
        if spec.kind in ("investor", "lender", "buyer"):
            out[f"party|{spec.id}|cash_end"] = balance[spec.id]
    return out


def portfolio(world: World) -> dict[str, float]:
    """Each creditor's credit loss, and per obligor its loss, exposure at default (nominal,
    and discounted to the start), peak exposure and quarter of the first write-off."""
    declared = {p.id for p in world.scenario.parties}
    loss: dict[str, float] = {}
    by: dict[tuple[str, str, str], Any] = {}
    claims = [c for deal in world.deals for c in deal.claims]
    claims += [c for cloud in world.clouds for c, _, _ in cloud.tranches]  # a cloud's own debt
    for claim in claims:
        creditor, obligor = claim.creditor, claim.debtor
        if creditor not in declared:
            continue
        lost = max(claim.loss(), 0.0)
        loss[creditor] = loss.get(creditor, 0.0) + lost
        # the EAD valued at the start as the loss is: discounted from the end of the default
        # quarter, when the accelerated balance fell due (the basis of the book's LGD)
        dq = claim.default_quarter
        ead_pv = claim.ead * claim.discount(int(dq) + 1) if dq >= 0 else 0.0
        for what, value in (("loss", lost), ("ead", claim.ead), ("ead_pv", ead_pv),
                            ("exposure", claim.peak_exposure)):
            by[(creditor, what, obligor)] = by.get((creditor, what, obligor), 0.0) + value
        key = (creditor, "default_quarter", obligor)
        first, dq = by.get(key), claim.default_quarter
        by[key] = dq if first is None or first < 0 or 0 <= dq < first else first
    out = {f"portfolio|{party}|loss": value for party, value in loss.items()}
    for (party, what, obligor), value in by.items():
        out[f"portfolio|{party}|{what}|{obligor}"] = float(value)
    return out
