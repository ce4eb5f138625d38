"""`dust.snap`'s loop, compiled: one pass, no temporaries.

``np.where(np.abs(a) < dust, 0.0, a)`` takes three passes over the paths and two temporary
arrays; this loop reads each value once and writes the result once. A value is kept as it
is (its sign, a -0.0, a NaN) or replaced by +0.0, exactly as `np.where` does.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

__all__ = ["snapped"]


@kernel
def snapped(amount: NDArray[np.float64], dust: float) -> NDArray[np.float64]:
    """A new array: ``amount`` (1-D) with every value whose magnitude is below ``dust`` set
    to +0.0 (NaN is not below anything, so it stays)."""
    out = np.empty_like(amount)
    for i in range(amount.size):
        x = amount[i]
        out[i] = 0.0 if abs(x) < dust else x
    return out
