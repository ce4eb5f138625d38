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

from .app import app, console, user_errors
from .output import check_file_target, write_output

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


def _amount(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.3g}"


def _print_rows(rows: Any, party: str | None) -> None:
    title = "Deal registry" + (f": deals of {party}" if party else "") + " ($B)"
    table = Table(title=title, title_justify="left")
    for name in ("id", "from", "to", "kind", "amount", "date", "status", "terms"):
        table.add_column(name, no_wrap=name in ("id", "kind", "date"),
                         justify="right" if name == "amount" else "left",
                         style="bold" if name == "id" else None)
    for row in rows.to_dict("records"):
        table.add_row(*(Text(_amount(row[c]) if c == "amount" else str(row[c]))
                        for c in ("id", "from", "to", "kind", "amount", "date", "status", "terms")))
    out = console()
    out.print(table)
    out.print(Text(f"{len(rows)} deals; sources: chipcredit deals --json FILE"))


def _involves(row: Mapping[Any, Any], party: str | None, *fields: str) -> bool:
    return party is None or any(row[f] == party for f in fields)


def _pairs(frame: pd.DataFrame, title: str, first: str, second: str,
           party: str | None) -> Table:
    """One table of party pairs (``first`` funds ``second``) with funds, purchases, deals."""
    table = Table(title=title, title_justify="left")
    for name in (first, second, "funds", "purchases", "deals"):
        table.add_column(name, justify="right" if name in ("funds", "purchases") else "left")
    for row in frame.to_dict("records"):
        if _involves(row, party, first, second):
            table.add_row(row[first], row[second], _amount(row["funds"]),
                          _amount(row["purchases"]), Text(row["deals"]))
    return table


def _print_network(net: cc.DealNetwork, party: str | None) -> None:
    out = console()
    out.print(Text(f"Deal network: {len(net.nodes)} parties, {len(net.edges)} links "
                   f"({len(net.abandoned)} abandoned deals left out). Money flows from -> to; "
                   "$B, amounts reported."))
    out.print(_pairs(net.vendor_financing, "Vendor financing: X funds Y and Y buys from X",
                     "funder", "customer", party))
    out.print(_pairs(net.investor_customer, "Investor and customer: X funds Y and X buys from Y",
                     "investor", "investee", party))
    cycles = [c for c in net.cycles if party is None or party in c]
    out.print(Text(f"Cycles of money ({len(cycles)}):"))
    for cycle in cycles:
        out.print(Text("  " + " -> ".join([*cycle, cycle[0]])))
    if len(net.abandoned):
        out.print(Text("Abandoned: " + ", ".join(net.abandoned["id"])))


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
    }
