"""The run's vendors and second-sourcing tables: the seed's headline answers (the vendors'
own money in their sales; whether the labs port) printed by ``chipcredit run``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.table import Table
from tests.cli import render as render_at
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.formats import DASH
from chipcredit.cli.vendor_tables import second_sourcing_table, vendors_table
from chipcredit.report.i18n import catalogue
from chipcredit.report.vendors import vendors_caption

runner = CliRunner()


def render(table: Table) -> str:
    return render_at(table, 160)


def row(party: str, metric: str, **stats: Any) -> dict[str, Any]:
    return {"deal": None, "party": party, "metric": metric, "mean": None, "p05": None,
            "p50": None, "p95": None, "nan_share": None, **stats}


def cells(text: str, first: str) -> list[str]:
    # the last table's line (a run prints a vendor or lab in the parties table first)
    line = [ln for ln in text.splitlines() if ln.startswith(f"│ {first} ")][-1]
    return [c.strip() for c in line.split("│")[2:-1]]  # the cells after the first


PARTIES = [("nvidia", "vendor"), ("openai", "lab"), ("amd", "vendor"), ("xai", "lab"),
           ("hyperscalers", "buyer")]


def test_vendors_table_gives_sales_self_funded_sales_and_share_per_vendor() -> None:
    summary = [row("nvidia", "revenue_total", p50=5716.3321, mean=6017.68),
               row("nvidia", "self_funded_revenue", p50=8.484, mean=10.3149),
               row("nvidia", "self_funded_revenue_share", mean=0.002116, p50=0.0017),
               row("nvidia", "market_share_end", p50=0.93, mean=0.928),
               row("amd", "revenue_total", p50=226.34, mean=232.43),
               row("amd", "market_share_end", p50=0.07),
               # a deal's row of the same name is not the vendor's own
               {**row("nvidia", "revenue_total", p50=1.0, mean=1.0), "deal": "loi"}]
    text = render(vendors_table(summary, PARTIES, "medians and means"))
    # the pooled share beside the mean of per-path shares: 10.3149 / 6017.68 = 0.171%
    assert cells(text, "nvidia") == ["5,716.33", "6,017.68", "8.48", "10.31", "0.21%", "0.17%",
                                     "93.0%"]
    # AMD has no self-funded rows here: dashes, not zeros
    assert cells(text, "amd") == ["226.34", "232.43", DASH, DASH, DASH, DASH, "7.0%"]
    # vendors only, in the order given
    assert "openai" not in text and "hyperscalers" not in text
    assert text.index("│ nvidia ") < text.index("│ amd ")


def test_the_vendors_caption_is_the_reports_in_the_reports_order() -> None:
    """The caption reads what is counted, over which paths the unit share is, then the
    registry's funding left out, as the report and the dashboard do (it used to put the
    funding second, its kinds as ids: ``spv_lease``)."""
    parties = [("lucent", "vendor"), ("winstar", "lab")]
    summary = [row("lucent", "market_share_end", p50=1.0, nan_share=0.5)]
    left_out = [{"id": "lu-wi", "from": "lucent", "to": "winstar", "kind": "spv_lease",
                 "amount": 2.5, "date": "1999-06"}]
    table = vendors_table(summary, parties, "medians and means", left_out)
    assert table is not None and isinstance(table.caption, str)
    note = catalogue("en").t("report.vendors_note")
    assert table.caption == (
        note + " " + catalogue("en").t("report.vendors_financed_note")
        + " The unit share is over the paths on which some vendor sold units in the last "
        "four quarters; on 50% of the paths none was sold, and a share of nothing has no "
        "value. Not in this scenario, so not in its self-funded revenue (the deal registry's "
        "vendor funding after the start that no deal of the scenario links to): lu-wi "
        "(lucent to winstar, SPV lease, $2.5B, 1999-06).")
    assert table.caption == vendors_caption(summary, parties, left_out, catalogue("en"))
    # nothing left out and every path sold: the notes alone (a lab: the other ratio's too)
    table = vendors_table([{**summary[0], "nan_share": 0.0}], parties, "medians and means")
    assert table is not None and table.caption == (
        note + " " + catalogue("en").t("report.vendors_financed_note"))


def test_run_names_seed_2025s_left_out_funding_in_the_reports_words() -> None:
    done = runner.invoke(cli.app, ["run", "seed-2025", "--paths", "20", "--no-store"],
                         env={"COLUMNS": "400"})
    assert done.exit_code == 0, done.stderr
    text = " ".join(done.stdout.split())  # the caption wraps at the output width
    assert "nvidia-openai-2026 (nvidia to openai, equity, $30B, 2026-02-27)" in text
    # after the note, as the report has it
    assert text.index("Not in this scenario") > text.index("Self-funded revenue is the part")


@pytest.mark.parametrize(("start", "p50", "shown"), [
    ("2025Q4", 0.0, "2025Q4"), ("2025Q4", 1.0, "2026Q1"), ("2025Q4", 4.0, "2026Q4"),
    ("2025Q1", 3.5, "2025Q4"),  # a median between two quarters is named by the earlier one
    (None, 3.0, "quarter 3"), ("2025Q4", None, DASH)])
def test_second_sourcing_table_names_the_median_quarter(start: str | None, p50: float | None,
                                                        shown: str) -> None:
    summary = [row("openai", "second_source_probability", mean=0.9964),
               row("openai", "second_source_quarter", p50=p50, nan_share=0.0036)]
    text = render(second_sourcing_table(summary, PARTIES, start))
    assert cells(text, "openai") == ["99.64%", shown]  # within 1% of all: two figures of the gap
    assert cells(text, "xai") == [DASH, DASH]  # a lab with no rows
    assert "nvidia" not in text


def test_run_prints_the_vendors_and_second_sourcing_from_its_json(tmp_path: Path) -> None:
    target = tmp_path / "run.json"
    done = runner.invoke(cli.app, ["run", "seed-2025", "--paths", "200", "--seed", "5",
                                   "--no-store", "--json", str(target)], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.stderr
    doc = json.loads(target.read_text())
    nvidia = doc["vendors"]["nvidia"]
    # the vendors table's row, not the financials table's under it
    assert cells(done.stdout.split("Vendors' equity")[0], "nvidia")[-7:] == [
        f"{nvidia['revenue_total']['p50']:,.2f}", f"{nvidia['revenue_total']['mean']:,.2f}",
        f"{nvidia['self_funded_revenue']['p50']:,.2f}",
        f"{nvidia['self_funded_revenue']['mean']:,.2f}",
        f"{nvidia['self_funded_revenue_share']['mean'] * 100:.2f}%",
        f"{nvidia['self_funded_share_pooled'] * 100:.2f}%",
        f"{nvidia['market_share_end']['p50'] * 100:.1f}%"]
    # the pooled share is the ratio of the means, which the by-year items add up to
    years = nvidia["self_funded_by_year"]
    assert nvidia["self_funded_share_pooled"] == pytest.approx(
        sum(y["self_funded_revenue_mean"] for y in years) / sum(y["revenue_mean"] for y in years),
        rel=1e-12)
    assert nvidia["self_funded_share_pooled"] == (nvidia["self_funded_revenue"]["mean"]
                                                  / nvidia["revenue_total"]["mean"])
    xai = doc["parties"]["xai"]
    assert cells(done.stdout, "xai")[-2] == f"{xai['second_source_probability'] * 100:.1f}%"
    assert "Labs' second sourcing" in done.stdout and "Vendors ($B" in done.stdout


def test_a_rare_second_source_is_not_shown_as_zero() -> None:
    # 4 paths of 10,000 port: 0.04% would round to 0.0%, which reads as "never"
    summary = [row("openai", "second_source_probability", mean=0.0004),
               row("xai", "second_source_probability", mean=0.0)]
    text = render(second_sourcing_table(summary, PARTIES, "2025Q4"))
    assert cells(text, "openai")[0] == "0.04%"
    assert cells(text, "xai")[0] == "0.0%"


@pytest.mark.parametrize(("parties", "vendors", "second"), [
    ([("lucent", "vendor"), ("winstar", "lab")], True, False),  # one vendor: nothing to port to
    ([("nvidia", "vendor"), ("amd", "vendor"), ("buyer", "buyer")], True, False),  # no lab
    ([("winstar", "lab"), ("fund", "investor")], False, False),  # no vendor at all
])
def test_tables_with_nothing_to_show_are_left_out(parties: list[tuple[str, str]],
                                                  vendors: bool, second: bool) -> None:
    assert (vendors_table([], parties, "medians") is not None) == vendors
    assert (second_sourcing_table([], parties, "2025Q4") is not None) == second


def test_a_one_vendor_scenario_prints_no_second_sourcing_table() -> None:
    done = runner.invoke(cli.app, ["run", "telecom-2000", "--paths", "50", "--no-store"],
                         env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.stderr
    assert "Vendors" in done.stdout and "second sourcing" not in done.stdout
