"""Dust: an amount this small is a rounding residual, and counts as nothing.

The model's rule, written out for one path: money below a dollar (1e-9 $B) and capacity
below a billionth of a unit (a watt of a GW) are zero. Where such a residual arises (what
is left of a shortfall, of a supply cap, of a cloud's fleet, of a debt after its last
payment) it is set to exactly 0 before anything is paid or delivered, and a quantity that
decides an event (a rental, a purchase, a round, a debt that still exists) must be at
least that size to count.
"""

from __future__ import annotations

__all__ = ["CAPACITY_DUST", "MONEY_DUST", "snap"]

MONEY_DUST = 1e-9  # $B
CAPACITY_DUST = 1e-9  # capacity units


def snap(x: float, dust: float) -> float:
    """0.0 when ``|x|`` is below ``dust``, else ``x``."""
    return 0.0 if abs(x) < dust else x
