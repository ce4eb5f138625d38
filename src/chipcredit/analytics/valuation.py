"""Valuation of cash-flow arrays: discount factors, NPV, IRR, MOIC and annuities.

Free functions over arrays shaped ``(n_paths, n_times)``, in the style of QuantLib's
``CashFlows::npv`` / ``CashFlows::irr``. Element ``[p, k]`` is a party's signed cash flow in $B
(positive = received) on path ``p`` at ``k`` quarters after the scenario start (``k = 0`` is the
beginning of the first quarter). Nothing loops over paths in Python.

Conventions (docs/design.md 2a): discount rates and IRRs are effective annual; a flow at quarter ``k``
is discounted by ``(1 + r) ** (-k / 4)``; IRR is solved per quarter and reported as
``(1 + q) ** 4 - 1``. Loan and lease rates are nominal annual compounded quarterly, so the
annuity helpers take the *quarterly* rate ``r / 4`` directly.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from chipcredit.engine.sum_kernel import MAX_PAIRWISE
from chipcredit.errors import UsageError
from chipcredit.units import effective_to_quarterly, quarterly_to_effective_annual

from .irr_kernel import row_facts, sign_change_class, solve_rows

FloatArray = NDArray[np.float64]

#: IRR status codes: 0 = solved; the others explain a NaN IRR.
REASONS: MappingProxyType[int, str] = MappingProxyType(
    {0: "ok", 1: "no_sign_change", 2: "no_root_in_bracket", 3: "not_converged",
     4: "above_bracket", 5: "below_bracket"}
)
_OK, _NO_SIGN_CHANGE, _NO_ROOT, _NOT_CONVERGED, _ABOVE, _BELOW = 0, 1, 2, 3, 4, 5
IRR_BRACKET = (-0.99, 10.0)
"""The effective annual rates `irr` searches between by default (-99% to +1000% a year)."""


def _first(values: FloatArray, bad: NDArray[np.bool_], count: bool = False) -> str:
    """The first bad value, for a one-line error (a count that is whole without ``.0``)."""
    shown = float(values if values.ndim == 0 else values[bad].ravel()[0])
    return repr(int(shown)) if count and shown.is_integer() else repr(shown)


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
    if isinstance(n_times, bool) or not isinstance(n_times, numbers.Integral) or n_times < 0:
        raise UsageError(f"n_times must be a whole number >= 0; got {n_times!r}")
    if np.any(r <= -1.0):
        raise UsageError(f"annual_rate must be > -1; got {_first(r, r <= -1.0)}")
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
    # an elementwise product summed per row, not ``@``: BLAS rounds a row differently
    # depending on the rows around it, and a path's NPV must not depend on its chunk
    return np.asarray((c * npv_factors(c.shape, annual_rate)).sum(axis=1))


def npv_factors(shape: tuple[int, ...], annual_rate: float | ArrayLike) -> FloatArray:
    """The discount factors `npv` multiplies flows of ``shape`` ``(n_paths, n_times)`` by:
    ``(n_times,)`` when every path has the same rate, else ``(n_paths, n_times)``."""
    r = np.asarray(annual_rate, dtype=np.float64)
    if r.ndim == 1 and r.shape[0] == shape[0] and r.size and np.all(r == r[0]):
        # one rate on every path: the same products, without a row of factors per path
        return discount_factors(r[0], shape[1])
    df = discount_factors(annual_rate, shape[1])
    if df.ndim == 2 and df.shape[0] != shape[0]:
        raise UsageError(f"annual_rate has {df.shape[0]} paths, flows have {shape[0]}")
    return df


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


def irr(
    flows: ArrayLike,
    *,
    lower: float = IRR_BRACKET[0],
    upper: float = IRR_BRACKET[1],
    tol: float = 1e-12,
    max_iter: int = 200,
) -> IrrResult:
    """Internal rate of return of each path, effective annual.

    Solves ``sum_k c_k (1 + q) ** -k = 0`` for the quarterly rate ``q`` and reports
    ``(1 + q) ** 4 - 1``. Paths are handled in order:

    1. No sign change: nothing is solved, and the IRR is NaN. Flows that only go out (all
       <= 0, at least one < 0: a stake written off and marked at 0) get reason
       ``below_bracket``: nothing comes back on the money put in, a return of -100% by
       definition (as its MOIC is 0). Flows that only come in, or are all zero, get ``no_sign_change``.
    2. The NPV has the same sign at the quarterly equivalents of ``lower`` and ``upper``: NaN,
       reason ``above_bracket`` or ``below_bracket`` where an IRR provably lies on that side
       of the bracket (see `_outside`), else ``no_root_in_bracket`` (roots on both sides, or
       an even number inside).
    3. Otherwise the bracket is split at ``q = 0`` (when it straddles it), the half whose ends
       differ in sign is kept, and a safeguarded Newton search (a bisection step whenever
       Newton would leave the bracket or converge too slowly) runs until its step is below
       ``tol``: a compiled loop, one path at a time (`chipcredit.analytics.irr_kernel`).

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
    if c.flags.c_contiguous and c.shape[1] <= MAX_PAIRWISE:
        changes, sums = row_facts(c)  # one compiled call; each row summed as numpy sums it
    else:
        changes = sign_change_class(c)
        with np.errstate(over="ignore", invalid="ignore"):  # C-ordered: summed row by row
            sums = np.ascontiguousarray(c).sum(axis=1)
    multiple = changes > 1
    solve = np.flatnonzero(changes > 0)
    if solve.size:
        every = solve.size == n_paths
        cs = np.ascontiguousarray(c if every else c[solve])
        f_zero = sums if every else sums[solve]  # a row's sum depends on that row alone
        # each row's IRR depends on that row alone, so identical rows (a loan that is repaid
        # on schedule on most paths) are solved once
        rows, group = _distinct_rows(cs)
        if rows is None:
            q_out[solve], reason[solve] = _solve(cs, f_zero, lower, upper, tol, max_iter)
        else:
            q_u, reason_u = _solve(np.ascontiguousarray(cs[rows]), f_zero[rows], lower, upper,
                                   tol, max_iter)
            q_out[solve], reason[solve] = q_u[group], reason_u[group]
    _outside(c, changes, reason, lower, upper)
    # flows that only go out (a stake written off, marked at 0) return nothing on the money
    # put in: an IRR of -100% by definition, below every bracket, not a missing answer
    reason[_only_out(sums, changes)] = _BELOW
    return IrrResult(quarterly_to_effective_annual(q_out), reason, multiple)


def _only_out(sums: FloatArray, changes: NDArray[np.int8]) -> NDArray[np.bool_]:
    """Per row ``(m,)``: the flows only go out (all <= 0, at least one < 0, none NaN), from
    each row's sum ``sums`` ``(m,)`` (``c.sum(axis=1)``) and `sign_change_class`.

    Among rows with no sign change (``changes == 0``; `sign_change_class` skips zeros and
    counts NaN as negative) that is the same as a row sum below 0: the nonzero flows share
    one sign, and a sum of flows <= 0 is below 0 exactly when one of them is (rounding
    never carries a negative sum to 0), while a NaN makes the sum NaN. One sum over the
    row is a third of the time of its minimum and maximum (numpy reduces a short row
    slowly), and this runs for every deal and party.
    """
    return np.asarray((changes == 0) & (sums < 0.0))  # a sum overflowed to -inf is < 0 too


def _outside(c: FloatArray, changes: NDArray[np.int8], reason: NDArray[np.int8],
             lower: float, upper: float) -> None:
    """Name the side of a missing IRR that exists outside the bracket, in place.

    As the rate grows without bound the NPV takes the sign of the first nonzero flow, and as
    it falls towards -100% the sign of the last. So where the NPV at ``upper`` has the
    opposite sign to the first flow, an IRR lies above ``upper`` (a warrant bought for a
    cent and sold for billions: ``above_bracket``), and where the NPV at ``lower`` has the
    opposite sign to the last flow, one lies below ``lower`` (``below_bracket``). With one
    sign change that IRR is the only one. With several, a side is named only when the
    first and last flows differ in sign (then at most one side qualifies); otherwise the
    path keeps ``no_root_in_bracket``.
    """
    rows = np.flatnonzero((reason == _NO_ROOT) & (changes >= 1))
    if not rows.size:
        return
    flows = c[rows]
    nonzero = flows != 0
    first = np.sign(flows[np.arange(rows.size), nonzero.argmax(axis=1)])
    last = np.sign(flows[np.arange(rows.size), flows.shape[1] - 1 - nonzero[:, ::-1].argmax(axis=1)])
    k = np.arange(flows.shape[1])
    with np.errstate(all="ignore"):  # summed per row, not ``@``: see `npv`
        at_upper = (flows * (1.0 + effective_to_quarterly(float(upper))) ** -k).sum(axis=1)
        at_lower = (flows * (1.0 + effective_to_quarterly(float(lower))) ** -k).sum(axis=1)
    above = np.sign(at_upper) == -first
    below = np.sign(at_lower) == -last
    reason[rows[above & ~below]] = _ABOVE
    reason[rows[below & ~above]] = _BELOW


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
    c: FloatArray, f_zero: FloatArray, lower: float, upper: float, tol: float, max_iter: int
) -> tuple[FloatArray, NDArray[np.int8]]:
    """Quarterly IRR and reason code for paths whose flows change sign (C-ordered ``c``);
    ``f_zero`` is each row's ``c.sum(axis=1)``, the scaled NPV at q = 0 on either side."""
    lq, uq = effective_to_quarterly(float(lower)), effective_to_quarterly(float(upper))
    return solve_rows(c, f_zero, _first_guess(c), lq, uq, tol, max_iter)


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
        raise UsageError(f"quarterly_rate must be > -1; got {_first(i, ~(i > -1.0))}")
    if np.any(~(n >= 1)):
        raise UsageError(f"n_periods must be >= 1; got {_first(n, ~(n >= 1), count=True)}")
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
