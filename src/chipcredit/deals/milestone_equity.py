"""``milestone_equity``: one equity tranche each time the investee has deployed another
capacity unit from a named vendor (the Nvidia-OpenAI letter of intent: $10B per GW).

Worked example: $10B per GW, at most $100B, first tranche at a $500B pre-money valuation.
The lab deploys 0.6 GW of Nvidia systems in 2026Q3 and 0.7 GW in 2026Q4: the first GW is
reached in 2026Q4, so one $10B tranche arrives then, buying 10 / (500 / S) shares (S the
shares outstanding). Tranches stop after ten. The money reimburses Nvidia hardware already
bought, so Nvidia's gross profit on $10B of sales (at a 75% margin, $7.5B) is reported
beside the deal as ``tied_gross_profit``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.deals import MilestoneEquity

from .base import DealRuntime, Survival, equity_loss, equity_value

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim

__all__ = ["MilestoneEquityDeal"]

UNIT_TOL = 1e-9  # deployment within a billionth of a unit counts as reached


class MilestoneEquityDeal(DealRuntime):
    spec: MilestoneEquity

    def __init__(self, spec: MilestoneEquity, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p = sim.params
        self.investor = sim.acct(spec.investor)
        self.investee_acct = sim.acct(spec.investee)
        self.lab_acct: int = self.investee_acct
        self.vendor = sim.acct(spec.vendor)
        self.lab = sim.lab_by_acct[self.investee_acct]
        self.per_unit = p.array(spec.amount_per_unit, self.key + ".amount_per_unit")
        self.max_amount = p.array(spec.max_amount, self.key + ".max_amount")
        self.first_pre = (None if spec.first_pre_money_valuation is None else
                          p.array(spec.first_pre_money_valuation,
                                  self.key + ".first_pre_money_valuation"))
        self.baseline = np.zeros(sim.n)
        self.tranches = np.zeros(sim.n)
        self.invested = np.zeros(sim.n)
        self.tied_gross_profit = np.zeros(sim.n)
        self.tied_vendor = spec.vendor
        self._room: NDArray[np.float64] | None = None  # whole tranches left under the cap

    def open(self, sim: Sim, q: int) -> None:
        self.baseline = self.lab.deployed[self.vendor].copy()

    def after_procurement(self, sim: Sim, q: int) -> None:
        if q < self.start_q:
            return
        deployed = self.lab.deployed[self.vendor] - self.baseline
        reached = np.floor(deployed + UNIT_TOL)
        if self._room is None:  # it changes only when a tranche is paid
            room = np.floor(np.divide(self.max_amount - self.invested, self.per_unit,
                                      out=np.zeros(sim.n), where=self.per_unit > 0) + UNIT_TOL)
            self._room = np.maximum(room, 0.0)
        new = np.minimum(np.maximum(reached - self.tranches, 0.0), self._room)
        new = np.where(self.closes & self.lab.alive, new, 0.0)
        if not new.any():
            return
        amount = new * self.per_unit
        pre = self.lab.valuation(sim)
        if self.first_pre is not None:
            pre = np.where(self.tranches == 0, self.first_pre, pre)
        self.lab.issue(self.investor, self.index, amount, pre / self.lab.total_shares())
        sim.ledger.pay(q, self.investor, self.lab_acct, "tranche", amount, self.index)
        self.tranches += new
        self.invested += amount
        self._room = None
        self.add_tied_gross_profit(sim.vendor_by_acct[self.vendor].margin * amount)

    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        return {self.investor: equity_value(sim, self.lab, self.investor, self.index)}

    def losses(self, sim: Sim, marks: dict[int, NDArray[np.float64]],
               flows: dict[int, NDArray[np.float64]]) -> dict[int, NDArray[np.float64]]:
        got = np.maximum(flows[self.investor], 0.0).sum(axis=1)
        return {self.investor: equity_loss(self.invested, got, marks[self.investor])}
