"""The deal registry (chipcredit/data/deals.csv), its network summary, the scenario links
to it and ``chipcredit deals``."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit.cli import app
from chipcredit.registry import BASES, COLUMNS, RELATIONS, STATUSES
from chipcredit.registry.network import simple_cycles
from chipcredit.scenario.registry import bundled_path

ROWS = cc.deal_registry()


def test_rows_are_complete_and_sourced() -> None:
    assert list(ROWS.columns) == list(COLUMNS)
    assert ROWS["id"].is_unique
    assert all(re.fullmatch(r"[a-z0-9_-]+", i) for i in ROWS["id"])
    assert set(ROWS["status"]) <= set(STATUSES)
    assert set(ROWS["relation"]) <= set(RELATIONS)
    assert all(s.startswith(("http://", "https://")) for s in ROWS["source"])
    assert (ROWS["amount"].dropna() >= 0).all()
    # every amount says what it is (cash, a value, a ceiling, a floor, an estimate); a row
    # with no amount has no basis
    assert set(ROWS.loc[ROWS["amount"].notna(), "basis"]) <= set(BASES)
    assert (ROWS.loc[ROWS["amount"].isna(), "basis"] == "").all()
    # a term that says its amount is a value, an estimate or a letter of intent's ceiling is
    # not marked as cash (an "up to" beside a firm amount, Microsoft-Nebius's, may be)
    said = ROWS["terms"].str.contains(r"Letter of intent: up to|\(value, not cash\)|analyst estimate")
    for _, row in ROWS[said & ROWS["amount"].notna()].iterrows():
        assert row["basis"] != "cash", row["id"]
    assert all(t.strip() for t in ROWS["terms"]) and all(d.strip() for d in ROWS["date"])
    # the kinds of relationship the issue asks for are all there
    ids = set(ROWS["id"])
    assert {"nvidia-xai-colossus2-spv", "nvidia-coreweave-backstop", "openai-oracle",
            "lucent-winstar", "lucent-guarantees-fy2000"} <= ids


def test_the_nvidia_openai_loi_is_announced_as_in_seed_2025_and_the_30b_executed() -> None:
    # facts.md: the LOI was never made definitive, and whether its per-GW schedule survives
    # the $30B of Feb 2026 is "not found": not abandoned, not replaced
    row = ROWS.set_index("id")
    assert row.loc["nvidia-openai-loi", "status"] == "announced"
    assert row.loc["openai-nvidia-10gw", "status"] == "announced"
    assert row.loc["nvidia-openai-loi", "amount"] == 100
    assert row.loc["nvidia-openai-2026", "status"] == "executed"
    assert row.loc["nvidia-openai-2026", "amount"] == 30
    for deal in ("nvidia-openai-loi", "nvidia-openai-2026"):
        terms = row.loc[deal, "terms"]
        assert "not known" in terms and "replaced" not in terms and "instead" not in terms
    loi = next(d for d in cc.load_scenario("seed-2025").deals if d.id == "nvidia-openai-loi")
    assert loi.status == row.loc["nvidia-openai-loi", "status"]


def test_party_filter_and_its_error() -> None:
    mine = cc.deal_registry("nvidia")
    assert len(mine) > 5
    assert ((mine["from"] == "nvidia") | (mine["to"] == "nvidia")).all()
    with pytest.raises(cc.UsageError, match=r"'nvidai' is in no registry deal.*did you mean nvidia"):
        cc.deal_registry("nvidai")


def test_network_finds_vendor_financing_investor_customers_and_cycles() -> None:
    net = cc.deal_network()
    pairs = set(zip(net.vendor_financing["funder"], net.vendor_financing["customer"], strict=True))
    assert {("nvidia", "xai"), ("amd", "openai"), ("lucent", "winstar")} <= pairs
    both = set(zip(net.investor_customer["investor"], net.investor_customer["investee"],
                   strict=True))
    assert ("nvidia", "coreweave") in both  # shareholder, Osprey renter and backstop
    assert ["coreweave", "nvidia"] in net.cycles
    assert set(net.abandoned["id"]) == {"lucent-telecorp-loan-sale"}
    # abandoned deals are not links; the announced LOI ($100B) is, beside the $30B of equity
    edge = net.edges[(net.edges["from"] == "nvidia") & (net.edges["to"] == "openai")]
    assert float(edge["amount"].sum()) == 130.0


def test_simple_cycles_on_a_hand_graph() -> None:
    graph = {"a": {"b"}, "b": {"c", "a"}, "c": {"a"}, "d": {"d"}}
    assert simple_cycles(graph) == [["d"], ["a", "b"], ["a", "b", "c"]]


def test_seed_deals_link_to_existing_registry_rows() -> None:
    sc = cc.load_scenario("seed-2025")
    ids = set(ROWS["id"])
    linked = {d.id: d.registry for d in sc.deals if d.registry is not None}
    assert linked["nvidia-openai-loi"] == "nvidia-openai-loi"
    assert set(linked.values()) <= ids
    # only a hypothetical deal (no reported contract) goes without a link
    unlinked = [d for d in sc.deals if d.registry is None]
    assert all("ypothetical" in (d.description or "") for d in unlinked), [d.id for d in unlinked]


def test_a_bad_registry_link_names_the_nearest_row() -> None:
    path = bundled_path("seed-2025")
    assert path is not None
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["deals"][0]["registry"] = "nvidia-xai-colossus-spv"
    with pytest.raises(cc.ScenarioError, match=r"deals\[0\]\.registry.*names no deal in the deal "
                       r"registry.*did you mean nvidia-xai-colossus2-spv"):
        cc.load_scenario(data)


def test_cli_lists_rows_and_writes_json(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["deals", "--party", "lucent"])
    assert res.exit_code == 0, res.output
    assert "lucent-winstar" in res.output and "nvidia-openai-loi" not in res.output
    out = tmp_path / "deals.json"
    res = runner.invoke(app, ["deals", "--json", str(out)])
    assert res.exit_code == 0, res.output
    rows = json.loads(out.read_text())
    assert len(rows) == len(ROWS)
    loi = next(r for r in rows if r["id"] == "nvidia-openai-loi")
    assert loi["status"] == "announced" and loi["source"].startswith("https://")
    assert next(r for r in rows if r["id"] == "openai-broadcom")["amount"] is None


def test_cli_graph_prints_cycles_and_json() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["deals", "--graph"])
    assert res.exit_code == 0, res.output
    assert "coreweave -> nvidia -> coreweave" in res.output
    assert "Investor and customer" in res.output
    res = runner.invoke(app, ["deals", "--graph", "--party", "lucent", "--json", "-"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert ["lucent", "winstar"] in doc["cycles"]
    assert all("lucent" in c for c in doc["cycles"])


def test_cli_unknown_party_exits_2() -> None:
    res = CliRunner().invoke(app, ["deals", "--graph", "--party", "nvidai"])
    assert res.exit_code == 2
    assert "did you mean nvidia" in res.output
