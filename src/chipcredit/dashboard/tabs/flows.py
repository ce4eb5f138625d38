"""Money flows: the Sankey of flows by kind between parties and SPVs, with a period slider
inside the chart, a choice of transfer kinds, a switch for the outside world, and the flows as
a table in the page's language and money unit."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit.dashboard import cache
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.charts import sankey_chart
from chipcredit.report.i18n import Catalogue
from chipcredit.report.sankey_flows import OUTSIDE
from chipcredit.report.sankey_labels import node_name
from chipcredit.report.sankey_layout import MARGIN, label_width

__all__ = ["LEGEND_PX", "TABLE_WIDTHS", "draw", "flow_columns", "flow_table", "legend_rows"]

LEGEND_PX = 736 - MARGIN - 56
"""Width (px) a row of the Sankey's legend may take: the page's main column at 1,280 px
(736 px) less the chart's left margin, where the legend starts, and a margin for the
estimate of `label_width` (the report's two rows ran 60 px past the chart's right edge)."""
_GAP = "   "
"""Between two items of a row of the legend, as the report's legend has it."""
_TAG = re.compile(r"<[^>]+>")
TABLE_WIDTHS = {"report.col_from": 230, "report.col_to": 230, "report.col_kind": 170,
                "report.col_total": 90}
"""Width (px) of each column of the flows table: 720 px in all, inside the page's 736 px at
1,280 px wide, so the Total column is not cut off by the long names; a name cut short reads
in full on hover."""


def flow_table(result: cc.Result, kinds: list[str], T: Catalogue) -> pd.DataFrame:
    """The flows of ``kinds`` summed over quarters by (from, to, kind), largest first, as the
    page shows them: parties by name, kinds by their catalogue label, headers in the page's
    language, the mean over paths as money text in its unit (``$17.7B``, ``177亿美元``). The
    outside world paid is named as in the Sankey: "suppliers and costs (outside world)"."""
    flows = result.flows()
    totals = (flows[flows["kind"].isin(kinds)]
              .groupby(["from", "to", "kind"], sort=False)["mean"].sum().reset_index()
              .sort_values("mean", ascending=False, kind="stable"))
    return pd.DataFrame({
        T.t("report.col_from"): [node_name(result, p, T) for p in totals["from"]],
        T.t("report.col_to"): [node_name(result, "\u2192" + p if p in OUTSIDE else p, T)
                               for p in totals["to"]],
        T.t("report.col_kind"): [T.label("kind", k) for k in totals["kind"]],
        T.t("report.col_total"): [T.money(float(v)) for v in totals["mean"]],
    })


def flow_columns(T: Catalogue) -> dict[str, Any]:
    """``st.dataframe``'s column configuration of the flows table: `TABLE_WIDTHS`."""
    return {T.t(key): st.column_config.TextColumn(width=width) for key, width in TABLE_WIDTHS.items()}


def legend_rows(text: str, width: float = LEGEND_PX) -> str:
    """The report's Sankey legend (`chipcredit.report.sankey_labels.legend_text`: items
    of a coloured square and a name, in two rows) rewrapped so that no row is wider than
    ``width`` px by `label_width`'s estimate: items in their order, as many to a row as fit
    (one at least)."""
    items = [item for item in re.split(rf"<br>|{_GAP}", text) if item]
    rows: list[list[str]] = []
    used = 0.0
    for item in items:
        size = label_width(_TAG.sub("", item))
        if rows and used + label_width(_GAP) + size <= width:
            rows[-1].append(item)
            used += label_width(_GAP) + size
        else:
            rows.append([item])
            used = size
    return "<br>".join(_GAP.join(row) for row in rows)


def _fitted(fig: Any) -> Any:
    """``fig`` with its legend rewrapped by `legend_rows` to the page's width."""
    for note in fig.layout.annotations:
        if note.name == "legend":
            note.text = legend_rows(str(note.text))
    return fig


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    result = current.result
    flows = result.flows()
    kinds = list(dict.fromkeys(flows["kind"]))
    with st.expander(T.t("dashboard.flows.kinds")):
        chosen = st.multiselect(T.t("dashboard.flows.kinds"), kinds, default=kinds,
                                format_func=lambda k: T.label("kind", k), key="flow_kinds",
                                label_visibility="collapsed")
    # The full picture by default: where the money comes from and goes. The chart keeps every
    # link between the scenario's own parties and SPVs, so the loop is there; switching the
    # outside world off lets the loop fill the chart.
    outside = st.toggle(T.t("chart.sankey_outside"), value=True, key="flow_outside",
                        help=T.t("chart.sankey_outside_help"))
    if not chosen:
        st.info(T.t("dashboard.flows.none"))
        return
    fig = cache.chart("sankey", current.run_key, T.lang, (*chosen, outside),
                      lambda: _fitted(sankey_chart(result, kinds=chosen, outside=outside,
                                                   lang=T.lang)))
    st.plotly_chart(fig, key="sankey")
    st.caption(T.t("chart.sankey_colours"))
    with st.expander(T.t("report.flows_table")):
        st.dataframe(flow_table(result, chosen, T), hide_index=True, column_config=flow_columns(T))
