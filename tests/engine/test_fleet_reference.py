"""The fleet's moving-window storage gives the same numbers as plain cohort arrays."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from chipcredit.engine.fleet import Fleet, column_sums
from chipcredit.engine.row_sums import sum_rows


class ReferenceFleet:
    """Cohorts as plain (max_life, n) arrays, shifted by copying (the simple definition);
    sums over cohorts add them in order, for one path as for many (`sum_rows`)."""

    def __init__(self, market, n):
        self.market = market
        self.capacity = np.zeros((market.max_life, n))
        self.cost = np.zeros((market.max_life, n))
        self._age = np.arange(market.max_life)[:, None]

    def seed_even(self, capacity, cost_per_unit):
        life = self.market.life_q
        live = self._age < life[None, :]
        self.capacity[:] = np.where(live, capacity / life, 0.0)
        self.cost[:] = self.capacity * cost_per_unit

    def installed(self):
        return sum_rows(self.capacity)

    def age_one_quarter(self):
        self.capacity[1:] = self.capacity[:-1].copy()
        self.cost[1:] = self.cost[:-1].copy()
        self.capacity[0] = 0.0
        self.cost[0] = 0.0
        dead = self._age >= self.market.life_q[None, :]
        retired = sum_rows(np.where(dead, self.capacity, 0.0))
        self.capacity[dead] = 0.0
        self.cost[dead] = 0.0
        return retired

    def add(self, capacity, cost):
        self.capacity[0] += capacity
        self.cost[0] += cost

    def add_at(self, age, capacity, cost):
        self.capacity[age] += capacity
        self.cost[age] += cost

    def value(self):
        share = self.market.residual_by_age_q[: self.capacity.shape[0]] * self.market.residual
        return sum_rows(self.cost * share)

    def clear(self, mask):
        self.capacity[:, mask] = 0.0
        self.cost[:, mask] = 0.0


def _market(rng, n):
    life = rng.integers(4, 25, size=n) if n > 1 else np.array([20])
    max_life = int(life.max())
    return SimpleNamespace(
        life_q=life, max_life=max_life,
        residual_by_age_q=rng.uniform(0.05, 1.0, size=(max_life + 8, n)),
        residual=rng.uniform(0.5, 1.5, size=n),
    )


@pytest.mark.parametrize("seed", range(12))
def test_fleet_matches_reference(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.choice([1, 2, 7, 64, 300]))
    market = _market(rng, n)
    new, ref = Fleet(market, n), ReferenceFleet(market, n)
    installed0 = rng.uniform(0, 3, n)
    price = rng.uniform(10, 40, n)
    new.seed_even(installed0, price)
    ref.seed_even(installed0, price)
    for _ in range(60):  # more quarters than the window's headroom
        op = rng.integers(0, 6)
        if op == 0:
            assert np.array_equal(new.age_one_quarter(), ref.age_one_quarter())
        elif op == 1:
            units = rng.uniform(0, 1, n) * (rng.random(n) < 0.7)
            new.add(units, units * price)
            ref.add(units, units * price)
        elif op == 2:
            age = int(rng.integers(0, market.max_life))
            units = rng.uniform(0, 1, n) * (rng.random(n) < 0.5)
            new.add_at(age, units, units * price)
            ref.add_at(age, units, units * price)
        elif op == 3:
            mask = rng.random(n) < 0.1
            new.clear(mask)
            ref.clear(mask)
        elif op == 4:
            paths = np.flatnonzero(rng.random(n) < rng.choice([0.0, 0.01, 0.3, 1.0]))
            if paths.size:
                assert np.array_equal(new.value(paths), ref.value()[paths])
        assert np.array_equal(new.value(), ref.value())
        assert np.array_equal(new.installed(), ref.installed())
        assert np.array_equal(new.capacity, ref.capacity)
        assert np.array_equal(new.cost, ref.cost)
        if op == 5:
            new.age_one_quarter()
            ref.age_one_quarter()


@pytest.mark.parametrize("seed", range(8))
def test_column_sums_match_the_whole_matrix(seed):
    rng = np.random.default_rng(seed)
    for _ in range(50):
        rows, n = int(rng.integers(1, 40)), int(rng.choice([1, 2, 3, 9, 200]))
        matrix = rng.random((rows, n)) * 10 ** rng.uniform(-4, 4, size=(rows, 1))
        times = rng.random((rows + 3, n))[:rows]
        scale = rng.random(n)
        paths = np.flatnonzero(rng.random(n) < rng.choice([0.01, 0.3, 1.0]))
        if not paths.size:
            continue
        assert np.array_equal(column_sums(matrix, paths), sum_rows(matrix)[paths])
        full = sum_rows(matrix * (times * scale))
        assert np.array_equal(column_sums(matrix, paths, times, scale), full[paths])
