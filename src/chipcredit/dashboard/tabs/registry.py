"""Real deals: the bundled registry of real financing deals (sourced rows) and the network
they draw: who funds whom (vendor financing loops) and who buys from whom."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

import chipcredit as cc
from chipcredit.dashboard.cache import Current
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.names import party_name
from chipcredit.dashboard.sidebar import Choice
from chipcredit.report.i18n import Catalogue
from chipcredit.report.sankey_layout import label_width

__all__ = ["BEND", "DASHES", "LABEL_RADIUS", "LABEL_UNIT", "curve", "draw", "edge_hover",
           "edge_status", "edge_width", "network_figure", "registry_table"]

_COLOURS = {"funds": "#d62728", "buys_from": "#1f77b4"}
DASHES = {"executed": "solid", "signed": "dash", "announced": "dot"}
"""An edge's line by its most binding status (`edge_status`): an announced letter of intent
is dotted, never drawn as money that moved."""
_COLUMNS = {"id": "report.col_deal", "from": "report.col_from", "to": "report.col_to",
            "kind": "report.col_kind", "relation": "report.col_relation",
            "amount": "report.col_amount", "basis": "report.col_amount_basis",
            "date": "report.col_date", "terms": "report.col_terms",
            "status": "report.col_status", "source": "report.col_source"}
"""Registry column -> catalogue key of its header."""
BEND = 0.2
"""How far an edge's curve bows to its right, as a share of its length: A → B and B → A
(Nvidia funds OpenAI, OpenAI buys from Nvidia) bow to opposite sides instead of lying on one
line, where the upper one hid the lower."""
LABEL_RADIUS = 1.12
"""Radius of every party's label (the circle of parties has radius 1)."""
LABEL_UNIT = 1 / 205
"""Axis units per px of the network (the circle's radius of 1 is about 205 px, 900 px high
and 820 px wide), to turn a label's estimated width
(`chipcredit.report.sankey_layout.label_width`) into axis units."""
_REACH = 1.85
"""Half the axes' range: the circle (1), the labels' start (`LABEL_RADIUS`) and the longest
label (about 0.7); an annotation outside the range is not drawn."""
_ENDS = (0.07, 0.93)
"""Share of an edge's curve left off at each end, so it stops short of the markers."""
_POINTS = 24


def curve(start: tuple[float, float], end: tuple[float, float],
          bend: float = BEND) -> tuple[list[float], list[float]]:
    """Points (x, y) of the edge from ``start`` to ``end``: a quadratic Bézier curve whose
    control point lies ``bend`` times the distance off the midpoint, to the right of the
    direction of travel, less `_ENDS` of it at each end."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2 + bend * dy, (y0 + y1) / 2 - bend * dx  # right of the direction
    lo, hi = _ENDS
    ts = [lo + (hi - lo) * i / (_POINTS - 1) for i in range(_POINTS)]
    return ([(1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x1 for t in ts],
            [(1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y1 for t in ts])


def edge_hover(source: str, target: str, relation: str, by_status: pd.DataFrame,
               T: Catalogue) -> str:
    """The hover text of one edge of the network: who pays whom and how (by name), then one
    line for each status its deals have, most binding first, with their reported amount
    (``DealNetwork.edges_by_status``, `chipcredit.registry.network.status_parts`) and how
    many of them reported none: an announced letter of intent (Nvidia's "up to $100B" in
    OpenAI) is shown apart from the money that moved, never added to it."""
    head = f"{party_name(source, (), T)} → {party_name(target, (), T)}: " \
           f"{T.t(f'dashboard.registry.{relation}')}"
    mine = by_status[(by_status["from"] == source) & (by_status["to"] == target)
                     & (by_status["relation"] == relation)]
    lines = [head]
    for part in mine.to_dict("records"):
        amount = float(part["amount"])  # NaN where none of its deals reported one
        values = {"status": T.label("deal_status", str(part["status"])),
                  "amount": T.money(None if math.isnan(amount) else amount)}
        count = int(part["not_reported"])
        lines.append(T.t("dashboard.registry.status_unreported", **values, count=count) if count
                     else T.t("dashboard.registry.status", **values))
    return "<br>".join(lines)


def edge_status(edge: Mapping[Any, Any], statuses: tuple[str, ...]) -> tuple[str, float]:
    """An edge's most binding status, and the money its width is drawn by ($B; NaN where no
    deal of it reported an amount).

    The status is the first of ``statuses`` (most binding first) that the edge has: its
    ``amount_<status>`` is not 0 (NaN counts as present: deals none of which reported an
    amount). The money is the binding money, executed plus signed, as reported, where the
    edge has any; an edge of announced deals only is drawn by their amount, dotted
    (`DASHES`). An announced amount is never added to a binding one: Nvidia -> OpenAI is
    drawn by the $30B that moved, not with the "up to $100B" letter of intent (it read
    $130B)."""
    present = [s for s in statuses if (a := float(edge[f"amount_{s}"])) != 0.0 or math.isnan(a)]
    if not present:
        return statuses[-1], 0.0
    binding = [s for s in present if s != "announced"] or present
    parts = [float(edge[f"amount_{s}"]) for s in binding]
    reported = [a for a in parts if not math.isnan(a)]
    return present[0], math.fsum(reported) if reported else math.nan


def registry_table(T: Catalogue) -> pd.DataFrame:
    """The deal registry as the page shows it: one row per registry row, headers in the page's
    language, parties by name, kinds, relations and statuses through the catalogue, and the
    amount as money in the page's unit (``$100B``, ``1000亿美元``; no amount: ``n/a``) with
    what it is (cash, a value, up to, at least, an estimate; n/a without an amount). The
    terms and the source are quoted as the registry gives them."""
    rows = cc.deal_registry()
    labels = {"from": lambda v: party_name(v, (), T), "to": lambda v: party_name(v, (), T),
              "kind": lambda v: T.label("deal_kind", v),
              "relation": lambda v: T.label("relation", v),
              "status": lambda v: T.label("deal_status", v),
              # what an amount is: a warrant's value or an "up to" is not cash
              "basis": lambda v: T.label("amount_basis", v) if v else T.na()}
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


def edge_width(amount: float) -> float:
    """An edge's line width (px) for its money ($B; NaN, none reported, as 0):
    1 + 2 log10(1 + $B), so $1B is 1.6 px, $10B 3.1, $100B 5.0 and $300B 6.0: a log scale,
    on which a $300B edge is about 4 times as wide as a $1B one, not 300 times."""
    return 1 + 2 * math.log10(1 + (0.0 if math.isnan(amount) else amount))


_SAMPLE = "#555"
"""Colour of the status entries of the legend, which hold for both relations."""


def _legend(fig: Any, T: Catalogue, statuses: tuple[str, ...]) -> None:
    """The legend, as entries of traces with no points: each relation by its colour as a
    solid line of one width (an edge's own line would give the entry the dash and width of
    the relation's first edge), then each status by its line (`DASHES`) in grey."""
    import plotly.graph_objects as go

    for relation, colour in _COLOURS.items():
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", legendgroup=relation,
                                 line={"color": colour, "width": 3, "dash": "solid"},
                                 name=T.t(f"dashboard.registry.{relation}"), hoverinfo="skip"))
    for status in statuses:
        if status in DASHES:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", hoverinfo="skip",
                                     line={"color": _SAMPLE, "width": 3, "dash": DASHES[status]},
                                     name=T.label("deal_status", status)))


def network_figure(net: cc.DealNetwork, T: Catalogue) -> Any:
    """The registry's network: parties on a circle, one curved arrow per (from, to, relation),
    red for funding and blue for purchases, its width growing with the money of its most
    binding status (`edge_width`, a log scale) and its line saying which (`edge_status`,
    `DASHES`: solid executed, dashed signed, dotted announced), its hover giving the amount
    of each status apart (`edge_hover`); the legend has each relation (a solid line of its
    colour) and each status (its line); each bows to its right (`curve`), so the two
    directions between two parties never lie on one line. Parties are labelled by name
    (`party_name`) at `LABEL_RADIUS`, written along their radius, away from the circle."""
    import plotly.graph_objects as go

    parties = list(net.nodes["party"])
    counts = net.nodes["edges" if "edges" in net.nodes.columns else "deals"]
    n = max(len(parties), 1)
    where = {p: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n))
             for i, p in enumerate(parties)}
    fig = go.Figure()
    split = net.edges_by_status
    _legend(fig, T, net.statuses)
    for relation, colour in _COLOURS.items():
        for rec in net.edges[net.edges["relation"] == relation].to_dict("records"):
            xs, ys = curve(where[rec["from"]], where[rec["to"]])
            status, amount = edge_status(rec, net.statuses)
            width = edge_width(amount)
            name = T.t(f"dashboard.registry.{relation}")
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines",
                line={"color": colour, "width": width, "dash": DASHES[status]},
                name=name, legendgroup=relation, showlegend=False, hoverinfo="text",
                hovertext=edge_hover(rec["from"], rec["to"], relation, split, T)))
            # the arrowhead: a short arrow along the curve's last step
            fig.add_annotation(x=xs[-1], y=ys[-1], ax=xs[-3], ay=ys[-3], xref="x", yref="y",
                               axref="x", ayref="y", showarrow=True, arrowhead=3, arrowsize=1,
                               arrowwidth=width, arrowcolor=colour, text="")
    fig.add_trace(go.Scatter(
        x=[where[p][0] for p in parties], y=[where[p][1] for p in parties], mode="markers",
        marker={"size": 12, "color": "#444"}, showlegend=False,
        hovertext=[T.t("dashboard.registry.node", party=party_name(p, (), T), count=int(d))
                   for p, d in zip(parties, counts, strict=True)],
        hoverinfo="text"))
    for party, (x, y) in where.items():
        # names outside, away from the arrows, along their radius (as in a chord diagram):
        # neighbours at the top and bottom of the circle, side by side, cannot overlap
        # (plotly turns a label round its centre: the centre sits half the label's estimated
        # length beyond LABEL_RADIUS, so every label starts at LABEL_RADIUS)
        angle = math.degrees(math.atan2(y, x))
        name = party_name(party, (), T)
        r = LABEL_RADIUS + label_width(name) * LABEL_UNIT / 2
        fig.add_annotation(x=r * x, y=r * y, text=name, showarrow=False, xanchor="center",
                           yanchor="middle", textangle=-angle if x >= -1e-9 else 180 - angle,
                           font={"size": 12})
    fig.update_layout(title=T.t("dashboard.registry.title"), height=900,
                      margin={"l": 20, "r": 20, "t": 80, "b": 60},
                      xaxis={"visible": False, "range": [-_REACH, _REACH]},
                      yaxis={"visible": False, "scaleanchor": "x", "range": [-_REACH, _REACH]},
                      legend={"orientation": "h"})
    return fig


def draw(T: Catalogue, current: Current, choice: Choice) -> None:
    net = cc.deal_network()
    st.plotly_chart(network_figure(net, T), key="registry_network")
    st.caption(markdown_safe(T.t("dashboard.registry.width")))  # its $ would start a formula
    if net.cycles:
        st.markdown(T.t("dashboard.registry.cycles"))
        for cycle in net.cycles:
            st.text(" → ".join(party_name(p, (), T) for p in [*cycle, cycle[0]]))
    st.subheader(T.t("dashboard.registry.rows"))
    st.dataframe(registry_table(T), hide_index=True)
