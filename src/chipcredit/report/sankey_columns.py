"""The columns of the Sankey of money flows: in what order, left to right, the nodes stand.

Columns go from the payers to the paid: the outside world paying on the left, then lenders
and investors, every other node one column after the furthest node that pays it money
forward, the outside world paid on the right.

Direction: nodes are handed to plotly in the order of their columns, left to right. Plotly
draws a link as a loop when it closes a cycle back into the earliest node of the cycle (its
d3-sankey-circular layout), so that order makes the money flowing back (debt service, rent
repaid to a vendor) the loops and the main flows go forward.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .kinds import family_of
from .sankey_flows import OUTSIDE, SINK

__all__ = ["FIRST_KINDS", "RETURNING", "node_columns", "node_order"]

RETURNING = frozenset({"debt_service", "recoveries"})
"""Families of money flowing back to whoever put it in (debt service, repayments, payouts,
recoveries): left out when ordering the nodes, so that a lender stands before its borrower."""
FIRST_KINDS = ("lender", "investor")
"""Party kinds put in the first columns: they put money in and get it back later."""
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
    sinks = [n for n in nodes if n.startswith(SINK)]
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
    sinks = [n for n in order if n.startswith(SINK)]
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
