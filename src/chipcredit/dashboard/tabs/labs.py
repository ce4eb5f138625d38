"""Labs: fan charts over quarters of each series the run keeps for a lab (`Result.reservoir`):
its revenue, cash, capacity, valuation and arrears, and, for a lab with a spending rule
(``compute.spending``), the compute its short runway cut and deferred (``spending_cut``,
``spending_deferred``); its cumulative default probability by cause; and, as
``chipcredit run``'s parties table says under it, its hardware spend split by vendor
(`spend_split`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.fan import party_fan
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import default_timing_chart
from chipcredit.report.i18n import Catalogue
from chipcredit.report.lab_purchases import lab_purchases, purchases_line

__all__ = ["draw", "spend_split", "spend_split_text"]


def _share(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and value > 0 else None


def spend_split(summary: Mapping[str, Any] | None,
                lab: str) -> tuple[dict[str, float], dict[str, float]] | None:
    """``lab``'s hardware spend split by vendor, pooled over the paths, as
    ``chipcredit run``'s line under its parties table reads it: from the JSON summary's
    ``parties.LAB.purchases_by_vendor.VENDOR``, the ``spend_share`` of each vendor it paid
    (above 0) and the ``vendor_financed_share`` of those whose money in covers part of
    that spend (above 0). None where the lab bought from one vendor with none of its money,
    or the summary has no split."""
    item = ((summary or {}).get("parties") or {}).get(lab)
    bought = item.get("purchases_by_vendor") if isinstance(item, Mapping) else None
    if not isinstance(bought, Mapping):
        return None
    shares = {v: s for v, e in bought.items()
              if isinstance(e, Mapping) and (s := _share(e.get("spend_share"))) is not None}
    financed = {v: s for v, e in bought.items()
                if v in shares and (s := _share(e.get("vendor_financed_share"))) is not None}
    return (shares, financed) if len(shares) >= 2 or financed else None


def spend_split_text(result: cc.Result, T: Catalogue, lab: str) -> str:
    """`spend_split`'s line in ``T``'s words, parties by name: the HTML report's and
    ``chipcredit run``'s line (`chipcredit.report.lab_purchases.purchases_line`), each
    vendor's share of the lab's own hardware spend with the mean $B it is of (``OpenAI buys:
    Nvidia 84% ($157B) · AMD 16% ($29.9B) of its own hardware purchases ...``); ``""``
    where there is none."""
    split = lab_purchases(result.to_dict()).get(lab)
    if split is None:
        return ""
    parties = result.scenario.parties
    return purchases_line(lab, split, T, deterministic=result.deterministic,
                          name=lambda party: party_name(party, parties, T, short=True))


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    labs = [p.id for p in result.scenario.parties if p.kind == "lab"]
    if not labs:
        st.info(T.t("report.no_labs"))
        return
    parties = result.scenario.parties
    names = {p.id: party_name(p.id, parties, T, short=True) for p in parties}
    lab = st.selectbox(T.t("dashboard.labs.pick"), labs, key="lab", format_func=names.__getitem__)
    split = spend_split_text(result, T, lab)
    if split:  # whom the lab bought its hardware from, as under the CLI's parties table
        st.caption(markdown_safe(split))
    variables = [v for (party, v) in result.reservoir if party == lab]
    party_fan(T, current, lab, variables, key="lab")
    timing = cache.chart("default_timing", current.run_key, T.lang, (lab,),
                         lambda: default_timing_chart(result, lab, lang=T.lang))
    st.plotly_chart(timing, key="lab_default")
