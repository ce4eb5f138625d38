"""The report's "Against history" section, in English and Chinese: the scenario's
observations placed among the run's paths (`chipcredit.report.history`)."""

from __future__ import annotations

import html
import re
import warnings

import pytest
from tests.analytics.test_history_check import FLAT

import chipcredit as cc
from chipcredit.report.history import WHERE_KEYS, history_section
from chipcredit.report.html import build_report
from chipcredit.report.i18n import catalogue
from chipcredit.scenario.loader import parse_scenario_text


@pytest.fixture(scope="module")
def runs() -> tuple[cc.Result, cc.Result]:
    sc = parse_scenario_text(FLAT, "flat.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cc.simulate(sc, deterministic=True), cc.simulate(sc, paths=500, seed=3)


def cells(page: str) -> list[list[str]]:
    """The body rows' cells as text (the header row has no ``td``)."""
    rows = [[html.unescape(re.sub(r"<[^>]+>", "", c))
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", page)]
    return [row for row in rows if row]


def test_every_placement_has_words_in_both_languages() -> None:
    for lang in ("en", "zh"):
        cat = catalogue(lang)
        for key in WHERE_KEYS.values():
            assert cat.t(f"history.where.{key}")
    assert catalogue("en").t("history.where.inside") == "inside the band"


def test_the_base_case_rows_in_english(runs: tuple[cc.Result, cc.Result]) -> None:
    body = history_section(runs[0], catalogue("en"))
    assert "beside the deterministic base case" in body
    assert cells(body) == [
        ["xAI's revenue in 2026Q1", "parties.xai.revenue", "2026Q1", "0.125", "0.2",
         "above the base case", "a made-up filing"],
        ["xAI defaulted", "xai defaults", "2026Q2", "does not default", "2026Q2",
         "no path defaults", "a made-up docket"]]


def test_the_monte_carlo_rows_in_chinese(runs: tuple[cc.Result, cc.Result]) -> None:
    res = runs[1]
    check = cc.history_check(res)[0]
    body = history_section(res, catalogue("zh"))
    assert "500 条路径，种子 3" in body
    first = cells(body)[0]
    assert first[:3] == ["xAI's revenue in 2026Q1", "parties.xai.revenue", "2026Q1"]
    assert first[5] == f"{check.rank:.1f}"
    assert first[6] == catalogue("zh").t(f"history.where.{WHERE_KEYS[check.where]}")
    assert cells(body)[1][1] == "xai 违约"


def test_the_report_has_the_section_only_with_history(runs: tuple[cc.Result, cc.Result]) -> None:
    for lang, title in (("en", "Against history"), ("zh", "对照历史")):
        page = build_report(runs[0], lang=lang, figures={k: [] for k in (
            "flows", "labs", "vendors", "deals", "defaults", "market", "sensitivity")})
        assert f'<section id="history">\n<h2>{title}</h2>' in page
        assert page.index('id="history"') < page.index('id="assumptions"')
    bare = parse_scenario_text(FLAT.split("history:")[0], "bare.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cc.simulate(bare, deterministic=True)
    assert history_section(res, catalogue("en")) == ""


def test_fewer_paths_in_sample_and_a_default_s_band_in_both_languages(
        runs: tuple[cc.Result, cc.Result], monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from tests.cli.test_history_table import DEFAULT, SERIES

    from chipcredit.analytics import history_check as hc

    cited = replace(SERIES, band_paths=2000, run_paths=2000, in_sample=True)
    fell = replace(DEFAULT, where=hc.INSIDE_DEFAULTS, band_paths=715, run_paths=2000)
    monkeypatch.setattr(hc, "history_check", lambda result: [cited, fell])
    en = cells(history_section(runs[1], catalogue("en")))
    assert en[0][3] == "264.9 / 673 / 1,480"  # over all 2,000 paths: no count
    assert en[0][6] == "inside the band (in-sample: the inputs were set from it)"
    assert en[1][3] == "2026Q2 / 2026Q3 / 2026Q4 (over 715 paths)"
    assert en[1][6] == "inside the band of the paths on which it defaults"
    zh = cells(history_section(runs[1], catalogue("zh")))
    assert zh[0][6] == "分位带内（样本内：输入参数即由此设定）"
    assert zh[1][3] == "2026Q2 / 2026Q3 / 2026Q4（基于 715 条路径）"
    assert zh[1][6] == "在发生违约的路径的分位带内"
    assert "2,000 条路径，种子 3" in history_section(runs[1], catalogue("zh"))
