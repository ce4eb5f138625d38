"""The dashboard shows what ``chipcredit run`` and the report show of the vendors' financials
and the labs' purchases: the Market tab's vendor financials table is, cell for cell, the
report's (`chipcredit.report.vendors.financials_html`), with the share price and equity value
among a vendor's fans, and its table of the vendors' revenue where a buyer defaults is the
report's (`tests/test_default_exposure.py` checks its cells); the Labs tab says how a lab's
hardware spend splits by vendor, the line of ``chipcredit run`` and the report's parties notes
(`chipcredit.report.lab_purchases.purchases_line`).

Hand-built summaries check the layout and the words; seed-2025 at 200 paths, seed 4, checks
parity with the report and the CLI.
"""

from __future__ import annotations

import html
import json
import re
import types
import warnings
from typing import Any

import pytest

pytest.importorskip("streamlit")

from streamlit.testing.v1 import AppTest

import chipcredit as cc
from chipcredit.cli.party_table import spend_splits
from chipcredit.dashboard.launcher import APP_SCRIPT
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.tabs.default_exposure import exposure_table, exposure_text, exposure_title
from chipcredit.dashboard.tabs.labs import spend_split, spend_split_text
from chipcredit.dashboard.tabs.vendor_financials import financials_table, financials_text
from chipcredit.dashboard.text import words
from chipcredit.report.theme import display_name
from chipcredit.report.vendor_financials import financials_html, financials_note
from chipcredit.report.vendors import horizon


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=4)


def _cells(page: str) -> list[list[str]]:
    """The body rows of the first HTML table in ``page``, as text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def _headers(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", page)]


def _crafted(result: cc.Result, summary: dict[str, Any], deterministic: bool = False) -> Any:
    return types.SimpleNamespace(scenario=result.scenario, deterministic=deterministic,
                                 to_dict=lambda: summary)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_financials_table_is_the_reports(result: cc.Result, lang: str) -> None:
    T = words(lang)
    page = financials_html(result.to_dict(), T, lambda p: display_name(result, p, T),
                           deterministic=False, horizon=horizon(result.scenario))
    table = financials_table(result, T)
    assert table.columns.tolist() == _headers(page)
    assert table.to_numpy().tolist() == _cells(page)
    assert len(table) == 9  # Nvidia's four figures, AMD's four and its warrant's dilution
    assert financials_text(result, T) == financials_note(T, horizon=horizon(result.scenario))
    assert financials_text(result, T) in html.unescape(page)


def test_the_financials_table_by_hand(result: cc.Result) -> None:
    def stats(p05: float, p50: float, p95: float, mean: float, se: float) -> dict[str, float]:
        return {"p05": p05, "p50": p50, "p95": p95, "mean": mean, "mean_se": se}

    summary = {"vendors": {
        "amd": {"equity_value_end": stats(10.0, 200.0, 3000.0, 900.0, 40.0),
                "share_price_end": stats(20.0, 150.0, 1200.0, 400.0, 12.5),
                "stakes_value_end": stats(0.0, 0.0, 0.0, 0.0, 1e-17),
                "operating_profit_total": stats(-60.0, 17.0, 110.0, 16.0, 4.0)},
        "nvidia": {"revenue_total": {"mean": 1.0}}},  # no financials: no rows
        "deals": {"amd-openai-warrant": {"parties": {"amd": {
            "dilution_cost": stats(0.0, 10.0, 70.0, 21.0, 2.0)}, "openai": {}}}}}
    crafted = _crafted(result, summary)
    table = financials_table(crafted, words("en"))
    assert table.columns.tolist() == ["Party", "Figure", "5th pct.", "median", "95th pct.", "mean"]
    assert table.to_numpy().tolist() == [
        ["AMD", "equity value, end", "$10B", "$200B", "$3T", "$900B ±40.00"],
        ["", "share price, end", "$20", "$150", "$1,200", "$400 ±12.50"],  # $ a share
        ["", "stakes value, end", "$0B", "$0B", "$0B", "$0B"],  # float dust is no error
        ["", "operating profit, total", "-$60B", "$17B", "$110B", "$16B ±4.00"],
        ["", "dilution cost, amd-openai-warrant", "$0B", "$10B", "$70B", "$21B ±2.00"]]
    zh = financials_table(crafted, words("zh"))
    assert zh.columns.tolist()[:2] == ["参与方", words("zh").t("report.col_vendor_figure")]
    assert zh.iloc[0, 1] == words("zh").t("report.vendor_figure_equity_value_end")
    assert zh.iloc[0].tolist() == ["AMD", "股权价值（期末）", "100亿美元", "2,000亿美元", "3万亿美元",
                                   "9,000亿美元 ±400.0亿美元"]
    base = financials_table(_crafted(result, summary, deterministic=True), words("en"))
    assert base.columns.tolist() == ["Party", "Figure", "Base case"]
    assert base.iloc[1].tolist() == ["", "share price, end", "$150"]
    assert financials_table(_crafted(result, {"vendors": {}}), words("en")).empty


def _app(paths: int = 200, seed: int = 4, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    if lang != "en":
        at.sidebar.radio(key="lang").set_value(lang).run()
    at.sidebar.number_input(key="paths").set_value(paths)
    at.sidebar.text_input(key="seed").input(str(seed))
    at.sidebar.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(at: AppTest, tab: str, lang: str = "en") -> None:
    at.session_state["main_tab"] = words(lang).t(f"dashboard.tab.{tab}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_market_tab_shows_the_financials_and_their_fans(result: cc.Result, lang: str) -> None:
    T = words(lang)
    at = _app(lang=lang)
    _open(at, "market", lang)
    unit = result.scenario.capacity_unit
    offered = at.radio(key="vendor_variable").options
    assert {T.label("variable", v, unit=unit) for v in ("share_price", "equity_value")} <= set(offered)
    assert T.t("report.vendor_financials") in [h.value for h in at.subheader]
    shown = at.dataframe[-2].value
    assert shown.equals(financials_table(result, T))
    assert markdown_safe(financials_text(result, T)) in [c.value for c in at.main.caption]
    # under it, the vendors' revenue where a buyer defaults and where not: the report's
    split = exposure_table(result, T)
    assert at.dataframe[-1].value.equals(split) and len(split) >= 2
    assert exposure_title(result, T) in [h.value for h in at.subheader]
    assert markdown_safe(exposure_text(T)) in [c.value for c in at.main.caption]
    # Nvidia's share price fan, picked
    at.radio(key="vendor_variable").set_value("share_price").run()
    assert not at.exception
    fan = json.loads(at.get("plotly_chart")[-1].proto.spec)
    assert T.label("variable", "share_price") in json.dumps(fan["layout"], ensure_ascii=False)


def test_a_labs_spend_split_by_hand(result: cc.Result) -> None:
    summary = {"parties": {
        "openai": {"purchases_by_vendor": {
            "nvidia": {"spend_share": 0.844, "vendor_financed_share": 0.0898},
            "amd": {"spend_share": 0.156, "vendor_financed_share": 0.0}}},
        "xai": {"purchases_by_vendor": {
            "nvidia": {"spend_share": 1.0, "vendor_financed_share": 0.0},
            "amd": {"spend_share": 0.0}}}}}  # one vendor, none of its money: no line
    crafted = _crafted(result, summary)
    assert spend_split(summary, "openai") == ({"nvidia": 0.844, "amd": 0.156},
                                              {"nvidia": 0.0898})
    assert spend_split(summary, "xai") is None and spend_split({}, "openai") is None
    assert spend_split_text(crafted, words("en"), "openai") == (
        "OpenAI buys: Nvidia 84% (n/a) · AMD 16% (n/a) of its own hardware purchases (n/a; means "
        "over paths of the totals over the horizon); Nvidia's money in (n/a) covers 9% of its "
        "spend with Nvidia. Capacity rented from clouds or leased from SPVs is not counted: it "
        "is not the lab's purchase (an SPV's purchase is the SPV's).")
    for entry, spend, money in ((summary["parties"]["openai"]["purchases_by_vendor"]["nvidia"],
                                 168.8, 15.16), (summary["parties"]["openai"]["purchases_by_vendor"]["amd"],
                                                 31.2, 0.0)):
        entry["spend_total"] = {"mean": spend}
        entry["vendor_money_in"] = {"mean": money}
    assert spend_split_text(crafted, words("zh"), "openai") == (
        "OpenAI 的自有硬件采购：Nvidia 84%（1,690亿美元） · AMD 16%（312亿美元）（共 2,000亿美元；"
        "各路径均值，按整个期间合计）；Nvidia 投入的资金（152亿美元）覆盖其向 Nvidia 采购支出的 9%。"
        "向云厂商租用或从 SPV 租赁的算力不计入：那不是该实验室的采购（SPV 的采购属于 SPV）。")
    base = _crafted(result, summary, deterministic=True)
    assert "($200B; totals over the horizon)" in spend_split_text(base, words("en"), "openai")
    assert spend_split_text(crafted, words("en"), "xai") == ""


def test_the_spend_split_is_the_clis(result: cc.Result) -> None:
    summary = result.to_dict()
    cli = spend_splits(summary)
    assert set(cli) == {"openai", "xai"}
    for lab, shares in cli.items():
        assert spend_split(summary, lab) == (dict(shares), shares.financed)  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_labs_tab_says_whom_a_lab_buys_from(result: cc.Result, lang: str) -> None:
    T = words(lang)
    at = _app(lang=lang)
    _open(at, "labs", lang)
    lab = str(at.selectbox(key="lab").value)
    text = spend_split_text(result, T, lab)
    assert text and T.t("report.lab_buys_pooled") in text
    assert markdown_safe(text) in [c.value for c in at.main.caption]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_labs_line_is_the_reports_and_the_clis(result: cc.Result, lang: str) -> None:
    """Parity: the report's parties notes carry the Labs tab's line for each lab, and the
    CLI's caption the same line with ids for names (English)."""
    from rich.console import Console

    from chipcredit.cli.party_table import parties_table as cli_parties_table
    from chipcredit.report.i18n import catalogue
    from chipcredit.report.lab_purchases import purchases_line
    from chipcredit.report.tables import parties_table

    T = words(lang)
    page = html.unescape(parties_table(result, catalogue(lang)))
    splits = spend_splits(result.to_dict())
    assert set(splits) == {"openai", "xai"}
    for lab in splits:
        assert f'<p class="note">{spend_split_text(result, T, lab)}</p>' in page
    console = Console(width=400, record=True)
    console.print(cli_parties_table(result.summary().to_dict("records"),
                                    [(p.id, p.kind) for p in result.scenario.parties],
                                    "p50", {"openai", "xai"}, splits=splits))
    printed = " ".join(console.export_text().split())
    for lab, split in splits.items():
        assert purchases_line(lab, split, catalogue("en")) in printed
