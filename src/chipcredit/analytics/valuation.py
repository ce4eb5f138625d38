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
    {0: "ok", 1: "no_sign_change", 2: "no_root_in_bracket", 3: "not_converged"}
)
_OK, _NO_SIGN_CHANGE, _NO_ROOT, _NOT_CONVERGED = 0, 1, 2, 3


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
        Effective annual discount rate(s), each > -1.
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
    if np.any(~(r > -1.0)):
        raise UsageError("annual_rate must be > -1")
    years = np.arange(n_times, dtype=np.float64) / 4.0
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
    df = discount_factors(annual_rate, c.shape[1])
    if df.ndim == 2 and df.shape[0] != c.shape[0]:
        raise UsageError(f"annual_rate has {df.shape[0]} paths, flows have {c.shape[0]}")
    return np.asarray(c @ df if df.ndim == 1 else np.einsum("pk,pk->p", c, df))


@dataclass(frozen=True)
class IrrResult:
    """Per-path IRR and why it is missing.

    Attributes
    ----------
    irr : ndarray, shape (n_paths,)
        Effective annual IRR; NaN where none was found.
    reason : ndarray of int8, shape (n_paths,)
        Code into ``REASONS``: 0 ok, 1 no_sign_change, 2 no_root_in_bracket, 3 not_converged.
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


def _sign_changes(c: FloatArray) -> NDArray[np.int64]:
    """Number of sign changes per row, zeros skipped."""
    s = np.sign(c)
    n = c.shape[1]
    idx = np.where(s != 0, np.arange(n), 0)
    np.maximum.accumulate(idx, axis=1, out=idx)
    filled = np.take_along_axis(s, idx, axis=1)  # last nonzero sign so far (0 before the first)
    return np.count_nonzero(filled[:, 1:] * filled[:, :-1] < 0, axis=1)


def _aligned(c: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Transposed copies (n_times, m) of the flows, shifted to start at row 0 / end at the last."""
    n = c.shape[1]
    nz = c != 0
    first = np.argmax(nz, axis=1)
    last = n - 1 - np.argmax(nz[:, ::-1], axis=1)
    cols = np.arange(n)
    left = np.take_along_axis(c, (cols + first[:, None]) % n, axis=1)
    right = np.take_along_axis(c, (cols + last[:, None] + 1) % n, axis=1)
    return np.ascontiguousarray(left.T), np.ascontiguousarray(right.T)


def _scaled_npv(left: FloatArray, right: FloatArray, q: FloatArray) -> FloatArray:
    """NPV at quarterly rate ``q`` divided by a positive scale, so that it cannot overflow.

    With ``x = 1/(1+q)`` and nonzero flows from quarter ``s`` to ``d``, this is ``NPV / x**s`` for
    ``q >= 0`` and ``NPV / x**d`` for ``q < 0`` (both continuous, equal at ``q = 0``, and with the
    sign and roots of the NPV), evaluated by Horner's scheme in ``x`` or in ``1 + q`` respectively.
    """
    n = left.shape[0]
    small = q >= 0.0
    z = np.where(small, 1.0 / (1.0 + q), 1.0 + q)
    p = np.where(small, left[n - 1], right[0])
    for j in range(1, n):
        p = p * z + np.where(small, left[n - 1 - j], right[j])
    return p


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
    3. Otherwise a vectorised bracketed search (Illinois regula falsi, with a bisection step when
       the bracket fails to halve twice running) narrows the bracket to width ``tol`` in ``q``.

    Multiple roots: when flows change sign more than once, several IRRs may exist. The result is
    the root the bracketed search converges to inside ``[lower, upper]``, and the path is flagged
    in ``multiple_sign_changes``; treat such IRRs with care.

    Parameters
    ----------
    flows : ndarray, shape (n_paths, n_times)
        Signed quarterly cash flows in $B, ``k = 0`` at the scenario start.
    lower, upper : float
        Effective annual bracket, ``-1 < lower < upper``.
    tol : float
        Bracket width in the quarterly rate at which a path counts as converged.
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
    n_paths = c.shape[0]
    q_out = np.full(n_paths, np.nan)
    reason = np.full(n_paths, _NO_SIGN_CHANGE, dtype=np.int8)
    changes = _sign_changes(c)
    multiple = changes > 1
    solve = np.flatnonzero(changes > 0)
    if solve.size == 0:
        return IrrResult(quarterly_to_effective_annual(q_out), reason, multiple)

    left, right = _aligned(c[solve])
    lq, uq = effective_to_quarterly(float(lower)), effective_to_quarterly(float(upper))
    lo, hi = np.full(solve.size, lq), np.full(solve.size, uq)
    with np.errstate(all="ignore"):
        flo, fhi = _scaled_npv(left, right, lo), _scaled_npv(left, right, hi)
    reason[solve] = np.where(flo * fhi > 0, _NO_ROOT, _NOT_CONVERGED)
    for f_end, q_end in ((flo, lq), (fhi, uq)):
        at_end = f_end == 0
        q_out[solve[at_end]] = q_end
        reason[solve[at_end]] = _OK
    keep = reason[solve] == _NOT_CONVERGED
    idx, left, right = solve[keep], left[:, keep], right[:, keep]
    lo, hi, flo, fhi = lo[keep], hi[keep], flo[keep], fhi[keep]
    wlo, whi = flo.copy(), fhi.copy()  # Illinois-weighted end values
    last = np.zeros(idx.size, dtype=np.int8)  # +1 lo moved last step, -1 hi moved, 0 bisection
    stall = np.zeros(idx.size, dtype=np.int8)

    with np.errstate(all="ignore"):
        for _ in range(max_iter):
            if idx.size == 0:
                break
            width = hi - lo
            rf = lo - wlo * width / (whi - wlo)
            bisect = (stall >= 2) | ~(rf > lo) | ~(rf < hi)
            x = np.where(bisect, 0.5 * (lo + hi), rf)
            fx = _scaled_npv(left, right, x)
            move_lo = np.sign(fx) == np.sign(flo)
            move_hi = ~move_lo
            # Illinois: an end kept twice running has its weight halved.
            wlo = np.where(move_lo, fx, np.where(~bisect & (last == -1), 0.5 * wlo, wlo))
            whi = np.where(move_hi, fx, np.where(~bisect & (last == 1), 0.5 * whi, whi))
            lo, flo = np.where(move_lo, x, lo), np.where(move_lo, fx, flo)
            hi, fhi = np.where(move_hi, x, hi), np.where(move_hi, fx, fhi)
            last = np.where(bisect, 0, np.where(move_lo, 1, -1)).astype(np.int8)
            stall = np.where(hi - lo > 0.5 * width, stall + 1, 0).astype(np.int8)
            done = (hi - lo <= tol) | (fx == 0)
            if np.any(done):
                q_out[idx[done]] = np.where(fx[done] == 0, x[done], 0.5 * (lo[done] + hi[done]))
                reason[idx[done]] = _OK
                open_ = ~done
                idx, left, right = idx[open_], left[:, open_], right[:, open_]
                lo, hi, flo, fhi = lo[open_], hi[open_], flo[open_], fhi[open_]
                wlo, whi, last, stall = wlo[open_], whi[open_], last[open_], stall[open_]
    return IrrResult(quarterly_to_effective_annual(q_out), reason, multiple)


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
        v = np.power(1.0 + i, -n)
        level = (p - b * v) * i / (1.0 - v)
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
