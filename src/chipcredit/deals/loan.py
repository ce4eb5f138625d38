"""``loan``: a term loan, fixed or floating, bullet or amortising, secured or unsecured.

Worked example: $5B at 12.5% nominal, bullet, 5 years, from 2025Q4. Each quarter the
borrower owes 5 x 0.125 / 4 = $0.15625B of interest; in the 20th quarter it also owes the
$5B principal. Amortising instead, the level payment is the annuity
5 x 0.03125 / (1 - 1.03125^-20) = $0.3400B a quarter.

The borrower is a lab or a cloud. A cloud pays the debt service from its cash after its
power bill and its own debt tranches (`engine.clouds`); a secured loan to a cloud shares the
fleet's sale proceeds in a default pro rata with the cloud's tranches. Worked example
(tests/deals/test_cloud_loan.py): $3B to a cloud at 10%, amortising over 4 years: the level
payment is 3 x 0.025 / (1 - 1.025^-16) = $0.22980B a quarter. A cloud with a funded balance
sheet always pays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.claims import Claim
from chipcredit.scenario.deals import Loan

from .base import DealRuntime, Survival

if TYPE_CHECKING:
    from chipcredit.engine.clouds import CloudState
    from chipcredit.engine.labs import LabState
    from chipcredit.engine.sim import Sim

__all__ = ["LoanDeal", "level_payment"]


def level_payment(principal: NDArray[np.float64], rate_q: NDArray[np.float64] | float,
                  periods: int, balloon: NDArray[np.float64] | float = 0.0) -> NDArray[np.float64]:
    """Level payment in arrears amortising ``principal`` to ``balloon`` over ``periods``."""
    rate = np.asarray(rate_q, dtype=np.float64)
    safe = np.where(rate > 0, rate, 1.0)
    disc = (1.0 + safe) ** (-float(periods))
    # below a rate of about 1e-8, 1 - (1+r)^-n loses its digits, and below 1e-16 it is 0 and
    # the payment inf (a fuzzed lease rate of 1e-264 did that): there, use log1p/expm1
    small = safe < 1e-8
    if small.any():
        log_disc = -float(periods) * np.log1p(safe)
        disc = np.where(small, np.exp(log_disc), disc)
        denominator = np.where(small, -np.expm1(log_disc), 1.0 - disc)
    else:
        denominator = 1.0 - disc
    annuity = (principal - balloon * disc) * safe / denominator
    return np.asarray(np.where(rate > 0, annuity, (principal - balloon) / periods))


class LoanDeal(DealRuntime):
    spec: Loan

    def __init__(self, spec: Loan, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p = sim.params
        self.lender = sim.acct(spec.lender)
        self.borrower = sim.acct(spec.borrower)
        # a lab or a cloud: both are alive until they default (a funded cloud always is)
        self.party: LabState | CloudState = (sim.lab_by_acct[self.borrower]
                                             if self.borrower in sim.lab_by_acct
                                             else sim.cloud_by_acct[self.borrower])
        self.amount = p.array(spec.amount, self.key + ".amount") * self.closes
        self.periods = p.quarters(spec.term_years, self.key + ".term_years")
        self.fixed_rate = p.array(spec.rate, self.key + ".rate") if spec.rate_type == "fixed" else None
        self.spread = p.array(spec.spread, self.key + ".spread")
        self.claim = self.add_claim(
            Claim("debt_service", self.lender, self.borrower, index, sim.n,
                  (self.fixed_rate if self.fixed_rate is not None
                   else sim.market.base + self.spread) / 4.0, stage=1), sim)
        self.claim.on_fleet = spec.secured

    def open(self, sim: Sim, q: int) -> None:
        # a borrower that has already defaulted draws nothing (as in the other deal kinds)
        amount = np.where(self.party.alive, self.amount, 0.0)
        sim.ledger.pay(q, self.lender, self.borrower, "loan_draw", amount, self.index,
                       begin=True)
        self.claim.lend(amount)
        self.claim.track_exposure()

    def rate_q(self, sim: Sim) -> NDArray[np.float64]:
        if self.fixed_rate is not None:
            return np.asarray(self.fixed_rate / 4.0)
        return np.asarray((sim.market.base_rate + sim.market.rate_add + self.spread) / 4.0)

    def schedule(self, sim: Sim, q: int) -> None:
        k = q - self.start_q
        if not 0 <= k < self.periods:
            return
        c = self.claim
        rate = self.rate_q(sim)
        interest = c.principal * rate
        if self.spec.amortisation == "amortising":
            payment = level_payment(c.principal, rate, self.periods - k)
            repay = np.minimum(payment - interest, c.principal)
        else:
            repay = c.principal if k == self.periods - 1 else np.zeros(sim.n)
        c.track_exposure(interest)
        c.principal = c.principal - repay
        c.schedule(interest + repay, q + 1, interest=interest)

    def marks(self, sim: Sim, survival: Survival) -> dict[int, NDArray[np.float64]]:
        value = self.claim.balance() * survival.get(self.borrower, 1.0)
        return {self.lender: value, self.borrower: -value}
