"""Labs: fan charts over quarters of each series the run keeps for a lab (`Result.reservoir`):
its revenue, cash, capacity, valuation and arrears, and, for a lab with a spending rule
(``compute.spending``), the compute its short runway cut and deferred (``spending_cut``,
``spending_deferred``); and its cumulative default probability by cause."""

from __future__ import annotations

import streamlit as st

from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.fan import party_fan
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import default_timing_chart
from chipcredit.report.i18n import Catalogue

__all__ = ["draw"]


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    labs = [p.id for p in result.scenario.parties if p.kind == "lab"]
    if not labs:
        st.info(T.t("report.no_labs"))
        return
    parties = result.scenario.parties
    names = {p.id: party_name(p.id, parties, T, short=True) for p in parties}
    lab = st.selectbox(T.t("dashboard.labs.pick"), labs, key="lab", format_func=names.__getitem__)
    variables = [v for (party, v) in result.reservoir if party == lab]
    party_fan(T, current, lab, variables, key="lab")
    timing = cache.chart("default_timing", current.run_key, T.lang, (lab,),
                         lambda: default_timing_chart(result, lab, lang=T.lang))
    st.plotly_chart(timing, key="lab_default")
