"""Vendors (phase 8: sales, gross profit, shares, financials) and buyers (phase 3: the
hyperscalers' exogenous demand) on one path. Money in $B, capacity in the scenario's unit."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .fleet import Fleet

if TYPE_CHECKING:
    from .world import World

__all__ = ["Buyer", "Financials", "Vendor"]


def quarterly_growth(annual: float) -> float:
    return (1.0 + annual) ** 0.25 - 1.0


class Vendor:
    """A chipmaker: its price per capacity unit, what it sold, its margin and shares."""

    def __init__(self, spec: Any, world: World) -> None:
        p, key = world.p, f"parties.{spec.id}"
        self.id = spec.id
        self.content0 = p(spec.content_per_unit, key + ".content_per_unit")
        self.price_q = quarterly_growth(p(spec.price_change_per_year, key + ".price_change_per_year"))
        self.margin = p(spec.gross_margin, key + ".gross_margin")
        self.content = self.content0
        self.sales = 0.0
        self.units = 0.0
        self.sales_total = 0.0
        self.gross_profit_total = 0.0
        self.share = 0.0
        self.market_share = 0.0
        self.units_window = [0.0] * 4
        self.perf: float | None = None
        self.porting_cost = 0.0
        self.penalty = 0.0
        self.penalty_hl_q = 1.0
        self.supply_cap: float | None = None
        self.response: tuple[float, float, float] | None = None
        self.cut = 1.0
        c = spec.choice
        if c is not None and world.scenario.market.choice is not None:
            ck = key + ".choice"
            self.perf = p(c.performance_per_unit, ck + ".performance_per_unit")
            self.porting_cost = p(c.porting_cost, ck + ".porting_cost")
            self.penalty = p(c.porting_penalty, ck + ".porting_penalty")
            self.penalty_hl_q = 4.0 * p(c.penalty_half_life_years, ck + ".penalty_half_life_years")
            if c.supply_cap_per_quarter is not None:
                self.supply_cap = p(c.supply_cap_per_quarter, ck + ".supply_cap_per_quarter")
            r = c.price_response
            if r is not None:
                rk = ck + ".price_response"
                self.response = (p(r.below_share, rk + ".below_share"),
                                 quarterly_growth(-p(r.cut_per_year, rk + ".cut_per_year")),
                                 1.0 - p(r.max_cut, rk + ".max_cut"))
        self.financials = None if spec.financials is None else Financials(spec, self, world)

    def set_quarter(self, world: World, q: int) -> None:
        """This quarter's price (a cut once its unit share fell below the threshold; a quarter
        in which no vendor sold a unit says nothing about share and brings no new cut)."""
        price = self.content0 * (1.0 + self.price_q) ** q
        if self.response is not None and q > 0:
            below, cut_q, floor = self.response
            shipped = any(v.units_window[-1] > 0 for v in world.vendors.values())
            if shipped and self.market_share < below:
                self.cut = max(self.cut * (1.0 + cut_q), floor)
            price = price * self.cut
        self.content = min(price, world.market.all_in)
        self.sales = 0.0
        self.units = 0.0

    def sell(self, world: World, q: int, payer: str, units: float, deal: str | None = None,
             begin: bool = False, tied: dict[str, float] | None = None) -> float:
        """``payer`` buys ``units``; returns the $B paid (sales, not deal returns); ``tied``:
        money deals tied to the purchase, by vendor, spent first (`Books.pay`)."""
        amount = units * self.content
        world.books.pay(q, payer, self.id, "sale", amount, deal, begin=begin, counted=False,
                        tied=tied)
        self.sales += amount
        self.units += units
        return amount

    def close_quarter(self, world: World, q: int, total_sales: float) -> None:
        world.books.pay(q, self.id, "customers", "cost_of_goods", (1.0 - self.margin) * self.sales)
        self.sales_total += self.sales
        self.gross_profit_total += self.margin * self.sales
        self.share = self.sales / total_sales if total_sales > 0 else 0.0
        if self.financials is not None:
            self.financials.close_quarter(world, q)


class Financials:
    """A vendor's operating profit, equity value and share price ($ per share)."""

    def __init__(self, spec: Any, vendor: Vendor, world: World) -> None:
        f, p, key = spec.financials, world.p, f"parties.{spec.id}.financials"
        self.vendor = vendor
        self.opex_q = p(f.operating_costs_per_year, key + ".operating_costs_per_year") / 4.0
        self.opex_growth_q = quarterly_growth(p(f.operating_cost_growth, key + ".operating_cost_growth"))
        self.multiple = p(f.earnings_multiple, key + ".earnings_multiple")
        self.loading = p(f.sentiment_loading, key + ".sentiment_loading")
        self.other = p(f.other_value, key + ".other_value")
        self.shares0 = p(f.shares_outstanding, key + ".shares_outstanding")
        vol = f.volatility
        self.z: list[float] | None = None
        self.vol_q = 0.0
        if not (vol.dist == "fixed" and vol.value == 0.0):
            self.vol_q = p(vol, key + ".volatility") * 0.5
            self.z = p.normals(f"vendor:{spec.id}", world.horizon)
        self.log_own = 0.0
        self.profit_window = [0.0] * 4
        self.opening: float | None = None  # $B a year before the start, fills the window
        if f.opening_operating_profit_per_year is not None:
            self.opening = p(f.opening_operating_profit_per_year,
                             key + ".opening_operating_profit_per_year")
            self.profit_window = [self.opening / 4.0] * 4
        self.operating_profit = 0.0
        self.operating_profit_total = 0.0
        self.stakes = 0.0
        self.equity_value = 0.0
        self.warrant_shares = 0.0
        self.shares = self.shares0
        self.price = 0.0  # the opening price once the world is built (`open`)

    def open(self, world: World) -> None:
        """The opening price: the close's rule before any quarter's profit is known (the
        year before the start's operating profit, when the scenario states it, else 0)."""
        self.mark(world, 0.0 if self.opening is None else self.opening)

    def close_quarter(self, world: World, q: int) -> None:
        v = self.vendor
        opex = self.opex_q * (1.0 + self.opex_growth_q) ** q
        world.books.pay(q, v.id, "customers", "operating_costs", opex)
        self.operating_profit = v.margin * v.sales - opex
        self.operating_profit_total += self.operating_profit
        self.profit_window = [*self.profit_window[1:], self.operating_profit]
        seen = 4 if self.opening is not None else min(q + 1, 4)
        annual = sum(self.profit_window[4 - seen:]) * (4.0 / seen)
        if self.z is not None:
            self.log_own += self.vol_q * self.z[q]
        self.mark(world, annual)

    def mark(self, world: World, annual: float) -> None:
        """Equity value and share price from ``annual`` operating profit."""
        level = math.exp(min(max(self.loading * world.market.sentiment + self.log_own, -200.0), 200.0))
        self.stakes = self.marks(world)
        self.equity_value = level * (self.multiple * max(annual, 0.0) + self.other) + self.stakes
        self.shares = self.shares0 + self.warrant_shares
        self.price = 1000.0 * max(self.equity_value, 0.0) / self.shares

    def marks(self, world: World) -> float:
        """Stakes in labs and equity-raising clouds at their price, claims at balance."""
        me = self.vendor.id
        total = 0.0
        for company in [*world.labs, *(c for c in world.clouds if c.raises)]:
            held = [v for (holder, _deal), v in company.shares.items() if holder == me]
            if held:
                total += sum(held) * company.price(world)
        for deal in world.deals:
            for claim in deal.claims:
                if claim.creditor == me:
                    total += claim.principal + claim.arrears
        return total


class Buyer:
    """A hyperscaler aggregate: buys growth plus replacement, pays cash, never defaults."""

    def __init__(self, spec: Any, world: World) -> None:
        p, key = world.p, f"parties.{spec.id}"
        d = spec.demand
        self.id = spec.id
        self.installed = p(d.installed, key + ".demand.installed")
        self.g_from = p(d.growth.start, key + ".demand.growth.from")
        self.g_to = p(d.growth.end, key + ".demand.growth.to")
        self.hl = p(d.growth.half_life_years, key + ".demand.growth.half_life_years")
        self.beta = p(d.beta, key + ".demand.beta")
        shares = {v: p(s, f"{key}.procurement.{v}") for v, s in spec.procurement.items()}
        total = sum(shares.values())
        self.shares = {v: (s / total if total > 0 else 1.0 / len(shares)) for v, s in shares.items()}
        self.fleet = Fleet(world.market)
        self.fleet.seed_even(self.installed, 0.0)

    def step(self, world: World, q: int) -> None:
        m = world.market
        g = self.g_to + (self.g_from - self.g_to) * 0.5 ** ((q / 4.0) / self.hl)
        self.fleet.age_one_quarter()
        step = min(math.log1p(g) / 4.0 + self.beta * m.sigma_q * m.z, 50.0)
        target = min(self.installed * math.exp(step), 1e12)
        units = max(target - self.fleet.installed(), 0.0)
        world.books.pay(q, "customers", self.id, "operating_cash", units * m.all_in)
        for vid, share in self.shares.items():
            paid = world.vendors[vid].sell(world, q, self.id, units * share)
            world.books.pay(q, self.id, "customers", "infrastructure", units * share * m.all_in - paid)
        self.fleet.add(units, 0.0)
        self.installed = target


def close_vendors(world: World, q: int) -> None:
    """Phase 8: shares of units and sales, cost of goods, financials."""
    vendors = list(world.vendors.values())
    total_sales = sum(v.sales for v in vendors)
    total_units = sum(v.units for v in vendors)
    for v in vendors:
        v.market_share = v.units / total_units if total_units > 0 else 0.0
        v.units_window = [*v.units_window[1:], v.units]
    for v in vendors:
        v.close_quarter(world, q, total_sales)
