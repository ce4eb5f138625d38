"""Installed capacity by age: cohorts that age one quarter at a time and retire at end of life."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .market import MarketState

__all__ = ["Fleet"]


class Fleet:
    """A party's own GPUs as cohorts by age in quarters.

    Attributes
    ----------
    capacity : (max_life, n) capacity units of each age
    cost : (max_life, n) $B of vendor content paid for each cohort (for residual values)
    """

    def __init__(self, market: MarketState, n: int) -> None:
        self.market = market
        self.capacity = np.zeros((market.max_life, n))
        self.cost = np.zeros((market.max_life, n))
        self._age = np.arange(market.max_life)[:, None]

    def seed_even(self, capacity: NDArray[np.float64], cost_per_unit: NDArray[np.float64]) -> None:
        """An opening fleet spread evenly over ages 0 .. life - 1 (its GPUs were bought
        steadily); older cohorts carry the same cost per unit, for simplicity."""
        life = self.market.life_q
        live = self._age < life[None, :]
        per = capacity / life
        self.capacity[:] = np.where(live, per, 0.0)
        self.cost[:] = self.capacity * cost_per_unit

    def installed(self) -> NDArray[np.float64]:
        return np.asarray(self.capacity.sum(axis=0))

    def age_one_quarter(self) -> NDArray[np.float64]:
        """Shift every cohort one quarter older; return the capacity retired, ``(n,)``."""
        self.capacity[1:] = self.capacity[:-1].copy()
        self.cost[1:] = self.cost[:-1].copy()
        self.capacity[0] = 0.0
        self.cost[0] = 0.0
        dead = self._age >= self.market.life_q[None, :]
        retired = np.where(dead, self.capacity, 0.0).sum(axis=0)
        self.capacity[dead] = 0.0
        self.cost[dead] = 0.0
        return np.asarray(retired)

    def add(self, capacity: NDArray[np.float64], cost: NDArray[np.float64]) -> None:
        """New GPUs, age 0."""
        self.capacity[0] += capacity
        self.cost[0] += cost

    def value(self) -> NDArray[np.float64]:
        """Market value of the fleet before any haircut ($B, ``(n,)``)."""
        share = self.market.residual_by_age_q[: self.capacity.shape[0]] * self.market.residual
        return np.asarray((self.cost * share).sum(axis=0))

    def clear(self, mask: NDArray[np.bool_]) -> None:
        self.capacity[:, mask] = 0.0
        self.cost[:, mask] = 0.0
