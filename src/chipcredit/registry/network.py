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

Amounts are those reported, and a sum never turns a missing one into 0: a sum over deals
none of which reported an amount is NaN (null in JSON; ``n/r`` in the command's tables), and
each sum says how many of its deals have no amount (``*_not_reported``), since it is then
a lower bound. Nor does a sum mix promises with money that moved unless asked: each comes
with its parts by status (``*_executed``, ``*_signed``, ``*_announced``), so Nvidia's
announced "up to $100B" letter of intent with OpenAI stays apart from its executed $30B.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from . import BASES, deal_registry

__all__ = ["LIVE_STATUSES", "NETWORK_RELATIONS", "DealNetwork", "StatusPart", "amount_sums",
           "deal_network", "live_deals", "reported_sum", "status_parts"]


LIVE_STATUSES = ("executed", "signed", "announced")
"""The statuses of the deals in the network, most binding first: executed (the money moved,
the deal closed), signed (a contract) and announced (a letter of intent or a plan, which
binds no one: Nvidia's "up to $100B" in OpenAI, "never a commitment")."""

NETWORK_RELATIONS = ("funds", "buys_from")
"""The relations that are edges of the network (an acquisition is no money loop)."""


def live_deals(rows: pd.DataFrame) -> pd.DataFrame:
    """The registry rows (as `deal_registry` gives them) that are edges of the network: of
    a live status (`LIVE_STATUSES`: not abandoned) and a relation in `NETWORK_RELATIONS`."""
    return rows[rows["status"].isin(LIVE_STATUSES) & rows["relation"].isin(NETWORK_RELATIONS)]


@dataclass(frozen=True)
class DealNetwork:
    """Summary of the registry's network (every amount in $B).

    Every sum ``X`` (``amount``, ``funds``, ``purchases``, ``funds_out``, ...) is of the
    amounts reported for the live deals in it, announced ones included; it is NaN where none
    of them reported an amount. Beside it:

    - ``X_executed``, ``X_signed``, ``X_announced``: its parts by status (`LIVE_STATUSES`),
      each 0.0 where no deal in it has that status and NaN where some have and none of them
      reported an amount;
    - ``X_not_reported``: how many of its deals reported no amount (the sum, and the part
      of their status, are then lower bounds).

    Attributes
    ----------
    nodes : DataFrame with party, funds_out, funds_in, buys, sells (sums, as above) and
        edges (number of edges), then each sum's parts and count of deals not reported
    edges : DataFrame with from, to, relation, amount, deals (ids joined by ``;``), then
        amount's parts and ``amount_not_reported``
    vendor_financing : DataFrame with funder, customer, funds, purchases, deals: X funds Y
        and Y buys from X; then the parts of funds and purchases and their counts of deals
        not reported
    investor_customer : DataFrame with investor, investee, funds, purchases, deals: X funds
        Y and X buys from Y; then the same parts and counts
    cycles : list of party-id lists, each a simple directed cycle of money, starting at its
        alphabetically first party (the last party pays the first)
    abandoned : DataFrame of the abandoned rows, left out of the network
    edges_by_status : DataFrame with from, to, relation, status, amount (NaN where none of
        its deals reported one), deals, not_reported and bases (what its amounts are:
        `StatusPart`): the edges split by status, one row for each status an edge has, in
        the order of `statuses`
    statuses : the statuses of the live deals, most binding first (`LIVE_STATUSES`)
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    vendor_financing: pd.DataFrame
    investor_customer: pd.DataFrame
    cycles: list[list[str]]
    abandoned: pd.DataFrame
    edges_by_status: pd.DataFrame
    statuses: tuple[str, ...] = LIVE_STATUSES


def reported_sum(amounts: pd.Series) -> float:
    """Sum of the reported amounts ($B): 0.0 over no deals, NaN where every one is missing
    (NaN), so that "nobody reported it" never reads as "nothing"."""
    return 0.0 if amounts.empty else float(amounts.sum(min_count=1))


@dataclass(frozen=True)
class StatusPart:
    """The deals of one status among some deals (`status_parts`).

    Attributes
    ----------
    status : one of `LIVE_STATUSES`
    amount : $B, the `reported_sum` of their amounts (NaN where none reported one)
    deals : their ids joined by ``;`` (empty where the deals have no ``id`` column)
    not_reported : how many of them have no amount
    bases : the ``basis`` of their amounts (`chipcredit.registry.BASES`, in that order),
        joined by ``;``: ``cash`` alone where every amount is money, paid or contracted;
        empty where none has an amount (or the deals have no ``basis`` column)
    """

    status: str
    amount: float
    deals: str
    not_reported: int
    bases: str = ""


def status_parts(deals: pd.DataFrame) -> list[StatusPart]:
    """``deals`` (registry rows) split by status: one part for each of `LIVE_STATUSES`
    that some of them have, most binding first. The one split behind every status part of
    `deal_network` (the ``X_<status>`` columns of `amount_sums`, ``edges_by_status``) and
    the dashboard's network, so an announced amount is never added to an executed one."""
    out = []
    for status in LIVE_STATUSES:
        mine = deals[deals["status"] == status]
        if len(mine):
            out.append(StatusPart(status, reported_sum(mine["amount"]),
                                  ";".join(mine["id"]) if "id" in mine.columns else "",
                                  int(mine["amount"].isna().sum()), _bases(mine)))
    return out


def _bases(deals: pd.DataFrame) -> str:
    """The bases of ``deals``' reported amounts, in `BASES` order, joined by ``;``."""
    if "basis" not in deals.columns:
        return ""
    found = set(deals.loc[deals["amount"].notna(), "basis"])
    return ";".join(b for b in BASES if b in found)


def amount_sums(deals: pd.DataFrame, name: str) -> dict[str, float | int]:
    """``name``: the reported sum of ``deals``' amounts; ``name_<status>``: its part for each
    of `LIVE_STATUSES` (`status_parts`; 0.0 where no deal has that status);
    ``name_not_reported``: how many of ``deals`` have no amount."""
    out: dict[str, float | int] = {name: reported_sum(deals["amount"])}
    out.update({f"{name}_{status}": 0.0 for status in LIVE_STATUSES})
    out.update({f"{name}_{part.status}": part.amount for part in status_parts(deals)})
    out[f"{name}_not_reported"] = int(deals["amount"].isna().sum())
    return out


def _parts(name: str) -> list[str]:
    """The columns that follow the sum ``name``: its parts by status, its unreported count."""
    return [*(f"{name}_{s}" for s in LIVE_STATUSES), f"{name}_not_reported"]


def deal_network() -> DealNetwork:
    """The network summary of the bundled deal registry."""
    rows = deal_registry()
    abandoned = rows[rows["status"] == "abandoned"].reset_index(drop=True)
    live = live_deals(rows)
    keys = ["from", "to", "relation"]
    groups: dict[tuple[str, str, str], pd.DataFrame] = {
        (str(src), str(dst), str(rel)): part
        for (src, dst, rel), part in live.groupby(keys, sort=True)}
    edges = pd.DataFrame(
        [{"from": src, "to": dst, "relation": rel, **amount_sums(part, "amount"),
          "deals": ";".join(part["id"])} for (src, dst, rel), part in groups.items()],
        columns=[*keys, "amount", "deals", *_parts("amount")])
    by_status = pd.DataFrame(
        [{"from": src, "to": dst, "relation": rel, **asdict(split)}
         for (src, dst, rel), part in groups.items() for split in status_parts(part)],
        columns=[*keys, "status", "amount", "deals", "not_reported", "bases"])
    financing, inv_cust = [], []
    for (src, dst, rel), part in groups.items():
        if rel != "funds":
            continue
        funds = amount_sums(part, "funds")
        back = groups.get((dst, src, "buys_from"))
        if back is not None:  # the investee buys from its funder
            financing.append(_pair("funder", src, "customer", dst, funds, part, back))
        fwd = groups.get((src, dst, "buys_from"))
        if fwd is not None:  # the funder buys from its investee
            inv_cust.append(_pair("investor", src, "investee", dst, funds, part, fwd))
    parties = sorted(set(edges["from"]) | set(edges["to"]))
    nodes = pd.DataFrame([
        {"party": p,
         **amount_sums(live[(live["from"] == p) & (live["relation"] == "funds")], "funds_out"),
         **amount_sums(live[(live["to"] == p) & (live["relation"] == "funds")], "funds_in"),
         **amount_sums(live[(live["from"] == p) & (live["relation"] == "buys_from")], "buys"),
         **amount_sums(live[(live["to"] == p) & (live["relation"] == "buys_from")], "sells"),
         "edges": int(((edges["from"] == p) | (edges["to"] == p)).sum())} for p in parties],
        columns=["party", "funds_out", "funds_in", "buys", "sells", "edges",
                 *(c for n in ("funds_out", "funds_in", "buys", "sells") for c in _parts(n))])
    graph: dict[str, set[str]] = {p: set() for p in parties}
    for src, dst, _rel in groups:
        graph[src].add(dst)
    pair_parts = [*_parts("funds"), *_parts("purchases")]
    return DealNetwork(
        nodes=nodes, edges=edges,
        vendor_financing=pd.DataFrame(financing, columns=["funder", "customer", "funds",
                                                          "purchases", "deals", *pair_parts]),
        investor_customer=pd.DataFrame(inv_cust, columns=["investor", "investee", "funds",
                                                          "purchases", "deals", *pair_parts]),
        cycles=simple_cycles(graph), abandoned=abandoned, edges_by_status=by_status)


def _pair(first: str, src: str, second: str, dst: str, funds: dict[str, float | int],
          funding: pd.DataFrame, buying: pd.DataFrame) -> dict[str, object]:
    """One row of a pair table: ``src`` funds ``dst`` (``funding``'s deals) and one of them
    buys from the other (``buying``'s deals)."""
    return {first: src, second: dst, **funds, **amount_sums(buying, "purchases"),
            "deals": ";".join([*funding["id"], *buying["id"]])}


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
