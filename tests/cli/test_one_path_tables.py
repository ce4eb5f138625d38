"""A deterministic run's parties, vendors and second-sourcing tables (the CLI's and the HTML
report's): one path has no median, no mean and no share of paths, so the headers name no
statistic, each figure is shown once and a probability is a yes or no, as the deals table
already does (tests/test_cli.py::test_run_deterministic_labels_its_columns_for_one_path)."""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path
from typing import Any

import pytest
from tests.cli import render
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.formats import DASH
from chipcredit.cli.party_table import parties_table
from chipcredit.cli.vendor_tables import second_sourcing_table, vendors_table
from chipcredit.report import i18n, tables

runner = CliRunner()
PARTIES = [("nv", "vendor"), ("amd", "vendor"), ("lab1", "lab"), ("lab2", "lab"),
           ("bank", "lender")]


def row(party: str, metric: str, **stats: Any) -> dict[str, Any]:
    return {"deal": None, "party": party, "metric": metric, "mean": None, "p05": None,
            "p50": None, "p95": None, "nan_share": None, **stats}


def header_and_cells(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """A rendered table's column headers (their lines joined) and its rows by first cell."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    end = next(i for i in range(top, len(lines)) if lines[i].startswith("┡"))
    parts = [[c.strip() for c in line.strip("┃").split("┃")] for line in lines[top + 1:end]]
    headers = [" ".join(p for p in column if p) for column in zip(*parts, strict=True)]
    rows = {cells[0]: cells[1:] for line in lines[end:] if line.startswith("│")
            for cells in [[c.strip() for c in line.strip("│").split("│")]]}
    return headers, rows


# p50 and mean differ on purpose (one path has them equal): the base case shows the p50 of
# the money and the unit share and the mean of the self-funded share, each once
SUMMARY = [row("nv", "revenue_total", p50=100.0, mean=999.0),
           row("nv", "self_funded_revenue", p50=2.5, mean=999.0),
           row("nv", "self_funded_revenue_share", mean=0.025, p50=0.9),
           row("nv", "market_share_end", p50=0.8, mean=0.1),
           row("amd", "revenue_total", p50=25.0, mean=999.0),
           row("amd", "market_share_end", p50=0.2, mean=0.9),
           row("lab1", "default_probability", mean=1.0, p50=1.0),
           row("lab1", "revenue_total", p50=40.0, mean=41.0),
           row("lab1", "cash_end", p50=-3.0, mean=-2.0),
           row("lab2", "default_probability", mean=0.0, p50=0.0),
           row("lab2", "cash_end", p50=7.0, mean=6.0),
           row("lab1", "second_source_probability", mean=1.0),
           row("lab1", "second_source_quarter", p50=5.0),
           row("lab2", "second_source_probability", mean=0.0),
           row("bank", "cash_end", p50=-1.5, mean=-1.0)]


def test_parties_table_of_the_base_case_says_whether_each_party_defaults() -> None:
    headers, rows = header_and_cells(render(parties_table(
        SUMMARY, PARTIES, "base case", {"lab1", "lab2"}, deterministic=True)))
    assert headers == ["party", "kind", "defaults", "revenue total", "cash end"]
    assert rows["lab1"] == ["lab", "yes", "40.00", "-3.00"]
    assert rows["lab2"] == ["lab", "no", DASH, "7.00"]
    assert rows["nv"] == ["vendor", DASH, "100.00", DASH]  # a vendor cannot default
    # over paths: the share of paths and the medians, as before
    headers, rows = header_and_cells(render(parties_table(
        SUMMARY, PARTIES, "medians", {"lab1", "lab2"})))
    assert headers == ["party", "kind", "P(default)", "revenue total p50", "cash end p50"]
    assert rows["lab1"] == ["lab", "100.0%", "40.00", "-3.00"]


def test_vendors_table_of_the_base_case_shows_each_figure_once() -> None:
    table = vendors_table(SUMMARY, PARTIES, "base case", deterministic=True)
    assert table is not None
    headers, rows = header_and_cells(render(table))
    assert headers == ["vendor", "revenue total", "self-funded revenue", "self-funded share",
                       "unit share end"]
    assert rows["nv"] == ["100.00", "2.50", "2.50%", "80.0%"]
    assert rows["amd"] == ["25.00", DASH, DASH, "20.0%"]
    table = vendors_table(SUMMARY, PARTIES, "medians and means")
    assert table is not None
    headers, rows = header_and_cells(render(table))
    assert headers[1:3] == ["revenue total p50", "revenue total mean"]
    # the pooled share is all paths' self-funded revenue over all their revenue: the ratio of
    # the two means (999 / 999), not the mean of the per-path shares (2.5%) beside it
    assert headers[5:7] == ["self-funded share mean", "self-funded share pooled"]
    assert rows["nv"] == ["100.00", "999.00", "2.50", "999.00", "2.50%", "100.00%", "80.0%"]


def test_second_sourcing_table_of_the_base_case_says_yes_or_no() -> None:
    table = second_sourcing_table(SUMMARY, PARTIES, "2025Q4", deterministic=True)
    assert table is not None
    text = render(table)
    headers, rows = header_and_cells(text)
    assert headers == ["lab", "second source", "first quarter"]
    assert rows == {"lab1": ["yes", "2027Q1"], "lab2": ["no", DASH]}
    assert "p50" not in text and "paths" not in text


def test_run_deterministic_prints_no_statistic_in_the_party_vendor_and_lab_tables() -> None:
    result = runner.invoke(cli.app, ["run", "seed-2025", "--deterministic", "--no-store"])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    parties = out[out.index("Parties ($B"):out.index("Claim holders:")]
    holders = out[out.index("Claim holders:"):out.index("SPVs:")]
    spvs = out[out.index("SPVs:"):out.index("Vendors ($B")]
    vendors = out[out.index("Vendors ($B"):out.index("Labs' second sourcing")]
    labs = out[out.index("Labs' second sourcing"):out.index("Deterministic: one path")]
    for text in (parties, holders, spvs, vendors, labs):
        head = text.split("┡")[0]
        assert not re.search(r"\bp50\b|\bmean\b|P\(", head), head
    headers, rows = header_and_cells(parties)
    # the date its answer runs to (the horizon's last quarter), as the footer's horizon
    assert headers == ["party", "kind", "defaults by 2035Q3", "revenue total", "cash end"]
    assert rows["openai"][1] == "no" and rows["nvidia"][1] == DASH
    # the credit tables: yes or no on the one path, no tail (docs: credit_tables)
    headers, rows = header_and_cells(holders)
    assert headers == ["holder", "held", "loss", "default", "EAD", "EAD PV", "LGD"]
    assert rows["colossus2-lenders"][0] in ("yes", "no")
    headers, rows = header_and_cells(spvs)
    assert headers == ["SPV", "closed", "debt impaired", "covenant breach", "lessee default",
                       "debt loss"]
    headers, _ = header_and_cells(vendors)
    assert headers == ["vendor", "revenue total", "self-funded revenue", "self-funded share",
                       "unit share end"]


def test_runs_show_of_a_deterministic_run_prints_the_same_tables(tmp_path: Path) -> None:
    db = str(tmp_path / "runs.duckdb")
    ran = runner.invoke(cli.app, ["run", "seed-2025", "--deterministic", "--store", db])
    assert ran.exit_code == 0, ran.stderr
    shown = runner.invoke(cli.app, ["runs", "show", "1", "--store", db])
    assert shown.exit_code == 0, shown.stderr

    def tables_of(out: str) -> str:
        return out[out.index("Parties ($B"):out.index("Labs' second sourcing")]

    assert tables_of(shown.stdout) == tables_of(ran.stdout)
    assert "defaults" in tables_of(shown.stdout) and "p50" not in tables_of(shown.stdout)


@pytest.fixture(scope="module")
def base_case() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.load_scenario("seed-2025"), deterministic=True)


def _html_headers(text: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", text.split("</thead>")[0])]


def _html_row(text: str, party: str) -> list[str]:
    for body in re.findall(r"<tr>(.*?)</tr>", text.split("<tbody>")[1]):
        cells = [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", body)]
        if cells and cells[0] == party:
            return cells[1:]
    raise AssertionError(f"no row {party}")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_tables_of_the_base_case_name_no_median_or_mean(base_case: cc.Result,
                                                               lang: str) -> None:
    cat = i18n.catalogue(lang)
    parties = tables.parties_table(base_case, cat)
    # dated with seed-2025's last quarter (2025Q4 + 40 quarters), as the CLI's header
    assert _html_headers(parties)[2:] == [cat.t("report.col_default_base_by", last="2035Q3"),
                                          cat.t("report.col_revenue_base"),
                                          cat.t("report.col_cash_end_base")]
    # OpenAI does not default in the base case: no, not 0.0% of one path
    assert _html_row(parties, _html_row_name(parties, "OpenAI"))[1] == cat.t("report.answer_no")
    vendors = tables.vendors_table(base_case, cat)
    assert _html_headers(vendors)[1:] == [cat.t(k) for k in (
        "report.col_revenue_base", "report.col_self_funded_base",
        "report.col_self_funded_share_base", "report.col_unit_share_end_base")]
    for text in (parties, vendors):
        head = " ".join(_html_headers(text))
        for word in (cat.t("report.col_p50"), cat.t("report.col_mean")):
            assert word not in head, head


def _html_row_name(text: str, name: str) -> str:
    """The party cell of the row whose name contains ``name`` (the names are the report's)."""
    for body in re.findall(r"<tr>(.*?)</tr>", text.split("<tbody>")[1]):
        first = html.unescape(re.findall(r"<td[^>]*>(.*?)</td>", body)[0])
        if name in first:
            return first
    raise AssertionError(f"no row like {name}")


def test_report_tables_over_paths_keep_their_statistics() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(cc.load_scenario("seed-2025"), paths=20, seed=1)
    cat = i18n.catalogue("en")
    assert _html_headers(tables.parties_table(result, cat))[2:] == [
        "P(default) by 2035Q3", "total revenue (median)", "cash at the horizon (median)"]
    assert _html_headers(tables.vendors_table(result, cat))[1:3] == [
        "total revenue (median)", "total revenue (mean)"]
