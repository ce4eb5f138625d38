"""Market: each vendor's share of sales; fan charts of a vendor's quarterly series (sales,
gross and operating profit, and, for a vendor with ``financials``, its share price and
equity value); the vendor financials table of the report and ``chipcredit run``
(`vendor_financials`); and their table of each vendor's revenue where a buyer defaults and
where it does not (`default_exposure`)."""

from __future__ import annotations

import streamlit as st

from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.fan import party_fan
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import market_share_chart
from chipcredit.report.i18n import Catalogue

from .default_exposure import exposure_table, exposure_text, exposure_title
from .vendor_financials import financials_table, financials_text

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
    parties = result.scenario.parties
    names = {p.id: party_name(p.id, parties, T, short=True) for p in parties}
    vendor = st.selectbox(T.t("dashboard.market.pick"), vendors, key="vendor",
                          format_func=names.__getitem__)
    # every series the run keeps for the vendor: a vendor with financials has its share
    # price and equity value among them, as the report's fans
    variables = [v for (party, v) in result.reservoir if party == vendor and v != "share"]
    party_fan(T, current, vendor, variables, key="vendor")
    table = financials_table(result, T)
    if not table.empty:  # a vendor with financials: the report's table under its fans
        st.subheader(T.t("report.vendor_financials"))
        st.dataframe(table, hide_index=True)
        st.caption(markdown_safe(financials_text(result, T)))
    split = exposure_table(result, T)
    if not split.empty:  # a vendor's revenue where a lab defaults, and where not: the report's
        st.subheader(exposure_title(result, T))
        st.dataframe(split, hide_index=True)
        st.caption(markdown_safe(exposure_text(T)))
