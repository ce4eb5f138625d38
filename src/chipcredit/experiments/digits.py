"""How many digits a break-even answer needs, so that what is printed is what was found.

A root rounded to six significant digits may land past the boundary it stands for (0.19641397
printed 0.196414 where the target holds at or below it), and a probe's metric rounded to four
decimals may read as meeting a target it misses (-0.0000129 printed ``0.0000`` against
``>= 0``). `toward` rounds a root onto the side where the target holds; `decimals` finds the
fewest decimals at which every metric reads on its own side of the target and different
numbers print differently; `significant` does the same for the values probed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

__all__ = ["decimals", "fixed", "significant", "toward"]

MOST_DECIMALS = 15
MOST_SIGNIFICANT = 17
"""Seventeen significant digits give back every double (``repr`` round-trips)."""


def toward(x: float, up: bool, digits: int = 6) -> str:
    """``x`` to ``digits`` significant digits, rounded up (``up``) or down, never to nearest:
    the printed number is at or above ``x`` (at or below it), so a root rounded toward the
    side where the target holds still lies on that side.

    >>> toward(0.19641396692764312, up=False), toward(0.19641396692764312, up=True)
    ('0.196413', '0.196414')
    >>> toward(-2.5, up=True, digits=1), toward(0.0, up=False)
    ('-2', '0')
    """
    exact = Decimal(x)  # the double's exact value, not its shortest repr
    if exact == 0:
        return "0"
    step = Decimal(1).scaleb(exact.adjusted() - (digits - 1))
    rounded = exact.quantize(step, rounding=ROUND_CEILING if up else ROUND_FLOOR)
    return f"{float(rounded):.{digits}g}"  # at most `digits` digits: printed exactly


def _sign(x: float, goal: float) -> int:
    return (x > goal) - (x < goal)


def fixed(x: float, places: int, signed: bool = False) -> str:
    """``x`` to ``places`` decimals (a ``+`` on a positive difference when ``signed``)."""
    return f"{x:+.{places}f}" if signed else f"{x:.{places}f}"


def decimals(values: Sequence[float], goal: float, start: int = 4) -> int | None:
    """The fewest decimals, at least ``start``, at which each of ``values`` printed reads on
    the same side of ``goal`` as itself (below, at or above) and different values print
    differently; None when even `MOST_DECIMALS` do not do it (a value within 1e-15 of the
    goal: print it in full).

    >>> decimals([-1.29e-05, 0.5], 0.0), decimals([0.25, 0.5], 0.0)
    (5, 4)
    """
    finite = [v for v in values if v == v]
    for places in range(start, MOST_DECIMALS + 1):
        shown = [fixed(v, places) for v in finite]
        if all(_sign(float(s), goal) == _sign(v, goal) for s, v in zip(shown, finite, strict=True)) \
                and len(set(shown)) == len(set(finite)):
            return places
    return None


def significant(values: Sequence[float], start: int = 6) -> int:
    """The fewest significant digits, at least ``start``, at which different values print
    differently.

    >>> significant([0.11670101, 0.11670149]), significant([0.5, 0.25])
    (7, 6)
    """
    for digits in range(start, MOST_SIGNIFICANT + 1):
        if len({f"{v:.{digits}g}" for v in values}) == len(set(values)):
            return digits
    return MOST_SIGNIFICANT
