"""A vendor's self-funded revenue split by the buyer that paid it: which customers the
vendor's own money came back through (money provenance, docs/design.md section 5).

The horizon's ``self_funded_revenue`` is one number per vendor; these figures split its
mean by the payer of each ``sale`` flow into the vendor (a lab, a cloud, an SPV), from the
run's exact sums over all paths (`Result.self_funded_sums`), so the parts add up to the
mean ``self_funded_revenue`` and, like `chipcredit.analytics.vendor_years`, do not depend on
the chunking.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .vendor_years import SALE

if TYPE_CHECKING:
    from .result import Result

__all__ = ["self_funded_by_buyer"]


def self_funded_by_buyer(result: Result, vendor: str) -> dict[str, float] | None:
    """The vendor's mean self-funded revenue over the horizon by the buyer that paid it.

    Parameters
    ----------
    result : the run
    vendor : a vendor's party id

    Returns
    -------
    dict or None
        Buyer's party id to its part, $B over the horizon, the mean over all paths of the
        sales it paid to ``vendor`` with the vendor's own money; largest first (ties in the
        order the flows were recorded). Every buyer whose purchases the provenance traced
        is listed, 0 included; one it did not trace (a ``buyer`` party, paying from outside
        money) paid none of it. So the parts add up to the vendor's mean
        ``self_funded_revenue``. None where the run traced no provenance (no
        ``self_funded_sums``) or no traced buyer bought from the vendor.
    """
    if not result.self_funded_sums:
        return None
    parts: dict[str, float] = {}
    for (payer, to, kind), sums in result.self_funded_sums.items():
        if to == vendor and kind == SALE:
            parts[payer] = parts.get(payer, 0.0) + float(sums.sum()) / result.paths
    if not parts:
        return None
    return dict(sorted(parts.items(), key=lambda item: -item[1]))
