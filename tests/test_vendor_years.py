"""The self-funded share with its horizon and by year (journalist finding J2): "0.34% of
Nvidia's revenue is self-funded" is a ten-year figure, mostly the first year's money; the
tables name the horizon, split it by calendar year, set the vendor's outlay in its deals
beside the money coming back, and say that its stakes in companies that are not parties are
outside the model. And the Chinese words for it (J12): revenue paid with the vendor's own
money coming back (回流), not money a company raised itself (自筹)."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from tests.cli import render

import chipcredit as cc
from chipcredit.analytics.vendor_years import part_quarters, self_funded_by_year
from chipcredit.cli.vendor_tables import self_funded_years_table, vendors_table
from chipcredit.report.i18n import catalogue
from chipcredit.report.vendors import (
    deal_outlay,
    horizon,
    outside_funding,
    unmodelled_funding,
    vendors_caption,
)

SRC = Path(cc.__file__).parent


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=64, seed=3)


def _hand_result(result: cc.Result) -> cc.Result:
    """seed-2025's result (start 2025Q4) with six quarters of made-up sums over 2 paths."""
    return dataclasses.replace(
        result, paths=2,
        series_sums={("nvidia", "sales"): np.array([10.0, 20.0, 20.0, 20.0, 20.0, 8.0]),
                     ("amd", "sales"): np.zeros(6)},
        self_funded_sums={
            ("openai", "nvidia", "sale"): np.array([1.0, 2.0, 0.0, 0.0, 0.0, 4.0]),
            ("spv", "nvidia", "sale"): np.array([1.0, 0.0, 0.0, 0.0, 2.0, 0.0]),
            # not a sale: a distribution from the SPV is no revenue
            ("spv", "nvidia", "distribution"): np.array([50.0] * 6),
            # another vendor's own money
            ("openai", "amd", "sale"): np.array([9.0] * 6)})


def test_self_funded_revenue_by_year_by_hand(result: cc.Result) -> None:
    years = self_funded_by_year(_hand_result(result), "nvidia")
    # 2025: Q4 only, (1+1)/2 of 10/2; 2026: Q1-Q4, (2+2)/2 of 80/2; 2027: Q1, 4/2 of 8/2
    assert years == [
        {"year": 2025, "first": "2025Q4", "last": "2025Q4", "quarters": 1,
         "revenue_mean": 5.0, "self_funded_revenue_mean": 1.0, "self_funded_share": 0.2},
        {"year": 2026, "first": "2026Q1", "last": "2026Q4", "quarters": 4,
         "revenue_mean": 40.0, "self_funded_revenue_mean": 2.0, "self_funded_share": 0.05},
        {"year": 2027, "first": "2027Q1", "last": "2027Q1", "quarters": 1,
         "revenue_mean": 4.0, "self_funded_revenue_mean": 2.0, "self_funded_share": 0.5}]
    # no sales that year: no share (0 of 0 is not 0%)
    amd = self_funded_by_year(_hand_result(result), "amd")
    assert amd is not None and [y["self_funded_share"] for y in amd] == [None, None, None]
    # no provenance traced: no figures
    assert self_funded_by_year(dataclasses.replace(result, self_funded_sums={}), "nvidia") is None
    assert [part_quarters(y) for y in years] == ["Q4", None, "Q1"]
    assert part_quarters({"quarters": 3, "first": "2035Q1", "last": "2035Q3"}) == "Q1-Q3"


def test_the_years_add_up_to_the_horizon_totals(result: cc.Result) -> None:
    for vendor in ("nvidia", "amd"):
        years = self_funded_by_year(result, vendor)
        assert years is not None
        assert [y["year"] for y in years] == list(range(2025, 2036))
        assert sum(y["quarters"] for y in years) == 40
        assert (years[0]["first"], years[-1]["last"]) == horizon(result.scenario)[:2]
        own = float(np.mean(result.outcome(None, vendor, "self_funded_revenue"), dtype=np.float64))
        revenue = float(np.mean(result.outcome(None, vendor, "revenue_total"), dtype=np.float64))
        assert sum(y["self_funded_revenue_mean"] for y in years) == pytest.approx(own, rel=1e-5)
        assert sum(y["revenue_mean"] for y in years) == pytest.approx(revenue, rel=1e-5)
    # seed-2025: Nvidia's own money comes back in the first two years, not evenly
    nvidia = self_funded_by_year(result, "nvidia")
    assert nvidia is not None
    early = nvidia[0]["self_funded_revenue_mean"] + nvidia[1]["self_funded_revenue_mean"]
    assert early > 0.5 * sum(y["self_funded_revenue_mean"] for y in nvidia)
    assert nvidia[1]["self_funded_share"] > 10 * nvidia[5]["self_funded_share"]


def test_the_json_vendors_carry_the_split_by_year(result: cc.Result) -> None:
    data = json.loads(result.to_json())
    for vendor in ("nvidia", "amd"):
        assert data["vendors"][vendor]["self_funded_by_year"] == self_funded_by_year(result, vendor)
    assert horizon(result.scenario) == ("2025Q4", "2035Q3", 40)


def test_the_cli_year_table_by_hand(result: cc.Result) -> None:
    years = self_funded_by_year(_hand_result(result), "nvidia")
    text = render(self_funded_years_table({"nvidia": years, "amd": None}), 160)
    assert "Self-funded revenue by year ($B; means over paths)" in text
    rows = {ln.split("│")[1].strip(): [c.strip() for c in ln.split("│")[2:-1]]
            for ln in text.splitlines() if ln.startswith("│ ")}
    assert rows == {"2025 (Q4)": ["5.00", "1.00", "20.00%"], "2026": ["40.00", "2.00", "5.00%"],
                    "2027 (Q1)": ["4.00", "2.00", "50.00%"]}
    assert "amd" not in text  # a vendor without the figures has no columns
    assert self_funded_years_table({"amd": None}) is None
    base = render(self_funded_years_table({"nvidia": years}, deterministic=True), 160)
    assert "($B; base case)" in base and "mean" not in base


def row(party: str, metric: str, deal: str | None = None, **stats: Any) -> dict[str, Any]:
    return {"deal": deal, "party": party, "metric": metric, **stats}


def test_the_caption_names_the_horizon_the_outlay_and_what_is_outside() -> None:
    cat = catalogue("en")
    parties = [("nvidia", "vendor"), ("openai", "lab"), ("amd", "vendor")]
    summary = [row("nvidia", "self_funded_revenue", mean=12.8),
               row("nvidia", "cash_out", "loi", mean=20.5),
               row("nvidia", "cash_out", "spv", mean=8.3),
               row("openai", "cash_out", "loi", mean=99.0),  # not a vendor's
               row("nvidia", "cash_in", "spv", mean=50.0),  # money in, not out
               row("amd", "self_funded_revenue", mean=0.25)]  # AMD in no deal: no outlay
    assert deal_outlay(summary, "nvidia") == pytest.approx(28.8)
    assert deal_outlay(summary, "amd") is None
    outside = [{"id": "nv-nb", "from": "nvidia", "to": "nebius", "kind": "equity",
                "amount": 2.0, "date": "2026-03-11"}]
    got = vendors_caption(summary, parties, [], cat, lambda p: {"nvidia": "Nvidia"}.get(p, p),
                          outside=outside,
                          horizon=("2025Q4", "2035Q3", 40))
    assert got == (
        "Every figure here is a total over the whole horizon, 2025Q4 to 2035Q3 (40 quarters, "
        "10 years), not a yearly one; the split by year is in the table of self-funded revenue "
        "by year (chipcredit run, the HTML report) and in the JSON summary "
        "(vendors.VENDOR.self_funded_by_year). " + cat.t("report.vendors_note")
        + " " + cat.t("report.vendors_financed_note")  # openai is a lab
        + " Beside the money coming back: what each vendor puts into the scenario's deals over "
        "the horizon (its cash out summed over its deals, undiscounted, mean over paths; shares "
        "it issues, such as a warrant's, are not cash out) against its self-funded revenue "
        "(mean), which is revenue, not capital returned: sales paid with any of the vendor's "
        "own money, the deals' and the rest (its own rent to a cloud outside any deal, say), so "
        "the two are not like for like: Nvidia $28.8B put in, $12.8B back as sales."
        " Outside the model: the vendors' money in companies that are not parties of this "
        "scenario, whose purchases are not among its flows, so none of their revenue from them "
        "counts as self-funded. The deal registry lists nv-nb (Nvidia to nebius, equity, $2B, "
        "2026-03-11); a stake or leaseback the registry does not list is outside too.")
    # without the scenario at hand (no horizon) and nothing to say: the note alone
    assert vendors_caption([], parties, [], cat) == (
        cat.t("report.vendors_note") + " " + cat.t("report.vendors_financed_note"))
    assert vendors_caption([], [("nvidia", "vendor")], [], cat) == cat.t("report.vendors_note")


def test_seed_2025_stakes_outside_the_scenario_come_from_the_registry() -> None:
    seed = cc.load_scenario("seed-2025")
    ids = {p.id for p in seed.parties}
    outside = outside_funding(seed)
    # the stakes after the start, and the leaseback Nvidia pays Lambda (dated 2025, before
    # the start, but rent that keeps flowing to it)
    assert [f["id"] for f in outside] == ["nvidia-lambda-leaseback", "nvidia-nebius",
                                          "nvidia-nscale"]
    assert all(f["from"] == "nvidia" and f["to"] not in ids for f in outside)
    # the leaseback is a contract Nvidia pays (buys_from), not a stake; a stake in a party
    # before the start (Nvidia's 2023 CoreWeave equity) is an opening balance, in neither list
    rows = {r["id"]: r for r in cc.deal_registry().to_dict("records")}
    assert rows["nvidia-lambda-leaseback"]["relation"] == "buys_from"
    assert "nvidia-coreweave-2023" not in [f["id"] for f in unmodelled_funding(seed) + outside]
    # the two lists do not overlap: parties are in one, other companies in the other
    assert all(f["to"] in ids for f in unmodelled_funding(seed))
    # a company made a party moves from outside to a deal the scenario leaves out
    party = next(p for p in seed.parties if p.id == "valor")
    nebius = party.model_copy(update={"id": "nebius"})
    grown = seed.model_copy(update={"parties": [*seed.parties, nebius]})
    assert [f["id"] for f in outside_funding(grown)] == ["nvidia-lambda-leaseback", "nvidia-nscale"]
    assert "nvidia-nebius" in [f["id"] for f in unmodelled_funding(grown)]


def test_the_cli_vendors_table_names_its_horizon(result: cc.Result) -> None:
    summary = result.summary().to_dict("records")
    parties = [(p.id, p.kind) for p in result.scenario.parties]
    span = horizon(result.scenario)
    table = vendors_table(summary, parties, "medians and means", horizon=span,
                          outside=outside_funding(result.scenario))
    assert table is not None
    assert table.title == ("Vendors ($B, totals over the horizon 2025Q4-2035Q3, 40 quarters; "
                           "medians and means)")
    assert str(table.caption).startswith("Every figure here is a total over the whole horizon, "
                                         "2025Q4 to 2035Q3 (40 quarters, 10 years)")
    assert "nvidia-nebius" in str(table.caption)


def test_the_report_names_the_horizon_and_splits_the_share_by_year(result: cc.Result) -> None:
    from chipcredit.report import html as report_html

    for lang in ("en", "zh"):
        cat = catalogue(lang)
        page = report_html.build_report(result, lang=lang, figures={k: [] for k in (
            "flows", "labs", "vendors", "deals", "defaults", "market", "sensitivity")})
        headline = html.unescape(page.split('<section id="headline">', 1)[1])
        assert cat.t("report.headline_vendors", first="2025Q4", last="2035Q3") in headline
        assert cat.t("report.vendor_years_title") in headline
        years = self_funded_by_year(result, "nvidia")
        assert years is not None
        table = headline.split(cat.t("report.vendor_years_title"), 1)[1].split("</table>", 1)[0]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", table)
        # 11 years, a label and three cells for each of the two vendors
        assert len(cells) == 11 * 7
        assert cells[0] == cat.t("report.year_part", year=2025, quarters="Q4")
        assert cells[1:4] == [cat.money(years[0]["revenue_mean"]),
                              cat.money(years[0]["self_funded_revenue_mean"]),
                              cat.t("number.percent",
                                    value=f"{years[0]['self_funded_share'] * 100:.2f}")]


def _texts(path: Path) -> list[str]:
    def walk(node: Any) -> list[str]:
        if isinstance(node, dict):
            return [t for v in node.values() for t in walk(v)]
        return [node] if isinstance(node, str) else []

    return walk(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_chinese_says_money_coming_back_not_money_raised() -> None:
    """自筹 (money a company raised itself) is near the opposite of revenue paid with the
    vendor's own money flowing back; the report's and the dashboard's Chinese say 回流."""
    report = SRC / "report" / "locale" / "zh.yaml"
    dashboard = SRC / "dashboard" / "locale" / "zh.yaml"
    for path in (report, dashboard):
        assert not [t for t in _texts(path) if "自筹" in t], path
    zh = catalogue("zh")
    for key in ("col_self_funded_p50", "col_self_funded_mean", "col_self_funded_share",
                "col_self_funded_base", "col_self_funded_share_base", "vendors_note"):
        assert "回流" in zh.t(f"report.{key}"), key
    assert zh.t("report.vendors_note").startswith(
        "回流收入是供应商销售额中由其自己投入买方、又回流给它的资金")
    vendors = yaml.safe_load(dashboard.read_text(encoding="utf-8"))["dashboard"]["vendors"]
    assert all("回流" in vendors[k] for k in ("self_funded_p50", "self_funded_mean",
                                              "self_funded_share"))


def test_runs_show_prints_the_year_table_run_printed(tmp_path: Path) -> None:
    """`runs show` reads the split by year back from the stored JSON summary, so it prints
    the table `chipcredit run` printed, row for row."""
    from typer.testing import CliRunner

    from chipcredit import cli

    runner = CliRunner()
    db = str(tmp_path / "runs.duckdb")
    ran = runner.invoke(cli.app, ["run", "seed-2025", "--paths", "64", "--seed", "3", "--store", db],
                        terminal_width=200)
    assert ran.exit_code == 0, ran.output
    shown = runner.invoke(cli.app, ["runs", "show", "1", "--store", db], terminal_width=200)
    assert shown.exit_code == 0, shown.output

    def years(out: str) -> str:
        return out[out.index("Self-funded revenue by year"):out.index("Labs' second sourcing")]

    assert years(shown.stdout) == years(ran.stdout)
    assert "│ 2025 (Q4)" in years(ran.stdout) and "│ 2035 (Q1-Q3)" in years(ran.stdout)
