"""How a share of paths near none or all of them reads: the one rule of ``chipcredit run``'s
tables and the HTML report (and so the dashboard's vendors caption), so that neither rounds
one path in 2,000 up to ``0.1%`` (which reads as two) or 1,999 of them to ``>99.9%``."""

from __future__ import annotations

import math
from decimal import Decimal

__all__ = ["NEAR_END", "SHARE_PLACES", "near_end_percent"]

NEAR_END = 0.01
"""Within this share of none or all of the paths, `near_end_percent` gives two significant
figures of the distance from there."""
SHARE_PLACES = 7
"""The most decimals of a percent `near_end_percent` gives: one path in 10^9."""
_SMALLEST = f"{Decimal(1).scaleb(-SHARE_PLACES):f}"


def near_end_percent(share: float) -> str | None:
    """The number of the percent (without its ``%``) of a share of paths strictly between
    none and all of them and within `NEAR_END` of either: two significant figures of its
    distance from there (trailing zeros dropped), so that it is neither rounded up nor down
    to a neighbour; None for any other share, which the caller writes its own way.

    Parameters
    ----------
    share : float
        A finite share of the paths, 0 to 1.

    Returns
    -------
    str or None
        ``0.05`` for 1 path in 2,000, ``99.95`` for 1,999; ``<0.0000001`` or ``>99.9999999``
        where the distance is finer than one path in 10^9 (the side is still said).

    >>> near_end_percent(0.0005), near_end_percent(0.0015), near_end_percent(0.9995)
    ('0.05', '0.15', '99.95')
    >>> near_end_percent(0.004), near_end_percent(0.996), near_end_percent(1e-7)
    ('0.4', '99.6', '0.00001')
    >>> near_end_percent(0.0), near_end_percent(0.5), near_end_percent(0.99), near_end_percent(1.0)
    (None, None, None, None)
    """
    if not 0.0 < share < 1.0 or NEAR_END <= share <= 1.0 - NEAR_END:
        return None
    # float(): numpy 2 writes a numpy float's repr as np.float64(...), which Decimal refuses
    gap = Decimal(repr(float(min(share, 1.0 - share)))) * 100  # % from none or all, below 1
    places = min(1 - math.floor(math.log10(gap)), SHARE_PLACES)
    shown = round(gap, places)
    if shown == 0:  # finer than one path in 10^9: say on which side
        return f"<{_SMALLEST}" if share < 0.5 else f">{100 - Decimal(_SMALLEST)}"
    text = f"{shown if share < 0.5 else 100 - shown:.{places}f}".rstrip("0")
    return text + "0" if text.endswith(".") else text
