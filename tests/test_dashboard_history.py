"""The Overview's "Against history" table is, cell for cell, the HTML report's section
(`chipcredit.report.history.history_section`), in either language: each observation of the
scenario's ``history:`` placed among the run's paths, or beside the base case.

seed-2025 at 200 paths, seed 4 (valuations and revenue), and telecom-2000 at 200 paths,
seed 0, and its base case (Winstar's default).
"""

from __future__ import annotations

import html
import re
import types
import warnings

import pytest

pytest.importorskip("streamlit")

from streamlit.testing.v1 import AppTest

import chipcredit as cc
from chipcredit.dashboard.launcher import APP_SCRIPT
from chipcredit.dashboard.limits import markdown_safe
from chipcredit.dashboard.tabs.history_table import history_table
from chipcredit.dashboard.text import words
from chipcredit.report.history import history_section


def _simulate(name: str, **kwargs: object) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(name, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed() -> cc.Result:
    return _simulate("seed-2025", paths=200, seed=4)


@pytest.fixture(scope="module")
def telecom() -> cc.Result:
    return _simulate("telecom-2000", paths=200, seed=0)


@pytest.fixture(scope="module")
def telecom_base() -> cc.Result:
    return _simulate("telecom-2000", deterministic=True)


def _report(result: cc.Result, lang: str) -> tuple[str, list[str], list[list[str]]]:
    page = history_section(result, words(lang))
    intro = html.unescape(re.search(r'<p class="note">(.*?)</p>', page).group(1))  # type: ignore[union-attr]
    headers = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", page)]
    body = page.split("<tbody>", 1)[1]
    rows = [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]
    return intro, headers, rows


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("which", ["seed", "telecom", "telecom_base"])
def test_the_history_table_is_the_reports(which: str, lang: str,
                                          request: pytest.FixtureRequest) -> None:
    result = request.getfixturevalue(which)
    intro, table = history_table(result, words(lang))
    assert (intro, table.columns.tolist(), table.to_numpy().tolist()) == _report(result, lang)


def test_the_history_table_by_its_words(telecom: cc.Result, telecom_base: cc.Result) -> None:
    _, table = history_table(telecom, words("en"))
    assert table.columns.tolist() == ["observation", "series", "quarter", "model p05 / p50 / p95",
                                      "observed", "rank or P(default)", "where", "source"]
    row = table.iloc[0].tolist()
    assert row[:3] == ["Winstar filed Chapter 11 (18 Apr 2001)", "winstar defaults", "2001Q2"]
    assert row[4] == "2001Q2" and row[5].startswith("P(by 2001Q2) ")
    intro, base = history_table(telecom_base, words("zh"))
    assert intro == words("zh").t("history.intro_deterministic")
    assert base.columns.tolist() == ["观测", "序列", "季度", "基准情形", "观测值", "位置", "来源"]
    assert base.iloc[0, 1] == "winstar 违约"


def test_no_history_no_table() -> None:
    nothing = types.SimpleNamespace(scenario=types.SimpleNamespace(history=()))
    intro, table = history_table(nothing, words("en"))  # type: ignore[arg-type]
    assert intro == "" and table.empty


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_overview_shows_the_run_against_history(seed: cc.Result, lang: str) -> None:
    T = words(lang)
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=120)
    at.run()
    if lang != "en":
        at.sidebar.radio(key="lang").set_value(lang).run()
    at.sidebar.number_input(key="paths").set_value(200)
    at.sidebar.text_input(key="seed").input("4")
    at.sidebar.button(key="run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert T.t("history.title") in [h.value for h in at.subheader]
    intro, table = history_table(seed, T)
    assert markdown_safe(intro) in [c.value for c in at.main.caption]
    assert any(frame.value.equals(table) for frame in at.dataframe)


@pytest.mark.parametrize(("lang", "over", "where"), [
    ("en", " (over {n} paths)", "inside the band of the paths on which it defaults"),
    ("zh", "（基于 {n} 条路径）", "在发生违约的路径的分位带内")])
def test_winstar_s_row_names_the_paths_that_default(telecom: cc.Result, lang: str, over: str,
                                                    where: str) -> None:
    (check,) = cc.history_check(telecom)
    assert check.band_paths is not None and check.band_paths < 200
    _, table = history_table(telecom, words(lang))
    row = table.iloc[0].tolist()
    assert row[3].endswith(over.format(n=check.band_paths))
    assert row[6] == where
