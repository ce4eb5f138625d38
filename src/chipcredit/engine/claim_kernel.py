"""A claim's bookkeeping identity, checked in one compiled pass (`Claim.identity_gap`)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

__all__ = ["largest_gap"]


@kernel
def largest_gap(promised: NDArray[np.float64], paid: NDArray[np.float64],
                arrears: NDArray[np.float64], written_off: NDArray[np.float64]) -> float:
    """``np.abs(promised - paid - arrears - written_off).max(initial=0.0)`` ($B, all
    ``(n,)``): the same subtractions in the same order per path, so the same bits; NaN if
    any path's gap is NaN, as numpy's maximum gives it."""
    worst = 0.0
    for i in range(promised.size):
        gap = abs(((promised[i] - paid[i]) - arrears[i]) - written_off[i])
        if gap != gap:
            return gap
        if gap > worst:
            worst = gap
    return worst
