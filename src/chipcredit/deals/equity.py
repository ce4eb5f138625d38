"""``equity``: cash for new shares in a lab or a cloud at a given or the then pre-money
valuation.

Worked example: $6.6B at a $500B pre-money valuation in a lab with 1.0 (billion) shares
buys 6.6 / (500 / 1.0) = 0.0132 new shares, 1.30% of the post-money company. With
``use_of_proceeds: {vendor: nvidia}`` the money is tied to Nvidia hardware: as the lab buys
Nvidia GPUs it uses the tied money first, and Nvidia's gross profit on those sales is
reported beside the deal as ``tied_gross_profit`` (75% margin: $4.95B on $6.6B).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.sum_kernel import cash_in_out
from chipcredit.scenario.deals import Equity

from .base import DealRuntime, Survival, equity_loss, equity_value

if TYPE_CHECKING:
    from chipcredit.engine.funding import Fundraiser
    from chipcredit.engine.sim import Sim

__all__ = ["EquityDeal"]


class EquityDeal(DealRuntime):
    spec: Equity

    def __init__(self, spec: Equity, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        self.investor = sim.acct(spec.investor)
        self.investee_acct = sim.acct(spec.investee)
        self.lab_acct: int = self.investee_acct
        # a lab or a cloud: both keep a cap table (`Fundraiser`)
        self.lab: Fundraiser = (sim.lab_by_acct[self.investee_acct] if self.investee_acct
                                in sim.lab_by_acct else sim.cloud_by_acct[self.investee_acct])
        self.amount = sim.params.array(spec.amount, self.key + ".amount") * self.closes
        self.pre_money = (None if spec.pre_money_valuation is None else
                          sim.params.array(spec.pre_money_valuation, self.key + ".pre_money_valuation"))
        if spec.use_of_proceeds is not None:
            self.tied_vendor = spec.use_of_proceeds.vendor
            self.tied_gross_profit = np.zeros(sim.n)

    def open(self, sim: Sim, q: int) -> None:
        amount = np.where(self.lab.alive, self.amount, 0.0)
        pre = self.lab.valuation(sim) if self.pre_money is None else self.pre_money
        self.lab.issue(self.investor, self.index, amount, pre / self.lab.total_shares())
        sim.ledger.pay(q, self.investor, self.lab_acct, "equity", amount, self.index,
                       begin=True)
        if self.tied_vendor is not None:
            sim.tie(self.index, sim.acct(self.tied_vendor), amount, funder=self.investor)

    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        return {self.investor: equity_value(sim, self.lab, self.investor, self.index)}

    def losses(self, sim: Sim, marks: dict[int, NDArray[np.float64]],
               flows: dict[int, NDArray[np.float64]]) -> dict[int, NDArray[np.float64]]:
        got, cost = cash_in_out(flows[self.investor])
        return {self.investor: equity_loss(cost, got, marks[self.investor])}
