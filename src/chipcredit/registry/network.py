"""The network of the deal registry: who funds whom, who buys from whom, and the cycles.

Every row of the registry is an edge along which money flows, ``from`` -> ``to``: a
``funds`` edge (equity, credit, a guarantee) or a ``buys_from`` edge (a purchase or a
compute contract). Two patterns matter to a credit analyst:

- *vendor financing*: X funds Y and Y buys from X (Nvidia-OpenAI, Lucent-Winstar): X's
  sales are paid, in part, with X's own money;
- *investor and customer*: X funds Y and X also buys from Y (Nvidia-CoreWeave): X is both
  shareholder and customer, so its purchases prop up its investment.

A cycle is a closed loop of money: nvidia -> coreweave -> nvidia. Abandoned deals are left
out of the network (they are listed apart) and acquisitions are not money loops.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import deal_registry

__all__ = ["DealNetwork", "deal_network"]


@dataclass(frozen=True)
class DealNetwork:
    """Summary of the registry's network (every amount in $B).

    Attributes
    ----------
    nodes : DataFrame with party, funds_out, funds_in, buys, sells (sums of the amounts
        reported; deals without an amount count as 0) and edges (number of edges)
    edges : DataFrame with from, to, relation, amount, deals (ids joined by ``;``)
    vendor_financing : DataFrame with funder, customer, funds, purchases, deals: X funds Y
        and Y buys from X
    investor_customer : DataFrame with investor, investee, funds, purchases, deals: X funds
        Y and X buys from Y
    cycles : list of party-id lists, each a simple directed cycle of money, starting at its
        alphabetically first party (the last party pays the first)
    abandoned : DataFrame of the abandoned rows, left out of the network
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    vendor_financing: pd.DataFrame
    investor_customer: pd.DataFrame
    cycles: list[list[str]]
    abandoned: pd.DataFrame


def deal_network() -> DealNetwork:
    """The network summary of the bundled deal registry."""
    rows = deal_registry()
    abandoned = rows[rows["status"] == "abandoned"].reset_index(drop=True)
    live = rows[(rows["status"] != "abandoned") & rows["relation"].isin(["funds", "buys_from"])]
    live = live.assign(amount=live["amount"].fillna(0.0))
    edges = (live.groupby(["from", "to", "relation"], sort=True)
             .agg(amount=("amount", "sum"), deals=("id", ";".join)).reset_index())
    pair: dict[tuple[str, str, str], tuple[float, str]] = {
        (r["from"], r["to"], r["relation"]): (float(r["amount"]), r["deals"])
        for _, r in edges.iterrows()
    }
    financing, inv_cust = [], []
    for (src, dst, rel), (amount, ids) in sorted(pair.items()):
        if rel != "funds":
            continue
        back = pair.get((dst, src, "buys_from"))
        if back is not None:  # the investee buys from its funder
            financing.append({"funder": src, "customer": dst, "funds": amount,
                              "purchases": back[0], "deals": f"{ids};{back[1]}"})
        fwd = pair.get((src, dst, "buys_from"))
        if fwd is not None:  # the funder buys from its investee
            inv_cust.append({"investor": src, "investee": dst, "funds": amount,
                             "purchases": fwd[0], "deals": f"{ids};{fwd[1]}"})
    parties = sorted(set(edges["from"]) | set(edges["to"]))
    nodes = pd.DataFrame({
        "party": parties,
        "funds_out": [_total(edges, "from", p, "funds") for p in parties],
        "funds_in": [_total(edges, "to", p, "funds") for p in parties],
        "buys": [_total(edges, "from", p, "buys_from") for p in parties],
        "sells": [_total(edges, "to", p, "buys_from") for p in parties],
        "edges": [int(((edges["from"] == p) | (edges["to"] == p)).sum()) for p in parties],
    })
    graph: dict[str, set[str]] = {p: set() for p in parties}
    for src, dst, _rel in pair:
        graph[src].add(dst)
    return DealNetwork(
        nodes=nodes, edges=edges,
        vendor_financing=pd.DataFrame(financing, columns=["funder", "customer", "funds",
                                                          "purchases", "deals"]),
        investor_customer=pd.DataFrame(inv_cust, columns=["investor", "investee", "funds",
                                                          "purchases", "deals"]),
        cycles=simple_cycles(graph), abandoned=abandoned)


def _total(edges: pd.DataFrame, side: str, party: str, relation: str) -> float:
    sel = (edges[side] == party) & (edges["relation"] == relation)
    return float(edges.loc[sel, "amount"].sum())


def simple_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every simple directed cycle of a small graph, each once, starting at its least node,
    sorted by length then by name. Self-loops count as cycles of length one.

    Depth-first search from each node over larger nodes only, so a cycle is found from its
    least node alone (fine for the registry's few dozen parties).
    """
    found: list[list[str]] = []
    for start in sorted(graph):
        stack: list[tuple[str, list[str]]] = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    found.append(list(path))
                elif nxt > start and nxt not in path:
                    stack.append((nxt, [*path, nxt]))
    return sorted(found, key=lambda c: (len(c), c))
