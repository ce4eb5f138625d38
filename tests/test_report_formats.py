"""Formats and layout of the HTML report in both languages: a standard error of money in the
unit of the money beside it, money to three significant figures in Chinese as in English,
fan axes without SI suffixes, y-axis titles that fit, long number cells that wrap."""

from __future__ import annotations

import warnings

import pytest

import chipcredit as cc
from chipcredit.report import charts
from chipcredit.report.deal_table import _mark
from chipcredit.report.html import _CSS
from chipcredit.report.i18n import catalogue
from chipcredit.report.monte_carlo_error import money_error
from chipcredit.report.tables import LONG_CELL, Cell, table


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=300, seed=11)


def test_money_error_is_in_the_unit_of_the_money_beside_it() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    # $4.93B is 49.3亿美元 (1 $B = 10亿美元); to $10M: two decimals of $B, one of 亿美元
    assert money_error(4.93, zh) == "±49.3亿美元"
    assert money_error(0.0261, zh) == "±0.3亿美元"
    assert money_error(0.0042, zh) == "±0.042亿美元"
    assert money_error(1234.5, zh) == "±12,345.0亿美元"
    assert money_error(0.0, zh) == money_error(None, zh) == ""
    # English: $B, as the note says, and as without a catalogue (chipcredit run's tables)
    assert money_error(4.93, en) == money_error(4.93) == "±4.93"
    assert money_error(0.0042, en) == "±0.0042"
    assert "十亿美元" not in zh.t("report.mc_error_note")


def test_the_chinese_mark_note_gives_its_standard_error_in_yi(result: cc.Result) -> None:
    zh = catalogue("zh")
    key = "deal|nvidia-openai-loi|nvidia|npv"
    stats = result.describe(key)
    _, item = _mark(result, "nvidia-openai-loi", "nvidia", "Nvidia", None, zh)
    assert item, "the LOI's NPV rests on its mark"
    se = f"{stats['mean_se'] * 10:.1f}"  # by hand: $B times 10, to 0.1亿美元 ($10M)
    assert f"{zh.money(result.mean(key))} ±{se}亿美元（一个标准误" in item


def test_money_has_three_significant_figures_in_both_languages() -> None:
    en, zh = catalogue("en"), catalogue("zh")
    assert (en.money(168.6), zh.money(168.6)) == ("$169B", "1,690亿美元")  # was 1,686亿美元
    assert (en.money(-479.9), zh.money(-479.9)) == ("-$480B", "-4,800亿美元")  # was -4,799
    assert (en.money(2.5), zh.money(2.5)) == ("$2.5B", "25亿美元")
    assert (en.money(0.0123), zh.money(0.0123)) == ("$0.012B", "0.12亿美元")
    assert (en.money(1234.0), zh.money(1234.0)) == ("$1.23T", "1.23万亿美元")


def test_fan_axes_separate_thousands_with_no_si_suffix(result: cc.Result) -> None:
    for lang in ("en", "zh"):
        cash = charts.fan_chart(result, "xai", "cash", lang=lang)
        assert cash.layout.yaxis.tickformat == charts.THOUSANDS == ",~r"  # 15,000, not 15k
        share = charts.fan_chart(result, "nvidia", "market_share", lang=lang)
        assert share.layout.yaxis.tickformat in (".0%", ".1%")


def test_a_long_fan_axis_title_is_broken_in_two(result: cc.Result) -> None:
    en = charts.fan_chart(result, "openai", "spending_cut").layout.yaxis.title.text
    assert en == "share of planned new capacity<br>deferred (spending rule)"
    zh = charts.fan_chart(result, "openai", "spending_cut", lang="zh").layout.yaxis.title.text
    assert zh == "推迟的计划新增产能占比<br>（支出规则）"
    assert charts.fan_chart(result, "xai", "cash").layout.yaxis.title.text == "cash ($B)"


def test_a_long_number_cell_may_wrap() -> None:
    short, long = "27.3% ±2.6", "∞ (collateral worth nothing) / 0.29 (2030Q1; on 916 of 1,802 paths)"
    assert len(short) <= LONG_CELL < len(long)
    html = table(["a", "b"], [[Cell(short, "num"), Cell(long, "num")]])
    assert f'<td class="num">{short}</td>' in html
    assert '<td class="num long">∞ (collateral' in html
    assert "td.num.long { white-space: normal;" in _CSS
