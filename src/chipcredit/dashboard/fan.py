"""A fan chart of one party's quarterly variable, picked from those the run kept for it
(the labs and market tabs)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.report.charts import fan_chart
from chipcredit.report.i18n import Catalogue

__all__ = ["THOUSANDS", "party_fan", "with_thousands"]

THOUSANDS = ",~r"
"""A number axis's tick format: thousands separated (``1,000``, not ``1000``; plotly
separates them only from five digits), decimals as needed (``0.5``)."""


def with_thousands(fig: Any) -> Any:
    """``fig`` with its y-axis ticked by `THOUSANDS`, unless the chart gave it a format of
    its own (a share's percent)."""
    if not fig.layout.yaxis.tickformat:
        fig.update_yaxes(tickformat=THOUSANDS)
    return fig


def party_fan(T: Catalogue, current: Current, party: str, variables: list[str], key: str) -> None:
    """A radio over ``variables`` of ``party`` and the fan chart of the one picked; the
    widgets' keys are ``{key}_variable`` and ``{key}_fan``."""
    result = current.result
    variable = st.radio(T.t("dashboard.labs.variable"), variables, horizontal=True,
                        format_func=lambda v: T.label("variable", v,
                                                      unit=result.scenario.capacity_unit),
                        key=f"{key}_variable")
    fan = cache.chart("fan", current.run_key, T.lang, (party, variable),
                      lambda: with_thousands(fan_chart(result, party, variable, lang=T.lang)))
    st.plotly_chart(fan, key=f"{key}_fan")
