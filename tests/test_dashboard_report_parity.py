"""The Overview says what `chipcredit run` and the HTML report say under their tables: each
vendor's self-funded revenue by calendar year and by the buyer that paid it (read from the
JSON summary, as ``runs show`` reads it) and the discount rate at which each party's NPV is
taken (the report's own note, one function for both).

Hand-built by-year items check the layout (a part year named with its quarters, n/a where a
year has no revenue, a vendor without the figures left out); seed-2025's parties' discount
rates are its scenario's (Nvidia 10%, OpenAI 15%, xAI 20%, the SPV's lenders 9%, ...).
"""

from __future__ import annotations

import html
import re
import types
import warnings
from typing import Any

import numpy as np
import pytest

pytest.importorskip("streamlit")

import chipcredit as cc
from chipcredit.dashboard.tabs.deal_table import deal_notes
from chipcredit.dashboard.tabs.vendor_table import (
    vendor_buyers_text,
    vendor_years_columns,
    vendor_years_table,
    vendor_years_text,
)
from chipcredit.dashboard.text import words
from chipcredit.report import i18n
from chipcredit.report.deal_table import deals_table, npv_rates_note, value_lost_note


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=4)


def _item(year: int, first: str, last: str, quarters: int, revenue: float, own: float,
          share: float | None) -> dict[str, Any]:
    return {"year": year, "first": first, "last": last, "quarters": quarters,
            "revenue_mean": revenue, "self_funded_revenue_mean": own, "self_funded_share": share}


def _crafted(result: cc.Result, deterministic: bool = False) -> Any:
    """seed-2025's scenario with a JSON summary of hand-written by-year items: Nvidia sells
    $60B in 2025Q4, $1.8B of it paid with its own money (3%), and nothing in 2026; AMD has
    no by-year figures (a run that traced no provenance for it)."""
    summary = {"vendors": {
        "nvidia": {"self_funded_by_year": [
            _item(2025, "2025Q4", "2025Q4", 1, 60.0, 1.8, 0.03),
            _item(2026, "2026Q1", "2026Q4", 4, 0.0, 0.0, None)]},
        "amd": {"revenue_total": {"mean": 12.0}}}}
    return types.SimpleNamespace(scenario=result.scenario, deterministic=deterministic,
                                 to_dict=lambda: summary)


def test_the_by_year_table_by_hand(result: cc.Result) -> None:
    crafted = _crafted(result)
    table = vendor_years_table(crafted, words("en"))
    assert table.columns.tolist() == ["year", "Nvidia: revenue", "Nvidia: self-funded revenue",
                                      "Nvidia: self-funded share"]
    assert table.to_numpy().tolist() == [["2025 (Q4)", "$60B", "$1.8B", "3.00%"],
                                         ["2026", "$0B", "$0B", "n/a"]]
    zh = vendor_years_table(crafted, words("zh"))
    assert zh.columns.tolist() == ["年份", "Nvidia：收入", "Nvidia：回流收入", "Nvidia：回流收入占比"]
    assert zh.to_numpy().tolist() == [["2025（Q4）", "600亿美元", "18亿美元", "3.00%"],
                                      ["2026", "0亿美元", "0亿美元", "无"]]
    columns = vendor_years_columns(crafted, words("en"))
    assert {full: (c["label"], c["help"]) for full, c in columns.items()} == {
        "Nvidia: revenue": ("Nvidia revenue", "Nvidia: revenue"),
        "Nvidia: self-funded revenue": ("Nvidia self-funded", "Nvidia: self-funded revenue"),
        "Nvidia: self-funded share": ("Nvidia self-funded %", "Nvidia: self-funded share")}


def test_the_by_year_table_says_whether_it_is_a_mean_or_the_base_case(result: cc.Result) -> None:
    T = words("en")
    assert vendor_years_text(_crafted(result), T) == (
        "Self-funded revenue by year (means over paths)", T.t("report.vendor_years_note"))
    assert vendor_years_text(_crafted(result, deterministic=True), T) == (
        "Self-funded revenue by year (base case)", T.t("report.vendor_years_note_base"))
    empty = types.SimpleNamespace(scenario=result.scenario, deterministic=False,
                                  to_dict=lambda: {"vendors": {}})
    assert vendor_years_table(empty, T).empty and vendor_years_columns(empty, T) == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_by_year_table_shows_the_json_summary_and_the_reports_cells(
        result: cc.Result, lang: str) -> None:
    T = words(lang)
    table = vendor_years_table(result, T)
    years = {v: result.to_dict()["vendors"][v]["self_funded_by_year"] for v in ("nvidia", "amd")}
    # 2025Q4 to 2035Q3: a part year at each end and nine whole ones
    assert table.iloc[:, 0].tolist() == [T.t("report.year_part", year=2025, quarters="Q4"),
                                         *map(str, range(2026, 2035)),
                                         T.t("report.year_part", year=2035, quarters="Q1-Q3")]
    for i, column in enumerate(table.columns[1:]):
        vendor, field = ("nvidia", "amd")[i // 3], ("revenue_mean", "self_funded_revenue_mean",
                                                    "self_funded_share")[i % 3]
        assert table[column].tolist() == [
            T.money(item[field]) if i % 3 < 2 else
            T.t("number.percent", value=f"{item[field] * 100:.2f}") for item in years[vendor]]
    # the first year's money coming back is most of the horizon's: Nvidia's 2025Q4 share
    # is above 1%, its last years' below 0.1%
    share = table[table.columns[3]]
    assert float(share.iloc[0].rstrip("%")) > 1 and float(share.iloc[-1].rstrip("%")) < 0.1
    # the report's table has the same cells, row for row
    from chipcredit.report.self_funded_years import self_funded_years_table

    page = self_funded_years_table(result, i18n.catalogue(lang))
    rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", body)]
            for body in re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>", 1)[1])]
    assert rows == table.to_numpy().tolist()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_deal_notes_name_each_partys_discount_rate_as_the_report(
        result: cc.Result, lang: str) -> None:
    T = words(lang)
    note = deal_notes(result, T)[-1]
    sep = T.t("report.item_separator")
    rates = sep.join(("Nvidia 10%", "AMD 10%", "OpenAI 15%", "xAI 20%", "CoreWeave 12%",
                      "Valor Equity Partners 15%", "Colossus 2 SPV lenders (not reported) 9%",
                      "xAI bondholders and term lenders 10%"))
    assert note == T.t("report.npv_rates", rates=rates)
    if lang == "en":
        assert note.startswith("NPV is each party's own: its flows discounted to the start at "
                               "its discount rate")
    # the report's note under its deals table, from the same function
    cat = i18n.catalogue(lang)
    assert npv_rates_note(result, cat) == cat.t("report.npv_rates", rates=rates)
    assert f'<p class="note">{html.escape(npv_rates_note(result, cat))}</p>' in deals_table(result, cat)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_deal_notes_name_the_rows_that_lose_value_with_no_deal_loss_as_the_report(
        result: cc.Result, lang: str) -> None:
    # the rows by hand from the per-path outcomes: median NPV below 0, no deal loss anywhere
    rows = [(deal, party) for deal, party in result.deal_parties()
            if np.median(result.outcome(deal, party, "npv")) < 0
            and not np.any(result.outcome(deal, party, "loss") > 0)]
    assert ("nvidia-coreweave-backstop", "nvidia") in rows  # fees it pays by what it is
    T = words(lang)
    notes = deal_notes(result, T)
    lost = value_lost_note(result, i18n.catalogue(lang))
    assert lost is not None and all(deal in lost for deal, _ in rows)
    below = {deal: float(np.mean(result.outcome(deal, party, "npv") < 0)) for deal, party in rows}
    assert i18n.catalogue(lang).path_share(below["nvidia-coreweave-backstop"]) in lost
    # second to last, before the discount rates, under the dashboard's table and the report's
    assert notes[-2] == value_lost_note(result, T)
    assert f'<p class="note">{html.escape(lost)}</p>' in deals_table(result, i18n.catalogue(lang))


def test_the_base_case_has_no_value_lost_note() -> None:
    base = cc.simulate("seed-2025", deterministic=True)
    assert value_lost_note(base, i18n.catalogue("en")) is None
    assert not any("lose value" in note for note in deal_notes(base, words("en")))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_by_buyer_line_is_the_reports(result: cc.Result, lang: str) -> None:
    from chipcredit.report.self_funded_buyers import self_funded_buyers_note

    T = words(lang)
    said = vendor_buyers_text(result, T)
    page = self_funded_buyers_note(result, i18n.catalogue(lang))
    assert said is not None
    assert page == f'<p class="note">{html.escape(said)}</p>'
    # Nvidia's total is its mean self-funded revenue, the sum of its buyers' parts in the JSON
    vendors = result.to_dict()["vendors"]
    parts = vendors["nvidia"]["self_funded_by_buyer"]
    assert sum(parts.values()) == pytest.approx(vendors["nvidia"]["self_funded_revenue"]["mean"])
    assert T.money(sum(parts.values())) in said and T.money(parts["xai"]) in said
    # a run that traced no provenance has no line
    assert vendor_buyers_text(_crafted(result), T) is None
