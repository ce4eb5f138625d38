"""Vendors (phase 8) and buyers: sales, gross profit, market share; exogenous demand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.parties import Buyer, Vendor
from chipcredit.units import annual_volatility_to_quarterly, effective_to_quarterly

from .claims import Claim
from .fleet import Fleet
from .labs import decaying
from .params import compact
from .row_sums import sum_rows
from .window import push

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["BuyerState", "VendorFinancials", "VendorState", "close_vendors", "market_share_end"]


class VendorState:
    """A vendor's per-path numbers; arrays are ``(n,)``.

    Attributes
    ----------
    sales : $B of hardware sold this quarter
    sales_total, gross_profit_total : $B since the start
    content : this quarter's price per capacity unit ($B)
    perf : useful compute per unit (None: 1, no vendor-choice terms)
    financials : operating profit, equity value and share price, or None
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
        self._price_growth = 1.0 + self.price_q  # raised to the quarter each quarter
        self._cost_share = 1.0 - self.margin  # of sales, the cost of goods
        self.sales = np.zeros(sim.n)
        self.sales_total = np.zeros(sim.n)
        self.gross_profit_total = np.zeros(sim.n)
        self.share = np.zeros(sim.n)
        self.content = self.content0.copy()
        self.market = sim.market
        self.price_war = sim.shocks.price.get(vendor.id)
        self.units = np.zeros(sim.n)
        """Capacity units sold this quarter, to anyone."""
        self.market_share = np.zeros(sim.n)
        """Share of the capacity units every vendor sold this quarter (0 when none sold)."""
        self.shipped = np.zeros(sim.n, dtype=bool)
        """Whether any vendor sold capacity units this quarter (else ``market_share`` means nothing)."""
        self.units_window = np.zeros((4, sim.n))
        """Units sold in each of the last four quarters (oldest first), for the end share."""
        self.perf: NDArray[np.float64] | None = None
        self.porting_cost = np.zeros(sim.n)
        self.penalty = np.zeros(sim.n)
        self.penalty_hl_q = np.ones(sim.n)
        self.supply_cap: NDArray[np.float64] | None = None
        self.response: tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]] | None = None
        self.cut = np.ones(sim.n)
        if vendor.choice is not None and sim.scenario.market.choice is not None:
            c, ck = vendor.choice, key + ".choice"
            self.perf = p.array(c.performance_per_unit, ck + ".performance_per_unit")
            self.porting_cost = p.array(c.porting_cost, ck + ".porting_cost")
            self.penalty = p.array(c.porting_penalty, ck + ".porting_penalty")
            self.penalty_hl_q = 4.0 * p.array(c.penalty_half_life_years, ck + ".penalty_half_life_years")
            if c.supply_cap_per_quarter is not None:
                self.supply_cap = p.array(c.supply_cap_per_quarter, ck + ".supply_cap_per_quarter")
            r = c.price_response
            if r is not None:
                rk = ck + ".price_response"
                self.response = (p.array(r.below_share, rk + ".below_share"),
                                 effective_to_quarterly(-p.array(r.cut_per_year, rk + ".cut_per_year")),
                                 1.0 - p.array(r.max_cut, rk + ".max_cut"))
        self.financials = (None if vendor.financials is None
                           else VendorFinancials(vendor, sim))

    def set_quarter(self, q: int) -> None:
        # the vendor's content is part of the all-in cost per unit, so a price that rises
        # faster than the all-in cost stops at it (else the rest of the cost turns negative)
        price = self.content0 * self._price_growth ** q
        if self.price_war is not None:
            price = price * self.price_war[q]
        if self.response is not None and q > 0:
            # a cut once its share fell below the threshold, never undone; at most max_cut.
            # A quarter in which no vendor sold a unit says nothing about share: no new cut
            below, cut_q, floor = self.response
            self.cut = np.where(self.shipped & (self.market_share < below),
                                np.maximum(self.cut * (1.0 + cut_q), floor), self.cut)
            price = price * self.cut
        self.content = np.minimum(price, self.market.all_in)
        self.sales = np.zeros_like(self.sales)
        self.units = np.zeros_like(self.units)

    def sell(self, sim: Sim, q: int, payer: int, units: NDArray[np.float64],
             deal: int | None = None, begin: bool = False,
             tied: Sequence[tuple[int, NDArray[np.float64]]] = ()) -> NDArray[np.float64]:
        """``payer`` buys ``units`` at this quarter's content price; returns the $B paid.
        A deal's own purchase falls at the beginning of its first quarter (``begin``).
        ``tied``: money deals tied to this purchase, ``(account, $B per path)`` pairs, which
        the payment spends first (money provenance; `Ledger.pay`)."""
        amount = units * self.content
        sim.ledger.pay(q, payer, self.acct, "sale", amount, deal, begin=begin, counted=False,
                       tied=tied)
        self.sales += amount
        self.units += units
        return np.asarray(amount)

    def close_quarter(self, sim: Sim, q: int, total_sales: NDArray[np.float64]) -> None:
        """Phase 8: pay cost of goods to ``customers``; book gross profit and share."""
        cogs = self._cost_share * self.sales
        sim.ledger.pay(q, self.acct, sim.acct("customers"), "cost_of_goods", cogs)
        self.sales_total += self.sales
        gross = self.margin * self.sales
        self.gross_profit_total += gross
        self.share = np.divide(self.sales, total_sales, out=np.zeros_like(self.sales),
                               where=total_sales > 0)
        if self.financials is not None:
            self.financials.close_quarter(sim, q, gross)


def close_vendors(sim: Sim, q: int) -> None:
    """Phase 8 for every vendor: cost of goods, gross profit, shares of sales and of units,
    and the financials of those that have them."""
    vendors = sim.vendors
    total_sales = sum((v.sales for v in vendors), np.zeros(sim.n))
    total_units = sum((v.units for v in vendors), np.zeros(sim.n))
    shipped = total_units > 0
    for vendor in vendors:
        vendor.market_share = np.divide(vendor.units, total_units,
                                        out=np.zeros(sim.n), where=shipped)
        vendor.shipped = shipped
        push(vendor.units_window, vendor.units)
    for vendor in vendors:
        vendor.close_quarter(sim, q, total_sales)


def market_share_end(vendors: list[VendorState]) -> dict[str, NDArray[np.float64]]:
    """Each vendor's share of the capacity units sold over the last four quarters, per path
    (0 where nothing was sold)."""
    total = sum((sum_rows(v.units_window) for v in vendors), np.zeros(vendors[0].units.size))
    return {v.id: np.divide(sum_rows(v.units_window), total, out=np.zeros_like(total),
                            where=total > 0) for v in vendors}


class VendorFinancials:
    """A vendor's operating profit, equity value and share price per path (phase 8).

    Attributes
    ----------
    operating_profit : $B this quarter: gross profit less operating costs
    operating_profit_total : $B since the start
    stakes : $B, the vendor's equity stakes in labs at their price and its claims (loans,
        credit, take-or-pay, SPV debt) at principal plus arrears, marked this quarter
    equity_value : $B, earnings value plus the stakes (see `VendorFinancials` in the schema)
    shares : millions of shares outstanding, warrants' vested shares included
    price : $ per share; before the first close, the opening price (`open`)
    warrant_shares : millions of shares issued to warrant holders so far
    """

    def __init__(self, vendor: Vendor, sim: Sim) -> None:
        assert vendor.financials is not None
        f, p, key = vendor.financials, sim.params, f"parties.{vendor.id}.financials"
        n = sim.n
        self.acct = sim.acct(vendor.id)
        self.opex_q = p.array(f.operating_costs_per_year, key + ".operating_costs_per_year") / 4.0
        self.opex_growth_q = effective_to_quarterly(
            p.array(f.operating_cost_growth, key + ".operating_cost_growth"))
        self._opex_growth = compact(1.0 + self.opex_growth_q)  # raised to the quarter
        self.multiple = p.array(f.earnings_multiple, key + ".earnings_multiple")
        self.loading = p.array(f.sentiment_loading, key + ".sentiment_loading")
        self.other = p.array(f.other_value, key + ".other_value")
        self.shares0 = p.array(f.shares_outstanding, key + ".shares_outstanding")
        vol = f.volatility
        # its own stream, drawn only when it has one: others' draws stay as they were
        self._z: NDArray[np.float64] | None = None
        if not (vol.dist == "fixed" and vol.value == 0.0):
            self.vol_q = annual_volatility_to_quarterly(p.array(vol, key + ".volatility"))
            self._z = sim.draws.normal(f"vendor:{vendor.id}", sim.n_quarters)
        self._log_own = np.zeros(n)
        self.profit_window = np.zeros((4, n))
        self._opening: NDArray[np.float64] | None = None
        """$B a year of operating profit before the start, or None (`open`, `close_quarter`)."""
        if f.opening_operating_profit_per_year is not None:
            self._opening = p.array(f.opening_operating_profit_per_year,
                                    key + ".opening_operating_profit_per_year")
            self.profit_window[:] = self._opening / 4.0  # the four quarters before the start
        self.operating_profit = np.zeros(n)
        self.operating_profit_total = np.zeros(n)
        self.stakes = np.zeros(n)
        self.equity_value = np.zeros(n)
        self.warrant_shares = np.zeros(n)
        self.shares = self.shares0.copy()
        self.price = np.zeros(n)  # set by `open` once the parties and deals exist
        self._claims: list[Claim] | None = None

    def open(self, sim: Sim) -> None:
        """The opening equity value and share price, before the first quarter: the close's
        definition at the start, its earnings term the operating profit of the year before
        (``opening_operating_profit_per_year``; without it no quarter's operating profit is
        known yet and the term is 0), sentiment and the own shock 0, and the stakes the
        opening cap tables' at the labs' opening price. A warrant that vests in the first
        quarter, and its pull on that quarter's vendor choice, are valued at this price."""
        self._mark(sim, np.zeros(sim.n) if self._opening is None else self._opening)

    def _mark(self, sim: Sim, annual: NDArray[np.float64]) -> None:
        """Equity value and share price from ``annual`` operating profit ($B a year, ``(n,)``)."""
        # kept finite for the largest loadings and volatilities a scenario may state
        level = np.exp(np.clip(self.loading * sim.market.sentiment + self._log_own, -200, 200))
        self.stakes = self.marks(sim)
        self.equity_value = level * (self.multiple * np.maximum(annual, 0.0) + self.other) + self.stakes
        self.shares = self.shares0 + self.warrant_shares
        self.price = 1000.0 * np.maximum(self.equity_value, 0.0) / self.shares  # $B per M shares

    def close_quarter(self, sim: Sim, q: int, gross: NDArray[np.float64]) -> None:
        """Phase 8: operating costs, profit, the equity value and the share price; ``gross``
        is the vendor's gross profit this quarter, margin x sales ($B, ``(n,)``)."""
        opex = self.opex_q * self._opex_growth ** q
        sim.ledger.pay(q, self.acct, sim.acct("customers"), "operating_costs", opex)
        self.operating_profit = gross - opex
        self.operating_profit_total += self.operating_profit
        push(self.profit_window, self.operating_profit)
        # annualise what there is of the trailing year (all of it from the start when the
        # year before the start fills the window)
        seen = 4 if self._opening is not None else min(q + 1, 4)
        annual = sum_rows(self.profit_window[4 - seen:]) * (4.0 / seen)
        if self._z is not None:
            self._log_own += self.vol_q * self._z[q]
        self._mark(sim, annual)

    def marks(self, sim: Sim) -> NDArray[np.float64]:
        """Stakes in labs and in clouds that raise equity at their price, and claims at
        principal plus arrears ($B). A cloud without funding terms has no valuation to mark
        a stake at, and none can be bought in it."""
        total = np.zeros(sim.n)
        for company in [*sim.labs, *(c for c in sim.clouds if c.raises)]:
            held = [v for (holder, _deal), v in company.shares.items() if holder == self.acct]
            if held:
                total = total + sum(held) * company.price(sim)
        if self._claims is None:
            self._claims = [c for d in sim.deals for c in d.claims if c.creditor == self.acct]
        for claim in self._claims:
            total = total + claim.principal + claim.arrears
        return total


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
        # fixed for the run: the decay's half-life (once, when the same on every path), its
        # span, and the demand factor's loading
        self._hl = compact(self.hl)
        self._g_span = self.g_from - self.g_to
        self._beta_sigma = self.beta * sim.market.sigma_q
        shares = {sim.acct(v): p.array(s, f"{key}.procurement.{v}")
                  for v, s in buyer.procurement.items()}
        total = sum(shares.values(), np.zeros(sim.n))  # normalised per path, as for labs
        self.shares = {v: np.divide(x, total, out=np.full(sim.n, 1.0 / len(shares)),
                                    where=total > 0) for v, x in shares.items()}
        self.fleet = Fleet(sim.market, sim.n, sim.workspace)
        self.fleet.seed_even(self.installed, np.zeros(sim.n))

    def step(self, sim: Sim, q: int) -> None:
        m = sim.market
        g = decaying(self.g_to, self._g_span, self._hl, q)
        self.fleet.age_one_quarter()
        step = np.minimum(np.log1p(g) / 4.0 + self._beta_sigma * m.z, 50.0)
        target = np.minimum(self.installed * np.exp(step), 1e12)  # units; finite, see labs
        units = np.maximum(target - self.fleet.installed(), 0.0)
        spend = units * m.all_in
        customers = sim.acct("customers")
        sim.ledger.pay(q, customers, self.acct, "operating_cash", spend)
        for vacct, share in self.shares.items():
            vendor = sim.vendor_by_acct[vacct]
            bought = units * share
            paid = vendor.sell(sim, q, self.acct, bought)
            sim.ledger.pay(q, self.acct, customers, "infrastructure", bought * m.all_in - paid)
        self.fleet.add(units, np.zeros(sim.n))
        self.installed = target


