"""`solve` on a number the engine counts in whole quarters: an equation on a term is answered
with the quarter count whose metric is closest to the target (with the metric at the two
quarter counts it steps between), and the hardware's useful life is such a number."""

from __future__ import annotations

import pytest

import chipcredit as cc
from chipcredit.experiments.solve_terms import quarter_term

from ._world import LENDER_CASH_IN, world

LIFE = "market.hardware.useful_life_years"
NVIDIA_REVENUE = "parties.nvidia.revenue_total.mean"


@pytest.fixture(scope="module")
def seed() -> cc.Scenario:
    return cc.load_scenario("seed-2025")


@pytest.mark.parametrize(("goal", "quarters", "years", "note_end"), [
    # the lender's cash in is 10 + 0.25 q over q quarters: 12.5 at 10, 12.75 at 11
    (12.6, 10, 2.5, "10 quarters (metric 12.5); 11 quarters (metric 12.75) is no closer"),
    (12.7, 11, 2.75, "11 quarters (metric 12.75); 10 quarters (metric 12.5) is no closer"),
])
def test_an_equation_on_a_term_is_answered_by_the_closest_quarter_count(
        goal: float, quarters: int, years: float, note_end: str) -> None:
    # before: "... = 12.6 at deals.loan.term_years = 2.632, between 10 and 11 quarters; ..."
    res = cc.solve(world(), "deals.loan.term_years", f"{LENDER_CASH_IN} = {goal}", paths=4,
                   bracket=(1.0, 3.0))
    shown = f"{quarters} quarters ({years:g} years)"
    assert res.status == "found" and res.root == years and res.shown == shown
    assert res.message == (
        f"{LENDER_CASH_IN} = {goal:g} at deals.loan.term_years = {shown}, the whole quarter "
        f"count whose metric is closest to {goal:g}: it steps from 12.5 at 10 quarters to "
        f"12.75 at 11 quarters; {len(res.probes)} probes, 4 paths, seed 0")
    assert res.notes[-1].endswith(
        f"the whole quarter count whose metric is closest to it, {note_end}, and no term "
        "between them gives another value")
    assert res.to_dict()["root"] == years and res.to_dict()["root_shown"] == shown


def test_an_equation_on_a_term_halfway_between_gives_the_shorter() -> None:
    res = cc.solve(world(), "deals.loan.term_years", f"{LENDER_CASH_IN} = 12.625", paths=4,
                   bracket=(1.0, 3.0))
    assert res.root == 2.5 and res.message.endswith(
        "it steps from 12.5 at 10 quarters to 12.75 at 11 quarters (both as close: the "
        f"shorter term is given); {len(res.probes)} probes, 4 paths, seed 0")


def test_the_useful_life_is_counted_in_whole_quarters(seed: cc.Scenario) -> None:
    # the engine lays out each path's life as whole_quarters(years): 4.125 and 4.2 years are
    # both 17 quarters, so the metric is the same there, and 4.1 years (16 quarters) differs
    assert quarter_term(seed, LIFE)
    assert not quarter_term(seed, "market.hardware.fire_sale_haircut")
    at = {x: cc.simulate(cc.set_number(seed, LIFE, x), deterministic=True)
          .to_dict()["parties"]["nvidia"]["revenue_total"]["mean"] for x in (4.1, 4.125, 4.2)}
    assert at[4.125] == at[4.2] != at[4.1]


def test_a_break_even_on_the_useful_life_is_a_whole_quarter_count(seed: cc.Scenario) -> None:
    # before: "holds for market.hardware.useful_life_years <= 4.87458" after 15 probes (the
    # deterministic base case), a fraction of the 19th quarter
    res = cc.solve(seed, LIFE, f"{NVIDIA_REVENUE} >= 5000", deterministic=True)
    assert res.root == 4.75 and res.shown == "19 quarters (4.75 years)"
    assert res.holds == f"{LIFE} <= 19 quarters (4.75 years)"
    assert ", between 19 and 20 quarters; " in res.message
    eq = cc.solve(seed, LIFE, f"{NVIDIA_REVENUE} = 5000", deterministic=True)
    # the metric at 19 and 20 quarters (5036.49 and 4903.78 on 1 Dec), from the probes the
    # engine lays out in whole quarters
    at = {round(4 * v) / 4: m for v, m in eq.probes}
    assert at[4.75] > 5000 > at[5.0]
    assert eq.root == 4.75 and eq.message.startswith(
        f"{NVIDIA_REVENUE} = 5000 at {LIFE} = 19 quarters (4.75 years), the whole quarter "
        f"count whose metric is closest to 5000: it steps from {at[4.75]:.2f} at 19 quarters "
        f"to {at[5.0]:.2f} at 20 quarters; ")


def test_an_equation_met_only_at_a_bracket_end_names_its_quarter_count() -> None:
    # 12.5 is the metric at 10 quarters, the high end 2.6 years; the low end's is 11: before,
    # "... only at the bracket's high end, deals.loan.term_years = 2.6, where it is exactly 12.5"
    res = cc.solve(world(), "deals.loan.term_years", f"{LENDER_CASH_IN} = 12.5", paths=4,
                   bracket=(1.0, 2.6))
    assert res.touches and res.root == 2.5
    assert res.message == (
        f"{LENDER_CASH_IN} meets 12.5 only at the bracket's high end, deals.loan.term_years = "
        "10 quarters (2.5 years), where it is exactly 12.5, and at no other probe (11): it "
        "touches the target without crossing it, so deals.loan.term_years = 10 quarters "
        "(2.5 years) is no break-even; 2 probes, 4 paths, seed 0")
