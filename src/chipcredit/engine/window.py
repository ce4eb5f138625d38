"""Trailing windows: ``(k, n)`` arrays holding the last ``k`` quarters of a per-path value,
oldest first (a lab's run-rates, a party's burn, a vendor's profits and units sold)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["push"]


def push(window: NDArray[np.float64], newest: NDArray[np.float64] | float) -> None:
    """Drop the oldest row of ``window`` ``(k, n)`` and put ``newest`` ``(n,)`` last, in place.

    Row by row: ``window[:-1] = window[1:]`` copies the overlapping block through a
    temporary, which costs more than the ``k - 1`` row copies themselves.
    """
    for row in range(window.shape[0] - 1):
        window[row] = window[row + 1]
    window[-1] = newest
