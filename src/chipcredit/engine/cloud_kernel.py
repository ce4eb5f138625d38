"""A cloud's spot market and build-out passes, compiled (see `chipcredit.engine.clouds`).

Each kernel does in one loop over paths what took several numpy passes, with the same
``+ - * /``, ``min``, ``max`` and comparisons on the same operands in the same order, so the
results are the same bits. ``min`` and ``max`` follow ``np.minimum`` and ``np.maximum`` (NaN
wins, a tie gives the second operand). Arrays are ``(n,)`` over paths; money is $B,
capacity is in the scenario's unit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

from .float_kernel import maximum, minimum, snap1

__all__ = ["add_debt_service", "amortise", "buildable", "spot_ask", "spot_grant"]


@kernel
def add_debt_service(due: NDArray[np.float64], principal: NDArray[np.float64],
                     rate: NDArray[np.float64], amortise: NDArray[np.float64],
                     arrears: NDArray[np.float64]) -> NDArray[np.float64]:
    """``due + principal * (rate + amortise) + arrears``: a tranche's next debt service and
    its arrears added to ``due`` ($B)."""
    out = np.empty(due.size)
    for j in range(due.size):
        out[j] = due[j] + principal[j] * (rate[j] + amortise[j]) + arrears[j]
    return out


@kernel
def amortise(principal: NDArray[np.float64], rate: NDArray[np.float64], fraction: NDArray[np.float64],
             alive: NDArray[np.bool_]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A tranche's service this quarter: interest ``principal * rate`` plus the repayment
    ``principal * fraction`` (0 on dead paths), and the principal after the repayment."""
    due = np.empty(principal.size)
    after = np.empty(principal.size)
    for j in range(principal.size):
        interest = principal[j] * rate[j]
        repay = principal[j] * fraction[j] if alive[j] else 0.0
        after[j] = principal[j] - repay
        due[j] = interest + repay if alive[j] else 0.0
    return due, after


@kernel
def buildable(units: NDArray[np.float64], available: NDArray[np.float64],
              reserve: NDArray[np.float64], own: NDArray[np.float64], alive: NDArray[np.bool_],
              dust: float) -> tuple[NDArray[np.float64], bool]:
    """Units a cloud can buy: ``units`` (at least 0) up to what the cash beyond ``reserve``
    pays at ``own`` $B of its own money per unit (no limit where ``own`` is 0), 0 on dead
    paths, snapped to 0 below ``dust``; and whether any path buys."""
    out = np.empty(units.size)
    buys = False
    for j in range(units.size):
        spare = maximum(available[j] - reserve[j], 0.0)
        most = spare / own[j] if own[j] > 0 else np.inf
        u = snap1(minimum(maximum(units[j], 0.0), most) if alive[j] else 0.0, dust)
        out[j] = u
        buys |= u != 0.0
    return out, buys


@kernel
def spot_ask(want: NDArray[np.float64], share: NDArray[np.float64], scaled: bool,
             left: NDArray[np.float64], budget: NDArray[np.float64], price: NDArray[np.float64],
             alive: NDArray[np.bool_], tenant_alive: NDArray[np.bool_],
             installed: NDArray[np.float64], contracted: NDArray[np.float64],
             spot_rented: NDArray[np.float64], dust: float
             ) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """A tenant's spot request: the units it asks for, what idle capacity leaves short of
    them, and whether any path is short.

    It wants ``want`` units (``want * share`` when ``scaled``), as far as ``left`` and what
    its ``budget`` buys at ``price`` allow (no budget limit where the price is 0 or less; a
    negative budget buys nothing); it asks for that, at least 0, where the cloud and the
    tenant are ``alive`` (0 elsewhere). Idle capacity is ``snap(max(installed - contracted -
    spot_rented, 0))`` (`CloudState.idle`).
    """
    n = want.size
    asked = np.empty(n)
    short = np.empty(n)
    any_short = False
    for j in range(n):
        w = want[j] * share[j] if scaled else want[j]
        can = maximum(budget[j], 0.0) / price[j] if price[j] > 0 else np.inf
        request = minimum(minimum(w, left[j]), can)
        u = maximum(request, 0.0) if (alive[j] & tenant_alive[j]) else 0.0
        asked[j] = u
        s = u - snap1(maximum(installed[j] - contracted[j] - spot_rented[j], 0.0), dust)
        short[j] = s
        any_short |= s > 0
    return asked, short, any_short


@kernel
def spot_grant(asked: NDArray[np.float64], installed: NDArray[np.float64],
               contracted: NDArray[np.float64], spot_rented: NDArray[np.float64],
               now: NDArray[np.float64], tenant_rented: NDArray[np.float64],
               price: NDArray[np.float64], budget: NDArray[np.float64], left: NDArray[np.float64],
               dust: float) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
                                     NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """A tenant gets ``got = snap(min(asked, idle))`` units, idle capacity being as in
    `spot_ask`, from ``installed``, ``contracted`` and ``spot_rented`` now. Returns new
    arrays: the cloud's ``spot_rented + got``, the tenant's ``now + got`` (its spot units
    this quarter) and ``tenant_rented + got``, the rent ``got * price``, the budget less that
    rent, and what is left to rent, ``snap(max(left - got, 0))``."""
    n = asked.size
    spot_after = np.empty(n)
    now_after = np.empty(n)
    rented_after = np.empty(n)
    rent = np.empty(n)
    budget_after = np.empty(n)
    left_after = np.empty(n)
    for j in range(n):
        idle = snap1(maximum(installed[j] - contracted[j] - spot_rented[j], 0.0), dust)
        g = snap1(minimum(asked[j], idle), dust)
        spot_after[j] = spot_rented[j] + g
        now_after[j] = now[j] + g
        rented_after[j] = tenant_rented[j] + g
        r = g * price[j]
        rent[j] = r
        budget_after[j] = budget[j] - r
        left_after[j] = snap1(maximum(left[j] - g, 0.0), dust)
    return spot_after, now_after, rented_after, rent, budget_after, left_after
