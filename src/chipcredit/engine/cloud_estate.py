"""A cloud's estate, wound up at once when it defaults.

Its GPUs are sold at used value less the fire-sale haircut; secured loan deals share those
proceeds pro rata with the debt tranches (taken together, by balance), as a lab's secured
loans share its fleet; then the estate's cash pays the tranches in order of seniority (they
are senior on the whole estate); then one unsecured class, pro rata: the loan deals'
unsecured balances (unsecured loans, secured loans' deficiencies) and its unpaid costs; what
is left goes to its shareholders, pro rata to the shares held. Its claims are written off
after, and the rent its tenants still owe it. Arrays are ``(k,)`` over the defaulting
paths; money in $B.

Worked example: in a default with fleet proceeds of $6B, a $12B tranche and a secured $3B
loan deal, the loan recovers 6 x 3 / 15 = $1.2B; the tranche the other $4.8B plus the
cloud's cash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .claims import Claim
from .dust import MONEY_DUST, snap

if TYPE_CHECKING:
    from .clouds import CloudState
    from .sim import Sim

__all__ = ["wind_up"]


def wind_up(cloud: CloudState, sim: Sim, q: int, paths: NDArray[np.intp]) -> None:
    """Settle the estate of ``cloud`` on ``paths`` (it defaults there in quarter ``q``) by
    seniority: the fleet's proceeds shared by the secured loan deals and the tranches pro
    rata, then the tranches senior first from the estate's cash, then the loan deals'
    unsecured balances and the unpaid costs pro rata, then the shareholders; then write off
    its claims and its tenants' rent."""
    ledger = sim.ledger
    tranches = [claim for claim, _, _ in cloud.tranches]
    claims = [*tranches, *cloud.loans, cloud.opex]
    for claim in claims:
        claim.accelerate_at(paths, q + 1)
    haircut = np.asarray(sim.market.haircut, dtype=np.float64)
    haircut = haircut[paths] if haircut.ndim else np.full(paths.size, float(haircut))
    proceeds = cloud.fleet.value(paths) * (1.0 - haircut)
    ledger.pay_at(q, sim.acct("customers"), cloud.acct, "collateral_sale", paths, proceeds)
    secured = [claim for claim in cloud.loans if claim.on_fleet]
    if secured:  # each takes its pro rata share of the fleet's proceeds, as on a lab's fleet
        owed = [_balance_at(claim, paths) for claim in secured]
        total = sum((_balance_at(claim, paths) for claim in tranches), np.zeros(paths.size))
        total = total + np.asarray(sum(owed))
        for claim, balance in zip(secured, owed, strict=True):
            share = np.divide(balance, total, out=np.zeros(paths.size), where=total > 0)
            claim.recover_at(ledger, q, paths, np.minimum(balance, proceeds * share),
                             "secured_recovery")
    for claim in tranches:  # senior first: each is paid in full before the next
        cash = np.maximum(cloud.cash[paths], 0.0)
        owed_now = _balance_at(claim, paths)
        claim.recover_at(ledger, q, paths, np.minimum(owed_now, cash), "recovery")
    # one unsecured class, pro rata (with the unpaid costs alone, they take what is left)
    cash = np.maximum(cloud.cash[paths], 0.0)
    unsecured = [*cloud.loans, cloud.opex]
    owed = [_balance_at(claim, paths) for claim in unsecured]
    total = np.asarray(sum(owed))
    for claim, balance in zip(unsecured, owed, strict=True):
        share = np.divide(balance, total, out=np.zeros(paths.size), where=total > 0)
        claim.recover_at(ledger, q, paths, np.minimum(balance, cash * share),
                         "recovery" if claim is cloud.opex else "unsecured_recovery")
    left = snap(np.maximum(cloud.cash[paths], 0.0), MONEY_DUST)  # a residual is no surplus
    total = cloud.total_shares()[paths]
    for (holder, _deal), held in cloud.shares.items():  # pro rata to the shares held
        share = np.divide(held[paths], total, out=np.zeros(paths.size), where=total > 0)
        ledger.pay_at(q, cloud.acct, holder, "liquidation", paths, left * share)
    for claim in claims:
        claim.write_off_at(paths, obligor_default=True)
    for claim in cloud.rent_claims.values():  # a dead cloud collects no more rent
        claim.write_off_at(paths)


def _balance_at(claim: Claim, paths: NDArray[np.intp]) -> NDArray[np.float64]:
    """The claim's principal plus arrears on ``paths``."""
    return np.asarray(claim.principal[paths] + claim.arrears[paths])
