"""The flows the Sankey of money flows draws: summed into links by (payer, payee, kind), and
which links are kept.

Money provenance: when ``Result.flows()`` has a ``self_funded_mean`` column (the part of each
flow paid with the receiving vendor's own money, from the competition issue's tracing), each
link with a self-funded part is split in two: the rest, and the self-funded part (drawn in
red, labelled as such). Without the column every link is plain.

The outside accounts (`OUTSIDE`) are drawn twice, as a source on the left and as a sink on
the right (node id prefixed with `SINK`); small links to or from them are left out (`kept`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .kinds import DEAL_KINDS

__all__ = ["MIN_SHARE", "OUTSIDE", "SELF_FUNDED_COLUMN", "SINK", "kept", "sankey_links"]

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
SINK = "\u2192"
"""Prefix of the node id of an outside account drawn as a sink (``"→customers"``)."""


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


def kept(links: pd.DataFrame) -> pd.DataFrame:
    """``links`` less those to or from an outside account under `MIN_SHARE` of the total:
    every link between the scenario's own parties and SPVs stays, however small, and so does
    every link of a kind deals write (`kinds.DEAL_KINDS`)."""
    inside = ~links["from"].isin(OUTSIDE) & ~links["to"].str.removeprefix(SINK).isin(OUTSIDE)
    deal = links["kind"].isin(DEAL_KINDS)
    return links[inside | deal | (links["value"] >= MIN_SHARE * links["value"].sum())]
