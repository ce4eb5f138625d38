"""Deals on one path, part 1b: the Colossus-2 style SPV lease, with its covenants. Hooks
run in the engine's phase order (see `world.World.step`)."""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING, Any

from .claim import Claim, level_payment
from .deals import Deal, gained
from .dust import CAPACITY_DUST, MONEY_DUST, snap

if TYPE_CHECKING:
    from .labs import Lab
    from .world import World

__all__ = ["SpvLease"]


class SpvLease(Deal):
    """A vehicle buys a vendor's GPUs with equity and senior debt and leases them to a lab;
    rent pays the debt first, the equity after; at term end a purchase option or a sale;
    on the lessee's default it takes the GPUs back and sells them."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        p, key = world.p, self.key
        self.spv = spec.id
        self.lessee = spec.lessee
        self.lab = world.labs_by_id[spec.lessee]
        self.vendor = world.vendors[spec.vendor]
        self.amount = p(spec.amount, key + ".amount") * self.closes
        self.holders = {h: p(v, f"{key}.equity.{h}") * self.closes for h, v in spec.equity.items()}
        self.equity_total = sum(self.holders.values())
        self.lender = spec.debt.lender
        self.debt_amount = p(spec.debt.amount, key + ".debt.amount") * self.closes
        self.debt_rate_q = p(spec.debt.rate, key + ".debt.rate") / 4.0
        self.debt_periods = world.chunk.quarters(spec.debt.term_years, key + ".debt.term_years")
        self.lease_rate_q = p(spec.lease.rate, key + ".lease.rate") / 4.0
        self.lease_periods = world.chunk.quarters(spec.lease.term_years, key + ".lease.term_years")
        curve = world.market.curve
        self.residual = (curve[min(self.lease_periods, len(curve) - 1)] if spec.lease.residual is None
                         else p(spec.lease.residual, key + ".lease.residual"))
        self.option_price = self.amount * self.residual
        self.rent = level_payment(self.amount, self.lease_rate_q, self.lease_periods, self.option_price)
        self.debt_payment = level_payment(self.debt_amount, self.debt_rate_q, self.debt_periods)
        self.lease = self.add_claim(Claim("rent", self.spv, self.lessee, self.id,
                                          self.lease_rate_q, 0), world)
        self.debt = self.add_claim(Claim("debt_service", self.lender, self.spv, self.id,
                                         self.debt_rate_q, 4), world)
        self.units = 0.0  # in use by the lessee
        self.idle = 0.0  # delivered, not yet built out by the lessee (it does so at procurement)
        self.unit_content = 0.0
        self.perf = 1.0 if self.vendor.perf is None else self.vendor.perf  # useful per GPU
        self.lab.idle_hardware.append(self)
        self.cost = 0.0
        self.active = False
        self.defaulted = False
        self.tied_gross_profit = 0.0
        self.tied_vendor = spec.vendor
        self.hit = False
        self.ended = False
        self.owned = False  # the lessee bought the GPUs: idle ones are its own
        self.rent_seen = 0.0
        self.ltv = 0.0
        self.dscr = 0.0
        self.collateral = math.nan  # what the LTV test divides by; NaN when it holds no GPUs
        # covenant thresholds are contract terms: their median on every path
        cov = spec.covenants
        self.ltv_test = None if cov is None or cov.ltv is None else (cov.ltv.max.median(),
                                                                    cov.ltv.breach)
        self.dscr_test = None if cov is None or cov.dscr is None else (cov.dscr.min.median(),
                                                                      cov.dscr.breach)
        self.breached = False
        self.first_breach = -1.0
        self.event_of_default = False  # a `default` breach: reported, and it never cures

    def leased_to(self, lab_id: str) -> float:
        return self.units * self.perf if self.active and lab_id == self.lessee else 0.0

    def start(self, world: World, q: int) -> None:
        super().start(world, q)
        if q > self.start_q and q - self.start_q >= world.market.life_q:
            self.units = 0.0  # retired at their useful life, in use or idle: rent stays owed
            self.idle = 0.0
        elif q > self.start_q and self.owned and not self.lab.alive:
            self.idle = 0.0  # bought, unbuilt: the lab is gone

    def value(self, world: World, age: int) -> float:
        """Used value in a quarter at ``age`` quarters (the fleet's age: 0 in the quarter
        of delivery); 0 once retired, at or past the path's useful life (`start`)."""
        m = world.market
        return 0.0 if age >= m.life_q else self.cost * m.residual_share(age)

    def build_out(self, world: World, units: float) -> None:
        """The lessee built out ``units`` of the idle GPUs: under the lease, or into its own
        fleet at their age once it bought them."""
        if self.owned:
            age = min(world.quarter - self.start_q, len(self.lab.fleet.capacity) - 1)
            self.lab.fleet.add(units * self.perf, 0.0, age)  # with the cohort bought at term end
        else:
            self.units += units
            self.lab.leased += units * self.perf
        self.idle = snap(self.idle - units, CAPACITY_DUST)

    def open(self, world: World, q: int) -> None:
        live = self.closes and self.lab.alive
        books = world.books
        for holder, amount in self.holders.items():
            books.pay(q, holder, self.spv, "spv_equity", amount * live, self.id, begin=True)
        books.pay(q, self.lender, self.spv, "loan_draw", self.debt_amount * live, self.id, begin=True)
        units = self.amount / self.vendor.content if live else 0.0
        paid = self.vendor.sell(world, q, self.spv, units, self.id, begin=True)
        self.add_tied(self.vendor.margin * paid)
        self.units = 0.0  # all idle: the lessee builds them out at its procurement
        self.idle = snap(units, CAPACITY_DUST)
        self.unit_content = self.vendor.content if live else 0.0
        self.cost = paid
        self.active = live
        self.lease.principal = self.amount if live else 0.0
        self.debt.principal = self.debt_amount if live else 0.0
        self.rent_seen = self.lease.paid

    def schedule(self, world: World, q: int) -> None:
        k = q - self.start_q
        if 0 <= k < self.lease_periods:
            lease = self.lease
            interest = lease.principal * self.lease_rate_q
            rent = self.rent if self.active else 0.0
            lease.track_exposure()
            lease.principal = lease.principal - (rent - interest) if self.active else 0.0
            lease.schedule(rent, q + 1)
        if 0 <= k < self.debt_periods:
            debt = self.debt
            interest = debt.principal * self.debt_rate_q
            pay = min(self.debt_payment if debt.principal > 0 else 0.0, debt.principal + interest)
            debt.track_exposure()
            if debt.principal > 0 and abs(debt.principal - (pay - interest)) < MONEY_DUST:
                pay = debt.principal + interest  # the last payment clears the debt exactly
                debt.principal = 0.0
            else:
                debt.principal -= pay - interest
            debt.schedule(pay, q + 1)

    def after_servicing(self, world: World, q: int) -> None:
        """Right after the lessee's servicing, in the lease's last quarter: the lessee buys
        the GPUs (with its own cash, before its funding round) or the SPV sells them."""
        if q - self.start_q == self.lease_periods - 1:
            self._term_end(world, q)

    def service_spv(self, world: World, q: int) -> None:
        """After the funding phase, so rent the lessee paid late from a round is in it."""
        books = world.books
        due = self.debt.total_due()
        rent_in = self.lease.paid - self.rent_seen
        self.rent_seen = self.lease.paid
        self.debt.settle(books, q)
        value = self.value(world, max(q - self.start_q, 0))
        debt = self.debt.balance()
        self.collateral = value if self.active or self.ended else math.nan
        live = (self.active or self.ended) and debt >= MONEY_DUST
        self.ltv = (debt / value if value > 0 else math.inf) if live else math.nan
        self.dscr = rent_in / due if live and due > 0 else math.nan
        sweep, hold = self._covenants(q, live)
        if sweep:
            self.debt.prepay(books, q, books.balance[self.spv], "debt_prepayment")
        if self.ended:
            self._close_debt(world, q)
            self.ended = False
        # a hold keeps the cash for the lenders only while they are still owed something
        # after the sweep: an event of default ends for the equity once the debt is repaid
        held = hold and self.debt.balance() >= MONEY_DUST
        cash = books.balance[self.spv]
        self._distribute(world, q, cash if self.debt.arrears < MONEY_DUST and not held else 0.0)

    def _covenants(self, q: int, live: bool) -> tuple[bool, bool]:
        """Test LTV and DSCR (set by `service_spv`) while debt is owed: (sweep, hold). An
        event of default, once it happened, sweeps and holds every later quarter."""
        sweep = hold = self.event_of_default
        breach = False
        # a DSCR with no debt service due is NaN, and NaN breaches nothing
        for test, ratio, worse in ((self.ltv_test, self.ltv, operator.gt),
                                   (self.dscr_test, self.dscr, operator.lt)):
            if test is None or not live or not worse(ratio, test[0]):
                continue
            breach = True
            action = test[1]
            sweep = sweep or action in ("cash_sweep", "default")
            hold = hold or action in ("reserve", "default")
            self.event_of_default = self.event_of_default or action == "default"
        if breach and self.first_breach < 0:
            self.first_breach = float(q)
        self.breached = self.breached or breach
        return sweep and live, hold

    def _term_end(self, world: World, q: int) -> None:
        live = self.active
        if not live:
            return
        value = self.value(world, self.lease_periods - 1)  # the last quarter; 0 if retired
        exercise = (self.spec.at_end == "purchase_option" and value > self.option_price
                    and world.books.balance[self.lessee] >= self.option_price
                    and self.lease_periods < world.market.life_q)  # GPUs it can still use
        world.books.pay(q, self.lessee, self.spv, "purchase_option",
                        self.option_price if exercise else 0.0, self.id)
        if exercise:  # all of them: in use into its fleet, idle ones its own, still idle
            self.lab.fleet.add(self.units * self.perf, self.cost, self.lease_periods - 1)
            self.lab.leased -= self.units * self.perf  # in the fleet now, not also leased
            self.owned = True
        else:
            world.books.pay(q, "customers", self.spv, "residual_sale", value, self.id)
            self.idle = 0.0  # sold with the rest
        self.active = False
        self.units = 0.0
        self.lease.principal = 0.0
        self.ended = True  # its debt is closed in the waterfall, after the funding phase

    def _close_debt(self, world: World, q: int) -> None:
        """Accelerate the debt, pay what the SPV can, write off the rest."""
        debt = self.debt
        debt.accelerate(q + 1)
        pay = min(debt.balance(), max(world.books.balance[self.spv], 0.0))
        debt.recover(world.books, q, pay, "debt_service")
        self.defaulted = self.defaulted or debt.arrears > MONEY_DUST
        debt.write_off()

    def _distribute(self, world: World, q: int, amount: float) -> None:
        # what a pro-rata split leaves behind (about 1e-17) is dust, and so is a holder's
        # part under a dollar: not paid, it stays in the SPV
        amount = snap(max(amount, 0.0), MONEY_DUST)
        if not amount:
            return
        for holder, put_in in self.holders.items():
            share = put_in / self.equity_total if self.equity_total > 0 else 0.0
            world.books.pay(q, self.spv, holder, "distribution", snap(amount * share, MONEY_DUST),
                            self.id)

    def on_default(self, world: World, lab: Lab, q: int) -> None:
        if lab.id != self.lessee or not self.active:
            return
        m = world.market
        self.lease.accelerate(q + 1)
        value = self.value(world, q - self.start_q)
        proceeds = value * (1.0 - m.haircut)
        against = min(proceeds, self.lease.balance())
        self.lease.recover(world.books, q, against, "collateral_sale", source="customers")
        world.books.pay(q, "customers", self.spv, "collateral_sale", proceeds - against, self.id)
        self.active = False
        self.units = 0.0
        self.idle = 0.0  # taken back and sold with the rest
        self.hit = True

    def after_defaults(self, world: World, q: int) -> None:
        if not self.hit:
            return
        self.hit = False
        self._close_debt(world, q)
        self._distribute(world, q, world.books.balance[self.spv])

    def record(self, world: World, q: int) -> dict[str, float]:
        return {"ltv": self.ltv, "dscr": self.dscr, "collateral_value": self.collateral}

    def outcomes(self, world: World) -> dict[str, float]:
        # impaired means the lender's PV at the debt rate fell short, as debt_loss counts
        # it: late debt service (arrears bear no interest) as well as a write-off
        loss = snap(max(self.debt.loss(), 0.0), MONEY_DUST)
        return {
            "debt_impaired": float(loss > 0),
            "debt_loss": loss,
            "lessee_default": float(self.closes and self.start_q <= self.lab.default_quarter
                                    < self.start_q + self.lease_periods),
            "covenant_breach": float(self.breached),
            "first_breach_quarter": self.first_breach,
            "event_of_default": float(self.event_of_default),
        }

    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        cash = world.books.balance[self.spv]
        lease_value = self.lease.balance() * survival.get(self.lessee, 1.0) if self.active else 0.0
        debt = self.debt.balance()
        equity = max(lease_value + cash - debt, 0.0)
        out = {self.lender: min(debt, lease_value + cash)}
        for holder, put_in in self.holders.items():
            share = put_in / self.equity_total if self.equity_total > 0 else 0.0
            out[holder] = out.get(holder, 0.0) + equity * share
        out[self.lessee] = -lease_value
        return out

    def losses(self, world: World, marks: dict[str, float],
               flows: dict[str, list[float]]) -> dict[str, float]:
        out = {self.lender: max(self.debt.loss(), 0.0)}
        for holder in self.holders:
            got, cost = gained(flows[holder])
            if holder != self.lender:
                out[holder] = max(cost - got - marks.get(holder, 0.0), 0.0)
        return out

    def peak_exposures(self) -> dict[str, float]:
        return {self.lender: self.debt.peak_exposure}
