"""Claims: what one account owes another under a deal, and how much of it was honoured.

Every credit-like position (a loan, a vendor credit, the SPV's debt, a lease, a take-or-pay
fee) is a `Claim`. For every path it keeps, in $B:

- ``principal``: outstanding principal (what acceleration at a default would add);
- ``arrears``: amounts that fell due and were not paid;
- ``promised``, ``paid``, ``written_off``: cumulative, with
  ``promised = paid + arrears + written_off`` at all times (checked every quarter);
- ``pv_promised``, ``pv_paid``: the same discounted at the contract rate to the scenario
  start, whose difference is the claim's loss (DESIGN.md section 2a);
- ``peak_exposure``: the largest principal + arrears + accrued interest + undrawn amount.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from .ledger import Ledger

__all__ = ["Claim"]

Amount = float | NDArray[np.float64]


class Claim:
    """A claim of ``creditor`` on ``debtor`` (account indices), for ``n`` paths.

    Parameters
    ----------
    name : label used in the ledger's kinds (``rent``, ``debt_service`` ...)
    creditor, debtor : account indices
    deal : deal index (for the deal's cash flows)
    n : paths in the chunk
    quarterly_rate : contract rate per quarter, ``(n,)`` or scalar, for the loss PV
    stage : servicing stage (0 rent, 1 debt service, 2 revenue share, 3 take-or-pay,
        4 SPV debt) that orders payment when cash is short
    secured_value : None, or a callable giving the collateral value per path at default
    """

    def __init__(
        self,
        name: str,
        creditor: int,
        debtor: int,
        deal: int | None,
        n: int,
        quarterly_rate: Amount,
        stage: int,
    ) -> None:
        self.name = name
        self.creditor = creditor
        self.debtor = debtor
        self.deal = deal
        self.stage = stage
        self.rate = np.broadcast_to(np.asarray(quarterly_rate, dtype=np.float64), (n,))
        self.principal = np.zeros(n)
        self.arrears = np.zeros(n)
        self.due_now = np.zeros(n)
        self.promised = np.zeros(n)
        self.paid = np.zeros(n)
        self.written_off = np.zeros(n)
        self.pv_promised = np.zeros(n)
        self.pv_paid = np.zeros(n)
        self.peak_exposure = np.zeros(n)
        self.closed = np.zeros(n, dtype=bool)
        self.on_fleet = False
        """Secured on the debtor's own GPUs not pledged elsewhere (a secured loan)."""
        self.collateral: Callable[[], NDArray[np.float64]] | None = None
        """Value of specific collateral before the fire-sale haircut (a vendor credit)."""

    def discount(self, time: int) -> NDArray[np.float64]:
        """Discount factor at the contract rate for a flow at ``time`` quarters."""
        return np.asarray((1.0 + self.rate) ** (-float(time)))

    def schedule(self, amount: Amount, time: int) -> None:
        """An amount falls due at ``time`` (it is promised from now on)."""
        amt = np.where(self.closed, 0.0, amount)
        self.due_now = self.due_now + amt
        self.promised += amt
        self.pv_promised += amt * self.discount(time)

    def total_due(self) -> NDArray[np.float64]:
        """What must be paid now: this quarter's amount plus arrears."""
        return self.due_now + self.arrears

    def settle(
        self, ledger: Ledger, q: int, available: NDArray[np.float64], kind: str | None = None
    ) -> NDArray[np.float64]:
        """Pay what is due, up to ``available`` cash of the debtor; the rest becomes arrears.

        Returns the amount paid, shape ``(n,)``.
        """
        due = self.total_due()
        paid = np.minimum(due, np.maximum(available, 0.0))
        self.receive(ledger, q, paid, kind or self.name)
        self.arrears = due - paid
        self.due_now = np.zeros_like(self.due_now)
        return paid

    def receive(
        self, ledger: Ledger, q: int, amount: NDArray[np.float64], kind: str,
        source: int | None = None,
    ) -> None:
        """Record a payment to the creditor (from the debtor, or from ``source``)."""
        ledger.pay(q, self.debtor if source is None else source, self.creditor, kind, amount,
                   self.deal)
        self.paid += amount
        self.pv_paid += amount * self.discount(q + 1)

    def recover(
        self, ledger: Ledger, q: int, amount: NDArray[np.float64], kind: str,
        source: int | None = None,
    ) -> None:
        """A recovery in a default: paid to the creditor, it reduces the arrears."""
        self.receive(ledger, q, amount, kind, source)
        self.arrears = self.arrears - amount

    def prepay(self, ledger: Ledger, q: int, amount: NDArray[np.float64], kind: str) -> None:
        """Principal repaid ahead of schedule: promised and paid at once."""
        amount = np.minimum(np.maximum(amount, 0.0), self.principal)
        self.principal = self.principal - amount
        self.promised += amount
        self.pv_promised += amount * self.discount(q + 1)
        self.receive(ledger, q, amount, kind)

    def accelerate(self, mask: NDArray[np.bool_], time: int) -> None:
        """A default makes the outstanding principal due now (it is promised from now)."""
        extra = np.where(mask & ~self.closed, self.principal, 0.0)
        self.promised += extra
        self.pv_promised += extra * self.discount(time)
        self.arrears += extra
        self.principal = np.where(mask, 0.0, self.principal)

    def write_off(self, mask: NDArray[np.bool_]) -> None:
        """Whatever is still owed on ``mask`` paths is lost; the claim closes there."""
        lost = np.where(mask & ~self.closed, self.arrears, 0.0)
        self.written_off += lost
        self.arrears = np.where(mask, 0.0, self.arrears)
        self.closed |= mask

    def balance(self) -> NDArray[np.float64]:
        """Principal plus arrears: the claim's size at a default, ``(n,)``."""
        return self.principal + self.arrears

    def track_exposure(self, undrawn: Amount = 0.0) -> None:
        """Update the peak of principal + arrears + undrawn."""
        np.maximum(self.peak_exposure, self.principal + self.arrears + undrawn,
                   out=self.peak_exposure)

    def identity_gap(self) -> float:
        """Largest ``|promised - paid - arrears - written_off|`` over paths ($B)."""
        gap = self.promised - self.paid - self.arrears - self.written_off
        return float(np.abs(gap).max(initial=0.0))

    def loss(self) -> NDArray[np.float64]:
        """PV at the contract rate of promised minus received, ``(n,)``."""
        return self.pv_promised - self.pv_paid
