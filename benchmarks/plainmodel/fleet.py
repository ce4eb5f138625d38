"""A party's own GPUs on one path: capacity and cost by age in quarters."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .market import Market

__all__ = ["Fleet"]


class Fleet:
    """Cohorts by age ``0 .. max_life - 1`` (the chunk's longest useful life).

    Attributes
    ----------
    capacity : capacity units of each age
    cost : $B of vendor content paid for each cohort (for residual values)
    """

    def __init__(self, market: Market) -> None:
        self.market = market
        self.capacity = [0.0] * market.max_life
        self.cost = [0.0] * market.max_life

    def seed_even(self, capacity: float, cost_per_unit: float) -> None:
        """An opening fleet spread evenly over ages 0 .. life - 1."""
        life = self.market.life_q
        per = capacity / life
        self.capacity = [per if a < life else 0.0 for a in range(self.market.max_life)]
        self.cost = [c * cost_per_unit for c in self.capacity]

    def installed(self) -> float:
        return sum(self.capacity)

    def age_one_quarter(self) -> None:
        """Every cohort one quarter older; those at or past the useful life retire."""
        life = self.market.life_q
        self.capacity = [0.0, *self.capacity[:-1]]
        self.cost = [0.0, *self.cost[:-1]]
        for a in range(life, len(self.capacity)):
            self.capacity[a] = 0.0
            self.cost[a] = 0.0

    def add(self, capacity: float, cost: float, age: int = 0) -> None:
        self.capacity[age] += capacity
        self.cost[age] += cost

    def value(self) -> float:
        """Used value before any haircut ($B)."""
        m = self.market
        return sum(c * (m.curve[a] * m.residual) for a, c in enumerate(self.cost))

    def clear(self) -> None:
        self.capacity = [0.0] * len(self.capacity)
        self.cost = [0.0] * len(self.cost)
