"""The build-out of idle financed GPUs, in a lab's procurement (phase 4), and the one
infrastructure price per unit that it and the lab's own purchases pay.

Every financed delivery (an ``spv_lease``'s GPUs, a ``vendor_credit``'s chips) arrives idle;
the lab builds it out in the quarter it arrives and later, as its need and its cash less the
quarter's scheduled payments allow, after what its committed purchases will take
(`build_out_idle`, called from `LabState.procure`).

All arrays are shaped ``(n,)`` over the chunk's paths; money is $B, capacity is in the
scenario's capacity unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import NDArray

from .choice import committed_take
from .dust import CAPACITY_DUST, snap

if TYPE_CHECKING:
    from .labs import LabState
    from .sim import Sim

__all__ = ["IdleHardware", "build_out_idle", "committed_reserve", "infrastructure_per_unit"]


class IdleHardware(Protocol):
    """Financed GPUs delivered to a lab and not yet built out (an ``spv_lease``'s or a
    ``vendor_credit``'s): every financed delivery arrives idle, and the lab builds it out in
    its procurement, in the quarter it arrives and later, as its need and its cash less the
    quarter's scheduled payments allow (`LabState.procure`)."""

    idle: NDArray[np.float64]
    """Units delivered and not yet built out, ``(n,)`` (0 once the hardware is gone)."""
    unit_content: NDArray[np.float64]
    """$B per unit paid to the vendor for them, ``(n,)``: the rest of the all-in cost is
    the building out."""
    perf: NDArray[np.float64] | float
    """Useful capacity per unit, ``(n,)``: the vendor's ``performance_per_unit`` under the
    vendor choice, else 1.0, as a unit the lab buys from it (`LabState.buy`)."""
    vendor_acct: int

    def build_out(self, q: int, units: NDArray[np.float64]) -> None:
        """``units`` (``(n,)``, at most `idle`) are built out in quarter ``q`` and come into
        use (leased to the lab, or in its own fleet) as ``units * perf`` of capacity."""
        ...


def infrastructure_per_unit(sim: Sim, content: NDArray[np.float64]) -> NDArray[np.float64]:
    """$B per unit of buildings, power and network this quarter, ``(n,)``: the vendor
    choice's ``infrastructure_per_unit`` where it sets one, else the all-in cost less the
    vendor ``content`` paid per unit (``(n,)``). The one price of it: the lab's own
    purchases (`LabState.buy`) and the building out of financed GPUs (`build_out_idle`)
    pay it."""
    if sim.infrastructure is not None:
        return np.asarray(sim.infrastructure + np.zeros(sim.n))
    return np.maximum(sim.market.all_in - content, 0.0)


def committed_reserve(sim: Sim, shortfall: NDArray[np.float64],
                      committed: list[tuple[int, NDArray[np.float64]]]
                      ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """What the quarter's committed purchases will take, in the order they are bought
    (`LabState.procure`): ``(useful capacity of the shortfall, $B at each vendor's unit
    price)``, each ``(n,)``, before the lab's cash limits them. Under the vendor choice a
    unit delivers its vendor's ``perf`` (`committed_take`), as in the purchase itself."""
    reserved = np.zeros(sim.n)
    cost = np.zeros(sim.n)
    for vendor_acct, wanted in committed:
        if sim.choice is None:
            price, perf = sim.market.all_in, 1.0
        else:
            i = sim.choice.accts.index(vendor_acct)
            price, perf = sim.choice.unit_price[i], sim.choice.perf[i]
        take = committed_take(wanted, np.maximum(shortfall - reserved, 0.0), perf)
        reserved = reserved + take * perf
        cost = cost + take * price
    return reserved, cost


def build_out_idle(sim: Sim, lab: LabState, q: int, shortfall: NDArray[np.float64],
                   due: NDArray[np.float64],
                   committed: list[tuple[int, NDArray[np.float64]]]) -> NDArray[np.float64]:
    """Build out ``lab``'s idle financed GPUs (`IdleHardware`, in scenario order) for as
    much of the capacity it wants as its cash pays, less what falls due this quarter
    (``due``) and less what its committed purchases will take; returns the shortfall left,
    ``(n,)``.

    Committed capacity comes first (docs/design.md section 3, phase 4): a take-or-pay unit not
    bought costs a fee for nothing, an idle GPU not built out this quarter costs nothing
    more (its rent or credit is owed either way) and can be built out next quarter. So the
    build-out leaves the committed units' share of the shortfall and their cost to the
    purchases (`LabState.procure`). It comes before the spending rule: like capacity under
    a lease, it is not new compute the rule defers, and the rule's runway then sees the
    cash it spent.
    """
    # Vendor credits and SPVs stay registered after their units are built out; with no
    # idle unit left the loop below skips every one and the reserve goes unused.
    if not any(h.idle.any() for h in lab.idle_hardware):
        return shortfall
    reserved, cost = committed_reserve(sim, shortfall, committed)
    wanted = snap(np.maximum(shortfall - reserved, 0.0), CAPACITY_DUST)
    held = due + cost
    for hardware in lab.idle_hardware:
        if not hardware.idle.any():
            continue
        useful = _build_out(sim, lab, q, hardware, wanted, held)
        wanted = snap(wanted - useful, CAPACITY_DUST)
        shortfall = snap(shortfall - useful, CAPACITY_DUST)
    return shortfall


def _build_out(sim: Sim, lab: LabState, q: int, hardware: IdleHardware,
               wanted: NDArray[np.float64], held: NDArray[np.float64]) -> NDArray[np.float64]:
    """Build out ``hardware``'s idle GPUs for up to ``wanted`` of useful capacity with the
    lab's cash above ``held`` ($B, ``(n,)``); returns the useful capacity built out,
    ``(n,)``.

    Each idle unit costs this quarter's infrastructure per unit (`infrastructure_per_unit`)
    and delivers its vendor's ``perf`` of useful capacity (`IdleHardware.perf`), as a unit
    bought from that vendor does (`LabState.buy`, `committed_take`).
    """
    per_unit = infrastructure_per_unit(sim, hardware.unit_content)
    budget = np.maximum(lab.cash - held, 0.0)
    affordable = np.divide(budget, per_unit, out=np.full(sim.n, np.inf), where=per_unit > 0)
    take = snap(np.minimum(committed_take(hardware.idle, wanted, hardware.perf), affordable),
                CAPACITY_DUST)
    # at most the budget: rounding in ``affordable`` never eats into what is held
    sim.ledger.pay(q, lab.acct, sim.acct("customers"), "infrastructure",
                   np.minimum(take * per_unit, budget))
    hardware.build_out(q, take)
    lab.deployed[hardware.vendor_acct] += take
    return take * hardware.perf
