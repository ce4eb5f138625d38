"""A vendor's self-funded revenue year by year: how much of its revenue in each calendar
year of the horizon was paid with its own money coming back (money provenance,
docs/design.md section 5).

The horizon totals (``self_funded_revenue``, ``self_funded_revenue_share``) are sums over
every quarter of the horizon, ten years in seed-2025, so a share that is 3% in the first
quarter and a twentieth of that later reads as a fraction of 1%. These figures split it by
calendar year, from the run's exact per-quarter sums over all paths (`Result.series_sums`
of the vendor's ``sales``, `Result.self_funded_sums` of the ``sale`` flows into it), so they
do not depend on the path count beyond the sampling, nor on the chunking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from chipcredit.units import QUARTERS_PER_YEAR, format_quarter

if TYPE_CHECKING:
    from .result import Result

__all__ = ["SALE", "part_quarters", "self_funded_by_year"]

SALE = "sale"
"""The flow kind of a vendor's sale, the only kind its self-funded revenue counts (as the
provenance does: `chipcredit.engine.provenance`)."""


def self_funded_by_year(result: Result, vendor: str) -> list[dict[str, Any]] | None:
    """The vendor's mean revenue and mean self-funded revenue in each calendar year of the
    horizon, and the share of the one in the other.

    The share is the ratio of the two means (the vendor's own money in its mean revenue
    that year), not the mean of the per-path shares that the horizon's
    ``self_funded_revenue_share`` is: a year's share by path is undefined on a path with no
    sales that year, and a ratio of means adds up (the years' self-funded revenue sums to
    the horizon's mean ``self_funded_revenue``).

    Parameters
    ----------
    result : the run
    vendor : a vendor's party id

    Returns
    -------
    list of dict, one per calendar year the horizon touches, in order, or None
        ``year`` (int), ``first`` and ``last`` (its first and last quarter in the horizon,
        ``2025Q4``: the first and last year may be part years), ``quarters`` (int, 1-4),
        ``revenue_mean`` and ``self_funded_revenue_mean`` ($B over those quarters, means
        over all paths) and ``self_funded_share`` (their ratio, a fraction of 1; None where
        the mean revenue is 0). None where the run traced no provenance (no
        ``self_funded_revenue``) or has no sales series for ``vendor``.
    """
    sales = result.series_sums.get((vendor, "sales"))
    if sales is None or not result.self_funded_sums:
        return None
    own = np.zeros(len(sales))
    for (_, to, kind), sums in result.self_funded_sums.items():
        if to == vendor and kind == SALE:
            own = own + sums
    start = result.scenario.start_index
    years = (start + np.arange(len(sales))) // QUARTERS_PER_YEAR
    out: list[dict[str, Any]] = []
    for year in np.unique(years):
        at = np.flatnonzero(years == year)
        revenue = float(sales[at].sum()) / result.paths
        mine = float(own[at].sum()) / result.paths
        out.append({"year": int(year), "first": format_quarter(start + int(at[0])),
                    "last": format_quarter(start + int(at[-1])), "quarters": len(at),
                    "revenue_mean": revenue, "self_funded_revenue_mean": mine,
                    "self_funded_share": mine / revenue if revenue > 0 else None})
    return out


def part_quarters(item: Mapping[str, Any]) -> str | None:
    """The quarters of a part year among `self_funded_by_year`'s items, as its tables name
    them (``Q4``, ``Q1-Q3``), or None for a whole year."""
    if item["quarters"] == QUARTERS_PER_YEAR:
        return None
    first, last = str(item["first"])[-2:], str(item["last"])[-2:]
    return first if first == last else f"{first}-{last}"
