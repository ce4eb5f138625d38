"""Metric values in the report and the dashboard are formatted by their unit, from the one
table of units (`chipcredit.analytics.unit`): money as $B, shares and probabilities as %, a
share price in $, shares in millions, quarters as quarters, anything else as a plain number."""

from __future__ import annotations

import json
import math
import re
import warnings
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

import chipcredit as cc
from chipcredit.analytics import unit
from chipcredit.report import charts
from chipcredit.report import html as report_html
from chipcredit.report.i18n import catalogue
from chipcredit.report.theme import scale_of, unit_kind

# (metric, value, English, Chinese): one or more per unit family, written out by hand
GOLDEN = (
    ("npv", 2.5, "$2.5B", "25亿美元"),                       # $B
    ("loss", -1.04e3, "-$1.04T", "-1.04万亿美元"),
    ("irr", 0.1234, "12.3%", "12.3%"),                       # annual rate
    ("moic", 1.42, "1.4x", "1.4倍"),                         # x
    ("default_probability", 0.231, "23%", "23%"),            # probability
    ("market_share_end", 0.35, "35%", "35%"),                # share
    ("share_price_end", 176.879, "$177", "177美元"),          # $ per share
    ("share_price_end", 0.01, "$0.01", "0.01美元"),           # a warrant's strike: a cent
    ("share_price_end", -1.5, "-$1.5", "-1.5美元"),          # a paired difference
    ("vested_shares", 160.0, "160M shares", "160百万股"),    # M shares
    ("second_source_quarter", 12.4, "12.4 quarters from the start", "起始后12.4个季度"),
    ("horizon_quarters", 40, "40 quarters", "40个季度"),      # quarters
    ("hhi", 0.41234, "0.412", "0.412"),                      # index: a plain number
    ("debt_impaired", 1.0, "1", "1"),                        # 0 or 1
    ("irr_reason", 3.0, "3", "3"),                           # code
    ("npv", None, "n/a", "无"),
    ("share_price_end", math.nan, "n/a", "无"),
)


@pytest.mark.parametrize(("metric", "value", "english", "chinese"), GOLDEN)
def test_each_unit_family_has_its_format(metric: str, value: float | None, english: str,
                                         chinese: str) -> None:
    assert catalogue("en").metric_value(metric, value) == english
    assert catalogue("zh").metric_value(metric, value) == chinese


@pytest.mark.parametrize(("unit_name", "value", "english"), [
    ("$B a quarter", 1.2345, "$1.23B"), ("share of paths", 0.04, "4%"), ("paths", 2000, "2,000"),
    ("ratio", 0.75, "0.75"), ("GW", 1.5, "1.5"), ("quarters from start", 0, "0 quarters from the start"),
])
def test_units_without_a_metric_of_their_own(unit_name: str, value: float, english: str) -> None:
    assert catalogue("en").in_unit(unit_name, value) == english


def test_a_metric_path_is_formatted_by_the_unit_of_the_number_it_names() -> None:
    en = catalogue("en")
    # the share of paths beside an IRR is not a rate; a vendor's share price is not money
    assert en.path_value("deals.d.parties.p.irr.nan_share", 0.04) == "4%"
    assert en.path_value("deals.d.parties.p.irr.p50", 0.04) == "4%"
    assert en.path_value("vendors.amd.share_price_end.p50", 176.879) == "$177"
    assert en.path_value("portfolios.nvidia.pd_term_structure.xai[3]", 0.126) == "13%"
    assert en.path_value("parties.openai.default_probability", 0.2) == "20%"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_only_money_is_shown_as_money(lang: str) -> None:
    cat = catalogue(lang)
    money = re.compile(r"\$[\d.,]+[BT]$" if lang == "en" else r"亿美元$|万亿美元$")
    for metric, unit_name in unit.METRIC_UNITS.items():
        shown = cat.metric_value(metric, 1.5)
        assert bool(money.search(shown)) == (unit_name == "$B"), (metric, unit_name, shown)


def test_a_metric_the_table_lacks_is_an_error_not_money() -> None:
    with pytest.raises(unit.MissingUnit, match="no unit"):
        catalogue("en").metric_value("not_a_metric", 1.0)


def test_chart_scales_follow_the_same_table() -> None:
    zh = catalogue("zh")
    # every money metric and variable is drawn in 亿美元 (x10), whatever its name
    for name in ("warrant_value", "dilution_cost", "expected_loss", "drawn", "backstop_paid"):
        assert unit_kind(name) == "money" and scale_of(name, zh) == 10, name
    for name, kind in (("share_price_end", "ratio"), ("vested_shares", "ratio"),
                       ("market_share_end", "share"), ("default_probability", "share"),
                       ("irr", "rate"), ("moic_realised", "multiple"), ("units", "capacity"),
                       ("pull", "ratio")):
        assert unit_kind(name) == kind, name
    assert scale_of("share_price_end", zh) == 1 and scale_of("irr", zh) == 100


def _sensitivity(metric: str, baseline: float, low: float, high: float) -> Any:
    """A tornado's result as `chipcredit.sensitivity` returns it (its numbers made up)."""
    table = pd.DataFrame({"parameter": ["parties.openai.revenue.growth.from"],
                          "basis": ["p05/p95"], "low": [0.9], "high": [3.0],
                          "metric_low": [low], "metric_high": [high],
                          "swing": [abs(high - low)]}, index=pd.Index([1], name="rank"))
    return SimpleNamespace(table=table, metric=metric, method="tornado", baseline=baseline,
                           scenario="seed-2025", paths=100, seed=1, runs=3)


@pytest.fixture(scope="module")
def base() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", deterministic=True)


def _shown(text: str, html_text: str) -> bool:
    """Whether ``text`` is in the page: as HTML text, or inside a chart's JSON (non-ASCII
    characters escaped)."""
    return text in html_text or json.dumps(text)[1:-1] in html_text


@pytest.mark.parametrize(("metric", "numbers", "lang", "shown"), [
    ("vendors.amd.share_price_end.p50", (176.879, 140.2, 194.8), "en",
     ("$177", "$140", "$195", "$54.6")),
    ("vendors.amd.share_price_end.p50", (176.879, 140.2, 194.8), "zh",
     ("177美元", "140美元", "195美元", "54.6美元")),
    ("parties.openai.default_probability", (0.231, 0.18, 0.4), "en", ("23%", "18%", "40%", "22%")),
])
def test_the_report_shows_a_non_money_metric_in_its_unit(
        base: cc.Result, metric: str, numbers: tuple[float, float, float], lang: str,
        shown: tuple[str, str, str, str]) -> None:
    sens = _sensitivity(metric, *numbers)
    baseline, low, high, swing = shown
    figures: dict[str, list[tuple[str, Any]]] = {key: [] for key in (
        "flows", "labs", "vendors", "deals", "defaults", "market")}
    figures["sensitivity"] = [("tornado", charts.tornado_chart(sens, lang=lang))]
    text = report_html.build_report(base, lang=lang, sensitivity=sens, figures=figures)
    section = text[text.index('<section id="sensitivity">'):]
    section = section[:section.index("</section>")]  # history may follow it
    note, axis = ("baseline", "baseline") if lang == "en" else ("基准值", "基准")
    assert f"{note} {baseline}，" in section if lang == "zh" else f"{note} {baseline}," in section
    assert _shown(f"({axis} {baseline})", section)  # the tornado's axis title
    for cell in (low, high, swing):  # the table under it
        assert f'<td class="num">{cell}</td>' in section, cell
    # not as money, in either language's unit
    assert not re.search(r"\$[\d.,]+B", section) and not _shown("亿美元", section)
