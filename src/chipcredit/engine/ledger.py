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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import overload

import numpy as np
from numpy.typing import NDArray

from chipcredit.errors import SimulationError

from .draws import ChunkDraws
from .provenance import Provenance
from .workspace import Workspace

__all__ = ["AccountClass", "Ledger", "TraceLine"]

Amount = float | NDArray[np.float64]
TOL = 1e-9
_SPARSE = 8
"""Arrays with under one path in `_SPARSE` nonzero are updated on those paths only."""


def sparse_paths(values: NDArray[np.float64]) -> NDArray[np.intp] | None:
    """The paths where ``values`` (shape ``(n,)``) is nonzero, when they are under one in
    `_SPARSE`; else None. Updating only those paths gives the same numbers as updating all
    of them: adding (or subtracting) zero changes no total."""
    n = values.size
    if n >= 256:  # a strided sample settles most dense arrays without a full scan
        step = n // 128
        if np.count_nonzero(values[::step]) * _SPARSE >= 2 * -(-n // step):
            return None
    where = np.flatnonzero(values)
    return where if where.size * _SPARSE < n else None


def _check(kind: str, amt: NDArray[np.float64]) -> None:
    """Raise unless every amount is finite and at least ``-TOL``."""
    if amt.size:
        # min catches negatives and NaN; max catches +inf (the only infinity min misses)
        low, high = float(amt.min()), float(amt.max())
        if not (low >= -TOL and high < np.inf):
            bad = low if not low >= -TOL else high
            raise SimulationError(f"transfer {kind} of {bad!r} $B is negative or not finite")


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


@dataclass(frozen=True)
class TraceLine:
    """One transfer of one traced path."""

    time: int
    quarter: int
    timing: str
    deal: str | None
    source: str
    target: str
    kind: str
    amount: float
    counted: bool


@dataclass
class Checks:
    """Largest violations seen, per invariant, over all quarters and paths ($B)."""

    sum_to_zero: float = 0.0
    reconcile: float = 0.0
    negative_cash: float = 0.0
    claims: float = 0.0
    provenance: float = 0.0
    """Largest negative origin tag of a live lab, SPV or cloud (0 without provenance)."""
    by_quarter: list[float] = field(default_factory=list)

    def worst(self) -> float:
        return max(self.sum_to_zero, self.reconcile, self.negative_cash, self.claims,
                   self.provenance)


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
        return np.ascontiguousarray(self._arrays[i].transpose(0, 2, 1))


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
        self.deal_ids = list(deal_ids)
        self.deal_slots = [{acct: s for s, acct in enumerate(ps)} for ps in deal_parties]
        # (slot, time, path): a flow at one time is a contiguous row, so `pay` writes rows
        zeros = np.zeros if workspace is None else workspace.zeros
        self._flows = [zeros((len(ps), n_quarters + 1, self.n)) for ps in deal_parties]
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
        self._squares = np.zeros((16, max(draws.sizes, default=0)))  # close_quarter's scratch
        self._net = np.zeros_like(self.balance)  # scratch for close_quarter
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
    ) -> NDArray[np.intp] | None:
        """Move ``amount`` from ``source`` to ``target`` in quarter ``q``.

        ``begin`` puts the flow at the beginning of the quarter (a deal's funding flows);
        otherwise it falls at the end. ``counted=False`` keeps a deal-tagged flow out of the
        deal's metrics (hardware sales are sales, not deal returns).

        Returns the paths where money moved when they are few (see `sparse_paths`), else
        None, so that callers can update their own totals on those paths only.
        """
        if (type(amount) is np.ndarray and amount.dtype == np.float64
                and amount.shape == (self.n,)):
            amt = amount
        else:
            amt = np.broadcast_to(np.asarray(amount, dtype=np.float64), (self.n,))
        where = sparse_paths(amt)
        if where is None:
            _check(kind, amt)
            self._post(q, source, target, kind, None, amt, deal, begin, counted)
        else:
            # few paths move money (a default, a fee, nothing at all): touch only those
            values = amt[where]
            _check(kind, values)
            self._post(q, source, target, kind, where, values, deal, begin, counted)
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
    ) -> None:
        """`pay` of ``values`` on the sorted, distinct path indices ``paths`` and nothing
        elsewhere: the same transfer as `pay` of that amount, without scanning every path."""
        values = np.asarray(values, dtype=np.float64)
        _check(kind, values)
        self._post(q, source, target, kind, paths, values, deal, begin, counted)

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
    ) -> None:
        """Book a checked transfer: ``amt`` on every path (``where`` None) or on ``where``."""
        key = (source, target, kind)
        prov = self.provenance
        if prov is not None and prov.involved(source, target):  # before the balances move
            prov.move(source, target, kind, where, amt, self.balance[source])
        acc = self._quarter.get(key)
        time = q if begin else q + 1
        slots = self.deal_slots[deal] if deal is not None and counted else {}
        if where is None:
            self.balance[source] -= amt
            self.balance[target] += amt
            if acc is None or acc is self._zero_row:
                self._new_row(key, amt)
            else:
                acc += amt
            if slots:
                flows = self._flows[deal]  # type: ignore[index]
                if source in slots:
                    flows[slots[source], time] -= amt
                if target in slots:
                    flows[slots[target], time] += amt
        elif not where.size:
            if acc is None:
                self._quarter[key] = self._zero_row
            return  # nothing moves, and nothing to trace
        else:  # adding zero elsewhere would change no total (1-D views index fastest)
            row = self.balance[source]
            row[where] -= amt
            row = self.balance[target]
            row[where] += amt
            if acc is None or acc is self._zero_row:
                acc = self._new_row(key, None)
                acc[where] = amt
            else:
                acc[where] += amt
            if slots:
                flows = self._flows[deal]  # type: ignore[index]
                if source in slots:
                    row = flows[slots[source], time]
                    row[where] -= amt
                if target in slots:
                    row = flows[slots[target], time]
                    row[where] += amt
        if self.trace_path is not None:
            if where is None:
                value = float(amt[self.trace_path])
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

    def _new_row(self, key: tuple[int, int, str],
                 amt: NDArray[np.float64] | None) -> NDArray[np.float64]:
        """Give ``key`` a fresh row of the quarter's flow matrix, holding a copy of ``amt``
        (or zeros), and return it."""
        k = len(self._row_of)
        if k == self._rows.shape[0]:
            grown = np.zeros((2 * k, self.n))
            grown[:k] = self._rows
            self._rows = grown
            self._squares = np.zeros((2 * k, self._squares.shape[1]))
            for other, i in self._row_of.items():
                self._quarter[other] = grown[i]
        row = self._rows[k]
        if amt is None:
            row.fill(0.0)
        else:
            row[...] = amt
        self._row_of[key] = k
        self._quarter[key] = row
        return row

    def close_quarter(self, q: int, defaulted: NDArray[np.bool_]) -> None:
        """Fold the quarter's flows into the aggregates and check the ledger's invariants.

        ``defaulted`` (accounts x paths) marks accounts that have defaulted by now.
        """
        net = self._net
        net.fill(0.0)
        k_used = len(self._row_of)
        rows = self._rows[:k_used]
        # per block, every key at once: (blocks, keys); each row's part sums exactly like a
        # 1-D array of the block's paths
        n_blocks = len(self.draws.sizes)
        sums, sumsq = np.empty((n_blocks, k_used)), np.empty((n_blocks, k_used))
        start = 0
        for b, size in enumerate(self.draws.sizes):
            part = rows[:, start:start + size]
            squares = np.multiply(part, part, out=self._squares[:k_used, :size])
            sums[b], sumsq[b] = part.sum(axis=1), squares.sum(axis=1)
            start += size
        shape = (len(self.draws.sizes), self.n_quarters)
        for key, amt in self._quarter.items():
            if key not in self.flow_sums:
                self.flow_sums[key] = np.zeros(shape)
                self.flow_sumsq[key] = np.zeros(shape)
            k = self._row_of.get(key)
            if k is None:  # moved nothing: adding zeros would change nothing
                continue
            src, dst, _kind = key
            net[src] -= amt
            net[dst] += amt
            self.flow_sums[key][:, q] += sums[:, k]
            self.flow_sumsq[key][:, q] += sumsq[:, k]
            if self.keep:
                kept = self.flow_reservoir.get(key)
                if kept is None:
                    kept = self.flow_reservoir[key] = np.zeros((self.n_quarters, self.keep),
                                                               dtype=np.float32)
                kept[q] = amt[:self.keep]
        self._quarter = {}
        self._row_of = {}
        total = np.abs(self.balance.sum(axis=0)).max(initial=0.0)
        gap = np.subtract(self.balance, self._opening, out=self._opening)
        gap -= net
        recon = np.abs(gap, out=gap).max(initial=0.0)
        constrained = self.classes == AccountClass.CONSTRAINED
        cash = np.where(defaulted[constrained], 0.0, self.balance[constrained])
        negative = max(0.0, -float(cash.min(initial=0.0)))
        self.checks.sum_to_zero = max(self.checks.sum_to_zero, float(total))
        self.checks.reconcile = max(self.checks.reconcile, float(recon))
        self.checks.negative_cash = max(self.checks.negative_cash, negative)
        if self.provenance is not None:
            self.provenance.close_quarter(q)
            self.checks.provenance = max(self.checks.provenance,
                                         self.provenance.worst_excess(self.balance, ~defaulted))
        self.checks.by_quarter.append(max(float(total), float(recon), negative))
        np.copyto(self._opening, self.balance)
