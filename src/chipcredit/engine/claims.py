"""Claims: what one account owes another under a deal, and how much of it was honoured.

Every credit-like position (a loan, a vendor credit, the SPV's debt, a lease, a take-or-pay
fee) is a `Claim`. For every path it keeps, in $B:

- ``principal``: outstanding principal (what acceleration at a default would add);
- ``arrears``: amounts that fell due and were not paid;
- ``promised``, ``paid``, ``written_off``: cumulative, with
  ``promised = paid + arrears + written_off`` at all times (checked every quarter);
- ``pv_promised``, ``pv_paid``: the same discounted at the contract rate to the scenario
  start, whose difference is the claim's loss (docs/design.md section 2a);
- ``peak_exposure``: the largest principal + arrears + accrued interest + undrawn amount.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .claim_kernel import largest_gap
from .dust import MONEY_DUST, snap
from .ledger import Ledger, sparse_paths
from .params import compact

if TYPE_CHECKING:
    from .debt_tape import DebtTape

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

    tape: DebtTape | None = None
    """The traced path's debt schedule (`DebtTape`), only in a traced re-simulation."""

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
        self.n = n
        self.rate = quarterly_rate
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
        self.ead = np.zeros(n)
        """Exposure at default: the balance that fell due when the claim was accelerated ($B;
        0 where it never defaulted). Set at the obligor's default for every claim outstanding
        then, recovered in full or not (``write_off_at(..., obligor_default=True)``); at any other
        write-off (an SPV's debt at the lessee's default or term end) only if something is
        lost: an SPV that repays its accelerated debt in full has not defaulted."""
        self.default_quarter = np.full(n, -1.0)
        """Quarter of the default that closed the claim, as `ead` (-1 if none)."""
        self._accelerated = np.zeros(n)
        self._accelerated_at = np.full(n, -1.0)
        self.on_fleet = False
        """Secured on the debtor's own GPUs not pledged elsewhere (a secured loan)."""
        self.collateral: Callable[[], NDArray[np.float64]] | None = None
        """Value of specific collateral before the fire-sale haircut (a vendor credit)."""

    @property
    def rate(self) -> NDArray[np.float64]:
        """Contract rate per quarter, ``(n,)``."""
        return self._rate

    @rate.setter
    def rate(self, quarterly_rate: Amount) -> None:
        self._rate = np.broadcast_to(np.asarray(quarterly_rate, dtype=np.float64), (self.n,))
        self._discounts: dict[int, NDArray[np.float64]] = {}
        """`discount` as an ``(n,)`` array, for the latest time asked only."""
        self._factors: dict[int, float | NDArray[np.float64]] = {}
        """`_factor`, for the latest time asked only."""
        self._compact: NDArray[np.float64] | None = None  # `compact(rate)`, on first use

    def discount(self, time: int) -> NDArray[np.float64]:
        """Discount factor at the contract rate for a flow at ``time`` quarters, ``(n,)``
        (computed once per time: the rate is fixed for the life of the claim; for one rate
        on every path, a broadcast or a full array of equal values, computed once and
        spread over the paths: numpy gives an element the same bits alone as inside a full
        array)."""
        factor = self._discounts.get(time)
        if factor is None:
            one = self._factor(time)
            if isinstance(one, float):
                factor = np.empty(self.n)
                factor.fill(one)
            else:
                factor = one
            self._discounts = {time: factor}
        return factor

    def _factor(self, time: int) -> float | NDArray[np.float64]:
        """`discount` as one float where every path has the same rate, else ``(n,)``.

        The claim's own bookkeeping multiplies by it: ``x * f`` for a float ``f`` is the
        same bits as ``x * full(f)``, without building and keeping an array per time. The
        engine asks for one time per quarter (``q + 1``), so only the latest is kept: a
        factor for every quarter of the horizon would hold 40 arrays of the chunk's paths
        per claim."""
        factor = self._factors.get(time)
        if factor is None:
            rate = self._compact
            if rate is None:
                rate = self._compact = compact(self._rate)
            power = (1.0 + rate) ** (-float(time))
            # one rate: one power, the same bits
            factor = float(power[0]) if rate.size < self.n else np.asarray(power)
            self._factors = {time: factor}
        return factor

    def lend(self, amount: Amount) -> None:
        """New principal: ``amount`` drawn, ``(n,)`` or scalar, $B (a deal's opening is on a
        claim with no principal yet, and 0.0 + x is x to the bit)."""
        self.principal = self.principal + amount
        if self.tape is not None:
            self.tape.drew(amount)

    def schedule(self, amount: Amount, time: int, interest: Amount | None = None) -> None:
        """An amount falls due at ``time`` (it is promised from now on); ``interest`` of it
        is interest, the rest principal (only a traced path's `tape` records the split)."""
        if (type(amount) is np.ndarray and amount.dtype == np.float64 and amount.shape == (self.n,)
                and not np.count_nonzero(self.closed)):
            amt = amount  # np.where would copy it unchanged
        else:
            amt = np.where(self.closed, 0.0, amount)
        self.due_now = self.due_now + amt
        self.promised += amt
        self.pv_promised += amt * self._factor(time)
        if self.tape is not None:
            self.tape.due(amt, None if interest is None else np.where(self.closed, 0.0, interest))

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
        owing = sparse_paths(due)
        # a payment of dust (arrears of a rounding residual, or cash that is one) is not made
        if owing is None:
            paid = snap(np.minimum(due, np.maximum(available, 0.0)), MONEY_DUST)
            self.receive(ledger, q, paid, kind or self.name)
            self.arrears = due - paid
        else:  # little is due: work on those paths only (elsewhere 0 is due, 0 paid)
            avail = np.asarray(available)
            part = snap(np.minimum(due[owing], np.maximum(avail[owing] if avail.ndim else avail, 0.0)),
                        MONEY_DUST)
            self.receive_at(ledger, q, owing, part, kind or self.name)
            paid = np.zeros(self.n)  # np.zeros_like(due), without its slower fill
            paid[owing] = part
            due[owing] -= part
            self.arrears = due
        self.due_now = np.zeros(self.n)
        return paid

    def receive(
        self, ledger: Ledger, q: int, amount: NDArray[np.float64], kind: str,
        source: int | None = None,
    ) -> NDArray[np.intp] | None:
        """Record a payment to the creditor (from the debtor, or from ``source``).

        Returns the paths paid on when they are few (see `Ledger.pay`), else None.
        """
        moved = ledger.pay(q, self.debtor if source is None else source, self.creditor, kind,
                           amount, self.deal)
        if self.tape is not None:
            self.tape.paid_all(amount)
        if moved is None or not isinstance(amount, np.ndarray) or amount.shape != self.paid.shape:
            self.paid += amount
            self.pv_paid += amount * self._factor(q + 1)
            return None
        if moved.size:  # money moved on a few paths: update only those
            part = amount[moved]
            self.paid[moved] += part
            self.pv_paid[moved] += part * _on(self._factor(q + 1), moved)
        return moved

    def recover(
        self, ledger: Ledger, q: int, amount: NDArray[np.float64], kind: str,
        source: int | None = None,
    ) -> None:
        """A recovery in a default: paid to the creditor, it reduces the arrears. A
        recovery below `MONEY_DUST` is a rounding residual of the waterfall's shares and is
        not made (the balance is written off with the rest)."""
        amount = snap(np.asarray(amount, dtype=np.float64), MONEY_DUST)
        moved = self.receive(ledger, q, amount, kind, source)
        if self.tape is not None:
            self.tape.recovered(self.tape.value(amount))
        if moved is None:
            self.arrears = self.arrears - amount
        else:
            arrears = self.arrears.copy()
            arrears[moved] -= amount[moved]
            self.arrears = arrears

    def receive_at(
        self, ledger: Ledger, q: int, paths: NDArray[np.intp], amount: NDArray[np.float64],
        kind: str, source: int | None = None,
    ) -> None:
        """`receive` of ``amount`` on the sorted path indices ``paths`` and nothing elsewhere
        (the same numbers, without touching the other paths)."""
        ledger.pay_at(q, self.debtor if source is None else source, self.creditor, kind, paths,
                      amount, self.deal)
        if self.tape is not None:
            self.tape.paid_at(paths, amount)
        if not paths.size:  # nothing paid (the ledger still notes the flow's key)
            return
        self.paid[paths] += amount
        self.pv_paid[paths] += amount * _on(self._factor(q + 1), paths)

    def recover_at(
        self, ledger: Ledger, q: int, paths: NDArray[np.intp], amount: NDArray[np.float64],
        kind: str, source: int | None = None,
    ) -> None:
        """`recover` of ``amount`` on the sorted path indices ``paths`` and nothing elsewhere
        (dust not made, as there)."""
        amount = snap(np.asarray(amount, dtype=np.float64), MONEY_DUST)
        self.receive_at(ledger, q, paths, amount, kind, source)
        if self.tape is not None:
            self.tape.recovered(self.tape.value_at(paths, amount))
        self.arrears[paths] -= amount

    def prepay(self, ledger: Ledger, q: int, amount: NDArray[np.float64], kind: str) -> None:
        """Principal repaid ahead of schedule: promised and paid at once."""
        amount = np.minimum(np.maximum(amount, 0.0), self.principal)
        self.principal = self.principal - amount
        self.promised += amount
        self.pv_promised += amount * self._factor(q + 1)
        tape = self.tape
        if tape is not None:  # due and paid at once, as principal whatever is in arrears
            tape.prepaid(amount)
            tape.principal_only = True
        self.receive(ledger, q, amount, kind)
        if tape is not None:
            tape.principal_only = False

    def accelerate(self, mask: NDArray[np.bool_], time: int) -> None:
        """A default makes the outstanding principal due now (it is promised from now)."""
        extra = np.where(mask & ~self.closed, self.principal, 0.0)
        hit = mask & ~self.closed
        self._accelerated = np.where(hit, self.principal + self.arrears, self._accelerated)
        self._accelerated_at = np.where(hit, time - 1, self._accelerated_at)
        self.promised += extra
        self.pv_promised += extra * self._factor(time)
        self.arrears += extra
        self.principal = np.where(mask, 0.0, self.principal)
        if self.tape is not None:  # only where the traced path is accelerated
            self.tape.accelerated(self.tape.value(extra) if hit[self.tape.at] else None)

    def accelerate_at(self, paths: NDArray[np.intp], time: int) -> None:
        """`accelerate` on the sorted path indices ``paths`` (the same numbers)."""
        open_paths = paths[~self.closed[paths]]
        extra = self.principal[open_paths]
        if self.tape is not None:
            self.tape.accelerated(self.tape.value_at(open_paths, extra))
        # in place: a claim's arrays belong to it alone
        self._accelerated[open_paths] = extra + self.arrears[open_paths]
        self._accelerated_at[open_paths] = time - 1
        self.promised[open_paths] += extra
        self.pv_promised[open_paths] += extra * _on(self._factor(time), open_paths)
        self.arrears[open_paths] += extra
        self.principal[paths] = 0.0

    def write_off_at(self, paths: NDArray[np.intp], obligor_default: bool = False) -> None:
        """`write_off` on the sorted path indices ``paths`` (the same numbers).

        ``obligor_default``: the debtor itself defaulted (a lab's or a cloud's estate), so
        every claim still outstanding then (accelerated balance above `MONEY_DUST`) records
        the default and its `ead`, even one its collateral repaid in full (a default with
        loss 0: PD counts it, LGD is 0). Otherwise only a loss records one.
        """
        open_paths = paths[~self.closed[paths]]
        lost = self.arrears[open_paths]
        counts = lost > 1e-12
        if obligor_default:
            counts |= self._accelerated[open_paths] > MONEY_DUST
        hit = open_paths[counts]
        self.ead[hit] = self._accelerated[hit]
        self.default_quarter[hit] = self._accelerated_at[hit]
        self.written_off[open_paths] += lost
        if self.tape is not None:
            self.tape.written_off(self.tape.value_at(open_paths, lost))
        self.arrears[paths] = 0.0
        self.closed[paths] = True

    def write_off(self, mask: NDArray[np.bool_]) -> None:
        """Whatever is still owed on ``mask`` paths is lost; the claim closes there, and a
        loss records the default and its `ead` (an obligor's own default goes through
        `write_off_at` with ``obligor_default=True``)."""
        lost = np.where(mask & ~self.closed, self.arrears, 0.0)
        loss = lost > 1e-12
        self.ead = np.where(loss, self._accelerated, self.ead)
        self.default_quarter = np.where(loss, self._accelerated_at, self.default_quarter)
        self.written_off += lost
        if self.tape is not None and bool(np.broadcast_to(mask, (self.n,))[self.tape.at]):
            self.tape.written_off(self.tape.value(lost))
        self.arrears = np.where(mask, 0.0, self.arrears)
        self.closed |= mask

    def balance(self) -> NDArray[np.float64]:
        """Principal plus arrears: the claim's size at a default, ``(n,)``."""
        return self.principal + self.arrears

    def track_exposure(self, undrawn: Amount = 0.0,
                       where: NDArray[np.bool_] | bool = True) -> None:
        """Update the peak of principal + arrears + undrawn, on the ``where`` paths (a mask,
        ``(n,)``) or on all."""
        np.maximum(self.peak_exposure, self.principal + self.arrears + undrawn,
                   out=self.peak_exposure, where=where)

    def identity_gap(self) -> float:
        """Largest ``|promised - paid - arrears - written_off|`` over paths ($B)."""
        parts = (self.promised, self.paid, self.arrears, self.written_off)
        if all(type(a) is np.ndarray and a.dtype == np.float64 and a.shape == (self.n,)
               and a.flags.c_contiguous and a.flags.writeable for a in parts):
            # one compiled pass (other layouts would compile it once more)
            return largest_gap(*parts)
        gap = self.promised - self.paid
        gap -= self.arrears  # in place: the same subtractions, two arrays fewer
        gap -= self.written_off
        return float(np.abs(gap, out=gap).max(initial=0.0))

    def loss(self) -> NDArray[np.float64]:
        """PV at the contract rate of promised minus received, ``(n,)``."""
        return self.pv_promised - self.pv_paid


def _on(factor: float | NDArray[np.float64], paths: NDArray[np.intp]) -> float | NDArray[np.float64]:
    """A `Claim._factor` on the path indices ``paths``: the float itself, or its elements."""
    return factor if isinstance(factor, float) else factor[paths]
