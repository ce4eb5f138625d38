"""A ``loan`` to a cloud: golden numbers worked by hand on the deterministic base case.

The cloud pays the loan's debt service from its cash after its power bill and its own debt
tranches; a secured loan shares the fleet's sale proceeds in a default pro rata with the
tranches, which then take the rest of the estate senior first; what the loan still claims
joins the unsecured class. The lender gets every deal metric, a portfolio, a cash-flow
schedule and a horizon mark, as for a loan to a lab.

The worked loan: $3B at 10% nominal (2.5% a quarter), amortising over 4 years (16
quarters), so the level payment is A = 3 x 0.025 / (1 - 1.025^-16) = $0.2297970B a quarter.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

import numpy as np
import pytest

import chipcredit as cc

from ._build import lab, lines, one, run, scenario, vendor

RATE_Q = 0.10 / 4
A = 3.0 * RATE_Q / (1.0 - (1.0 + RATE_Q) ** -16)
LENDER_RATE = 0.09  # apollo's discount rate, effective annual


def loan(**overrides: Any) -> dict[str, Any]:
    deal: dict[str, Any] = {"id": "gpu-loan", "kind": "loan", "lender": "apollo",
                            "borrower": "neo", "amount": 3.0, "rate": 0.10,
                            "amortisation": "amortising", "term_years": 4}
    deal.update(overrides)
    return deal


def neo(**overrides: Any) -> dict[str, Any]:
    """A cloud with 1 GW already installed, rented to outside tenants (`customers`, who
    always pay) at $4B per GW-year, $1B a quarter; power costs nothing in this world."""
    spec: dict[str, Any] = {
        "id": "neo", "kind": "cloud", "cash": 0.5, "installed": 1.0,
        "procurement": {"nvidia": 1.0},
        "contracts": [{"tenant": "customers", "capacity": 1.0, "price_per_unit_year": 4.0,
                       "term_years": 6}],
        "spot": {"price_per_unit_year": 13.0, "build": False},
    }
    spec.update(overrides)
    return spec


def world(cloud: dict[str, Any], *deals: dict[str, Any], horizon: int = 20,
          **hardware: Any) -> dict[str, Any]:
    parties = [vendor(), lab(), cloud,
               {"id": "apollo", "kind": "lender", "discount_rate": LENDER_RATE},
               {"id": "bank", "kind": "lender"}]
    return scenario(parties, list(deals), horizon=horizon, **hardware)


def test_the_level_payment_and_the_lenders_metrics() -> None:
    assert A == pytest.approx(0.2297970, abs=1e-7)  # the hand value, 4 decimals of $M
    res = run(world(neo(), loan()))
    paid = lines(res, "gpu-loan", "debt_service")
    assert list(paid["time"]) == list(range(1, 17))
    assert list(paid["from"]) == ["neo"] * 16 and list(paid["to"]) == ["apollo"] * 16
    np.testing.assert_allclose(paid["amount"], A, rtol=1e-12)
    draw = lines(res, "gpu-loan", "loan_draw")
    assert list(draw["time"]) == [0] and draw["amount"][0] == pytest.approx(3.0)
    # the lender: -3 at time 0, A at times 1..16, discounted at 9% effective annual
    npv = -3.0 + sum(A * (1 + LENDER_RATE) ** (-t / 4) for t in range(1, 17))
    assert one(res, "gpu-loan", "apollo", "npv") == pytest.approx(npv, abs=1e-10)
    assert npv == pytest.approx(0.0766, abs=1e-4)
    # IRR: 2.5% a quarter, 1.025^4 - 1 = 10.3813% effective annual
    assert one(res, "gpu-loan", "apollo", "irr") == pytest.approx(1.025**4 - 1, abs=1e-9)
    assert one(res, "gpu-loan", "apollo", "moic") == pytest.approx(16 * A / 3.0, rel=1e-12)
    assert 16 * A / 3.0 == pytest.approx(1.22558, abs=1e-5)
    assert one(res, "gpu-loan", "apollo", "loss") == pytest.approx(0.0, abs=1e-12)
    assert one(res, "gpu-loan", "apollo", "mark") == pytest.approx(0.0, abs=1e-12)  # repaid
    # peak exposure: the principal plus the first quarter's interest, 3 x 1.025
    assert one(res, "gpu-loan", "apollo", "peak_exposure") == pytest.approx(3.075, abs=1e-12)
    assert res.default_probability("neo") == 0.0
    # the lender's portfolio has the cloud as its obligor
    book = json.loads(res.to_json())["portfolios"]["apollo"]
    assert book["exposure_by_obligor"] == {"neo": pytest.approx(3.075, abs=1e-9)}
    assert book["expected_loss"] == pytest.approx(0.0, abs=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_a_loan_alive_at_the_horizon_is_marked_at_its_balance() -> None:
    # horizon 8: 8 of the 16 payments made; the balance is the PV of the other 8 at 2.5%,
    # A x (1 - 1.025^-8) / 0.025 = $1.6477B, times the cloud's survival (no default: 1)
    res = run(world(neo(), loan(), horizon=8))
    balance = A * (1.0 - 1.025**-8) / 0.025
    assert balance == pytest.approx(1.6477, abs=1e-4)
    assert one(res, "gpu-loan", "apollo", "mark") == pytest.approx(balance, abs=1e-12)
    assert one(res, "gpu-loan", "neo", "mark") == pytest.approx(-balance, abs=1e-12)
    cf = res.cashflows("gpu-loan", path=0)
    mark = cf[cf["kind"] == "horizon_mark"]  # the lender's claim, the borrower's debt
    assert list(mark["from"]) == ["gpu-loan", "neo"] and list(mark["to"]) == ["apollo", "gpu-loan"]
    assert list(mark["time"]) == [8, 8]
    np.testing.assert_allclose(mark["amount"], balance, rtol=1e-12)
    # flows and mark: the IRR is still the loan's rate
    assert one(res, "gpu-loan", "apollo", "irr") == pytest.approx(1.025**4 - 1, abs=1e-9)


def test_the_mark_takes_the_clouds_one_year_survival() -> None:
    """A cloud whose only tenant is a volatile lab that cannot raise defaults when the lab
    does. On the paths where it lives to the horizon it owes the bullet's $3B (interest
    paid), marked at 3 x the one-year survival: 1 - (defaults in the last four quarters) /
    (paths alive four quarters before the horizon), 88/130 with this seed."""
    tenant = lab(cash=1.0, revenue={"run_rate": 4.0, "volatility": 1.0,
                                    "growth": {"from": 0.0, "to": 0.0, "half_life_years": 1.0}},
                 costs={"fixed_per_year": 4.0},
                 funding={"valuation_multiple": 10.0, "success": {"base": -30.0}})
    cloud = neo(cash=0.2, contracts=[{"tenant": "xai", "capacity": 1.0,
                                      "price_per_unit_year": 1.6, "term_years": 4}])
    data = world(cloud, loan(amortisation="bullet"), horizon=8)
    data["parties"][1] = tenant
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(data), paths=200, seed=1)
    dq = res.outcome(None, "neo", "default_quarter")
    late = int(((dq >= 4) & (dq < 8)).sum())
    at_risk = int(((dq < 0) | (dq >= 4)).sum())
    assert 0 < late < at_risk  # some default in the last year, not all
    survival = 1.0 - late / at_risk
    mark = res.outcome("gpu-loan", "apollo", "mark")
    np.testing.assert_allclose(mark[dq < 0], 3.0 * survival, rtol=1e-6)  # float32 outcomes
    np.testing.assert_array_equal(mark[dq >= 0], 0.0)  # written off: nothing to mark


def test_a_floating_bullet_loan_to_a_funded_cloud_always_pays() -> None:
    # a parent-funded cloud with no income: its cash goes negative, it never defaults; the
    # base rate (default 4%) plus a 3% spread is 7%, interest 3 x 0.0175 a quarter
    cloud = neo(balance_sheet="funded", cash=0.0, installed=0.0, contracts=[])
    res = run(world(cloud, loan(rate=None, rate_type="floating", spread=0.03,
                                amortisation="bullet", term_years=2), horizon=10))
    paid = lines(res, "gpu-loan", "debt_service")
    base = cc.load_scenario(world(cloud)).market.rates.base.value
    interest = 3.0 * (base + 0.03) / 4
    np.testing.assert_allclose(paid["amount"], [interest] * 7 + [3.0 + interest], rtol=1e-12)
    # a funded cloud cannot default: no path has a default quarter, and the API says the
    # question does not apply rather than answering 0%
    assert (res.outcome(None, "neo", "default_quarter") < 0).all()
    with pytest.raises(cc.UsageError, match="a cloud funded from outside, which cannot default"):
        res.default_probability("neo")
    assert one(res, "gpu-loan", "apollo", "loss") == pytest.approx(0.0, abs=1e-12)
    assert float(res.outcome(None, "neo", "cash_end")[0]) < 0.0


def test_the_cloud_keeps_this_quarters_payment_back_from_building() -> None:
    # a cloud with $17.6B after the draw builds 1 GW for a new contract at $35B, half from
    # a tranche: its own money is $17.5B a GW, but it keeps A back for the loan, so it
    # builds (17.6 - A) / 17.5 GW and still pays the loan in full
    cloud = neo(cash=14.6, installed=0.0,
                debt=[{"lender": "bank", "share": 0.5, "rate": 0.0, "term_years": 20}])
    res = run(world(cloud, loan(), horizon=1))
    built = res.bands("neo", "capacity")["mean"].iloc[0]
    assert built == pytest.approx((17.6 - A) / 17.5, rel=1e-12)
    assert lines(res, "gpu-loan", "debt_service")["amount"][0] == pytest.approx(A, rel=1e-12)


def _defaulting(secured: bool, *extra: dict[str, Any]) -> cc.Result:
    """The cloud builds 1 GW for a lab that defaults in its first quarter and pays nothing.

    The $35B of GPUs are half financed by an 8% tranche repaid a quarter of its balance each
    quarter (bank: $17.5B), half from the cloud's $15B and the $3B loan, leaving it $0.5B.
    That goes to the tranche, whose payment is 17.5 x (0.02 + 0.25) = $4.725B; nothing is
    left for the loan's A: the cloud defaults in quarter 0. Power costs nothing here.
    """
    tenant = lab(cash=0.0, revenue={"run_rate": 0.0, "growth": {"from": 0.0, "to": 0.0,
                                                               "half_life_years": 1.0}},
                 costs={"fixed_per_year": 4.0},
                 funding={"valuation_multiple": 10.0, "success": {"base": -30.0}})
    cloud = neo(cash=15.0, installed=0.0,
                contracts=[{"tenant": "xai", "capacity": 1.0, "price_per_unit_year": 12.0,
                            "term_years": 4}],
                debt=[{"lender": "bank", "share": 0.5, "rate": 0.08, "term_years": 1}])
    data = world(cloud, loan(secured=secured), *extra, horizon=4, fire_sale_haircut=0.6)
    data["parties"][1] = tenant
    return run(data, quiet=True)


TRANCHE_OWED = 17.5 * 1.02 - 0.5  # principal and interest less the $0.5B it was paid
LOAN_OWED = 3.0 * 1.025  # nothing paid: the principal and the quarter's interest
PROCEEDS = 35.0 * (1.0 - 0.6)  # new GPUs at the 60% fire-sale haircut


def test_a_secured_loan_shares_the_fleet_pro_rata_with_the_tranche() -> None:
    """At the default the tranche is owed $17.35B and the loan $3.075B. The GPUs sell for
    $14B: the loan takes 14 x 3.075 / (17.35 + 3.075) = $2.1077B, the tranche the other
    $11.8923B (the estate has no other cash); the loan's $0.9673B deficiency joins the
    unsecured class, which gets nothing."""
    res = _defaulting(secured=True)
    assert res.default_probability("xai") == 1.0
    assert float(res.outcome(None, "neo", "default_quarter")[0]) == 0.0
    got = PROCEEDS * LOAN_OWED / (TRANCHE_OWED + LOAN_OWED)
    assert got == pytest.approx(2.1077, abs=1e-4)
    rec = lines(res, "gpu-loan", "secured_recovery")
    assert list(rec["time"]) == [1] and list(rec["to"]) == ["apollo"]
    assert rec["amount"][0] == pytest.approx(got, rel=1e-12)
    assert lines(res, "gpu-loan", "unsecured_recovery").empty
    assert lines(res, "gpu-loan", "debt_service").empty  # the tranche took the cash first
    flows = res.flows()
    bank = flows[flows["to"] == "bank"].groupby("kind")["mean"].sum()
    assert bank["debt_service"] == pytest.approx(0.5, rel=1e-12)
    assert bank["recovery"] == pytest.approx(PROCEEDS - got, rel=1e-12)
    # the lender: promised 3.075 at time 1 (the payment and the accelerated principal),
    # received `got` then: loss (3.075 - got) / 1.025 at the loan's rate
    assert one(res, "gpu-loan", "apollo", "loss") == pytest.approx((LOAN_OWED - got) / 1.025,
                                                                   rel=1e-12)
    npv = -3.0 + got * (1 + LENDER_RATE) ** -0.25
    assert one(res, "gpu-loan", "apollo", "npv") == pytest.approx(npv, abs=1e-12)
    assert one(res, "gpu-loan", "apollo", "irr") == pytest.approx((got / 3.0) ** 4 - 1,
                                                                  rel=1e-9)
    assert one(res, "gpu-loan", "apollo", "mark") == 0.0
    book = json.loads(res.to_json())["portfolios"]["apollo"]
    assert book["pd_term_structure"] == {"neo": [1.0]}
    # LGD on one basis: owed and recovered both at the default (before 2026-12-01 the PV
    # loss over the nominal EAD, (LOAN_OWED - got) / 1.025 / LOAN_OWED)
    assert book["lgd"] == pytest.approx((LOAN_OWED - got) / LOAN_OWED, rel=1e-9)
    assert res.max_abs_imbalance < 1e-9


def test_an_unsecured_loan_ranks_behind_the_tranche() -> None:
    # the tranche, owed $17.35B, takes all $14B; the loan recovers nothing
    res = _defaulting(secured=False)
    assert lines(res, "gpu-loan", "secured_recovery").empty
    assert lines(res, "gpu-loan", "unsecured_recovery").empty
    assert one(res, "gpu-loan", "apollo", "loss") == pytest.approx(3.0, rel=1e-12)


def test_a_guarantee_of_a_loan_to_a_cloud_pays_its_cover() -> None:
    # half of the $0.9673B written off is paid by the guarantor at the default (time 1)
    gty = {"id": "gty", "kind": "loan_guarantee", "guarantor": "nvidia",
           "guarantees": "gpu-loan", "lender": "apollo", "borrower": "neo", "cover": 0.5}
    res = _defaulting(True, gty)
    got = PROCEEDS * LOAN_OWED / (TRANCHE_OWED + LOAN_OWED)
    paid = lines(res, "gty", "guarantee_payment")
    assert list(paid["time"]) == [1] and list(paid["to"]) == ["apollo"]
    assert paid["amount"][0] == pytest.approx(0.5 * (LOAN_OWED - got), rel=1e-12)


@pytest.mark.parametrize(("kind", "party"), [("a buyer", "hyperscalers"),
                                           ("an investor", "valor")])
def test_a_loan_to_a_buyer_or_investor_names_the_kinds_allowed(kind: str, party: str) -> None:
    data = world(neo(), loan(borrower=party))
    data["parties"].append({"id": party, "kind": kind.split()[1], **(
        {"demand": {"installed": 1.0, "growth": {"from": 0.0, "to": 0.0, "half_life_years": 1}},
         "procurement": {"nvidia": 1.0}} if party == "hyperscalers" else {})})
    with pytest.raises(cc.ScenarioError) as err:
        cc.load_scenario(data)
    text = str(err.value)
    assert len(text.splitlines()) == 1
    # the lab and the cloud of the scenario are the parties a loan could go to
    assert (f"deals[0].borrower must name a party of kind lab or cloud, but {party} is "
            f"{kind}; got '{party}' (did you mean xai or neo?)") in text


def test_a_credit_facility_to_a_cloud_says_the_borrower_must_be_a_lab() -> None:
    fac = {"id": "fac", "kind": "credit_facility", "lender": "apollo", "borrower": "neo",
           "commitment": 1.0, "rate": 0.08, "term_years": 3}
    with pytest.raises(cc.ScenarioError) as err:
        cc.load_scenario(world(neo(), fac))
    text = str(err.value)
    assert len(text.splitlines()) == 1
    assert ("deals[0].borrower must name a party of kind lab, but neo is a cloud (a "
            "credit_facility is drawn by a lab; lend to a cloud with a loan deal); got 'neo'"
            ) in text
    assert "did you mean" not in text
