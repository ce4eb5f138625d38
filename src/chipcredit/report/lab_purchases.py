"""A lab's own hardware purchases by vendor, one line per lab, in the catalogue's words.

``chipcredit run`` prints the line under its parties table, the HTML report under its
parties table, the dashboard on its Labs tab: each reads the JSON summary's
``parties.LAB.purchases_by_vendor.VENDOR`` (`chipcredit.analytics.lab_purchases`) through
`lab_purchases` and words it with `purchases_line`, so the three give the same figures.

The line gives the amounts its percentages are of: the mean spend with each vendor and their
sum, and each vendor's mean money in ($B over the horizon, means over the paths). The shares
are the JSON's pooled ``spend_share`` and ``vendor_financed_share`` (ratios of those means).
The base is the lab's own purchases only: capacity it rents from a cloud or leases from an
SPV is the cloud's or the SPV's purchase, not the lab's, and the line says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .i18n import Catalogue

__all__ = ["LabPurchases", "lab_purchases", "purchases_line"]


def _positive(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def _mean(entry: Mapping[str, Any], metric: str) -> float | None:
    stats = entry.get(metric)
    mean = stats.get("mean") if isinstance(stats, Mapping) else None
    return float(mean) if isinstance(mean, int | float) else None


class LabPurchases(dict[str, float]):
    """A lab's pooled split of its own hardware spend, ``{vendor: spend_share}`` (the shares
    above 0), with ``financed``: ``{vendor: vendor_financed_share}`` for the vendors whose
    money in covers part of it (above 0); ``spend``: ``{vendor: mean spend_total}`` and
    ``money_in``: ``{vendor: mean vendor_money_in}`` ($B over the horizon; None where the
    summary has no figure)."""

    financed: dict[str, float]
    spend: dict[str, float | None]
    money_in: dict[str, float | None]

    def __init__(self, shares: Mapping[str, float], financed: Mapping[str, float],
                 spend: Mapping[str, float | None] | None = None,
                 money_in: Mapping[str, float | None] | None = None) -> None:
        super().__init__(shares)
        self.financed = dict(financed)
        self.spend = dict(spend or {})
        self.money_in = dict(money_in or {})


def lab_purchases(summary: Mapping[str, Any] | None) -> dict[str, LabPurchases]:
    """``{lab: LabPurchases}`` from a JSON summary's ``parties.LAB.purchases_by_vendor``, for
    the labs that bought from two vendors or more (a ``spend_share`` above 0) or whose spend
    a vendor's money in partly covers (``vendor_financed_share`` above 0). Empty for a
    summary without them (a run stored before they were reported, or none)."""
    out: dict[str, LabPurchases] = {}
    for lab, item in ((summary or {}).get("parties") or {}).items():
        bought = item.get("purchases_by_vendor") if isinstance(item, Mapping) else None
        if not isinstance(bought, Mapping):
            continue
        entries = {v: e for v, e in bought.items() if isinstance(e, Mapping)}
        shares = {v: s for v, e in entries.items()
                  if (s := _positive(e.get("spend_share"))) is not None}
        financed = {v: s for v, e in entries.items()
                    if v in shares and (s := _positive(e.get("vendor_financed_share"))) is not None}
        if len(shares) >= 2 or financed:
            out[lab] = LabPurchases(shares, financed,
                                    {v: _mean(entries[v], "spend_total") for v in shares},
                                    {v: _mean(entries[v], "vendor_money_in") for v in financed})
    return out


def purchases_line(lab: str, split: LabPurchases, cat: Catalogue, *, deterministic: bool = False,
                   name: Callable[[str], str] | None = None) -> str:
    """``lab``'s line: each vendor's share of its own hardware spend with the mean spend it
    is of, their sum, each vendor's money in and the share of its spend that covers, and
    that rented and SPV-leased capacity is not counted (``report.lab_buys``). Parties are
    named by ``name`` (their ids without it); a ``deterministic`` run's figures are its one
    path's totals, not means."""
    named = name or (lambda party: party)

    def pct(share: float) -> str:
        return cat.t("number.percent", value=f"{share * 100:.0f}")

    items = cat.t("report.lab_buys_separator").join(
        cat.t("report.lab_buys_item", vendor=named(v), share=pct(s),
              amount=cat.money(split.spend.get(v))) for v, s in split.items())
    covers = "".join(cat.t("report.lab_buys_covers", vendor=named(v), share=pct(s),
                           amount=cat.money(split.money_in.get(v)))
                     for v, s in split.financed.items())
    spent = [x for x in (split.spend.get(v) for v in split) if x is not None]
    total = cat.money(sum(spent)) if len(spent) == len(split) else cat.na()
    basis = cat.t("report.lab_buys_base" if deterministic else "report.lab_buys_pooled")
    return cat.t("report.lab_buys", lab=named(lab), split=items, total=total, basis=basis,
                 covers=covers)
