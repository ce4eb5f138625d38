"""The double-entry ledger: every movement of money is a transfer between two accounts.

A transfer moves ``amount`` ($B per path, shape ``(n,)``) from one account to another, with
a ``kind`` and optionally the deal it belongs to. The ledger keeps

- each account's balance per path (all balances, built-in accounts included, sum to zero);
- per quarter and per (from, to, kind), the per-block sums and sums of squares of the
  quarter's total flow per path (the full per-path ledger is never kept);
- for each deal, each participating party's signed cash flows per path on the time grid
  (index ``k`` = ``k`` quarters after the scenario start), for the deal metrics;
- optionally, a line-by-line trace of one path, for `Result.cashflows`.

At the end of each quarter it checks its invariants and keeps the largest violation:
the balances sum to zero; each account's change in balance equals its net flow in the
quarter's flow table; no constrained account (a lab, an SPV) is below zero unless it has
defaulted. Claims check ``promised = paid + arrears + written off`` (see `claims.py`).

A transfer is one compiled pass over the paths it touches (`ledger_kernel.transfer`): the
check of its amounts, both balances, the quarter's flow row, the deal's cash flows and the
provenance tags. The quarter's checks are another (`ledger_kernel.quarter_checks`), and
the per-block flow sums a third (`block_sum_kernel.block_sums`, with numpy's pairwise
rounding).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import overload

import numpy as np
from numpy.typing import NDArray

from chipcredit.errors import SimulationError

from .audit import Checks, TraceLine
from .block_sum_kernel import block_sums
from .draws import ChunkDraws
from .ledger_kernel import NO_TAGS, SHARE, nonzero_paths, quarter_checks, transfer
from .provenance import TINY, Provenance, Route
from .tied import pass_on_first
from .workspace import Workspace

__all__ = ["AccountClass", "Checks", "Ledger", "TraceLine"]  # the last two from `audit`

Amount = float | NDArray[np.float64]
TOL = 1e-9
_SPARSE = 8
"""Arrays with under one path in `_SPARSE` nonzero are updated on those paths only."""
_ALL_PATHS = np.empty(0, dtype=np.intp)  # `transfer`'s ``where`` for a dense transfer
_NO_FLOWS = np.zeros((1, 1, 1))  # its deal flows for a transfer no deal counts
_NO_ROUTE = Route(NO_TAGS, -1, -1, -1, np.zeros(1), -1, False)  # and its tags, untraced
_NO_TAGS = np.zeros((1, 1, 1))
_NO_SALES = np.zeros((1, 1))
_NO_POOLS = np.zeros((1, 1))


def sparse_paths(values: NDArray[np.float64]) -> NDArray[np.intp] | None:
    """The paths where ``values`` (shape ``(n,)``) is nonzero, when they are under one in
    `_SPARSE`; else None. Updating only those paths gives the same numbers as updating all
    of them: adding (or subtracting) zero changes no total. A strided sample settles most
    dense arrays without a full scan (see `ledger_kernel.nonzero_paths`)."""
    if (type(values) is not np.ndarray or values.dtype != np.float64 or values.ndim != 1
            or not values.flags.c_contiguous):
        values = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    return nonzero_paths(values, _SPARSE)


class AccountClass(IntEnum):
    """How an account may behave.

    OUTSIDE: built-in accounts (``customers``, ``market``, ``founders``), the rest of the world.
    FUNDED: vendors, investors, lenders and buyers, who pay commitments from outside capital,
    so their balance is their net cash position and may be negative.
    CONSTRAINED: labs and SPVs, which can only pay what they have, or default.
    """

    OUTSIDE = 0
    FUNDED = 1
    CONSTRAINED = 2


class _Transposed(Sequence[NDArray[np.float64]]):
    """``arrays[i].transpose(0, 2, 1)`` as a C-ordered copy, made on access."""

    def __init__(self, arrays: list[NDArray[np.float64]]) -> None:
        self._arrays = arrays

    def __len__(self) -> int:
        return len(self._arrays)

    @overload
    def __getitem__(self, i: int) -> NDArray[np.float64]: ...

    @overload
    def __getitem__(self, i: slice) -> list[NDArray[np.float64]]: ...

    def __getitem__(self, i: int | slice) -> NDArray[np.float64] | list[NDArray[np.float64]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        # a copy even where the transpose is already C-ordered (one path): a reader may
        # write into it (the horizon mark) without touching the ledger's flows
        return self._arrays[i].transpose(0, 2, 1).copy()


class Ledger:
    """Balances, flow aggregates and deal cash flows for one chunk of paths.

    Parameters
    ----------
    accounts : names of every account, built-ins first
    classes : AccountClass of each account
    draws : the chunk's draw source (for its path count and per-block sums)
    n_quarters : horizon in quarters
    deal_ids : id of every deal, in scenario order
    deal_parties : for each deal, the account indices whose flows its metrics count
    trace_path : path index within the chunk to trace, or None
    workspace : memory for the deals' cash flows, handed on from chunk to chunk
    provenance : tags the traced accounts' cash by origin (`provenance.py`), or None
    flow_reservoir : keep every flow of the chunk's first this many paths, quarter by
        quarter, for the flows matrix's percentiles (0 keeps none)
    """

    def __init__(
        self,
        accounts: Sequence[str],
        classes: Sequence[AccountClass],
        draws: ChunkDraws,
        n_quarters: int,
        deal_ids: Sequence[str],
        deal_parties: Sequence[Sequence[int]],
        trace_path: int | None = None,
        *,
        workspace: Workspace | None = None,
        provenance: Provenance | None = None,
        flow_reservoir: int = 0,
    ) -> None:
        self.provenance = provenance
        self.names = list(accounts)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.classes = np.asarray(classes, dtype=np.int8)
        self.n = draws.n
        self.draws = draws
        self.n_quarters = n_quarters
        self.balance = np.zeros((len(self.names), self.n))
        self._n_accounts = len(self.names)
        self.deal_ids = list(deal_ids)
        self.deal_slots = [{acct: s for s, acct in enumerate(ps)} for ps in deal_parties]
        # (slot, time, path): a flow at one time is a contiguous row, so `pay` writes rows
        zeros = np.zeros if workspace is None else workspace.zeros
        self._flows = [zeros((len(ps), n_quarters + 1, self.n)) for ps in deal_parties]
        # each key's per-block flow sums and sums of squares, (blocks, quarters), are views
        # of one array, so that `close_quarter` adds a quarter's sums of every key at once
        self._key_id: dict[tuple[int, int, str], int] = {}
        n_blocks = len(draws.sizes)
        self._sums = np.zeros((16, n_blocks, n_quarters))
        self._sumsq = np.zeros((16, n_blocks, n_quarters))
        self.flow_sums: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        self.flow_sumsq: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        # this quarter's total flow per (from, to, kind), keys in order of first use. A key
        # that has moved money holds a row of one matrix, so that `close_quarter` sums every
        # key over each block at once; a key that has moved nothing holds `_zero_row`.
        self._quarter: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        self._row_of: dict[tuple[int, int, str], int] = {}
        self._rows = np.zeros((16, self.n))
        self._zero_row = np.zeros(self.n)
        self._zero_row.flags.writeable = False
        self._bounds = np.cumsum([0, *draws.sizes], dtype=np.int64)  # the blocks' paths
        self._net = np.zeros_like(self.balance)  # scratch for close_quarter
        self._constrained = self.classes == AccountClass.CONSTRAINED
        self._traced = np.array([] if provenance is None else provenance.traced, dtype=np.intp)
        self._pool_of = (np.full(0, -1, dtype=np.intp) if provenance is None
                         else provenance.pool_of)
        self._opening = self.balance.copy()
        self.trace_path = trace_path
        self.trace: list[TraceLine] = []
        self.checks = Checks()
        self.keep = min(flow_reservoir, self.n)
        self.flow_reservoir: dict[tuple[int, int, str], NDArray[np.float32]] = {}
        """``{(from, to, kind): (n_quarters, keep)}`` float32 flows of the first paths."""

    def pay(
        self,
        q: int,
        source: int,
        target: int,
        kind: str,
        amount: Amount,
        deal: int | None = None,
        *,
        begin: bool = False,
        counted: bool = True,
        origin: int | None = None,
        tied: Sequence[tuple[int, NDArray[np.float64]]] = (),
    ) -> NDArray[np.intp] | None:
        """Move ``amount`` from ``source`` to ``target`` in quarter ``q``.

        ``begin`` puts the flow at the beginning of the quarter (a deal's funding flows);
        otherwise it falls at the end. ``counted=False`` keeps a deal-tagged flow out of the
        deal's metrics (hardware sales are sales, not deal returns). ``origin``: the account
        whose money this is in effect, for provenance (an untraced ``source`` only: a
        warrant's sale proceeds come from the market but are the issuer's money). ``tied``:
        for provenance, ``(account, amount)`` pairs of money that a deal tied to this payment
        ($B per path, shape ``(n,)``; the account whose money it is, e.g. the vendor whose
        credit pays for its own chips): the payment spends it first, as far as the payer
        still holds that origin's money, and the rest in proportion (`Provenance.first`).

        Returns the paths where money moved when they are few (see `sparse_paths`), else
        None, so that callers can update their own totals on those paths only.
        """
        if (type(amount) is np.ndarray and amount.dtype == np.float64
                and amount.shape == (self.n,) and amount.flags.c_contiguous):
            amt = amount
        else:
            amt = np.ascontiguousarray(
                np.broadcast_to(np.asarray(amount, dtype=np.float64), (self.n,)))
        where = sparse_paths(amt)
        # few paths move money (a default, a fee, nothing at all): touch only those
        self._post(q, source, target, kind, where, amt, deal, begin, counted, gather=True,
                   origin=origin, tied=tied)
        return where

    def pay_at(
        self,
        q: int,
        source: int,
        target: int,
        kind: str,
        paths: NDArray[np.intp],
        values: NDArray[np.float64],
        deal: int | None = None,
        *,
        begin: bool = False,
        counted: bool = True,
        origin: int | None = None,
    ) -> None:
        """`pay` of ``values`` on the sorted, distinct path indices ``paths`` and nothing
        elsewhere: the same transfer as `pay` of that amount, without scanning every path."""
        paths = np.ascontiguousarray(paths, dtype=np.intp)
        values = np.asarray(values, dtype=np.float64)
        if values.shape != paths.shape:  # one amount for every path, as numpy broadcasts it
            values = np.broadcast_to(values, paths.shape)
        if paths.ndim != 1 or (paths.size and not 0 <= paths[0] <= paths[-1] < self.n):
            raise IndexError(f"pay_at needs sorted path indices in [0, {self.n}), "
                             f"got shape {paths.shape}")
        self._post(q, source, target, kind, paths, np.ascontiguousarray(values), deal, begin,
                   counted, gather=False, origin=origin)

    def _post(
        self,
        q: int,
        source: int,
        target: int,
        kind: str,
        where: NDArray[np.intp] | None,
        amt: NDArray[np.float64],
        deal: int | None,
        begin: bool,
        counted: bool,
        *,
        gather: bool,
        origin: int | None = None,
        tied: Sequence[tuple[int, NDArray[np.float64]]] = (),
    ) -> None:
        """Check and book a transfer of ``amt`` on every path (``where`` None) or on the
        paths ``where``: path ``where[j]`` moves ``amt[where[j]]`` (``gather``) or ``amt[j]``.

        Raises SimulationError, changing nothing, unless every amount moved is finite and at
        least ``-TOL``.
        """
        if not (0 <= source < self._n_accounts and 0 <= target < self._n_accounts):
            raise IndexError(f"transfer {kind} between accounts {source} and {target} of "
                             f"{self._n_accounts}")
        if not 0 <= q < self.n_quarters:  # the compiled transfer does not check its bounds
            raise IndexError(f"transfer {kind} in quarter {q} of {self.n_quarters}")
        key = (source, target, kind)
        prov = self.provenance
        route = prov.route(source, target, kind, origin) if prov is not None else None
        acc = self._quarter.get(key)
        if where is not None and not where.size:  # nothing moves, and nothing to trace
            if prov is not None and route is not None:
                prov.commit(route, key)
            if acc is None:
                self._quarter[key] = self._zero_row
            return
        if amt.base is self.balance or not amt.flags.writeable:
            # an account's own cash as it is now, not as it moves; and a read-only array
            # would make numba compile `transfer` once more, for read-only arguments
            amt = amt.copy()
        if where is not None and not where.flags.writeable:
            where = where.copy()
        fresh = acc is None or acc is self._zero_row
        if fresh:
            k = len(self._row_of)
            if k == self._rows.shape[0]:
                self._grow()
            row = self._rows[k]
        else:
            row = acc
        time = q if begin else q + 1
        flows, pay_slot, get_slot = _NO_FLOWS, -1, -1
        if deal is not None and counted:
            slots = self.deal_slots[deal]
            if slots:
                flows = self._flows[deal]
                pay_slot, get_slot = slots.get(source, -1), slots.get(target, -1)
        r = _NO_ROUTE if route is None else route
        first = None if prov is None or not tied or r.mode != SHARE else prov.first(tied)
        if prov is None or first is None:
            mode, pool_out, base = r.mode, r.pool_out, None
        else:  # `pass_on_first` moves the tags, from the payer's cash before the payment
            mode, pool_out = NO_TAGS, -1
            cash = self.balance[source] if r.pool_out < 0 else prov.pools[r.pool_out]
            base = cash.copy() if where is None else cash[where]
        bad = transfer(self.balance, source, target, amt,
                       _ALL_PATHS if where is None else where, where is None, gather, TOL,
                       row, fresh, flows, pay_slot, get_slot, time,
                       _NO_TAGS if prov is None else prov.tags, mode, r.payer, r.payee,
                       r.origin, TINY, r.back, _NO_SALES if prov is None else prov.sales,
                       r.vendor, r.sale, _NO_POOLS if prov is None else prov.pools,
                       pool_out, r.pool_in)
        if bad == 0.0 and first is not None and prov is not None and base is not None:
            vals = amt[where] if where is not None and gather else amt
            pass_on_first(prov.tags, r.payer, r.payee, vals, base, where, TINY, first,
                          r.back, prov.sales, r.vendor, r.sale, prov.pools, r.pool_out)
        if bad != 0.0:
            raise SimulationError(f"transfer {kind} of {bad!r} $B is negative or not finite")
        if fresh:
            self._row_of[key] = k
            self._quarter[key] = row
        if prov is not None and route is not None:
            prov.commit(route, key)
        if self.trace_path is not None:
            if where is None or gather:
                value = float(amt[self.trace_path])  # 0 where a gathered transfer is not
            else:
                at = int(np.searchsorted(where, self.trace_path))
                value = float(amt[at]) if at < where.size and where[at] == self.trace_path else 0.0
            if value != 0.0:
                self.trace.append(
                    TraceLine(time, q, "begin" if begin else "end",
                              None if deal is None else self.deal_ids[deal],
                              self.names[source], self.names[target], kind, value, counted)
                )

    @property
    def cashflows(self) -> Sequence[NDArray[np.float64]]:
        """Each deal's cash flows per participating party, ``(slots, n, n_quarters + 1)``
        ($B, signed, positive = received). Each item is a fresh C-ordered copy, made when
        it is read, so that going through the deals holds one deal's copy at a time."""
        return _Transposed(self._flows)

    def _grow(self) -> None:
        """Double the rows of the quarter's flow matrix (the keys keep theirs)."""
        k = self._rows.shape[0]
        grown = np.zeros((2 * k, self.n))
        grown[:k] = self._rows
        self._rows = grown
        for other, i in self._row_of.items():
            self._quarter[other] = grown[i]

    def _register(self, key: tuple[int, int, str]) -> None:
        """Give a key its per-block flow sums, zero, in order of first use."""
        i = len(self._key_id)
        if i == self._sums.shape[0]:
            for name in ("_sums", "_sumsq"):
                old = getattr(self, name)
                grown = np.zeros((2 * i, *old.shape[1:]))
                grown[:i] = old
                setattr(self, name, grown)
            for other, j in self._key_id.items():  # the dicts hold views of the new arrays
                self.flow_sums[other] = self._sums[j]
                self.flow_sumsq[other] = self._sumsq[j]
        self._key_id[key] = i
        self.flow_sums[key] = self._sums[i]
        self.flow_sumsq[key] = self._sumsq[i]

    def close_quarter(self, q: int, defaulted: NDArray[np.bool_]) -> None:
        """Fold the quarter's flows into the aggregates and check the ledger's invariants.

        ``defaulted`` (accounts x paths) marks accounts that have defaulted by now.
        """
        defaulted = np.ascontiguousarray(defaulted, dtype=np.bool_)
        if defaulted.shape != self.balance.shape:
            raise ValueError(f"defaulted has shape {defaulted.shape}, not {self.balance.shape}")
        k_used = len(self._row_of)
        rows = self._rows[:k_used]
        key_id, row_of = self._key_id, self._row_of
        for key in self._quarter:  # keys that moved nothing get their (zero) sums too
            if key not in key_id:
                self._register(key)
        if k_used:
            # per key and block, the sums of the flows and of their squares, in one pass
            # over the rows (row ``r`` is the ``r``-th key of ``row_of``), with the bits of
            # numpy's sum of each block's stretch of the row
            ids = np.array([key_id[key] for key in row_of], dtype=np.intp)
            block_sums(self._rows, k_used, self._bounds, ids, self._sums, self._sumsq, q)
        used = [key for key in self._quarter if key in row_of]  # in order of first use
        if self.keep:
            for key in used:
                kept = self.flow_reservoir.get(key)
                if kept is None:
                    kept = self.flow_reservoir[key] = np.zeros((self.n_quarters, self.keep),
                                                               dtype=np.float32)
                kept[q] = rows[row_of[key], :self.keep]
        # each key's row, source and target, in that order (as the net flows add up)
        moved = np.array([(row_of[key], key[0], key[1]) for key in used],
                         dtype=np.intp).reshape(-1, 3)
        self._quarter = {}
        self._row_of = {}
        prov = self.provenance
        if prov is not None:
            prov.close_quarter(q)
        total, recon, negative, excess = quarter_checks(
            self.balance, self._opening, self._rows, moved, self._net, self._constrained,
            defaulted, _NO_TAGS if prov is None else prov.tags,
            self._traced, _NO_POOLS if prov is None else prov.pools, self._pool_of,
            prov is not None and prov.tags_anything())
        self.checks.sum_to_zero = max(self.checks.sum_to_zero, total)
        self.checks.reconcile = max(self.checks.reconcile, recon)
        self.checks.negative_cash = max(self.checks.negative_cash, negative)
        if prov is not None:
            self.checks.provenance = max(self.checks.provenance, excess)
        self.checks.by_quarter.append(max(total, recon, negative))
