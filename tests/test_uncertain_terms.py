"""A path's results do not depend on the other paths of its chunk (docs/design.md section 10).

The choice model's planning horizon is each path's own draw; a deal's term is one number for
every path (its schedule is laid out once), so an uncertain one is refused at load. Every
years field that becomes quarters is rounded half up (``scenario.number.whole_quarters``).
A recovery below `MONEY_DUST` is not made.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from tests.deals._build import lab, scenario, simulate
from tests.test_choice import lab as choice_lab
from tests.test_choice import vendor as choice_vendor
from tests.test_choice import world as choice_world

import chipcredit as cc
from chipcredit.engine.claims import Claim
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.dust import MONEY_DUST
from chipcredit.engine.ledger import AccountClass, Ledger
from chipcredit.scenario.deals import term_quarters
from chipcredit.scenario.number import Number, whole_quarters

# porting AMD pays back sooner over a longer horizon: when a path's lab second-sources
# depends on its own horizon (and the largest of 50 draws, about 2 years, is a shorter
# horizon than the largest of 4,096, about 4)
HORIZON = {"p05": 0.25, "p95": 1.5}


def horizon_world() -> cc.Scenario:
    return cc.load_scenario(choice_world(
        [choice_vendor("nv", 35.0), choice_vendor("amd", 20.0, porting_cost=2.0)],
        [choice_lab("small", 0.01)], planning_horizon_years=HORIZON))


def test_a_paths_planning_horizon_depends_neither_on_the_chunk_nor_on_the_path_count() -> None:
    sc = horizon_world()
    few = cc.simulate(sc, paths=50, seed=3)
    many = cc.simulate(sc, paths=400, seed=3)  # chunking: tests/test_reproducibility.py
    key = "party|small|second_source_quarter"
    np.testing.assert_array_equal(few.outcomes[key], many.outcomes[key][:50])
    # each path its own horizon, so its own quarter: a horizon shared by a chunk (its
    # largest draw) gave every path of it the same one
    quarters = few.outcomes[key]
    assert len(np.unique(quarters)) > 3


def test_a_deterministic_run_takes_the_horizons_median() -> None:
    # the median of p05 0.25, p95 1.5 is sqrt(0.375) = 0.61 years: 2.45 quarters, so 2
    fixed = cc.load_scenario(choice_world(
        [choice_vendor("nv", 35.0), choice_vendor("amd", 20.0, porting_cost=2.0)],
        [choice_lab("small", 0.01)], planning_horizon_years=2 / 4))
    key = "party|small|second_source_quarter"
    a = cc.simulate(horizon_world(), deterministic=True).outcomes[key]
    b = cc.simulate(fixed, deterministic=True).outcomes[key]
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("years", "quarters"), [
    (0.625, 3), (0.875, 4), (0.375, 2), (1.125, 5), (0.1, 1), (0.12, 1), (0.13, 1),
    (0.2, 1), (5.0, 20), (6.5, 26), (1.75, 7)])
def test_years_become_whole_quarters_half_up(years: float, quarters: int) -> None:
    # by hand: 4 * 0.625 = 2.5 -> 3 (Python's round gave 2), 4 * 0.375 = 1.5 -> 2,
    # 4 * 0.1 = 0.4 -> 0 -> at least 1
    assert int(whole_quarters(years)) == quarters
    assert term_quarters(Number(value=years)) == quarters
    np.testing.assert_array_equal(whole_quarters(np.array([years, years])), [quarters] * 2)


def test_a_bullet_loan_of_a_half_quarter_term_repays_in_the_rounded_up_quarter() -> None:
    # 0.625 years = 2.5 quarters -> 3: interest in quarters 0 and 1 (2025Q4, 2026Q1),
    # interest and principal in quarter 2 (2026Q2); round half to even made it 2 quarters
    deal = {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai",
            "amount": 4.0, "rate": 0.1, "term_years": 0.625, "amortisation": "bullet"}
    res = simulate(cc.load_scenario(scenario(deals=[deal], horizon=8)), deterministic=True)
    cf = res.cashflows("loan", path=0)
    service = cf[cf["kind"] == "debt_service"]
    assert list(service["quarter"]) == ["2025Q4", "2026Q1", "2026Q2"]
    np.testing.assert_allclose(service["amount"], [0.1, 0.1, 4.1], rtol=1e-12)


def _every_deal_term(where: str, term: Any) -> dict[str, Any]:
    """A scenario whose term at ``where`` is ``term``; every other term is 2 years."""
    terms = {w: (term if w == where else 2) for w in (
        "loan", "credit", "facility", "availability", "debt", "lease", "contract")}
    cloud = {"id": "neo", "kind": "cloud", "cash": 5.0, "procurement": {"nvidia": 1.0},
             "contracts": [{"tenant": "customers", "capacity": 1.0, "price_per_unit_year": 4.0,
                            "term_years": terms["contract"]}],
             "spot": {"price_per_unit_year": 13.0, "build": False}}
    deals = [
        {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai", "amount": 1.0,
         "rate": 0.1, "term_years": terms["loan"]},
        {"id": "credit", "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
         "amount": 1.0, "rate": 0.08, "term_years": terms["credit"],
         "repayment": [{"kind": "cash"}]},
        {"id": "facility", "kind": "credit_facility", "lender": "apollo", "borrower": "xai",
         "commitment": 1.0, "rate": 0.08, "term_years": terms["facility"],
         "availability_years": terms["availability"]},
        {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 2.0,
         "equity": {"valor": 1.0},
         "debt": {"lender": "apollo", "amount": 1.0, "rate": 0.08, "term_years": terms["debt"]},
         "lease": {"term_years": terms["lease"], "rate": 0.12, "residual": 0.2},
         "at_end": "sell"},
    ]
    parties = [{"id": "nvidia", "kind": "vendor", "content_per_unit": 35.0, "gross_margin": 0.75},
               lab(), cloud, {"id": "valor", "kind": "investor"}, {"id": "apollo", "kind": "lender"}]
    return scenario(parties, deals, horizon=8)


@pytest.mark.parametrize(("where", "path"), [
    ("loan", "deals[0].term_years"), ("credit", "deals[1].term_years"),
    ("facility", "deals[2].term_years"), ("availability", "deals[2].availability_years"),
    ("debt", "deals[3].debt.term_years"), ("lease", "deals[3].lease.term_years"),
    ("contract", "parties[2].contracts[0].term_years")])
def test_an_uncertain_deal_term_is_refused_at_load(where: str, path: str) -> None:
    with pytest.raises(cc.ScenarioError) as caught:
        cc.load_scenario(_every_deal_term(where, {"dist": "uniform", "low": 1, "high": 4}))
    assert str(caught.value) == (
        f"<scenario>: {path} must be a single number: uncertain terms are not supported yet "
        "(a deal's schedule is laid out once for every path); got 'uniform low=1 high=4' "
        "(did you mean 2.5 (its median)?)")
    cc.load_scenario(_every_deal_term(where, 2.5))  # the suggestion loads


def test_the_refusal_names_the_file_and_line() -> None:
    text = """\
name: t
start: 2025Q4
horizon_quarters: 8
market:
  ai_demand: {volatility: 0.0, winter: {enter_per_year: 0.0, exit_per_year: 0.5}}
  hardware: {all_in_cost_per_unit: 35.0, residual_value_by_age: [1.0, 0.5], fire_sale_haircut: 0.3}
parties:
  - {id: apollo, kind: lender}
  - {id: nvidia, kind: vendor, content_per_unit: 35.0, gross_margin: 0.75}
  - id: xai
    kind: lab
    revenue: {run_rate: 1.0, growth: {from: 0.0, to: 0.0, half_life_years: 1.0}}
    compute: {installed: 0.0, per_revenue: 0.0, training: 0.0,
              training_growth: {from: 0.0, to: 0.0, half_life_years: 1.0}}
    cash: 10.0
    procurement: {nvidia: 1.0}
    funding: {valuation_multiple: 10.0, success: {base: 0.0}}
deals:
  - id: term-loan
    kind: loan
    lender: apollo
    borrower: xai
    amount: 1.0
    rate: 0.1
    term_years: {p05: 1, p95: 4}
"""
    with pytest.raises(cc.ScenarioError) as caught:
        cc.parse_scenario_text(text, "audit.yaml")
    assert str(caught.value) == (
        "audit.yaml:25:17: deals[0].term_years must be a single number: uncertain terms are "
        "not supported yet (a deal's schedule is laid out once for every path); got "
        "'lognormal p05=1 p95=4' (did you mean 2 (its median)?)")


def test_a_cloud_debt_tranches_term_may_stay_uncertain() -> None:
    # a tranche's term is a run-off rate, read on each path: no schedule to lay out
    data = _every_deal_term("loan", 2)
    data["parties"][2]["debt"] = [{"lender": "apollo", "rate": 0.1, "opening": 0.5,
                                   "term_years": {"dist": "uniform", "low": 3, "high": 6}}]
    assert cc.load_scenario(data).parties[2].debt[0].term_years.is_uncertain  # type: ignore[union-attr]


def test_a_recovery_below_money_dust_is_not_made() -> None:
    draws = ChunkDraws(0, 3, 0, 1, False)
    ledger = Ledger(["customers", "lab", "lender"], [AccountClass.OUTSIDE,
                    AccountClass.CONSTRAINED, AccountClass.FUNDED], draws, 4, ["loan"], [[1, 2]])
    claim = Claim("debt", 2, 1, 0, 3, 0.0, 1)
    claim.arrears[:] = 1.0
    claim.recover_at(ledger, 0, np.array([0, 1, 2]), np.array([3.84e-15, 0.5, 2e-9]),
                     "secured_recovery")
    np.testing.assert_array_equal(claim.paid, [0.0, 0.5, 2e-9])
    np.testing.assert_array_equal(claim.arrears, [1.0, 0.5, 1.0 - 2e-9])
    claim.recover(ledger, 1, np.array([-3.62e-15, 0.0, 0.25]), "unsecured_recovery")
    np.testing.assert_array_equal(claim.paid, [0.0, 0.5, 0.25 + 2e-9])


def test_no_cash_flow_of_the_auditors_case_is_dust() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate("seed-2025", paths=1, seed=11)
    for deal in ("xai-chips-on-credit", "amd-openai-warrant", "colossus2-spv"):
        amounts = np.abs(res.cashflows(deal, 0)["amount"].to_numpy())
        assert not ((amounts > 0) & (amounts < MONEY_DUST)).any(), deal
