"""Real deals: the bundled registry of real financing deals (sourced rows) and the network
they draw: who funds whom (vendor financing loops) and who buys from whom."""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

import chipcredit as cc
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue

__all__ = ["draw", "network_figure"]

_COLOURS = {"funds": "#d62728", "buys_from": "#1f77b4"}


def network_figure(net: cc.DealNetwork, T: Catalogue) -> Any:
    """The registry's network: parties on a circle, one arrow per (from, to, relation),
    red for funding and blue for purchases, its width growing with the amount ($B)."""
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
        hovertext=[T.t("dashboard.registry.node", party=p, count=int(d))
                   for p, d in zip(parties, counts, strict=True)],
        hoverinfo="text"))
    for party, (x, y) in where.items():  # names outside the circle, away from the arrows
        fig.add_annotation(x=1.1 * x, y=1.1 * y, text=party, showarrow=False,
                           xanchor="left" if x > 0.2 else "right" if x < -0.2 else "center",
                           font={"size": 12})
    fig.update_layout(title=T.t("dashboard.registry.title"), height=820,
                      margin={"l": 120, "r": 120},
                      xaxis={"visible": False, "range": [-1.5, 1.5]},
                      yaxis={"visible": False, "scaleanchor": "x", "range": [-1.25, 1.25]},
                      legend={"orientation": "h"})
    return fig


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    net = cc.deal_network()
    st.plotly_chart(network_figure(net, T), key="registry_network")
    if net.cycles:
        st.markdown(T.t("dashboard.registry.cycles"))
        for cycle in net.cycles:
            st.text(" → ".join([*cycle, cycle[0]]))
    st.subheader(T.t("dashboard.registry.rows"))
    st.dataframe(cc.deal_registry(), hide_index=True)
