"""The Sankey of money flows: parties and SPVs as nodes, total flows by kind as links.

A slider picks the period: all years, or one calendar year at a time, so the reader sees the
loop (vendor → SPV → lab → vendor) grow. Each period is one ``Sankey`` trace with the same
nodes in the same order; the slider makes one of them visible. This module draws the figure;
its parts are their own modules: the links and which are kept (`sankey_flows`), the nodes'
columns and order (`sankey_columns`), their positions and the figure's size
(`sankey_layout`), and the names, labels, slider steps and legend (`sankey_labels`).

Colours: a band's colour is its kind's family (`chipcredit.report.kinds`: funding,
purchases, revenue, debt service, rent, costs, recoveries, warrants, other), the same in every
chart and every run, with a legend under the chart (annotations, so the PNG has it too); a
self-funded part of a link (see `sankey_flows`) is red, labelled as such; nodes are one
neutral colour.

Direction: nodes are handed to plotly in the order of their columns, left to right, so that
plotly draws the money flowing back as the loops and the main flows go forward (see
`sankey_columns`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from chipcredit.analytics.result import Result

from .i18n import Catalogue, catalogue
from .kinds import kind_colour
from .sankey_columns import FIRST_KINDS, node_columns, node_order
from .sankey_flows import OUTSIDE, SINK, kept, sankey_links
from .sankey_labels import legend_text, node_labels, node_name, period_label
from .sankey_layout import BOTTOM, HEIGHT, MARGIN, PAD, TOP, node_rows
from .theme import SELF_FUNDED, finish, graph_objects, new_figure, rgba, source_of

if TYPE_CHECKING:
    import plotly.graph_objects as go

# node_columns and node_rows: docs/dashboard.md names them here, where the chart uses them
__all__ = ["ALPHA", "HALO", "NODE_COLOUR", "SELF_ALPHA", "node_columns", "node_rows", "sankey_chart"]

NODE_COLOUR = "#5B6770"
"""Every node's colour: colours are the bands' (the kinds'), a node is named by its label."""
ALPHA, SELF_ALPHA = 0.45, 0.75
"""Opacity of a band in its family's colour, and of a self-funded (red) band."""
HALO = ", ".join(f"{x}px {y}px 2px #FFFFFF" for x in (-1, 1) for y in (-1, 1))
"""CSS text shadow of a node label: a white outline, so a band under it does not strike it."""
_ALL = "all"


def _trace(go: Any, links: pd.DataFrame, nodes: list[str], names: list[str],
           cat: Catalogue, visible: bool,
           columns: dict[str, int], labels: list[str]) -> Any:
    index = {n: i for i, n in enumerate(nodes)}
    xs, ys = node_rows(links, nodes, columns, labels)
    linked = set(links["from"]) | set(links["to"])
    kind_labels = [cat.label("kind", k) for k in links["kind"]]
    link_labels = [cat.t("kind.self_funded", kind=k) if own else k
                   for k, own in zip(kind_labels, links["self_funded"], strict=True)]
    link_colours = [rgba(SELF_FUNDED, SELF_ALPHA) if own else rgba(kind_colour(k), ALPHA)
                    for k, own in zip(links["kind"], links["self_funded"], strict=True)]
    unit = cat.money_unit
    return go.Sankey(
        visible=visible,
        arrangement="snap",  # our positions, with plotly keeping PAD between nodes
        valueformat=".3~g",
        valuesuffix=f" {unit}",
        # a white halo round each label keeps it legible where a band runs under it
        textfont={"shadow": HALO},
        node={"label": [label if n in linked else ""  # no flow in this period
                        for n, label in zip(nodes, labels, strict=True)],
              "x": xs, "y": ys, "pad": PAD, "thickness": 14,
              "customdata": names,
              "hovertemplate": f"%{{customdata}}<br>%{{value:.3~g}} {unit}<extra></extra>",
              "color": [NODE_COLOUR] * len(nodes)},
        link={"source": [index[s] for s in links["from"]],
              "target": [index[t] for t in links["to"]],
              "value": (links["value"] * cat.money_scale).tolist(),
              "label": link_labels, "color": link_colours},
    )


def sankey_chart(result: Result, quarters: Sequence[str] | None = None, *,
                 kinds: Sequence[str] | None = None, outside: bool = True,
                 lang: str = "en") -> go.Figure:
    """Money flows by kind between parties and SPVs, mean over paths.

    Parameters
    ----------
    quarters : quarter labels to include (default every quarter)
    kinds : transfer kinds to include (default every kind)
    outside : include flows from and to the outside accounts (`OUTSIDE`: customers, the
        equity market, founders); without them the chart shows the loop between the
        scenario's own parties and SPVs, which the outside flows otherwise dwarf

    Returns
    -------
    Figure with one Sankey trace for all the chosen quarters, then one per calendar year in
    them (hidden), and a slider over them. Link values are summed over the quarters of the
    period, in the language's money unit; links to or from an outside account below
    `MIN_SHARE` of the period's total are left out (never one between the scenario's own
    parties and SPVs). Nodes are labelled by name (`node_name`, shortened by `short_label`).
    The outside accounts (`OUTSIDE`) appear twice: paying on the left, paid on the right.
    """
    go = graph_objects()
    cat = catalogue(lang)
    flows = result.flows()
    if quarters is not None:
        flows = flows[flows["quarter"].isin(list(quarters))]
    if kinds is not None:
        flows = flows[flows["kind"].isin(list(kinds))]
    if not outside:
        flows = flows[~flows["from"].isin(OUTSIDE) & ~flows["to"].isin(OUTSIDE)]
    flows = flows[flows["from"] != flows["to"]].copy()
    flows["to"] = [SINK + t if t in OUTSIDE else t for t in flows["to"]]
    nodes = list(dict.fromkeys([*flows["from"], *flows["to"]]))
    years = sorted({str(q)[:4] for q in flows["quarter"]})
    periods: list[tuple[str, pd.DataFrame]] = [(_ALL, flows)]
    if len(years) > 1:
        periods += [(y, flows[flows["quarter"].str.startswith(y)]) for y in years]
    fig = new_figure(go)
    every = kept(sankey_links(flows))
    first = [p.id for p in result.scenario.parties if p.kind in FIRST_KINDS]
    # the same columns every year; nodes in column order, so that plotly loops the money
    # flowing back, not the main flow (see the module's docstring)
    columns = node_columns(every, nodes, first)
    rank = {n: i for i, n in enumerate(node_order(every, nodes, first))}
    nodes.sort(key=lambda n: (columns[n], rank[n]))
    names = [node_name(result, n, cat) for n in nodes]
    labels = node_labels(names, nodes, columns)
    shown: list[pd.DataFrame] = []
    for i, (_, part) in enumerate(periods):
        links = kept(sankey_links(part))
        shown.append(links)
        fig.add_trace(_trace(go, links, nodes, names, cat, i == 0, columns, labels))
    title = cat.t("chart.sankey_title" if outside else "chart.sankey_title_inside")
    finish(fig, title=title, source=source_of(result, cat), height=HEIGHT)
    # no axes: only the labels need room, and they are inside the plot (see node_rows)
    fig.update_layout(margin={"l": MARGIN, "r": MARGIN, "t": TOP, "b": BOTTOM})
    drawn = pd.concat(shown) if shown else every
    fig.add_annotation(text=legend_text(list(drawn["kind"]), bool(drawn["self_funded"].any()), cat),
                       xref="paper", yref="paper", x=0.0, y=0.0, yshift=-12, xanchor="left",
                       yanchor="top", align="left", showarrow=False, name="legend",
                       font={"size": 12})
    fig.layout.annotations[0].yshift = -(BOTTOM - 25)  # the source line, at the bottom
    if len(periods) > 1:
        # the run's quarters of each year (2025: only Q4 for a run from 2025Q4)
        held = [str(q) for q in (quarters if quarters is not None else result.quarter_labels())]
        within = {y: [q[4:] for q in held if q.startswith(y)] for y in years}
        steps = [{"method": "restyle", "args": ["visible", [j == i for j in range(len(periods))]],
                  "label": cat.t("chart.sankey_all") if name == _ALL
                  else period_label(name, within[name] if len(within[name]) < 4 else [], cat)}
                 for i, (name, _) in enumerate(periods)]
        fig.update_layout(sliders=[{"active": 0, "steps": steps, "x": 0.0, "len": 1.0,
                                    "y": 0.0, "yanchor": "top", "pad": {"t": 70, "l": 30, "r": 30},
                                    "currentvalue": {"prefix": cat.t("chart.sankey_period")}}])
    return fig
