"""Money flows: the Sankey of flows by kind between parties and SPVs, with a period slider
inside the chart, a choice of transfer kinds, and the flows as a table."""

from __future__ import annotations

import streamlit as st

from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import sankey_chart
from chipcredit.report.i18n import Catalogue

__all__ = ["draw"]


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    flows = result.flows()
    kinds = list(dict.fromkeys(flows["kind"]))
    with st.expander(T.t("dashboard.flows.kinds")):
        chosen = st.multiselect(T.t("dashboard.flows.kinds"), kinds, default=kinds,
                                format_func=lambda k: T.label("kind", k), key="flow_kinds",
                                label_visibility="collapsed")
    if not chosen:
        st.info(T.t("dashboard.flows.none"))
        return
    fig = cache.chart("sankey", current.run_key, T.lang, tuple(chosen),
                      lambda: sankey_chart(result, kinds=chosen, lang=T.lang))
    st.plotly_chart(fig, key="sankey")
    with st.expander(T.t("dashboard.flows.table")):
        totals = (flows[flows["kind"].isin(chosen)]
                  .groupby(["from", "to", "kind"], sort=False)["mean"].sum().reset_index())
        totals = totals.rename(columns={"mean": T.t("dashboard.flows.total")})
        st.dataframe(totals, hide_index=True)
