"""A milestone_equity deal's ``tied_gross_profit`` is said to be profit on sales made before
its money came, not sales it caused, with the command that measures what the deal adds, in
the CLI, the HTML report and the dashboard alike."""

from __future__ import annotations

import html
import re
import warnings

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.dashboard.tabs.deal_table import deal_notes
from chipcredit.dashboard.text import words
from chipcredit.report import i18n
from chipcredit.report.deal_table import deals_table, milestone_tied_note, tied_pairs
from chipcredit.scenario.deal_removal import without_deals

LOI = "nvidia-openai-loi"
COMMAND = f"chipcredit compare seed-2025 --without {LOI}"


@pytest.fixture(scope="module")
def result() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=4)


def test_the_note_names_the_milestone_deal_and_the_command() -> None:
    kinds = {LOI: "milestone_equity", "colossus2-spv": "spv_lease"}
    cat = i18n.catalogue("en")
    note = milestone_tied_note(kinds, [("colossus2-spv", "nvidia"), (LOI, "nvidia")],
                               "seed-2025", cat, str.upper)
    assert note is not None
    assert note.startswith(f"For a milestone_equity deal ({LOI} · NVIDIA), the gross profit on "
                           "tied sales (tied_gross_profit) is the vendor's gross profit on the "
                           "sales its tranches were contingent on: GPUs the investee bought "
                           "before the money came")
    assert f": {COMMAND} (its gross_profit_total, B minus A," in note
    assert "colossus2-spv" not in note
    # an SPV's tied sales are caused by its purchase: no note
    assert milestone_tied_note(kinds, [("colossus2-spv", "nvidia")], "seed-2025", cat) is None
    # a milestone deal with no tied profit shown: none either
    assert milestone_tied_note(kinds, [], "seed-2025", cat) is None


def test_the_rows_with_a_tied_profit_are_the_nonzero_ones(result: cc.Result) -> None:
    rows = tied_pairs(result)
    assert (LOI, "nvidia") in rows and ("colossus2-spv", "nvidia") in rows
    assert all(result.mean(f"deal|{d}|{p}|tied_gross_profit") != 0.0 for d, p in rows)
    assert (LOI, "openai") not in rows
    # without the LOI there is no milestone deal, and no note
    other = without_deals(result.scenario, LOI)
    kept = [row for row in rows if row[0] != LOI]
    assert kept and milestone_tied_note({d.id: d.kind for d in other.deals}, kept, "seed-2025",
                                        i18n.catalogue("en")) is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_and_dashboard_show_the_same_note(result: cc.Result, lang: str) -> None:
    cat = i18n.catalogue(lang)
    kinds = {d.id: d.kind for d in result.scenario.deals}
    note = milestone_tied_note(kinds, tied_pairs(result), "seed-2025", cat,
                               lambda party: "Nvidia" if party == "nvidia" else party)
    assert note is not None and LOI in note
    page = deals_table(result, cat)
    assert f'<p class="note">{html.escape(note)}</p>' in page
    assert note in deal_notes(result, words(lang))
    # the report's extras cell says it on the LOI's row only
    label = cat.t("report.extra_tied_gross_profit_milestone")
    rows = re.findall(r"<tr>(.*?)</tr>", page)
    assert [r for r in rows if html.escape(label) in r] == [r for r in rows if f">{LOI}<" in r
                                                           and ">Nvidia<" in r]
    assert any(html.escape(cat.t("report.extra_tied_gross_profit")) in r for r in rows)


def _caption(args: list[str]) -> str:
    run = CliRunner().invoke(cli.app, args)
    assert run.exit_code == 0, run.output
    return " ".join(run.stdout.split())


def test_cli_marks_the_milestone_figure_and_gives_the_command() -> None:
    text = _caption(["run", "seed-2025", "--paths", "200", "--seed", "4", "--no-store"])
    assert re.search(rf"{LOI}: nvidia tied_gross_profit [-0-9.]+ \(mean [-0-9.]+\) on sales made "
                     r"before the money came \(see below\)", text)
    assert re.search(r"colossus2-spv: nvidia tied_gross_profit [-0-9.]+ \(mean [-0-9.]+\)"
                     r"(?! on sales)", text)
    assert (f"For a milestone_equity deal ({LOI} · nvidia), the gross profit on tied sales "
            "(tied_gross_profit) is the vendor's gross profit on the sales its tranches were "
            f"contingent on") in text
    assert f"{COMMAND} (its gross_profit_total, B minus A, is the deal's effect" in text
