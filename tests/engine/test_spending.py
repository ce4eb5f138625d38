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


def _quarters(rule: dict[str, Any] | None, *deals: dict[str, Any], cash: float = 100.0
              ) -> tuple[Sim, list[float], list[float]]:
    """The base case run: the `Sim`, and the units bought and the cash after, each quarter."""
    data = _world(rule, cash=cash)
    if deals:
        data["parties"].append({"id": "bank", "kind": "lender"})
        data["deals"] = list(deals)
    sim = Sim(cc.load_scenario(data), ChunkDraws(0, 1, 0, 1, True))
    lab, bought, held = sim.labs[0], [], []
    for q in range(sim.n_quarters):
        sim.step(q)
        bought.append(float(sum(lab.bought.values())[0]))
        held.append(float(lab.cash[0]))
    return sim, bought, held


def _bought(rule: dict[str, Any] | None, *deals: dict[str, Any]) -> tuple[list[float], list[float]]:
    """(units bought, cash after) in each quarter of the base case."""
    return _quarters(rule, *deals)[1:]


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
    sim, bought, cash = _quarters(RULE)
    assert bought == pytest.approx([1.5, 0.6, 7.2 / 35], rel=1e-13)
    assert cash == pytest.approx([40.0, 16.0, 272 / 35], rel=1e-13)
    # the record (nothing is protected: no revenue, no commitments): the share of the
    # shortfall deferred is the cut, 0, 0.2 and 17 / 35; the spending deferred, at $40B a
    # unit, the smaller of the capacity deferred and the money held back: q1 min(0.15 x 40,
    # 40 x 0.2) = $6B (the want binds), q2 min(1.275 x 17 / 35 x 40, 16 x 17 / 35) = 272 / 35
    assert sim.series[("lab", "spending_cut")][0] == pytest.approx([0.0, 0.2, 17 / 35], rel=1e-13)
    assert sim.series[("lab", "spending_deferred")][0] == pytest.approx([0.0, 6.0, 272 / 35],
                                                                          rel=1e-13)
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


def test_purchase_draws_follow_the_cut() -> None:
    # An Nvidia facility that draws half the vendor's price of what the lab buys from it
    # ($30B of the $40B a unit), 8% a year (2% a quarter), purchases only; $77.5B of cash.
    # q0: no burn, no cut: it wants the 1.5, draws 0.5 x 1.5 x 30 = 22.5 and buys the 1.5
    #     for $60B: cash 77.5 + 22.5 - 60 = 40. Burn 77.5 + 22.5 - 40 = 60 (15 over four).
    # q1: runway 40 / 15 = 8 / 3 (the cash before this quarter's draw), cut 0.2: it wants
    #     0.75 x 0.8 = 0.6 and draws 0.5 x 0.6 x 30 = 9 for it (not 11.25 for the uncut
    #     0.75). Interest 22.5 x 0.02 = 0.45 is due, so its own budget is 39.55, of which
    #     0.2 is held back (7.91), plus the 9 drawn: 40.64; it buys the 0.6 for $24B. Cash
    #     40 + 9 - 24 - 0.45 = 24.55; burn 40 + 9 - 24.55 = 24.45 (mean (60 + 24.45) / 4).
    # q2: runway 24.55 / 21.1125 = 1964 / 1689, cut 0.6 x (1 - 491 / 1689) = 1198 / 2815;
    #     it wants 1.275 x 1617 / 2815 and draws 15 x that = 10.98583; interest 31.5 x 0.02
    #     = 0.63 leaves 23.92 of its own, of which the cut is held back: it may spend
    #     23.92 x 1617 / 2815 + 10.98583 = 24.72603, buys 0.61815 and keeps 23.92 x 1198 /
    #     2815 = 10.17981.
    line = {"id": "line", "kind": "credit_facility", "lender": "nvidia", "borrower": "lab",
            "vendor": "nvidia", "commitment": 100.0, "rate": 0.08, "term_years": 5,
            "drawing": {"purchases": 0.5, "shortfall": False}}
    sim, bought, cash = _quarters(RULE, line, cash=77.5)
    cut = 1198 / 2815
    wanted = 1.275 * (1 - cut)
    assert sim.deals[0].drawn_total[0] == pytest.approx(22.5 + 9.0 + 15 * wanted, rel=1e-13)
    assert bought == pytest.approx([1.5, 0.6, (23.92 * (1 - cut) + 15 * wanted) / 40], rel=1e-13)
    assert cash == pytest.approx([40.0, 24.55, 23.92 * cut], rel=1e-13)
    assert sim.series[("lab", "spending_cut")][0] == pytest.approx([0.0, 0.2, cut], rel=1e-13)
    # deferred: q1 min(0.15 x 40, 7.91) = 6; q2 the money held back, 23.92 x cut
    assert sim.series[("lab", "spending_deferred")][0] == pytest.approx([0.0, 6.0, 23.92 * cut],
                                                                          rel=1e-13)
    # the vendor's gross profit (70%) on the tied money, all spent: 0.7 x the draws
    assert sim.deals[0].tied_gross_profit[0] == pytest.approx(0.7 * (31.5 + 15 * wanted), rel=1e-13)


def test_the_record_is_the_rule_s_deferral_on_every_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # the burner on 64 paths: each quarter's spending_cut and spending_deferred are
    # recomputed from what the rule was given and gave back
    from chipcredit.engine.spending import SpendingRule

    seen: list[dict[str, np.ndarray]] = []
    want, spend = SpendingRule.want, SpendingRule.spend

    def spying_want(self: SpendingRule, shortfall: np.ndarray, *args: Any) -> np.ndarray:
        wanted = want(self, shortfall, *args)
        seen.append({"shortfall": shortfall.copy(), "wanted": wanted.copy()})
        return wanted

    def spying_spend(self: SpendingRule, budget: np.ndarray, own: np.ndarray,
                     unit_cost: Any) -> np.ndarray:
        out = spend(self, budget, own, unit_cost)
        seen[-1].update(budget=budget.copy(), spend=out.copy(), cost=np.asarray(unit_cost))
        return out

    monkeypatch.setattr(SpendingRule, "want", spying_want)
    monkeypatch.setattr(SpendingRule, "spend", spying_spend)
    sim = Sim(_burner(RULE), ChunkDraws(7, 64, 0, 1, False))
    sim.run()
    assert len(seen) == sim.n_quarters
    share, deferred = sim.series[("lab", "spending_cut")], sim.series[("lab", "spending_deferred")]
    for q, s in enumerate(seen):
        gone = s["shortfall"] - s["wanted"]
        expected = np.where(s["shortfall"] > 0, gone / np.where(s["shortfall"] > 0, s["shortfall"], 1), 0)
        np.testing.assert_allclose(share[:, q], expected, rtol=1e-12, atol=0)
        np.testing.assert_allclose(deferred[:, q], np.minimum(gone * s["cost"], s["budget"] - s["spend"]),
                                   rtol=1e-12, atol=1e-12)
    assert (share > 0).mean() > 0.1 and (deferred > 0).mean() > 0.1  # it bit, often
    assert share.max() <= 0.6 and share.min() >= 0.0  # at most max_cut of the shortfall


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
    # and its record says so: nothing deferred, on any path or quarter
    for variable in ("spending_cut", "spending_deferred"):
        assert ruled.reservoir[("lab", variable)].shape == (50, 8)
        assert not ruled.reservoir[("lab", variable)].any()
        assert (ruled.bands("lab", variable)["mean"] == 0).all()
    assert ("lab", "spending_cut") not in free.reservoir  # no rule, no record


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
