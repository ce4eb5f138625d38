"""The deal network's sums: an amount nobody reported is never 0, and an announced letter of
intent is never added to money that moved (``chipcredit deals --graph``, its JSON and
``cc.deal_network()``), checked on the bundled registry (chipcredit/data/deals.csv)."""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit.cli import app
from chipcredit.registry.network import LIVE_STATUSES, amount_sums, reported_sum

NET = cc.deal_network()
ROWS = cc.deal_registry().set_index("id")


def _pair(frame: pd.DataFrame, a: str, b: str) -> dict[str, Any]:
    first, second = frame.columns[:2]
    rec = frame[(frame[first] == a) & (frame[second] == b)].to_dict("records")
    assert len(rec) == 1, (a, b)
    return {str(k): v for k, v in rec[0].items()}


def test_nvidia_openai_keeps_the_letter_of_intent_apart_and_purchases_not_reported() -> None:
    # deals.csv: the LOI is announced, up to $100B; the Feb-2026 equity is executed, $30B;
    # OpenAI's >=10 GW of Nvidia systems (openai-nvidia-10gw) has no amount
    row = _pair(NET.vendor_financing, "nvidia", "openai")
    assert row["funds_executed"] == 30.0 and row["funds_announced"] == 100.0
    assert row["funds_signed"] == 0.0 and row["funds_not_reported"] == 0
    assert math.isnan(row["purchases"]) and math.isnan(row["purchases_announced"])
    assert row["purchases_not_reported"] == 1 and row["purchases_executed"] == 0.0
    # CoreWeave's GPU purchases from Nvidia were never reported: not 0
    assert math.isnan(_pair(NET.vendor_financing, "nvidia", "coreweave")["purchases"])
    # Nvidia's part of xAI's Series E is executed and unreported; its $2B in the SPV signed
    xai = _pair(NET.vendor_financing, "nvidia", "xai")
    assert math.isnan(xai["funds_executed"]) and xai["funds_signed"] == 2.0
    assert xai["funds"] == 2.0 and xai["funds_not_reported"] == 1


def test_every_sum_matches_its_deals_in_the_registry() -> None:
    """Each pair's funds and purchases, recomputed from the registry rows it names: the sum
    of the reported amounts by status, NaN where none was reported, and the count of deals
    without one; the parts add up to the total."""
    for frame in (NET.vendor_financing, NET.investor_customer):
        for rec in frame.to_dict("records"):
            ids = str(rec["deals"]).split(";")
            deals = ROWS.loc[ids]
            for name, relation in (("funds", "funds"), ("purchases", "buys_from")):
                mine = deals[deals["relation"] == relation]
                assert rec[f"{name}_not_reported"] == int(mine["amount"].isna().sum())
                reported = mine["amount"].dropna()
                total = rec[name]
                if reported.empty:
                    assert math.isnan(total)
                else:
                    assert total == float(reported.sum())
                    parts = [rec[f"{name}_{s}"] for s in LIVE_STATUSES]
                    assert math.fsum(p for p in parts if not math.isnan(p)) == pytest.approx(total)
                for status in LIVE_STATUSES:
                    some = mine[mine["status"] == status]["amount"]
                    part = rec[f"{name}_{status}"]
                    if some.empty:
                        assert part == 0.0
                    elif some.isna().all():
                        assert math.isnan(part)
                    else:
                        assert part == float(some.sum())


def test_edges_by_status_split_each_edge() -> None:
    by = NET.edges_by_status
    for edge in NET.edges.to_dict("records"):
        mine = by[(by["from"] == edge["from"]) & (by["to"] == edge["to"])
                  & (by["relation"] == edge["relation"])]
        assert list(mine["status"]) == [s for s in LIVE_STATUSES if s in set(mine["status"])]
        assert sorted(";".join(mine["deals"]).split(";")) == sorted(str(edge["deals"]).split(";"))
        assert int(mine["not_reported"].sum()) == edge["amount_not_reported"]
    loi = by[(by["from"] == "nvidia") & (by["to"] == "openai")].set_index("status")
    assert loi.loc["announced", "amount"] == 100.0 and loi.loc["executed", "amount"] == 30.0


@given(st.lists(st.one_of(st.none(), st.floats(0, 1e3)), max_size=6),
       st.lists(st.sampled_from(LIVE_STATUSES), min_size=6, max_size=6))
def test_reported_sum_never_turns_missing_into_zero(amounts: list[float | None],
                                                    statuses: list[str]) -> None:
    series = pd.Series([math.nan if a is None else a for a in amounts], dtype=float)
    got = reported_sum(series)
    known = [a for a in amounts if a is not None]
    if not amounts:
        assert got == 0.0
    elif not known:
        assert math.isnan(got)
    else:
        assert got == pytest.approx(math.fsum(known))
    frame = pd.DataFrame({"amount": series, "status": statuses[:len(amounts)]})
    sums = amount_sums(frame, "x")
    assert sums["x_not_reported"] == len(amounts) - len(known)
    for status in LIVE_STATUSES:
        mine = [a for a, s in zip(amounts, statuses, strict=False) if s == status]
        if mine and all(a is None for a in mine):
            assert math.isnan(sums[f"x_{status}"])
        elif not mine:
            assert sums[f"x_{status}"] == 0.0


def _row(output: str, *cells: str) -> bool:
    """Whether a table row starts with these cells (each padded by the table)."""
    pattern = r"│\s*" + r"\s*│\s*".join(map(re.escape, cells)) + r"\s*│"
    return re.search(pattern, output) is not None


def test_cli_graph_splits_by_status_and_shows_not_reported() -> None:
    res = CliRunner().invoke(app, ["deals", "--graph"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert _row(out, "nvidia", "openai", "executed", "30", "")
    assert _row(out, "nvidia", "openai", "announced", "up to 100", "n/r", "1",
                "nvidia-openai-loi;openai-nvidia-10gw")
    assert _row(out, "nvidia", "coreweave", "executed", "2.35", "n/r", "1")
    assert not re.search(r"│\s*130\s*│", out)  # the LOI ceiling is never added to the $30B
    assert not re.search(r"│\s*0\s*│", out)  # nothing unreported reads as 0
    live = cc.deal_registry()
    live = live[(live["status"] != "abandoned") & live["relation"].isin(["funds", "buys_from"])]
    assert f"{int(live['amount'].isna().sum())} of the {len(live)} deals have no amount" in out


def test_cli_graph_json_has_nulls_and_the_status_parts() -> None:
    res = CliRunner().invoke(app, ["deals", "--graph", "--party", "nvidia", "--json", "-"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    row = next(r for r in doc["vendor_financing"] if r["customer"] == "openai")
    # the old fields are all there, with null where nothing was reported
    assert {"funder", "customer", "funds", "purchases", "deals"} <= set(row)
    assert row["purchases"] is None and row["purchases_not_reported"] == 1
    assert (row["funds_executed"], row["funds_announced"]) == (30.0, 100.0)
    edge = next(e for e in doc["edges"] if (e["from"], e["to"]) == ("openai", "nvidia"))
    assert edge["amount"] is None and edge["amount_not_reported"] == 1
    assert {(e["from"], e["status"]) for e in doc["edges_by_status"]
            if e["to"] == "openai" and e["relation"] == "funds" and e["from"] == "nvidia"} == \
        {("nvidia", "executed"), ("nvidia", "announced")}


def test_cli_rows_show_n_r_and_count_it() -> None:
    res = CliRunner().invoke(app, ["deals", "--party", "openai"])
    assert res.exit_code == 0, res.output
    assert _row(res.output, "openai-broadcom", "openai", "broadcom", "purchase", "n/r")
    rows = cc.deal_registry("openai")
    assert (f"{len(rows)} deals ({int(rows['amount'].isna().sum())} with no amount reported: "
            "n/r)") in res.output
