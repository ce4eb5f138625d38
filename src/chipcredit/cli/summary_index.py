"""The rows of a run's summary looked up by (deal, party, metric), for the run tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["Index", "Summary", "summary_index", "summary_stat"]

Summary = Sequence[Mapping[str, Any]]
"""Rows of ``Result.summary()`` (or of the store's metrics): deal, party, metric, mean, ..."""

Index = dict[tuple[str | None, str, str], Mapping[str, Any]]
"""(deal or None for a party's own metric, party, metric) to its summary row."""


def summary_index(summary: Summary) -> Index:
    """``summary``'s rows by (deal, party, metric); a deal that is not a string (None, NaN:
    a party's own metric) is keyed as None."""
    out: Index = {}
    for row in summary:
        deal = row["deal"] if isinstance(row["deal"], str) else None
        out[(deal, str(row["party"]), str(row["metric"]))] = row
    return out


def summary_stat(index: Index, deal: str | None, party: str, metric: str, stat: str) -> Any:
    """The statistic ``stat`` (``mean``, ``p50``, ``nan_share``, ...) of a row of ``index``;
    None where there is no such row or statistic."""
    row = index.get((deal, party, metric))
    return None if row is None else row.get(stat)
