"""What ``runs show`` and ``runs diff`` print for a stored run, as ``chipcredit run`` prints
it: each variant titled by its own paths (a base case beside a Monte Carlo run), an IRR that
is n/m or below its bracket never as the store's -1; and the dashes of ``run``'s deals table
explained as the HTML report explains them."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.deal_table import BEYOND_TEXT, deals_table
from chipcredit.cli.diff_medians import median_cell, median_notes
from chipcredit.cli.formats import DASH, TOTAL_LOSS
from chipcredit.cli.stored_run import _variant_paths
from chipcredit.report.i18n import catalogue

from . import render
from .test_deal_notes import SCENARIO

pytest.importorskip("duckdb")
from chipcredit.store import RunStore

runner = CliRunner()

IRR_NONE = ("IRR —: no path has an IRR: on every path the party's flows in the deal have no "
            "rate that fits them (they only come in, as a take-or-pay's fees do, or are all "
            "zero); the JSON summary has null, and Result.irr_reasons() gives the reason path "
            "by path. Nothing is withheld here, unlike n/a.")
MOIC_NONE = ("MOIC —: the party put no money into the deal on any path, so it has no multiple "
             "(the JSON summary has null).")


def flat(text: str) -> str:
    return " ".join(text.split())


def invoke(*args: str) -> str:
    res = runner.invoke(cli.app, list(args), terminal_width=200)
    assert res.exit_code == 0, res.output
    return res.stdout


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run 1: the base case, then 50 paths; run 2 the same the other way round; runs 3 and
    4: 50 paths with seeds 1 and 2 (the scenario of tests/cli/test_deal_notes.py: a lessee
    that only pays, a warrant issuer that puts in nothing)."""
    folder = tmp_path_factory.mktemp("stored-text")
    scenario = folder / "notes.yaml"
    scenario.write_text(SCENARIO)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        base = cc.simulate(str(scenario), deterministic=True)
        mc = [cc.simulate(str(scenario), paths=50, seed=s) for s in (1, 2)]
    runs = RunStore(folder / "runs.duckdb")
    assert [runs.save({"base": base, "mc": mc[0]}), runs.save({"mc": mc[0], "base": base}),
            runs.save(mc[0]), runs.save(mc[1])] == [1, 2, 3, 4]
    return folder / "runs.duckdb"


def _sections(out: str) -> dict[str, str]:
    """``runs show``'s output split at its ``variant NAME`` lines."""
    parts: dict[str, str] = {}
    name = ""
    for line in out.splitlines():
        if line.startswith("variant "):
            name = line.removeprefix("variant ")
        parts[name] = parts.get(name, "") + line + "\n"
    return parts


def test_each_variant_is_titled_by_its_own_paths(stored: Path) -> None:
    first = _sections(invoke("runs", "show", "1", "--store", str(stored)))
    assert "What each party gets from each deal ($B; the deterministic base case)" in first["base"]
    assert ("Parties ($B; base case; revenue totalled over the horizon, cash at its end)"
            in first["base"])
    assert "What each party gets from each deal ($B; medians over 50 paths" in first["mc"]
    assert ("Parties ($B; P(default): share of paths; revenue totalled over the horizon, cash "
            "at its end; p50: medians over 50 paths)") in first["mc"]
    titles = [ln for ln in first["mc"].splitlines() if ln.startswith(("What", "Parties", "Vendors"))]
    assert len(titles) == 3 and not any("base case" in ln for ln in titles)
    # the runs row describes the first variant only: one path beside a Monte Carlo run is
    # not claimed to be the base case
    second = _sections(invoke("runs", "show", "2", "--store", str(stored)))
    assert "What each party gets from each deal ($B; medians over 50 paths" in second["mc"]
    assert "What each party gets from each deal ($B; medians over 1 path" in second["base"]


def test_a_variant_cut_by_the_stores_cap_ran_at_least_as_many_paths() -> None:
    run = {"paths": 200_000, "stored_paths": 100_000, "deterministic": False}
    assert _variant_paths(run, True, 100_000) == (False, 200_000, "200,000 paths")
    assert _variant_paths(run, False, 100_000) == (False, None, "at least 100,000 paths")
    assert _variant_paths(run, False, 5_000) == (False, 5_000, "5,000 paths")
    assert _variant_paths({**run, "paths": 1, "stored_paths": 1, "deterministic": True},
                          False, 1) == (True, 1, "1 path")


def _irr_row(out: str, deal: str, party: str) -> list[str]:
    found = [[c.strip() for c in ln.split("│")[1:-1]] for ln in out.splitlines()
             if ln.startswith("│") and f" {deal} " in ln and f" {party} " in ln
             and " irr " in ln]
    assert len(found) == 1, out
    return found[0]


def test_diff_shows_an_irr_that_only_pays_as_n_m_not_minus_one(stored: Path) -> None:
    out = invoke("runs", "diff", "3", "4", "--all", "--store", str(stored))
    # the lessee pays rent and gets nothing back: the store keeps -1 as its median
    assert _irr_row(out, "grid-spv", "frontier") == [
        "grid-spv", "frontier", "irr", "n/m", "n/m", DASH, "n/m", "n/m", DASH]
    assert "-1.0000" not in out
    assert ("n/m IRR not meaningful (the store keeps its value):\n  pays, gets nothing back "
            "(its NPV is the cost; IRR n/m too, the JSON keeps -100%): grid-spv frontier\n"
            ) in out
    assert _irr_row(out, "amd-warrant", "amd") == [
        "amd-warrant", "amd", "irr", DASH, DASH, DASH, DASH, DASH, DASH]


def test_a_median_below_the_bracket_reads_minus_100_percent_with_its_note() -> None:
    """A stake wiped out on most paths (not n/m): its stored median is -1, 'below'."""
    row: dict[str, Any] = {"metric": "irr", "variant": "main", "deal": "eq", "party": "fund",
                           "p50_a": -1.0,
                           "ranked_share_a": 1.0, "p50_outside_a": "below"}
    assert median_cell(row, "a") == TOTAL_LOSS == "-100%"
    assert median_cell(row, "a", {("a", "main", "eq", "fund"): "pays_only"}) == "n/m"
    assert median_notes({TOTAL_LOSS: ["eq fund"]}) == [
        "IRR -100%: the median lies among paths whose flows only go out (a total loss, -100% "
        "by definition) or whose IRR is below -99% a year"]
    assert BEYOND_TEXT[TOTAL_LOSS] == median_notes({TOTAL_LOSS: ["eq fund"]})[0]


def test_run_says_why_an_irr_or_moic_is_a_dash(stored: Path, tmp_path: Path) -> None:
    """The warrant's issuer puts in nothing and only gives shares: no IRR, no MOIC."""
    scenario = tmp_path / "notes.yaml"
    scenario.write_text(SCENARIO)
    out = invoke("run", str(scenario), "-n", "50", "-s", "1", "--no-store")
    row = [ln for ln in out.splitlines() if ln.startswith("│ amd-warrant ") and " amd " in ln]
    assert len(row) == 1 and row[0].count(f" {DASH} ") == 2
    text = flat(out)
    assert IRR_NONE in text and MOIC_NONE in text
    assert IRR_NONE == catalogue("en").t("report.irr_none_note", value=DASH)  # the report's
    assert MOIC_NONE == catalogue("en").t("report.moic_none_note", value=DASH)
    shown = flat(invoke("runs", "show", "3", "--store", str(stored)))
    assert IRR_NONE in shown and MOIC_NONE in shown


def test_no_dash_note_where_no_row_shows_a_dash() -> None:
    base = {"deal": "d", "party": "p", "mean": None, "p05": None, "p95": None, "nan_share": 0.0}
    summary = [{**base, "metric": "npv", "p50": 1.0, "mean": 1.0},
               {**base, "metric": "irr", "p50": 0.1, "ranked_share": 1.0},
               {**base, "metric": "moic", "p50": 1.5, "mean": 1.5},
               {**base, "metric": "loss", "p50": 0.0, "mean": 0.0}]
    text = flat(render(deals_table(summary, {"d": "loan"}, {}, "medians over 2 paths")))
    assert "IRR —" not in text and "MOIC —" not in text
    no_irr = [r if r["metric"] != "irr" else {**r, "p50": None, "ranked_share": 0.0}
              for r in summary]
    text = flat(render(deals_table(no_irr, {"d": "loan"}, {}, "medians over 2 paths")))
    assert IRR_NONE in text and "MOIC —" not in text
