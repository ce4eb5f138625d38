"""Deals: the distribution over paths of one party's NPV, IRR or MOIC on one deal, and one
path's cash flows of the deal, transfer by transfer."""

from __future__ import annotations

import streamlit as st

from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import outcome_histogram
from chipcredit.report.i18n import Catalogue

__all__ = ["METRICS", "draw"]

METRICS = ("npv", "irr", "moic", "loss", "npv_realised", "moic_realised", "peak_exposure")
"""Metrics offered, where the deal has them for the party."""


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
                      lambda: outcome_histogram(result, deal, party, metric, lang=T.lang))
    st.plotly_chart(fig, key="deal_histogram")
    with st.expander(T.t("dashboard.deals.cashflows")):
        st.dataframe(result.cashflows(deal, path=0), hide_index=True)
