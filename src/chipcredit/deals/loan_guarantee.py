"""``loan_guarantee``: the guarantor pays the lender what the borrower fails to repay.

The guarantee names another deal, a ``loan`` or a ``credit_facility`` from ``lender`` to
``borrower`` (Lucent guaranteed $1.4B of carriers' bank debt, $770M of it drawn, FY2000).
Nothing moves while the borrower pays. In the quarter the borrower defaults and the
guaranteed claim is written off, the guarantor pays the lender ``cover`` times the amount
written off, up to what is left of ``max_amount``: one ``guarantee_payment`` transfer.

The guarantor then holds the lender's claim on the borrower (subrogation), but the
borrower's estate has already been shared out, so that claim is written off at once: the
guarantor's loss in the deal is the payment, discounted at the guaranteed deal's rate from
the end of the default quarter. The lender's loss stays on the guaranteed deal and the
payment shows as its cash in on this one. The guarantor's peak exposure is ``cover`` times
the guaranteed balance plus any undrawn commitment (capped at ``max_amount``). A guarantee
that has not been called carries no horizon mark.

Worked example (tests/deals/test_loan_guarantee.py): a bank facility at 8% nominal (2% a
quarter) whose borrower defaults in quarter 2 owing $0.5B, all of it written off; the
guarantee covers 80%. The guarantor pays the bank 0.8 x 0.5 = $0.4B at the end of that
quarter (time 3), and its loss is 0.4 / 1.02^3 = $0.3769B. With ``max_amount: 0.3`` it pays
$0.3B instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.claims import Claim
from chipcredit.scenario.deals import LoanGuarantee

from .base import DealRuntime

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim

__all__ = ["LoanGuaranteeDeal"]


class LoanGuaranteeDeal(DealRuntime):
    """Compiled terms and state of one guarantee.

    Attributes
    ----------
    paid : (n,) $B paid to the lender so far
    """

    spec: LoanGuarantee

    def __init__(self, spec: LoanGuarantee, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p, key, n = sim.params, self.key, sim.n
        self.guarantor = sim.acct(spec.guarantor)
        self.lender = sim.acct(spec.lender)
        self.borrower = sim.acct(spec.borrower)
        self.cover = p.array(spec.cover, key + ".cover") * self.closes
        self.cap = (np.full(n, np.inf) if spec.max_amount is None
                    else p.array(spec.max_amount, key + ".max_amount"))
        self.paid = np.zeros(n)
        self._seen = np.zeros(n)
        self._target: DealRuntime | None = None
        # the subrogated claim on the borrower; kept off the borrower's own list of claims,
        # since it only arises once the estate is settled
        self.claim = Claim("guarantee_payment", self.guarantor, self.borrower, index, n, 0.0,
                           stage=1)
        self.claims.append(self.claim)

    def _guaranteed(self, sim: Sim) -> Claim:
        if self._target is None:
            self._target = next(d for d in sim.deals if d.id == self.spec.guarantees)
            self.claim.rate = self._target.claim.rate  # type: ignore[attr-defined]
        claim: Claim = self._target.claim  # type: ignore[attr-defined]
        return claim

    def after_defaults(self, sim: Sim, q: int) -> None:
        target = self._guaranteed(sim)
        undrawn = getattr(self._target, "headroom", None)
        contingent = self.cover * (target.balance() + (undrawn(q + 1) if undrawn else 0.0))
        np.maximum(self.claim.peak_exposure, np.minimum(contingent, self.cap - self.paid),
                   out=self.claim.peak_exposure)
        new = target.written_off - self._seen
        if not (new > 1e-12).any():
            return
        self._seen = target.written_off.copy()
        pay = np.where(new > 1e-12, np.minimum(self.cover * new, self.cap - self.paid), 0.0)
        pay = np.maximum(pay, 0.0)
        sim.ledger.pay(q, self.guarantor, self.lender, "guarantee_payment", pay, self.index)
        self.paid = self.paid + pay
        hit = pay > 0
        c = self.claim
        c.schedule(pay, q + 1)  # promised to the guarantor from now on, and never paid
        c.arrears = c.arrears + c.due_now
        c.due_now = np.zeros(sim.n)
        c.accelerate(hit, q + 1)
        c.write_off(hit)

    def record(self, sim: Sim, q: int) -> dict[str, NDArray[np.float64]]:
        """Cumulative payments to the lender, $B."""
        return {"paid": self.paid.copy()}

    def outcomes(self, sim: Sim) -> dict[str, NDArray[np.float64]]:
        return {"paid": self.paid.copy()}
