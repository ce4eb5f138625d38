"""``capacity_backstop``: a vendor buys a cloud's unsold capacity, up to a cap in all, until a
last quarter (Nvidia-CoreWeave, Sep 2025: $6.3B, through April 2032).

Each quarter from the deal's start to ``end``, after the labs have rented what they want,
the vendor pays the cloud for the capacity it has not rented out (neither contracted nor
rented on the spot market), at ``price_per_unit_year`` (default: the cloud's spot price that
quarter), a quarter's worth: ``min(unsold * price / 4, cap - paid so far)``. The payment is a
transfer ``backstop`` from the vendor to the cloud at the end of the quarter. The capacity
paid for no longer counts as idle in the spot price's oversupply. Nothing is paid once the
cloud has defaulted.

Worked example: a cloud with 2 GW, 1.5 GW rented, backstop price $12B per GW-year and a
$6.3B cap. Each quarter the vendor pays 0.5 x 12 / 4 = $1.5B; after four quarters it has
paid $6.0B, so in the fifth it pays the $0.3B left of the cap, and nothing after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.deals import CapacityBackstop

from .base import DealRuntime

if TYPE_CHECKING:
    from chipcredit.engine.sim import Sim

__all__ = ["CapacityBackstopDeal"]


class CapacityBackstopDeal(DealRuntime):
    spec: CapacityBackstop

    def __init__(self, spec: CapacityBackstop, index: int, sim: Sim) -> None:
        super().__init__(spec, index, sim)
        p, key = sim.params, self.key
        self.vendor = sim.acct(spec.vendor)
        self.cloud = sim.cloud_by_acct[sim.acct(spec.cloud)]
        self.end_q = sim.scenario.quarter_of(spec.end)
        self.cap = p.array(spec.cap, key + ".cap") * self.closes
        self.price_q = (None if spec.price_per_unit_year is None
                        else p.array(spec.price_per_unit_year, key + ".price_per_unit_year") / 4.0)
        self.paid = np.zeros(sim.n)
        self.paid_now = np.zeros(sim.n)

    def after_procurement(self, sim: Sim, q: int) -> None:
        self.paid_now = np.zeros(sim.n)
        cloud = self.cloud
        if not self.start_q <= q <= self.end_q:
            return
        price = cloud.spot_price_q if self.price_q is None else self.price_q
        room = np.maximum(self.cap - self.paid, 0.0)
        unsold = np.where(cloud.alive, cloud.unsold, 0.0)
        amount = np.minimum(unsold * price, room)
        if not amount.any():
            return
        sim.ledger.pay(q, self.vendor, cloud.acct, "backstop", amount, self.index)
        self.paid += amount
        self.paid_now = amount
        cloud.backstop_income = cloud.backstop_income + amount
        cloud.backstopped = cloud.backstopped + np.divide(amount, price, out=np.zeros(sim.n),
                                                          where=price > 0)

    def record(self, sim: Sim, q: int) -> dict[str, NDArray[np.float64]]:
        return {"backstop_paid": self.paid_now}
