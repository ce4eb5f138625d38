"""`Schedules`: one path's cash-flow schedule of each deal, re-simulated exactly.

A run keeps statistics, not every path's flows; a deal's schedule on one path is
re-simulated from that path's block (`engine.run.trace_path`), bit for bit. Each party's
horizon mark closes its schedule as a ``horizon_mark`` line, so the counted lines are
everything ``npv``, ``irr`` and ``moic`` see. `Result` inherits these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from chipcredit.engine.debt_tape import COLLATERAL, FLOWS
from chipcredit.engine.run import trace_path

from .arguments import whole_number
from .lookup import OutcomeLookup
from .metrics import position_marks, survivals
from .unit import FLOW_UNIT

if TYPE_CHECKING:
    from chipcredit.engine.audit import TraceLine
    from chipcredit.engine.sim import Sim

__all__ = ["DEBT_COLUMNS", "HORIZON_MARK", "Schedules"]

HORIZON_MARK = "horizon_mark"
"""The ``kind`` of the line that carries a party's horizon mark in `Schedules.cashflows`."""

_CASHFLOW_DTYPES: dict[str, Any] = {"time": "int64", "quarter": str, "timing": str, "from": str, "to": str,
                                    "kind": str, "amount": "float64", "counted": "bool",
                                    "unit": str}
"""Column dtypes of `Result.cashflows`, empty or not (str is pandas' string dtype)."""


DEBT_COLUMNS = ("time", "quarter", "claim", "from", "to", "opening_principal", *FLOWS, "arrears",
                "interest_arrears", "closing_principal", *COLLATERAL, "unit")
"""Columns of `Result.debt_schedule`, in order."""


class Schedules(OutcomeLookup):
    """Per-path deal cash-flow schedules for `Result` (its fields are declared there)."""

    seed: int
    deterministic: bool

    def cashflows(self, deal: str, path: int | np.integer[Any] = 0) -> pd.DataFrame:
        """One path's schedule of a deal, line by line (re-simulated exactly from its block).

        Parameters
        ----------
        deal : str
            A deal id.
        path : int, default 0
            The path, from 0 to ``paths - 1`` (a numpy integer too, e.g. ``np.argmin(...)``
            of an outcome).

        Returns
        -------
        DataFrame, one row per cash-flow line (none where the deal has no flows on the path)
            ``time`` (int64, quarters from the start), ``quarter`` (str), ``timing`` (str,
            begin/end), ``from``, ``to``, ``kind`` (str), ``amount`` (float64, $B),
            ``counted`` (bool, whether the deal's metrics count the line), ``unit`` (str,
            ``$B``, the unit of ``amount``). The dtypes are the same when it is empty.

        The last lines, one per party with a non-zero mark, are the horizon marks: ``time``
        the horizon H (``scenario.horizon_quarters``), ``quarter`` the last, ``timing`` end,
        ``kind`` ``horizon_mark``, counted, between the deal (its id) and the party: to the
        party for a position worth something, from it for an obligation (a borrower's
        debt), the amount positive ($B). A party's net counted flow by ``time`` (received
        minus paid), discounted at ``(1 + rate) ** (-time / 4)``, sums to its ``npv`` on the
        path, and its IRR is that of ``irr``; leave the marks out for ``npv_realised``.

        Raises
        ------
        UsageError
            An unknown deal (did-you-mean), or a path out of range.
        """
        if deal not in [d.id for d in self.scenario.deals]:
            self._unknown(deal, "", "")
        return self.schedules(path)[deal]

    def schedules(self, path: int | np.integer[Any] = 0) -> dict[str, pd.DataFrame]:
        """`cashflows` of every deal for one path, from a single re-simulation.

        Parameters
        ----------
        path : int, default 0
            The path, from 0 to ``paths - 1`` (a numpy integer too).

        Returns
        -------
        dict of deal id to DataFrame
            Each as `cashflows` returns it, in scenario order.
        """
        path = whole_number("path", path, low=0, high=self.paths - 1)
        sim, lines = trace_path(self.scenario, self.paths, self.seed, path, self.deterministic)
        return self._cashflow_frames(sim, lines, path)

    def schedules_and_debt(self, path: int | np.integer[Any] = 0
                           ) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
        """`schedules` and `debt_schedules` of one path from a single re-simulation (what
        ``chipcredit run --cashflows`` writes).

        Parameters
        ----------
        path : int, default 0
            The path, from 0 to ``paths - 1`` (a numpy integer too).

        Returns
        -------
        tuple of two dicts of deal id to DataFrame
            Every deal's cash flows, as `schedules`; each deal with debt's debt schedule, as
            `debt_schedules`.
        """
        path = whole_number("path", path, low=0, high=self.paths - 1)
        sim, lines = trace_path(self.scenario, self.paths, self.seed, path, self.deterministic)
        return self._cashflow_frames(sim, lines, path), self._debt_frames(sim, every=False)

    def _cashflow_frames(self, sim: Sim, lines: list[TraceLine], path: int) -> dict[str, pd.DataFrame]:
        """`schedules` of the traced ``sim`` (its block re-run with ``path`` traced)."""
        labels = self.quarter_labels()
        horizon = self.scenario.horizon_quarters
        at = path - sim.draws.offset  # the path's row in its re-simulated block
        # the marks exactly as the metrics take them (analytics.metrics.reduce_chunk): the
        # one-year survival is measured over the block, which the trace re-ran whole
        alive = survivals(sim)
        columns = ["time", "quarter", "timing", "from", "to", "kind", "amount", "counted", "unit"]
        out = {}
        for spec, deal, slots in zip(self.scenario.deals, sim.deals, sim.ledger.deal_slots,
                                     strict=True):
            rows = [{"time": t.time, "quarter": labels[t.quarter], "timing": t.timing,
                     "from": t.source, "to": t.target, "kind": t.kind, "amount": t.amount,
                     "counted": t.counted, "unit": FLOW_UNIT} for t in lines if t.deal == spec.id]
            marks = position_marks(deal, sim, alive)
            for acct in slots:  # the deal's parties, in the order of its metrics
                mark = float(np.broadcast_to(np.asarray(marks.get(acct, 0.0), dtype=np.float64),
                                             (sim.n,))[at])
                if mark != 0.0:  # as the trace leaves out transfers of nothing
                    party = sim.account_names[acct]
                    rows.append({"time": horizon, "quarter": labels[horizon - 1], "timing": "end",
                                 "from": spec.id if mark > 0 else party,
                                 "to": party if mark > 0 else spec.id, "kind": HORIZON_MARK,
                                 "amount": abs(mark), "counted": True, "unit": FLOW_UNIT})
            out[spec.id] = pd.DataFrame(rows, columns=columns).astype(_CASHFLOW_DTYPES)
        return out

    def debt_schedule(self, deal: str, path: int | np.integer[Any] = 0) -> pd.DataFrame:
        """One path's debt schedule of a deal: each quarter's principal, interest, payments,
        arrears and losses (re-simulated exactly from its block, as `cashflows`).

        Parameters
        ----------
        deal : str
            A deal id.
        path : int, default 0
            The path, from 0 to ``paths - 1`` (a numpy integer too).

        Returns
        -------
        DataFrame, one row per quarter and debt claim of the deal (a loan's, a credit
        facility's, an SPV's debt, a vendor credit; none for a deal without debt)
            ``time`` (int64, the quarter's index from 0), ``quarter`` (str), ``claim`` (str,
            the claim's flow kind), ``from`` (borrower), ``to`` (lender), then float64 $B:
            ``opening_principal``; ``drawn`` (new principal); ``interest`` (accrued this
            quarter: fallen due, or capitalised for a vendor credit); ``capitalised``;
            ``scheduled_principal`` (fallen due this quarter); ``paid`` (total received by
            the lender), of which ``paid_interest`` and ``paid_principal`` (a payment pays
            interest in arrears first), of which ``prepaid`` and ``recovered`` (at a
            default or an SPV's term end); ``accelerated`` (principal made due at a
            default); ``arrears_at_default`` (interest and principal already due and
            unpaid when it was accelerated, the quarter's own service included);
            ``written_off``, of which ``written_off_interest`` and
            ``written_off_principal``; ``arrears`` (closing, due and unpaid) of which
            ``interest_arrears``; ``closing_principal`` (principal owed: not yet due plus
            due and unpaid); ``unit`` (``$B``).

        Each row reconciles: ``closing_principal = opening_principal + drawn + capitalised
        - paid_principal - written_off_principal`` and ``paid = paid_interest +
        paid_principal``; a row's ``opening_principal`` is the previous row's closing. In
        the quarter of a default, ``accelerated + arrears_at_default`` is the claim's
        exposure at default (the JSON ``portfolios``' ``ead``).
        ``paid`` each quarter is the lender's ``debt_service``, ``debt_prepayment``,
        recovery and ``credit_repayment`` lines of `cashflows` for that claim.

        Raises
        ------
        UsageError
            An unknown deal (did-you-mean), or a path out of range.
        """
        if deal not in [d.id for d in self.scenario.deals]:
            self._unknown(deal, "", "")
        return self.debt_schedules(path, every=True)[deal]

    def debt_schedules(self, path: int | np.integer[Any] = 0, every: bool = False
                       ) -> dict[str, pd.DataFrame]:
        """`debt_schedule` of several deals from a single re-simulation.

        Parameters
        ----------
        path : int, default 0
            The path, from 0 to ``paths - 1`` (a numpy integer too).
        every : bool, default False
            Every deal (an empty schedule for a deal without debt), not only those with debt.

        Returns
        -------
        dict of deal id to DataFrame
            Each as `debt_schedule` returns it ($B, one row a quarter and debt claim), in
            scenario order.
        """
        path = whole_number("path", path, low=0, high=self.paths - 1)
        sim, _ = trace_path(self.scenario, self.paths, self.seed, path, self.deterministic)
        return self._debt_frames(sim, every)

    def _debt_frames(self, sim: Sim, every: bool) -> dict[str, pd.DataFrame]:
        """`debt_schedules` of the traced ``sim``."""
        labels = self.quarter_labels()
        rows: dict[int, list[dict[str, Any]]] = {}
        for (d, _k), tape in sim.debt_tapes.items():
            claim = tape.claim
            rows.setdefault(d, []).extend(
                {**row, "quarter": labels[row["time"]], "claim": claim.name,
                 "from": sim.account_names[claim.debtor], "to": sim.account_names[claim.creditor],
                 "unit": FLOW_UNIT} for row in tape.rows)
        dtypes: dict[str, Any] = {"time": "int64", "quarter": str, "claim": str, "from": str,
                                  "to": str, "unit": str,
                                  **dict.fromkeys(DEBT_COLUMNS[5:-1], "float64")}
        return {spec.id: pd.DataFrame(rows.get(d, []), columns=list(DEBT_COLUMNS)).astype(dtypes)
                for d, spec in enumerate(self.scenario.deals) if every or d in rows}
