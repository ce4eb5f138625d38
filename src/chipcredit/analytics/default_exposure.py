"""A vendor's revenue on the paths where a party defaults, against the paths where it
does not: "what if the labs fail" as the run already answers it.

The split is over the run's own paths, so it is a conditional, not a counterfactual: the
paths on which a lab defaults are also, mostly, paths of weak demand for compute, and a
vendor sells less on them to every buyer. The gap between the two medians is what a
reader sees of the vendor's fortunes in the world where the lab fails, not what the lab's
failure alone costs the vendor (`chipcredit compare` with ``--without DEAL`` isolates a
deal's own effect). The report says so beside the figures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from .result import Result

__all__ = ["EXPOSURE_FIELDS", "revenue_given_default"]

EXPOSURE_FIELDS = ("default_share", "median_if_default", "median_if_not", "mean_if_default",
                   "mean_if_not")
"""The figures of each party in `revenue_given_default`, in order."""


def revenue_given_default(result: Result, vendor: str) -> dict[str, dict[str, float | None]] | None:
    """The vendor's total revenue over the horizon, split by whether each party that can
    default defaults within the horizon.

    Parameters
    ----------
    result : the run
    vendor : a vendor's party id

    Returns
    -------
    dict or None
        For each party that can default (a lab, or a cloud on its own balance sheet), in
        scenario order: ``default_share``, the share of all paths on which it defaults
        within the horizon (its ``default_probability``); ``median_if_default`` and
        ``mean_if_default``, the median and mean over those paths of the vendor's
        ``revenue_total`` ($B over the horizon); ``median_if_not`` and ``mean_if_not``, the
        same over the other paths. A figure is None where its paths are none (a party that
        never defaults, or always does; one of the two in a one-path run). The paths split
        into the two groups, so ``default_share * mean_if_default + (1 - default_share) *
        mean_if_not`` is the mean revenue. None where the run has no revenue for
        ``vendor`` or no party that can default.
    """
    revenue = result.outcomes.get(f"party|{vendor}|revenue_total")
    if revenue is None:
        return None
    values = np.asarray(revenue, dtype=np.float64)
    out: dict[str, dict[str, float | None]] = {}
    for party in result.scenario.parties:
        quarter = result.outcomes.get(f"party|{party.id}|default_quarter")
        if quarter is None or not party.can_default:  # a funded cloud: its parent pays
            continue
        failed = np.asarray(quarter) >= 0
        out[party.id] = {
            "default_share": float(failed.mean()),
            "median_if_default": _stat(np.median, values[failed]),
            "median_if_not": _stat(np.median, values[~failed]),
            "mean_if_default": _stat(np.mean, values[failed]),
            "mean_if_not": _stat(np.mean, values[~failed]),
        }
    return out or None


def _stat(function: Callable[[NDArray[np.float64]], Any], values: NDArray[np.float64]
          ) -> float | None:
    return None if values.size == 0 else float(function(values))
