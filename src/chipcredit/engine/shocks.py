"""Stress shocks compiled into per-quarter multipliers and add-ons for one chunk.

Each shock applies from its start quarter for ``quarters`` quarters (to the horizon when
omitted); several shocks of one kind compound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from chipcredit.scenario.shocks import AiWinter, FundingFreeze, GpuGlut, PriceWar, RateShock

if TYPE_CHECKING:
    from chipcredit.scenario.model import Scenario

    from .params import ParamSampler

__all__ = ["ShockSchedule"]


class ShockSchedule:
    """Per-quarter effects of a scenario's shocks.

    Attributes
    ----------
    winter : (quarters,) bool, quarters forced into the winter regime
    residual : (quarters, n) multiplier of used-GPU values
    funding : (quarters, n) multiplier of round-success probabilities
    rate : (quarters, n) add-on to the base rate (nominal annual)
    price : {vendor id: (quarters, n)} multiplier of the vendor's price
    """

    def __init__(self, scenario: Scenario, params: ParamSampler, n: int) -> None:
        quarters = scenario.horizon_quarters
        self.active = bool(scenario.shocks)
        self.winter = np.zeros(quarters, dtype=bool)
        self.residual = np.ones((quarters, n))
        self.funding = np.ones((quarters, n))
        self.rate = np.zeros((quarters, n))
        self.price: dict[str, NDArray[np.float64]] = {}
        for k, shock in enumerate(scenario.shocks):
            first = scenario.quarter_of(shock.start)
            last = quarters if shock.quarters is None else min(quarters, first + shock.quarters)
            span = slice(first, last)
            key = f"shocks[{k}]"
            if isinstance(shock, AiWinter):
                self.winter[span] = True
            elif isinstance(shock, GpuGlut):
                self.residual[span] *= 1.0 - params.array(shock.size, key + ".size")
            elif isinstance(shock, FundingFreeze):
                self.funding[span] *= params.array(shock.factor, key + ".factor")
            elif isinstance(shock, RateShock):
                self.rate[span] += params.array(shock.bp, key + ".bp") / 10_000.0
            elif isinstance(shock, PriceWar):
                price = self.price.setdefault(shock.vendor, np.ones((quarters, n)))
                price[span] *= 1.0 - params.array(shock.size, key + ".size")
