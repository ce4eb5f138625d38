"""Deals on one path, part 2: milestone equity, vendor credit, take-or-pay, the deployment
warrant, the capacity backstop and an equity investment."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .claim import Claim
from .deals import Deal, gained
from .dust import CAPACITY_DUST, snap

if TYPE_CHECKING:
    from .fundraiser import Fundraiser
    from .labs import Lab
    from .world import World

__all__ = ["Backstop", "EquityStake", "MilestoneEquity", "TakeOrPay", "VendorCredit", "Warrant"]

UNIT_TOL = 1e-9  # deployment within a billionth of a unit counts as reached


def held_value(world: World, company: Fundraiser, holder: str, deal: str) -> float:
    """The holder's shares from ``deal`` at the company's current price ($B)."""
    held = company.shares.get((holder, deal))
    return 0.0 if held is None else held * company.price(world)


class MilestoneEquity(Deal):
    """An equity tranche each time the investee has deployed another unit from a vendor."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        p = world.p
        self.investor = spec.investor
        self.investee = spec.investee
        self.vendor = spec.vendor
        self.lab = world.labs_by_id[spec.investee]
        self.per_unit = p(spec.amount_per_unit, self.key + ".amount_per_unit")
        self.max_amount = p(spec.max_amount, self.key + ".max_amount")
        self.first_pre = (None if spec.first_pre_money_valuation is None
                          else p(spec.first_pre_money_valuation, self.key + ".first_pre_money_valuation"))
        self.baseline = 0.0
        self.tranches = 0.0
        self.invested = 0.0
        self.tied_gross_profit = 0.0
        self.tied_vendor = spec.vendor

    def open(self, world: World, q: int) -> None:
        self.baseline = self.lab.deployed[self.vendor]

    def after_procurement(self, world: World, q: int) -> None:
        if q < self.start_q or not (self.closes and self.lab.alive):
            return
        reached = math.floor(self.lab.deployed[self.vendor] - self.baseline + UNIT_TOL)
        room = math.floor((self.max_amount - self.invested) / self.per_unit + UNIT_TOL
                          if self.per_unit > 0 else UNIT_TOL)
        new = min(max(reached - self.tranches, 0.0), max(room, 0.0))
        if not new:
            return
        amount = new * self.per_unit
        lab = self.lab
        pre = self.first_pre if self.first_pre is not None and self.tranches == 0 else lab.valuation(world)
        lab.issue(self.investor, self.id, amount, pre / lab.total_shares())
        world.books.pay(q, self.investor, self.investee, "tranche", amount, self.id)
        self.tranches += new
        self.invested += amount
        self.add_tied(world.vendors[self.vendor].margin * amount)

    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        return {self.investor: held_value(world, self.lab, self.investor, self.id)}

    def losses(self, world: World, marks: dict[str, float],
               flows: dict[str, list[float]]) -> dict[str, float]:
        got, _ = gained(flows[self.investor])
        return {self.investor: max(self.invested - got - marks[self.investor], 0.0)}


class VendorCredit(Deal):
    """Chips on credit: shipped now, repaid by a revenue share, then converted to shares."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        p, key = world.p, self.key
        self.vendor = world.vendors[spec.vendor]
        self.borrower = spec.borrower
        self.lab = world.labs_by_id[spec.borrower]
        self.amount = p(spec.amount, key + ".amount") * self.closes
        self.rate_q = p(spec.rate, key + ".rate") / 4.0
        self.periods = world.chunk.quarters(spec.term_years, key + ".term_years")
        self.share = 0.0
        self.cap = 0.0
        self.discount: float | None = None
        self.means = [m.kind for m in spec.repayment]
        for i, means in enumerate(spec.repayment):
            if means.kind == "revenue_share":
                self.share = p(means.share, f"{key}.repayment[{i}].share")
                self.cap = p(means.cap_multiple, f"{key}.repayment[{i}].cap_multiple") * self.amount
            elif means.kind == "conversion":
                self.discount = p(means.discount, f"{key}.repayment[{i}].discount")
            else:
                raise NotImplementedError("the oracle covers revenue_share and conversion")
        self.claim = self.add_claim(Claim("credit_repayment", self.vendor.id, self.borrower,
                                          self.id, self.rate_q, 2), world)
        self.claim.collateral = self._collateral
        self.shared_paid = 0.0
        self.converted = 0.0
        self.dilution_cost = 0.0
        self.conversion_stake = 0.0
        self.shipped_cost = 0.0
        self.tied_gross_profit = 0.0
        self.tied_vendor = spec.vendor
        self.world = world
        self.idle = 0.0  # shipped, not yet built out
        self.unit_content = 0.0
        self.perf = 1.0 if self.vendor.perf is None else self.vendor.perf  # useful per chip
        self.lab.idle_hardware.append(self)

    def start(self, world: World, q: int) -> None:
        super().start(world, q)
        if q > self.start_q and (not self.lab.alive or q - self.start_q >= world.market.life_q):
            self.idle = 0.0  # retired unbuilt, or the lab is gone

    def build_out(self, world: World, units: float) -> None:
        """The lab built out ``units`` of the idle chips: into its fleet at their age."""
        self.lab.fleet.add(units * self.perf, 0.0, world.quarter - self.start_q)
        self.idle = snap(self.idle - units, CAPACITY_DUST)

    def _collateral(self) -> float:
        age = max(self.world.quarter - self.start_q, 0)  # the fleet's age: 0 at delivery
        if age >= self.world.market.life_q:  # retired from the fleet: no collateral left
            return 0.0
        return self.shipped_cost * self.world.market.residual_share(age)

    def open(self, world: World, q: int) -> None:
        amount = self.amount if self.closes and self.lab.alive else 0.0
        world.books.pay(q, self.vendor.id, self.borrower, "credit_draw", amount, self.id, begin=True)
        units = amount / self.vendor.content
        # the credit pays for these chips: the sale spends the vendor's money first
        paid = self.vendor.sell(world, q, self.borrower, units, self.id, begin=True,
                                tied={self.vendor.id: amount})
        self.lab.fleet.add(0.0, paid)  # idle: the lab builds them out at its procurement
        self.idle = snap(units, CAPACITY_DUST)
        self.unit_content = self.vendor.content if units > 0 else 0.0
        self.shipped_cost = paid
        self.add_tied(self.vendor.margin * paid)
        self.claim.principal = amount

    def schedule(self, world: World, q: int) -> None:
        k = q - self.start_q
        if not 0 <= k < self.periods:
            return
        c = self.claim
        c.principal = c.principal * (1.0 + self.rate_q)
        c.track_exposure()
        due = 0.0
        if "revenue_share" in self.means:
            due = min(self.share * self.lab.revenue, c.principal, max(self.cap - self.shared_paid, 0.0))
            self.shared_paid += due
        c.principal -= due
        if k == self.periods - 1 and "conversion" in self.means:
            self._convert(world, q, c.principal)
        c.schedule(due, q + 1)

    def _convert(self, world: World, q: int, amount: float) -> None:
        """What is left becomes shares at a discount: the vendor buys shares and the lab
        repays the credit with that money."""
        assert self.discount is not None
        lab = self.lab
        amount = amount if lab.alive and not self.claim.closed else 0.0
        market = lab.price(world)
        before = lab.total_shares()
        new = lab.issue(self.vendor.id, self.id, amount, market * (1.0 - self.discount))
        self.conversion_stake += new / (before + new) if before + new > 0 else 0.0
        self.dilution_cost += new * market
        world.books.pay(q, self.vendor.id, self.borrower, "conversion_equity", amount, self.id)
        c = self.claim
        c.principal -= amount
        c.schedule(amount, q + 1)
        c.due_now -= amount
        c.receive(world.books, q, amount, "conversion_repayment")
        self.converted += amount

    def party_outcomes(self, world: World) -> dict[tuple[str, str], float]:
        return {(self.borrower, "dilution_cost"): self.dilution_cost,
                (self.borrower, "conversion_stake"): self.conversion_stake,
                (self.vendor.id, "conversion_stake"): self.conversion_stake}

    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        credit = self.claim.balance() * survival.get(self.borrower, 1.0)
        shares = held_value(world, self.lab, self.vendor.id, self.id)
        return {self.vendor.id: credit + shares, self.borrower: -credit}

    def losses(self, world: World, marks: dict[str, float],
               flows: dict[str, list[float]]) -> dict[str, float]:
        shares = held_value(world, self.lab, self.vendor.id, self.id)
        return {self.vendor.id: max(self.claim.loss(), 0.0) + max(self.converted - shares, 0.0)}


class TakeOrPay(Deal):
    """A schedule of capacity the lab must buy from a vendor, or pay a shortfall fee."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        p = world.p
        self.lab_id = spec.lab
        self.lab = world.labs_by_id[spec.lab]
        self.vendor = world.vendors[spec.vendor]
        self.fee = p(spec.shortfall_fee, self.key + ".shortfall_fee")
        self.units = [0.0] * world.horizon
        for i, item in enumerate(spec.schedule):
            self.units[world.scenario.quarter_of(item.quarter)] += p(
                item.capacity, f"{self.key}.schedule[{i}].capacity")
        self.units = [u * self.closes for u in self.units]
        self.claim = self.add_claim(Claim("take_or_pay", self.vendor.id, self.lab_id, self.id,
                                          0.0, 3), world)
        self.tied_gross_profit = 0.0
        self.tied_vendor = spec.vendor

    def committed(self, lab_id: str, q: int) -> list[tuple[str, float]]:
        if lab_id != self.lab_id:
            return []
        return [(self.vendor.id, self.units[q] if self.lab.alive else 0.0)]

    def after_procurement(self, world: World, q: int) -> None:
        due = self.units[q] if self.lab.alive else 0.0
        # the claim at a default now: the fee on the rest of the schedule, none of it taken
        later = [u for u in self.units[q + 1:] if u]
        ahead = self.fee * sum(later) * self.vendor.content if later and self.lab.alive else 0.0
        if not due:
            if later:
                self.claim.track_exposure(ahead)
            return
        v = self.vendor
        taken = min(due, self.lab.bought.get(v.id, 0.0))
        self.add_tied(v.margin * taken * v.content)
        fee = self.fee * (due - taken) * v.content
        self.claim.track_exposure(fee + ahead if later else fee)
        self.claim.schedule(fee, q + 1)

    def on_default(self, world: World, lab: Lab, q: int) -> None:
        if lab.id == self.lab_id:
            self.claim.principal = self.fee * sum(self.units[q + 1:]) * self.vendor.content


class Warrant(Deal):
    """Issuer's shares at a strike, vesting by deployment and share-price hurdles."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        p, key = world.p, self.key
        self.issuer = world.vendors[spec.issuer]
        self.fin = self.issuer.financials
        self.holder = spec.holder
        self.lab = world.labs_by_id[spec.holder]
        self.strike = p(spec.strike, key + ".strike")
        t = spec.tranches
        self.shares = [p(x.shares, f"{key}.tranches[{i}].shares") for i, x in enumerate(t)]
        self.deployed_at = [p(x.deployed, f"{key}.tranches[{i}].deployed") for i, x in enumerate(t)]
        self.hurdle = [p(x.hurdle, f"{key}.tranches[{i}].hurdle") for i, x in enumerate(t)]
        previous = [0.0, *self.deployed_at[:-1]]
        self.step = [max(d - e, 1e-3) for d, e in zip(self.deployed_at, previous, strict=True)]
        self.expiry_q = (world.horizon - 1 if spec.expiry is None
                         else world.scenario.quarter_of(spec.expiry))
        self.sell_after = None if spec.sale.rule == "hold" else (
            0 if spec.sale.rule == "on_vest" else spec.sale.quarters)
        n = len(t)
        self.baseline = 0.0
        self.vested = [False] * n
        self.vest_quarter = [-1] * n
        self.held = [0.0] * n
        self.exercise_paid = 0.0
        self.sale_proceeds = 0.0
        self.dilution_cost = 0.0
        self.opened = False
        self.pull_now = (-1, 0.0)

    def open(self, world: World, q: int) -> None:
        self.baseline = self.lab.deployed[self.issuer.id]
        self.opened = True

    def deployed(self) -> float:
        return self.lab.deployed[self.issuer.id] - self.baseline if self.opened else 0.0

    def after_procurement(self, world: World, q: int) -> None:
        if q < self.start_q:
            return
        price = self.fin.price
        lab = self.lab
        if q <= self.expiry_q and self.closes and lab.alive:
            deployed = self.deployed()
            vest = [not v and deployed + UNIT_TOL >= d and price >= h
                    for v, d, h in zip(self.vested, self.deployed_at, self.hurdle, strict=True)]
            if any(vest):
                spare = max(lab.cash(world) - lab.due(), 0.0)
                cum = 0.0
                for i, ok in enumerate(vest):  # a tranche it cannot pay the strike for waits
                    cum += self.shares[i] if ok else 0.0
                    vest[i] = ok and cum * self.strike / 1000.0 <= spare
            if any(vest):
                count = sum(s for s, ok in zip(self.shares, vest, strict=True) if ok)
                paid = self.strike * count / 1000.0
                world.books.pay(q, self.holder, self.issuer.id, "warrant_exercise", paid, self.id)
                self.exercise_paid += paid
                self.fin.warrant_shares += count
                self.dilution_cost += count * max(price - self.strike, 0.0) / 1000.0
                for i, ok in enumerate(vest):
                    if ok:
                        self.vested[i] = True
                        self.vest_quarter[i] = q
                        self.held[i] += self.shares[i]
        if self.sell_after is not None and lab.alive:
            selling = [h if vq >= 0 and vq + self.sell_after == q else 0.0
                       for h, vq in zip(self.held, self.vest_quarter, strict=True)]
            if any(selling):
                proceeds = sum(selling) * price / 1000.0
                # the market pays, but it is the issuer's money (its dilution): its origin
                world.books.pay(q, "market", self.holder, "warrant_sale", proceeds, self.id,
                                origin=self.issuer.id)
                self.sale_proceeds += proceeds
                self.held = [h - s for h, s in zip(self.held, selling, strict=True)]

    def schedule(self, world: World, q: int) -> None:
        self.pull_now = (q, self._value_per_unit(world, q))

    def pull(self, world: World, q: int) -> float:
        """Expected warrant value per unit bought from the issuer now ($B)."""
        return self.pull_now[1] if self.pull_now[0] == q else self._value_per_unit(world, q)

    def _value_per_unit(self, world: World, q: int) -> float:
        if not (self.start_q <= q <= self.expiry_q) or not (self.closes and self.lab.alive):
            return 0.0
        price = self.fin.price
        deployed = self.deployed()
        gain = max(price - self.strike, 0.0) / 1000.0
        for i, shares in enumerate(self.shares):
            if not self.vested[i] and deployed + UNIT_TOL < self.deployed_at[i]:
                ratio = price / self.hurdle[i] if self.hurdle[i] > 0 else 1.0
                return shares * gain * min(ratio, 1.0) / self.step[i]
        return 0.0

    def record(self, world: World, q: int) -> dict[str, float]:
        return {"pull": self.pull(world, q),
                "vested_shares": sum(s for s, v in zip(self.shares, self.vested, strict=True) if v)}

    def held_value(self) -> float:
        return sum(self.held) * self.fin.price / 1000.0 if self.lab.alive else 0.0

    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        return {self.holder: self.held_value()}

    def party_outcomes(self, world: World) -> dict[tuple[str, str], float]:
        vested = sum(s for s, v in zip(self.shares, self.vested, strict=True) if v)
        return {(self.holder, "warrant_value"): self.sale_proceeds + self.held_value() - self.exercise_paid,
                (self.holder, "vested_shares"): vested,
                (self.issuer.id, "dilution_cost"): self.dilution_cost,
                (self.issuer.id, "vested_shares"): vested}


class Backstop(Deal):
    """A vendor buys a cloud's unsold capacity at its spot price, up to a cap, to a date."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        self.vendor = spec.vendor
        self.cloud = world.clouds_by_id[spec.cloud]
        self.end_q = world.scenario.quarter_of(spec.end)
        self.cap = world.p(spec.cap, self.key + ".cap") * self.closes
        if spec.price_per_unit_year is not None:
            raise NotImplementedError("the oracle covers a backstop at the spot price")
        self.paid = 0.0
        self.paid_now = 0.0

    def after_procurement(self, world: World, q: int) -> None:
        self.paid_now = 0.0
        cloud = self.cloud
        if not self.start_q <= q <= self.end_q:
            return
        price = cloud.spot_price_q
        unsold = cloud.unsold if cloud.alive else 0.0
        amount = min(unsold * price, max(self.cap - self.paid, 0.0))
        if not amount:
            return
        world.books.pay(q, self.vendor, cloud.id, "backstop", amount, self.id)
        self.paid += amount
        self.paid_now = amount
        cloud.backstop_income += amount
        cloud.backstopped += amount / price if price > 0 else 0.0


    def record(self, world: World, q: int) -> dict[str, float]:
        return {"backstop_paid": self.paid_now}


class EquityStake(Deal):
    """Cash for new shares in a lab or a cloud at a given pre-money valuation."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        self.investor = spec.investor
        self.investee = spec.investee
        self.company: Fundraiser = (world.labs_by_id.get(spec.investee)
                                    or world.clouds_by_id[spec.investee])
        self.amount = world.p(spec.amount, self.key + ".amount") * self.closes
        self.pre_money = (None if spec.pre_money_valuation is None
                          else world.p(spec.pre_money_valuation, self.key + ".pre_money_valuation"))
        if spec.use_of_proceeds is not None:
            raise NotImplementedError("the oracle covers equity without use_of_proceeds")

    def open(self, world: World, q: int) -> None:
        company = self.company
        amount = self.amount if company.alive else 0.0
        pre = company.valuation(world) if self.pre_money is None else self.pre_money
        company.issue(self.investor, self.id, amount, pre / company.total_shares())
        world.books.pay(q, self.investor, self.investee, "equity", amount, self.id, begin=True)

    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        return {self.investor: held_value(world, self.company, self.investor, self.id)}

    def losses(self, world: World, marks: dict[str, float],
               flows: dict[str, list[float]]) -> dict[str, float]:
        got, cost = gained(flows[self.investor])
        return {self.investor: max(cost - got - marks[self.investor], 0.0)}
