"""The per-path IRR search, compiled: sign changes, bracket and safeguarded Newton, one path
at a time (see `chipcredit.analytics.valuation.irr` for the method and its contract).

Each path's flows are solved on their own, so a path's IRR cannot depend on the paths
around it, and a path stops iterating as soon as it has converged. Flows are
``(m, n_times)`` $B arrays, ``k = 0`` at the scenario start; rates are quarterly.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from chipcredit.engine.sum_kernel import pairwise_sum
from chipcredit.jit import kernel

__all__ = ["NOT_CONVERGED", "NO_ROOT", "OK", "row_facts", "sign_change_class", "solve_rows"]

OK, NO_ROOT, NOT_CONVERGED = 0, 2, 3
"""Reason codes (the same numbers as `valuation.REASONS`)."""


@kernel
def sign_change_class(c: NDArray[np.float64]) -> NDArray[np.int8]:
    """Per row ``(m,)``: 0 if the flows never change sign (zeros skipped), 1 if once, 2 if
    more than once."""
    m, n = c.shape
    out = np.empty(m, dtype=np.int8)  # every row is written below
    for p in range(m):
        last = 0.0
        changes = 0
        for k in range(n):
            v = c[p, k]
            if v == 0.0:
                continue
            s = 1.0 if v > 0.0 else -1.0
            if last != 0.0 and s != last:
                changes += 1
                if changes > 1:
                    break
            last = s
        out[p] = min(changes, 2)
    return out


@kernel
def row_facts(c: NDArray[np.float64]) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """`sign_change_class` of each row of ``c`` ``(m, t)``, ``t <= MAX_PAIRWISE``, and the
    row's sum with the bits of ``c.sum(axis=1)`` (numpy's pairwise sum from 0.0; inf or NaN
    as numpy gives them), in one call: what `irr` reads of every row before it solves."""
    m, t = c.shape
    sums = np.empty(m)
    for p in range(m):
        sums[p] = 0.0 + pairwise_sum(c[p], t)
    return sign_change_class(c), sums


@kernel
def _sgn(x: float) -> float:
    """np.sign for one float: NaN stays NaN, so that it differs from every sign."""
    if x > 0.0:
        return 1.0
    if x < 0.0:
        return -1.0
    if x == 0.0:
        return 0.0
    return math.nan


@kernel
def _scaled(c: NDArray[np.float64], p: int, first: int, last: int, q: float,
            side_pos: bool) -> tuple[float, float]:
    """Scaled NPV of row ``p`` at quarterly rate ``q`` and its derivative in ``q``, by
    Horner's scheme: ``NPV / x**first`` in ``x = 1/(1+q)`` when ``side_pos``, else
    ``NPV * (1+q)**last`` in ``1+q`` (``first``/``last``: the row's first and last nonzero
    quarters). Both keep the sign and roots of the NPV and never overflow.

    Only quarters ``first`` to ``last`` are visited: the zeros outside would leave ``f``
    and ``d`` at +0.0 (``z`` is finite and positive for ``q > -1``), so the bits are those
    of the loop over the whole row."""
    f = 0.0
    d = 0.0
    if side_pos:
        z = 1.0 / (1.0 + q)
        for k in range(last, first - 1, -1):
            d = d * z + f
            f = f * z + c[p, k]
        d *= -(z * z)  # d/dq = d/dz * dz/dq with z = 1/(1+q)
    else:
        z = 1.0 + q
        for k in range(first, last + 1):
            d = d * z + f
            f = f * z + c[p, k]
    return f, d


@kernel
def _newton(c: NDArray[np.float64], p: int, first: int, last: int, a: float, b: float,
            fa: float, fb: float, x0: float, side_pos: bool, tol: float,
            max_iter: int) -> tuple[float, bool]:
    """Safeguarded Newton on ``[a, b]``, where the scaled NPV differs in sign at the ends.

    Each evaluation narrows the bracket. A Newton step that would leave the bracket, or
    that follows two steps in a row that failed to halve ``|f|``, becomes a bisection step.
    Done (after taking its last step) when the Newton step or the bracket is at most
    ``tol``, or at an exact zero.
    """
    xl, xh = (a, b) if fa < 0 else (b, a)  # scaled NPV < 0 at xl, > 0 at xh
    x = x0 if (x0 > a and x0 < b) else a - fa * (b - a) / (fb - fa)  # else regula falsi
    f_prev = max(abs(fa), abs(fb))
    stall = 0
    for _ in range(max_iter):
        f, df = _scaled(c, p, first, last, x, side_pos)
        if f < 0:
            xl = x
        else:
            xh = x
        step = f / df
        newton = x - step
        abs_f = abs(f)
        stall = stall + 1 if abs_f > 0.5 * f_prev else 0
        f_prev = abs_f
        bad = not ((newton - xl) * (newton - xh) < 0) or stall >= 2
        if bad:
            stall = 0
        tiny = abs(step) <= tol  # converged, even if the step is below one ulp of x
        if f == 0:
            x_new = x
        elif bad and not tiny:
            x_new = 0.5 * (xl + xh)
        else:
            x_new = newton
        done = tiny or abs(x_new - x) <= tol or abs(xh - xl) <= tol
        x = x_new
        if done:
            return x, True
    return math.nan, False


@kernel
def solve_rows(c: NDArray[np.float64], f_zero: NDArray[np.float64], guess: NDArray[np.float64],
               lq: float, uq: float, tol: float,
               max_iter: int) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Quarterly IRR and reason code ``(m,)`` for rows whose flows change sign.

    ``f_zero`` is each row's plain sum (the scaled NPV at ``q = 0`` on either side) and
    ``guess`` a first guess of the quarterly rate per row; both ``(m,)``.
    """
    m, n = c.shape
    # np.empty and a start per row, not np.full: np.full would be one more compiled function
    # per dtype, and np.empty(m, dtype=np.int8) is compiled for `sign_change_class` anyway
    q_out = np.empty(m)
    reason = np.empty(m, dtype=np.int8)
    split = lq < 0.0 < uq
    for p in range(m):
        q_out[p], reason[p] = np.nan, NOT_CONVERGED
        first, last = n, -1
        for k in range(n):
            if c[p, k] != 0.0:
                if first == n:
                    first = k
                last = k
        if last < 0:
            first = 0
            last = n - 1
        f_lo = _scaled(c, p, first, last, lq, lq >= 0.0)[0]
        f_hi = _scaled(c, p, first, last, uq, uq >= 0.0)[0]
        fz = f_zero[p]
        pending = _sgn(f_lo) != _sgn(f_hi) or f_lo == 0.0
        if not pending:
            reason[p] = NO_ROOT
            continue
        if f_lo == 0.0:  # a root exactly on a bracket point
            q_out[p], reason[p] = lq, OK
            continue
        if f_hi == 0.0:
            q_out[p], reason[p] = uq, OK
            continue
        if split and fz == 0.0:
            q_out[p], reason[p] = 0.0, OK
            continue
        # with the bracket split at q = 0, the half whose ends differ in sign; the same
        # order as before the split, so the later half wins in the NaN case
        for half in range(2 if split else 1):
            if split:
                a, b = (lq, 0.0) if half == 0 else (0.0, uq)
                fa, fb = (f_lo, fz) if half == 0 else (fz, f_hi)
                side_pos = half == 1
            else:
                a, b, fa, fb, side_pos = lq, uq, f_lo, f_hi, lq >= 0.0
            if _sgn(fa) != _sgn(fb):
                x, ok = _newton(c, p, first, last, a, b, fa, fb, guess[p], side_pos, tol, max_iter)
                q_out[p] = x
                reason[p] = OK if ok else NOT_CONVERGED
    return q_out, reason
