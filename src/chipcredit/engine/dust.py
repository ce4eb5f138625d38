"""Dust: amounts too small to be anything but floating-point rounding.

A difference such as ``shortfall - rented`` or ``cap - sold`` that should be exactly 0 often
comes out at 1e-17 to 1e-13 instead. Where such a quantity decides an event (a lab rents
from a cloud, a purchase ports a lab to a vendor or makes it second-source, a cloud's
valuation lets it raise a round, a debt still exists), a residual would flip the event on
noise: "CoreWeave was rescued because it had 3.6e-15 $B of revenue" is no result a credit
officer can defend, and no independent implementation could reproduce it.

So the engine treats anything below these thresholds as exactly 0, and snaps it to 0 where
it arises, before it is paid or delivered (so the ledger stays balanced: no money is created
or destroyed, a payment of dust is simply not made).

- ``MONEY_DUST = 1e-9`` $B, i.e. one dollar. Every money flow in a scenario is in $B and the
  smallest real one (a quarter's rent on a sliver of capacity, a fee) is many orders of
  magnitude above it, while rounding residuals of $B-sized sums are near 1e-15 $B, six
  orders below it. It is also the tolerance the engine already used for arrears.
- ``CAPACITY_DUST = 1e-9`` capacity units: one watt when the unit is the GW (one
  milli-watt for MW). The same six orders separate it from the residuals of unit-sized
  sums (about 1e-16) and from the smallest real purchase.

Results differ from a run without the rule only on paths where a residual used to decide an
event (see docs/model.md, "Dust").
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from .dust_kernel import snapped

__all__ = ["CAPACITY_DUST", "MONEY_DUST", "snap"]

MONEY_DUST = 1e-9
"""$B (one dollar); money below this is rounding, not money."""

CAPACITY_DUST = 1e-9
"""Capacity units (one watt of a GW); capacity below this is rounding, not capacity."""


def snap(amount: NDArray[np.float64], dust: float) -> NDArray[np.float64]:
    """``amount`` with every value whose magnitude is below ``dust`` set to exactly 0.

    Parameters
    ----------
    amount : (n,) or (V, n), $B or capacity units
    dust : `MONEY_DUST` or `CAPACITY_DUST`

    Returns a new array. A C-ordered float64 ``amount`` goes through one compiled pass
    (`dust_kernel.snapped`), anything else through numpy's ``where``: the same values.
    """
    if type(amount) is np.ndarray and amount.dtype == np.float64 and amount.flags.c_contiguous:
        return snapped(amount.reshape(-1), dust).reshape(amount.shape)
    return np.asarray(np.where(np.abs(amount) < dust, 0.0, amount))
