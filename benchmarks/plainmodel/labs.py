"""Labs on one path: operations (2), compute (3), procurement (4), funding (6) and default
(7). Money in $B, capacity in the scenario's unit, time in quarters."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .claim import Claim
from .dust import CAPACITY_DUST, MONEY_DUST, snap
from .fleet import Fleet
from .fundraiser import ARREARS_TOL, Fundraiser

if TYPE_CHECKING:
    from .world import World

__all__ = ["Lab", "opening_fleet"]


def decaying(g_from: float, g_to: float, half_life_years: float, q: int) -> float:
    """Effective annual growth in quarter ``q`` of a growth decaying towards ``g_to``."""
    return g_to + (g_from - g_to) * 0.5 ** ((q / 4.0) / half_life_years)


def quarterly_growth(annual: float) -> float:
    return (1.0 + annual) ** 0.25 - 1.0


def opening_fleet(world: World, procurement: Any, installed: Any, key: str,
                  installed_key: str) -> tuple[dict[str, float], Fleet]:
    """Procurement shares normalised to 1, and the opening fleet spread over its ages and
    valued at the share-weighted vendor content."""
    shares = {v: world.p(x, f"{key}.procurement.{v}") for v, x in procurement.items()}
    total = sum(shares.values())
    weights = {v: (x / total if total > 0 else 1.0 / len(shares)) for v, x in shares.items()}
    content = sum(world.vendors[v].content0 * s for v, s in weights.items())
    fleet = Fleet(world.market)
    fleet.seed_even(world.p(installed, installed_key), content)
    return weights, fleet


def committed_reserve(world: World, shortfall: float,
                      committed: list[tuple[str, float]]) -> tuple[float, float]:
    """What the quarter's committed purchases will take of ``shortfall``, in the order they
    are bought: (useful capacity, $B at each vendor's unit price), before cash limits it."""
    reserved = cost = 0.0
    for vid, units in committed:
        if world.choice is None:
            price, perf = world.market.all_in, 1.0
        else:  # a unit delivers its vendor's perf, as `Choice.procure` buys it
            i = world.choice.ids.index(vid)
            price, perf = world.choice.unit_price[i], world.choice.perf[i]
        take = min(units, max(shortfall - reserved, 0.0) / perf)
        reserved += take * perf
        cost += take * price
    return reserved, cost


def infrastructure_per_unit(world: World, content: float) -> float:
    """$B per unit of buildings, power and network this quarter: the vendor choice's where
    it sets one, else the all-in cost less the vendor ``content`` per unit. The lab's own
    purchases and the building out of financed GPUs both pay it."""
    if world.infrastructure is not None:
        return world.infrastructure
    return max(world.market.all_in - content, 0.0)


class Lab(Fundraiser):
    """An AI lab: revenue, compute need, purchases, claims on it, rounds, default."""

    def __init__(self, spec: Any, world: World) -> None:
        p, key = world.p, f"parties.{spec.id}"
        self.id = spec.id
        self.spec = spec
        r, c, k = spec.revenue, spec.costs, spec.compute
        self.run_rate = p(r.run_rate, key + ".revenue.run_rate")
        self.g_from = p(r.growth.start, key + ".revenue.growth.from")
        self.g_to = p(r.growth.end, key + ".revenue.growth.to")
        self.g_hl = p(r.growth.half_life_years, key + ".revenue.growth.half_life_years")
        self.vol_q = p(r.volatility, key + ".revenue.volatility") * 0.5
        self.beta = p(r.beta, key + ".revenue.beta")
        self.fixed_q = p(c.fixed_per_year, key + ".costs.fixed_per_year") / 4.0
        fg, fkey = c.fixed_growth, key + ".costs.fixed_growth"
        # a growth path {from, to, half_life_years} has an end; a constant rate does not
        self.fixed_path = ((p(fg.start, fkey + ".from"), p(fg.end, fkey + ".to"),
                            p(fg.half_life_years, fkey + ".half_life_years"))
                           if hasattr(fg, "end") else None)
        self.fixed_growth_q = 0.0 if self.fixed_path else quarterly_growth(p(fg, fkey))
        self.revenue_share = p(c.revenue_share, key + ".costs.revenue_share")
        self.per_revenue = p(k.per_revenue, key + ".compute.per_revenue")
        self.efficiency_q = quarterly_growth(p(k.efficiency_gain_per_year,
                                               key + ".compute.efficiency_gain_per_year"))
        self.training = p(k.training, key + ".compute.training")
        self.t_from = p(k.training_growth.start, key + ".compute.training_growth.from")
        self.t_to = p(k.training_growth.end, key + ".compute.training_growth.to")
        self.t_hl = p(k.training_growth.half_life_years, key + ".compute.training_growth.half_life_years")
        self.init_funding(world, spec.funding, key)
        self.discount_rate = p(spec.discount_rate, key + ".discount_rate")
        self.procurement, self.fleet = opening_fleet(world, spec.procurement, k.installed, key,
                                                     key + ".compute.installed")
        sp, sk = k.spending, key + ".compute.spending"
        # the spending rule: (runway_quarters, max_cut), or None without one
        self.spending = None if sp is None else (p(sp.runway_quarters, sk + ".runway_quarters"),
                                                 p(sp.max_cut, sk + ".max_cut"))
        self.liquidity: list[Any] = []  # facilities drawn for a shortfall: runway
        self.purchase_draws: list[Any] = []  # facilities drawn for purchases
        self.idle_hardware: list[Any] = []  # financed deliveries not all built out
        self.deferred_share = 0.0  # the spending rule's record of the quarter
        self.deferred = 0.0
        self.leased = 0.0
        self.rented = 0.0
        self.renting = {cid: p(x, f"{key}.renting.{cid}") for cid, x in spec.renting.items()}
        self.revenue = 0.0
        self.revenue_total = 0.0
        self.need = 0.0
        self.inference_need = self.per_revenue * self.run_rate
        self.alive = True
        self.default_quarter = -1
        self.cause = 0
        self.history = [self.run_rate * (1.0 + self.g_from) ** (-(4 - i) / 4.0) for i in range(4)]
        self.cash_open = 0.0
        self.init_cap_table(world, spec.equity, key)
        self.deployed = dict.fromkeys(world.vendors, 0.0)
        self.bought = dict.fromkeys(world.vendors, 0.0)
        first = (spec.ported[0] if spec.ported else
                 max(spec.procurement, key=lambda v: spec.procurement[v].median()))
        self.primary = first
        self.second_source = -1
        self.opex = Claim("opex", "customers", self.id, None, 0.0, stage=-1)
        self.claims: list[Claim] = []
        self.z = p.normals(f"lab:{spec.id}", world.horizon)
        world.books.pay(0, "market", self.id, "opening_balance", p(spec.cash, key + ".cash"),
                        begin=True)

    # -- phases ------------------------------------------------------------------------
    def operations(self, world: World, q: int) -> None:
        """Phase 2: the run-rate moves; revenue comes in; operating costs go out."""
        m = world.market
        g = decaying(self.g_from, self.g_to, self.g_hl, q)
        step = (math.log1p(g) / 4.0 + self.beta * m.sigma_q * m.z + self.vol_q * self.z[q]
                + m.winter * m.winter_log_growth)
        self.history = [*self.history[1:], self.run_rate]
        grown = self.run_rate * math.exp(min(step, 700.0))
        self.run_rate = min(grown, 1e12) if self.alive else 0.0
        self.cash_open = self.cash(world)
        self.inference_need = self.run_rate * self.per_revenue * (1.0 + self.efficiency_q) ** (-q)
        capacity = self.fleet.installed() + self.leased
        need = self.inference_need
        served = (capacity + self.rented) / need if need > 0 else 1.0
        self.revenue = self.run_rate / 4.0 * min(served, 1.0) if self.alive else 0.0
        self.revenue_total += self.revenue
        self.bought = dict.fromkeys(self.deployed, 0.0)
        world.books.pay(q, "customers", self.id, "revenue", self.revenue)
        costs = (self.fixed_q * self.fixed_growth_factor(q)
                 + self.revenue_share * self.revenue + m.power_q * capacity)
        self.opex.schedule(costs if self.alive else 0.0, q + 1)
        self.opex.settle(world.books, q, "operating_costs")

    def fixed_growth_factor(self, q: int) -> float:
        """Growth of the fixed costs by quarter ``q``: a quarter's growth at the rate of
        each quarter before it (a growth path's decaying rate, or the constant rate)."""
        if self.fixed_path is None:
            return (1.0 + self.fixed_growth_q) ** q
        factor = 1.0
        for k in range(q):
            factor *= (1.0 + decaying(*self.fixed_path, k)) ** 0.25
        return factor

    def compute(self, world: World, q: int) -> None:
        """Phase 3: the fleet ages; the need is inference plus training."""
        self.fleet.age_one_quarter()
        tg = decaying(self.t_from, self.t_to, self.t_hl, q)
        self.training = self.training * (1.0 + tg) ** 0.25
        self.need = self.inference_need + self.training if self.alive else 0.0

    def installed(self) -> float:
        return self.fleet.installed() + self.leased + self.rented

    def due(self) -> float:
        return sum(c.total_due() for c in self.claims)

    def arrears(self) -> float:
        return self.opex.arrears + sum(c.arrears for c in self.claims)

    def buy(self, world: World, q: int, vid: str, units: float) -> None:
        """Buy ``units`` from a vendor: its content to the vendor, the rest to customers."""
        vendor = world.vendors[vid]
        tied = world.tied_parts(self, vid, units * vendor.content) if world.tied else None
        paid = vendor.sell(world, q, self.id, units, tied=tied)
        world.books.pay(q, self.id, "customers", "infrastructure",
                        units * infrastructure_per_unit(world, vendor.content))
        self.fleet.add(units if vendor.perf is None else units * vendor.perf, paid)
        self.deployed[vid] += units
        self.bought[vid] += units
        world.spend_tied(self, vid, paid)

    def procure(self, world: World, q: int, committed: list[tuple[str, float]]) -> None:
        """Phase 4: build out idle financed GPUs, the spending rule's cut, rent from
        clouds, draw purchase facilities for what is left to buy, then buy (vendor choice
        or fixed shares)."""
        shortfall = snap(max(self.need - self.installed(), 0.0) if self.alive else 0.0,
                         CAPACITY_DUST)
        due = self.due()
        if self.idle_hardware:  # idle financed GPUs, after what commitments will take
            shortfall = self.build_out_idle(world, q, shortfall, due, committed)
        own = budget = max(self.cash(world) - due, 0.0)
        held = 0.0
        if self.spending is not None:
            planned = shortfall
            shortfall, cut, protected = self.defer(world, q, shortfall, committed)
            held = cut * max(own - protected * world.market.all_in, 0.0)
            self.deferred_share = (planned - shortfall) / planned if planned > 0 else 0.0
            self.deferred = min((planned - shortfall) * world.market.all_in, held)
            budget = own - held
        shortfall, left = self.rent(world, q, shortfall, budget, committed)
        if self.purchase_draws:  # for what is left to buy, after the cut and the rentals
            for facility in self.purchase_draws:
                facility.draw_for_purchases(world, q, shortfall)
            spend = max(self.cash(world) - due, 0.0)
            if self.spending is not None:
                spend -= held  # never held back: what the draws brought in
            left = max(spend - (budget - left), 0.0)  # less the rent
        budget = left
        if world.choice is not None:
            world.choice.procure(world, self, q, committed, shortfall, budget)
        else:
            affordable = budget / world.market.all_in
            for vid, units in committed:
                take = snap(min(units, shortfall, affordable), CAPACITY_DUST)
                self.buy(world, q, vid, take)
                shortfall = snap(shortfall - take, CAPACITY_DUST)
                affordable -= take
            rest = min(shortfall, affordable)
            for vid, share in self.procurement.items():
                self.buy(world, q, vid, snap(rest * share, CAPACITY_DUST))
        if self.second_source < 0 and len(self.deployed) >= 2:
            other = sum(d for v, d in self.deployed.items() if v != self.primary)
            if other >= CAPACITY_DUST:
                self.second_source = q

    def build_out_idle(self, world: World, q: int, shortfall: float, due: float,
                       committed: list[tuple[str, float]]) -> float:
        """Build out idle financed GPUs (SPV and vendor credit, in scenario order) for what
        it wants beyond the committed units, with its cash less what is due and less the
        committed units' cost; returns the shortfall left."""
        reserved, cost = committed_reserve(world, shortfall, committed)
        wanted = snap(max(shortfall - reserved, 0.0), CAPACITY_DUST)
        for hardware in self.idle_hardware:
            if hardware.idle <= 0.0:
                continue
            per_unit = infrastructure_per_unit(world, hardware.unit_content)
            budget = max(self.cash(world) - due - cost, 0.0)
            affordable = budget / per_unit if per_unit > 0 else math.inf
            # an idle unit delivers its vendor's perf of useful capacity, as one bought does
            perf = hardware.perf
            take = snap(min(hardware.idle, wanted / perf, affordable), CAPACITY_DUST)
            world.books.pay(q, self.id, "customers", "infrastructure", min(take * per_unit, budget))
            hardware.build_out(world, take)
            self.deployed[hardware.vendor.id] += take
            wanted = snap(wanted - take * perf, CAPACITY_DUST)
            shortfall = snap(shortfall - take * perf, CAPACITY_DUST)
        return shortfall

    def defer(self, world: World, q: int, shortfall: float,
              committed: list[tuple[str, float]]) -> tuple[float, float, float]:
        """The spending rule: short of runway (cash, before this quarter's purchase draws,
        plus the undrawn headroom of facilities drawn for a shortfall, over the trailing
        burn, in quarters), the lab cuts ``max_cut * (1 - runway / runway_quarters)`` of the
        capacity it wants beyond what serves its revenue or, if more, what it must buy under
        commitments. Returns what it still wants, the cut and that protected capacity; the
        caller holds back the cut of its own money beyond the protected capacity's cost."""
        assert self.spending is not None
        runway_quarters, max_cut = self.spending
        burn = snap(max(sum(self.burn) / 4.0, 0.0), MONEY_DUST)  # under a dollar: noise, no burn
        undrawn = sum(f.headroom(q) for f in self.liquidity)
        runway = (max(self.cash(world), 0.0) + undrawn) / burn if burn > 0 else math.inf
        cut = max_cut * max(1.0 - runway / runway_quarters, 0.0)
        serving = max(self.inference_need - self.installed(), 0.0)
        protected = min(max(serving, sum(units for _, units in committed)), shortfall)
        wanted = snap(shortfall - cut * (shortfall - protected), CAPACITY_DUST)
        return wanted, cut, protected

    def rent(self, world: World, q: int, shortfall: float, budget: float,
             committed: list[tuple[str, float]]) -> tuple[float, float]:
        """Renew last quarter's spot rentals, cut pro rata to the shortfall and budget, then
        rent the ``renting`` shares of the rest; what the commitments will take, and its
        cost, is held back from both (the commitment is bought before anything is rented)."""
        if not self.renting:
            return shortfall, budget
        reserved, cost = committed_reserve(world, shortfall, committed)
        held = min(cost, max(budget, 0.0))
        budget -= held
        renewals = renewal_rent = 0.0
        for cid in self.renting:  # renewals are cut pro rata, over the live clouds
            cloud = world.clouds_by_id[cid]
            last = cloud.last.get(self.id, 0.0) if cloud.alive else 0.0
            renewals += last
            renewal_rent += last * cloud.spot_price_q
        scale = min(1.0, max(shortfall - reserved, 0.0) / renewals) if renewals > 0 else 1.0
        if renewal_rent > 0:
            scale = min(scale, max(budget, 0.0) / renewal_rent)
        left = shortfall
        for renew in (True, False):
            rentable = max(left - reserved, 0.0)
            for cid, share in self.renting.items():
                cloud = world.clouds_by_id[cid]
                price = cloud.spot_price_q
                can = max(budget, 0.0) / price if price > 0 else math.inf
                want = cloud.last.get(self.id, 0.0) * scale if renew else rentable * share
                got = cloud.rent_spot(world, q, self, min(want, left, can))
                budget -= got * price
                left = snap(max(left - got, 0.0), CAPACITY_DUST)
        return left, max(budget, 0.0) + held

    def funding(self, world: World, q: int) -> None:
        """Phase 6: a round if needed; then what it owes is settled from the new cash."""
        self.raise_equity(world, q)
        self.opex.settle(world.books, q, "operating_costs")
        for claim in self.claims:
            claim.settle(world.books, q)

    def settle_default(self, world: World, q: int) -> None:
        """Phase 7: still in arrears, the lab defaults and its estate is settled."""
        if not (self.alive and self.arrears() > ARREARS_TOL):
            return
        books = world.books
        self.alive = False
        self.default_quarter = q
        self.cause = 1
        for deal in world.deals:
            deal.on_default(world, self, q)
        claims = [self.opex, *self.claims]
        for claim in claims:
            claim.accelerate(q + 1)
        haircut = world.market.haircut
        proceeds = self.fleet.value() * (1.0 - haircut)
        books.pay(q, "customers", self.id, "collateral_sale", proceeds)
        pool = proceeds
        for claim in claims:
            if claim.collateral is not None:
                value = min(claim.collateral() * (1.0 - haircut), pool)
                got = min(claim.balance(), value)
                claim.recover(books, q, got, "secured_recovery")
                pool -= got
        on_fleet = [c for c in claims if c.on_fleet]
        if on_fleet:
            total = sum(c.balance() for c in on_fleet)
            for claim in on_fleet:
                balance = claim.balance()
                share = balance / total if total > 0 else 0.0
                claim.recover(books, q, min(balance, pool * share), "secured_recovery")
        owed = sum(c.balance() for c in claims)
        cash = snap(max(self.cash(world), 0.0), MONEY_DUST)  # a residual recovers nothing
        ratio = min(cash / owed if owed > 0 else 0.0, 1.0)
        for claim in claims:
            balance = claim.balance()
            claim.recover(books, q, min(balance * ratio, balance), "unsecured_recovery")
        left = snap(max(self.cash(world), 0.0), MONEY_DUST)
        total_shares = self.total_shares()
        for (holder, deal), held in self.shares.items():
            part = left * held / total_shares if total_shares > 0 else 0.0
            books.pay(q, self.id, holder, "liquidation", part, deal)
        for claim in claims:
            claim.write_off(obligor_default=True)
        self.fleet.clear()
        self.leased = 0.0
        self.rented = 0.0
