"""`EventTiming`: when a party defaults or first second-sources, path by path.

The share of paths on which an event (a default, a first delivery from a second vendor)
happens, quarter by quarter, read from the per-path ``default_quarter``,
``default_cause`` and ``second_source_quarter`` outcomes. `Result` inherits these.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from chipcredit.engine.labs import CAUSES
from chipcredit.errors import UsageError

from .lookup import OutcomeLookup
from .metrics import column

__all__ = ["EventTiming"]


class EventTiming(OutcomeLookup):
    """Default probability and timing, and second-sourcing timing, for `Result`."""

    def default_probability(self, party: str) -> float:
        """Share of paths on which ``party`` defaulted within the horizon.

        Parameters
        ----------
        party : str
            A party id.

        Returns
        -------
        float in [0, 1]

        Raises
        ------
        UsageError
            A party not in the scenario (with a did-you-mean), or one that cannot default (a
            vendor, an investor, a lender, a cloud funded from outside: the scenario party's
            ``can_default`` is False), in the words of `default_timing`: a 0.0 would read
            "safe" where there is nothing to measure. The JSON summary still gives such a
            party ``default_probability`` 0.0 (a stable contract).
        """
        self._can_default(party, "default_probability")
        return float(np.mean(self.outcomes[column("party", party, "default_quarter")] >= 0))

    def _can_default(self, party: str, method: str) -> None:
        """Refuse ``party`` for ``method`` in one line unless it can default (the scenario
        party's ``can_default``, with a default quarter on every path)."""
        parties = {p.id: p for p in self.scenario.parties}
        if party not in parties:
            self._unknown(None, party, "default_quarter")

        def able(p: Any) -> bool:
            return bool(p.can_default) and column("party", p.id, "default_quarter") in self.outcomes

        if able(parties[party]):
            return
        p = parties[party]
        kind = "cloud funded from outside" if p.kind == "cloud" else p.kind
        listed = ", ".join(q for q, other in parties.items() if able(other)) or "none"
        raise UsageError(f"{method} is for parties that can default (a lab, or a cloud on its "
                         f"own balance sheet: the scenario party's can_default); got "
                         f"{party!r}, a {kind}, which cannot default (such parties here: "
                         f"{listed})")

    def _party_with(self, party: str, metric: str, method: str, rule: str, why: str) -> None:
        """Refuse ``party`` for ``method`` in one line when it has no ``metric`` column."""
        if column("party", party, metric) in self.outcomes:
            return
        kinds = {p.id: p.kind for p in self.scenario.parties}
        if party not in kinds:
            self._unknown(None, party, metric)
        able = [p for p in kinds if column("party", p, metric) in self.outcomes]
        raise UsageError(f"{method} is for {rule}; got {party!r}, a {kinds[party]}{why} "
                         f"(such parties here: {', '.join(able) or 'none'})")

    def default_timing(self, party: str) -> pd.DataFrame:
        """Default probability by quarter and cause, with the cumulative probability.

        Parameters
        ----------
        party : str
            A party that can default: a lab, or a cloud on its own balance sheet (the
            scenario party model's ``can_default``). Others have no default timing (nor a
            `default_probability`).

        Returns
        -------
        DataFrame, one row per quarter (``scenario.horizon_quarters`` rows)
            ``quarter`` (str, ``2025Q1``), ``probability`` (float64, share of paths that
            default in that quarter), ``cumulative`` (float64, share defaulted by its end),
            and one float64 column per default cause (they sum to ``probability``).

        Raises
        ------
        UsageError
            An unknown party (did-you-mean), or one that cannot default.
        """
        self._can_default(party, "default_timing")
        dq = self.outcome(None, party, "default_quarter")
        cause = self.outcome(None, party, "default_cause")
        rows = []
        cumulative = 0.0
        for q, label in enumerate(self.quarter_labels()):
            hit = dq == q
            share = float(hit.mean())
            cumulative += share
            row: dict[str, Any] = {"quarter": label, "probability": share, "cumulative": cumulative}
            for code, name in enumerate(CAUSES[1:], start=1):
                row[name] = float((hit & (cause == code)).mean())
            rows.append(row)
        return pd.DataFrame(rows)

    def second_sourcing(self, lab: str) -> pd.DataFrame:
        """Share of paths on which ``lab`` first takes delivery from a vendor other than its
        primary one, by quarter, with the cumulative share.

        Parameters
        ----------
        lab : str
            A lab's party id (only labs buy compute from vendors).

        Returns
        -------
        DataFrame, one row per quarter (``scenario.horizon_quarters`` rows)
            ``quarter`` (str), ``probability`` (float64, share of paths that first
            second-source in that quarter), ``cumulative`` (float64).

        Raises
        ------
        UsageError
            An unknown party (did-you-mean), or one that is not a lab.
        """
        self._party_with(lab, "second_source_quarter", "second_sourcing",
                         "labs (the parties that choose between vendors)", "")
        sq = self.outcome(None, lab, "second_source_quarter")
        rows = []
        cumulative = 0.0
        for q, label in enumerate(self.quarter_labels()):
            share = float(np.mean(sq == q))
            cumulative += share
            rows.append({"quarter": label, "probability": share, "cumulative": cumulative})
        return pd.DataFrame(rows)
