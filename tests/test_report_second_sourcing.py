"""The report's labs' second-sourcing table: the numbers of `Result.second_sourcing` and of
``chipcredit run``'s table, quarters as calendar quarters, one quarter column in the base
case, none at all where no lab has two vendors to choose from, and in Chinese in the Chinese
report."""

from __future__ import annotations

import html
import math
import re
import warnings
from typing import Any

import numpy as np
import pytest

pytest.importorskip("plotly")

import chipcredit as cc
from chipcredit.cli.vendor_tables import second_sourcing_table as cli_table
from chipcredit.report import html as report_html
from chipcredit.report import i18n
from chipcredit.report.second_sourcing import (
    can_second_source,
    quarter_name,
    second_sourcing_table,
    sourcing_rows,
)

LABS = (("openai", "OpenAI"), ("xai", "xAI"))


def quietly(scenario: str, **kwargs: Any) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # NaN IRRs on a few paths
        return cc.simulate(scenario, **kwargs)


@pytest.fixture(scope="module")
def result() -> cc.Result:
    return quietly("seed-2025", paths=300, seed=5)


def cells(text: str) -> list[list[str]]:
    body = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
            for r in body.split("</tr>") if "<td" in r]


def headers(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", text)]


def no_charts(result: cc.Result, lang: str) -> str:
    """The whole report without its charts (the tables are what is tested here)."""
    figures: dict[str, list[tuple[str, object]]] = {k: [] for k in (
        "flows", "labs", "vendors", "deals", "defaults", "market", "sensitivity")}
    return report_html.build_report(result, lang=lang, figures=figures)


def test_the_table_shows_result_second_sourcing_and_the_cli_median(result: cc.Result) -> None:
    cat = i18n.catalogue("en")
    text = second_sourcing_table(result, cat)
    assert headers(text) == ["Lab", "P(second source)",
                             *(f"first delivery from a second vendor ({s})"
                               for s in ("p05", "p50", "p95"))]
    shown = cells(text)
    assert [row[0] for row in shown] == [name for _, name in LABS]
    paths = result.paths
    for (lab, _), row in zip(LABS, shown, strict=True):
        by_quarter = result.second_sourcing(lab)  # share of paths first second-sourcing, by quarter
        counts = np.rint(by_quarter["probability"].to_numpy() * paths).astype(int)
        assert row[1] == cat.path_share(float(counts.sum() / paths))
        firsts = np.repeat(np.arange(len(counts)), counts)  # each such path's quarter
        assert firsts.size > 0, lab  # both labs second-source on some paths of this run
        expected = [str(by_quarter["quarter"][math.floor(q)])
                    for q in np.quantile(firsts, [0.05, 0.5, 0.95])]
        assert row[2:] == expected, lab
    # the P column and the median quarter are the CLI's (its share has one decimal
    # away from none or all, the report's two significant figures: compare the numbers)
    parties = [(p.id, p.kind) for p in result.scenario.parties]
    table = cli_table(result.summary().to_dict("records"), parties, result.scenario.start)
    assert table is not None
    cli_median, cli_shares = list(table.columns[2]._cells), list(table.columns[1]._cells)
    assert [row[3] for row in shown] == cli_median
    assert shown[0][1] == "99.67%" == cli_shares[0]  # 299 paths of 300, near all: one rule
    # the note says what second sourcing means
    note = cat.t("report.second_sourcing_note", none="—")
    assert html.escape(note) in text
    assert "vendor other than its primary one" in note
    assert "over only the paths on which it happens" in note


def test_a_lab_that_never_second_sources_has_dashes() -> None:
    summary: list[dict[str, Any]] = [{"deal": None, "party": "lab", "metric": "second_source_probability",
                "mean": 0.0},
               {"deal": None, "party": "lab", "metric": "second_source_quarter",
                "mean": None, "p05": None, "p50": None, "p95": None},
               {"deal": None, "party": "lab2", "metric": "second_source_probability",
                "mean": 0.25},
               {"deal": None, "party": "lab2", "metric": "second_source_quarter",
                "mean": 3.2, "p05": 0.0, "p50": 2.5, "p95": 7.0},
               # a deal's row of the same name is not the lab's own
               {"deal": "d", "party": "lab", "metric": "second_source_probability",
                "mean": 0.5}]
    parties = [("v1", "vendor"), ("lab", "lab"), ("v2", "vendor"), ("lab2", "lab")]
    rows = sourcing_rows(summary, parties)
    assert [(r.party, r.probability, r.quarters) for r in rows] == [
        ("lab", 0.0, (None, None, None)), ("lab2", 0.25, (0.0, 2.5, 7.0))]
    labels = ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027Q1", "2027Q2", "2027Q3"]
    assert [quarter_name(q, labels) for q in rows[1].quarters] == ["2025Q4", "2026Q2", "2027Q3"]
    assert quarter_name(None, labels) is None
    assert quarter_name(2.999, labels) == "2026Q2"  # rounded down, as the CLI does


def test_a_numpy_share_reads_as_a_float_does() -> None:
    cat = i18n.catalogue("en")
    # numpy 2's repr of np.float64 is not a number Decimal reads
    assert cat.path_share(np.float64(0.9995)) == cat.path_share(0.9995) == "99.95%"
    assert cat.path_share(np.float32(0.0015)) == "0.15%"  # type: ignore[arg-type]


def test_no_table_where_no_lab_has_two_vendors() -> None:
    assert not can_second_source([("v", "vendor"), ("lab", "lab"), ("bank", "lender")])
    assert not can_second_source([("v", "vendor"), ("w", "vendor"), ("bank", "lender")])
    assert can_second_source([("v", "vendor"), ("w", "vendor"), ("lab", "lab")])
    telecom = quietly("telecom-2000", paths=40, seed=1)
    assert second_sourcing_table(telecom, i18n.catalogue("en")) == ""
    page = no_charts(telecom, "en")
    heading = i18n.catalogue("en").t("report.headline_second_sourcing")
    assert html.escape(heading) not in page
    assert "P(second source)" not in page
    # and the CLI has none either
    parties = [(p.id, p.kind) for p in telecom.scenario.parties]
    assert cli_table(telecom.summary().to_dict("records"), parties, "2000Q1") is None


def test_the_report_has_it_in_both_languages(result: cc.Result) -> None:
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    english, chinese = no_charts(result, "en"), no_charts(result, "zh")
    assert html.escape(en.t("report.headline_second_sourcing")) in english
    assert second_sourcing_table(result, en) in english
    assert zh.t("report.headline_second_sourcing") == "实验室的第二供应商：首次从主要供应商以外的供应商收货"
    table = second_sourcing_table(result, zh)
    assert table in chinese
    assert headers(table) == ["实验室", "启用第二供应商的概率", "首次从第二供应商收货（p05）",
                              "首次从第二供应商收货（p50）", "首次从第二供应商收货（p95）"]
    assert zh.t("report.second_sourcing_note", none="—") in table
    for key in ("report.headline_second_sourcing", "report.col_second_source"):
        assert html.escape(en.t(key)) not in chinese
    assert "first delivery from a second vendor" not in chinese
    # the same numbers: only the words differ
    assert cells(table) == cells(second_sourcing_table(result, en))


def test_the_base_case_has_one_quarter_column() -> None:
    base = quietly("seed-2025", deterministic=True)
    cat = i18n.catalogue("en")
    text = second_sourcing_table(base, cat)
    assert headers(text) == ["Lab", "P(second source)", "first delivery from a second vendor"]
    labels = base.quarter_labels()
    for (lab, name), row in zip(LABS, cells(text), strict=True):
        q = int(base.outcome(None, lab, "second_source_quarter")[0])  # -1: never
        assert row == [name, "100%" if q >= 0 else "0%", labels[q] if q >= 0 else "—"]
    assert html.escape(cat.t("report.second_sourcing_note_deterministic", none="—")) in text
