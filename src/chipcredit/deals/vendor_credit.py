"""``vendor_credit``: "chips on credit". The vendor ships GPUs now; the receivable accrues
interest and is repaid by the means listed, in order; it is secured on the shipped GPUs.

In the ledger the deal is two transfers at its start: a loan from the vendor to the lab
(``credit_draw``) and the lab's purchase from the vendor (``sale``). So money provenance and
the vendor's sales both see it.

Means, in the order given:

- ``revenue_share``: each quarter until maturity the lab pays ``share`` of its revenue,
  until those payments total ``cap_multiple`` times the amount shipped or nothing is owed;
- ``cash``: at maturity the lab pays what is left from its cash, as far as it has it (if
  ``cash`` is the last means, what it cannot pay is arrears);
- ``conversion``: at maturity what is left becomes shares at ``discount`` below the then
  price per share.

Worked example: $5B shipped at 8% nominal (2% a quarter), 20% of revenue, then conversion
at a 20% discount. A quarter with $1B of revenue: interest 5 x 0.02 = $0.1B accrues, and
the lab pays 0.2 x 1 = $0.2B, leaving $4.9B. If $3B is left at maturity and the lab's
shares trade at $200 each, the vendor gets 3 / (200 x 0.8) = 0.01875B shares.

Conversion repays the receivable in shares, not cash, so it is invisible in the lab's
flows: the debt just stops. Beside the deal (never in its NPV, IRR or MOIC, which count
cash) the lab reports ``dilution_cost``, the market value of the shares it issued at the
price the conversion used, before the discount: in the example 0.01875 x 200 = $3.75B,
i.e. 3 / (1 - 0.2); of it $3B extinguished the debt and $0.75B is the discount given away.
Both parties report ``conversion_stake``, the share of the lab the conversion issued: the
new shares over all shares outstanding just after it (0.01875B new on a lab of 1B shares:
0.01875 / 1.01875 = 1.84%). Both are 0 on paths where nothing converts.

The shares are the vendor's from then on, marked at the horizon at the lab's price then, so
every share the lab issues later (its rounds above all) dilutes them. The vendor's ``loss``
counts it: what converts counts as received on the claim, and the shares as equity bought
for the amount converted, so the loss adds ``max(converted - horizon mark, 0)``,
undiscounted; the discount is a cushion. In the example the stake is worth 1.84% of the
lab's $200B = $3.68B just after the conversion (a little under the $3.75B of
``dilution_cost``: issuing the shares does not raise the valuation), no loss; had the lab
then sold 5% of itself in each of nine rounds at an unchanged valuation, it would be marked
at 0.95 ** 9 = 63.0% of that, $2.32B, and the loss would be 3 - 2.32 = $0.68B
(docs/deals.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.claims import Claim
from chipcredit.engine.dust import CAPACITY_DUST, snap
from chipcredit.scenario.deals import CashAtMaturity, Conversion, RevenueShare, VendorCredit

from .base import DealRuntime, Survival, equity_value

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim

__all__ = ["VendorCreditDeal"]


class VendorCreditDeal(DealRuntime):
    """Runtime of one vendor credit.

    Attributes
    ----------
    converted : (n,) $B of the receivable repaid in shares
    dilution_cost : (n,) $B, market value of the shares issued at conversion (before the
        discount), at the lab's price then
    conversion_stake : (n,) share of the lab's shares outstanding just after the conversion
        that it issued (0 to 1)
    """

    spec: VendorCredit

    def __init__(self, spec: VendorCredit, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p, key, n = sim.params, self.key, sim.n
        self.vendor = sim.vendor_by_acct[sim.acct(spec.vendor)]
        self.borrower = sim.acct(spec.borrower)
        self.investee_acct = self.borrower
        self.lab = sim.lab_by_acct[self.borrower]
        self.amount = p.array(spec.amount, key + ".amount") * self.closes
        self.rate_q = p.array(spec.rate, key + ".rate") / 4.0
        self.periods = p.quarters(spec.term_years, key + ".term_years")
        self.share = np.zeros(n)
        self.cap = np.zeros(n)
        self.discount: NDArray[np.float64] | None = None
        self.means = [m.kind for m in spec.repayment]
        for i, means in enumerate(spec.repayment):
            if isinstance(means, RevenueShare):
                self.share = p.array(means.share, f"{key}.repayment[{i}].share")
                self.cap = p.array(means.cap_multiple, f"{key}.repayment[{i}].cap_multiple") * self.amount
            elif isinstance(means, Conversion):
                self.discount = p.array(means.discount, f"{key}.repayment[{i}].discount")
            else:
                assert isinstance(means, CashAtMaturity)
        self.claim = self.add_claim(Claim("credit_repayment", self.vendor.acct, self.borrower,
                                          index, n, self.rate_q, stage=2), sim)
        self.claim.collateral = self._collateral
        self.shared_paid = np.zeros(n)
        self.converted = np.zeros(n)
        self.dilution_cost = np.zeros(n)
        self.conversion_stake = np.zeros(n)
        self.shipped_cost = np.zeros(n)
        self.tied_gross_profit = np.zeros(n)
        self.tied_vendor = spec.vendor
        self._sim = sim
        self.idle = np.zeros(n)
        """Chips shipped and not yet built out (`IdleHardware`), in units."""
        self.unit_content = np.zeros(n)
        self.perf = 1.0 if self.vendor.perf is None else self.vendor.perf
        """Useful capacity per chip (`IdleHardware.perf`)."""
        self.vendor_acct = self.vendor.acct
        self.lab.idle_hardware.append(self)

    def start(self, sim: Sim, q: int) -> None:
        super().start(sim, q)
        if q > self.start_q and self.idle.any():
            # chips past their useful life retire unbuilt; a defaulted lab builds nothing
            gone = ~self.lab.alive | (q - self.start_q >= sim.market.life_q)
            self.idle = np.where(gone, 0.0, self.idle)

    def build_out(self, q: int, units: NDArray[np.float64]) -> None:
        """The lab built out ``units`` of the idle chips in quarter ``q`` (`IdleHardware`):
        they join its fleet at their age as ``units * perf`` of capacity (their cost joined
        it when they were shipped)."""
        age = q - self.start_q
        self.lab.fleet.add_at(age, units * self.perf, np.zeros(self.n))
        self.idle = snap(self.idle - units, CAPACITY_DUST)

    def _collateral(self) -> NDArray[np.float64]:
        """The chips shipped, at their used value: ``(n,)`` $B.

        Their age is the lab's own fleet's (`Fleet`): chips delivered in quarter ``s`` are
        ``q - s`` quarters old in quarter ``q``, to its end (so worth their cost times the
        index in the quarter of delivery, as the fleet values them), and worth 0 from the
        path's own useful life on, when the fleet retires them and they serve no more (not
        the chunk's longest life, which would make a path's recovery depend on its
        neighbours)."""
        market = self._sim.market
        age = max(self._sim.quarter - self.start_q, 0)
        if age >= market.max_life:
            return np.zeros(self.n)
        value = self.shipped_cost * market.residual_share(age)
        return np.where(age >= market.life_q, 0.0, value)

    def open(self, sim: Sim, q: int) -> None:
        live = self.closes & self.lab.alive
        amount = np.where(live, self.amount, 0.0)
        sim.ledger.pay(q, self.vendor.acct, self.borrower, "credit_draw", amount, self.index,
                       begin=True)
        units = amount / self.vendor.content
        # the credit drawn pays for these chips: the sale spends the vendor's money first
        paid = self.vendor.sell(sim, q, self.borrower, units, self.index, begin=True,
                                tied=[(self.vendor.acct, amount)])
        # the chips arrive idle, their cost already in the lab's fleet (they are its own):
        # it builds them out at its procurement, this quarter and later, as its need and its
        # cash above the quarter's scheduled payments allow (`LabState.procure`)
        self.lab.fleet.add(np.zeros(sim.n), paid)
        self.idle = snap(np.asarray(units), CAPACITY_DUST)
        self.unit_content = np.where(units > 0, self.vendor.content, 0.0)
        self.shipped_cost = paid
        self.add_tied_gross_profit(self.vendor.margin * paid)
        self.claim.lend(amount)

    def schedule(self, sim: Sim, q: int) -> None:
        k = q - self.start_q
        if not 0 <= k < self.periods:
            return
        c = self.claim
        if c.tape is not None:  # the traced path's schedule: interest added to principal
            c.tape.capitalised(c.principal * self.rate_q)
        c.principal = c.principal * (1.0 + self.rate_q)  # interest accrues on the receivable
        c.track_exposure()
        due = np.zeros(sim.n)
        if "revenue_share" in self.means:
            due = np.minimum(np.minimum(self.share * self.lab.revenue, c.principal),
                             np.maximum(self.cap - self.shared_paid, 0.0))
            self.shared_paid += due
        c.principal = c.principal - due
        if k == self.periods - 1:
            due = due + self._at_maturity(sim, q)
        c.schedule(due, q + 1)

    def _at_maturity(self, sim: Sim, q: int) -> NDArray[np.float64]:
        """Apply the maturity means in order; return what falls due in cash."""
        c = self.claim
        cash_due = np.zeros(sim.n)
        after = [m for m in self.means if m != "revenue_share"]
        for i, means in enumerate(after):
            left = c.principal
            if means == "cash":
                last = i == len(after) - 1
                take = left if last else np.minimum(left, np.maximum(self.lab.cash - self.lab.due(), 0.0))
                cash_due = cash_due + take
                c.principal = left - take
            elif means == "conversion":
                self._convert(sim, q, left)
        return cash_due

    def _convert(self, sim: Sim, q: int, amount: NDArray[np.float64]) -> None:
        """What is left becomes shares at a discount: recorded as the vendor buying shares
        and the lab repaying the credit with that money, so no cash changes hands net."""
        assert self.discount is not None
        amount = np.where(self.lab.alive & ~self.claim.closed, amount, 0.0)
        market = self.lab.price(sim)
        price = market * (1.0 - self.discount)
        before = self.lab.total_shares()
        new = self.lab.issue(self.vendor.acct, self.index, amount, price)
        after = before + new  # taken before `issue` may rescale the table to fractions
        self.conversion_stake += np.divide(new, after, out=np.zeros_like(new), where=after > 0)
        self.dilution_cost += new * market
        sim.ledger.pay(q, self.vendor.acct, self.borrower, "conversion_equity", amount, self.index)
        c = self.claim
        c.principal = c.principal - amount
        c.schedule(amount, q + 1)
        c.due_now = c.due_now - amount
        c.receive(sim.ledger, q, amount, "conversion_repayment")
        self.converted += amount

    def party_outcomes(self, sim: Sim) -> dict[tuple[int, str], NDArray[np.float64]]:
        """Per-path outcomes beside the deal's metrics: the borrower's ``dilution_cost``
        ($B, the shares it issued at conversion at the market price then) and both
        parties' ``conversion_stake`` (the share of the lab it issued, 0 to 1); 0 where
        nothing converted."""
        return {(self.borrower, "dilution_cost"): self.dilution_cost.copy(),
                (self.borrower, "conversion_stake"): self.conversion_stake.copy(),
                (self.vendor.acct, "conversion_stake"): self.conversion_stake.copy()}

    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        credit = self.claim.balance() * survival.get(self.borrower, 1.0)
        shares = equity_value(sim, self.lab, self.vendor.acct, self.index)
        return {self.vendor.acct: credit + shares, self.borrower: -credit}

    def losses(self, sim: Sim, marks: dict[int, NDArray[np.float64]],
               flows: dict[int, NDArray[np.float64]]) -> dict[int, NDArray[np.float64]]:
        """The vendor's loss ($B, ``(n,)``): the claim's credit loss (a conversion counts as
        received), plus the converted stake's fall below the amount converted by the
        horizon, its later dilution included, undiscounted and floored at 0."""
        credit = np.maximum(self.claim.loss(), 0.0)
        shares = equity_value(sim, self.lab, self.vendor.acct, self.index)
        equity = np.maximum(self.converted - shares, 0.0)
        return {self.vendor.acct: credit + equity}
