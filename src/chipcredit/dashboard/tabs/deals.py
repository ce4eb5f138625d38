"""Deals: the distribution over paths of one party's NPV, IRR or MOIC on one deal, and one
path's cash flows of the deal, transfer by transfer."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import outcome_histogram
from chipcredit.report.i18n import Catalogue

__all__ = ["LABEL_ROOM", "METRICS", "cashflow_table", "clear_of_labels", "draw"]

METRICS = ("npv", "irr", "moic", "loss", "npv_realised", "moic_realised", "peak_exposure")
"""Metrics offered, where the deal has them for the party."""


LABEL_ROOM = 0.22
"""Share of the histogram's height kept above its tallest bar for the p05, p50 and p95
labels, which the chart writes in rows from its top down (0.07 of the height apart, each
about 0.05 high): the p50 label sat on the tallest bar."""


def clear_of_labels(fig: Any) -> Any:
    """``fig`` (`outcome_histogram` of one metric) with its y-axis from 0 to its tallest bar
    over 1 - `LABEL_ROOM`, so that no bar reaches the rows of its percentile labels."""
    tops = [max((float(v) for v in (bar.y or ()) if v is not None), default=0.0)
            for bar in fig.data if bar.type == "bar"]
    top = max(tops, default=0.0)
    if top > 0:
        fig.update_yaxes(range=[0.0, top / (1 - LABEL_ROOM)])
    return fig


def _kind(T: Catalogue, kind: str) -> str:
    # the kinds of `chipcredit.report.kinds`, by the catalogue's label (as in the flows table)
    if T.has(f"kind.{kind}"):
        return T.t(f"kind.{kind}")
    if T.has(f"dashboard.deals.kind_{kind}"):  # a line of the deal's own: the horizon mark
        return T.t(f"dashboard.deals.kind_{kind}")
    return kind


def cashflow_table(result: cc.Result, deal: str, T: Catalogue, path: int = 0) -> pd.DataFrame:
    """One path's cash flows of a deal (`Result.cashflows`) as the page shows them: the
    quarter and whether at its start or end, payer and payee by name (`party_name`; an SPV
    by its deal id), the kind by its label, the amount as money in the page's unit, and
    whether the deal's NPV, IRR and MOIC count the line (yes/no; a line they leave out is
    one the deal causes but that is another's money, such as the SPV paying the vendor for
    its chips, which is the vendor's sale). The quarter index (``time``) is left out: the
    quarter says it."""
    flows = result.cashflows(deal, path=path)
    parties = result.scenario.parties
    return pd.DataFrame({
        T.t("dashboard.deals.col_quarter"): flows["quarter"].astype(str).tolist(),
        T.t("dashboard.deals.col_timing"): [T.t(f"dashboard.deals.timing_{w}") for w in flows["timing"]],
        T.t("report.col_from"): [party_name(str(p), parties, T) for p in flows["from"]],
        T.t("report.col_to"): [party_name(str(p), parties, T) for p in flows["to"]],
        T.t("report.col_kind"): [_kind(T, str(k)) for k in flows["kind"]],
        T.t("dashboard.deals.col_amount"): [T.money(float(a)) for a in flows["amount"]],
        T.t("dashboard.deals.col_counted"): [T.t("report.answer_yes" if c else "report.answer_no")
                                             for c in flows["counted"]],
    })


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    pairs = result.deal_parties()
    if not pairs:
        st.info(T.t("report.no_deals"))
        return
    parties = result.scenario.parties
    names = {p.id: party_name(p.id, parties, T, short=True) for p in parties}
    deal, party = st.selectbox(T.t("dashboard.deals.pick"), pairs, key="deal_pair",
                               format_func=lambda p: f"{p[0]} · {names.get(p[1], p[1])}")
    summary = result.summary()
    have = set(summary[(summary["deal"] == deal) & (summary["party"] == party)]["metric"])
    metrics = [m for m in METRICS if m in have]
    metric = st.radio(T.t("dashboard.deals.metric"), metrics, horizontal=True,
                      format_func=lambda m: T.label("metric", m), key="deal_metric")
    fig = cache.chart("histogram", current.run_key, T.lang, (deal, party, metric),
                      lambda: clear_of_labels(outcome_histogram(result, deal, party, metric,
                                                                lang=T.lang)))
    st.plotly_chart(fig, key="deal_histogram")
    with st.expander(T.t("dashboard.deals.cashflows")):
        st.dataframe(cashflow_table(result, deal, T), hide_index=True)
        st.caption(T.t("dashboard.deals.cashflows_note"))
