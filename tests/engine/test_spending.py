"""A lab's spending response (`compute.spending`, `chipcredit.engine.spending`).

Short of runway (``(cash + undrawn facility headroom) / trailing burn`` under
``runway_quarters``), a lab cuts ``max_cut * (1 - runway / runway_quarters)`` of the
capacity it wants and of the money it may spend on it, beyond what serves its revenue or
what it is committed to buy. Every number below is worked by hand.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine.test_funding import base_case_sim
from tests.engine.test_ledger_properties import _check, scenarios

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim
from chipcredit.engine.spending import runway_cut
from chipcredit.errors import ScenarioError

RULE = {"runway_quarters": 4, "max_cut": 0.6}


def _cut(cash: float, burn: list[float], undrawn: float = 0.0, runway: float = 4.0,
         max_cut: float = 0.6) -> float:
    one = np.ones(1)
    got = runway_cut(np.array([cash]), np.array([undrawn]), np.array(burn)[:, None],
                     runway * one, max_cut * one)
    assert got.shape == (1,)
    return float(got[0])


def test_the_cut_is_max_cut_times_the_missing_share_of_the_runway() -> None:
    # burn (0.5 + 1 + 1 + 1.5) / 4 = $1B a quarter; $2B of cash: 2 quarters of a 4-quarter
    # runway, so 0.6 x (1 - 2 / 4) = 30%
    assert _cut(2.0, [0.5, 1.0, 1.0, 1.5]) == pytest.approx(0.3, abs=1e-15)
    # $1B of cash and $1B of undrawn facility: the same 2 quarters
    assert _cut(1.0, [0.5, 1.0, 1.0, 1.5], undrawn=1.0) == pytest.approx(0.3, abs=1e-15)
    # 3 quarters: 0.6 x 1 / 4 = 15%; at or beyond 4 quarters nothing; at none 60%
    assert _cut(3.0, [1.0] * 4) == pytest.approx(0.15, abs=1e-15)
    assert _cut(4.0, [1.0] * 4) == 0.0
    assert _cut(40.0, [1.0] * 4) == 0.0
    assert _cut(0.0, [1.0] * 4) == pytest.approx(0.6, abs=1e-15)
    assert _cut(-5.0, [1.0] * 4) == pytest.approx(0.6, abs=1e-15)  # negative cash counts as 0
    # no burn (the first quarter, or a lab that earns more than it spends): no cut
    assert _cut(0.0, [0.0] * 4) == 0.0
    assert _cut(1.0, [-2.0, 1.0, 0.0, 0.5]) == 0.0


def _world(rule: dict[str, Any] | None, *, cash: float = 100.0, horizon: int = 3) -> dict[str, Any]:
    """A lab with no revenue (so no rounds and no inference need) whose training need is
    1.0 and grows 50% a quarter ((1 + 4.0625) ** (1 / 4) = 1.5), buying at $40B per unit
    ($30B of it the vendor's), with nothing due and no power cost."""
    growth = {"from": 4.0625, "to": 4.0625, "half_life_years": 1.0}
    lab: dict[str, Any] = {
        "id": "lab", "kind": "lab",
        "revenue": {"run_rate": 0.0, "growth": {"from": 0.0, "to": 0.0, "half_life_years": 1.0}},
        "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                    "training_growth": growth},
        "cash": cash, "procurement": {"nvidia": 1.0},
        "funding": {"valuation_multiple": 20, "success": {"base": 3.0}}}
    if rule is not None:
        lab["compute"]["spending"] = rule
    return {
        "name": "spending", "start": "2025Q4", "horizon_quarters": horizon,
        "market": {"ai_demand": {"volatility": 0.3,
                                 "winter": {"enter_per_year": 0.1, "exit_per_year": 0.5}},
                   "hardware": {"all_in_cost_per_unit": 40,
                                "residual_value_by_age": [1.0, 0.8, 0.6, 0.4],
                                "fire_sale_haircut": 0.3}},
        "parties": [{"id": "nvidia", "kind": "vendor", "content_per_unit": 30, "gross_margin": 0.7},
                    lab],
    }


def _bought(rule: dict[str, Any] | None, *deals: dict[str, Any]) -> tuple[list[float], list[float]]:
    """(units bought, cash after) in each quarter of the base case."""
    data = _world(rule)
    if deals:
        data["parties"].append({"id": "bank", "kind": "lender"})
        data["deals"] = list(deals)
    sim = Sim(cc.load_scenario(data), ChunkDraws(0, 1, 0, 1, True))
    lab, bought, cash = sim.labs[0], [], []
    for q in range(sim.n_quarters):
        sim.step(q)
        bought.append(float(sum(lab.bought.values())[0]))
        cash.append(float(lab.cash[0]))
    return bought, cash


def test_golden_quarters_of_a_lab_that_cuts() -> None:
    # q0: need 1.5, nothing installed, no burn yet: no cut. It buys 1.5 for $60B; cash 40.
    #     The funding phase notes a burn of 100 - 40 = 60 (mean 15 over four quarters).
    # q1: need 2.25, shortfall 0.75; runway 40 / 15 = 8 / 3 quarters, so the cut is
    #     0.6 x (1 - 2 / 3) = 0.2: it wants 0.75 x 0.8 = 0.6 and may spend 40 x 0.8 = 32:
    #     the want binds; it buys 0.6 for $24B, cash 16. Burn (60 + 24) / 4 = 21.
    # q2: need 3.375, installed 2.1, shortfall 1.275; runway 16 / 21, so the cut is
    #     0.6 x (1 - 4 / 21) = 17 / 35: it wants 1.275 x 18 / 35 = 0.6557 and may spend
    #     16 x 18 / 35 = 288 / 35 = $8.2286B: the money binds; it buys 7.2 / 35 = 0.205714
    #     and keeps 16 x 17 / 35 = 272 / 35 = $7.7714B.
    bought, cash = _bought(RULE)
    assert bought == pytest.approx([1.5, 0.6, 7.2 / 35], rel=1e-13)
    assert cash == pytest.approx([40.0, 16.0, 272 / 35], rel=1e-13)
    # without the rule: q1 buys the 0.75 ($30B, cash 10), q2 what $10B buys (0.25), cash 0
    bought, cash = _bought(None)
    assert bought == pytest.approx([1.5, 0.75, 0.25], rel=1e-13)
    assert cash == pytest.approx([40.0, 10.0, 0.0], abs=1e-12)


def test_undrawn_facility_headroom_counts_as_runway() -> None:
    # a $20B facility that draws what the lab cannot pay (never drawn here: it owes nothing)
    # q1: runway (40 + 20) / 15 = 4 quarters: no cut; it buys the 0.75 for $30B, cash 10.
    #     Burn (60 + 30) / 4 = 22.5.
    # q2: shortfall 3.375 - 2.25 = 1.125; runway (10 + 20) / 22.5 = 4 / 3, so the cut is
    #     0.6 x (1 - 1 / 3) = 0.4: it wants 0.675 and may spend 10 x 0.6 = $6B: it buys
    #     6 / 40 = 0.15 and keeps $4B
    facility = {"id": "line", "kind": "credit_facility", "lender": "bank", "borrower": "lab",
                "commitment": 20.0, "rate": 0.08, "term_years": 5}
    bought, cash = _bought(RULE, facility)
    assert bought == pytest.approx([1.5, 0.75, 0.15], rel=1e-13)
    assert cash == pytest.approx([40.0, 10.0, 4.0], rel=1e-13)
    # a facility that draws only for purchases is no liquidity: the runway is the cash's
    # alone, as in the golden quarters above (it draws 0 here: it has no vendor share)
    purchases_only = dict(facility, drawing={"shortfall": False})
    assert _bought(RULE, purchases_only)[0] == pytest.approx([1.5, 0.6, 7.2 / 35], rel=1e-13)


def test_a_long_runway_cuts_nothing_on_any_path() -> None:
    # $1,000B of cash against at most a few $B of burn a quarter: the rule never bites, and
    # every number is the one of the lab without it
    data = _world(None, cash=1000.0, horizon=8)
    data["parties"][1]["revenue"] = {"run_rate": 1.0, "volatility": 0.5,
                                     "growth": {"from": 0.5, "to": 0.1, "half_life_years": 1.0}}
    data["parties"][1]["compute"]["training_growth"] = {"from": 1.0, "to": 0.3,
                                                        "half_life_years": 1.0}
    free = cc.simulate(cc.load_scenario(data), paths=50, seed=3)
    data["parties"][1]["compute"]["spending"] = {"runway_quarters": 2, "max_cut": 0.9}
    ruled = cc.simulate(cc.load_scenario(data), paths=50, seed=3)
    assert ruled.to_json().replace(ruled.scenario_sha256, "") == \
        free.to_json().replace(free.scenario_sha256, "")


def _burner(rule: dict[str, Any] | None) -> cc.Scenario:
    """A lab that lives on rounds: $1B a year of volatile revenue, $1B a year of fixed
    costs, training compute that triples in the first year, rounds that succeed about half
    the time at zero momentum and sentiment, each selling at most 10% of the company."""
    data = _world(rule, cash=5.0, horizon=16)
    lab = data["parties"][1]
    lab["revenue"] = {"run_rate": 1.0, "volatility": 0.5, "beta": 1.0,
                      "growth": {"from": 1.0, "to": 0.2, "half_life_years": 1.0}}
    lab["costs"] = {"fixed_per_year": 1.0}
    lab["compute"].update({"installed": 0.05, "per_revenue": 0.02, "training": 0.1,
                           "training_growth": {"from": 2.0, "to": 0.3, "half_life_years": 1.5}})
    lab["funding"] = {"valuation_multiple": 20, "max_dilution": 0.1,
                      "success": {"base": 0.0, "momentum": 1.0, "sentiment": 1.0, "winter": -2.5}}
    return cc.load_scenario(data)


def test_a_lab_with_the_rule_defaults_less_often() -> None:
    # the same seed gives both the same shocks and funding draws (common random numbers)
    free = cc.simulate(_burner(None), paths=400, seed=7).default_probability("lab")
    ruled = cc.simulate(_burner(RULE), paths=400, seed=7).default_probability("lab")
    assert 0.1 < free < 0.9  # a lab at real risk, so the comparison means something
    assert ruled < free - 0.08, (free, ruled)  # 27.0% -> 12.75% at this seed


def test_the_rule_is_sampled_per_path_and_takes_its_median_in_the_base_case() -> None:
    rule = {"runway_quarters": {"dist": "uniform", "low": 2, "high": 6},
            "max_cut": {"dist": "uniform", "low": 0.3, "high": 0.9}}
    sc = cc.load_scenario(_world(rule))
    spending = Sim(sc, ChunkDraws(2, 200, 0, 1, False)).labs[0].spending
    assert spending is not None
    assert spending.runway_quarters.min() >= 2 and spending.runway_quarters.max() <= 6
    assert np.unique(spending.max_cut).size == 200
    base = base_case_sim(sc).labs[0].spending
    assert base is not None
    assert (float(base.runway_quarters[0]), float(base.max_cut[0])) == pytest.approx((4.0, 0.6))


@pytest.mark.parametrize(("bad", "message"), [
    ({"runway_quarters": -2, "max_cut": 0.6},
     "compute.spending.runway_quarters must be above 0; got -2"),
    ({"runway_quarters": 4, "max_cut": 60},
     "compute.spending.max_cut must be between 0 and 1; got 60 (did you mean 0.6?)"),
    ({"runway_quarter": 4, "max_cut": 0.6},
     "compute.spending.runway_quarter is not a known field (did you mean runway_quarters?)"),
])
def test_bad_rules_are_refused_with_the_field_and_a_hint(tmp_path: Path, bad: dict[str, Any],
                                                         message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(_world(bad), sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        cc.load_scenario(path)
    text = str(err.value)
    assert text.startswith(str(path) + ":") and "\n" not in text
    assert text.endswith("parties[1]." + message), text


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios(), runway=st.floats(0.5, 12.0), max_cut=st.floats(0.0, 1.0),
       seed=st.integers(0, 2**31))
def test_the_ledger_invariants_hold_with_the_rule_on(data: dict[str, Any], runway: float,
                                                     max_cut: float, seed: int) -> None:
    for party in data["parties"]:
        if party["kind"] == "lab":
            party["compute"]["spending"] = {"runway_quarters": runway, "max_cut": max_cut}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(data), paths=48, seed=seed)
    _check(res)
