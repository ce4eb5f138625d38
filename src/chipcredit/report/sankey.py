"""The Sankey of money flows: parties and SPVs as nodes, total flows by kind as links.

A slider picks the period: all years, or one calendar year at a time, so the reader sees the
loop (vendor → SPV → lab → vendor) grow. Each period is one ``Sankey`` trace with the same
nodes in the same order; the slider makes one of them visible.

Layout: chipcredit places the nodes, not plotly (`node_columns`, `node_rows`): columns from
the payers to the paid, gaps as wide as the labels they hold, nodes of a column at least
`PAD` px apart, so that no two labels overlap where the plot is as wide as they need.

Colours: a band's colour is its kind's family (`chipcredit.report.kinds`: funding,
purchases, revenue, debt service, rent, costs, recoveries, warrants, other), the same in every
chart and every run, with a legend under the chart (annotations, so the PNG has it too);
nodes are one neutral colour.

Money provenance: when ``Result.flows()`` has a ``self_funded_mean`` column (the part of each
flow paid with the receiving vendor's own money, from the competition issue's tracing), each
link with a self-funded part is split in two: the rest in the kind's colour, the self-funded
part in red, labelled as such. Without the column every link is plain.

Direction: nodes are handed to plotly in the order of their columns, left to right. Plotly
draws a link as a loop when it closes a cycle back into the earliest node of the cycle (its
d3-sankey-circular layout), so that order makes the money flowing back (debt service, rent
repaid to a vendor) the loops and the main flows go forward.
"""

from __future__ import annotations

import itertools
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from chipcredit.analytics.result import Result
from chipcredit.scenario.deals import SpvLease

from .i18n import Catalogue, catalogue
from .kinds import DEAL_KINDS, FAMILIES, families_in, family_of, kind_colour
from .theme import SELF_FUNDED, display_name, finish, graph_objects, new_figure, rgba, source_of

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["NODE_COLOUR", "SELF_FUNDED_COLUMN", "kept", "label_width", "legend_text", "node_columns",
           "node_labels", "node_order", "node_rows", "period_label", "sankey_chart", "sankey_links"]

SELF_FUNDED_COLUMN = "self_funded_mean"
OUTSIDE = ("customers", "market", "founders")
"""Built-in accounts drawn twice, as a source on the left and a sink on the right, so that
money from and to the outside world does not loop round the chart."""
MIN_SHARE = 0.001
"""Links to or from an outside account below this share of the period's total are left out
(they would be invisible). A link between two of the scenario's own parties or SPVs is the
deals' own money and is always kept, however small: the loop is the point of the chart; so is
a link of a kind that deals write (`kinds.DEAL_KINDS`: a warrant's shares sold on the market,
an equity tranche, a conversion), whoever it is from or to."""
NODE_COLOUR = "#5B6770"
"""Every node's colour: colours are the bands' (the kinds'), a node is named by its label."""
RETURNING = frozenset({"debt_service", "recoveries"})
"""Families of money flowing back to whoever put it in (debt service, repayments, payouts,
recoveries): left out when ordering the nodes, so that a lender stands before its borrower."""
FIRST_KINDS = ("lender", "investor")
"""Party kinds put in the first columns: they put money in and get it back later."""
HEIGHT = 800
"""Height of the figure (px)."""
TOP, BOTTOM = 80, 200
"""Margins (px): above, room for the title and the loops drawn over the top nodes; below, for
the loops under the bottom nodes, the legend, the slider and the source line."""
SIDE = 0.02
"""Share of the plot's width kept free left of the first column and right of the last, for
the loops plotly draws round them."""
MARGIN = 20
"""Left and right margin (px): with `SIDE`, room for the widest loop round the first and
last columns (about 30 px at 820 px wide; tests/browser checks that none runs off)."""
MAX_LABEL = 28
"""Node labels longer than this (characters) lose their trailing parenthesis ("CoreWeave's
secured lenders (DDTLs, …)" -> "CoreWeave's secured lenders"); the hover shows the full name."""
LINE = 20
"""Labels still longer than `MAX_LABEL` wrap at spaces into lines of about this many
characters, so a label beside a node in the middle of the chart covers little of its
neighbours and none runs off the edge."""
PAD = 32
"""Least vertical gap between two nodes of a column (px): more than a label of two lines."""
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
"""Height of the plot area (px): the figure's height less its top and bottom margins."""
CHAR_PX = 6.2
"""Estimated width (px) of a Latin character of a node label (plotly's 12 px sans-serif:
"Valor Equity Partners" measured 122 px in Chromium)."""
WIDE_PX = 12.0
"""Estimated width (px) of a wide (CJK) character of a node label."""
LABEL_ROOM = 20.0
"""Room (px) in a gap besides its labels: the node's thickness, plotly's offset, a margin."""
ROOM = 0.08
"""Share of the plot's height kept free above and below the nodes, for the loops that plotly
draws round them for money flowing back (vendor → SPV → vendor)."""
ALPHA, SELF_ALPHA = 0.45, 0.75
"""Opacity of a band in its family's colour, and of a self-funded (red) band."""
HALO = ", ".join(f"{x}px {y}px 2px #FFFFFF" for x in (-1, 1) for y in (-1, 1))
"""CSS text shadow of a node label: a white outline, so a band under it does not strike it."""
_EDGE = 0.001  # plotly ignores a node position of exactly 0
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
    catalogue's language, an SPV as its lessee's GPU SPV ("xAI's GPU SPV"), else the id.
    The outside world as a sink (``"→customers"``: it is paid costs, cost of goods and
    infrastructure, not sold to) is "suppliers and costs (outside world)"."""
    if ident == _SINK + "customers":
        return cat.t("chart.sankey_paid_outside")
    ident = ident.removeprefix(_SINK)
    for deal in result.scenario.deals:
        if deal.id == ident and isinstance(deal, SpvLease):
            return cat.t("chart.sankey_spv", lessee=display_name(result, deal.lessee, cat))
    return display_name(result, ident, cat)


def short_label(name: str, *, wrap: bool = False) -> str:
    """``name`` without a trailing ``(...)`` when longer than `MAX_LABEL` characters, and if
    still that long (or whenever ``wrap``), wrapped into lines of about `LINE` characters
    (``<br>``), so labels stay inside the chart and off their neighbours."""
    if len(name) > MAX_LABEL and name.endswith(")") and " (" in name:
        name = name[:name.rindex(" (")]
    elif len(name) > MAX_LABEL and name.endswith("）") and "（" in name:
        name = name[:name.rindex("（")]
    if len(name) <= (LINE if wrap else MAX_LABEL):
        return name
    return "<br>".join(textwrap.wrap(name, LINE, break_long_words=False)) or name


def kept(links: pd.DataFrame) -> pd.DataFrame:
    """``links`` less those to or from an outside account under `MIN_SHARE` of the total:
    every link between the scenario's own parties and SPVs stays, however small, and so does
    every link of a kind deals write (`kinds.DEAL_KINDS`)."""
    inside = ~links["from"].isin(OUTSIDE) & ~links["to"].str.removeprefix(_SINK).isin(OUTSIDE)
    deal = links["kind"].isin(DEAL_KINDS)
    return links[inside | deal | (links["value"] >= MIN_SHARE * links["value"].sum())]


def _throughput(links: pd.DataFrame) -> dict[str, float]:
    # a node's size in the chart: the larger of what flows in and what flows out ($B)
    into = links.groupby("to", sort=False)["value"].sum()
    out = links.groupby("from", sort=False)["value"].sum()
    return {n: max(float(into.get(n, 0.0)), float(out.get(n, 0.0)))
            for n in dict.fromkeys([*links["from"], *links["to"]])}


def _forward(links: pd.DataFrame) -> dict[tuple[str, str], float]:
    # (from, to) to $B of the links that carry money forward: those of a `RETURNING` family
    # (debt service, recoveries) flow back to whoever put the money in, so they leave the order
    weight: dict[tuple[str, str], float] = {}
    for rec in links.to_dict("records"):
        if "kind" in rec and family_of(str(rec["kind"])) in RETURNING:
            continue
        key = (str(rec["from"]), str(rec["to"]))
        weight[key] = weight.get(key, 0.0) + float(rec["value"])
    return weight


def node_order(links: pd.DataFrame, nodes: Sequence[str], first: Sequence[str] = ()) -> list[str]:
    """``nodes`` in the order of the money's direction: the outside world paying, then
    ``first`` (lenders and investors: `FIRST_KINDS`), then the others in the order that keeps
    the most money flowing forward (the greedy order of Eades, Lin and Smyth, weighted by
    value, over the links not of a `RETURNING` family), then the outside world paid.

    Parameters
    ----------
    links : DataFrame with columns from, to, value ($B) and optionally kind
    nodes : node ids
    first : node ids to put first among the scenario's own (those not in ``nodes`` are
        ignored)
    """
    sinks = [n for n in nodes if n.startswith(_SINK)]
    sources = [n for n in nodes if n in OUTSIDE]
    inner = [n for n in nodes if n not in sinks and n not in sources]
    weight = _forward(links)
    left: list[str] = [n for n in first if n in inner]
    right: list[str] = []
    rest = [n for n in inner if n not in left]
    while rest:
        inside = set(rest)

        def flow(n: str, out: bool, inside: set[str] = inside) -> float:
            # what n pays to (out) or is paid by the nodes not placed yet ($B)
            if out:
                return sum(w for (a, b), w in weight.items() if a == n and b in inside)
            return sum(w for (a, b), w in weight.items() if b == n and a in inside)

        ends = [n for n in rest if flow(n, True) == 0]
        if ends:
            right = ends + right
        else:
            starts = [n for n in rest if flow(n, False) == 0]
            left += starts or [max(rest, key=lambda n: flow(n, True) - flow(n, False))]
        rest = [n for n in rest if n not in left and n not in right]
    return [*sources, *left, *right, *sinks]


def node_columns(links: pd.DataFrame, nodes: Sequence[str],
                 first: Sequence[str] = ()) -> dict[str, int]:
    """The column of each node, left to right: the outside world paying in column 0, the
    outside world paid (ids starting with "→") in the last, and every other node after all
    the nodes that pay it, cycles aside.

    Parameters
    ----------
    links : DataFrame with columns from, to, value ($B) and optionally kind, as from
        `sankey_links`
    nodes : node ids
    first : node ids to put first among the scenario's own (lenders and investors)

    Returns
    -------
    Node id to column (0, 1, ...). Cycles (vendor → SPV → vendor) are cut where the money
    flows back against the main direction: nodes are put in `node_order`, and a node's
    column is one more than that of the furthest node before it that pays it money forward
    (not debt service or recoveries). A node that only receives sits next to its payers, not
    in the last column, so that column holds only the outside world.
    """
    order = node_order(links, nodes, first)
    rank = {n: i for i, n in enumerate(order)}
    weight = _forward(links)
    sources = [n for n in order if n in OUTSIDE]
    sinks = [n for n in order if n.startswith(_SINK)]
    start = 1 if sources else 0
    column = dict.fromkeys(sources, 0)
    for n in order:
        if n in column or n in sinks:
            continue
        payers = [column[a] for (a, b), w in weight.items()
                  if b == n and w > 0 and a in column and rank[a] < rank[n]]
        column[n] = max([start, *(c + 1 for c in payers)])
    last = max([0, *(c + 1 for c in column.values())])
    column.update(dict.fromkeys(sinks, last))
    return column


def label_width(label: str) -> float:
    """Estimated width (px) of a node label as plotly draws it: its longest line (lines are
    split at ``<br>``), `WIDE_PX` a wide (CJK) character and `CHAR_PX` any other."""
    return max((sum(WIDE_PX if unicodedata.east_asian_width(ch) in "WF" else CHAR_PX
                    for ch in line) for line in label.split("<br>")), default=0.0)


def _column_x(nodes: Sequence[str], columns: dict[str, int],
              labels: Sequence[str] | None) -> dict[int, float]:
    # where each column is, in (0, 1): gaps in proportion to the labels they hold
    last = max(columns.values(), default=0)
    if last == 0:
        return {0: 0.5}
    shown = list(labels) if labels is not None else [""] * len(nodes)

    def widest(c: int) -> float:
        return max([label_width(lab) for n, lab in zip(nodes, shown, strict=True)
                    if columns[n] == c], default=0.0)

    need = [widest(c) + LABEL_ROOM if labels is not None else 1.0 for c in range(last)]
    need[-1] += widest(last)  # the last column's labels are on the left of its nodes
    edges = [0.0, *itertools.accumulate(need)]
    return {c: edges[c] / edges[-1] for c in range(last + 1)}


def node_rows(links: pd.DataFrame, nodes: Sequence[str], columns: dict[str, int],
              labels: Sequence[str] | None = None) -> tuple[list[float], list[float]]:
    """Positions of ``nodes`` in the plot (x, y of each node's centre, in (0, 1), y from
    the top), given their `node_columns`.

    Each gap between two columns is as wide, in proportion, as the labels it must hold
    (`label_width` of ``labels``, the labels shown, in the order of ``nodes``; evenly spread
    without them): plotly writes a label on the right of its node, so the gap after a column
    holds that column's labels, except for the last column's, on the left of its nodes, which
    share the gap before it. A plot as wide as the labels need has no two labels overlapping
    side by side (seed-2025 needs about 700 px, which it has at 1,280 px). In a
    column, nodes are ordered by where their payers are (the value-weighted mean row of the
    nodes that pay them, so that bands cross less) and spread evenly over the height, with
    room for their size (the larger of in- and outflow, at the scale of the fullest column)
    and at least `PAD` px between two of them, so that no two labels overlap, inside the
    middle of the height (`ROOM` is left above and below for the loops). Plotly's
    "snap" arrangement keeps that gap if a node turns out taller than estimated here.
    """
    size = _throughput(links)
    last = max(columns.values(), default=0)
    where = _column_x(nodes, columns, labels)
    pad = PAD / PLOT_HEIGHT
    members: dict[int, list[str]] = {c: [n for n in nodes if columns[n] == c]
                                     for c in range(last + 1)}
    totals = [sum(size.get(n, 0.0) for n in m) for m in members.values()]
    free = [1.0 - 2 * ROOM - pad * max(len(m) - 1, 0) for m in members.values()]
    scale = min([f / t for f, t in zip(free, totals, strict=True) if t > 0], default=0.0)
    row: dict[str, float] = {}
    # (from, to, value) once, not a DataFrame slice per node sorted (that took most of a chart)
    triples = list(zip(links["from"], links["to"], links["value"], strict=True))
    for c in range(last + 1):
        def rank(n: str) -> float:
            paid = [(row[a], w) for a, b, w in triples if b == n and a in row]
            total = sum(w for _, w in paid)
            return sum(r * w for r, w in paid) / total if total > 0 else 1.0
        ordered = sorted(members[c], key=lambda n: (rank(n), -size.get(n, 0.0)))
        heights = [size.get(n, 0.0) * scale for n in ordered]
        gap = max(pad, (1.0 - 2 * ROOM - sum(heights)) / max(len(ordered), 1))
        top = ROOM + (gap - pad) / 2 if len(ordered) > 1 else (1.0 - sum(heights)) / 2
        for n, h in zip(ordered, heights, strict=True):
            row[n] = min(max(top + h / 2, _EDGE), 1 - _EDGE)
            top += h + gap
    xs = [SIDE + (1 - 2 * SIDE) * where[columns[n]] for n in nodes]
    return xs, [row[n] for n in nodes]


def node_labels(names: Sequence[str], nodes: Sequence[str], columns: dict[str, int]) -> list[str]:
    """The label of each node: its name shortened by `short_label`. The labels of the column
    before the last wrap at `LINE` characters, since they share their gap with the last
    column's labels (plotly writes those on the left of their nodes)."""
    last = max(columns.values(), default=0)
    return [short_label(name, wrap=columns[n] == last - 1 > 0)
            for n, name in zip(nodes, names, strict=True)]


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
    flows["to"] = [_SINK + t if t in OUTSIDE else t for t in flows["to"]]
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


def period_label(year: str, quarters: Sequence[str], cat: Catalogue) -> str:
    """A slider step's label: the year, and the quarters it holds when not all four are in
    the run (``2025 (Q4 only)``, ``2035 (Q1–Q3 only)``), so a part-year reads as one."""
    if not quarters:
        return cat.t("chart.sankey_year", year=year)
    held = quarters[0] if len(quarters) == 1 else f"{quarters[0]}–{quarters[-1]}"
    return cat.t("chart.sankey_year_part", year=year, quarters=held)


def legend_text(kinds: Sequence[str], self_funded: bool, cat: Catalogue) -> str:
    """The legend under a Sankey: a coloured square and the name of each family of ``kinds``
    (`kinds.families_in`), then the self-funded red where ``self_funded``; two rows.

    Plotly's Sankey has no legend of its own, so this is an annotation's text (``<span
    style="color:...">``), which the PNG keeps too."""
    items = [(FAMILIES[f], cat.t(f"chart.family_{f}")) for f in families_in(kinds)]
    if self_funded:
        items.append((SELF_FUNDED, cat.t("chart.family_self_funded")))
    cells = [f'<span style="color:{rgba(colour, 0.9)}">\u25a0</span> {label}'
             for colour, label in items]
    half = (len(cells) + 1) // 2
    return "   ".join(cells[:half]) + ("<br>" + "   ".join(cells[half:]) if cells[half:] else "")
