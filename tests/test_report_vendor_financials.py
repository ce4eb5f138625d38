"""The HTML report's vendors section: the vendor financials table (the CLI's figures, from
the JSON summary, in English and Chinese), a share-price fan per vendor with financials,
and the hypothetical deal marked in the line of self-funded revenue by buyer (r-equity
findings 4 and 5)."""

from __future__ import annotations

import html
import re
import warnings

import pytest

import chipcredit as cc
from chipcredit.report import i18n
from chipcredit.report.html import build_report, report_figures
from chipcredit.report.self_funded_buyers import self_funded_buyers_note
from chipcredit.report.vendor_financials import financials_html


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=4)


def _section(page: str, key: str) -> str:
    return page[page.index(f'<section id="{key}">'):].split("</section>", 1)[0]


@pytest.mark.parametrize(("lang", "heading", "note", "row"), [
    ("en", "Vendors&#x27; equity, share price, stakes and operating profit",
     "Equity value, share price and stakes value are at the end of the horizon, operating "
     "profit is summed over it (2025Q4-2035Q3).",
     "dilution cost, amd-openai-warrant"),
    ("zh", "供应商的股权价值、股价、所持股权与营业利润",
     "股权价值、股价与所持股权价值为期末值，营业利润为整个期间之和（2025Q4至2035Q3）。",
     "稀释成本（amd-openai-warrant）"),
])
def test_the_vendors_section_has_the_table_in_both_languages(
        result: cc.Result, lang: str, heading: str, note: str, row: str) -> None:
    page = build_report(result, lang=lang)
    section = _section(page, "vendors")
    assert f"<h3>{heading}</h3>" in section and html.escape(note) in section
    assert f"<td>{html.escape(row)}</td>" in section
    # the figures are the JSON summary's, in the language's units
    cat = i18n.catalogue(lang)
    doc = result.to_dict()
    p50 = doc["vendors"]["amd"]["share_price_end"]["p50"]
    assert f'<td class="num">{cat.path_value("vendors.amd.share_price_end.p50", p50)}</td>' \
        in section
    mean = doc["vendors"]["nvidia"]["operating_profit_total"]["mean"]
    assert cat.money(mean) in section
    # the section's table is financials_html's
    assert financials_html(doc, cat, lambda p: p) != ""


def test_a_share_price_fan_per_vendor_with_financials(result: cc.Result) -> None:
    figs = report_figures(result, i18n.catalogue("en"))
    names = [name for name, _ in figs["vendors"]]
    assert "fan-nvidia-share_price" in names and "fan-amd-share_price" in names
    fig = dict(figs["vendors"])["fan-amd-share_price"]
    # the median trace is the bands' p50 of share_price ($ a share, unscaled)
    median = next(t for t in fig.data if t.name == "median")
    assert list(median.y) == pytest.approx(result.bands("amd", "share_price")["p50"].tolist())
    assert "share price ($ a share)" in fig.layout.title.text
    section = _section(build_report(result, lang="en", figures=figs), "vendors")
    assert section.count('class="plotly-graph-div"') == len(names)


@pytest.mark.parametrize(("lang", "mark"), [
    ("en", "(its deals with Nvidia include xai-chips-on-credit (hypothetical))"),
    ("zh", "（其与Nvidia的交易包括 xai-chips-on-credit（假设））"),
])
def test_the_by_buyer_line_marks_the_hypothetical_deal(result: cc.Result, lang: str,
                                                       mark: str) -> None:
    line = self_funded_buyers_note(result, i18n.catalogue(lang))
    assert html.escape(mark) in line
    assert line.count("xai-chips-on-credit") == 1  # after xAI's part only
    amd = re.split("；|; ", line)[-1]
    assert "hypothetical" not in amd and "假设" not in amd
