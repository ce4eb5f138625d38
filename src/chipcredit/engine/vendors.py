"""Vendors (phase 8) and buyers: sales, gross profit, market share; exogenous demand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.parties import Buyer, Vendor
from chipcredit.units import effective_to_quarterly

from .fleet import Fleet

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["BuyerState", "VendorState"]


class VendorState:
    """A vendor's per-path numbers; arrays are ``(n,)``.

    Attributes
    ----------
    sales : $B of hardware sold this quarter
    sales_total, gross_profit_total : $B since the start
    """

    def __init__(self, vendor: Vendor, sim: Sim) -> None:
        key = f"parties.{vendor.id}"
        p = sim.params
        self.id = vendor.id
        self.acct = sim.acct(vendor.id)
        self.content0 = p.array(vendor.content_per_unit, key + ".content_per_unit")
        self.price_q = effective_to_quarterly(
            p.array(vendor.price_change_per_year, key + ".price_change_per_year"))
        self.margin = p.array(vendor.gross_margin, key + ".gross_margin")
        self.sales = np.zeros(sim.n)
        self.sales_total = np.zeros(sim.n)
        self.gross_profit_total = np.zeros(sim.n)
        self.share = np.zeros(sim.n)
        self.content = self.content0.copy()
        self.market = sim.market
        self.price_war = sim.shocks.price.get(vendor.id)

    def set_quarter(self, q: int) -> None:
        # the vendor's content is part of the all-in cost per unit, so a price that rises
        # faster than the all-in cost stops at it (else the rest of the cost turns negative)
        price = self.content0 * (1.0 + self.price_q) ** q
        if self.price_war is not None:
            price = price * self.price_war[q]
        self.content = np.minimum(price, self.market.all_in)
        self.sales = np.zeros_like(self.sales)

    def sell(self, sim: Sim, q: int, payer: int, units: NDArray[np.float64],
             deal: int | None = None, begin: bool = False) -> NDArray[np.float64]:
        """``payer`` buys ``units`` at this quarter's content price; returns the $B paid.
        A deal's own purchase falls at the beginning of its first quarter (``begin``)."""
        amount = units * self.content
        sim.ledger.pay(q, payer, self.acct, "sale", amount, deal, begin=begin, counted=False)
        self.sales += amount
        return np.asarray(amount)

    def close_quarter(self, sim: Sim, q: int, total_sales: NDArray[np.float64]) -> None:
        """Phase 8: pay cost of goods to ``customers``; book gross profit and share."""
        cogs = (1.0 - self.margin) * self.sales
        sim.ledger.pay(q, self.acct, sim.acct("customers"), "cost_of_goods", cogs)
        self.sales_total += self.sales
        self.gross_profit_total += self.margin * self.sales
        self.share = np.divide(self.sales, total_sales, out=np.zeros_like(self.sales),
                               where=total_sales > 0)


class BuyerState:
    """A hyperscaler aggregate: installed capacity follows its demand path; it buys growth
    plus replacement of retired capacity, pays cash, and never defaults."""

    def __init__(self, buyer: Buyer, sim: Sim) -> None:
        key = f"parties.{buyer.id}"
        p = sim.params
        self.id = buyer.id
        self.acct = sim.acct(buyer.id)
        d = buyer.demand
        self.installed = p.array(d.installed, key + ".demand.installed")
        self.g_from = p.array(d.growth.start, key + ".demand.growth.from")
        self.g_to = p.array(d.growth.end, key + ".demand.growth.to")
        self.hl = p.array(d.growth.half_life_years, key + ".demand.growth.half_life_years")
        self.beta = p.array(d.beta, key + ".demand.beta")
        shares = {sim.acct(v): p.array(s, f"{key}.procurement.{v}")
                  for v, s in buyer.procurement.items()}
        total = sum(shares.values(), np.zeros(sim.n))  # normalised per path, as for labs
        self.shares = {v: np.divide(x, total, out=np.full(sim.n, 1.0 / len(shares)),
                                    where=total > 0) for v, x in shares.items()}
        self.fleet = Fleet(sim.market, sim.n, sim.workspace)
        self.fleet.seed_even(self.installed, np.zeros(sim.n))

    def step(self, sim: Sim, q: int) -> None:
        m = sim.market
        g = self.g_to + (self.g_from - self.g_to) * 0.5 ** ((q / 4.0) / self.hl)
        self.fleet.age_one_quarter()
        target = self.installed * np.exp(np.log1p(g) / 4.0 + self.beta * m.sigma_q * m.z)
        units = np.maximum(target - self.fleet.installed(), 0.0)
        spend = units * m.all_in
        customers = sim.acct("customers")
        sim.ledger.pay(q, customers, self.acct, "operating_cash", spend)
        for vacct, share in self.shares.items():
            vendor = sim.vendor_by_acct[vacct]
            paid = vendor.sell(sim, q, self.acct, units * share)
            sim.ledger.pay(q, self.acct, customers, "infrastructure",
                           units * share * m.all_in - paid)
        self.fleet.add(units, np.zeros(sim.n))
        self.installed = target


