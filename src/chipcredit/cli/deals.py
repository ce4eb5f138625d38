"""``chipcredit deals``: the registry of real deals, and the network they form."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit.registry.network import live_deals

from .app import app, console, user_errors
from .captions import NotedTable, Notes
from .formats import count
from .staging import check_file_target, write_output

__all__ = ["deals_command"]


@app.command("deals")
def deals_command(
    party: Annotated[str | None, typer.Option(
        "--party", metavar="ID", help="Only the deals this party is in (e.g. nvidia).")] = None,
    graph: Annotated[bool, typer.Option(
        "--graph", help="Summarise the network: who funds whom and buys from whom, cycles.")] = False,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE",
        help="Also write the rows (or, with --graph, the summary) as JSON; '-' for stdout.")] = None,
) -> None:
    """List the real financing deals the scenarios are checked against ($B), with status
    and source, from the bundled deal registry."""
    with user_errors():
        to_stdout = json_file is not None and str(json_file) == "-"
        if json_file is not None and not to_stdout:
            check_file_target(json_file, "--json")
        if graph:
            if party is not None:
                cc.deal_registry(party)  # an unknown party is an error, with a suggestion
            net = cc.deal_network()
            payload: Any = _network_json(net, party)
            if not to_stdout:
                _print_network(net, party)
        else:
            rows = cc.deal_registry(party)
            payload = [{k: _plain(v) for k, v in row.items()} for row in rows.to_dict("records")]
            if not to_stdout:
                _print_rows(rows, party)
        if json_file is not None:
            text = json.dumps(payload, indent=2, allow_nan=False) + "\n"
            if to_stdout:
                typer.echo(text, nl=False)
            else:
                write_output(json_file, "--json", text)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


NOT_REPORTED = "n/r"
"""Shown for an amount that no report gives (a sum over deals none of which has one)."""


VENDOR_FINANCING = ("Vendor financing", "X funds Y and Y buys from X")
INVESTOR_CUSTOMER = ("Investor and customer", "X funds Y and X buys from Y")
"""The pair tables: name and rule (`chipcredit.registry.network`)."""


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _amount(value: Any) -> str:
    return NOT_REPORTED if _missing(value) else f"{value:,.3g}"


BASIS_WORDS = {"value": "value", "up_to": "up to", "at_least": "at least",
               "estimate": "estimate"}
"""How a graph cell marks an amount that is not money paid or contracted (the registry's
``basis``, `chipcredit.registry.BASES`); cash is unmarked."""

CASH = "cash (paid, or contracted to be paid)"
BASIS_TERMS = ("value (what a non-cash instrument such as a warrant is worth, not cash), up to "
               "(a ceiling: a facility, a letter of intent, a conditional part), at least (a "
               "floor), estimate (derived or an analyst's figure, not the parties')")
"""The key to `BASIS_WORDS`, under the registry table and the graph."""
BASIS_KEY = f"amounts are {CASH} unless marked: {BASIS_TERMS}"


def _cell(part: Mapping[Any, Any] | None) -> str:
    """A graph cell: the status part's reported sum, marked with what it is where it is not
    all cash (``up to 100``; ``8.1 (part up to)`` where cash and a ceiling are summed)."""
    if part is None:
        return ""
    text = _amount(part["amount"])
    bases = [b for b in str(part.get("bases") or "").split(";") if b]
    marks = [BASIS_WORDS[b] for b in bases if b in BASIS_WORDS]
    if not marks:
        return text
    if len(bases) == 1:
        return f"{marks[0]} {text}"
    return f"{text} (part {' / '.join(marks)})"


def _print_rows(rows: Any, party: str | None) -> None:
    title = "Deal registry" + (f": deals of {party}" if party else "") + " ($B)"
    table = NotedTable(title=title, title_justify="left")
    names = ("id", "from", "to", "kind", "amount", "basis", "date", "status", "terms")
    for name in names:
        table.add_column(name, no_wrap=name in ("id", "kind", "date", "basis"),
                         justify="right" if name == "amount" else "left",
                         style="bold" if name == "id" else None)
    for row in rows.to_dict("records"):
        table.add_row(*(Text(_amount(row[c]) if c == "amount"
                             else BASIS_WORDS.get(row[c], row[c]) if c == "basis"
                             else str(row[c])) for c in names))
    out = console()
    out.print(table)
    missing = int(rows["amount"].isna().sum())
    out.print(Notes(f"{count(len(rows), 'deal')} ({missing} with no amount reported: "
                    f"{NOT_REPORTED}); basis: {CASH}, {BASIS_TERMS}; "
                    "sources: chipcredit deals --json FILE"))


def _involves(row: Mapping[Any, Any], party: str | None, *fields: str) -> bool:
    return party is None or any(row[f] == party for f in fields)


def _pairs(net: cc.DealNetwork, frame: pd.DataFrame, kind: tuple[str, str], first: str,
           second: str, party: str | None, buyer_is_first: bool) -> Table:
    """One table of party pairs (``first`` funds ``second``; the one buys from the other),
    one row for each status the pair's deals have, most binding first: the reported funds
    and purchases of the deals of that status (blank: no such deal; n/r: none of them
    reported an amount) and how many of them reported none."""
    table = NotedTable(title=f"{kind[0]}: {kind[1]}", title_justify="left")
    for name in (first, second, "status", "funds", "purchases", "not reported", "deals"):
        table.add_column(name, justify="right" if name in ("funds", "purchases", "not reported")
                         else "left")
    split = {(r["from"], r["to"], r["relation"], r["status"]): r
             for r in net.edges_by_status.to_dict("records")}
    for row in frame.to_dict("records"):
        if not _involves(row, party, first, second):
            continue
        a, b = row[first], row[second]
        buys = (a, b) if buyer_is_first else (b, a)
        for status in net.statuses:
            funds = split.get((a, b, "funds", status))
            purchases = split.get((*buys, "buys_from", status))
            if funds is None and purchases is None:
                continue
            parts = [p for p in (funds, purchases) if p is not None]
            missing = sum(int(p["not_reported"]) for p in parts)
            table.add_row(a, b, status, _cell(funds), _cell(purchases),
                          str(missing) if missing else "",
                          Text(";".join(p["deals"] for p in parts)))
    return table


def _print_network(net: cc.DealNetwork, party: str | None) -> None:
    out = console()
    # the deals the network is made of, by deal_network()'s own filter, so the count
    # below is of the same deals as the links above it
    live = live_deals(cc.deal_registry(party))
    missing = int(live["amount"].isna().sum())
    # every registry row is in the network or left out for a stated reason, so the counts
    # add up to the deal table's (47 = 44 + 1 abandoned + 2 acquisitions)
    rows = cc.deal_registry()
    owners = int(((rows["relation"] == "acquires") & (rows["status"] != "abandoned")).sum())
    out.print(Notes(f"Deal network: {count(len(net.nodes), 'party', 'parties')}, "
                    f"{count(len(net.edges), 'link')} from {len(live_deals(rows))} of the "
                    f"registry's {count(len(rows), 'deal')}; left out: "
                    f"{count(len(net.abandoned), 'abandoned deal')} and "
                    f"{count(owners, 'acquisition')} (a change of owner, not a flow between "
                    "parties). A link runs from -> to: the funder to the funded, the buyer to "
                    f"the seller; $B as reported, {BASIS_KEY}.\n"
                    "One row per status: executed (closed or paid), signed (a contract), "
                    "announced (binds no one, such as a letter of intent).\n"
                    f"{missing} of the {count(len(live), 'deal')}"
                    + (f" {party} is in" if party else "")
                    + f" {'has' if len(live) == 1 else 'have'} no amount reported: "
                    f"{NOT_REPORTED} where no deal of a cell has one; 'not reported' counts "
                    "them, and a row with any has lower bounds."))
    for kind, table in ((VENDOR_FINANCING, _pairs(net, net.vendor_financing, VENDOR_FINANCING,
                                                  "funder", "customer", party, False)),
                        (INVESTOR_CUSTOMER, _pairs(net, net.investor_customer, INVESTOR_CUSTOMER,
                                                   "investor", "investee", party, True))):
        # an empty table would read as a fault: say there is no such pair, and why
        out.print(table if table.row_count else Notes(_no_pairs(net, kind, party)))
    cycles = [c for c in net.cycles if party is None or party in c]
    out.print(Notes("\n".join([f"Cycles of money ({len(cycles)}):",
                                *("  " + " -> ".join([*c, c[0]]) for c in cycles)])))
    abandoned = [r["id"] for r in net.abandoned.to_dict("records")
                 if _involves(r, party, "from", "to")]  # as the JSON's, for --party
    if abandoned:
        out.print(Notes("Abandoned: " + ", ".join(abandoned)))


def _no_pairs(net: cc.DealNetwork, kind: tuple[str, str], party: str | None) -> str:
    """The line that stands for a pair table with no row: no such pair (for ``party``),
    and for a party why not: whom it funds and who funds it, and that no purchase goes the
    way the table needs."""
    name, rule = kind
    if party is None:
        return f"{name} ({rule}): no such pair in the registry."
    funds = net.edges[net.edges["relation"] == "funds"]
    funders = ", ".join(sorted(funds.loc[funds["to"] == party, "from"]))
    funded = ", ".join(sorted(funds.loc[funds["from"] == party, "to"]))
    if kind == INVESTOR_CUSTOMER:
        why = [f"its funders ({funders}) buy nothing from it" if funders
               else "no deal funds it",
               f"it buys nothing from those it funds ({funded})" if funded
               else "it funds no one"]
    else:
        why = [f"it buys nothing from its funders ({funders})" if funders
               else "no deal funds it",
               f"those it funds ({funded}) buy nothing from it" if funded
               else "it funds no one"]
    return f"{name} ({rule}): none with {party}; {why[0]}, and {why[1]}."


def _network_json(net: cc.DealNetwork, party: str | None) -> dict[str, Any]:
    def records(frame: Any, *fields: str) -> list[dict[str, Any]]:
        return [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")
                if _involves(r, party, *fields)]

    return {
        "nodes": records(net.nodes, "party"),
        "edges": records(net.edges, "from", "to"),
        "vendor_financing": records(net.vendor_financing, "funder", "customer"),
        "investor_customer": records(net.investor_customer, "investor", "investee"),
        "cycles": [c for c in net.cycles if party is None or party in c],
        "abandoned": records(net.abandoned, "from", "to"),
        "edges_by_status": records(net.edges_by_status, "from", "to"),
    }
