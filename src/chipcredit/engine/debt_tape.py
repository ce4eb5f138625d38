"""`DebtTape`: one traced path's debt schedule of one claim, quarter by quarter.

Only a traced re-simulation (`engine.run.trace_path`) attaches tapes to claims; in a Monte
Carlo run ``Claim.tape`` is None and each hook is one ``is not None`` test, so the run's
numbers and cost do not change. A tape reads the engine's values at the traced path and
writes nothing back.

The claim's own arrays keep principal not yet due and arrears as one sum; the tape splits
the arrears into interest and principal: what falls due is split as the deal scheduled it
(``Claim.schedule(amount, time, interest=...)``), a payment pays the interest in arrears
first and then principal, and a write-off loses the interest in arrears first. A vendor
credit's interest is capitalised (added to principal, nothing falls due as interest).

Identities, each quarter, $B (tested on every bundled scenario):

- ``closing_principal = opening_principal + drawn + capitalised - paid_principal
  - written_off_principal`` (principal owed: not yet due plus due and unpaid), to the
  rounding of the deal's arithmetic: ``closing_principal`` is the engine's own principal
  (plus the principal in arrears), every flow is recorded where it happens, so a change of
  principal no hook records breaks the identity;
- ``paid = paid_interest + paid_principal``; ``prepaid`` and ``recovered`` are parts of
  ``paid``; ``written_off = written_off_interest + written_off_principal``;
- ``arrears`` is the claim's own arrears (interest plus principal due and unpaid);
- in a quarter with a default, ``accelerated + arrears_at_default`` is the balance that fell
  due then: the claim's exposure at default (``Claim.ead``, the JSON ``portfolios``'
  ``ead``) where the acceleration is a default.

An SPV's debt also carries its collateral (`COLLATERAL`): the GPUs' used value its LTV test
divided by that quarter, and at the lessee's default their used value, the fire-sale
discount and what the sale raised (``sale_proceeds = repossessed_value
- fire_sale_discount``). Debt with no collateral the deal values reads NaN there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .claims import Claim

__all__ = ["COLLATERAL", "DEBT_CLAIMS", "FLOWS", "DebtTape"]

DEBT_CLAIMS = ("debt_service", "credit_repayment")
"""Claim names that are debt with a principal: a loan's, a credit facility's and an SPV's
debt service, a vendor credit's repayment (a lease's rent, a take-or-pay fee and a
guarantee are claims too, but not debt schedules)."""

FLOWS = ("drawn", "interest", "capitalised", "scheduled_principal", "paid", "paid_interest",
         "paid_principal", "prepaid", "recovered", "accelerated", "arrears_at_default",
         "written_off", "written_off_interest", "written_off_principal")
"""The per-quarter flows a tape adds up, $B."""

COLLATERAL = ("collateral_value", "repossessed_value", "fire_sale_discount", "sale_proceeds")
"""An SPV debt's collateral each quarter, $B (NaN for debt whose deal values none)."""


class DebtTape:
    """Records ``claim`` at row ``at`` of its chunk (the traced path).

    Parameters
    ----------
    claim : the claim to follow (its ``tape`` is set to this)
    at : the traced path's row in the chunk
    """

    def __init__(self, claim: Claim, at: int) -> None:
        self.claim = claim
        self.at = at
        self.rows: list[dict[str, Any]] = []
        self._q: int | None = None
        self._flows: dict[str, float] = {}
        self._start_principal = 0.0
        self._interest_due = 0.0  # interest fallen due and unpaid
        self._principal_due = 0.0  # principal fallen due (or accelerated) and unpaid
        self.principal_only = False  # a prepayment is principal, whatever is in arrears
        claim.tape = self

    def value(self, amount: Any) -> float:
        return float(np.broadcast_to(np.asarray(amount, dtype=np.float64), (self.claim.n,))[self.at])

    def value_at(self, paths: NDArray[np.intp], amount: Any) -> float | None:
        """The traced path's part of ``amount`` given on the sorted ``paths`` (None: absent)."""
        i = int(np.searchsorted(paths, self.at))
        if i >= paths.size or paths[i] != self.at:
            return None
        return float(np.broadcast_to(np.asarray(amount, dtype=np.float64), paths.shape)[i])

    def _add(self, name: str, value: float) -> None:
        self._flows[name] = self._flows.get(name, 0.0) + value

    # -- quarters ----------------------------------------------------------------------
    def open(self, q: int) -> None:
        """Quarter ``q`` begins (the one before it, if any, closes)."""
        self.close()
        self._q = q
        self._flows = dict.fromkeys(FLOWS, 0.0)
        self._collateral = dict.fromkeys(COLLATERAL, np.nan)
        self._start_principal = self.value(self.claim.principal)

    def close(self) -> None:
        """Close the open quarter into a row (nothing if none is open)."""
        if self._q is None:
            return
        f = self._flows
        end = self.value(self.claim.principal)
        opening = self.rows[-1]["closing_principal"] if self.rows else self._start_principal
        self.rows.append({"time": self._q, "opening_principal": opening, **f,
                          "arrears": self.value(self.claim.arrears),
                          "interest_arrears": self._interest_due,
                          "closing_principal": end + self._principal_due, **self._collateral})
        self._q = None

    # -- hooks (called by `Claim` and the deals) ---------------------------------------
    def collateral(self, value: Any) -> None:
        """The collateral's value this quarter (an SPV's, at its LTV test); nothing sold yet."""
        self._collateral = {"collateral_value": self.value(value), "repossessed_value": 0.0,
                            "fire_sale_discount": 0.0, "sale_proceeds": 0.0}

    def repossessed(self, value: Any, proceeds: Any) -> None:
        """The collateral, worth ``value``, was taken back and sold for ``proceeds`` (once:
        the lease ends with it; after this quarter's `collateral`, as the waterfall comes
        before the default phase)."""
        gross, net = self.value(value), self.value(proceeds)
        self._collateral.update(repossessed_value=gross, fire_sale_discount=gross - net,
                                sale_proceeds=net)

    def due(self, amount: Any, interest: Any) -> None:
        """``amount`` falls due, ``interest`` of it interest (both already 0 where closed; a
        payment smaller than the interest, as an SPV's last, is all interest)."""
        total = self.value(amount)
        part = 0.0 if interest is None else min(self.value(interest), total)
        self._add("interest", part)
        self._add("scheduled_principal", total - part)
        self._interest_due += part
        self._principal_due += total - part

    def drew(self, amount: Any) -> None:
        """New principal lent (the deal's draw, as its ``loan_draw`` / ``credit_draw``)."""
        self._add("drawn", self.value(amount))

    def capitalised(self, amount: Any) -> None:
        """Interest added to principal (a vendor credit's receivable grows)."""
        value = self.value(amount)
        self._add("interest", value)
        self._add("capitalised", value)

    def paid(self, value: float) -> None:
        """A payment: the interest in arrears first, then principal."""
        interest = 0.0 if self.principal_only else min(max(value, 0.0), self._interest_due)
        self._interest_due -= interest
        self._principal_due -= value - interest
        self._add("paid", value)
        self._add("paid_interest", interest)
        self._add("paid_principal", value - interest)

    def paid_all(self, amount: Any) -> None:
        self.paid(self.value(amount))

    def paid_at(self, paths: NDArray[np.intp], amount: Any) -> None:
        value = self.value_at(paths, amount)
        if value is not None:
            self.paid(value)

    def prepaid(self, amount: Any) -> None:
        """Principal repaid ahead of schedule (due and paid at once): call around `paid`."""
        value = self.value(amount)
        self._add("prepaid", value)
        self._principal_due += value

    def recovered(self, value: float | None) -> None:
        if value is not None:
            self._add("recovered", value)

    def accelerated(self, value: float | None) -> None:
        """Outstanding principal fell due at a default (None: not on the traced path). What
        was already due and unpaid then (the quarter's own service included) is noted as
        ``arrears_at_default``: with ``value`` it is the balance that fell due, the claim's
        EAD where the acceleration ends in a default (``Claim.ead``)."""
        if value is not None:
            self._add("arrears_at_default", self._interest_due + self._principal_due)
            self._add("accelerated", value)
            self._principal_due += value

    def written_off(self, value: float | None) -> None:
        """``value``, all that is in arrears, is lost: interest first."""
        if value is None:
            return
        interest = min(max(value, 0.0), self._interest_due)
        self._add("written_off", value)
        self._add("written_off_interest", interest)
        self._add("written_off_principal", value - interest)
        self._interest_due = 0.0
        self._principal_due = 0.0
