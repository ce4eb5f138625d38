"""What ``chipcredit deals --graph`` says around its tables: counts in the right number, a
line instead of an empty pair table (and why it is empty), only the party's abandoned deals
under ``--party``; and the Nscale round, whose size is not Nvidia's part."""

from __future__ import annotations

import math
import re

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit.cli import app
from chipcredit.cli.formats import count

runner = CliRunner()


def graph(*args: str) -> list[str]:
    res = runner.invoke(app, ["deals", "--graph", *args], terminal_width=250)
    assert res.exit_code == 0, res.output
    return res.output.splitlines()


@pytest.mark.parametrize(("n", "noun", "plural", "text"), [
    (1, "abandoned deal", None, "1 abandoned deal"), (2, "abandoned deal", None, "2 abandoned deals"),
    (0, "link", None, "0 links"), (1, "party", "parties", "1 party"),
    (25, "party", "parties", "25 parties"), (1200, "metric", None, "1,200 metrics")])
def test_count_is_singular_for_one_only(n: int, noun: str, plural: str | None, text: str) -> None:
    assert count(n, noun, plural) == text


def test_the_graph_counts_one_abandoned_deal_in_the_singular() -> None:
    net = cc.deal_network()
    assert (len(net.nodes), len(net.edges), len(net.abandoned)) == (25, 35, 1)
    head = " ".join(" ".join(graph()[:6]).split())
    assert head.startswith(
        "Deal network: 25 parties, 35 links from 44 of the registry's 47 deals; left out: 1 "
        "abandoned deal and 2 acquisitions (a change of owner, not a flow between parties). A "
        "link runs from -> to: the funder to the funded, the buyer to the seller; $B as "
        "reported, amounts are cash (paid, or contracted to be paid) unless marked: value")


def test_the_graph_counts_add_up_to_the_registrys() -> None:
    """Journalist finding J5: `deals` said 47 deals, the graph 44 and "1 abandoned deal left
    out"; the other two were acquisitions, unsaid. Every row is now counted once."""
    rows = cc.deal_registry()
    live = rows[rows["status"].isin(["executed", "signed", "announced"])
                & rows["relation"].isin(["funds", "buys_from"])]
    acquisitions = rows[(rows["relation"] == "acquires") & (rows["status"] != "abandoned")]
    assert sorted(acquisitions["id"]) == ["idt-winstar-assets", "spacex-xai-acquisition"]
    abandoned = cc.deal_network().abandoned
    assert len(live) + len(abandoned) + len(acquisitions) == len(rows) == 47
    head = " ".join(" ".join(graph()[:6]).split())
    assert (f"from {len(live)} of the registry's {len(rows)} deals; left out: "
            f"{len(abandoned)} abandoned deal and {len(acquisitions)} acquisitions") in head


def test_values_ceilings_and_estimates_are_marked_apart_from_cash() -> None:
    """J5: "amd | openai | signed | funds 34 | purchases 90" read as money flows; 34 is the
    warrant's value at the Oct-2025 price if every tranche vests, 90 an analyst's estimate,
    and Nvidia's 100 in OpenAI an "up to". Each cell says what it is; cash is unmarked."""
    out = "\n".join(graph())
    for cells in (("amd", "openai", "signed", "value 34", "estimate 90"),
                  ("nvidia", "openai", "announced", "up to 100", "n/r"),
                  ("nvidia", "openai", "executed", "30", ""),
                  ("nvidia", "xai", "signed", "up to 2", "up to 20"),
                  ("lucent", "carriers", "executed", "up to 8.1", "n/r")):
        pattern = r"│\s*" + r"\s*│\s*".join(map(re.escape, cells)) + r"\s*│"
        assert re.search(pattern, out), cells
    bases = cc.deal_registry().set_index("id")["basis"]
    assert (bases["amd-openai-warrant"], bases["openai-amd-6gw"], bases["nvidia-openai-loi"],
            bases["nvidia-openai-2026"]) == ("value", "estimate", "up_to", "cash")
    # a cell summing cash and a ceiling says which part is which kind of figure
    from chipcredit.cli.deals import _cell

    assert _cell({"amount": 130.0, "bases": "cash;up_to"}) == "130 (part up to)"
    assert _cell({"amount": float("nan"), "bases": ""}) == "n/r"
    assert _cell(None) == ""


def test_softbanks_one_deal_is_singular_and_neither_pair_table_is_empty() -> None:
    out = graph("--party", "softbank")
    assert any(line.startswith("0 of the 1 deal softbank is in has no amount reported: ")
               for line in out)
    assert ("Vendor financing (X funds Y and Y buys from X): none with softbank; no deal funds "
            "it, and those it funds (openai) buy nothing from it.") in out
    assert ("Investor and customer (X funds Y and X buys from Y): none with softbank; no deal "
            "funds it, and it buys nothing from those it funds (openai).") in out
    assert not any(line.startswith(("┏", "┃", "└")) for line in out)  # no table at all


def test_openai_has_no_investor_that_buys_from_it_and_the_graph_says_so() -> None:
    """OpenAI's funders in the registry (Amazon, AMD, Nvidia, SoftBank) all sell to it or
    buy nothing from it, and OpenAI funds no one: the investor-and-customer table has no
    row for it, so a line says that instead of an empty table."""
    out = graph("--party", "openai")
    assert ("Investor and customer (X funds Y and X buys from Y): none with openai; its "
            "funders (amazon, amd, nvidia, softbank) buy nothing from it, and it funds no "
            "one.") in out
    assert "Investor and customer: X funds Y and X buys from Y" not in out
    assert not any("┃ investor ┃" in line for line in out)
    assert "Vendor financing: X funds Y and Y buys from X" in out  # that table has rows
    funders = cc.deal_network().edges.query("relation == 'funds' and to == 'openai'")
    assert sorted(funders["from"]) == ["amazon", "amd", "nvidia", "softbank"]


def test_the_abandoned_deals_shown_under_party_are_the_partys_own() -> None:
    assert not any(line.startswith("Abandoned:") for line in graph("--party", "openai"))
    assert graph("--party", "lucent")[-1] == "Abandoned: lucent-telecorp-loan-sale"
    assert graph()[-1] == "Abandoned: lucent-telecorp-loan-sale"


def test_the_nscale_round_is_not_nvidias_part() -> None:
    """facts.md: Nvidia *led* Nscale's $2B round (Mar 2026); its own part is not reported,
    so the row's amount is empty (n/r), never the round's $2B as Nvidia's money."""
    row = cc.deal_registry("nscale").set_index("id").loc["nvidia-nscale"]
    assert math.isnan(row["amount"])
    assert row["terms"] == ("Nvidia led a $2B round at a $14.6B valuation; Nvidia's own part "
                            "of the $2B is not reported")
    net = cc.deal_network()
    edge = net.edges.query("`from` == 'nvidia' and to == 'nscale' and relation == 'funds'")
    assert math.isnan(edge["amount"].iloc[0]) and edge["amount_not_reported"].iloc[0] == 1
    nvidia = net.nodes.set_index("party").loc["nvidia"]
    assert nvidia["funds_out_not_reported"] == 2  # the xAI Series E and Nscale
    assert any(re.match(r"│ nvidia │ nscale\s+│ executed\s+│\s+n/r │", line) for line in graph())


def test_the_unreported_count_is_of_the_networks_own_deals() -> None:
    """The line under the heading counts the deals the links are made of (one filter,
    `chipcredit.registry.network.live_deals`, for both): every deal id on a link, none
    abandoned, and those of them with no amount."""
    net = cc.deal_network()
    on_links = {d for deals in net.edges["deals"] for d in deals.split(";")}
    rows = cc.deal_registry().set_index("id")
    missing = int(rows.loc[sorted(on_links), "amount"].isna().sum())
    assert not on_links & set(net.abandoned["id"])
    assert any(line.startswith(f"{missing} of the {count(len(on_links), 'deal')} have no "
                               "amount reported: ") for line in graph())
