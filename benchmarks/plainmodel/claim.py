"""A claim of one account on another (loan, lease, vendor credit, SPV debt, take-or-pay,
rent, operating costs): what falls due, what was paid, arrears and write-offs, in $B.

``promised = paid + arrears + written_off`` holds throughout; the PVs are at the contract
rate per quarter to the scenario start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .dust import MONEY_DUST, snap

if TYPE_CHECKING:
    from collections.abc import Callable

    from .books import Books

__all__ = ["Claim", "level_payment"]


def level_payment(principal: float, rate_q: float, periods: int, balloon: float = 0.0) -> float:
    """Level payment in arrears amortising ``principal`` to ``balloon`` over ``periods``."""
    if rate_q <= 0:
        return (principal - balloon) / periods
    disc = (1.0 + rate_q) ** (-float(periods))
    return (principal - balloon * disc) * rate_q / (1.0 - disc)


class Claim:
    """What ``debtor`` owes ``creditor`` on one path.

    Parameters
    ----------
    name : the ledger kind of its payments
    creditor, debtor : account names
    deal : the deal id whose cash flows it moves, or None
    rate_q : contract rate per quarter (for the loss PV)
    stage : servicing order (0 rent, 1 debt service, 2 revenue share, 3 take-or-pay)
    """

    def __init__(self, name: str, creditor: str, debtor: str, deal: str | None, rate_q: float,
                 stage: int) -> None:
        self.name = name
        self.creditor = creditor
        self.debtor = debtor
        self.deal = deal
        self.rate_q = rate_q
        self.stage = stage
        self.principal = 0.0
        self.arrears = 0.0
        self.due_now = 0.0
        self.promised = 0.0
        self.paid = 0.0
        self.written_off = 0.0
        self.pv_promised = 0.0
        self.pv_paid = 0.0
        self.peak_exposure = 0.0
        self.closed = False
        self.ead = 0.0
        self.default_quarter = -1.0
        self._accelerated = 0.0
        self._accelerated_at = -1.0
        self.on_fleet = False
        self.collateral: Callable[[], float] | None = None

    def discount(self, time: int) -> float:
        return (1.0 + self.rate_q) ** (-float(time))

    def schedule(self, amount: float, time: int) -> None:
        """``amount`` falls due at ``time`` quarters (nothing once the claim is closed)."""
        if self.closed:
            amount = 0.0
        self.due_now += amount
        self.promised += amount
        self.pv_promised += amount * self.discount(time)

    def total_due(self) -> float:
        return self.due_now + self.arrears

    def balance(self) -> float:
        return self.principal + self.arrears

    def settle(self, books: Books, q: int, kind: str | None = None,
               available: float | None = None) -> float:
        """Pay what is due from the debtor's cash (or ``available``); the rest is arrears."""
        due = self.due_now + self.arrears
        cash = books.balance[self.debtor] if available is None else available
        paid = snap(min(due, max(cash, 0.0)), MONEY_DUST)  # a dust payment is not made
        self.receive(books, q, paid, kind or self.name)
        self.arrears = due - paid
        self.due_now = 0.0
        return paid

    def receive(self, books: Books, q: int, amount: float, kind: str,
                source: str | None = None) -> None:
        books.pay(q, self.debtor if source is None else source, self.creditor, kind, amount,
                  self.deal)
        self.paid += amount
        self.pv_paid += amount * self.discount(q + 1)

    def recover(self, books: Books, q: int, amount: float, kind: str,
                source: str | None = None) -> None:
        """A recovery in a default: paid to the creditor, it reduces the arrears; dust is
        not paid."""
        amount = snap(amount, MONEY_DUST)
        self.receive(books, q, amount, kind, source)
        self.arrears -= amount

    def prepay(self, books: Books, q: int, amount: float, kind: str) -> None:
        amount = min(max(amount, 0.0), self.principal)
        self.principal -= amount
        self.promised += amount
        self.pv_promised += amount * self.discount(q + 1)
        self.receive(books, q, amount, kind)

    def accelerate(self, time: int) -> None:
        """A default makes the outstanding principal due now."""
        if not self.closed:
            extra = self.principal
            self._accelerated = self.principal + self.arrears
            self._accelerated_at = time - 1
            self.promised += extra
            self.pv_promised += extra * self.discount(time)
            self.arrears += extra
        self.principal = 0.0

    def write_off(self, obligor_default: bool = False) -> None:
        """Whatever is still owed is lost; the claim closes. At the debtor's own default
        (``obligor_default``) a claim outstanding then records the default even when fully
        recovered; otherwise only a loss does."""
        if not self.closed:
            lost = self.arrears
            if lost > 1e-12 or (obligor_default and self._accelerated > MONEY_DUST):
                self.ead = self._accelerated
                self.default_quarter = self._accelerated_at
            self.written_off += lost
        self.arrears = 0.0
        self.closed = True

    def track_exposure(self, undrawn: float = 0.0) -> None:
        self.peak_exposure = max(self.peak_exposure, self.principal + self.arrears + undrawn)

    def loss(self) -> float:
        return self.pv_promised - self.pv_paid
