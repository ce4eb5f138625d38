"""Tied money spent first: the provenance pass of a payment part of which a deal tied to it.

A vendor's investment in a lab that must be spent on the vendor's chips is spent first when
the lab pays for them, as far as the lab still holds it; only the rest of the payment takes
each origin's share of what the lab holds (`ledger_kernel.transfer`'s ``SHARE``).

This pass is plain numpy, not a compiled kernel: it runs only on the few payments with tied
money, and compiling it inside `ledger_kernel.transfer` cost every first run about 1.5 s
(issue 6's 20 s limit). It makes the same elementwise operations, in the same order per
path, as the compiled loop it replaces, so every tag has the same bits: ``min`` and ``max``
keep their first argument on ties, as numba's do (so a -0.0 stays -0.0).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["pass_on_first"]


def _max(a: NDArray[np.float64], b: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """``max(a, b)`` per path, ``a`` on ties (numba's and Python's rule)."""
    return np.where(b > a, b, a)


def _min(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    """``min(a, b)`` per path, ``a`` on ties."""
    return np.where(b < a, b, a)


def pass_on_first(tags: NDArray[np.float64], payer: int, payee: int,
                  vals: NDArray[np.float64], base: NDArray[np.float64],
                  where: NDArray[np.intp] | None, tiny: float, first: NDArray[np.float64],
                  back: NDArray[np.float64], sales: NDArray[np.float64], vendor: int,
                  sale: bool, pools: NDArray[np.float64], pool_out: int) -> None:
    """Move the tags of a payment of ``vals`` that spends tied money first.

    ``first[o, i]`` ($B, origins x paths, "other" last) of origin ``o``'s money is spent
    first, as far as the payer holds it and the payment reaches; the rest of the payment
    takes each origin's share ``min(rest / (base - taken), 1)`` of what is left (0 where
    that is at most ``tiny``), as ``SHARE`` takes it of ``base``. A path with no tied money
    moves the same bits as ``SHARE``.

    Parameters
    ----------
    tags : (traced, vendors, n) $B of each vendor's money per traced account, changed in place
    payer, payee : the traced rows of the payer and the payee (``payee`` -1: untraced, so
        the ``vendor`` part comes back: added to ``back`` and, for a ``sale``, to
        ``sales[vendor]``)
    vals : (m,) $B the payment on each path that moves (already checked finite and >= -TOL)
    base : (m,) $B the payer's balance (or its pool) on those paths before the payment
    where : (m,) the paths that move, sorted and distinct; None: every path (m = n)
    first : (vendors + 1, n) $B of each origin's money the deal tied to the payment
    pools : (funded traced, n) $B each funded account holds unspent; ``pool_out``: the
        payer's row (-1: none), from which what is spent leaves
    """
    at: slice | NDArray[np.intp] = slice(None) if where is None else where
    n_vendors = tags.shape[1]
    own = tags[payer][:, at]  # (vendors, m), a copy when ``where`` is given
    held = own[0].copy() if n_vendors else np.zeros(vals.shape)
    for v in range(1, n_vendors):
        held += own[v]
    rest = vals.copy()
    taken = np.zeros(vals.shape)
    taken_by = np.zeros((n_vendors + 1, *vals.shape))
    tied = first[:, at]
    for o in range(n_vendors + 1):
        t = tied[o]
        have = own[o] if o < n_vendors else base - held
        spend = (t > 0.0) & (rest > 0.0)
        f = np.where(spend, _min(_min(t, rest), _max(have, 0.0)), 0.0)
        rest = np.where(spend, rest - f, rest)
        taken = np.where(spend, taken + f, taken)
        taken_by[o] = f
    left = base - taken
    frac = np.zeros(vals.shape)
    np.divide(rest, left, out=frac, where=left > tiny)
    frac = np.where(frac > 1.0, 1.0, frac)
    for v in range(n_vendors):
        h = own[v] - taken_by[v]
        part = h * frac
        tags[payer, v, at] = h - part
        moved = taken_by[v] + part
        if payee >= 0:
            tags[payee, v, at] += moved
        elif v == vendor:
            back[at] += moved
            if sale:
                sales[v, at] += moved
    if pool_out >= 0:
        p = pools[pool_out, at] - taken
        pools[pool_out, at] = p - p * frac
