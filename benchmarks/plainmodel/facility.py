"""Deals on one path, part 3: the committed credit facility (`deals.credit_facility`).

The lender commits ``commitment`` $B; the borrower draws during the availability period,
never more than the commitment in all nor ``max_outstanding`` at once. Draws for purchases
fall at the borrower's own procurement, after its spending rule has cut what it wants
(`Lab.procure`), and are tied to the vendor's equipment; draws for a shortfall fall after
servicing. Interest on the balance at the start of a quarter is due at its end; the
balance at maturity (bullet). Money in $B, time in quarters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .claim import Claim
from .deals import Deal
from .dust import MONEY_DUST, snap

if TYPE_CHECKING:
    from .world import World

__all__ = ["CreditFacility"]


class CreditFacility(Deal):
    """A committed facility drawn for purchases, for what the borrower cannot pay, or both."""

    def __init__(self, spec: Any, world: World) -> None:
        super().__init__(spec, world)
        p, key, chunk = world.p, self.key, world.chunk
        self.lender = spec.lender
        self.borrower = spec.borrower
        self.lab = world.labs_by_id[spec.borrower]
        self.commitment = p(spec.commitment, key + ".commitment") * self.closes
        self.max_out = (self.commitment if spec.max_outstanding is None
                        else p(spec.max_outstanding, key + ".max_outstanding"))
        self.at_start = min(p(spec.drawn_at_start, key + ".drawn_at_start"),
                            min(self.commitment, self.max_out))
        self.rate_q = p(spec.rate, key + ".rate") / 4.0
        self.periods = chunk.quarters(spec.term_years, key + ".term_years")
        avail = (self.periods if spec.availability_years is None
                 else chunk.quarters(spec.availability_years, key + ".availability_years"))
        self.available_q = min(avail, self.periods - 1)  # repayable at maturity
        self.purchase_share = p(spec.drawing.purchases, key + ".drawing.purchases")
        self.vendor: str | None = spec.vendor
        if spec.vendor is not None:
            if spec.lender not in world.vendors:
                raise NotImplementedError("the oracle covers purchase draws lent by the vendor")
            self.tied_gross_profit = 0.0
            self.tied_vendor = spec.vendor
            self.lab.purchase_draws.append(self)
        if spec.drawing.shortfall:
            self.lab.liquidity.append(self)
        self.claim = self.add_claim(Claim("debt_service", self.lender, self.borrower, self.id,
                                          self.rate_q, 1), world)
        self.claim.on_fleet = spec.secured
        self.drawn_total = 0.0

    def headroom(self, q: int) -> float:
        """What may still be drawn in quarter ``q`` ($B): unpaid interest, in arrears or
        accrued and not yet serviced, counts against ``max_outstanding``."""
        if not 0 <= q - self.start_q < self.available_q:
            return 0.0
        c = self.claim
        room = min(self.commitment - self.drawn_total,
                   self.max_out - c.principal - c.arrears - c.due_now)
        return max(room, 0.0) if self.lab.alive and not c.closed else 0.0

    def draw(self, world: World, q: int, wanted: float, begin: bool = False) -> float:
        amount = min(max(wanted, 0.0), self.headroom(q))
        world.books.pay(q, self.lender, self.borrower, "credit_draw", amount, self.id, begin=begin)
        self.claim.principal += amount
        self.drawn_total += amount
        return amount

    def open(self, world: World, q: int) -> None:
        self.draw(world, q, self.at_start, begin=True)
        self.claim.track_exposure(self.headroom(q))

    def schedule(self, world: World, q: int) -> None:
        k = q - self.start_q
        if not 0 <= k < self.periods:
            return
        c = self.claim
        interest = c.principal * self.rate_q
        repay = c.principal if k == self.periods - 1 else 0.0
        c.principal -= repay
        c.schedule(interest + repay, q + 1)
        if self.vendor is None or k >= self.available_q:  # else after the purchase draws
            c.track_exposure(c.due_now + self.headroom(q))

    def draw_for_purchases(self, world: World, q: int, wanted: float) -> None:
        """At the borrower's procurement: draw the share of the vendor's price of what it
        still wants from the vendor (``wanted`` units after its spending rule), tied to the
        vendor's equipment."""
        if self.vendor is None or not 0 <= q - self.start_q < self.available_q:
            return
        v = world.vendors[self.vendor]
        share = self.lab.procurement.get(self.vendor, 0.0)
        perf = 1.0 if v.perf is None else v.perf  # the price per unit of useful capacity
        drawn = self.draw(world, q, self.purchase_share * wanted * share * v.content / perf)
        if drawn > 0:
            world.tie(self, self.vendor, drawn, self.lender)
        self.claim.track_exposure(self.claim.due_now + self.headroom(q))

    def after_servicing(self, world: World, q: int) -> None:
        """Draw what the borrower could not pay and pay it now."""
        if not self.spec.drawing.shortfall:
            return
        lab = self.lab
        cash = world.books.balance[lab.id]
        short = snap(max(lab.arrears() - max(cash, 0.0), 0.0) if lab.alive else 0.0, MONEY_DUST)
        if not short:
            return
        if not self.draw(world, q, short):
            return
        lab.opex.settle(world.books, q, "operating_costs")
        for claim in lab.claims:
            claim.settle(world.books, q)
        self.claim.track_exposure(self.headroom(q))

    def record(self, world: World, q: int) -> dict[str, float]:
        return {"drawn": self.claim.balance(), "undrawn": self.headroom(q + 1),
                "written_off": self.claim.written_off}

    def outcomes(self, world: World) -> dict[str, float]:
        return {"drawn_total": self.drawn_total, "written_off": self.claim.written_off,
                "ead": self.claim.ead}

    def marks(self, world: World, survival: dict[str, float]) -> dict[str, float]:
        value = self.claim.balance() * survival.get(self.borrower, 1.0)
        return {self.lender: value, self.borrower: -value}
