"""A cloud contract's opening delivery (``opening: true``): a contract already running at the
start serves its lab tenant's first quarter from the cloud's opening fleet, and is charged
from quarter 0 as any contract (hand values on the deterministic base case; docs/model.md,
Clouds, "Opening contracts")."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tests.deals._build import FLAT, lab, scenario, simulate, vendor
from tests.test_capacity_backstop import cloud

import chipcredit as cc

HORIZON = 6  # 2025Q4 .. 2027Q1
TENANT = lab(compute={"installed": 0.0, "per_revenue": 0.01, "training": 0.0,
                      "training_growth": dict(FLAT)})
"""$100B a year of flat run-rate at 0.01 GW per $B: it needs 1 GW to earn its $25B a quarter;
it owns nothing and rents nothing on the spot market (no ``renting``)."""


def _contract(**extra: Any) -> dict[str, Any]:
    """1 GW to the lab at $8B per GW-year for a year from the start."""
    return {"tenant": "xai", "capacity": 1.0, "price_per_unit_year": 8.0, "term_years": 1,
            **extra}


def _data(contract: dict[str, Any], installed: Any = 1.0) -> dict[str, Any]:
    spec = cloud(cash=0.0, balance_sheet="funded", installed=installed, contracts=[contract])
    return scenario([vendor(), TENANT, spec], [], horizon=HORIZON)


def _run(contract: dict[str, Any], installed: Any = 1.0) -> cc.Result:
    return simulate(cc.load_scenario(_data(contract, installed)), deterministic=True)


def _flow(res: cc.Result, src: str, dst: str, kind: str) -> np.ndarray:
    flows = res.flows()
    rows = flows[(flows["from"] == src) & (flows["to"] == dst) & (flows["kind"] == kind)]
    by_q = dict(zip(rows["quarter"], rows["mean"], strict=True))
    return np.array([by_q.get(q, 0.0) for q in res.quarter_labels()])


def test_an_opening_contract_serves_the_first_quarter_and_is_charged_from_it() -> None:
    """The cloud's 1 GW opening fleet is the lab's at the start: quarter 0 earns the full 100
    / 4 = $25B. Rent is 1 x 8 / 4 = $2B in each of the contract's 4 quarters (0-3) and none
    after; the lab holds the 1 GW at the end of quarters 0-3 and, the contract over, buys
    1 GW itself in quarter 4 (1 x 35 = $35B to the vendor) to keep earning $25B."""
    res = _run(_contract(opening=True))
    np.testing.assert_allclose(res.bands("xai", "revenue")["mean"], [25.0] * HORIZON, rtol=1e-12)
    np.testing.assert_allclose(_flow(res, "xai", "neo", "cloud_rent"), [2.0] * 4 + [0.0] * 2,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.bands("neo", "revenue")["mean"], [2.0] * 4 + [0.0] * 2,
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_flow(res, "xai", "nvidia", "sale"), [0, 0, 0, 0, 35.0, 0],
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], [1.0] * HORIZON, rtol=1e-12)
    assert res.checks.worst() < 1e-9


def test_without_opening_the_first_quarter_earns_nothing() -> None:
    """The same contract, not marked opening: delivered in quarter 0's procurement, it serves
    quarter 1 on; quarter 0 earns nothing, and the rent is the same."""
    res = _run(_contract())
    np.testing.assert_allclose(res.bands("xai", "revenue")["mean"], [0.0] + [25.0] * 5, rtol=1e-12)
    np.testing.assert_allclose(_flow(res, "xai", "neo", "cloud_rent"), [2.0] * 4 + [0.0] * 2,
                               rtol=1e-12, atol=1e-12)


def test_an_opening_contract_is_cut_to_the_opening_fleet() -> None:
    """An opening fleet of 0.8 GW (the median of 0.4-1.2) holds 80% of the 1 GW: quarter 0
    earns 0.8 x 25 = $20B. From quarter 0's procurement the cloud builds the rest and
    delivers the whole contract, as for any contract."""
    res = _run(_contract(opening=True), installed={"dist": "uniform", "low": 0.4, "high": 1.2})
    np.testing.assert_allclose(res.bands("xai", "revenue")["mean"], [20.0] + [25.0] * 5, rtol=1e-12)
    np.testing.assert_allclose(_flow(res, "xai", "neo", "cloud_rent"), [2.0] * 4 + [0.0] * 2,
                               rtol=1e-12, atol=1e-12)


def test_a_ramped_opening_contract_serves_its_first_phase() -> None:
    """With ``ramp_quarters: 4`` the first phase, 0.25 GW, is what runs at the start: quarter
    0 earns 0.25 x 25 = $6.25B."""
    res = _run(_contract(opening=True, ramp_quarters=4))
    assert float(res.bands("xai", "revenue")["mean"].iloc[0]) == pytest.approx(6.25, rel=1e-12)


@pytest.mark.parametrize(("contract", "installed", "field", "rule"), [
    (_contract(opening=True, start="2026Q1"), 1.0, "contracts[0].start", "scenario start"),
    (_contract(opening=True, tenant="customers"), 1.0, "contracts[0].opening", "lab tenant"),
    (_contract(opening=True), 0.0, "installed", "opening contracts"),
    (_contract(opening=True, capacity=2.0), 1.0, "installed", "opening contracts"),
])
def test_an_opening_contract_is_validated(contract: dict[str, Any], installed: float, field: str,
                                          rule: str) -> None:
    with pytest.raises(cc.ScenarioError) as err:
        cc.load_scenario(_data(contract, installed))
    message = str(err.value)
    assert field in message and rule in message, message


def test_opening_is_a_flag() -> None:
    with pytest.raises(cc.ScenarioError, match="opening"):
        cc.load_scenario(_data(_contract(opening="yes")))


@settings(max_examples=20, deadline=None)
@given(capacity=st.floats(0.1, 2.0), low=st.floats(0.0, 2.0),
       spread=st.one_of(st.just(0.0), st.floats(0.01, 2.0)),
       price=st.floats(0.0, 20.0), quarters=st.integers(1, 4))
def test_an_opening_contract_serves_what_the_fleet_holds_and_is_charged_its_term(
        capacity: float, low: float, spread: float, price: float, quarters: int) -> None:
    """Any opening contract the validation lets through: quarter 0 serves the capacity the
    cloud's opening fleet holds of it, ``min(installed, capacity)`` (the median of a
    uniform ``installed``), of the 1 GW the lab needs; the rent is the contract's,
    ``capacity x price / 4`` in each of its ``4 x term_years`` quarters; money is conserved."""
    high = low + spread
    assume(high >= capacity)  # else the validation refuses it (tested above)
    installed = {"dist": "uniform", "low": low, "high": high} if spread > 0 else low
    res = _run(_contract(opening=True, capacity=capacity, price_per_unit_year=price,
                         term_years=quarters / 4), installed=installed)
    held = min((low + high) / 2, capacity)
    revenue = float(res.bands("xai", "revenue")["mean"].iloc[0])
    assert revenue == pytest.approx(25.0 * min(held, 1.0), rel=1e-9, abs=1e-9)
    rent = _flow(res, "xai", "neo", "cloud_rent")
    expected = [capacity * price / 4] * quarters + [0.0] * (HORIZON - quarters)
    np.testing.assert_allclose(rent, expected, rtol=1e-9, atol=1e-9)
    assert res.checks.worst() < 1e-9
