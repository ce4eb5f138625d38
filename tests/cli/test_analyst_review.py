"""An equity analyst's review of the CLI and the report: the rows and units of the paired
tables, piped output that grep can read, solve's non-monotone probes, options that do
nothing, the net-position and investee notes, singular paths, validate's term note and the
vendors' note on funding a scenario leaves out."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from tests.cli import render
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.app import print_whole
from chipcredit.cli.compare import comparison_table
from chipcredit.cli.deal_table import deals_table
from chipcredit.cli.formats import paths_count
from chipcredit.cli.paired_tables import HEADLINE_METRICS
from chipcredit.cli.party_table import parties_table
from chipcredit.cli.stress import differences_table
from chipcredit.experiments.index_checks import (
    SOBOL_MIN_SAMPLES,
    sobol_range_note,
    unused_options_note,
)
from chipcredit.experiments.solve import non_monotone
from chipcredit.report.multiples import EXTRAS, irr_not_meaningful
from chipcredit.report.vendors import unmodelled_funding

runner = CliRunner()

# a small world (two quarters of eight, one lab, one cloud): runs in a blink
WORLD = """\
name: tiny
start: 2025Q4
horizon_quarters: 8
market:
  ai_demand: {volatility: 0.1, winter: {enter_per_year: 0.0, exit_per_year: 0.5}}
  hardware: {all_in_cost_per_unit: 35.0, residual_value_by_age: [1.0, 0.8, 0.6], fire_sale_haircut: 0.3}
parties:
  - {id: nvidia, kind: vendor, content_per_unit: 35.0, gross_margin: 0.75}
  - id: xai
    kind: lab
    revenue: {run_rate: 100.0, growth: &flat {from: 0.0, to: 0.0, half_life_years: 1.0}}
    compute: {installed: 0.0, per_revenue: 0.0, training: 0.0, training_growth: *flat}
    cash: 1000.0
    procurement: {nvidia: 1.0}
    funding: {valuation_multiple: 10.0, success: {base: 0.0}}
  - id: neo
    kind: cloud
    cash: 5.0
    installed: 1.0
    procurement: {nvidia: 1.0}
    debt:
      - {lender: apollo, rate: 0.1, term_years: 1, opening: 0.5}
    spot: {price_per_unit_year: {dist: uniform, low: 12.0, high: 14.0}, build: false}
  - {id: apollo, kind: lender, discount_rate: 0.09}
deals: []
"""


def row(deal: str | None, party: str, metric: str, **stats: Any) -> dict[str, Any]:
    return {"deal": deal, "party": party, "metric": metric, "mean": None, "p05": None,
            "p50": None, "p95": None, "nan_share": None, **stats}


def paired(deal: str | None, party: str, metric: str, unit: str) -> dict[str, Any]:
    return {"deal": deal, "party": party, "metric": metric, "base": 1.25, "other": 0.75,
            "difference": -0.5, "ci_low": -0.625, "ci_high": -0.375, "median_difference": -0.5,
            "share_higher": 0.1, "share_lower": 0.9, "paths": 1000, "unit": unit}


FRAME = pd.DataFrame([
    paired(None, "nvidia", "self_funded_revenue", "$B"),
    paired(None, "nvidia", "self_funded_revenue_share", "share"),
    paired(None, "openai", "second_source_probability", "probability"),
    paired("amd-openai-warrant", "openai", "warrant_value", "$B"),
    paired("amd-openai-warrant", "amd", "dilution_cost", "$B"),
    paired("nvidia-openai-loi", "nvidia", "moic", "x"),
    paired("nvidia-openai-loi", "nvidia", "npv_realised", "$B"),  # in --json only
    paired("nvidia-coreweave-backstop", "hyperscale-bondholders", "debt_impairment_probability",
           "probability"),
])


# --- 1, 4: stress and compare show the same rows, each with its unit ----------------------


def test_stress_and_compare_show_the_same_rows_with_the_self_funded_answers() -> None:
    class Res:  # what comparison_table reads of a CompareResult
        differences = FRAME
        base = type("Run", (), {"paths": 1000})()

    stress = render(differences_table(FRAME, 1000), 400)
    compare = render(comparison_table(Res(), "a", "b"), 400)  # type: ignore[arg-type]
    for text in (stress, compare):
        for metric in ("self_funded_revenue", "self_funded_revenue_share",
                       "second_source_probability", "warrant_value", "dilution_cost", "moic"):
            assert f" {metric} " in text, metric
        assert "npv_realised" not in text
    body = [ln.split("│")[1:5] for ln in stress.splitlines() if ln.startswith("│")]
    assert body == [ln.split("│")[1:5] for ln in compare.splitlines() if ln.startswith("│")]
    assert {"self_funded_revenue", "warrant_value", "dilution_cost"} <= set(HEADLINE_METRICS)


def test_every_row_carries_its_unit_and_the_title_claims_none() -> None:
    text = render(differences_table(FRAME, 1000), 400)
    units = {cells[2].strip(): cells[3].strip() for cells in
             (ln.split("│")[1:] for ln in text.splitlines() if ln.startswith("│"))}
    assert units["moic"] == "x" and units["self_funded_revenue"] == "$B"
    assert units["second_source_probability"] == "probability"
    assert "probabilities as shares" not in text


def test_piped_output_is_one_line_a_row_with_every_name_whole() -> None:
    file = io.StringIO()
    out = Console(file=file, width=160, force_terminal=False)
    print_whole(out, differences_table(FRAME, 1000))
    text = file.getvalue()
    assert "…" not in text
    line = next(ln for ln in text.splitlines() if "debt_impairment_probability" in ln)
    # deal, party, metric and both ends of the interval are on the one line
    assert "nvidia-coreweave-backstop" in line and "hyperscale-bondholders" in line
    assert "-0.6250 .. -0.3750" in line
    assert sum(1 for ln in text.splitlines() if ln.startswith("│")) == len(FRAME) - 1


# --- 5: solve warns of probes that are not monotone ----------------------------------------


def test_the_reviewers_probes_are_not_monotone() -> None:
    probes = [(0.987083, 0.5177), (1.949, 1.5080), (1.45555, 0.9644), (1.70228, 1.1440),
              (1.50442, 0.9669), (1.60335, 1.0287), (1.5574, 1.0240), (1.53091, 1.0167),
              (1.52201, 1.0143), (1.51322, 0.9897), (1.5169, 0.9738), (1.51945, 0.9912),
              (1.52043, 1.0139), (1.51983, 1.0137)]
    note = non_monotone(probes, "g", 500)
    assert note is not None
    assert "1.51322 gives 0.9897 but 1.5169 gives 0.9738" in note and "500 paths" in note
    assert non_monotone([(0.0, 1.0), (2.0, 3.0), (1.0, 2.0)], "g", 500) is None
    assert non_monotone([(0.0, 3.0), (2.0, 1.0), (1.0, 2.0)], "g", 1) is None  # falling


# --- 6: options that do nothing say so ------------------------------------------------------


def test_deterministic_notes_the_unused_paths_and_seed_and_records_what_ran(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(WORLD, encoding="utf-8")
    target = tmp_path / "det.json"
    done = runner.invoke(cli.app, ["run", str(scenario), "--deterministic", "--paths", "5000",
                                   "--seed", "9", "--json", str(target), "--no-store", "-q"])
    assert done.exit_code == 0, done.stderr
    notes = [ln for ln in done.stderr.splitlines() if ln.startswith("note: --deterministic")]
    assert len(notes) == 1 and "--paths 5000 and --seed 9 not used" in notes[0]
    record = json.loads(target.read_text())
    assert (record["paths"], record["seed"], record["deterministic"]) == (1, 0, True)
    done = runner.invoke(cli.app, ["run", str(scenario), "--deterministic", "--no-store", "-q"])
    assert done.exit_code == 0 and "note: --deterministic" not in done.stderr


def test_a_tornado_names_the_options_it_does_not_use(tmp_path: Path) -> None:
    sc = cc.parse_scenario_text(WORLD, "tiny.yaml")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.sensitivity(sc, "parties.neo.cash_end.mean", method="tornado", paths=20,
                             samples=64, second_order=True, resamples=7)
    said = [n for n in res.notes if n.startswith("tornado does not use")]
    assert len(said) == 1
    assert all(o in said[0] for o in ("--samples", "--second-order", "--resamples"))
    assert unused_options_note("tornado", samples=None, second_order=False, resamples=100,
                               default_resamples=100) is None
    assert "only sobol" in (unused_options_note("morris", samples=16, second_order=True,
                                                resamples=100, default_resamples=100) or "")


def test_a_sobol_index_beyond_one_or_a_tiny_sample_gets_a_note() -> None:
    columns = {"S1": [1.523, 0.2], "S1_conf": [0.3, 0.1], "ST": [0.9, 0.3], "ST_conf": [0.1, 0.1]}
    note = sobol_range_note(8, columns, ["a", "b"])
    assert note is not None and "S1 of a is 1.523" in note and "8 base samples" in note
    # inside [0, 1] within its interval, with enough samples: nothing to say
    fine = {"S1": [1.05, 0.2], "S1_conf": [0.1, 0.1], "ST": [0.9, 0.3], "ST_conf": [0.1, 0.1]}
    assert sobol_range_note(SOBOL_MIN_SAMPLES, fine, ["a", "b"]) is None
    assert sobol_range_note(SOBOL_MIN_SAMPLES // 2, fine, ["a", "b"]) is not None
    far = {"S1": [-0.4], "S1_conf": [0.1], "ST": [0.5], "ST_conf": [0.1]}
    assert "S1 of a is -0.400" in (sobol_range_note(128, far, ["a"]) or "")


# --- 3, 7, 8: the run's tables ----------------------------------------------------------------


def test_a_negative_cash_end_of_a_lender_is_explained() -> None:
    summary = [row(None, "bondholders", "cash_end", p50=-932.4),
               row(None, "lab1", "cash_end", p50=3.0)]
    text = " ".join(render(parties_table(summary, [("bondholders", "lender"), ("lab1", "lab")],
                                         "medians", {"lab1"}), 200).split())
    assert "Cash at the horizon is a net position" in text
    summary[0]["p50"] = 1.0
    text = render(parties_table(summary, [("bondholders", "lender"), ("lab1", "lab")],
                                "medians", {"lab1"}), 200)
    assert "net position" not in text


def test_an_investees_irr_is_n_m_like_its_moic_and_tied_gross_profit_is_shown() -> None:
    summary = [row("loi", "nvidia", "npv", p50=1.0), row("loi", "nvidia", "irr", p50=0.12),
               row("loi", "nvidia", "moic", mean=1.5, p50=1.4),
               row("loi", "nvidia", "loss", mean=0.5),
               row("loi", "nvidia", "tied_gross_profit", mean=20.4, p50=18.0),
               row("loi", "openai", "npv", p50=2.0), row("loi", "openai", "irr", p50=-0.84),
               row("loi", "openai", "moic", mean=3.0, p50=2.5),
               row("loi", "openai", "loss", mean=0.0),
               row("debt", "xai", "irr", p50=0.131), row("debt", "xai", "moic", mean=1.6, p50=1.6),
               row("debt", "xai", "loss", mean=0.0)]
    financed = {("loi", "openai"), ("debt", "xai")}
    table = deals_table(summary, {"loi": "milestone_equity", "debt": "loan"}, {}, "medians",
                        financed=financed)
    text = render(table, 200)
    openai = next(ln for ln in text.splitlines() if " openai " in ln).split("│")
    assert [c.strip() for c in openai[4:6]] == ["n/m", "n/m"]  # IRR and MOIC
    xai = next(ln for ln in text.splitlines() if " xai " in ln).split("│")
    assert [c.strip() for c in xai[4:6]] == ["13.1%", "n/m"]  # a borrower's rate is shown
    flat = " ".join(text.split())
    assert "IRR as well for an equity investee" in flat and "loi openai" in flat
    assert "nvidia tied_gross_profit 18.00 (mean 20.40)" in flat
    assert irr_not_meaningful("financed", "equity") and not irr_not_meaningful("financed", "loan")
    assert "tied_gross_profit" in EXTRAS


def test_one_path_is_singular() -> None:
    assert (paths_count(1), paths_count(2000), paths_count(None)) == ("1 path", "2,000 paths",
                                                                       "— paths")


def test_compare_with_one_path_says_1_path(tmp_path: Path) -> None:
    scenario = tmp_path / "tiny.yaml"
    scenario.write_text(WORLD, encoding="utf-8")
    done = runner.invoke(cli.app, ["compare", str(scenario), str(scenario), "--paths", "1",
                                   "--no-store"])
    assert done.exit_code == 0, done.stderr
    assert ": 1 path, seed 0" in done.stdout and "1 paths" not in done.stdout


# --- 10: funding the scenario leaves out ------------------------------------------------------


def test_seed_2025_names_nvidias_30b_in_openai_as_left_out() -> None:
    left_out = {f["id"]: f for f in unmodelled_funding(cc.load_scenario("seed-2025"))}
    assert left_out["nvidia-openai-2026"] == {
        "id": "nvidia-openai-2026", "from": "nvidia", "to": "openai", "kind": "equity",
        "amount": 30.0, "date": "2026-02-27"}
    # money put in before the start is an opening balance, not left out
    assert not any(item.startswith("nvidia-coreweave-2023") for item in left_out)
    assert unmodelled_funding(cc.load_scenario("telecom-2000")) == []
