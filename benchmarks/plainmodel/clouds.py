"""Clouds on one path: GPUs bought with debt and rented out under contracts and on a spot
market; power and debt service paid from cash (or by the parents, on a funded balance
sheet); rounds as a lab's; default and its estate by seniority."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .claim import Claim
from .dust import CAPACITY_DUST, MONEY_DUST, snap
from .fundraiser import ARREARS_TOL, Fundraiser
from .labs import opening_fleet

if TYPE_CHECKING:
    from .labs import Lab
    from .world import World

__all__ = ["Cloud", "begin_clouds"]


class Contract:
    """A contract: tenant, units, $B per unit-quarter, first quarter, term in quarters and
    ramp: ``ramp`` equal phases, one a quarter from ``first``, each running ``term``
    quarters; ``end`` (exclusive) is when the last phase ends."""

    def __init__(self, tenant: str, units: float, price_q: float, first: int, term: int,
                 ramp: float, lab: Lab | None) -> None:
        self.tenant = tenant
        self.units = units
        self.price_q = price_q
        self.first = first
        self.term = term
        self.ramp = ramp
        self.end = first + term + int(ramp) - 1
        self.lab = lab
        self.delivered = 0.0

    def units_at(self, q: int) -> float:
        """Units of the phases delivered by ``q`` and not yet ended."""
        k = float(q - self.first + 1)
        phases = max(min(k, self.ramp) - max(k - self.term, 0.0), 0.0)
        return self.units / self.ramp * phases


class Cloud(Fundraiser):
    """A neocloud or a parent-funded cloud."""

    def __init__(self, spec: Any, world: World) -> None:
        p, key = world.p, f"parties.{spec.id}"
        self.id = spec.id
        self.procurement, self.fleet = opening_fleet(world, spec.procurement, spec.installed, key,
                                                     key + ".installed")
        s = spec.spot
        self.spot_base_q = p(s.price_per_unit_year, key + ".spot.price_per_unit_year") / 4.0
        self.elasticity = p(s.oversupply_elasticity, key + ".spot.oversupply_elasticity")
        self.floor = p(s.floor, key + ".spot.floor")
        self.build_spot = s.build
        self.tranches: list[tuple[Claim, float, float]] = []
        for k, t in enumerate(spec.debt):
            tk = f"{key}.debt[{k}]"
            claim = Claim("debt_service", t.lender, self.id, None, p(t.rate, tk + ".rate") / 4.0, 1)
            claim.principal = p(t.opening, tk + ".opening")
            amortise = 1.0 / max(p(t.term_years, tk + ".term_years") * 4.0, 1.0)
            self.tranches.append((claim, p(t.share, tk + ".share"), amortise))
        self.debt_share = sum(sh for _, sh, _ in self.tranches)
        self.opex = Claim("opex", "customers", self.id, None, 0.0, -1)
        self.contracts: list[Contract] = []
        self.rent_claims: dict[str, Claim] = {}
        for k, c in enumerate(spec.contracts):
            ck = f"{key}.contracts[{k}]"
            first = world.scenario.quarter_of(c.start)
            lab = world.labs_by_id.get(c.tenant)
            ramp = max(math.floor(p(c.ramp_quarters, ck + ".ramp_quarters") + 0.5), 1.0)
            self.contracts.append(Contract(
                c.tenant, p(c.capacity, ck + ".capacity"),
                p(c.price_per_unit_year, ck + ".price_per_unit_year") / 4.0,
                first, world.chunk.quarters(c.term_years, ck + ".term_years"), float(ramp), lab))
            if lab is not None:
                self.rent_claim(lab)
        # opening contracts: their first quarter's units also serve the tenant's first
        # quarter, from the opening fleet (pro rata where it is short); rent paid before
        opening = [(c.lab, c.units_at(c.first))
                   for c, cs in zip(self.contracts, spec.contracts, strict=True)
                   if cs.opening and c.lab is not None]
        wanted = sum(units for _, units in opening)
        ratio = min(self.fleet.installed() / wanted if wanted > 0 else 1.0, 1.0)
        for lab, units in opening:
            lab.rented += units * ratio
        self.funded = spec.balance_sheet == "funded"
        self.init_cap_table(world, spec.equity, key)
        self.raises = spec.funding is not None
        if spec.funding is not None:
            self.init_funding(world, spec.funding, key)
        self.run_rate = 0.0
        self.history = [0.0] * 4
        self.contracted = 0.0
        self.spot_rented = 0.0
        self.last: dict[str, float] = {}
        self.now: dict[str, float] = {}
        self.spot_price_q = self.spot_base_q
        self.unsold = 0.0
        self.backstopped = 0.0
        self.backstop_income = 0.0
        self.revenue = 0.0
        self.revenue_total = 0.0
        self.rent_seen = 0.0
        self.alive = True
        self.default_quarter = -1
        self.cause = 0
        world.books.pay(0, "market", self.id, "opening_balance", p(spec.cash, key + ".cash"),
                        begin=True)
        self.cash_open = self.cash(world)

    def available(self, world: World) -> float:
        return math.inf if self.funded else self.cash(world)

    def rent_claim(self, lab: Lab) -> Claim:
        claim = self.rent_claims.get(lab.id)
        if claim is None:
            claim = self.rent_claims[lab.id] = Claim("cloud_rent", self.id, lab.id, None, 0.0, 0)
            lab.claims.append(claim)
        return claim

    # -- procurement -------------------------------------------------------------------
    def build(self, world: World, q: int, units: float) -> float:
        """Buy up to ``units`` of GPUs: tranches draw their shares, cash the rest, as far
        as the cash beyond the next power bill and debt service goes."""
        all_in = world.market.all_in
        own = all_in * max(1.0 - self.debt_share, 0.0)
        spare = max(self.available(world) - self.reserve(world), 0.0)
        most = spare / own if own > 0 else math.inf
        units = snap(min(max(units, 0.0), most) if self.alive else 0.0, CAPACITY_DUST)
        if units == 0:
            return 0.0
        cost = units * all_in
        for claim, share, _ in self.tranches:
            draw = cost * share
            world.books.pay(q, claim.creditor, self.id, "loan_draw", draw)
            claim.principal += draw
            claim.track_exposure()
        for vid, share in self.procurement.items():
            paid = world.vendors[vid].sell(world, q, self.id, units * share)
            world.books.pay(q, self.id, "customers", "infrastructure", units * share * all_in - paid)
            self.fleet.add(units * share, paid)
        return units

    def begin(self, world: World, q: int, idle_share: float) -> None:
        """Age the fleet, deliver the running contracts, set the spot price."""
        self.fleet.age_one_quarter()
        self.last, self.now = self.now, {}
        self.spot_rented = 0.0
        self.backstopped = 0.0
        self.backstop_income = 0.0
        wanted = 0.0
        running = []
        for c in self.contracts:
            if c.first <= q < c.end:
                live = self.alive and (c.lab is None or c.lab.alive)
                units = c.units_at(q)
                running.append((c, live, units))
                wanted += units if live else 0.0
            else:
                c.delivered = 0.0
        if running:
            self.build(world, q, wanted - self.fleet.installed())
        installed = self.fleet.installed()
        ratio = min(installed / wanted if wanted > 0 else 1.0, 1.0)
        self.contracted = 0.0
        for c, live, units in running:
            c.delivered = units * ratio if live else 0.0
            self.contracted += c.delivered
            if c.lab is not None:
                c.lab.rented += c.delivered
                self.rent_claims[c.lab.id].schedule(c.delivered * c.price_q, q + 1)
        factor = max(self.floor, 1.0 - self.elasticity * idle_share)
        self.spot_price_q = self.spot_base_q * world.market.residual * factor if self.alive else 0.0

    def idle(self) -> float:
        return snap(max(self.fleet.installed() - self.contracted - self.spot_rented, 0.0),
                    CAPACITY_DUST)

    def reserve(self, world: World) -> float:
        due = world.market.power_q * self.fleet.installed()
        for claim, _, amortise in self.tranches:
            due += claim.principal * (claim.rate_q + amortise) + claim.arrears
        return due

    def rent_spot(self, world: World, q: int, lab: Lab, units: float) -> float:
        """``lab`` rents up to ``units`` this quarter; returns what it got."""
        units = max(units, 0.0) if self.alive and lab.alive else 0.0
        short = units - self.idle()
        if self.build_spot and short > 0:
            self.build(world, q, short)
        got = snap(min(units, self.idle()), CAPACITY_DUST)
        self.spot_rented += got
        self.now[lab.id] = self.now.get(lab.id, 0.0) + got
        lab.rented += got
        self.rent_claim(lab).schedule(got * self.spot_price_q, q + 1)
        return got

    def close_procurement(self) -> None:
        self.unsold = self.idle() if self.alive else 0.0

    # -- servicing, funding, default -------------------------------------------------------
    def service(self, world: World, q: int) -> None:
        """Outside tenants pay rent; the cloud pays power, then its tranches."""
        books = world.books
        outside = 0.0
        for c in self.contracts:
            if c.lab is None and c.first <= q < c.end:
                books.pay(q, c.tenant, self.id, "cloud_rent", c.delivered * c.price_q)
                outside += c.delivered * c.price_q
        paid = sum(claim.paid for claim in self.rent_claims.values())
        self.revenue = snap(paid - self.rent_seen + outside + self.backstop_income, MONEY_DUST)
        self.revenue_total += self.revenue
        self.rent_seen = paid
        self.history = [*self.history[1:], self.run_rate]
        self.run_rate = 4.0 * self.revenue if self.alive else 0.0
        if q == 0:
            self.history = [self.run_rate] * 4
        self.opex.schedule(world.market.power_q * self.fleet.installed() if self.alive else 0.0, q + 1)
        self.opex.settle(books, q, "operating_costs", self.available(world))
        for claim, _, amortise in self.tranches:
            interest = claim.principal * claim.rate_q
            repay = claim.principal * amortise if self.alive else 0.0
            claim.track_exposure()
            claim.principal -= repay
            claim.schedule(interest + repay if self.alive else 0.0, q + 1)
            claim.settle(books, q, None, self.available(world))

    def funding(self, world: World, q: int) -> None:
        if not self.funded:  # arrears are paid from cash: a round's, or rent paid late
            if self.raises:
                self.raise_equity(world, q)
            self.opex.settle(world.books, q, "operating_costs")
            for claim, _, _ in self.tranches:
                claim.settle(world.books, q)
        self.cash_open = self.cash(world)

    def arrears(self) -> float:
        return self.opex.arrears + sum(claim.arrears for claim, _, _ in self.tranches)

    def settle_default(self, world: World, q: int) -> None:
        if not (self.alive and self.arrears() > ARREARS_TOL):
            return
        books = world.books
        self.alive = False
        self.default_quarter = q
        self.cause = 1
        claims = [claim for claim, _, _ in self.tranches] + [self.opex]
        for claim in claims:
            claim.accelerate(q + 1)
        proceeds = self.fleet.value() * (1.0 - world.market.haircut)
        books.pay(q, "customers", self.id, "collateral_sale", proceeds)
        for claim in claims:
            cash = max(self.cash(world), 0.0)
            claim.recover(books, q, min(claim.balance(), cash), "recovery")
        left = snap(max(self.cash(world), 0.0), MONEY_DUST)
        total = self.total_shares()
        for (holder, _deal), held in list(self.shares.items()):
            share = held / total if total > 0 else 0.0
            books.pay(q, self.id, holder, "liquidation", left * share)
        for claim in claims:
            claim.write_off(obligor_default=True)
        for claim in self.rent_claims.values():
            claim.write_off()
        self.fleet.clear()
        self.contracted = 0.0
        self.spot_rented = 0.0
        self.unsold = 0.0


def begin_clouds(world: World, q: int) -> None:
    """Reset the labs' rented capacity; each cloud delivers its contracts and prices spot
    from last quarter's idle share of all clouds' capacity."""
    for lab in world.labs:
        lab.rented = 0.0
    if not world.clouds:
        return
    installed = sum(c.fleet.installed() for c in world.clouds)
    unsold = sum(c.unsold - c.backstopped for c in world.clouds)
    idle_share = max(unsold, 0.0) / installed if installed > 0 else 0.0
    for cloud in world.clouds:
        cloud.begin(world, q, idle_share)
