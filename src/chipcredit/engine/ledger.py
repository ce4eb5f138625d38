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

import numpy as np
from numpy.typing import NDArray

from chipcredit.errors import SimulationError

from .draws import ChunkDraws

__all__ = ["AccountClass", "Ledger", "TraceLine"]

Amount = float | NDArray[np.float64]
TOL = 1e-9


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
    by_quarter: list[float] = field(default_factory=list)

    def worst(self) -> float:
        return max(self.sum_to_zero, self.reconcile, self.negative_cash, self.claims)


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
    ) -> None:
        self.names = list(accounts)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.classes = np.asarray(classes, dtype=np.int8)
        self.n = draws.n
        self.draws = draws
        self.n_quarters = n_quarters
        self.balance = np.zeros((len(self.names), self.n))
        self.deal_ids = list(deal_ids)
        self.deal_slots = [{acct: s for s, acct in enumerate(ps)} for ps in deal_parties]
        self.cashflows = [np.zeros((len(ps), self.n, n_quarters + 1)) for ps in deal_parties]
        self.flow_sums: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        self.flow_sumsq: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        self._quarter: dict[tuple[int, int, str], NDArray[np.float64]] = {}
        self._opening = self.balance.copy()
        self.trace_path = trace_path
        self.trace: list[TraceLine] = []
        self.checks = Checks()

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
    ) -> None:
        """Move ``amount`` from ``source`` to ``target`` in quarter ``q``.

        ``begin`` puts the flow at the beginning of the quarter (a deal's funding flows);
        otherwise it falls at the end. ``counted=False`` keeps a deal-tagged flow out of the
        deal's metrics (hardware sales are sales, not deal returns).
        """
        amt = np.broadcast_to(np.asarray(amount, dtype=np.float64), (self.n,))
        low = float(amt.min()) if self.n else 0.0
        if low < -TOL or not np.isfinite(low) or not np.all(np.isfinite(amt)):
            raise SimulationError(f"transfer {kind} of {low!r} $B is negative or not finite")
        self.balance[source] -= amt
        self.balance[target] += amt
        key = (source, target, kind)
        acc = self._quarter.get(key)
        if acc is None:
            self._quarter[key] = amt.copy()
        else:
            acc += amt
        time = q if begin else q + 1
        if deal is not None and counted:
            slots = self.deal_slots[deal]
            flows = self.cashflows[deal]
            if source in slots:
                flows[slots[source], :, time] -= amt
            if target in slots:
                flows[slots[target], :, time] += amt
        if self.trace_path is not None:
            value = float(amt[self.trace_path])
            if value != 0.0:
                self.trace.append(
                    TraceLine(time, q, "begin" if begin else "end",
                              None if deal is None else self.deal_ids[deal],
                              self.names[source], self.names[target], kind, value, counted)
                )

    def close_quarter(self, q: int, defaulted: NDArray[np.bool_]) -> None:
        """Fold the quarter's flows into the aggregates and check the ledger's invariants.

        ``defaulted`` (accounts x paths) marks accounts that have defaulted by now.
        """
        net = np.zeros_like(self.balance)
        for (src, dst, kind), amt in self._quarter.items():
            net[src] -= amt
            net[dst] += amt
            key = (src, dst, kind)
            sums = self.draws.block_sums(amt)
            sumsq = self.draws.block_sums(amt * amt)
            if key not in self.flow_sums:
                shape = (len(self.draws.sizes), self.n_quarters)
                self.flow_sums[key] = np.zeros(shape)
                self.flow_sumsq[key] = np.zeros(shape)
            self.flow_sums[key][:, q] += sums
            self.flow_sumsq[key][:, q] += sumsq
        self._quarter = {}
        total = np.abs(self.balance.sum(axis=0)).max(initial=0.0)
        recon = np.abs(self.balance - self._opening - net).max(initial=0.0)
        constrained = self.classes == AccountClass.CONSTRAINED
        cash = np.where(defaulted[constrained], 0.0, self.balance[constrained])
        negative = max(0.0, -float(cash.min(initial=0.0)))
        self.checks.sum_to_zero = max(self.checks.sum_to_zero, float(total))
        self.checks.reconcile = max(self.checks.reconcile, float(recon))
        self.checks.negative_cash = max(self.checks.negative_cash, negative)
        self.checks.by_quarter.append(max(float(total), float(recon), negative))
        self._opening = self.balance.copy()
