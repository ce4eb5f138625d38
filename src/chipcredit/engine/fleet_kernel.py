"""A fleet's retirement at each ageing, compiled: one pass over the paths that retire a
cohort, instead of numpy's index arithmetic, gather, scatter and two ``put``\\ s (see
`chipcredit.engine.fleet.Fleet.age_one_quarter`). It only moves and zeroes numbers, so the
results are the same bits. Capacity is in the scenario's unit, cost in $B.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

__all__ = ["retire"]


@kernel
def retire(capacity: NDArray[np.float64], cost: NDArray[np.float64], start: int,
           paths: NDArray[np.intp], life: NDArray[np.int64]) -> NDArray[np.float64]:
    """Zero the new cohort (row ``start``) and, on each of ``paths``, the cohort at its
    useful life ``life[p]`` (row ``start + life[p]``) of the ``(rows, n)`` buffers
    ``capacity`` and ``cost``; return the capacity retired, ``(n,)`` (0 on other paths)."""
    n = capacity.shape[1]
    retired = np.zeros(n)
    for j in range(n):
        capacity[start, j] = 0.0
        cost[start, j] = 0.0
    for k in range(paths.size):
        p = paths[k]
        row = start + life[p]
        retired[p] = capacity[row, p]
        capacity[row, p] = 0.0
        cost[row, p] = 0.0
    return retired
