"""Phase 7, default: a lab still in arrears after the funding phase defaults.

The order (DESIGN.md section 3):

1. every deal reacts first: an SPV takes its GPUs back and sells them, a take-or-pay
   commitment accelerates the PV of its remaining fees;
2. every claim on the lab accelerates (its outstanding principal falls due);
3. the lab's own GPUs are sold at residual value less the fire-sale haircut;
4. each secured claim takes its own collateral: a vendor credit its shipped GPUs, secured
   loans share the rest of the fleet pro rata; deficiencies join the unsecured class;
5. the unsecured class (trade creditors, unsecured loans, deficiencies, the lease
   deficiency, take-or-pay fees) is paid pro rata from what is left;
6. any remainder goes to the shareholders pro rata to their shares;
7. whatever is still owed is written off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .labs import ARREARS_TOL, CAUSES, LabState

if TYPE_CHECKING:
    from .sim import Sim

__all__ = ["settle_defaults"]


def settle_defaults(sim: Sim, lab: LabState, q: int) -> None:
    """Default every live path of ``lab`` still in arrears, and settle its estate."""
    mask = lab.alive & (lab.arrears() > ARREARS_TOL)
    if not mask.any():
        return
    lab.alive &= ~mask
    lab.default_quarter[mask] = q
    lab.cause[mask] = CAUSES.index("arrears_unfunded")
    ledger = sim.ledger
    for runtime in sim.deals:
        runtime.on_default(sim, lab, q, mask)
    claims = [lab.opex, *lab.claims]
    for claim in claims:
        claim.accelerate(mask, q + 1)
    haircut = sim.market.haircut
    proceeds = np.where(mask, lab.fleet.value() * (1.0 - haircut), 0.0)
    ledger.pay(q, sim.acct("customers"), lab.acct, "collateral_sale", proceeds)
    pool = proceeds.copy()
    for claim in claims:
        if claim.collateral is not None:
            value = np.minimum(claim.collateral() * (1.0 - haircut), pool)
            got = np.where(mask, np.minimum(claim.balance(), value), 0.0)
            claim.recover(ledger, q, got, "secured_recovery")
            pool -= got
    on_fleet = [c for c in claims if c.on_fleet]
    if on_fleet:
        total = sum(c.balance() for c in on_fleet)
        for claim in on_fleet:
            share = np.divide(claim.balance(), total, out=np.zeros(sim.n), where=total > 0)
            got = np.where(mask, np.minimum(claim.balance(), pool * share), 0.0)
            claim.recover(ledger, q, got, "secured_recovery")
    owed = sum(c.balance() for c in claims)
    cash = np.maximum(lab.cash, 0.0)
    ratio = np.divide(cash, owed, out=np.zeros(sim.n), where=owed > 0)
    ratio = np.where(mask, np.minimum(ratio, 1.0), 0.0)
    for claim in claims:
        got = np.minimum(claim.balance() * ratio, claim.balance())
        claim.recover(ledger, q, got, "unsecured_recovery")
    left = np.where(mask, np.maximum(lab.cash, 0.0), 0.0)
    total_shares = lab.total_shares()
    for (holder, deal), held in lab.shares.items():
        part = np.divide(left * held, total_shares, out=np.zeros(sim.n), where=total_shares > 0)
        ledger.pay(q, lab.acct, holder, "liquidation", part, None if deal < 0 else deal)
    for claim in claims:
        claim.write_off(mask)
    lab.fleet.clear(mask)
    lab.leased = np.where(mask, 0.0, lab.leased)
