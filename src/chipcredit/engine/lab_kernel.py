"""A lab's operations and shortfall passes, compiled (see `chipcredit.engine.labs`).

The transcendental steps (``log1p``, ``exp``, powers) stay in numpy, whose SIMD versions
need not agree with compiled ones to the bit; the kernels take their results and do in one
loop over paths the ``+ - * /``, ``min``, ``max`` and ``where`` passes between them, on the
same operands in the same order, so the results are the same bits. Arrays are ``(n,)`` over
paths; money is $B, capacity is in the scenario's unit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

from .float_kernel import maximum, minimum, snap1

__all__ = ["serve", "shortfall"]


@kernel
def serve(run_rate: NDArray[np.float64], growth: NDArray[np.float64], alive: NDArray[np.bool_],
          max_run_rate: float, per_revenue: NDArray[np.float64], efficiency: NDArray[np.float64],
          installed: NDArray[np.float64], leased: NDArray[np.float64], rented: NDArray[np.float64],
          fixed_q: NDArray[np.float64], fixed_growth: NDArray[np.float64],
          revenue_share: NDArray[np.float64], power_q: NDArray[np.float64]
          ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """The quarter's run-rate, inference need, revenue and operating costs.

    ``run_rate * growth`` (the ``exp`` of the log step), at most ``max_run_rate``, 0 on dead
    paths, $B a year; the need ``run_rate * per_revenue * efficiency`` (the efficiency
    gain's power); revenue, a quarter of the run-rate times the share of the need that
    ``installed + leased + rented`` serves (all of it where nothing is needed), 0 on dead
    paths; costs ``fixed_q * fixed_growth + revenue_share * revenue + power_q * (installed +
    leased)`` (rented capacity's power is in its rent), 0 on dead paths.
    """
    n = run_rate.size
    rate = np.empty(n)
    need = np.empty(n)
    revenue = np.empty(n)
    costs = np.empty(n)
    for j in range(n):
        r = minimum(run_rate[j] * growth[j], max_run_rate) if alive[j] else 0.0
        rate[j] = r
        nd = r * per_revenue[j] * efficiency[j]
        need[j] = nd
        capacity = installed[j] + leased[j]
        served = (capacity + rented[j]) / nd if nd > 0 else 1.0
        rev = r / 4.0 * minimum(served, 1.0) if alive[j] else 0.0
        revenue[j] = rev
        c = fixed_q[j] * fixed_growth[j] + revenue_share[j] * rev + power_q[j] * capacity
        costs[j] = c if alive[j] else 0.0
    return rate, need, revenue, costs


@kernel
def shortfall(need: NDArray[np.float64], installed: NDArray[np.float64], leased: NDArray[np.float64],
              rented: NDArray[np.float64], alive: NDArray[np.bool_], dust: float) -> NDArray[np.float64]:
    """Capacity still wanted: ``snap(max(need - (installed + leased + rented), 0))``, 0 on
    dead paths."""
    out = np.empty(need.size)
    for j in range(need.size):
        gap = maximum(need[j] - (installed[j] + leased[j] + rented[j]), 0.0)
        out[j] = snap1(gap if alive[j] else 0.0, dust)
    return out
