"""A lab's hardware purchases split by vendor: the JSON ``parties.LAB.purchases_by_vendor``.

The per-path outcomes are ``purchases|LAB|units_total|VENDOR`` (capacity units) and
``purchases|LAB|spend_total|VENDOR`` ($B over the horizon), for every lab and every vendor
of the scenario (`chipcredit.analytics.metrics.reduce_chunk`). They count the vendor's
``sale`` flows the lab paid: its own purchases (fixed shares, the vendor choice, committed
purchases) and a vendor credit's delivery, which the lab buys with the credit drawn. An
SPV's purchase for its lessee is the SPV's (the SPV pays and owns the GPUs), and a cloud's
is the cloud's: neither is counted here.

``purchases|LAB|vendor_money_in|VENDOR`` ($B over the horizon) is the money the vendor's
deals put into the lab (`chipcredit.analytics.metrics.VENDOR_MONEY_KINDS`: equity,
tranches, loans and credit drawn, its warrant's share sale proceeds; a credit's conversion
into shares moves no money and is not counted again), and
``vendor_financed_share`` its pooled ratio to ``spend_total``: a ratio of two totals, with
no tracing of which dollar paid for what (the vendors' ``self_funded_revenue`` traces it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .metrics import PURCHASE_METRICS, column

if TYPE_CHECKING:
    from .result import Result

__all__ = ["purchases_by_vendor", "spend_split"]


def purchases_by_vendor(result: Result, lab: str) -> dict[str, Any] | None:
    """The JSON ``purchases_by_vendor`` of ``lab``: ``{VENDOR: {"units_total": S,
    "spend_total": S, "vendor_money_in": S, "spend_share": float | None,
    "vendor_financed_share": float | None}}`` in scenario order, or None where the run has
    no purchase outcomes for it (not a lab).

    ``units_total`` (capacity units), ``spend_total`` and ``vendor_money_in`` ($B) are the
    usual statistics over all paths (`Result.describe`); ``spend_share`` is the pooled share
    of the lab's hardware spend that went to the vendor: its spend summed over all paths over
    the lab's spend with every vendor summed over all paths (the ratio of the exact means),
    None where the lab bought nothing on any path. ``vendor_financed_share`` is the vendor's
    money in summed over all paths over the lab's spend with that vendor summed over all
    paths, None where the lab bought nothing from it on any path (it can exceed 1 where the
    vendor put in more than the lab spent with it).
    """
    vendors = [p.id for p in result.scenario.parties if p.kind == "vendor"
               and column("purchases", lab, "spend_total", p.id) in result.outcomes]
    if not vendors:
        return None
    means = {v: result.mean(column("purchases", lab, "spend_total", v)) for v in vendors}
    total = sum(means.values())
    out: dict[str, Any] = {}
    for vendor in vendors:
        entry: dict[str, Any] = {metric: result.describe(column("purchases", lab, metric, vendor))
                                 for metric in PURCHASE_METRICS
                                 if column("purchases", lab, metric, vendor) in result.outcomes}
        entry["spend_share"] = means[vendor] / total if total > 0 else None
        money = column("purchases", lab, "vendor_money_in", vendor)
        entry["vendor_financed_share"] = (result.mean(money) / means[vendor]
                                          if means[vendor] > 0 and money in result.outcomes
                                          else None)
        out[vendor] = entry
    return out


def spend_split(result: Result, lab: str) -> dict[str, float] | None:
    """``{VENDOR: pooled share of the lab's hardware spend}`` (`purchases_by_vendor`'s
    ``spend_share``) where the lab bought from two vendors or more on some path, else None."""
    entry = purchases_by_vendor(result, lab)
    if entry is None:
        return None
    shares = {v: item["spend_share"] for v, item in entry.items()
              if item["spend_share"] is not None and item["spend_share"] > 0}
    return shares if len(shares) >= 2 else None
