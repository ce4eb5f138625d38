"""A fan chart of one party's quarterly variable, picked from those the run kept for it
(the labs and market tabs)."""

from __future__ import annotations

import streamlit as st

from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.report.charts import fan_chart
from chipcredit.report.i18n import Catalogue

__all__ = ["party_fan"]


def party_fan(T: Catalogue, current: Current, party: str, variables: list[str], key: str) -> None:
    """A radio over ``variables`` of ``party`` and the fan chart of the one picked; the
    widgets' keys are ``{key}_variable`` and ``{key}_fan``."""
    result = current.result
    variable = st.radio(T.t("dashboard.labs.variable"), variables, horizontal=True,
                        format_func=lambda v: T.label("variable", v,
                                                      unit=result.scenario.capacity_unit),
                        key=f"{key}_variable")
    fan = cache.chart("fan", current.run_key, T.lang, (party, variable),
                      lambda: fan_chart(result, party, variable, lang=T.lang))
    st.plotly_chart(fan, key=f"{key}_fan")
