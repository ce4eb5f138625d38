"""The ledger's hot loops, compiled: finding the few paths a transfer touches, booking a
transfer in one pass, and the end-of-quarter invariant checks.

A transfer used to be a dozen numpy passes over the chunk's paths (the check's ``min`` and
``max``, both balances, the quarter's flow row, the deal's cash-flow rows, and provenance's
share, its parts and both tags), or as many fancy-indexed gathers and scatters on the few
paths of a sparse one. `transfer` does all of it in one call: for a dense transfer, one
simple loop per array (each vectorises; a single loop with the branches inside did not),
for a sparse one, one loop over its few paths.

Every value is computed with the same elementwise operations, in the same order per path, as
the numpy passes it replaces (``+ - * /``, comparisons and ``min``), so every balance, flow
and tag has the same bits; no sum over paths is taken here (the per-block flow sums stay in
numpy, whose pairwise sums these loops would not reproduce). Amounts are $B per path.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from chipcredit.jit import kernel

__all__ = ["NO_TAGS", "ORIGIN", "SHARE", "nonzero_paths", "quarter_checks", "transfer"]

NO_TAGS, ORIGIN, SHARE = 0, 1, 2
"""How a transfer moves provenance tags: not at all; all of it to one origin's tag of the
payee (from an untraced vendor); or in proportion to the traced payer's tags."""


@kernel
def nonzero_paths(values: NDArray[np.float64], sparse: int) -> NDArray[np.intp] | None:
    """The indices where ``values`` (shape ``(n,)``) is nonzero, when there are fewer than
    ``n / sparse`` of them; else None.

    A strided sample of 128 values settles most dense arrays first (``n >= 256``): when at
    least 2 in ``sparse`` of the sampled values are nonzero, the array is dense. NaN counts
    as nonzero, -0.0 as zero (as in ``np.flatnonzero``).
    """
    n = values.size
    if n >= 256:
        step = n // 128
        sampled = 0
        for i in range(0, n, step):
            sampled += values[i] != 0.0
        if sampled * sparse >= 2 * -(-n // step):
            return None
    limit = -(-n // sparse)  # this many nonzero values make the array dense
    out = np.empty(limit, dtype=np.intp)
    k = 0
    for i in range(n):
        if k == limit:
            return None
        out[k] = i  # written always, kept only when values[i] is nonzero: no branch
        k += values[i] != 0.0
    if k * sparse >= n:
        return None
    return out[:k]


@kernel
def _fine(amt: NDArray[np.float64], tol: float) -> bool:
    """Whether every amount is at least ``-tol`` and finite (NaN fails both tests)."""
    bad = 0
    for i in range(amt.size):
        a = amt[i]
        bad += not ((a >= -tol) & (a < math.inf))
    return bad == 0


@kernel
def _bad(amt: NDArray[np.float64], tol: float) -> float:
    """The amount that `transfer` reports: NaN if any is NaN, else the smallest if below
    ``-tol``, else the largest (+inf); ``amt.min()`` or ``amt.max()`` as numpy gives them."""
    low, high = math.inf, -math.inf
    for a in amt:
        if a != a:
            return a
        low = min(low, a)
        high = max(high, a)
    return low if not low >= -tol else high


@kernel
def _add(out: NDArray[np.float64], x: NDArray[np.float64], sign: float) -> None:
    """``out += x`` (``sign`` 1) or ``out -= x`` (-1: ``a + -b`` is ``a - b``, to the bit)."""
    for i in range(out.size):
        out[i] += sign * x[i]


@kernel
def _add_at(out: NDArray[np.float64], where: NDArray[np.intp], x: NDArray[np.float64],
            sign: float) -> None:
    """``out[where] += sign * x``."""
    for j in range(where.size):
        out[where[j]] += sign * x[j]


@kernel
def _shares(amt: NDArray[np.float64], balance: NDArray[np.float64], where: NDArray[np.intp],
            dense: bool, tiny: float) -> NDArray[np.float64]:
    """The share of the payer's ``balance`` that leaves, ``min(amt / balance, 1)``, or 0
    where the balance is at most ``tiny`` (np.divide where, then np.minimum: NaN stays);
    on the paths ``where`` unless ``dense``."""
    out = np.empty(amt.size)
    if dense:
        for i in range(amt.size):
            b = balance[i]
            f = amt[i] / b if b > tiny else 0.0
            out[i] = 1.0 if f > 1.0 else f
    else:
        for j in range(amt.size):
            b = balance[where[j]]
            f = amt[j] / b if b > tiny else 0.0
            out[j] = 1.0 if f > 1.0 else f
    return out


@kernel
def _spend(pool: NDArray[np.float64], where: NDArray[np.intp], frac: NDArray[np.float64],
           dense: bool) -> None:
    """Take the share ``frac`` of a funded account's ``pool`` (as `_pass_on` takes it of
    each tag, so a pool of one vendor's money stays equal to that tag to the bit); on the
    paths ``where`` unless ``dense``."""
    if dense:
        for i in range(pool.size):
            p = pool[i]
            pool[i] = p - p * frac[i]
    else:
        for j in range(where.size):
            i = where[j]
            p = pool[i]
            pool[i] = p - p * frac[j]


@kernel
def _pass_on(held: NDArray[np.float64], frac: NDArray[np.float64], to: NDArray[np.float64],
             also: NDArray[np.float64]) -> None:
    """Move the share ``frac`` of ``held`` to ``to`` and add it to ``also`` as well (an
    empty ``to`` or ``also``: nowhere). One loop per case, so that each one vectorises."""
    if also.size:
        for i in range(held.size):
            h = held[i]
            part = h * frac[i]
            held[i] = h - part
            to[i] += part
            also[i] += part
    elif to.size:
        for i in range(held.size):
            h = held[i]
            part = h * frac[i]
            held[i] = h - part
            to[i] += part
    else:
        for i in range(held.size):
            h = held[i]
            held[i] = h - h * frac[i]


@kernel
def _pass_on_at(held: NDArray[np.float64], where: NDArray[np.intp], frac: NDArray[np.float64],
                to: NDArray[np.float64], also: NDArray[np.float64]) -> None:
    """`_pass_on` on the paths ``where`` (``frac[j]`` is path ``where[j]``'s share)."""
    for j in range(where.size):
        i = where[j]
        h = held[i]
        part = h * frac[j]
        held[i] = h - part
        if to.size:
            to[i] += part
        if also.size:
            also[i] += part


@kernel
def transfer(balance: NDArray[np.float64], source: int, target: int, amt: NDArray[np.float64],
             where: NDArray[np.intp], dense: bool, gather: bool, tol: float,
             row: NDArray[np.float64], fresh: bool,
             flows: NDArray[np.float64], pay_slot: int, get_slot: int, time: int,
             tags: NDArray[np.float64], mode: int, payer: int, payee: int, origin: int,
             tiny: float, back: NDArray[np.float64], sales: NDArray[np.float64],
             vendor: int, sale: bool, pools: NDArray[np.float64], pool_out: int,
             pool_in: int) -> float:
    """Move ``amt`` from account ``source`` to ``target``; 0.0, or the bad amount.

    The amounts are first checked: every one must be at least ``-tol`` and finite. If one is
    not, nothing is changed and the offending amount is returned (see `_bad`; never 0.0).

    Parameters
    ----------
    balance : (accounts, n) $B, every account's cash per path
    amt : the amounts, ``(n,)`` when ``dense`` or ``gather``, else ``(len(where),)``
    where : the sorted, distinct paths that move money when not ``dense``; path ``where[j]``
        moves ``amt[where[j]]`` when ``gather``, else ``amt[j]``
    row : (n,) this quarter's total flow of this (source, target, kind); ``fresh``: its
        first flow this quarter, so the row's old contents are overwritten (zeros elsewhere)
    flows : (slots, times, n) the deal's signed cash flows per party; ``pay_slot`` and
        ``get_slot`` are the source's and target's slots (-1: not a party of the deal, or
        the flow is not counted), ``time`` the index on the deal's time grid
    tags : (traced, vendors, n) provenance tags ($B of each vendor's money); ``mode`` is
        `NO_TAGS`, `ORIGIN` (all of ``amt`` to ``tags[payee, origin]``) or `SHARE` (the
        payer's share ``min(amt / balance, 1)``, or 0 where the balance is at most
        ``tiny``, of each of ``tags[payer]``, moved to ``tags[payee]`` if ``payee >= 0``,
        else its ``vendor`` part (if ``vendor >= 0``) added to ``back`` and, for a
        ``sale``, to ``sales[vendor]``: the vendor's own money coming back)
    pools : (funded traced, n) $B each funded traced account has received and not yet
        spent; ``pool_out`` is the payer's row (-1: none), whose share
        ``min(amt / pool, 1)`` (0 where the pool is at most ``tiny``) replaces the balance's
        in `SHARE` and leaves the pool, and ``pool_in`` the payee's, to which ``amt`` adds
        (a funded balance is a net position that goes negative as its parent pays, so only
        its pool can be shared out)

    A payment that spends money a deal tied to it first moves its tags in `tied` instead
    (called with `NO_TAGS` and no ``pool_out``).
    """
    if dense or not gather:
        vals = amt
    else:  # the amounts of the paths that move, in path order
        vals = np.empty(where.size)
        for j in range(where.size):
            vals[j] = amt[where[j]]
    if not _fine(vals, tol):
        return _bad(vals, tol)
    if mode == SHARE or pool_out >= 0:  # the payer's share, of its pool or balance before
        frac = _shares(vals, pools[pool_out] if pool_out >= 0 else balance[source], where,
                       dense, tiny)
        nowhere = frac[:0]
        for v in range(tags.shape[1] if mode == SHARE else 0):
            to = tags[payee, v] if payee >= 0 else back if v == vendor else nowhere
            also = sales[v] if payee < 0 and v == vendor and sale else nowhere
            if dense:
                _pass_on(tags[payer, v], frac, to, also)
            else:
                _pass_on_at(tags[payer, v], where, frac, to, also)
        if pool_out >= 0:
            _spend(pools[pool_out], where, frac, dense)
    if pool_in >= 0:
        if dense:
            _add(pools[pool_in], vals, 1.0)
        else:
            _add_at(pools[pool_in], where, vals, 1.0)
    if dense:
        if mode == ORIGIN:
            _add(tags[payee, origin], vals, 1.0)
        _add(balance[source], vals, -1.0)
        _add(balance[target], vals, 1.0)
        if fresh:
            for i in range(vals.size):  # (loops, not slice assignment: numba compiles
                row[i] = vals[i]        # those with their error messages, for seconds)
        else:
            _add(row, vals, 1.0)
        if pay_slot >= 0:
            _add(flows[pay_slot, time], vals, -1.0)
        if get_slot >= 0:
            _add(flows[get_slot, time], vals, 1.0)
    else:
        if mode == ORIGIN:
            _add_at(tags[payee, origin], where, vals, 1.0)
        _add_at(balance[source], where, vals, -1.0)
        _add_at(balance[target], where, vals, 1.0)
        if fresh:  # a copy: a first flow of -0.0 stays -0.0
            for i in range(row.size):
                row[i] = 0.0
            for j in range(where.size):
                row[where[j]] = vals[j]
        else:
            _add_at(row, where, vals, 1.0)
        if pay_slot >= 0:
            _add_at(flows[pay_slot, time], where, vals, -1.0)
        if get_slot >= 0:
            _add_at(flows[get_slot, time], where, vals, 1.0)
    return 0.0


@kernel
def quarter_checks(balance: NDArray[np.float64], opening: NDArray[np.float64],
                   rows: NDArray[np.float64], moved: NDArray[np.intp], net: NDArray[np.float64],
                   constrained: NDArray[np.bool_], defaulted: NDArray[np.bool_],
                   tags: NDArray[np.float64], traced: NDArray[np.intp],
                   pools: NDArray[np.float64], pool_of: NDArray[np.intp],
                   check_tags: bool) -> tuple[float, float, float, float]:
    """The ledger's invariants at the end of a quarter, and the next quarter's opening.

    Returns, over all paths ($B, each >= 0):

    - the largest ``|sum of all balances|``;
    - the largest gap between an account's change in ``balance`` since ``opening`` and its
      net flow in the quarter: ``moved[j] = (row, source, target)`` says that ``rows[row]``
      (paths) flowed from ``source`` to ``target``;
    - the largest shortfall below zero of a ``constrained`` account (per account) that has
      not ``defaulted`` (accounts, paths);
    - if ``check_tags``, the largest negative provenance tag, ``tags`` (traced, vendors,
      paths) of the accounts ``traced``, and of a live traced account the implied "other"
      tag, its balance (for a funded one, its pool, ``pools[pool_of[slot]]``; ``pool_of``
      is -1 for the others) less its vendor tags; else 0.

    A vendor tag only shrinks by its own share of a payment, so it stays >= 0 (to rounding)
    on every path, dead or alive: the tags themselves are checked without a mask. A payment
    larger than the payer's balance (never in a sound ledger) moves at most all of its tags
    and leaves the rest untagged, which shows here as a negative "other" tag.

    The sums add up in the order numpy's passes did (the flows in the order of ``moved``,
    balances and tags in account and vendor order). ``opening`` is overwritten with
    ``balance``; ``net`` (accounts, paths) is scratch.
    """
    n_accounts, n = balance.shape
    for a in range(n_accounts):
        for i in range(n):
            net[a, i] = 0.0
    for j in range(moved.shape[0]):  # row by row: each one stream through memory
        k, s, d = moved[j, 0], moved[j, 1], moved[j, 2]
        for i in range(n):
            net[s, i] -= rows[k, i]
            net[d, i] += rows[k, i]
    total = np.zeros(n)
    recon = 0.0
    negative = 0.0
    for a in range(n_accounts):
        check_cash = constrained[a]
        for i in range(n):
            x = balance[a, i]
            total[i] = x if a == 0 else total[i] + x
            recon = max(recon, abs(x - opening[a, i] - net[a, i]))
            opening[a, i] = x
            if check_cash and not defaulted[a, i]:
                negative = max(negative, -x)
    worst_sum = 0.0
    for i in range(n):
        worst_sum = max(worst_sum, abs(total[i]))
    excess = 0.0
    if check_tags:
        n_vendors = tags.shape[1]
        for s in range(traced.size):
            acct = traced[s]
            held = np.zeros(n)
            for v in range(n_vendors):
                for i in range(n):
                    excess = max(excess, -tags[s, v, i])
                    held[i] = tags[s, v, i] if v == 0 else held[i] + tags[s, v, i]
            k = pool_of[s]
            for i in range(n):
                if not defaulted[acct, i]:
                    room = pools[k, i] if k >= 0 else balance[acct, i]
                    excess = max(excess, -(room - held[i]))
    return worst_sum, recon, negative, excess
