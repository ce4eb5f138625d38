"""Phase 7, default: a lab still in arrears after the funding phase defaults.

The order (docs/design.md section 3):

1. every deal reacts first: an SPV takes its GPUs back and sells them, a take-or-pay
   commitment accelerates the PV of its remaining fees;
2. every claim on the lab accelerates (its outstanding principal falls due);
3. the lab's own GPUs are sold at residual value less the fire-sale haircut;
4. each secured claim takes its own collateral: a vendor credit its shipped GPUs, secured
   loans share the rest of the fleet pro rata; deficiencies join the unsecured class;
5. the unsecured class (trade creditors, unsecured loans, deficiencies, the lease
   deficiency, take-or-pay fees) is paid pro rata from what is left;
6. any remainder goes to the shareholders pro rata to their shares;
7. whatever is still owed is written off; every claim outstanding at the default records
   it (its quarter and exposure), recovered in full or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .claims import Claim
from .dust import MONEY_DUST, snap
from .labs import CAUSES, LabState

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["settle_defaults"]


def settle_defaults(sim: Sim, lab: LabState, q: int) -> None:
    """Default every live path of ``lab`` still in arrears, and settle its estate.

    Few paths default in any one quarter, so after the deals' own reactions the estate is
    settled on those paths only (``paths``); every other path would add or pay zero.
    """
    mask = lab.alive & (lab.arrears() > MONEY_DUST)
    if not mask.any():
        return
    paths = np.flatnonzero(mask)
    lab.alive[paths] = False
    lab.default_quarter[paths] = q
    lab.cause[paths] = CAUSES.index("arrears_unfunded")
    ledger = sim.ledger
    for runtime in sim.deals:
        runtime.on_default(sim, lab, q, mask)
    claims = [lab.opex, *lab.claims]
    for claim in claims:
        claim.accelerate_at(paths, q + 1)
    haircut = _at(sim.market.haircut, paths)
    proceeds = lab.fleet.value(paths) * (1.0 - haircut)
    ledger.pay_at(q, sim.acct("customers"), lab.acct, "collateral_sale", paths, proceeds)
    pool = proceeds.copy()
    for claim in claims:
        if claim.collateral is not None:
            value = np.minimum(_at(claim.collateral(), paths) * (1.0 - haircut), pool)
            got = np.minimum(_balance_at(claim, paths), value)
            claim.recover_at(ledger, q, paths, got, "secured_recovery")
            pool -= got
    on_fleet = [c for c in claims if c.on_fleet]
    if on_fleet:
        balances = [_balance_at(c, paths) for c in on_fleet]
        total = np.asarray(sum(balances))
        for claim, balance in zip(on_fleet, balances, strict=True):
            share = np.divide(balance, total, out=np.zeros(paths.size), where=total > 0)
            got = np.minimum(balance, pool * share)
            claim.recover_at(ledger, q, paths, got, "secured_recovery")
    # each claim's balance now; recovering one claim leaves the others' as they are
    balances = [_balance_at(c, paths) for c in claims]
    owed = np.asarray(sum(balances))
    # an estate whose cash is a rounding residual pays nothing: a dust recovery would make
    # the creditors' IRRs exist
    cash = snap(np.maximum(lab.cash[paths], 0.0), MONEY_DUST)
    paid_share = np.minimum(np.divide(cash, owed, out=np.zeros(paths.size), where=owed > 0), 1.0)
    for claim, balance in zip(claims, balances, strict=True):
        if claim.principal.min(initial=0.0) < 0.0 or claim.arrears.min(initial=0.0) < 0.0:
            # a negative balance elsewhere would be "recovered" at ratio 0 as well
            balance = claim.balance()
            got_all = np.minimum(balance * _spread(paid_share, paths, sim.n), balance)
            claim.recover(ledger, q, got_all, "unsecured_recovery")
        else:
            claim.recover_at(ledger, q, paths, np.minimum(balance * paid_share, balance),
                             "unsecured_recovery")
    # after a pro-rata recovery the cash left is a rounding residual: the shareholders get
    # nothing (a dust payment would make their IRR exist); the dust stays in the estate
    left = snap(np.maximum(lab.cash[paths], 0.0), MONEY_DUST)
    holdings = [(key, _at(held, paths)) for key, held in lab.shares.items()]
    total_shares = np.asarray(sum(held for _, held in holdings))
    for (holder, deal), held in holdings:
        part = np.divide(left * held, total_shares, out=np.zeros(paths.size),
                         where=total_shares > 0)
        ledger.pay_at(q, lab.acct, holder, "liquidation", paths, part,
                      None if deal < 0 else deal)
    for claim in claims:
        claim.write_off_at(paths, obligor_default=True)
    lab.fleet.clear(paths)
    lab.leased[paths] = 0.0
    lab.rented[paths] = 0.0


def _at(values: NDArray[np.float64] | float, paths: NDArray[np.intp]) -> NDArray[np.float64]:
    """``values`` (per path, or one number for all) on ``paths``."""
    arr = np.asarray(values, dtype=np.float64)
    return arr[paths] if arr.ndim else np.full(paths.size, float(arr))


def _balance_at(claim: Claim, paths: NDArray[np.intp]) -> NDArray[np.float64]:
    """The claim's principal plus arrears on ``paths``."""
    return np.asarray(claim.principal[paths] + claim.arrears[paths])


def _spread(values: NDArray[np.float64], paths: NDArray[np.intp], n: int) -> NDArray[np.float64]:
    """``values`` on ``paths`` and zero elsewhere, shape ``(n,)``."""
    out = np.zeros(n)
    out[paths] = values
    return out
