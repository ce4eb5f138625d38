"""``credit_facility``: a committed facility the borrower draws as needed, up to a limit.

A vendor (or a lender) commits ``commitment`` $B; the borrower draws on it during the
availability period, never more than ``commitment`` in all nor ``max_outstanding`` at once.
Lucent's 10-K for FY2000 is the model: $6.7B committed to carriers, $1.3B of it drawn.
Two rules say when it is drawn (``drawing``), both in the ledger as ``credit_draw``
transfers from the lender to the borrower:

- ``purchases``: when the borrower comes to buy (its own procurement in phase 4, after its
  spending rule, if it has one, has cut what it wants, and after its spot rentals), draws
  pay for that share of what it is about to buy from ``vendor`` this quarter (the
  shortfall left to buy times its procurement share times the vendor's price per unit of
  useful capacity, its content over its ``performance_per_unit`` under the vendor choice,
  as the lab pays it): a lab that defers capacity draws only for what it still buys, one
  that rents not for what it rents.
  The money is tied to the vendor's equipment, so the vendor's gross profit on those sales
  is reported beside the deal as ``tied_gross_profit``, and the purchase spends it first
  (money provenance, `Sim.tied_parts`);
- ``shortfall``: after servicing, the borrower draws what it could not pay (its arrears
  less its cash) and pays it at once, before it seeks an equity round. A borrower with cash never draws;
  one whose funding dries up draws the facility to its limit before it defaults.

Interest at ``rate`` (nominal annual) on the balance at the start of a quarter is due at
its end; the balance is due at maturity (bullet). ``drawn_at_start`` is drawn at the
beginning of the first quarter (a facility signed before the scenario starts). Interest
accrued and not yet paid counts against ``max_outstanding``: between the quarter's
schedule and its servicing, the room to draw is ``max_outstanding`` less the balance, the
arrears and the interest now due. Exposure is the balance plus unpaid interest plus that
undrawn headroom, so it exceeds ``max_outstanding`` only where the balance and the
interest just accrued on it already do. ``secured`` facilities share the
borrower's own equipment with its secured loans in a default.

Worked example: $2B committed, at most $0.5B outstanding, 8% nominal (2% a quarter),
shortfall draws, to a borrower with no cash whose revenue falls $0.2B a quarter short of
its costs and whose rounds fail. Quarter 0: it draws $0.2B. Quarter 1: $0.2B short plus
interest 0.2 x 0.02 = $0.004B, so it draws $0.204B. Quarter 2: short 0.2 + 0.404 x 0.02 =
$0.20808B, but only 0.5 - 0.404 - 0.00808 = $0.08792B of room is left (unpaid interest
counts as outstanding): it draws that, is still short, and defaults owing $0.5B, all of it
written off; the lender's loss is 0.5 / 1.02^3 = $0.4712B. Its peak exposure is $0.5B:
0.404 + 0.00808 of interest + 0.08792 of room at quarter 2's schedule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.claims import Claim
from chipcredit.engine.dust import MONEY_DUST, snap
from chipcredit.scenario.deals import CreditFacility

from .base import DealRuntime, Survival

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim

__all__ = ["CreditFacilityDeal"]


class CreditFacilityDeal(DealRuntime):
    """Compiled terms and state of one facility.

    Attributes
    ----------
    drawn_total : (n,) $B drawn since the start (what counts against the commitment)
    """

    spec: CreditFacility

    def __init__(self, spec: CreditFacility, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p, key, n = sim.params, self.key, sim.n
        self.lender = sim.acct(spec.lender)
        self.borrower = sim.acct(spec.borrower)
        self.lab = sim.lab_by_acct[self.borrower]
        self.commitment = p.array(spec.commitment, key + ".commitment") * self.closes
        self.max_out = (self.commitment if spec.max_outstanding is None
                        else p.array(spec.max_outstanding, key + ".max_outstanding"))
        self.at_start = np.minimum(p.array(spec.drawn_at_start, key + ".drawn_at_start"),
                                   np.minimum(self.commitment, self.max_out))
        self.rate_q = p.array(spec.rate, key + ".rate") / 4.0
        self.periods = p.quarters(spec.term_years, key + ".term_years")
        avail = (self.periods if spec.availability_years is None
                 else p.quarters(spec.availability_years, key + ".availability_years"))
        # draws stop before the last quarter: what is drawn must be repayable at maturity
        self.available_q = min(avail, self.periods - 1)
        self.purchase_share = p.array(spec.drawing.purchases, key + ".drawing.purchases")
        self.vendor = None if spec.vendor is None else sim.vendor_by_acct[sim.acct(spec.vendor)]
        if self.vendor is not None:
            self.investee_acct = self.borrower
            self.tied_vendor = spec.vendor
            self.tied_gross_profit = np.zeros(n)
        self.claim = self.add_claim(Claim("debt_service", self.lender, self.borrower, index, n,
                                          self.rate_q, stage=1), sim)
        self.claim.on_fleet = spec.secured
        self.drawn_total = np.zeros(n)
        if spec.drawing.shortfall:  # its headroom is liquidity for the lab's spending rule
            self.lab.liquidity.append(self)
        if self.vendor is not None:  # it draws when the lab buys (`draw_for_purchases`)
            self.lab.purchase_draws.append(self)

    # -- drawing -------------------------------------------------------------------------
    def headroom(self, q: int) -> NDArray[np.float64]:
        """What may still be drawn now, ``(n,)`` $B (zero outside the availability period
        and once the borrower has defaulted): unpaid interest, in arrears or accrued this
        quarter and not yet serviced (``due_now``), counts against ``max_outstanding``."""
        if not 0 <= q - self.start_q < self.available_q:
            return np.zeros(self.n)
        c = self.claim
        room = np.minimum(self.commitment - self.drawn_total,
                          self.max_out - c.principal - c.arrears - c.due_now)
        return np.where(self.lab.alive & ~self.claim.closed, np.maximum(room, 0.0), 0.0)

    def _draw(self, sim: Sim, q: int, wanted: NDArray[np.float64], *, begin: bool = False
              ) -> NDArray[np.float64]:
        amount = np.minimum(np.maximum(wanted, 0.0), self.headroom(q))
        sim.ledger.pay(q, self.lender, self.borrower, "credit_draw", amount, self.index,
                       begin=begin)
        self.claim.lend(amount)
        self.drawn_total = self.drawn_total + amount
        return amount

    def open(self, sim: Sim, q: int) -> None:
        self._draw(sim, q, self.at_start, begin=True)
        self.claim.track_exposure(self.headroom(q))

    def schedule(self, sim: Sim, q: int) -> None:
        k = q - self.start_q
        if not 0 <= k < self.periods:
            return
        c = self.claim
        interest = c.principal * self.rate_q  # on the balance at the start of the quarter
        repay = c.principal if k == self.periods - 1 else np.zeros(sim.n)
        c.principal = c.principal - repay
        c.schedule(interest + repay, q + 1, interest=interest)
        if self.vendor is None or k >= self.available_q:  # else after the purchase draws
            # balance, what is now due (the interest, and the principal at maturity) and the
            # room, which the interest due has narrowed
            c.track_exposure(c.due_now + self.headroom(q))

    def draw_for_purchases(self, sim: Sim, q: int, wanted: NDArray[np.float64]) -> None:
        """The purchases rule, at the borrower's procurement (`LabState.procure`): draw
        ``drawing.purchases`` of what the vendor's procurement share of ``wanted`` (the
        useful capacity the lab still has to buy after its spending rule and its spot
        rentals, ``(n,)``) costs at the vendor's price, tie it to the vendor's equipment,
        and note the exposure (balance, accrued interest and undrawn headroom).

        The price is the one the lab pays the vendor (`Vendor.sell`): ``content`` per unit,
        and a unit gives ``perf`` of useful capacity under the vendor choice
        (`committed_take`), so ``content / perf`` per unit of ``wanted``.
        """
        if self.vendor is None or not 0 <= q - self.start_q < self.available_q:
            return
        lab, v = self.lab, self.vendor
        share = lab.procurement.get(v.acct, 0.0)
        perf = 1.0 if v.perf is None else v.perf
        drawn = self._draw(sim, q, self.purchase_share * wanted * share * v.content / perf)
        if drawn.any():  # an empty tie would only lengthen the list every purchase scans
            sim.tie(self.index, v.acct, drawn, funder=self.lender)
        self.claim.track_exposure(self.claim.due_now + self.headroom(q))

    def after_servicing(self, sim: Sim, q: int) -> None:
        """The shortfall rule: draw what the borrower could not pay, and pay it now (before
        its funding phase)."""
        if not self.spec.drawing.shortfall:
            return
        lab = self.lab
        # arrears that cash covers but for rounding are no shortfall: a dust draw would count
        # as a draw
        short = snap(np.where(lab.alive, np.maximum(lab.arrears() - np.maximum(lab.cash, 0.0), 0.0),
                              0.0), MONEY_DUST)
        if not short.any():
            return
        drew = self._draw(sim, q, short) > 0
        if not drew.any():
            return
        # only the paths that drew pay now: elsewhere arrears that cash could pay (cash that
        # came after the costs fell due) wait for the funding phase, as they do when no path
        # of the chunk draws (a path's numbers must not depend on its chunk, docs/design.md 10)
        lab.opex.settle(sim.ledger, q, np.where(drew, lab.cash, 0.0), "operating_costs")
        for claim in lab.claims:
            claim.settle(sim.ledger, q, np.where(drew, lab.cash, 0.0))
        self.claim.track_exposure(self.headroom(q), where=drew)

    # -- reporting -----------------------------------------------------------------------
    def record(self, sim: Sim, q: int) -> dict[str, NDArray[np.float64]]:
        """Drawn (balance plus arrears), undrawn headroom and cumulative write-offs, $B."""
        return {"drawn": self.claim.balance(), "undrawn": self.headroom(q + 1),
                "written_off": self.claim.written_off.copy()}

    def outcomes(self, sim: Sim) -> dict[str, NDArray[np.float64]]:
        return {"drawn_total": self.drawn_total.copy(),
                "written_off": self.claim.written_off.copy(),
                "ead": self.claim.ead.copy()}

    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        value = self.claim.balance() * survival.get(self.borrower, 1.0)
        return {self.lender: value, self.borrower: -value}
