"""Installed capacity by age: cohorts that age one quarter at a time and retire at end of life."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from .fleet_kernel import retire
from .market import MarketState
from .row_sums import sum_rows
from .workspace import Workspace

if TYPE_CHECKING:
    from chipcredit.scenario.number import Number

    from .sim import Sim

__all__ = ["Fleet", "column_sums"]

_HEADROOM = 16
"""Spare rows above the cohorts: ageing moves a window up one row instead of copying every
cohort, and the window is moved back down (one copy) every `_HEADROOM` quarters."""


class Fleet:
    """A party's own GPUs as cohorts by age in quarters.

    Attributes
    ----------
    capacity : (max_life, n) capacity units of each age
    cost : (max_life, n) $B of vendor content paid for each cohort (for residual values)

    Both are views into larger buffers and move when the fleet ages: read them afresh, and
    change them only through the methods (`add`, `add_at`, `clear`, `seed_even`), which keep
    the cached `installed` total and the retirement bookkeeping right.
    """

    def __init__(self, market: MarketState, n: int, workspace: Workspace | None = None) -> None:
        self.market = market
        life = market.life_q
        self._n_ages = market.max_life
        zeros = np.zeros if workspace is None else workspace.zeros
        self._cap_buf = zeros((self._n_ages + _HEADROOM, n))
        self._cost_buf = zeros((self._n_ages + _HEADROOM, n))
        self._start = _HEADROOM
        self._window()
        self._age = np.arange(market.max_life)[:, None]
        self._dead = self._age >= life[None, :]
        # after a shift, the only cohort newly past its life is the one aged exactly `life`:
        # the paths that retire one
        self._retire_paths = np.flatnonzero(life < self._n_ages)
        self._beyond_life = False  # whether a cohort may sit at or past its life
        self._installed: NDArray[np.float64] | None = None

    def _window(self) -> None:
        self.capacity = self._cap_buf[self._start : self._start + self._n_ages]
        self.cost = self._cost_buf[self._start : self._start + self._n_ages]

    def seed_even(self, capacity: NDArray[np.float64], cost_per_unit: NDArray[np.float64]) -> None:
        """An opening fleet spread evenly over ages 0 .. life - 1 (its GPUs were bought
        steadily); older cohorts carry the same cost per unit, for simplicity."""
        life = self.market.life_q
        live = self._age < life[None, :]
        per = capacity / life
        self.capacity[:] = np.where(live, per, 0.0)
        self.cost[:] = self.capacity * cost_per_unit
        self._installed = None

    def installed(self) -> NDArray[np.float64]:
        """Capacity installed, ``(n,)`` (read-only; cached until the fleet changes)."""
        if self._installed is None:
            self._installed = sum_rows(self.capacity)
            self._installed.flags.writeable = False
        return self._installed

    def age_one_quarter(self) -> NDArray[np.float64]:
        """Shift every cohort one quarter older; return the capacity retired, ``(n,)``."""
        if self._start == 0:  # out of headroom: move the cohorts back down (one copy)
            self._cap_buf[_HEADROOM : _HEADROOM + self._n_ages] = self.capacity
            self._cost_buf[_HEADROOM : _HEADROOM + self._n_ages] = self.cost
            self._start = _HEADROOM
        self._start -= 1  # the oldest cohort drops out of the window
        self._window()
        self._installed = None
        if self._beyond_life:  # a cohort was placed at or past its life: zero them all
            self.capacity[0] = 0.0
            self.cost[0] = 0.0
            retired = sum_rows(np.where(self._dead, self.capacity, 0.0))
            np.copyto(self.capacity, 0.0, where=self._dead)
            np.copyto(self.cost, 0.0, where=self._dead)
            self._beyond_life = False
            return np.asarray(retired)
        # the new cohort is empty; the one aged exactly `life` retires, on its paths
        return retire(self._cap_buf, self._cost_buf, self._start, self._retire_paths,
                      self.market.life_q)

    def add(self, capacity: NDArray[np.float64], cost: NDArray[np.float64]) -> None:
        """New GPUs, age 0."""
        self.capacity[0] += capacity
        self.cost[0] += cost
        self._installed = None

    def add_at(self, age: int, capacity: NDArray[np.float64], cost: NDArray[np.float64]) -> None:
        """GPUs of ``age`` quarters join the fleet (``age`` below ``max_life``); where that is
        at or past a path's useful life they retire at the next ageing."""
        self.capacity[age] += capacity
        self.cost[age] += cost
        self._installed = None
        if age >= int(self.market.life_q.min(initial=self._n_ages)):
            self._beyond_life = True

    def value(self, paths: NDArray[np.intp] | None = None) -> NDArray[np.float64]:
        """Market value of the fleet before any haircut ($B): ``(n,)``, or ``(len(paths),)``
        for the sorted path indices ``paths`` only (the same numbers, computed on fewer
        columns)."""
        curve = self.market.residual_by_age_q[: self.capacity.shape[0]]
        if paths is None or paths.size == self.capacity.shape[1]:
            return sum_rows(self.cost * (curve * self.market.residual))
        return column_sums(self.cost, paths, curve, self.market.residual)

    def clear(self, paths: NDArray[np.bool_] | NDArray[np.intp]) -> None:
        """Remove every cohort on ``paths`` (a mask, or path indices)."""
        self.capacity[:, paths] = 0.0
        self.cost[:, paths] = 0.0
        if self._installed is not None:  # a sum of zeros is zero: patch the cached total
            installed = self._installed.copy()
            installed[paths] = 0.0
            installed.flags.writeable = False
            self._installed = installed


def column_sums(matrix: NDArray[np.float64], paths: NDArray[np.intp],
                times: NDArray[np.float64] | None = None,
                scale: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """``(matrix * (times * scale)).sum(axis=0)[paths]`` (each factor optional), computed on
    the sorted columns ``paths`` only, to the bit: `sum_rows` adds the rows in order for
    any number of columns, as for the whole matrix."""
    if matrix.shape[1] == paths.size:
        factor = None if times is None else (times if scale is None else times * scale)
        return sum_rows(matrix if factor is None else matrix * factor)
    part = np.ascontiguousarray(np.take(matrix, paths, axis=1))
    if times is not None:
        factor = np.take(times, paths, axis=1)
        if scale is not None:
            factor = factor * scale[paths]
        part = np.ascontiguousarray(part * factor)
    return sum_rows(part)


def opening_fleet(sim: Sim, procurement: Mapping[str, Number], installed: Number, key: str,
                  installed_key: str) -> tuple[dict[int, NDArray[np.float64]], Fleet]:
    """A lab's or a cloud's procurement shares by vendor account and its opening fleet.

    Uncertain shares (drawn at ``{key}.procurement.{vendor}``) are normalised per path so
    that they always add up to 1; the ``installed`` units (drawn at ``installed_key``) are
    valued at the procurement-weighted vendor content.
    """
    n = sim.n
    shares = {sim.acct(v): sim.params.array(x, f"{key}.procurement.{v}")
              for v, x in procurement.items()}
    total = sum(shares.values(), np.zeros(n))
    weights = {v: np.divide(x, total, out=np.full(n, 1.0 / len(shares)), where=total > 0)
               for v, x in shares.items()}
    content = sum(sim.vendor_by_acct[v].content0 * s for v, s in weights.items())
    fleet = Fleet(sim.market, n, sim.workspace)
    fleet.seed_even(sim.params.array(installed, installed_key), np.asarray(content, dtype=np.float64))
    return weights, fleet
