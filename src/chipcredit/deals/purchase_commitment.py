"""``purchase_commitment``: take-or-pay. The lab must buy a schedule of capacity from a
vendor; what it does not take in a quarter costs ``shortfall_fee`` times the vendor's
price of the capacity not taken, due at the end of that quarter.

Committed capacity is bought first, before the lab's other purchases. If the lab defaults,
the fees on the rest of the schedule (as if nothing more were taken, undiscounted) join its
unsecured class. So the vendor's exposure each quarter (its ``peak_exposure``) is what it
would claim if the lab defaulted then: fees unpaid, plus the fee on the rest of the schedule
at the vendor's price now.

Worked example: 0.25 GW a quarter from AMD at $20B per GW with a 20% fee. A quarter in
which the lab needs only 0.1 GW: it buys 0.1 GW ($2B) and owes 0.2 x 0.15 x 20 = $0.6B.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.claims import Claim
from chipcredit.engine.fleet import column_sums
from chipcredit.scenario.deals import PurchaseCommitment

from .base import DealRuntime

if TYPE_CHECKING:
    from chipcredit.engine.labs import LabState
    from chipcredit.engine.sim import Sim

__all__ = ["PurchaseCommitmentDeal"]


class PurchaseCommitmentDeal(DealRuntime):
    spec: PurchaseCommitment

    def __init__(self, spec: PurchaseCommitment, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p, n = sim.params, sim.n
        self.lab_acct = sim.acct(spec.lab)
        self.lab = sim.lab_by_acct[self.lab_acct]
        self.vendor = sim.vendor_by_acct[sim.acct(spec.vendor)]
        self.fee = p.array(spec.shortfall_fee, self.key + ".shortfall_fee")
        self.units = np.zeros((sim.n_quarters, n))
        for i, item in enumerate(spec.schedule):
            q = sim.scenario.quarter_of(item.quarter)
            self.units[q] += p.array(item.capacity, f"{self.key}.schedule[{i}].capacity")
        self.units *= self.closes
        # quarters with capacity due on some path: the rest of the schedule sums these only
        self._due_quarters = [q for q in range(sim.n_quarters) if self.units[q].any()]
        self.claim = self.add_claim(Claim("take_or_pay", self.vendor.acct, self.lab_acct, index,
                                          n, 0.0, stage=3), sim)
        self.tied_gross_profit = np.zeros(n)
        self.tied_vendor = spec.vendor

    def committed(self, lab_acct: int, q: int) -> list[tuple[int, NDArray[np.float64]]]:
        if lab_acct != self.lab_acct:
            return []
        return [(self.vendor.acct, np.where(self.lab.alive, self.units[q], 0.0))]

    def after_procurement(self, sim: Sim, q: int) -> None:
        ahead = [t for t in self._due_quarters if t > q]
        due = np.where(self.lab.alive, self.units[q], 0.0) if q in self._due_quarters else None
        if due is None or not due.any():
            if ahead:
                self.claim.track_exposure(self._fee_ahead(ahead))
            return
        bought = np.asarray(self.lab.bought.get(self.vendor.acct, np.zeros(sim.n)))
        taken = np.minimum(due, bought)
        self.add_tied_gross_profit(self.vendor.margin * taken * self.vendor.content)
        fee = self.fee * (due - taken) * self.vendor.content
        self.claim.track_exposure(fee + self._fee_ahead(ahead) if ahead else fee)
        self.claim.schedule(fee, q + 1)

    def _fee_ahead(self, quarters: list[int]) -> NDArray[np.float64]:
        """$B of fee on the schedule of ``quarters``, none of it taken, at today's price,
        on paths where the lab is alive: the part of its claim at default not yet due."""
        rest = self.units[quarters[0]].copy()
        for t in quarters[1:]:
            rest += self.units[t]
        return np.where(self.lab.alive, self.fee * rest * self.vendor.content, 0.0)

    def on_default(self, sim: Sim, lab: LabState, q: int, mask: NDArray[np.bool_]) -> None:
        if lab.acct != self.lab_acct:
            return
        paths = np.flatnonzero(mask)
        if q + 1 < sim.n_quarters:  # the schedule still ahead, on the defaulting paths only
            rest = column_sums(self.units[q + 1:], paths)
        else:
            rest = np.zeros(paths.size)
        principal = self.claim.principal.copy()
        principal[paths] = self.fee[paths] * rest * self.vendor.content[paths]
        self.claim.principal = principal
