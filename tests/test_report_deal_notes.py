"""The HTML report's deal table: a MOIC that means nothing reads n/m with a note saying why,
the deal extras have a column, and a deal that did not close gets a note (both languages)."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from tests.cli.test_deal_notes import SCENARIO

import chipcredit as cc
from chipcredit.report.deal_table import deals_table
from chipcredit.report.i18n import catalogue


def cells(page: str) -> list[list[str]]:
    """The table's body rows, each a list of its cells' text."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", body)]


def notes(page: str) -> list[str]:
    return [html.unescape(n) for n in re.findall(r'<p class="note">(.*?)</p>', page)]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> cc.Result:
    path: Path = tmp_path_factory.mktemp("report-notes") / "notes.yaml"
    path.write_text(SCENARIO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(str(path), deterministic=True)


def row_of(table: list[list[str]], deal: str, party: str) -> list[str]:
    found = [r for r in table if r[0] == deal and r[2] == party]
    assert len(found) == 1, (deal, party)
    return found[0]


def test_english_table_shows_n_m_the_extras_and_the_deal_that_did_not_close(base: cc.Result) -> None:
    cat = catalogue("en")
    page = deals_table(base, cat)
    table = cells(page)
    moic = 5  # deal, kind, party, NPV, IRR, MOIC, ...: one path has one NPV column
    assert row_of(table, "grid-spv", "frontier")[moic] == "n/m"     # the lessee pays only
    assert row_of(table, "amd-warrant", "frontier")[moic] == "n/m"  # a cent strike
    assert row_of(table, "nv-credit", "frontier")[moic] == "n/m"    # the borrower
    assert row_of(table, "grid-spv", "nvidia")[moic] == cat.multiple(
        float(base.outcome("grid-spv", "nvidia", "moic")[0]))
    cost = float(base.outcome("amd-warrant", "amd", "dilution_cost")[0])
    value = float(base.outcome("amd-warrant", "frontier", "warrant_value")[0])
    assert row_of(table, "amd-warrant", "amd")[-1] == f"dilution cost {cat.money(cost)}; vested shares 40M"
    assert row_of(table, "amd-warrant", "frontier")[-1] == (
        f"warrant value {cat.money(value)}; vested shares 40M")
    assert row_of(table, "nv-credit", "frontier")[-1] == ""  # never converted: nothing to show
    holder = cat.multiple(float(base.outcome("amd-warrant", "frontier", "moic")[0]))
    assert notes(page) == [
        "MOIC and IRR n/m (not meaningful; the JSON summary keeps the values) for parties that "
        "pay and get nothing back by what the deal is: their flows only go out, so their MOIC "
        "is 0x and their IRR -100% on every path; the NPV is their cost: grid-spv · frontier.",
        "MOIC n/m for the financed side, whose multiple is the price of its financing, not a "
        "return: nv-credit · frontier.",
        "MOIC n/m for parties that put in under 1% of what they got back, so the multiple "
        f"measures the token outlay: amd-warrant · frontier ({holder}).",
        cat.t("report.irr_none_note", value="—"),  # the issuer, and the credit that did not close
        cat.t("report.moic_none_note", value="—"),
        cat.t("report.mark_note"),
        # the warrant's shares, held at the horizon, are all its NPV (tests/test_report_marks.py)
        cat.t("report.mark_matters", items=cat.t(
            "report.mark_item", deal="amd-warrant", party="frontier",
            npv=cat.money(base.mean("deal|amd-warrant|frontier|npv")),
            mark=cat.money(base.mean("deal|amd-warrant|frontier|npv")
                           - base.mean("deal|amd-warrant|frontier|npv_realised")),
            cash=cat.money(base.mean("deal|amd-warrant|frontier|npv_realised")))),
        "nv-credit did not close in the base case: no party pays or receives in it, so its "
        "figures are 0, and it has no IRR or MOIC.",
        "NPV is each party's own: its flows discounted to the start at its discount rate "
        "(effective annual; an uncertain rate at its median here, drawn per path in the run), so "
        "one deal's flows can read differently to two parties: nvidia 10%; amd 10%; frontier "
        "10%; pcf 8%; fund 12%.",
    ]


def test_chinese_table_says_the_same_in_chinese(base: cc.Result) -> None:
    cat = catalogue("zh")
    page = deals_table(base, cat)
    table = cells(page)
    assert row_of(table, "amd-warrant", "frontier")[5] == "无意义"
    assert row_of(table, "amd-warrant", "amd")[-1].endswith("；已归属股份 40百万股")
    found = notes(page)
    assert len(found) == 9 and found[-2].startswith("nv-credit 在基准情形中未成交")
    assert found[-1] == ("净现值按各参与方自身计算：其现金流按其折现率（有效年利率；"
                         "不确定的利率此处取中位数，运行中逐路径抽取）折现至起点，"
                         "因此同一交易的现金流对两个参与方可能不同："
                         "nvidia 10%；amd 10%；frontier 10%；pcf 8%；fund 12%。")
    # no English words beyond ids and the finance abbreviations
    words = set(re.findall(r"\b[A-Za-z][A-Za-z'-]+\b", " ".join(found + [c for r in table for c in r])))
    ids = {"grid-spv", "amd-warrant", "nv-credit", "frontier", "nvidia", "amd", "pcf", "fund"}
    assert words <= ids | {"MOIC", "SPV", "IRR", "NPV"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_over_paths_an_extra_shows_its_mean_beside_a_median_of_0(lang: str, tmp_path: Path) -> None:
    # the credit closes on about half the paths and converts on fewer: a median stake of 0,
    # which alone read "0%" where the CLI says "(mean ...)"; both follow one rule now
    path = tmp_path / "notes.yaml"
    path.write_text(SCENARIO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(str(path), paths=200, seed=1)
    stake = result.outcome("nv-credit", "nvidia", "conversion_stake")
    assert 0.0 < float(np.mean(stake > 0)) < 0.5 and float(np.median(stake)) == 0.0
    cat = catalogue(lang)
    mean = float(np.mean(stake.astype(np.float64)))
    shown = row_of(cells(deals_table(result, cat)), "nv-credit", "nvidia")[-1]
    name = cat.t("report.extra_conversion_stake")
    # then the vendor's gross profit on the sales the credit tied: 0 where it did not close
    tied = result.outcome("nv-credit", "nvidia", "tied_gross_profit").astype(np.float64)
    assert float(np.median(tied)) == 0.0 < float(np.mean(tied))
    item = {"en": "{} {} (mean {})", "zh": "{} {}（均值 {}）"}[lang]
    assert shown == cat.t("report.item_separator").join([
        item.format(name, cat.percent(0.0), cat.percent(mean)),
        item.format(cat.t("report.extra_tied_gross_profit"), cat.money(0.0),
                    cat.money(float(np.mean(tied))))])
    assert cat.percent(mean) != cat.percent(0.0)


@pytest.fixture(scope="module")
def over_paths(tmp_path_factory: pytest.TempPathFactory) -> cc.Result:
    path: Path = tmp_path_factory.mktemp("report-partial") / "notes.yaml"
    path.write_text(SCENARIO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(str(path), paths=200, seed=1)


IRR_MC, MOIC_MC, NO_IRR = 6, 7, 9
"""Columns of a Monte Carlo run's deal table: deal, kind, party, NPV p05/p50/p95, IRR p50,
MOIC p50, P(loss > 0), paths with no IRR, extras."""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_paths_with_no_irr_leave_out_the_total_losses_the_irr_ranks(
        over_paths: cc.Result, lang: str) -> None:
    cat = catalogue(lang)
    table = cells(deals_table(over_paths, cat))
    # the SPV's lessee only pays: -100% on every path, a ranked IRR, not a missing one
    lessee = over_paths.outcome("grid-spv", "frontier", "irr")
    assert not np.isfinite(lessee).any()
    assert over_paths.describe("deal|grid-spv|frontier|irr")["ranked_share"] == 1.0
    assert row_of(table, "grid-spv", "frontier")[NO_IRR] == cat.percent(0.0)
    # the warrant holder: 27% of the paths have no finite IRR, but only 2% none at all
    # (the others lie above the bracket, >1000%, which the median ranks)
    holder = over_paths.outcome("amd-warrant", "frontier", "irr")
    assert float(np.mean(~np.isfinite(holder))) == 0.27
    assert over_paths.describe("deal|amd-warrant|frontier|irr")["ranked_share"] == 0.98
    assert row_of(table, "amd-warrant", "frontier")[NO_IRR] == cat.percent(0.02)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_median_over_only_some_paths_is_starred_with_the_clis_note(
        over_paths: cc.Result, lang: str) -> None:
    cat = catalogue(lang)
    page = deals_table(over_paths, cat)
    table = cells(page)
    # the vendor credit closes on 43% of the paths: its IRR and MOIC medians are over those
    credit = row_of(table, "nv-credit", "nvidia")
    moic = over_paths.outcome("nv-credit", "nvidia", "moic")
    assert float(np.mean(np.isfinite(moic))) == 0.43
    assert credit[MOIC_MC] == cat.multiple(float(np.median(moic[np.isfinite(moic)]))) + "*"
    assert credit[IRR_MC].endswith("*")
    assert row_of(table, "grid-spv", "nvidia")[MOIC_MC] == cat.multiple(1.6)  # all paths: no star
    # a MOIC that means nothing is n/m and carries no star, though the deal closed on 43%
    assert row_of(table, "nv-credit", "frontier")[MOIC_MC] == cat.t("report.moic_nm")
    expected = {
        "en": "* over only the paths where the metric has a value (on the others the deal did "
              "not close, or an IRR does not exist), as in chipcredit run; the share of the "
              "paths with one: amd-warrant · frontier: IRR 98%; nv-credit · nvidia: IRR 43%, "
              "MOIC 43%; nv-credit · frontier: IRR 0.5%.",
        "zh": "* 仅基于该指标有数值的路径（其余路径上交易未成交，或内部收益率不存在），与命令行表格"
              "相同；有数值的路径占比：amd-warrant · frontier：内部收益率 98%；nv-credit · "
              "nvidia：内部收益率 43%、资金倍数 43%；nv-credit · frontier：内部收益率 0.5%。"}
    assert expected[lang] in notes(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_deterministic_deal_table_has_one_npv_and_no_percentile_heading(
        base: cc.Result, over_paths: cc.Result, lang: str) -> None:
    from chipcredit.report.html import build_report

    cat = catalogue(lang)
    page = deals_table(base, cat)
    heads = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", page)]
    short = [cat.label("metric_short", m) for m in ("npv", "irr", "moic")]
    assert heads[3:6] == short and cat.t("report.col_p05") not in " ".join(heads)
    assert heads[-1] == {"en": "outside the cash metrics", "zh": "现金指标之外"}[lang]
    # one path: whether it lost, yes or no, not a share of paths; no column of paths with
    # no IRR (the IRR cell's dash says so)
    assert heads[3:] == [*short, {"en": "loss > 0", "zh": "是否亏损"}[lang], heads[-1]]
    for party_row in cells(page):
        deal, party = party_row[0], party_row[2]
        lost = float(base.outcome(deal, party, "loss")[0]) > 0
        assert party_row[6] == cat.t("report.answer_yes" if lost else "report.answer_no")
    npv = float(base.outcome("grid-spv", "nvidia", "npv")[0])
    assert row_of(cells(page), "grid-spv", "nvidia")[3] == cat.money(npv)
    assert cat.t("report.headline_deals_deterministic") == {
        "en": "Deals: each party's return in the deterministic base case (one path)",
        "zh": "交易：确定性基准情形中各参与方的回报（一条路径）"}[lang]
    det = html.unescape(build_report(base, lang=lang))
    assert cat.t("report.headline_deals_deterministic") in det
    assert cat.t("report.headline_deals") not in det
    mc = html.unescape(build_report(over_paths, lang=lang))
    assert cat.t("report.headline_deals") in mc
