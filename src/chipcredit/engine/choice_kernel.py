"""The vendor choice's elementwise passes, compiled: effective costs, the logit around its
``exp`` and the split of a lab's purchases over its platforms (see `chipcredit.engine.choice`
for the model).

Each kernel does in one loop what the numpy version did in many passes over ``(V, n)``
arrays, and gives the same bits: the same ``+ - * /``, ``min``, ``max`` and comparisons on
the same operands, in the same order. Sums over vendors start from 0.0 and add row 0, then
row 1, ... as numpy's ``sum(axis=0)`` does; ``min`` and ``max`` follow ``np.minimum`` and
``np.maximum`` (NaN wins, a tie gives the second operand). The ``exp`` of the logit stays in
numpy (its SIMD ``exp`` need not agree with a compiled one to the bit): `logit_exponent`
gives its argument and `logit_normalise` takes its result. Loops run over paths inside
each vendor's row, so that the compiler vectorises them. ``V`` is the number of vendors,
``n`` the number of paths; money is $B, capacity is in the scenario's unit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

from .float_kernel import maximum, minimum, snap1

__all__ = ["logit_exponent", "logit_normalise", "planned_units", "split"]


@kernel
def logit_exponent(unit_price: NDArray[np.float64], perf: NDArray[np.float64],
                   penalty: NDArray[np.float64], pull: NDArray[np.float64], has_penalty: bool,
                   has_pull: bool, floor: float, row: int, cost: NDArray[np.float64],
                   ported: NDArray[np.bool_], also: int, sensitivity: NDArray[np.float64]
                   ) -> NDArray[np.float64]:
    """The effective costs into ``cost``, then the logit's exponent ``-s (c / min c - 1)``,
    ``(V, n)``.

    The costs are ``max(unit_price / useful - pull, floor * unit_price)``, where ``useful =
    perf * (1 - min(penalty, 0.99))`` (just ``perf`` without ``has_penalty``) and ``pull`` is
    left out without ``has_pull`` (subtracting 0.0 changes no bits); every row is written
    when ``row`` is -1, row ``row`` only when it is 0 or more, none below -1 (``cost`` is
    given; the other cost arguments are then not read). The minimum is taken over the
    ported platforms (and platform ``also`` when it is 0 or more); ``c / min c`` is 1 on a
    path with no ported platform. Every entry is computed, ported or not, as numpy did.
    """
    v_count, n = cost.shape
    first, last = (0, v_count) if row == -1 else (row, row + 1) if row >= 0 else (0, 0)
    for i in range(first, last):
        for j in range(n):
            price = unit_price[i, j]
            useful = perf[i, j]
            if has_penalty:
                useful = useful * (1.0 - minimum(penalty[i, j], 0.99))
            c = price / useful
            if has_pull:
                c = c - pull[i, j]
            cost[i, j] = maximum(c, floor * price)
    cheapest = np.empty(n)
    for i in range(v_count):
        forced = i == also
        for j in range(n):
            c = cost[i, j] if (ported[i, j] or forced) else np.inf
            cheapest[j] = c if i == 0 else minimum(cheapest[j], c)
    out = np.empty((v_count, n))
    for i in range(v_count):
        for j in range(n):
            low = cheapest[j]
            rel = cost[i, j] / low if abs(low) < np.inf else 1.0
            out[i, j] = -sensitivity[j] * (rel - 1.0)
    return out


@kernel
def logit_normalise(weight: NDArray[np.float64], ported: NDArray[np.bool_], also: int) -> None:
    """In place: ``weight`` (the ``exp`` of `logit_exponent`) zeroed where not ported (nor
    ``also``), then divided by its sum over platforms; a path whose weights sum to 0 gets
    no shares at all."""
    v_count, n = weight.shape
    total = np.zeros(n)
    for i in range(v_count):
        forced = i == also
        for j in range(n):
            w = weight[i, j] if (ported[i, j] or forced) else 0.0
            weight[i, j] = w
            total[j] = total[j] + w
    for i in range(v_count):
        for j in range(n):
            t = total[j]
            weight[i, j] = weight[i, j] / t if t > 0 else 0.0


@kernel
def planned_units(shares: NDArray[np.float64], mix_price: NDArray[np.float64],
                  budget: NDArray[np.float64], shortfall: NDArray[np.float64],
                  live: NDArray[np.bool_], dust: float) -> NDArray[np.float64]:
    """Units planned at today's mix, ``(n,)``: ``snap(min(shortfall, budget / sum(shares *
    mix_price)))`` on the ``live`` paths, ``snap(min(shortfall, 0))`` on the others."""
    v_count, n = shares.shape
    per_unit = np.zeros(n)  # sum(shares * mix_price) over platforms, row 0 first, as numpy sums
    for i in range(v_count):
        for j in range(n):
            per_unit[j] = per_unit[j] + shares[i, j] * mix_price[i, j]
    out = np.empty(n)
    for j in range(per_unit.size):
        afford = budget[j] / per_unit[j] if live[j] else 0.0
        out[j] = snap1(minimum(shortfall[j], afford), dust)
    return out


@kernel
def split(shares: NDArray[np.float64], mix_price: NDArray[np.float64], perf: NDArray[np.float64],
          unit_price: NDArray[np.float64], ported: NDArray[np.bool_], room: NDArray[np.float64],
          capped: NDArray[np.bool_], budget: NDArray[np.float64], shortfall: NDArray[np.float64],
          live: NDArray[np.bool_], dust: float) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Capacity units to buy from each platform, ``(V, n)``, snapped to 0 below ``dust``,
    and whether the lab buys anything from each, ``(V,)``.

    The lab buys ``units = min(shortfall, budget / sum(shares * mix_price))`` useful units on
    the ``live`` paths, ``units * shares / perf`` from each platform; a ``capped`` platform
    ships at most its ``room``. If any path is left with unmet need, every path's unmet
    need goes once to its ported platforms with room left, by their shares, scaled down to
    the budget left (as the numpy version did, on every path or on none).
    """
    v_count, n = shares.shape
    per_unit = np.zeros(n)  # as in `planned_units` (written out: a compiled callee costs a compile)
    for i in range(v_count):
        for j in range(n):
            per_unit[j] = per_unit[j] + shares[i, j] * mix_price[i, j]
    units = np.empty(n)
    for j in range(n):
        pu = per_unit[j]
        units[j] = minimum(shortfall[j], budget[j] / pu if pu > 0 else 0.0) if live[j] else 0.0
    take = np.empty((v_count, n))
    unmet = np.zeros(n)
    for i in range(v_count):
        cap = capped[i]
        for j in range(n):
            want = units[j] * shares[i, j] / perf[i, j]
            got = minimum(want, room[i, j]) if cap else want
            take[i, j] = got
            unmet[j] = unmet[j] + (want - got) * perf[i, j]
    any_unmet = False
    for j in range(n):
        any_unmet |= unmet[j] != 0.0
    if any_unmet:  # once, to the platforms with room, by their shares, as cash allows
        total = np.zeros(n)
        for i in range(v_count):
            for j in range(n):
                open_ = ported[i, j] & (room[i, j] - take[i, j] > 0)
                total[j] = total[j] + (shares[i, j] if open_ else 0.0)
        extra = np.empty((v_count, n))
        cost = np.zeros(n)
        spent = np.zeros(n)
        for i in range(v_count):
            for j in range(n):
                open_ = ported[i, j] & (room[i, j] - take[i, j] > 0)
                t = total[j]
                e = (shares[i, j] if open_ else 0.0) / t if t > 0 else 0.0
                # the share of the unmet need first: total * perf can underflow to 0
                e = e * (unmet[j] / perf[i, j])
                e = minimum(e, room[i, j] - take[i, j])
                extra[i, j] = e
                cost[j] = cost[j] + e * unit_price[i, j]
                spent[j] = spent[j] + take[i, j] * unit_price[i, j]
        for j in range(n):
            left = maximum(budget[j] - spent[j], 0.0)
            c = cost[j]
            cost[j] = left / c if c > left else 1.0  # now the scale
        for i in range(v_count):
            for j in range(n):
                take[i, j] = take[i, j] + extra[i, j] * cost[j]
    buys = np.empty(v_count, dtype=np.bool_)  # not np.zeros: one compiled function less
    for i in range(v_count):
        any_bought = False
        for j in range(n):
            t = snap1(take[i, j], dust)
            take[i, j] = t
            any_bought |= t != 0.0
        buys[i] = any_bought
    return take, buys
