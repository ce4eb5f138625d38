"""An equity round in one compiled loop (see `Fundraiser.raise_equity` in `funding.py`).

`equity_round` does, one path at a time, what about twenty-five numpy passes did: the
trailing burn, the round's size (at most ``max_dilution`` of the company after it, and at
most what ``max_dilution_per_year`` leaves of the trailing four quarters' room), whether
the party wants a round, whether it gets one (the success logistic's ``exp`` stays numpy's
and comes in as an argument: compiled and numpy ``exp`` need not agree to the bit), and the
new shares as `Fundraiser.issue` makes them. It does the same operations on each path in
the same order as those passes (``+ - * /``, comparisons, numpy's ``minimum``/``maximum``
rule), so the numbers are the same to the bit; `tests/engine/test_funding_kernel.py` checks
it against the numpy expressions.

Arrays are ``(n,)`` over paths: money in $B (burn in $B per quarter), shares in billions.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

from .float_kernel import maximum, minimum

__all__ = ["equity_round"]


@kernel
def equity_round(burn: NDArray[np.float64], cash_open: NDArray[np.float64],
                 inflow: NDArray[np.float64], cash: NDArray[np.float64],
                 arrears: NDArray[np.float64], buffer: NDArray[np.float64],
                 round_quarters: NDArray[np.float64], cap_ratio: NDArray[np.float64],
                 year_ratio: NDArray[np.float64], window: NDArray[np.float64],
                 alive: NDArray[np.bool_], value: NDArray[np.float64], exp_minus_logit: NDArray[np.float64],
                 u: NDArray[np.float64], shock: NDArray[np.float64], total: NDArray[np.float64],
                 held: NDArray[np.float64], dust: float, max_dilution: float,
                 rescale_above: float, seen: float, amount: NDArray[np.float64],
                 new_held: NDArray[np.float64], new_total: NDArray[np.float64]) -> bool:
    """Phase 6's round, per path, into ``amount``, ``new_held`` and ``new_total``.

    ``burn`` ``(4, n)`` (oldest quarter first) moves up one quarter and takes this
    quarter's burn, ``cash_open + inflow - cash``. With ``b = max(mean of the quarters
    seen, 0)`` (the sum of the four from 0.0, oldest first, over ``seen``: the number of
    simulated quarters so far, at most 4, since the quarters before the start are not
    zero burn but unknown):

    - the size asked is ``snap(min(max(round_quarters * b, arrears + max(buffer * b - cash,
      0)), value * cap_ratio, max(year_ratio * window[0] - ((window[3] + window[4]) +
      window[5]), 0) * (value / total)), dust)``, each ``min`` taken only where its ratio is
      finite (``d / (1 - d)`` for a most dilution ``d`` per round or per year, else inf: no
      cap). ``window`` ``(6, n)`` holds the shares outstanding before the rounds of the
      last three quarters (rows 0-2, oldest first) and the shares those rounds issued (rows
      3-5): the year's room is ``year_ratio`` times the shares before the window, less what
      its earlier rounds issued, at the pre-money price;
    - the party wants a round where ``alive & (cash < buffer * b | arrears > dust) & size
      > 0 & value > dust``, and gets it where also ``u <= shock / (1 + exp_minus_logit)``
      (the success logistic times the funding shock): ``amount`` is the size, else 0;
    - the new shares are ``amount`` at the pre-money price ``value / total`` (0 where that
      is not positive; an overflow to inf is capped), at most ``max_dilution`` times
      ``total``; ``new_held = held + new`` and ``new_total = total + new``;
    - ``window`` moves up one quarter: row 2 takes ``total`` and row 5 ``new``.

    Returns whether any new total is above ``rescale_above``.
    """
    huge = False
    for i in range(cash.size):
        b0, b1, b2 = burn[1, i], burn[2, i], burn[3, i]
        b3 = (cash_open[i] + inflow[i]) - cash[i]
        burn[0, i] = b0
        burn[1, i] = b1
        burn[2, i] = b2
        burn[3, i] = b3
        b = maximum(((((0.0 + b0) + b1) + b2) + b3) / seen, 0.0)
        c, owed = cash[i], arrears[i]
        target = buffer[i] * b
        size = maximum(round_quarters[i] * b, owed + maximum(target - c, 0.0))
        cap = cap_ratio[i]
        if cap < np.inf:  # sell at most d of the company: raise at most pre * d / (1 - d)
            size = minimum(size, value[i] * cap)
        t = total[i]
        price = value[i] / t
        yr = year_ratio[i]
        if yr < np.inf:  # the trailing year's rounds sell at most d: what its room buys
            room = yr * window[0, i] - ((window[3, i] + window[4, i]) + window[5, i])
            size = minimum(size, maximum(room, 0.0) * price)
        if abs(size) < dust:  # no dust rounds
            size = 0.0
        wants = alive[i] and (c < target or owed > dust) and size > 0.0 and value[i] > dust
        chance = 1.0 / (1.0 + exp_minus_logit[i])
        a = size if wants and u[i] <= chance * shock[i] else 0.0
        amount[i] = a
        new = a / price if price > 0.0 else 0.0
        new = minimum(new, t * max_dilution)
        window[0, i] = window[1, i]
        window[1, i] = window[2, i]
        window[2, i] = t
        window[3, i] = window[4, i]
        window[4, i] = window[5, i]
        window[5, i] = new
        new_held[i] = held[i] + new
        after = t + new
        new_total[i] = after
        if after > rescale_above:
            huge = True
    return huge
