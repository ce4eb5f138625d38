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

__all__ = ["add_debt_service", "amortise", "buildable", "granted", "idle_units", "rent_request",
           "rental_left", "spot_request"]


@kernel
def idle_units(installed: NDArray[np.float64], contracted: NDArray[np.float64],
               spot_rented: NDArray[np.float64], dust: float) -> NDArray[np.float64]:
    """``snap(max(installed - contracted - spot_rented, 0))``: units neither contracted nor
    rented."""
    out = np.empty(installed.size)
    for j in range(installed.size):
        out[j] = snap1(maximum(installed[j] - contracted[j] - spot_rented[j], 0.0), dust)
    return out


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
              dust: float) -> NDArray[np.float64]:
    """Units a cloud can buy: ``units`` (at least 0) up to what the cash beyond ``reserve``
    pays at ``own`` $B of its own money per unit (no limit where ``own`` is 0), 0 on dead
    paths, snapped to 0 below ``dust``."""
    out = np.empty(units.size)
    for j in range(units.size):
        spare = maximum(available[j] - reserve[j], 0.0)
        most = spare / own[j] if own[j] > 0 else np.inf
        u = minimum(maximum(units[j], 0.0), most) if alive[j] else 0.0
        out[j] = snap1(u, dust)
    return out


@kernel
def rent_request(units: NDArray[np.float64], alive: NDArray[np.bool_], tenant_alive: NDArray[np.bool_],
                 idle: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64], bool]:
    """The units asked for (at least 0, 0 where the cloud or the tenant is dead), what idle
    capacity leaves short of them, and whether any path is short."""
    asked = np.empty(units.size)
    short = np.empty(units.size)
    any_short = False
    for j in range(units.size):
        u = maximum(units[j], 0.0) if (alive[j] & tenant_alive[j]) else 0.0
        asked[j] = u
        s = u - idle[j]
        short[j] = s
        any_short |= s > 0
    return asked, short, any_short


@kernel
def spot_request(want: NDArray[np.float64], left: NDArray[np.float64], budget: NDArray[np.float64],
                 price: NDArray[np.float64]) -> NDArray[np.float64]:
    """``min(want, left, what the budget buys at price)``: no budget limit where the price is
    0 or less, and a negative budget buys nothing."""
    out = np.empty(want.size)
    for j in range(want.size):
        can = maximum(budget[j], 0.0) / price[j] if price[j] > 0 else np.inf
        out[j] = minimum(minimum(want[j], left[j]), can)
    return out


@kernel
def granted(asked: NDArray[np.float64], idle: NDArray[np.float64], dust: float) -> NDArray[np.float64]:
    """``snap(min(asked, idle))``: the units a tenant gets."""
    out = np.empty(asked.size)
    for j in range(asked.size):
        out[j] = snap1(minimum(asked[j], idle[j]), dust)
    return out


@kernel
def rental_left(got: NDArray[np.float64], price: NDArray[np.float64], budget: NDArray[np.float64],
                left: NDArray[np.float64], dust: float
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """After renting ``got`` units at ``price``: the budget less their rent, and what is left
    to rent, ``snap(max(left - got, 0))``."""
    budget_after = np.empty(got.size)
    left_after = np.empty(got.size)
    for j in range(got.size):
        budget_after[j] = budget[j] - got[j] * price[j]
        left_after[j] = snap1(maximum(left[j] - got[j], 0.0), dust)
    return budget_after, left_after
