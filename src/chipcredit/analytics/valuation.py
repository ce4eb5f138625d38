"""Valuation of cash-flow arrays: discount factors, NPV, IRR, MOIC and annuities.

Free functions over arrays shaped ``(n_paths, n_times)``, in the style of QuantLib's
``CashFlows::npv`` / ``CashFlows::irr``. Element ``[p, k]`` is a party's signed cash flow in $B
(positive = received) on path ``p`` at ``k`` quarters after the scenario start (``k = 0`` is the
beginning of the first quarter). Nothing loops over paths in Python.

Conventions (DESIGN.md 2a): discount rates and IRRs are effective annual; a flow at quarter ``k``
is discounted by ``(1 + r) ** (-k / 4)``; IRR is solved per quarter and reported as
``(1 + q) ** 4 - 1``. Loan and lease rates are nominal annual compounded quarterly, so the
annuity helpers take the *quarterly* rate ``r / 4`` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chipcredit.errors import UsageError
from chipcredit.units import effective_to_quarterly, quarterly_to_effective_annual

FloatArray = NDArray[np.float64]

#: IRR status codes: 0 = solved; the others explain a NaN IRR.
REASONS: MappingProxyType[int, str] = MappingProxyType(
    {0: "ok", 1: "no_sign_change", 2: "no_root_in_bracket", 3: "not_converged",
     4: "above_bracket", 5: "below_bracket"}
)
_OK, _NO_SIGN_CHANGE, _NO_ROOT, _NOT_CONVERGED, _ABOVE, _BELOW = 0, 1, 2, 3, 4, 5


def _as_flows(flows: ArrayLike) -> FloatArray:
    arr = np.asarray(flows, dtype=np.float64)
    if arr.ndim != 2:
        raise UsageError(f"flows must be 2-D (n_paths, n_times), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise UsageError("flows must be finite (no NaN or inf)")
    return arr


def discount_factors(annual_rate: float | ArrayLike, n_times: int) -> FloatArray:
    """Discount factors ``(1 + r) ** (-k / 4)`` for ``k = 0 .. n_times - 1`` quarters.

    Parameters
    ----------
    annual_rate : float or ndarray, shape (n_paths,)
        Effective annual discount rate(s), each > -1; a NaN rate gives NaN factors.
    n_times : int
        Number of quarterly dates, ``n_times >= 0``.

    Returns
    -------
    ndarray, shape (n_times,) for a scalar rate, or (n_paths, n_times) for a rate array.
    """
    r = np.asarray(annual_rate, dtype=np.float64)
    if r.ndim > 1:
        raise UsageError(f"annual_rate must be a scalar or 1-D (n_paths,), got shape {r.shape}")
    if n_times < 0:
        raise UsageError(f"n_times must be >= 0, got {n_times}")
    if np.any(r <= -1.0):
        raise UsageError("annual_rate must be > -1")
    years = np.arange(n_times, dtype=np.float64) / 4.0
    if r.ndim == 1 and r.size > 1:
        # paths often share a rate: raise each distinct rate once, then copy rows
        rates, row = np.unique(r, return_inverse=True)
        if rates.size <= r.size // 2:
            return np.asarray(np.power(1.0 + rates[:, None], -years)[row.ravel()])
    base = 1.0 + (r[:, None] if r.ndim == 1 else r)
    return np.asarray(np.power(base, -years), dtype=np.float64)


def npv(flows: ArrayLike, annual_rate: float | ArrayLike) -> FloatArray:
    """Net present value at the scenario start of each path's flows, in $B.

    Parameters
    ----------
    flows : ndarray, shape (n_paths, n_times)
        Signed quarterly cash flows in $B.
    annual_rate : float or ndarray, shape (n_paths,)
        Effective annual discount rate, one for all paths or one per path.

    Returns
    -------
    ndarray, shape (n_paths,)
    """
    c = _as_flows(flows)
    r = np.asarray(annual_rate, dtype=np.float64)
    if r.ndim == 1 and r.shape[0] == c.shape[0] and r.size and np.all(r == r[0]):
        # one rate on every path: the same sums as below, without a row of factors per path
        return np.asarray((c * discount_factors(r[0], c.shape[1])).sum(axis=1))
    df = discount_factors(annual_rate, c.shape[1])
    if df.ndim == 2 and df.shape[0] != c.shape[0]:
        raise UsageError(f"annual_rate has {df.shape[0]} paths, flows have {c.shape[0]}")
    # an elementwise product summed per row, not ``@``: BLAS rounds a row differently
    # depending on the rows around it, and a path's NPV must not depend on its chunk
    return np.asarray((c * df).sum(axis=1))


@dataclass(frozen=True)
class IrrResult:
    """Per-path IRR and why it is missing.

    Attributes
    ----------
    irr : ndarray, shape (n_paths,)
        Effective annual IRR; NaN where none was found.
    reason : ndarray of int8, shape (n_paths,)
        Code into ``REASONS``: 0 ok, 1 no_sign_change, 2 no_root_in_bracket, 3 not_converged,
        4 above_bracket, 5 below_bracket.
    multiple_sign_changes : ndarray of bool, shape (n_paths,)
        The flows change sign more than once, so (Descartes) several IRRs may exist.
    """

    REASONS: ClassVar[MappingProxyType[int, str]] = REASONS

    irr: FloatArray
    reason: NDArray[np.int8]
    multiple_sign_changes: NDArray[np.bool_]

    def counts(self) -> dict[str, int]:
        """Number of paths for each NaN reason (every reason except ``ok``), by name."""
        return {
            name: int(np.count_nonzero(self.reason == code))
            for code, name in REASONS.items()
            if code != _OK
        }


def _sign_change_class(c: FloatArray) -> NDArray[np.int8]:
    """Per row: 0 if the flows never change sign (zeros skipped), 1 if once, 2 if more than once."""
    m, n = c.shape
    if n == 0:
        return np.zeros(m, dtype=np.int8)
    pos, neg = c > 0, c < 0
    first_pos, first_neg = np.argmax(pos, axis=1), np.argmax(neg, axis=1)
    rows = np.arange(m)
    has_pos, has_neg = pos[rows, first_pos], neg[rows, first_neg]  # argmax finds a True if any
    last_pos = n - 1 - np.argmax(pos[:, ::-1], axis=1)
    last_neg = n - 1 - np.argmax(neg[:, ::-1], axis=1)
    once = (last_neg < first_pos) | (last_pos < first_neg)  # one block of each sign
    return np.where(has_pos & has_neg, np.where(once, 1, 2), 0).astype(np.int8)


def _shift_t(src: FloatArray, shift: NDArray[np.intp]) -> FloatArray:
    """Transposed (n_times, m) copy, ``out[j, p] = src[p, j - shift[p]]``, zero where undefined."""
    m, n = src.shape
    out = np.zeros((n, m))
    src_t = src.T
    shifts = np.unique(shift)
    if shifts.size == 1:
        out[shifts[0] :] = src_t[: n - shifts[0]]
        return out
    for s in shifts:  # loops over distinct shifts (at most n_times), never over paths
        cols = np.flatnonzero(shift == s)
        out[s:, cols] = src_t[: n - s, cols]
    return out


def _coefficients(c: FloatArray, side_pos: bool) -> FloatArray:
    """Horner coefficients (n_times, m), highest degree first, of the scaled NPV on one side.

    With ``x = 1/(1+q)`` and a path's nonzero flows running from quarter ``s`` to ``d``, the scaled
    NPV is ``NPV / x**s`` (a polynomial in ``x``) for ``q >= 0`` and ``NPV * (1+q)**d`` (a
    polynomial in ``1+q``) for ``q < 0``. Each has the sign and roots of the NPV, both equal
    ``sum c_k`` at ``q = 0``, and both stay within ``sum |c_k|``, so nothing overflows.
    """
    nz = c != 0
    if side_pos:
        return _shift_t(c[:, ::-1], np.argmax(nz, axis=1))
    return _shift_t(c, np.argmax(nz[:, ::-1], axis=1))


def _scaled_npv(coef: FloatArray, q: FloatArray | float, side_pos: bool) -> FloatArray:
    """Scaled NPV (see ``_coefficients``) at ``q`` (per path, or one rate for all), by Horner."""
    z = 1.0 / (1.0 + q) if side_pos else 1.0 + q
    p = coef[0].copy()
    for row in coef[1:]:
        p *= z
        p += row
    return p


def _scaled_npv_d(coef: FloatArray, q: FloatArray, side_pos: bool) -> tuple[FloatArray, FloatArray]:
    """Scaled NPV at ``q`` and its derivative in ``q``, by Horner's scheme."""
    z = 1.0 / (1.0 + q) if side_pos else 1.0 + q
    p, dp = coef[0].copy(), np.zeros_like(q)
    for row in coef[1:]:
        dp *= z
        dp += p
        p *= z
        p += row
    if side_pos:
        dp *= -(z * z)  # d/dq = d/dz * dz/dq with z = 1/(1+q)
    return p, dp


def irr(
    flows: ArrayLike,
    *,
    lower: float = -0.99,
    upper: float = 10.0,
    tol: float = 1e-12,
    max_iter: int = 200,
) -> IrrResult:
    """Internal rate of return of each path, effective annual.

    Solves ``sum_k c_k (1 + q) ** -k = 0`` for the quarterly rate ``q`` and reports
    ``(1 + q) ** 4 - 1``. Paths are handled in order:

    1. No sign change (all flows >= 0, all <= 0, or all zero): NaN, reason ``no_sign_change``;
       nothing is solved.
    2. The NPV has the same sign at the quarterly equivalents of ``lower`` and ``upper``: NaN,
       reason ``no_root_in_bracket`` (the root lies outside, or an even number lie inside).
    3. Otherwise the bracket is split at ``q = 0`` (when it straddles it), the half whose ends
       differ in sign is kept, and a vectorised safeguarded Newton search (a bisection step
       whenever Newton would leave the bracket or converge too slowly) runs on all such paths at
       once until its step is below ``tol``.

    Multiple roots: when flows change sign more than once, several IRRs may exist. The result is
    the root that this bracketed search converges to inside ``[lower, upper]`` (one exists, since
    the ends differ in sign), and the path is flagged in ``multiple_sign_changes``; treat such
    IRRs with care. With an even number of roots in the bracket the ends agree in sign, and the
    path gets reason ``no_root_in_bracket``.

    Parameters
    ----------
    flows : ndarray, shape (n_paths, n_times)
        Signed quarterly cash flows in $B, ``k = 0`` at the scenario start.
    lower, upper : float
        Effective annual bracket, ``-1 < lower < upper``.
    tol : float
        Absolute accuracy in the quarterly rate: a path is done when its step is below ``tol``.
    max_iter : int
        Iteration cap; paths still open after it get NaN, reason ``not_converged``.

    Returns
    -------
    IrrResult with arrays of shape (n_paths,).
    """
    c = _as_flows(flows)
    if not -1.0 < lower < upper:
        raise UsageError(f"need -1 < lower < upper, got lower={lower}, upper={upper}")
    if not tol > 0:
        raise UsageError(f"tol must be > 0, got {tol}")
    if max_iter < 1:
        raise UsageError(f"max_iter must be >= 1, got {max_iter}")
    n_paths = c.shape[0]
    q_out = np.full(n_paths, np.nan)
    reason = np.full(n_paths, _NO_SIGN_CHANGE, dtype=np.int8)
    changes = _sign_change_class(c)
    multiple = changes > 1
    solve = np.flatnonzero(changes > 0)
    if solve.size:
        cs = np.ascontiguousarray(c if solve.size == n_paths else c[solve])
        # each row's IRR depends on that row alone, so identical rows (a loan that is repaid
        # on schedule on most paths) are solved once
        rows, group = _distinct_rows(cs)
        if rows is None:
            q_out[solve], reason[solve] = _solve(cs, lower, upper, tol, max_iter)
        else:
            q_u, reason_u = _solve(cs[rows], lower, upper, tol, max_iter)
            q_out[solve], reason[solve] = q_u[group], reason_u[group]
    _outside(c, changes, reason, lower, upper)
    return IrrResult(quarterly_to_effective_annual(q_out), reason, multiple)


def _outside(c: FloatArray, changes: NDArray[np.int8], reason: NDArray[np.int8],
             lower: float, upper: float) -> None:
    """Name the side of a missing IRR that exists outside the bracket, in place.

    Flows that change sign once have exactly one IRR, and their NPV keeps the sign of the
    last nonzero flow at rates below it and of the first above it. So where the NPV at
    ``upper`` still has the last flow's sign the IRR lies above ``upper`` (a warrant bought
    for a cent: ``above_bracket``), and where the NPV at ``lower`` has the first flow's sign
    it lies below ``lower`` (``below_bracket``).
    """
    rows = np.flatnonzero((reason == _NO_ROOT) & (changes == 1))
    if not rows.size:
        return
    flows = c[rows]
    nonzero = flows != 0
    first = np.sign(flows[np.arange(rows.size), nonzero.argmax(axis=1)])
    last = np.sign(flows[np.arange(rows.size), flows.shape[1] - 1 - nonzero[:, ::-1].argmax(axis=1)])
    k = np.arange(flows.shape[1])
    with np.errstate(all="ignore"):
        at_upper = flows @ (1.0 + effective_to_quarterly(float(upper))) ** -k
        at_lower = flows @ (1.0 + effective_to_quarterly(float(lower))) ** -k
    reason[rows[np.sign(at_upper) == last]] = _ABOVE
    reason[rows[np.sign(at_lower) == first]] = _BELOW


_ROW_HASH = np.random.default_rng(20251001).integers(1, 2**63, size=4096, dtype=np.uint64) | 1
"""Fixed odd multipliers for hashing rows of flows (their bit patterns)."""


def _distinct_rows(c: FloatArray) -> tuple[NDArray[np.intp] | None, NDArray[np.intp]]:
    """Rows of ``c`` that are bit-for-bit distinct, and for each row the position of its
    twin among them; ``(None, ...)`` when under a fifth of the rows repeat (not worth it)."""
    m, n = c.shape
    if m < 256 or n > _ROW_HASH.size:
        return None, np.arange(m)
    bits = c.view(np.uint64)
    mult = _ROW_HASH[:n]
    with np.errstate(over="ignore"):
        # first a sample of 128 evenly spaced rows: hashing every row only pays when rows repeat
        sample = (bits[:: m // 128][:128] * mult).sum(axis=1)  # wraps modulo 2**64
        if np.unique(sample).size > 0.8 * sample.size:
            return None, np.arange(m)
        h = (bits * mult).sum(axis=1)
    _, first, inverse = np.unique(h, return_index=True, return_inverse=True)
    twin = first[inverse.ravel()]
    # a hash collision between different rows: such a row stands for itself
    alone = ~(bits == bits[twin]).all(axis=1)
    twin[alone] = np.flatnonzero(alone)
    rows = np.unique(twin)
    if rows.size > 0.8 * m:
        return None, np.arange(m)
    return rows, np.searchsorted(rows, twin)


def _solve(
    c: FloatArray, lower: float, upper: float, tol: float, max_iter: int
) -> tuple[FloatArray, NDArray[np.int8]]:
    """Quarterly IRR and reason code for paths whose flows change sign."""
    m = c.shape[0]
    lq, uq = effective_to_quarterly(float(lower)), effective_to_quarterly(float(upper))
    coefs: dict[bool, FloatArray] = {}

    def coef(side_pos: bool) -> FloatArray:
        if side_pos not in coefs:
            coefs[side_pos] = _coefficients(c, side_pos)
        return coefs[side_pos]

    with np.errstate(all="ignore"):
        f_lo = _scaled_npv(coef(lq >= 0), lq, lq >= 0)  # z is the same for every path
        f_hi = _scaled_npv(coef(uq >= 0), uq, uq >= 0)
    f_zero = c.sum(axis=1)  # the scaled NPV at q = 0, on either side
    split = lq < 0 < uq
    q = np.full(m, np.nan)
    reason = np.full(m, _NOT_CONVERGED, dtype=np.int8)
    pending = (np.sign(f_lo) != np.sign(f_hi)) | (f_lo == 0)
    reason[~pending] = _NO_ROOT
    for q_pt, f_pt in [(lq, f_lo), (uq, f_hi)] + ([(0.0, f_zero)] if split else []):
        hit = pending & (f_pt == 0)  # a root exactly on a bracket point
        q[hit], reason[hit], pending = q_pt, _OK, pending & ~hit
    guess = _first_guess(c)
    halves = (
        [(lq, 0.0, f_lo, f_zero, False), (0.0, uq, f_zero, f_hi, True)]
        if split
        else [(lq, uq, f_lo, f_hi, lq >= 0)]
    )
    for a, b, fa, fb, side_pos in halves:
        sel = np.flatnonzero(pending & (np.sign(fa) != np.sign(fb)))
        if sel.size:
            cf = coef(side_pos) if sel.size == m else coef(side_pos)[:, sel]
            with np.errstate(all="ignore"):
                q_sel, ok = _newton(cf, a, b, fa[sel], fb[sel], guess[sel], side_pos, tol, max_iter)
            q[sel], reason[sel] = q_sel, np.where(ok, _OK, _NOT_CONVERGED)
    return q, reason


def _first_guess(c: FloatArray) -> FloatArray:
    """Quarterly rate with ``(1+q)**D = received / invested``, D the gap in mean flow timing."""
    t = np.arange(c.shape[1], dtype=np.float64)
    pos = np.maximum(c, 0.0)
    # einsum sums each row on its own; a matrix-vector product (BLAS) rounds a row
    # differently depending on the other rows in the batch, and the IRR of a path must not
    # depend on its chunk
    s_pos, t_pos = np.einsum("ij->i", pos), np.einsum("ij,j->i", pos, t)
    # the negative flows, as positive sums
    s_neg, t_neg = s_pos - np.einsum("ij->i", c), t_pos - np.einsum("ij,j->i", c, t)
    with np.errstate(all="ignore"):
        gap = t_pos / s_pos - t_neg / s_neg
        return np.asarray(np.power(s_pos / s_neg, 1.0 / gap) - 1.0)


def _newton(
    coef: FloatArray,
    a: float,
    b: float,
    fa: FloatArray,
    fb: FloatArray,
    x0: FloatArray,
    side_pos: bool,
    tol: float,
    max_iter: int,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Vectorised safeguarded Newton on ``[a, b]`` (the scaled NPV differs in sign at the ends).

    Each evaluation narrows the bracket. A Newton step that would leave the bracket, or that
    follows two steps in a row that failed to halve ``|f|``, becomes a bisection step. A path is
    done (after taking its last step) when its Newton step or its bracket is at most ``tol``, or
    it hits an exact zero; done paths are dropped from the work arrays in batches.
    """
    m = fa.size
    q_out, ok = np.full(m, np.nan), np.zeros(m, dtype=bool)
    idx = np.arange(m)
    xl, xh = np.where(fa < 0, a, b), np.where(fa < 0, b, a)  # scaled NPV < 0 at xl, > 0 at xh
    x = np.where((x0 > a) & (x0 < b), x0, a - fa * (b - a) / (fb - fa))  # else regula falsi
    f_prev = np.maximum(np.abs(fa), np.abs(fb))
    stall = np.zeros(m, dtype=np.int8)
    live = np.ones(m, dtype=bool)
    for _ in range(max_iter):
        f, df = _scaled_npv_d(coef, x, side_pos)
        neg = f < 0
        xl, xh = np.where(neg, x, xl), np.where(neg, xh, x)
        step = f / df
        newton = x - step
        abs_f = np.abs(f)
        stall = np.where(abs_f > 0.5 * f_prev, stall + 1, 0).astype(np.int8)
        f_prev = abs_f
        bad = ~((newton - xl) * (newton - xh) < 0) | (stall >= 2)
        stall[bad] = 0
        tiny = np.abs(step) <= tol  # converged, even if the step is below one ulp of x
        x_new = np.where(f == 0, x, np.where(bad & ~tiny, 0.5 * (xl + xh), newton))
        done = live & (tiny | (np.abs(x_new - x) <= tol) | (np.abs(xh - xl) <= tol))
        x = x_new
        if np.any(done):
            q_out[idx[done]], ok[idx[done]] = x[done], True
            live &= ~done
            n_live = np.count_nonzero(live)
            if n_live == 0:
                break
            if n_live <= 0.9 * live.size:
                idx, coef, x, xl, xh = idx[live], coef[:, live], x[live], xl[live], xh[live]
                f_prev, stall, live = f_prev[live], stall[live], np.ones(n_live, dtype=bool)
    return q_out, ok


def moic(flows: ArrayLike) -> FloatArray:
    """Multiple on invested capital: total received / total invested, per path.

    Parameters
    ----------
    flows : ndarray, shape (n_paths, n_times)
        Signed cash flows in $B.

    Returns
    -------
    ndarray, shape (n_paths,)
        ``sum(positive flows) / -sum(negative flows)``; NaN where nothing was invested.
    """
    c = _as_flows(flows)
    received = np.where(c > 0, c, 0.0).sum(axis=1)
    invested = -np.where(c < 0, c, 0.0).sum(axis=1)
    out = np.full(c.shape[0], np.nan)
    np.divide(received, invested, out=out, where=invested > 0)
    return out


def annuity_payment(
    principal: float | ArrayLike,
    quarterly_rate: float | ArrayLike,
    n_periods: int | ArrayLike,
    balloon: float | ArrayLike = 0.0,
) -> FloatArray:
    """Level payment per period, in arrears, amortising ``principal`` down to ``balloon``.

    ``P = (principal - balloon * (1+i)**-n) * i / (1 - (1+i)**-n)``, and
    ``(principal - balloon) / n`` where ``i == 0``. Inputs broadcast against each other.

    Parameters
    ----------
    principal : float or ndarray
        Amount lent at the start, $B.
    quarterly_rate : float or ndarray
        Rate per period ``i > -1`` (for a nominal annual rate ``r``, ``i = r / 4``).
    n_periods : int or ndarray
        Number of payments, >= 1.
    balloon : float or ndarray
        Balance left outstanding after the last payment, $B.

    Returns
    -------
    ndarray of the broadcast shape (0-d for scalar inputs).
    """
    p, i, n, b = (
        np.asarray(a, dtype=np.float64) for a in (principal, quarterly_rate, n_periods, balloon)
    )
    if np.any(~(i > -1.0)):
        raise UsageError("quarterly_rate must be > -1")
    if np.any(~(n >= 1)):
        raise UsageError("n_periods must be >= 1")
    with np.errstate(divide="ignore", invalid="ignore"):
        log_v = -n * np.log1p(i)  # v = (1+i)^-n, via log1p/expm1 so that tiny i stays exact
        level = (p - b * np.exp(log_v)) * (i / -np.expm1(log_v))  # ratio first: i may be tiny
    return np.asarray(np.where(i == 0.0, (p - b) / n, level), dtype=np.float64)


def amortisation_schedule(
    principal: float, quarterly_rate: float, n_periods: int, balloon: float = 0.0
) -> dict[str, FloatArray]:
    """Period-by-period schedule of a level-payment loan paid in arrears.

    Parameters
    ----------
    principal, quarterly_rate, n_periods, balloon : scalars
        As in ``annuity_payment``.

    Returns
    -------
    dict of ndarrays, each shape (n_periods,), for periods ``t = 1 .. n_periods``:
        ``payment`` (level), ``interest`` (rate times the balance at the start of the period),
        ``principal`` (payment minus interest) and ``balance`` (after the payment; the last one
        equals ``balloon`` up to rounding).
    """
    if int(n_periods) != n_periods or n_periods < 1:
        raise UsageError(f"n_periods must be a positive integer, got {n_periods}")
    i = float(quarterly_rate)
    pay = float(annuity_payment(principal, i, n_periods, balloon))
    t = np.arange(n_periods + 1, dtype=np.float64)
    if i == 0.0:
        balances = principal - pay * t
    else:
        g = np.power(1.0 + i, t)
        balances = principal * g - pay * (g - 1.0) / i
    interest = i * balances[:-1]
    return {
        "payment": np.full(int(n_periods), pay),
        "interest": interest,
        "principal": pay - interest,
        "balance": balances[1:],
    }
