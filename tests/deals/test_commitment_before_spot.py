"""A take-or-pay is bought before the lab rents on the clouds' spot markets: neither last
quarter's renewals nor new rentals take the committed units' share of the shortfall or
their cost (`engine.spot_market.rent_from_clouds`), so the shortfall fee is owed only when
the lab has no need or no cash for the units, never because it rented instead (hand values
on the deterministic base case, one quarter at a time)."""

from __future__ import annotations

from typing import Any

import pytest
from tests.deals._build import FLAT, lab, scenario, vendor
from tests.test_capacity_backstop import SPOT, cloud

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

SPOT_MARKET = {"price_per_unit_year": SPOT, "oversupply_elasticity": 0.0, "floor": 0.1}
"""The cloud's spot market at a fixed $13B per GW-year, built for whatever is rented."""


def _sim(units: float, **tenant: Any) -> Sim:
    """A lab that needs 1 GW of training compute every quarter and rents all of it from
    "neo"'s spot market, bound to buy ``units`` GW from the vendor in 2026Q1 (quarter 1)
    at $35B per GW (the vendor's content is the whole all-in cost), fee 50% of the content
    not taken."""
    renter = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                          "training_growth": dict(FLAT)}, renting={"neo": 1.0}, **tenant)
    top = {"id": "top", "kind": "purchase_commitment", "lab": "xai", "vendor": "nvidia",
           "schedule": [{"quarter": "2026Q1", "capacity": units}], "shortfall_fee": 0.5}
    data = scenario([vendor(), renter, cloud(contracts=[], spot=SPOT_MARKET)], [top], horizon=3)
    sim = Sim(cc.load_scenario(data), ChunkDraws(0, 1, 0, 1, True))
    sim.step(0)
    return sim


def test_the_commitment_is_bought_before_last_quarters_spot_rentals_are_renewed() -> None:
    """Quarter 0: the lab rents its whole 1 GW on the spot market. Quarter 1: 0.4 GW is
    due under the take-or-pay; the lab buys it (0.4 x 35 = $14B to the vendor) and renews
    only 0.6 GW, so it owes no fee. (Renewing first, the 1 GW it rented covered the whole
    shortfall, nothing was bought, and the lab owed 0.5 x 0.4 x 35 = $7B of fee for
    capacity it needed.)"""
    sim = _sim(0.4)
    lab_state = sim.labs[0]
    assert lab_state.rented[0] == pytest.approx(1.0, rel=1e-12)
    sim.step(1)
    assert lab_state.bought[sim.acct("nvidia")][0] == pytest.approx(0.4, rel=1e-12)
    assert lab_state.rented[0] == pytest.approx(0.6, rel=1e-12)
    assert sim.deals[0].claim.promised[0] == 0.0


def test_the_commitment_takes_the_cash_before_spot_rent() -> None:
    """No cash and $6.5B / 4 = $1.625B of revenue a quarter: quarter 0 rents 0.5 of the
    1 GW (0.5 x 13 / 4 = $1.625B). In quarter 1 the 0.02 GW due under the take-or-pay
    costs 0.02 x 35 = $0.7B and comes first; the $0.925B left renews 0.925 / 1.625 of last
    quarter's 0.5 GW, and the lab owes no fee. (Renewing first, the renewal took all
    $1.625B, nothing was bought, and the lab owed 0.5 x 0.02 x 35 = $0.35B of fee for
    capacity it needed: it rented instead.)"""
    sim = _sim(0.02, revenue={"run_rate": 6.5, "growth": dict(FLAT)}, cash=0.0)
    lab_state = sim.labs[0]
    assert lab_state.rented[0] == pytest.approx(0.5, rel=1e-12)
    sim.step(1)
    assert lab_state.bought[sim.acct("nvidia")][0] == pytest.approx(0.02, rel=1e-12)
    assert lab_state.rented[0] == pytest.approx(0.5 * 0.925 / 1.625, rel=1e-12)
    assert sim.deals[0].claim.promised[0] == 0.0
    assert lab_state.alive[0]


def test_with_no_need_for_the_units_the_lab_pays_the_fee() -> None:
    """The fee is what a lab pays for committed units it has no need for: 1.2 GW due in
    quarter 1 against a 1 GW shortfall, the lab buys 1 GW, rents nothing and owes
    0.5 x 0.2 x 35 = $3.5B. (Renewing first, it bought nothing and owed the fee on all
    1.2 GW, $21B.)"""
    sim = _sim(1.2)
    lab_state = sim.labs[0]
    sim.step(1)
    assert lab_state.bought[sim.acct("nvidia")][0] == pytest.approx(1.0, rel=1e-12)
    assert lab_state.rented[0] == 0.0
    assert sim.deals[0].claim.promised[0] == pytest.approx(3.5, rel=1e-12)
