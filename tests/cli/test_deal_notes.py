"""The run's deals table says where a MOIC means nothing (n/m, and why), shows the deal
extras outside the cash metrics, and names the deals that did not close on every path."""

from __future__ import annotations

import io
import textwrap
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.console import Console
from rich.table import Table
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.cli.deal_table import NOT_MEANINGFUL, PARTIAL, deals_table
from chipcredit.cli.formats import DASH
from chipcredit.report.multiples import (
    TOKEN_MULTIPLE,
    closed_from_outcomes,
    closed_shares,
    extras_shown,
    financed_parties,
    moic_reason,
)

runner = CliRunner()


def render(table: Table, width: int = 110) -> str:
    console = Console(width=width, file=io.StringIO())
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def flat(text: str) -> str:
    return " ".join(text.split())


def rows(deal: str, party: str, **metrics: dict[str, Any]) -> list[dict[str, Any]]:
    """Summary rows of one (deal, party): metric name to its statistics."""
    out = []
    for metric, stats in metrics.items():
        out.append({"deal": deal, "party": party, "metric": metric, "mean": None, "p05": None,
                    "p50": None, "p95": None, "nan_share": 0.0, **stats})
    return out


def line_of(text: str, *cells: str) -> str:
    found = [ln for ln in text.splitlines()
             if ln.startswith("│") and all(f" {c} " in ln for c in cells)]
    assert len(found) == 1, (cells, text)
    return found[0]


# --- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(("financed", "moic_mean", "moic_p50", "loss_mean", "reason"), [
    (False, 0.0, 0.0, 0.0, "pays_only"),  # rent, a backstop's calls: nothing comes back
    (False, 0.0, 0.0, 1.5, None),         # an investor that lost everything keeps its 0x
    (True, 0.0, 0.0, 0.0, "pays_only"),   # a lessee is also the financed side: pays only first
    (True, 3.41, 3.41, 0.0, "financed"),  # a borrower that repaid in shares
    (True, None, None, 0.0, "financed"),  # an investee: receives only
    (False, 9036.0, 9036.0, 0.0, "token"),
    (False, 150.0, TOKEN_MULTIPLE, 0.0, None),  # 100x exactly is still shown
    (False, 1.58, 1.58, 0.0, None),
    (False, None, None, 0.0, None),       # no MOIC anywhere (an issuer): the dash stays
])
def test_moic_reason(financed: bool, moic_mean: float | None, moic_p50: float | None,
                     loss_mean: float, reason: str | None) -> None:
    assert moic_reason(financed=financed, moic_mean=moic_mean, moic_p50=moic_p50,
                       loss_mean=loss_mean) == reason


def test_closed_from_outcomes_is_the_share_of_paths_where_some_party_moves_money() -> None:
    sc = cc.parse_scenario_text(SCENARIO, file="test.yaml")
    outcomes = {  # 4 paths: the lender moves money on paths 0 and 2, the borrower on 0 and 3
        "deal|nv-credit|nvidia|cash_in": [1.0, 0.0, 0.0, 0.0],
        "deal|nv-credit|nvidia|cash_out": [4.0, 0.0, 2.0, 0.0],
        "deal|nv-credit|frontier|cash_in": [4.0, 0.0, 0.0, float("nan")],
        "deal|nv-credit|frontier|cash_out": [1.0, 0.0, 0.0, 0.5],
        "deal|grid-spv|frontier|cash_out": [0.0, 0.0, 0.0, 0.0],  # closes for sure: no entry
        "deal|nv-credit|frontier|moic": [9.0, 9.0, 9.0, 9.0],      # not a flow
    }
    assert closed_from_outcomes(sc.deals, outcomes) == {"nv-credit": 0.75}
    assert financed_parties(sc.deals) == {("grid-spv", "frontier"), ("nv-credit", "frontier")}


# --- the table --------------------------------------------------------------------------


def test_a_token_outlay_shows_n_m_and_the_multiple_in_the_note() -> None:
    summary = (rows("w", "amd", npv={"p50": 0.0}, moic={"nan_share": 1.0}, loss={"mean": 0.0})
               + rows("w", "lab", npv={"p50": 1.87}, moic={"mean": 9100.0, "p50": 9073.96,
                                                            "nan_share": 0.351},
                      loss={"mean": 0.0}))
    text = render(deals_table(summary, {"w": "deployment_warrant"}, {}, "medians over 2,000 paths"))
    lab = line_of(text, "lab")
    assert f" {NOT_MEANINGFUL} " in lab and "9073.96x" not in lab
    assert PARTIAL not in lab  # n/m is not a statistic over part of the paths
    assert f" {DASH} " in line_of(text, "amd")  # no MOIC on any path stays a dash
    assert "put in under 1% of what it got back: w lab (9073.96x)" in flat(text)
    assert "MOIC 64.9%" not in flat(text)


def test_a_payer_and_the_financed_side_show_n_m_and_a_total_loss_does_not() -> None:
    # both pay and get nothing back (IRR -100%, below the bracket): the lessee by what the
    # deal is (no loss), the fund because its stake was wiped out (a loss)
    below = {"mean": -1.0, "p05": -1.0, "p50": -1.0, "p95": -1.0, "ranked_share": 1.0}
    summary = (rows("spv", "lessee", npv={"p50": -9.3}, irr=below, moic={"mean": 0.0, "p50": 0.0},
                    loss={"mean": 0.0})
               + rows("spv", "fund", npv={"p50": -2.0}, irr=below, moic={"mean": 0.0, "p50": 0.0},
                      loss={"mean": 2.0})
               + rows("vc", "lab", npv={"p50": 3.03}, moic={"mean": 3.41, "p50": 3.41},
                      loss={"mean": 0.0})
               + rows("vc", "nvidia", npv={"p50": -0.1}, moic={"mean": 1.14, "p50": 1.14},
                      loss={"mean": 0.24}))
    text = render(deals_table(summary, {"spv": "spv_lease", "vc": "vendor_credit"}, {},
                              "the deterministic base case", financed={("vc", "lab")},
                              deterministic=True))
    assert line_of(text, "lessee").count(f" {NOT_MEANINGFUL} ") == 2  # MOIC and IRR
    assert " 0.00x " in line_of(text, "fund")  # lost what it put in: a real 0x
    assert " -100% " in line_of(text, "fund")  # and a real total loss
    assert f" {NOT_MEANINGFUL} " in line_of(text, "lab") and "3.41x" not in text
    assert " 1.14x " in line_of(text, "nvidia")
    note = flat(text)
    assert "n/m MOIC not meaningful (the JSON summary keeps it):" in note
    assert ("pays, gets nothing back (its NPV is the cost; IRR n/m too, the JSON keeps -100%): "
            "spv lessee") in note
    assert "financed side (its multiple is the price of its financing): vc lab" in note
    assert "IRR as well for an equity investee" not in note  # neither is one


def test_deal_extras_are_listed_under_the_table_with_their_means() -> None:
    summary = (rows("w", "amd", npv={"p50": 0.0}, moic={"nan_share": 1.0}, loss={"mean": 0.0},
                    dilution_cost={"mean": 9.09, "p50": 3.13},
                    vested_shares={"mean": 44.4, "p50": 40.0})
               + rows("vc", "lab", npv={"p50": 0.1}, moic={"p50": 0.9, "mean": 0.9},
                      loss={"mean": 0.0}, dilution_cost={"mean": 0.0, "p50": 0.0},
                      conversion_stake={"mean": 0.0, "p50": 0.0}))
    text = flat(render(deals_table(summary, {"w": "deployment_warrant", "vc": "vendor_credit"},
                                   {}, "medians over 2,000 paths")))
    assert "Outside the cash metrics above (p50; $B, shares in millions, stakes in %):" in text
    assert "w: amd dilution_cost 3.13 (mean 9.09), vested_shares 40.0m (mean 44.4m)" in text
    assert "vc:" not in text  # no conversion on any path: nothing to show


def test_deals_that_did_not_close_are_named() -> None:
    summary = (rows("a", "p", npv={"p50": 1.0}, moic={"p50": 1.2, "mean": 1.2}, loss={"mean": 0.0})
               + rows("b", "p", npv={"p50": 0.0}, moic={"nan_share": 1.0}, loss={"mean": 0.0}))
    kinds = {"a": "loan", "b": "loan"}
    base = flat(render(deals_table(summary, kinds, {}, "the deterministic base case",
                                   closed={"a": 1.0, "b": 0.0}, deterministic=True)))
    assert f"Did not close in the base case (no party pays or receives in it, so its figures are " \
           f"0, or {DASH}): b" in base
    paths = flat(render(deals_table(summary, kinds, {}, "medians over 2,000 paths",
                                    closed={"a": 1.0, "b": 0.4885})))
    assert "b: closed on 48.9% of the paths" in paths and "a: closed" not in paths
    assert "Closed on" not in flat(render(deals_table(summary, kinds, {}, "medians",
                                                      closed={"a": 1.0, "b": 1.0})))


# --- end to end -------------------------------------------------------------------------

SCENARIO = textwrap.dedent("""\
    name: notes-test
    start: 2026Q1
    horizon_quarters: 24
    market:
      ai_demand:
        volatility: 0.3
        winter: {enter_per_year: 0.1, exit_per_year: 0.4, growth_hit: -0.5}
      hardware:
        all_in_cost_per_unit: 50
        useful_life_years: 5
        residual_value_by_age: [1.0, 0.65, 0.45, 0.3, 0.2, 0.1]
        fire_sale_haircut: 0.3
        power_cost_per_unit_year: 1.0
      rates: {base: 0.04}
    parties:
      - {id: nvidia, kind: vendor, content_per_unit: 35, gross_margin: 0.75}
      - id: amd
        kind: vendor
        content_per_unit: 25
        gross_margin: 0.5
        financials: {operating_costs_per_year: 10, earnings_multiple: 30, other_value: 150,
                     shares_outstanding: 1620}
      - id: frontier
        kind: lab
        revenue: {run_rate: 6, growth: {from: 1.5, to: 0.2, half_life_years: 1.5}}
        costs: {fixed_per_year: 2, revenue_share: 0.1}
        compute: {installed: 0.4, per_revenue: 0.05, training: 0.1,
                  training_growth: {from: 1.0, to: 0.3, half_life_years: 2}}
        cash: 8
        procurement: {nvidia: 0.7, amd: 0.3}
        funding:
          valuation_multiple: 25
          success: {base: 1.5, momentum: 1.0, sentiment: 1.0, winter: -2.0}
      - {id: pcf, kind: lender, discount_rate: 0.08}
      - {id: fund, kind: investor, discount_rate: 0.12}
    deals:
      - id: grid-spv
        kind: spv_lease
        lessee: frontier
        vendor: nvidia
        amount: 10
        equity: {nvidia: 1, fund: 2}
        debt: {lender: pcf, amount: 7, rate: 0.10, term_years: 4}
        lease: {term_years: 4, rate: 0.14, residual: 0.25}
      - id: amd-warrant
        kind: deployment_warrant
        issuer: amd
        holder: frontier
        strike: 0.01
        tranches: [{shares: 40, deployed: 0.2, hurdle: 0}]
      - id: nv-credit
        kind: vendor_credit
        close_probability: 0.49
        vendor: nvidia
        borrower: frontier
        amount: 4
        rate: 0.08
        term_years: 3
        repayment: [{kind: conversion, discount: 0.2}]
    """)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notes") / "notes.yaml"
    path.write_text(SCENARIO)
    return path


@pytest.fixture(scope="module")
def base(scenario_file: Path) -> tuple[cc.Result, str]:
    """The deterministic base case, and what `run` printed for it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(str(scenario_file), deterministic=True)
    done = runner.invoke(cli.app, ["run", str(scenario_file), "--deterministic", "--no-store"])
    assert done.exit_code == 0, done.stderr
    return result, done.stdout


def test_run_prints_n_m_extras_and_the_deal_that_did_not_close(base: tuple[cc.Result, str]) -> None:
    result, out = base
    holder = result.outcome("amd-warrant", "frontier", "moic")[0]
    assert holder > TOKEN_MULTIPLE  # the cent strike: a meaningless multiple in the JSON
    row = line_of(out, "(deployment_warrant)", "frontier")
    assert f" {NOT_MEANINGFUL} " in row and f"{holder:.2f}x" not in row
    # the lessee (pays only), the holder (token outlay) and the borrower (financed side)
    lines = [ln for ln in out.splitlines() if ln.startswith("│")]
    assert sum(f" {NOT_MEANINGFUL} " in ln for ln in lines) == 3
    note = flat(out)
    assert ("pays, gets nothing back (its NPV is the cost; IRR n/m too, the JSON keeps -100%): "
            "grid-spv frontier") in note
    assert "financed side (its multiple is the price of its financing): nv-credit frontier" in note
    assert f"put in under 1% of what it got back: amd-warrant frontier ({holder:.2f}x)" in note
    cost = result.outcome("amd-warrant", "amd", "dilution_cost")[0]
    value = result.outcome("amd-warrant", "frontier", "warrant_value")[0]
    assert cost > 0 and value > 0
    assert (f"amd-warrant: amd dilution_cost {cost:.2f}, vested_shares 40.0m; frontier "
            f"warrant_value {value:.2f}, vested_shares 40.0m") in note
    # 0.49 is below the base case's median draw: the credit never closes, and the table says so
    assert closed_shares(result) == {"nv-credit": 0.0}
    assert f"Did not close in the base case (no party pays or receives in it, so its figures " \
           f"are 0, or {DASH}): nv-credit" in note


def test_run_over_paths_says_on_what_share_of_them_a_deal_closed(scenario_file: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(str(scenario_file), paths=200, seed=1)
    moved = np.zeros(200, dtype=bool)
    for party in ("nvidia", "frontier"):
        for metric in ("cash_in", "cash_out"):
            moved |= result.outcome("nv-credit", party, metric) > 0
    assert 0.35 < moved.mean() < 0.63  # about its close probability, 0.49
    done = runner.invoke(cli.app, ["run", str(scenario_file), "--paths", "200", "--seed", "1",
                                   "--no-store"])
    assert done.exit_code == 0, done.stderr
    note = flat(done.stdout)
    assert "Closed on only some paths (where a party pays or receives in it; on the others its " \
           "figures count as 0, and IRR and MOIC have none: so the row's NPV and deal loss are " \
           "over all paths, its starred IRR and MOIC over those where it closed, and the odds " \
           "given it closed are these):" in note
    assert f"nv-credit: closed on {moved.mean() * 100:.1f}% of the paths" in note
    assert "grid-spv: closed" not in note and "amd-warrant: closed" not in note
    # it converts on under half the paths: a median stake of 0, and its mean beside it
    stake = result.outcome("nv-credit", "nvidia", "conversion_stake").astype(np.float64)
    assert 0.0 < np.mean(stake > 0) < 0.5 and np.median(stake) == 0.0
    assert f"nv-credit: nvidia conversion_stake 0.0% (mean {stake.mean() * 100:.1f}%)" in note


def test_extras_shown_keeps_those_whose_mean_is_not_0_and_gives_the_mean_over_paths() -> None:
    stats = {"conversion_stake": {"mean": 0.0086, "p50": 0.0}, "dilution_cost": {"mean": 0.0, "p50": 0.0},
             "vested_shares": {"mean": None, "p50": None}, "warrant_value": {"mean": 2.5, "p50": 2.0}}
    formats = {"money": lambda v: f"${v}", "fraction": lambda v: f"{v}%", "shares": lambda v: f"{v}m"}
    # EXTRAS order; dilution_cost (mean 0: 0 on every path) is left out; no value is kept
    assert extras_shown(stats, formats, over_paths=True) == [
        ("warrant_value", "$2.0", "$2.5"), ("vested_shares", "Nonem", "Nonem"),
        ("conversion_stake", "0.0%", "0.0086%")]
    assert extras_shown(stats, formats, over_paths=False) == [
        ("warrant_value", "$2.0", None), ("vested_shares", "Nonem", None),
        ("conversion_stake", "0.0%", None)]
    assert extras_shown({}, formats, over_paths=True) == []


def test_a_conversion_shows_the_borrowers_dilution_beside_its_n_m(tmp_path: Path) -> None:
    path = tmp_path / "converts.yaml"
    path.write_text(SCENARIO.replace("close_probability: 0.49", "close_probability: 1"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(str(path), deterministic=True)
    cost = result.outcome("nv-credit", "frontier", "dilution_cost")[0]
    stake = result.outcome("nv-credit", "frontier", "conversion_stake")[0]
    assert cost > 1.0 and 0 < stake < 1  # it repaid the credit in shares
    done = runner.invoke(cli.app, ["run", str(path), "--deterministic", "--no-store"])
    assert done.exit_code == 0, done.stderr
    out = done.stdout
    assert f" {NOT_MEANINGFUL} " in line_of(out, "(vendor_credit)", "frontier")
    note = flat(out)
    tied = result.outcome("nv-credit", "nvidia", "tied_gross_profit")[0]  # the vendor's
    assert tied > 0  # gross profit on the chips the credit paid for, beside its cash metrics
    assert (f"nv-credit: nvidia conversion_stake {stake * 100:.1f}%, tied_gross_profit "
            f"{tied:.2f}; frontier dilution_cost {cost:.2f}, conversion_stake "
            f"{stake * 100:.1f}%") in note
    assert "Did not close" not in note
