"""Monte Carlo error as the tables write it: one standard error beside a mean or a share.

A mean or a probability over 1,000 paths is itself a draw: Colossus 2's SPV Nvidia mean NPV
read 0.078, 0.005, 0.064 and -0.033 over seeds 0 to 3 (s.e. 0.026). ``chipcredit run``'s
tables, the HTML report and the dashboard write a headline mean or share with its standard
error after it (``67.6% ±1.5``: percentage points for a share; money in the unit of the
money beside it, $B in English and in ``chipcredit run``, 亿美元 in the Chinese report,
``248亿美元 ±49.3亿美元``), and a note (``report.mc_error_note``) says what ± is. One rule for
all three, so they read alike.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from chipcredit.analytics.stats import share_se

if TYPE_CHECKING:
    from .i18n import Catalogue

__all__ = ["money_error", "points_error", "share_error"]


def points_error(se: float | None) -> str:
    """A share's standard error in percentage points after a ``±``: one decimal, or two
    significant figures under 0.1 point (so a small s.e. never reads ±0.0); ``""`` where
    there is none (one path, the deterministic base case) or it is 0 (a share of none or
    all of the paths: no path differs, so sqrt(p(1-p)/n) has nothing to say, and ``±0.0``
    would read as certainty).

    >>> points_error(0.0148), points_error(0.00059), points_error(0.0), points_error(None)
    ('±1.5', '±0.059', '', '')
    """
    if se is None or not math.isfinite(se) or se == 0:
        return ""
    points = se * 100
    return f"±{points:.1f}" if points >= 0.1 else f"±{points:.2g}"


def money_error(se: float | None, cat: Catalogue | None = None) -> str:
    """A mean's standard error after a ``±``, in $B or, given a catalogue ``cat``, in its
    language's money unit (``number.money_error``: ``±4.93`` in English, whose note says
    money is in $B, ``±49.3亿美元`` in Chinese, so the s.e. reads in the unit of the value
    before it): to $10M (two decimals of $B, one of 亿美元), or two significant figures
    under $10M; ``""`` where there is none or it is 0 (every path the same).

    >>> money_error(0.0261), money_error(0.0042), money_error(12.345), money_error(0.0)
    ('±0.03', '±0.0042', '±12.35', '')
    """
    if se is None or not math.isfinite(se) or se == 0:
        return ""
    if cat is None:
        return f"±{se:,.2f}" if se >= 0.01 else f"±{se:.2g}"
    scale = cat.money_scale  # $B to the language's unit: 1 or 10
    decimals = max(2 - round(math.log10(scale)), 0)  # $10M in that unit
    value = se * scale
    text = f"{value:,.{decimals}f}" if se >= 0.01 else f"{value:.2g}"
    return cat.t("number.money_error", value=text)


def share_error(share: float | None, paths: int | None) -> str:
    """`points_error` of a share of ``paths`` paths (`chipcredit.analytics.stats.share_se`,
    sqrt(p(1-p)/n)); ``""`` where either is None or the paths are fewer than two.

    >>> share_error(0.676, 1000), share_error(0.5, 1), share_error(None, 1000)
    ('±1.5', '', '')
    """
    if share is None or paths is None:
        return ""
    return points_error(share_se(share, paths))
