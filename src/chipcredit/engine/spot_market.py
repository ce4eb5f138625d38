"""The clouds' spot market: each quarter's prices and the labs' renting from it.

In the procurement phase, before the labs buy, every lab's rented capacity is reset and each
cloud delivers its contracts and sets this quarter's spot price from last quarter's idle
share of all clouds' capacity (`begin_clouds`). A lab then renews last quarter's spot rentals,
cut pro rata across the clouds when it needs or can pay for less, and rents its ``renting``
shares of the rest of its shortfall (`rent_from_clouds`). Arrays are ``(n,)`` over the
chunk's paths; money in $B, capacity in the scenario's unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .buildout import committed_reserve

if TYPE_CHECKING:
    from .labs import LabState
    from .sim import Sim

__all__ = ["begin_clouds", "rent_from_clouds"]


def begin_clouds(sim: Sim, q: int) -> None:
    """Procurement phase, before the labs buy: reset every lab's rented capacity, then let
    each cloud deliver its contracts and set its spot price from last quarter's idle share
    of all clouds' capacity."""
    for lab in sim.labs:
        lab.rented = np.zeros(sim.n)
    if not sim.clouds:
        return
    installed = sum((c.fleet.installed() for c in sim.clouds), np.zeros(sim.n))
    unsold = sum((c.unsold - c.backstopped for c in sim.clouds), np.zeros(sim.n))
    idle_share = np.divide(np.maximum(unsold, 0.0), installed, out=np.zeros(sim.n),
                           where=installed > 0)
    for cloud in sim.clouds:
        cloud.begin(sim, q, idle_share)


def rent_from_clouds(sim: Sim, lab: LabState, q: int, shortfall: NDArray[np.float64],
                     budget: NDArray[np.float64], committed: list[tuple[int, NDArray[np.float64]]]
                     ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A lab renews what it rented on the clouds' spot markets last quarter, then rents its
    ``renting`` shares of the rest of its shortfall, as far as its ``budget`` ($B) goes.
    What it must buy under purchase commitments (``committed``) is left to buy, and so is
    the money to buy it: neither renewals nor new rentals take the committed units' share of
    the shortfall or their cost (`committed_reserve`). Returns the shortfall and the budget
    left for buying, the held cost included.

    Renewals are cut pro rata: every live cloud renews ``last_rented * scale`` units, with
    ``scale = min(1, (shortfall - reserved) / renewals, (budget - held) / renewal_rent)``
    over the live clouds' renewals (GW) and their rent at this quarter's spot prices ($B), a
    limit dropped where its denominator is 0 (a budget of 0 or less renews nothing);
    ``reserved`` is the useful capacity the commitments will take and ``held`` their cost,
    at most ``budget``. Capacity a cloud cannot deliver goes unrenewed there and is rented
    anew in the ``renting`` shares."""
    if not lab.renting:
        return shortfall, budget
    # A binding purchase comes before any rental (docs/design.md section 3, phase 4): were
    # last quarter's spot rentals renewed first, they would cover the need the commitment
    # was signed for and the lab would pay the shortfall fee for renting instead, not for
    # lacking need or cash. Without commitments both are 0.0 and change nothing.
    reserved, cost = committed_reserve(sim, shortfall, committed)
    held = np.minimum(cost, np.maximum(budget, 0.0))
    budget = budget - held
    clouds = [sim.cloud_by_acct[acct] for acct in lab.renting]
    renewals = np.zeros(sim.n)
    renewal_rent = np.zeros(sim.n)
    for cloud in clouds:  # a dead cloud renews nothing, so it takes no share of the cut
        last = np.where(cloud.alive, cloud.last_rented(lab), 0.0)
        renewals = renewals + last
        renewal_rent = renewal_rent + last * cloud.spot_price_q
    scale = np.minimum(1.0, np.divide(np.maximum(shortfall - reserved, 0.0), renewals,
                                      out=np.ones(sim.n), where=renewals > 0))
    scale = np.minimum(scale, np.divide(np.maximum(budget, 0.0), renewal_rent,
                                        out=np.ones(sim.n), where=renewal_rent > 0))
    left = shortfall
    for cloud in clouds:  # renewals first: each cloud its share of what the lab can renew
        budget, left = cloud.rent_spot(sim, q, lab, cloud.last_rented(lab) * scale, None, left,
                                       budget)
    rentable = np.maximum(left - reserved, 0.0)  # the new shortfall, once renewed
    for cloud_acct, share in lab.renting.items():
        budget, left = sim.cloud_by_acct[cloud_acct].rent_spot(sim, q, lab, rentable, share, left,
                                                               budget)
    return left, np.maximum(budget, 0.0) + held
