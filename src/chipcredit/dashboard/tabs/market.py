"""Market: each vendor's share of sales, and fan charts of a vendor's sales and gross
profit."""

from __future__ import annotations

import streamlit as st

from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import fan_chart, market_share_chart
from chipcredit.report.i18n import Catalogue

__all__ = ["draw"]


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    vendors = [p.id for p in result.scenario.parties if p.kind == "vendor"]
    if not vendors:
        st.info(T.t("report.no_vendors"))
        return
    share = cache.chart("market_share", current.run_key, T.lang, (),
                        lambda: market_share_chart(result, lang=T.lang))
    st.plotly_chart(share, key="market_share")
    vendor = st.selectbox(T.t("dashboard.market.pick"), vendors, key="vendor")
    variables = [v for (party, v) in result.reservoir if party == vendor and v != "share"]
    variable = st.radio(T.t("dashboard.labs.variable"), variables, horizontal=True,
                        format_func=lambda v: T.label("variable", v,
                                                      unit=result.scenario.capacity_unit),
                        key="vendor_variable")
    fan = cache.chart("fan", current.run_key, T.lang, (vendor, variable),
                      lambda: fan_chart(result, vendor, variable, lang=T.lang))
    st.plotly_chart(fan, key="vendor_fan")
