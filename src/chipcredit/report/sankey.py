"""The Sankey of money flows: parties and SPVs as nodes, total flows by kind as links.

A slider picks the period: all years, or one calendar year at a time, so the reader sees the
loop (vendor → SPV → lab → vendor) grow. Each period is one ``Sankey`` trace with the same
nodes in the same order; the slider makes one of them visible.

Money provenance: when ``Result.flows()`` has a ``self_funded_mean`` column (the part of each
flow paid with the receiving vendor's own money, from the competition issue's tracing), each
link with a self-funded part is split in two: the rest in the kind's colour, the self-funded
part in red, labelled as such. Without the column every link is plain.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from chipcredit.analytics.result import Result
from chipcredit.scenario.deals import SpvLease

from .i18n import Catalogue, catalogue
from .theme import PALETTE, SELF_FUNDED, display_name, finish, graph_objects, new_figure, rgba, source_of

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["SELF_FUNDED_COLUMN", "sankey_chart", "sankey_links"]

SELF_FUNDED_COLUMN = "self_funded_mean"
OUTSIDE = ("customers", "market", "founders")
"""Built-in accounts drawn twice, as a source on the left and a sink on the right, so that
money from and to the outside world does not loop round the chart."""
MIN_SHARE = 0.001
"""Links to or from an outside account below this share of the period's total are left out
(they would be invisible). A link between two of the scenario's own parties or SPVs is the
deals' own money and is always kept, however small: the loop is the point of the chart."""
MAX_LABEL = 28
"""Node labels longer than this (characters) lose their trailing parenthesis ("CoreWeave's
secured lenders (DDTLs, …)" -> "CoreWeave's secured lenders"); the hover shows the full name."""
LINE = 20
"""Labels still longer than `MAX_LABEL` wrap at spaces into lines of about this many
characters, so a label beside a node in the middle of the chart covers little of its
neighbours and none runs off the edge."""
_ALL = "all"
_SINK = "\u2192"  # node id prefix of an outside account as a sink


def sankey_links(flows: pd.DataFrame) -> pd.DataFrame:
    """Flows summed over quarters by (from, to, kind), split into plain and self-funded parts.

    Parameters
    ----------
    flows : DataFrame with columns from, to, kind, mean ($B), and optionally
        ``self_funded_mean`` ($B, at most ``mean``)

    Returns
    -------
    DataFrame with columns from, to, kind, self_funded (bool), value ($B, > 0), in a stable
    order (first appearance). Flows from an account to itself are left out.
    """
    flows = flows[flows["from"] != flows["to"]]
    has_self = SELF_FUNDED_COLUMN in flows.columns
    columns = ["mean", SELF_FUNDED_COLUMN] if has_self else ["mean"]
    grouped = flows.groupby(["from", "to", "kind"], sort=False)[columns].sum().reset_index()
    rows: list[dict[str, Any]] = []
    for rec in grouped.to_dict("records"):
        own = float(rec[SELF_FUNDED_COLUMN]) if has_self else 0.0
        rest = float(rec["mean"]) - own
        for value, self_funded in ((rest, False), (own, True)):
            if value > 0:
                rows.append({"from": rec["from"], "to": rec["to"], "kind": rec["kind"],
                             "self_funded": self_funded, "value": value})
    return pd.DataFrame(rows, columns=["from", "to", "kind", "self_funded", "value"])


def node_name(result: Result, ident: str, cat: Catalogue) -> str:
    """The full display name of a Sankey node: a party's name, an outside account in the
    catalogue's language, an SPV as its lessee's GPU SPV ("xAI's GPU SPV"), else the id."""
    for deal in result.scenario.deals:
        if deal.id == ident and isinstance(deal, SpvLease):
            return cat.t("chart.sankey_spv", lessee=display_name(result, deal.lessee, cat))
    return display_name(result, ident, cat)


def short_label(name: str) -> str:
    """``name`` without a trailing ``(...)`` when longer than `MAX_LABEL` characters, and if
    still that long, wrapped into lines of about `LINE` characters (``<br>``), so labels stay
    inside the chart and off their neighbours."""
    if len(name) > MAX_LABEL and name.endswith(")") and " (" in name:
        name = name[:name.rindex(" (")]
    elif len(name) > MAX_LABEL and name.endswith("）") and "（" in name:
        name = name[:name.rindex("（")]
    if len(name) <= MAX_LABEL:
        return name
    return "<br>".join(textwrap.wrap(name, LINE, break_long_words=False)) or name


def kept(links: pd.DataFrame) -> pd.DataFrame:
    """``links`` less those to or from an outside account under `MIN_SHARE` of the total:
    every link between the scenario's own parties and SPVs stays, however small."""
    inside = ~links["from"].isin(OUTSIDE) & ~links["to"].str.removeprefix(_SINK).isin(OUTSIDE)
    return links[inside | (links["value"] >= MIN_SHARE * links["value"].sum())]


def _trace(go: Any, links: pd.DataFrame, nodes: list[str], names: list[str],
           colours: dict[str, str], cat: Catalogue, visible: bool) -> Any:
    index = {n: i for i, n in enumerate(nodes)}
    kind_labels = [cat.label("kind", k) for k in links["kind"]]
    link_labels = [cat.t("kind.self_funded", kind=k) if own else k
                   for k, own in zip(kind_labels, links["self_funded"], strict=True)]
    link_colours = [rgba(SELF_FUNDED, 0.75) if own else rgba(colours[k], 0.4)
                    for k, own in zip(links["kind"], links["self_funded"], strict=True)]
    unit = cat.money_unit
    return go.Sankey(
        visible=visible,
        arrangement="snap",
        valueformat=".3~g",
        valuesuffix=f" {unit}",
        node={"label": [short_label(n) for n in names], "pad": 32, "thickness": 14,
              "customdata": names,
              "hovertemplate": f"%{{customdata}}<br>%{{value:.3~g}} {unit}<extra></extra>",
              "color": [PALETTE[i % len(PALETTE)] for i in range(len(nodes))]},
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
    flows["to"] = [_SINK + t if t in OUTSIDE else t for t in flows["to"]]
    nodes = list(dict.fromkeys([*flows["from"], *flows["to"]]))
    names = [node_name(result, n.removeprefix(_SINK), cat) for n in nodes]
    colours = {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(dict.fromkeys(flows["kind"]))}
    years = sorted({str(q)[:4] for q in flows["quarter"]})
    periods: list[tuple[str, pd.DataFrame]] = [(_ALL, flows)]
    if len(years) > 1:
        periods += [(y, flows[flows["quarter"].str.startswith(y)]) for y in years]
    fig = new_figure(go)
    for i, (_, part) in enumerate(periods):
        links = sankey_links(part)
        fig.add_trace(_trace(go, kept(links), nodes, names, colours, cat, i == 0))
    title = cat.t("chart.sankey_title" if outside else "chart.sankey_title_inside")
    finish(fig, title=title, source=source_of(result, cat), height=720)
    fig.update_layout(margin={"r": 90})  # room for the labels of the right-hand nodes
    if len(periods) > 1:
        steps = [{"method": "restyle", "args": ["visible", [j == i for j in range(len(periods))]],
                  "label": cat.t("chart.sankey_all") if name == _ALL
                  else cat.t("chart.sankey_year", year=name)}
                 for i, (name, _) in enumerate(periods)]
        fig.update_layout(sliders=[{"active": 0, "steps": steps, "x": 0.0, "len": 1.0,
                                    "y": -0.02, "yanchor": "top", "pad": {"t": 10},
                                    "currentvalue": {"prefix": cat.t("chart.sankey_period")}}],
                          margin={"b": 150})
        fig.layout.annotations[0].yshift = -125
    return fig
