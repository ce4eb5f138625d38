"""A lab's purchases by vendor (``purchases|LAB|METRIC|VENDOR``, the JSON
``purchases_by_vendor``, the ``LAB|VENDOR`` ``purchases`` series) on a hand-computed world, and a
vendor's ``self_funded_share`` series where it sold nothing.

The world: one lab with no revenue need and a training need of 0.5 GW that doubles every
year (so by the end of quarter ``q`` it has bought 0.5 x 2^((q+1)/4) GW, as in
tests/test_deployment_warrant.py), more cash than it can spend, and fixed procurement
shares of 75% from ``nv`` ($20B a GW) and 25% from ``amd`` ($10B a GW). Over 8 quarters it
buys 0.5 x 2^2 = 2 GW: 1.5 GW from nv for $30B and 0.5 GW from amd for $5B, so nv has
30/35 = 6/7 of its hardware spend.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.analytics.lab_purchases import spend_split
from chipcredit.analytics.unit import band_unit, outcome_unit, summary_unit

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}


def world(shares: dict[str, float], quarters: int = 8) -> dict[str, Any]:
    vendors = [{"id": "nv", "kind": "vendor", "content_per_unit": 20.0, "gross_margin": 0.7},
               {"id": "amd", "kind": "vendor", "content_per_unit": 10.0, "gross_margin": 0.5}]
    lab = {"id": "lab", "kind": "lab", "revenue": {"run_rate": 10.0, "growth": dict(FLAT)},
           "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.5,
                       "training_growth": {"from": 1.0, "to": 1.0, "half_life_years": 1.0}},
           "cash": 1e5, "procurement": shares,
           "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}}}
    market = {"ai_demand": {"volatility": 0.0,
                            "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
              "hardware": {"all_in_cost_per_unit": 50.0, "residual_value_by_age": [1.0, 0.5],
                           "fire_sale_haircut": 0.3, "useful_life_years": 5}}
    return {"name": "two-vendors", "start": "2025Q4", "horizon_quarters": quarters,
            "market": market, "parties": [*vendors, lab], "deals": []}


def run(data: dict[str, Any]) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.load_scenario(data), paths=64, seed=1)


@pytest.fixture(scope="module")
def split() -> cc.Result:
    return run(world({"nv": 0.75, "amd": 0.25}))


def test_units_and_spend_by_vendor_are_the_hand_computed_ones(split: cc.Result) -> None:
    out = split.outcomes
    np.testing.assert_allclose(out["purchases|lab|units_total|nv"], 1.5, rtol=1e-9)
    np.testing.assert_allclose(out["purchases|lab|units_total|amd"], 0.5, rtol=1e-9)
    np.testing.assert_allclose(out["purchases|lab|spend_total|nv"], 30.0, rtol=1e-9)
    np.testing.assert_allclose(out["purchases|lab|spend_total|amd"], 5.0, rtol=1e-9)
    # the lab is each vendor's only buyer: its spend is the vendor's sales, path by path
    for vendor in ("nv", "amd"):
        np.testing.assert_allclose(out[f"purchases|lab|spend_total|{vendor}"],
                                   out[f"party|{vendor}|revenue_total"], rtol=1e-12)


def test_the_json_split_is_pooled_over_paths(split: cc.Result) -> None:
    bought = split.to_dict()["parties"]["lab"]["purchases_by_vendor"]
    assert list(bought) == ["nv", "amd"]  # scenario order
    assert bought["nv"]["spend_share"] == pytest.approx(6.0 / 7.0, rel=1e-9)
    assert bought["amd"]["spend_share"] == pytest.approx(1.0 / 7.0, rel=1e-9)
    assert bought["nv"]["units_total"]["p50"] == pytest.approx(1.5, rel=1e-6)
    assert bought["amd"]["spend_total"]["mean"] == pytest.approx(5.0, rel=1e-9)
    assert set(bought["nv"]["spend_total"]) == {"mean", "mean_se", "p05", "p50", "p95"}
    assert spend_split(split, "lab") == pytest.approx({"nv": 6.0 / 7.0, "amd": 1.0 / 7.0})
    assert summary_unit("parties.lab.purchases_by_vendor.nv.spend_total.mean") == "$B"
    assert summary_unit("parties.lab.purchases_by_vendor.nv.spend_share") == "share"
    assert outcome_unit("purchases|lab|spend_total|nv") == "$B"


def test_the_quarterly_series_add_up_to_the_totals(split: cc.Result) -> None:
    nv = split.bands("lab|nv", "purchases")["mean"].to_numpy()
    amd = split.bands("lab|amd", "purchases")["mean"].to_numpy()
    # 0.5 x 2^((q+1)/4) GW bought by the end of quarter q: each quarter's step, 75% / 25%
    bought = 0.5 * 2.0 ** (np.arange(1, 9) / 4.0) - np.r_[0.0, 0.5 * 2.0 ** (np.arange(1, 8) / 4.0)]
    np.testing.assert_allclose(nv, 0.75 * bought * 20.0, rtol=1e-9)
    np.testing.assert_allclose(amd, 0.25 * bought * 10.0, rtol=1e-9)
    assert band_unit("purchases", "GW") == "$B a quarter"


def test_a_single_source_lab_has_no_split_and_no_share_of_nothing() -> None:
    res = run(world({"nv": 1.0}))
    bought = res.to_dict()["parties"]["lab"]["purchases_by_vendor"]
    assert bought["nv"]["spend_share"] == pytest.approx(1.0)
    assert bought["amd"]["spend_share"] == 0.0
    assert spend_split(res, "lab") is None
    # amd sold nothing in any quarter: the share of its sales paid with its own money is a
    # share of nothing there, NaN (as a share of sales is where no vendor sold), not 0;
    # its share of all sales is a share of nv's sales, 0
    assert np.isnan(res.bands("amd", "self_funded_share")["mean"].to_numpy()).all()
    assert (res.bands("amd", "share")["mean"].to_numpy() == 0.0).all()
    assert (res.bands("nv", "self_funded_share")["mean"].to_numpy() == 0.0).all()


def test_a_lab_that_buys_nothing_has_no_spend_share() -> None:
    data = world({"nv": 0.75, "amd": 0.25})
    data["parties"][2]["compute"]["training"] = 0.0
    bought = run(data).to_dict()["parties"]["lab"]["purchases_by_vendor"]
    assert bought["nv"]["spend_share"] is None and bought["amd"]["spend_share"] is None
    assert bought["nv"]["spend_total"]["mean"] == 0.0


@pytest.fixture(scope="module")
def seed() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=500, seed=3)


def test_seed_2025_reports_each_labs_purchases_by_vendor(seed: cc.Result) -> None:
    parties = seed.to_dict()["parties"]
    labs = [p.id for p in seed.scenario.parties if p.kind == "lab"]
    vendors = [p.id for p in seed.scenario.parties if p.kind == "vendor"]
    for lab in labs:
        bought = parties[lab]["purchases_by_vendor"]
        assert list(bought) == vendors
        shares = [bought[v]["spend_share"] for v in vendors]
        assert sum(shares) == pytest.approx(1.0)
        for v in vendors:
            assert set(bought[v]) == {"units_total", "spend_total", "vendor_money_in",
                                      "spend_share", "vendor_financed_share"}
            # the pooled share is the ratio of the exact means of the spend
            total = sum(seed.mean(f"purchases|{lab}|spend_total|{w}") for w in vendors)
            assert bought[v]["spend_share"] == pytest.approx(
                seed.mean(f"purchases|{lab}|spend_total|{v}") / total, rel=1e-12)
            assert (f"{lab}|{v}", "purchases") in seed.reservoir
    # the spend is the ledger's sale flows from the lab to the vendor (an SPV's or a cloud's
    # are theirs), and the series adds up to it
    flows = seed.flows()
    for lab in labs:
        for v in vendors:
            sale = flows[(flows["from"] == lab) & (flows["to"] == v) & (flows["kind"] == "sale")]
            spend = seed.mean(f"purchases|{lab}|spend_total|{v}")
            assert float(sale["mean"].sum()) == pytest.approx(spend, rel=1e-9)
            series = seed.bands(f"{lab}|{v}", "purchases")["mean"].sum()
            assert float(series) == pytest.approx(spend, rel=1e-9)
    # no purchases for a party that is not a lab
    assert all("purchases_by_vendor" not in parties[p] for p in vendors)
    # a lab pays a vendor at most what the vendor sold, path by path (clouds, buyers and
    # SPVs buy too)
    for v in vendors:
        paid = sum(seed.outcomes[f"purchases|{lab}|spend_total|{v}"] for lab in labs)
        assert (paid <= seed.outcomes[f"party|{v}|revenue_total"] * (1 + 1e-6) + 1e-9).all()


def test_the_cli_parties_table_prints_a_two_vendor_labs_split(split: cc.Result) -> None:
    from rich.console import Console

    from chipcredit.cli.party_table import parties_table, spend_splits

    splits = spend_splits(split.to_dict())
    assert list(splits) == ["lab"]
    assert splits["lab"] == pytest.approx({"nv": 6.0 / 7.0, "amd": 1.0 / 7.0})
    console = Console(width=200, record=True)
    console.print(parties_table(split.summary().to_dict("records"),
                                [("nv", "vendor"), ("amd", "vendor"), ("lab", "lab")],
                                "p50", {"lab"}, splits=splits))
    # 6/7 is 85.7%, 1/7 14.3%, of the $30B paid to nv and the $5B paid to amd on every path
    assert " ".join(console.export_text().split()).count(
        "lab buys: nv 86% ($30B) · amd 14% ($5B) of its own hardware purchases ($35B; "
        "means over paths of the totals over the horizon). Capacity rented from clouds or "
        "leased from SPVs is not counted: it is not the lab's purchase (an SPV's purchase is "
        "the SPV's).") == 1
    # a single-source lab, and a summary without the figures (a run stored before them)
    assert spend_splits(run(world({"nv": 1.0})).to_dict()) == {}
    assert spend_splits({"parties": {"lab": {"kind": "lab"}}}) == {} == spend_splits(None)


# -- the vendor-financed share: what the vendor's deals put into the lab over its spend -----

def financed_world() -> dict[str, Any]:
    """`world`'s 75/25 lab, with nv's $6B of equity at the start and a $3B one-year bullet
    loan from nv from 2026Q2 (quarter 2), repaid with interest within the 8 quarters: nv's
    money in is 6 + 3 = $9B on every path, against the $30B the lab pays nv, 30%; amd puts
    in nothing, 0 of $5B."""
    data = world({"nv": 0.75, "amd": 0.25})
    data["deals"] = [
        {"id": "stake", "kind": "equity", "investor": "nv", "investee": "lab", "amount": 6.0,
         "pre_money_valuation": 100.0},
        {"id": "loan", "kind": "loan", "lender": "nv", "borrower": "lab", "amount": 3.0,
         "rate": 0.08, "term_years": 1, "amortisation": "bullet", "start": "2026Q2"}]
    return data


@pytest.fixture(scope="module")
def financed() -> cc.Result:
    return run(financed_world())


def test_the_vendor_financed_share_is_the_hand_computed_one(financed: cc.Result) -> None:
    out = financed.outcomes
    np.testing.assert_allclose(out["purchases|lab|vendor_money_in|nv"], 9.0, rtol=1e-12)
    assert (out["purchases|lab|vendor_money_in|amd"] == 0.0).all()
    # the loan's repayments and interest, paid back to nv, do not count against it
    np.testing.assert_allclose(out["purchases|lab|spend_total|nv"], 30.0, rtol=1e-9)
    bought = financed.to_dict()["parties"]["lab"]["purchases_by_vendor"]
    assert bought["nv"]["vendor_financed_share"] == pytest.approx(9.0 / 30.0, rel=1e-9)
    assert bought["amd"]["vendor_financed_share"] == 0.0
    assert bought["nv"]["vendor_money_in"]["mean"] == pytest.approx(9.0, rel=1e-12)
    assert set(bought["nv"]) == {"units_total", "spend_total", "vendor_money_in", "spend_share",
                                 "vendor_financed_share"}
    assert summary_unit("parties.lab.purchases_by_vendor.nv.vendor_money_in.p50") == "$B"
    assert summary_unit("parties.lab.purchases_by_vendor.nv.vendor_financed_share") == "share"
    assert outcome_unit("purchases|lab|vendor_money_in|nv") == "$B"


def test_no_spend_has_no_vendor_financed_share() -> None:
    data = financed_world()
    data["parties"][2]["compute"]["training"] = 0.0
    bought = run(data).to_dict()["parties"]["lab"]["purchases_by_vendor"]
    assert bought["nv"]["vendor_financed_share"] is None
    assert bought["nv"]["vendor_money_in"]["mean"] == pytest.approx(9.0, rel=1e-12)


def test_the_cli_caption_says_what_the_vendors_money_covers(financed: cc.Result) -> None:
    from rich.console import Console

    from chipcredit.cli.party_table import SpendSplit, parties_table, spend_splits

    splits = spend_splits(financed.to_dict())
    console = Console(width=250, record=True)
    records: Any = financed.summary().to_dict("records")
    console.print(parties_table(records,
                                [("nv", "vendor"), ("amd", "vendor"), ("lab", "lab")],
                                "p50", {"lab"}, splits=splits))
    # nv's $9B money in over the $30B paid to it is 30%
    assert ("lab buys: nv 86% ($30B) · amd 14% ($5B) of its own hardware purchases "
            "($35B; means over paths of the totals over the horizon); nv's money in ($9B) "
            "covers 30% of its spend with nv. Capacity rented from clouds or leased from SPVs "
            "is not counted: it is not the lab's purchase (an SPV's purchase is the SPV's)."
            ) in " ".join(console.export_text().split())
    # a single-source lab its vendor's money went into has the line too: it buys all 2 GW
    # from nv, $40B, of which nv's $9B is 22.5%
    data = financed_world()
    data["parties"][2]["procurement"] = {"nv": 1.0}
    single = spend_splits(run(data).to_dict())
    assert all(isinstance(s, SpendSplit) for s in single.values())
    assert {lab: (dict(s), getattr(s, "financed", None)) for lab, s in single.items()} == {
        "lab": ({"nv": 1.0}, {"nv": pytest.approx(9.0 / 40.0)})}


def test_seed_2025_vendor_money_in_is_the_ledgers_flows(seed: cc.Result) -> None:
    from chipcredit.analytics.metrics import VENDOR_MONEY_KINDS

    parties = seed.to_dict()["parties"]
    labs = [p.id for p in seed.scenario.parties if p.kind == "lab"]
    vendors = [p.id for p in seed.scenario.parties if p.kind == "vendor"]
    flows = seed.flows()
    # the market pays a warrant's share sale proceeds to the holder: the issuer's money
    issuer = {(d.holder, d.issuer) for d in seed.scenario.deals if d.kind == "deployment_warrant"}
    assert issuer  # seed-2025's AMD warrant to OpenAI
    for lab in labs:
        for v in vendors:
            entry = parties[lab]["purchases_by_vendor"][v]
            assert {"vendor_money_in", "vendor_financed_share"} <= set(entry)
            direct = flows[(flows["from"] == v) & (flows["to"] == lab)
                           & flows["kind"].isin(VENDOR_MONEY_KINDS)]
            sold = (flows[(flows["from"] == "market") & (flows["to"] == lab)
                          & (flows["kind"] == "warrant_sale")] if (lab, v) in issuer
                    else flows.iloc[:0])
            ledger = float(direct["mean"].sum()) + float(sold["mean"].sum())
            money = seed.mean(f"purchases|{lab}|vendor_money_in|{v}")
            assert money == pytest.approx(ledger, rel=1e-9, abs=1e-12)
            assert entry["vendor_money_in"]["mean"] == pytest.approx(money, rel=1e-12)
            spend = seed.mean(f"purchases|{lab}|spend_total|{v}")
            assert entry["vendor_financed_share"] == pytest.approx(money / spend, rel=1e-12)
    # Nvidia's tranches to OpenAI and AMD's warrant shares sold by OpenAI are money in
    assert parties["openai"]["purchases_by_vendor"]["nvidia"]["vendor_financed_share"] > 0
    assert parties["openai"]["purchases_by_vendor"]["amd"]["vendor_financed_share"] > 0


def test_the_vendors_note_points_to_the_vendor_financed_share(financed: cc.Result) -> None:
    from chipcredit.report.i18n import catalogue
    from chipcredit.report.vendors import vendors_caption

    records: Any = financed.summary().to_dict("records")
    parties = [("nv", "vendor"), ("amd", "vendor"), ("lab", "lab")]
    en = vendors_caption(records, parties, [], catalogue("en"))
    assert ("The share of a lab's purchases from a vendor that the vendor's money paid for, as "
            "analysts quote it, is another figure: the vendor's money in (what its deals paid "
            "the lab: equity, tranches, loans and credit drawn, its warrant's share "
            "sale proceeds) over what the lab paid it for hardware, both summed over all paths, "
            "a ratio of two totals that traces nothing; the parties table's notes give it, as "
            "chipcredit run does under its parties table "
            "(JSON: parties.LAB.purchases_by_vendor.VENDOR.vendor_financed_share)."
            ) in en
    # right after the self-funded note, in both languages
    assert en.index(catalogue("en").t("report.vendors_note")) < en.index("The share of a lab's")
    zh = vendors_caption(records, parties, [], catalogue("zh"))
    assert catalogue("zh").t("report.vendors_financed_note") in zh
    assert "摘要文件" in zh
    # no lab, no sentence
    assert "vendor_financed_share" not in vendors_caption(records, parties[:2], [], catalogue("en"))


def test_the_reports_parties_table_gives_the_lines_amounts(financed: cc.Result) -> None:
    """The HTML report's parties notes have the CLI's line: nv 30/35 = 86% and amd 5/35 = 14%
    of the $35B the lab paid, nv's $9B money in 30% of its $30B, in en and zh."""
    import html

    from chipcredit.report.i18n import catalogue
    from chipcredit.report.tables import parties_table

    en = html.unescape(parties_table(financed, catalogue("en")))
    assert ('<p class="note">lab buys: nv 86% ($30B) · amd 14% ($5B) of its own hardware '
            "purchases ($35B; means over paths of the totals over the horizon); nv's money in "
            "($9B) covers 30% of its spend with nv. Capacity rented from clouds or leased from "
            "SPVs is not counted: it is not the lab's purchase (an SPV's purchase is the "
            "SPV's).</p>") in en
    zh = html.unescape(parties_table(financed, catalogue("zh")))
    assert ("lab 的自有硬件采购：nv 86%（300亿美元） · amd 14%（50亿美元）（共 350亿美元；"
            "各路径均值，按整个期间合计）；nv 投入的资金（90亿美元）覆盖其向 nv 采购支出的 30%。"
            "向云厂商租用或从 SPV 租赁的算力不计入：那不是该实验室的采购（SPV 的采购属于 SPV）。"
            ) in zh
    # a lab with one vendor and none of its money has no line
    assert "buys:" not in html.unescape(parties_table(run(world({"nv": 1.0})), catalogue("en")))
