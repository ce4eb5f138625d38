"""Number formats of the commands' tables: how a statistic reads as text.

Money ($B) to two decimals, shares as percents, shares of paths that never round to 0.0% or
100.0% (nor to a neighbour near them), multiples, statistics of any unit, millions of shares,
IRR percentiles beyond the bracket, and counts of paths. Each gives `DASH` where there is
no finite value.
"""

from __future__ import annotations

import math
from typing import Any

import chipcredit as cc
from chipcredit.report.irr_percentiles import irr_shown
from chipcredit.report.multiples import finite
from chipcredit.report.path_shares import near_end_percent

__all__ = ["ABOVE_BRACKET", "DASH", "MOST_DECIMALS", "NUMBER_DECIMALS", "TOTAL_LOSS", "WITHHELD",
           "compact", "count", "finite", "irr_text", "money", "multiple", "number", "path_share",
           "paths_count", "percent", "shares", "visible_decimals", "yes_no"]

DASH = "—"
"""Stands for a statistic with no value (None, NaN, infinite)."""


def money(value: Any) -> str:
    """Money ($B) to two decimals with thousands separators, never ``-0.00``."""
    x = finite(value)
    if x is None:
        return DASH
    text = f"{x:,.2f}"
    return "0.00" if text == "-0.00" else text


def percent(value: Any, decimals: int = 1) -> str:
    """A share as a percent (``0.123`` is ``12.3%``), never ``-0.0%``."""
    x = finite(value)
    if x is None:
        return DASH
    text = f"{x * 100:.{decimals}f}%"
    return text[1:] if text.startswith("-") and float(text[1:-1]) == 0 else text


def yes_no(share: Any) -> str:
    """Whether something happened on the one path of a deterministic run, from its share of
    paths (1 or 0): ``yes`` or ``no``, as one path has no probability; `DASH` for none.

    >>> yes_no(1.0), yes_no(0.0), yes_no(None)
    ('yes', 'no', '—')
    """
    x = finite(share)
    if x is None:
        return DASH
    return "yes" if x > 0 else "no"


def path_share(value: Any) -> str:
    """A share of paths (a probability over paths) as a percent: to one decimal, except
    that within 1% of none or all of them it shows two significant figures of its distance
    from there (trailing zeros dropped), so that a small share is neither rounded up nor
    down to a neighbour: 1 path in 2,000 is ``0.05%``, not ``0.1%`` (which reads as 2
    paths), and 1,999 are ``99.95%`` (`chipcredit.report.path_shares.near_end_percent`,
    which the HTML report shares). Exactly none and all are ``0.0%`` and ``100.0%``.

    >>> path_share(0.0005), path_share(0.0015), path_share(0.9995), path_share(0.004)
    ('0.05%', '0.15%', '99.95%', '0.4%')
    >>> path_share(0.0), path_share(1.0), path_share(0.123), path_share(1e-7)
    ('0.0%', '100.0%', '12.3%', '0.00001%')
    """
    x = finite(value)
    if x is None:
        return DASH
    near = near_end_percent(x)  # the HTML report's rule too
    return percent(x) if near is None else near + "%"


def multiple(value: Any) -> str:
    """A multiple (MOIC) to two decimals with ``x`` (``1.25x``)."""
    x = finite(value)
    return DASH if x is None else f"{x:.2f}x"


def _fixed(x: float, digits: int, signed: bool) -> str:
    """``x`` to ``digits`` decimals with thousands separators; a rounded zero has no sign."""
    text = f"{x:+,.{digits}f}" if signed else f"{x:,.{digits}f}"
    zero = f"{0:.{digits}f}"
    return zero if text in (f"-{zero}", f"+{zero}") else text


NUMBER_DECIMALS = 4
"""The decimals of `number` unless a row needs more (`visible_decimals`)."""
MOST_DECIMALS = 9
"""The most decimals `visible_decimals` gives: 1e-9 of $B is a dollar, below which an amount
is rounding residue (docs/model.md, "Dust"), and no share or probability over paths is
finer."""


def number(value: Any, signed: bool = False, decimals: int = NUMBER_DECIMALS) -> str:
    """A statistic of any unit, to four decimals unless told (``+`` on differences)."""
    x = finite(value)
    return DASH if x is None else _fixed(x, decimals, signed)


def visible_decimals(*values: Any, significant: int = 2) -> int:
    """The decimals at which every nonzero one of ``values`` shows at least ``significant``
    significant digits: `NUMBER_DECIMALS` when that is enough, at most `MOST_DECIMALS` (a
    value smaller than that shows as 0 at four decimals, as before). A paired row gives its
    difference and its interval's half-width, so that a difference of $27 thousand
    (-0.000027 $B) and its interval are not shown as ``0.0000 .. 0.0000``.

    >>> visible_decimals(-2.7e-05, 5.4e-06), visible_decimals(0.0021, 0.017)
    (7, 4)
    >>> visible_decimals(1e-16), visible_decimals(0.0, None, float("nan"))
    (4, 4)
    """
    need = NUMBER_DECIMALS
    for value in values:
        x = finite(value)
        if not x:  # None, NaN or 0: nothing to show
            continue
        digits = significant - 1 - math.floor(math.log10(abs(x)))
        if digits <= MOST_DECIMALS:
            need = max(need, digits)
    return need


def compact(value: Any, signed: bool = False) -> str:
    """Like `number`, narrower: four decimals below 1, three below 1,000, one above."""
    x = finite(value)
    if x is None:
        return DASH
    return _fixed(x, 4 if abs(x) < 1 else 3 if abs(x) < 1000 else 1, signed)


def shares(value: Any) -> str:
    """Millions of shares to one decimal, with ``m`` (``40.0m``)."""
    x = finite(value)
    return DASH if x is None else f"{_fixed(x, 1, False)}m"


ABOVE_BRACKET = f">{cc.IRR_BRACKET[1]:.0%}"
"""An IRR percentile above the bracket the IRR is searched in (``>1000%``)."""
TOTAL_LOSS = "-100%"
"""An IRR percentile among the paths below the bracket (whose flows only go out: -100%)."""
WITHHELD = "n/a"
"""An IRR percentile withheld: too few paths have an IRR or a known side of the bracket."""


def irr_text(value: Any, ranked_share: Any) -> str:
    """An IRR percentile of `Result.summary` (its ``p50``, with its ``ranked_share``) as text.

    ``inf`` (above the bracket) is `ABOVE_BRACKET`, -1.0 (the paths below it) `TOTAL_LOSS`,
    and a NaN percentile of an IRR that ranks some paths `WITHHELD` (docs/output.md): the
    rule of `chipcredit.report.irr_percentiles.irr_shown`, which the HTML report and the
    dashboard share."""
    kind, x = irr_shown({"p50": value, "ranked_share": ranked_share})
    return {"above": ABOVE_BRACKET, "below": TOTAL_LOSS, "withheld": WITHHELD}.get(kind) or percent(x)


def paths_count(paths: Any, noun: str = "path") -> str:
    """A number of paths with its noun, singular for one: ``1 path``, ``2,000 paths``,
    ``— paths`` where unknown (None, NaN).

    >>> paths_count(1), paths_count(2000), paths_count(None)
    ('1 path', '2,000 paths', '— paths')
    """
    n = finite(paths)
    if n is None:
        return f"{DASH} {noun}s"
    return f"{int(n):,} {noun}" + ("" if int(n) == 1 else "s")


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` with its noun, singular for one (``plural`` where adding an s is wrong).

    >>> count(1, "abandoned deal"), count(2, "link"), count(25, "party", "parties")
    ('1 abandoned deal', '2 links', '25 parties')
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
