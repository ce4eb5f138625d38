"""A new scenario writer's mistakes, each caught with its exact words.

The world is an analyst's first scenario (Google sells TPUs to Anthropic under a take-or-pay;
Anthropic also rents from a bank-financed cloud), each case breaking it in one place:

- an amount typed in $M or a capacity in MW (1,000 times too big) is named in the run's note
  with its field path by id and the value it would be in $B or GW
  (`chipcredit.scenario.magnitudes`);
- a lab bound by a purchase commitment with no cap on the equity it sells is named in the
  note (`chipcredit.scenario.equity_caps`);
- a repayment schedule the model lacks (straight-line) is said to be missing, not swapped;
- finance words for fields (``principal``, ``interest_rate``) get the field;
- a quarter outside the horizon gets the horizon's range, a contract started before the
  scenario the ``opening`` hint, a duplicate deal id the first one's place;
- a month or a half written for a quarter gets the quarter.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.equity_caps import cap_note
from chipcredit.scenario.magnitudes import magnitude_note, magnitudes
from chipcredit.scenario.registry import bundled_names

TPU = """\
name: google-anthropic-tpu
description: Google sells TPUs to Anthropic under a take-or-pay; a bank-financed cloud rents to it.
start: 2026Q1
horizon_quarters: 24
market:
  ai_demand:
    volatility: 0.25
    winter: {enter_per_year: 0.08, exit_per_year: 0.5}
  hardware:
    all_in_cost_per_unit: {value: 45, source: "assumed", basis: assumed}
    residual_value_by_age: [1.0, 0.7, 0.5, 0.35, 0.25]
    fire_sale_haircut: {dist: uniform, low: 0.2, high: 0.4}
parties:
  - id: google
    kind: vendor
    content_per_unit: 25
    gross_margin: 0.6
  - id: nvidia
    kind: vendor
    content_per_unit: 35
    gross_margin: 0.75
  - id: anthropic
    kind: lab
    revenue: {run_rate: 9, growth: {from: 1.5, to: 0.25, half_life_years: 1.5}, volatility: 0.35}
    costs: {fixed_per_year: 4, revenue_share: 0.15}
    compute: {installed: 1.0, per_revenue: 0.06, training: 0.46,
              training_growth: {from: 1.0, to: 0.3, half_life_years: 2}}
    cash: 25
    procurement: {google: 0.7, nvidia: 0.3}
    renting: {neocloud: 0.3}
    funding:
      valuation_multiple: {p05: 15, p95: 40}
      success: {base: 1.5, momentum: 1.0, sentiment: 1.0, winter: -2.0}
  - id: neocloud
    kind: cloud
    cash: 2
    installed: 0.5
    procurement: {nvidia: 1.0}
    debt:
      - {lender: bank, rate: 0.09, term_years: 5, share: 0.7, opening: 10}
    contracts:
      - {tenant: anthropic, capacity: 0.5, price_per_unit_year: 12, term_years: 4, ramp_quarters: 4}
    spot: {price_per_unit_year: 14}
  - id: bank
    kind: lender
    discount_rate: 0.08
deals:
  - id: tpu-commit
    kind: purchase_commitment
    lab: anthropic
    vendor: google
    schedule:
      - {quarter: 2026Q3, capacity: 0.25}
      - {quarter: 2026Q4, capacity: 0.25}
      - {quarter: 2027Q1, capacity: 0.25}
      - {quarter: 2027Q2, capacity: 0.25}
    shortfall_fee: 0.2
  - id: cloud-loan
    kind: loan
    lender: bank
    borrower: neocloud
    amount: 5
    rate: 0.1
    amortisation: amortising
    term_years: 5
    secured: true
"""
CAPPED = TPU.replace("      success: {base: 1.5, momentum: 1.0, sentiment: 1.0, winter: -2.0}\n",
                     "      success: {base: 1.5, momentum: 1.0, sentiment: 1.0, winter: -2.0}\n"
                     "      max_dilution_per_year: 0.3\n")
CAP_NOTE = ("parties.anthropic.funding has neither max_dilution nor max_dilution_per_year: each "
            "round raises all it asks, however much of the lab it sells, so tpu-commit barely "
            "moves its default; cap it with funding.max_dilution_per_year (seed-2025's labs: "
            "0.12-0.3).")


def _load(text: str, old: str = "", new: str = "") -> cc.Scenario:
    assert text.count(old) == 1 or not old, "the case must change the world in one place"
    return cc.parse_scenario_text(text.replace(old, new, 1), "tpu.yaml")


def _error(old: str, new: str) -> str:
    assert CAPPED.count(old) == 1, "the case must change the world in one place"
    with pytest.raises(cc.ScenarioError) as caught:
        cc.parse_scenario_text(CAPPED.replace(old, new, 1), "tpu.yaml")
    return str(caught.value)


# --- amounts in $M and capacities in MW -------------------------------------------------

RUN_RATE = ("tpu.yaml:24:25: parties.anthropic.revenue.run_rate is over $1,000B a year, more "
            "than any lab's revenue (OpenAI's run-rate was $20B+ in 2025, about $200B projected "
            "for 2030), which looks like $M typed as $B (the run takes $B); got 9000 (did you "
            "mean 9, if you typed $M?).")
# "    compute: {installed: " is 25 characters: the value starts in column 26
INSTALLED = ("tpu.yaml:26:26: parties.anthropic.compute.installed is over 100 GW, more than all "
             "the world's AI data centres by 2030 (50-80 GW), which looks like MW typed as GW "
             "(the run takes GW); got 1000 (did you mean 1, if you typed MW?).")
# "      - {quarter: 2026Q3, capacity: " is 36 characters
COMMITTED = ("tpu.yaml:54:37: deals.tpu-commit.schedule[0].capacity is over 100 GW, more than "
             "all the world's AI data centres by 2030 (50-80 GW), which looks like MW typed as "
             "GW (the run takes GW); got 250 (did you mean 0.25, if you typed MW?).")
LOAN = ("tpu.yaml:63:13: deals.cloud-loan.amount is over $1,000B, more than three times the "
        "largest AI deal (Oracle-OpenAI, $300B), which looks like $M typed as $B (the run takes "
        "$B); got 5000 (did you mean 5, if you typed $M?).")


@pytest.mark.parametrize(("old", "new", "note"), [
    ("{run_rate: 9,", "{run_rate: 9000,", RUN_RATE),
    ("{installed: 1.0,", "{installed: 1000,", INSTALLED),
    ("- {quarter: 2026Q3, capacity: 0.25}", "- {quarter: 2026Q3, capacity: 250}", COMMITTED),
    ("    amount: 5\n", "    amount: 5000\n", LOAN),
])
def test_a_value_typed_in_millions_is_named_with_its_place_path_and_the_value_meant(
        old: str, new: str, note: str) -> None:
    sc = _load(CAPPED, old, new)
    assert magnitude_note(sc) == note
    assert sc.horizon_note() == note  # the whole note: nothing else is wrong


@pytest.mark.parametrize(("old", "new", "flagged"), [
    ("{run_rate: 9,", "{run_rate: 1000,", False),          # at the bound: not over it
    ("{run_rate: 9,", "{run_rate: 1000.5,", True),
    ("{run_rate: 9,", "{run_rate: {p05: 500, p95: 1200},", True),  # at its p95
    ("    cash: 25\n", "    cash: 1001\n", True),
    ("{installed: 1.0,", "{installed: 100,", False),
    ("training: 0.46,", "training: 150,", True),
    ("capacity: 0.5, price", "capacity: 101, price", True),  # a cloud contract
])
def test_the_bounds_are_1000_dollars_b_and_100_gw(old: str, new: str, flagged: bool) -> None:
    assert bool(magnitudes(_load(CAPPED, old, new))) is flagged


def test_capacity_in_another_unit_is_not_checked() -> None:
    # a telecom replay counts $B of equipment: 1000 of it is no typing slip that GW would show
    sc = _load(CAPPED.replace("horizon_quarters: 24\n",
                              "horizon_quarters: 24\ncapacity_unit: $B of equipment\n"),
               "{installed: 1.0,", "{installed: 1000,")
    assert magnitudes(sc) == ()
    money = _load(CAPPED.replace("horizon_quarters: 24\n",
                                 "horizon_quarters: 24\ncapacity_unit: $B of equipment\n"),
                  "{run_rate: 9,", "{run_rate: 9000,")
    assert [m.path for m in magnitudes(money)] == ["parties.anthropic.revenue.run_rate"]


def test_validate_prints_it_and_run_issues_it_as_a_note(tmp_path: Path) -> None:
    path = tmp_path / "tpu.yaml"
    path.write_text(CAPPED.replace("{run_rate: 9,", "{run_rate: 9000,"), encoding="utf-8")
    note = RUN_RATE.replace("tpu.yaml", str(path))
    done = CliRunner().invoke(cli.app, ["validate", str(path)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == f"ok: {path}\n" and done.stderr == f"note: {note}\n"
    with pytest.warns(cc.ChipcreditNote) as record:
        cc.simulate(path, deterministic=True)
    assert [str(w.message) for w in record if w.category is cc.ChipcreditNote] == [note]


# --- a lab that may sell shares without limit ------------------------------------------------


def test_an_uncapped_lab_bound_by_a_commitment_is_named_once() -> None:
    sc = _load(TPU)
    assert cap_note(sc) == CAP_NOTE and sc.horizon_note() == CAP_NOTE
    # either cap silences it
    assert cap_note(_load(CAPPED)) is None
    assert cap_note(_load(TPU.replace("winter: -2.0}\n", "winter: -2.0}\n"
                                      "      max_dilution: 0.2\n"))) is None
    # with no purchase commitment a round's size follows its burn alone: no note
    no_commitment = TPU[:TPU.index("  - id: tpu-commit")] + TPU[TPU.index("  - id: cloud-loan"):]
    assert cap_note(_load(no_commitment)) is None


def test_no_bundled_scenario_gets_either_note() -> None:
    names = bundled_names()
    assert {"seed-2025", "seed-2025-sell-only", "telecom-2000"} <= set(names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        for name in names:
            sc = cc.load_scenario(name)
            assert magnitudes(sc) == () and cap_note(sc) is None, name


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("amortisation: amortising", "amortisation: straight_line",
     "tpu.yaml:65:19: deals[1].amortisation must be one of bullet, amortising (straight-line "
     "repayment, equal principal each quarter, is not supported: amortising is a level "
     "(annuity) payment of interest and principal together, bullet is interest only with the "
     "principal at maturity); got 'straight_line'"),
    ("amortisation: amortising", "amortisation: linear",
     "tpu.yaml:65:19: deals[1].amortisation must be one of bullet, amortising (straight-line "
     "repayment, equal principal each quarter, is not supported: amortising is a level "
     "(annuity) payment of interest and principal together, bullet is interest only with the "
     "principal at maturity); got 'linear'"),
    ("amortisation: amortising", "amortisation: interest_only",
     "tpu.yaml:65:19: deals[1].amortisation must be one of bullet, amortising; got "
     "'interest_only' (did you mean bullet?)"),
    ("amortisation: amortising", "amortisation: level",
     "tpu.yaml:65:19: deals[1].amortisation must be one of bullet, amortising; got 'level' "
     "(did you mean amortising?)"),
])
def test_a_schedule_the_model_lacks_is_not_swapped_for_another(old: str, new: str,
                                                                expected: str) -> None:
    assert _error(old, new) == expected


@pytest.mark.parametrize(("old", "new", "expected"), [
    # one line: "amount is required" follows from the word and is not said as well
    ("    amount: 5\n", "    principal: 5\n",
     "tpu.yaml:63:5: deals[1].principal is not a known field (did you mean amount?)"),
    ("    rate: 0.1\n", "    interest_rate: 0.1\n",
     "tpu.yaml:64:5: deals[1].interest_rate is not a known field (did you mean rate?)"),
    ("    rate: 0.1\n", "    coupon: 0.1\n",
     "tpu.yaml:64:5: deals[1].coupon is not a known field (did you mean rate?)"),
    ("    term_years: 5\n    secured", "    tenor: 5\n    secured",
     "tpu.yaml:66:5: deals[1].tenor is not a known field (did you mean term_years?)"),
    ("    shortfall_fee: 0.2\n", "    penalty: 0.2\n",
     "tpu.yaml:58:5: deals[0].penalty is not a known field (did you mean shortfall_fee?)"),
])
def test_a_finance_word_for_a_field_names_the_field(old: str, new: str, expected: str) -> None:
    assert _error(old, new) == expected


def test_a_quarter_outside_the_horizon_gives_the_horizons_range() -> None:
    assert _error("{quarter: 2027Q2, capacity: 0.25}", "{quarter: 2032Q2, capacity: 0.25}") == (
        "tpu.yaml:57:19: deals[0].schedule[3].quarter must fall within the horizon, 2026Q1 to "
        "2031Q4; got '2032Q2'")


def test_a_contract_started_before_the_scenario_is_pointed_to_opening() -> None:
    # "      - {tenant: anthropic, ..., ramp_quarters: 4, start: " is 108 characters
    assert _error("ramp_quarters: 4}", "ramp_quarters: 4, start: 2025Q3}") == (
        "tpu.yaml:43:109: parties[3].contracts[0].start must fall within the horizon, 2026Q1 to "
        "2031Q4 (for a contract already running at the start, leave start out and write "
        "opening: true); got '2025Q3'")
    # after the horizon, opening is no answer: the range alone
    assert _error("ramp_quarters: 4}", "ramp_quarters: 4, start: 2032Q1}") == (
        "tpu.yaml:43:109: parties[3].contracts[0].start must fall within the horizon, 2026Q1 to "
        "2031Q4; got '2032Q1'")


def test_a_duplicate_deal_id_says_where_the_first_one_is() -> None:
    assert _error("  - id: cloud-loan", "  - id: tpu-commit") == (
        "tpu.yaml:59:9: deals[1].id duplicates an earlier deal id, deals[0] on line 49; got "
        "'tpu-commit'")


@pytest.mark.parametrize(("written", "meant", "half"), [
    ("Mar 2026", "2026Q1", ""), ("March 2026", "2026Q1", ""), ("Sept 2026", "2026Q3", ""),
    ("Oct-26", "2026Q4", ""), ("2026 Jul", "2026Q3", ""), ("2026/03", "2026Q1", ""),
    ("2026/11", "2026Q4", ""), ("04/2026", "2026Q2", ""), ("2026-07-01", "2026Q3", ""),
    ("1Q26", "2026Q1", ""), ("Q1-2026", "2026Q1", ""),
    ("2026H1", "2026Q1", " (H1 2026 is two quarters, 2026Q1 and 2026Q2: the first is suggested)"),
    ("H2 2026", "2026Q3", " (H2 2026 is two quarters, 2026Q3 and 2026Q4: the first is suggested)"),
    ("2H26", "2026Q3", " (H2 2026 is two quarters, 2026Q3 and 2026Q4: the first is suggested)"),
])
def test_a_month_or_a_half_gets_the_quarter(written: str, meant: str, half: str) -> None:
    assert _error("start: 2026Q1", f"start: {written}") == (
        f"tpu.yaml:3:8: start must be a quarter written like 2025Q4{half}; got '{written}' "
        f"(did you mean {meant}?)")


@pytest.mark.parametrize("written", ["Foo 2026", "2026-13", "2026H3", "Ma 2026"])
def test_words_that_are_no_month_get_no_quarter(written: str) -> None:
    assert _error("start: 2026Q1", f"start: {written}") == (
        f"tpu.yaml:3:8: start must be a quarter written like 2025Q4; got '{written}'")


def test_a_finance_word_wins_over_a_near_spelling() -> None:
    # in a vendor credit, spelling alone would take "tenor" for its "vendor"
    credit = CAPPED.replace("  - id: cloud-loan\n", "  - id: tpu-credit\n    kind: vendor_credit\n"
                            "    vendor: google\n    borrower: anthropic\n    amount: 1\n"
                            "    rate: 0.08\n    tenor: 3\n    repayment: [{kind: cash}]\n"
                            "  - id: cloud-loan\n")
    with pytest.raises(cc.ScenarioError) as caught:
        cc.parse_scenario_text(credit, "tpu.yaml")
    assert str(caught.value) == (
        "tpu.yaml:65:5: deals[1].tenor is not a known field (did you mean term_years?)")
