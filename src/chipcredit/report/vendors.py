"""The vendors table's numbers, shared by the CLI (``chipcredit run``, ``runs show``), the
HTML report and the dashboard's Overview, so the three show the same figures under the same
headings: each vendor's revenue, the part of it paid with its own money (self-funded
revenue), the mean of the per-path self-funded shares, and its share of units at the end.

The statistics come from `Result.summary` rows (or the same rows kept in the run store);
the note of what self-funded revenue counts and does not is ``report.vendors_note`` in the
catalogues (`chipcredit.report.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["VENDOR_COLUMNS", "VendorRow", "vendor_rows"]

VENDOR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("revenue_total", "p50", "money"),
    ("revenue_total", "mean", "money"),
    ("self_funded_revenue", "p50", "money"),
    ("self_funded_revenue", "mean", "money"),
    ("self_funded_revenue_share", "mean", "share"),
    ("market_share_end", "p50", "share"),
)
"""The table's columns after the vendor: (summary metric, statistic, unit). The self-funded
share is the mean over paths of each path's share (its self-funded revenue over its
revenue), not the ratio of the two means beside it; the market share is of units (GPUs
shipped over the last four quarters), not of dollars."""


@dataclass(frozen=True)
class VendorRow:
    """One vendor's row: its id and the `VENDOR_COLUMNS` values in order ($B over the
    horizon, shares as fractions of 1; None where the summary has no such number)."""

    party: str
    values: tuple[float | None, ...]


def _value(row: Mapping[str, Any] | None, stat: str) -> float | None:
    if row is None:
        return None
    value = row.get(stat)
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is no value


def vendor_rows(summary: Sequence[Mapping[Any, Any]],
                parties: Sequence[tuple[str, str]]) -> list[VendorRow]:
    """The vendors table's rows, one per party of kind ``vendor`` in the order given.

    Parameters
    ----------
    summary : `Result.summary` rows as mappings (deal, party, metric, mean, p05, p50, p95,
        ...); only a party's own rows (deal not a string) are read
    parties : (party id, kind) of the scenario's parties

    Returns
    -------
    list of VendorRow, empty for a scenario without vendors
    """
    index = {(str(r["party"]), str(r["metric"])): r for r in summary
             if not isinstance(r.get("deal"), str)}
    return [VendorRow(party, tuple(_value(index.get((party, metric)), stat)
                                   for metric, stat, _ in VENDOR_COLUMNS))
            for party, kind in parties if kind == "vendor"]
