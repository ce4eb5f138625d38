"""Real deals: the bundled registry of real financing deals (sourced rows) and the network
they draw: who funds whom (vendor financing loops) and who buys from whom."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue

__all__ = ["draw", "network_figure", "registry_table"]

_COLOURS = {"funds": "#d62728", "buys_from": "#1f77b4"}
_COLUMNS = {"id": "report.col_deal", "from": "report.col_from", "to": "report.col_to",
            "kind": "report.col_kind", "relation": "report.col_relation",
            "amount": "report.col_amount", "date": "report.col_date", "terms": "report.col_terms",
            "status": "report.col_status", "source": "report.col_source"}
"""Registry column -> catalogue key of its header."""


def registry_table(T: Catalogue) -> pd.DataFrame:
    """The deal registry as the page shows it: one row per registry row, headers in the page's
    language, parties by name, kinds, relations and statuses through the catalogue, and the
    amount as money in the page's unit (``$100B``, ``1000亿美元``; no amount: ``n/a``). The
    terms and the source are quoted as the registry gives them."""
    rows = cc.deal_registry()
    labels = {"from": lambda v: party_name(v, (), T), "to": lambda v: party_name(v, (), T),
              "kind": lambda v: T.label("deal_kind", v),
              "relation": lambda v: T.label("relation", v),
              "status": lambda v: T.label("deal_status", v)}
    out: dict[str, list[str]] = {}
    for column in rows.columns:
        values = rows[column].tolist()
        if column == "amount":
            shown = [T.money(None if pd.isna(v) else float(v)) for v in values]
        elif column in labels:
            shown = [T.na() if pd.isna(v) else labels[column](str(v)) for v in values]
        else:
            shown = [T.na() if pd.isna(v) else str(v) for v in values]
        out[T.t(_COLUMNS[column]) if column in _COLUMNS else column] = shown
    return pd.DataFrame(out)


def network_figure(net: cc.DealNetwork, T: Catalogue) -> Any:
    """The registry's network: parties on a circle, one arrow per (from, to, relation),
    red for funding and blue for purchases, its width growing with the amount ($B). Parties
    are labelled by name (`party_name`); near the top and bottom of the circle, where
    neighbours sit side by side, every other label is set further out so they do not overlap."""
    import plotly.graph_objects as go

    parties = list(net.nodes["party"])
    counts = net.nodes["edges" if "edges" in net.nodes.columns else "deals"]
    n = max(len(parties), 1)
    where = {p: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n))
             for i, p in enumerate(parties)}
    fig = go.Figure()
    for relation, colour in _COLOURS.items():
        shown = False
        for rec in net.edges[net.edges["relation"] == relation].to_dict("records"):
            (x0, y0), (x1, y1) = where[rec["from"]], where[rec["to"]]
            width = 1 + 2 * math.log10(1 + float(rec["amount"] or 0))
            fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x",
                               ayref="y", showarrow=True, arrowhead=3, arrowsize=1,
                               arrowwidth=width, arrowcolor=colour, standoff=12,
                               startstandoff=12)
            if not shown:
                fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines",
                                         line={"color": colour, "width": 3},
                                         name=T.t(f"dashboard.registry.{relation}")))
                shown = True
    fig.add_trace(go.Scatter(
        x=[where[p][0] for p in parties], y=[where[p][1] for p in parties], mode="markers",
        marker={"size": 12, "color": "#444"}, showlegend=False,
        hovertext=[T.t("dashboard.registry.node", party=party_name(p, (), T), count=int(d))
                   for p, d in zip(parties, counts, strict=True)],
        hoverinfo="text"))
    for i, (party, (x, y)) in enumerate(where.items()):  # names outside, away from the arrows
        out = 1.24 if abs(x) < 0.6 and i % 2 else 1.1
        fig.add_annotation(x=out * x, y=out * y, text=party_name(party, (), T), showarrow=False,
                           xanchor="left" if x > 0.2 else "right" if x < -0.2 else "center",
                           font={"size": 12})
    fig.update_layout(title=T.t("dashboard.registry.title"), height=820,
                      margin={"l": 120, "r": 120},
                      xaxis={"visible": False, "range": [-1.5, 1.5]},
                      yaxis={"visible": False, "scaleanchor": "x", "range": [-1.35, 1.35]},
                      legend={"orientation": "h"})
    return fig


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    net = cc.deal_network()
    st.plotly_chart(network_figure(net, T), key="registry_network")
    if net.cycles:
        st.markdown(T.t("dashboard.registry.cycles"))
        for cycle in net.cycles:
            st.text(" → ".join(party_name(p, (), T) for p in [*cycle, cycle[0]]))
    st.subheader(T.t("dashboard.registry.rows"))
    st.dataframe(registry_table(T), hide_index=True)
