"""Financed GPUs age as the lab's own fleet does (`Fleet`): delivered in quarter ``s``, they
are ``q - s`` quarters old in quarter ``q`` (0 in ``s``, to its end), serve and are valued
by the residual curve at that age while it is below the path's useful life, and retire at it,
worth nothing from then on. The vendor credit's collateral used to be a quarter older than
the fleet's cohort holding the same chips (worth 0 a quarter before they retired), and the
SPV valued its GPUs a quarter older and put a bought cohort into the fleet a quarter older
(so it retired a quarter early).

The curve here is 1.0 new and 0.8 at one year, so 1 - 0.2 x age / 4 within the first year:
0.85 at three quarters; the index stays 1 (deterministic, no winter).
"""

from __future__ import annotations

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.deals.spv_lease import SpvLeaseDeal
from chipcredit.deals.vendor_credit import VendorCreditDeal
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

from .test_financed_build_out import CREDIT
from .test_financed_build_out import _world as credit_world
from .test_spv_build_out import _world as spv_world


def test_vendor_credit_collateral_is_the_fleets_value_until_the_chips_retire() -> None:
    """$10B of chips (0.5 GW) on credit, a one-year life (4 quarters), revenue enough to
    build them all out in quarter 0. In quarter 3 they are 3 quarters old: they serve
    (0.5 GW in the fleet's row 3) and secure 10 x 0.85 = $8.5B, the fleet's own value of
    them. In quarter 4 they are 4 quarters old, the life: retired, no collateral. (The
    collateral read them at age 4 in quarter 3, worth 0 while they still served.)"""
    world = credit_world(80.0, [CREDIT], horizon=6)
    world["market"]["hardware"]["useful_life_years"] = 1
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    credit, fleet = sim.deals[0], sim.labs[0].fleet
    assert isinstance(credit, VendorCreditDeal)
    for q in range(3):
        sim.step(q)
        assert credit._collateral()[0] == pytest.approx(10.0 * (1 - 0.05 * q), rel=1e-12)
        np.testing.assert_allclose(credit._collateral(), fleet.value(), rtol=1e-12)
    sim.step(3)
    assert fleet.capacity[3, 0] == pytest.approx(0.5, rel=1e-12)
    assert credit._collateral()[0] == pytest.approx(8.5, rel=1e-12)
    np.testing.assert_allclose(credit._collateral(), fleet.value(), rtol=1e-12)
    sim.step(4)
    assert credit._collateral()[0] == 0.0
    assert fleet.capacity[1:, 0].sum() == 0.0  # retired; anything new is age 0


def test_spv_gpus_are_valued_at_the_fleets_age_and_retire_at_the_life() -> None:
    """$20B of GPUs (1.0 GW) leased to a lessee with the cash to build them all out in
    quarter 0, a one-year life. In quarter 3 (3 quarters old) they serve and are worth
    20 x 0.85 = $17B: the LTV is the debt over 17 (it was over 20 x 0.8 = 16, a quarter
    older). In quarter 4, the life, they have retired: none in use, worth 0 (LTV inf)."""
    world = spv_world(cash=30.0, horizon=6)
    world["market"]["hardware"]["useful_life_years"] = 1
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    spv = sim.deals[0]
    assert isinstance(spv, SpvLeaseDeal)
    for q in range(4):
        sim.step(q)
    assert spv.units[0] == pytest.approx(1.0, rel=1e-12)
    assert spv.ltv[0] == pytest.approx(spv.debt.balance()[0] / 17.0, rel=1e-12)
    sim.step(4)
    assert spv.units[0] == 0.0 and sim.labs[0].leased[0] == 0.0
    assert spv.ltv[0] == np.inf


def test_a_bought_spv_cohort_joins_the_fleet_at_its_age_and_serves_to_the_life() -> None:
    """A one-year lease (quarters 0-3) of GPUs with a two-year life (8 quarters), bought at
    term end (worth 20 x 0.85 = $17B, above the $4B price): in quarter 3 they join the
    lessee's fleet 3 quarters old, serve through quarter 7 (7 quarters old) and retire in
    quarter 8. (They joined at age 4 and retired in quarter 7, a quarter early.)"""
    world = spv_world(cash=30.0, horizon=10)
    lease = world["deals"][0]
    lease["lease"]["term_years"] = 1
    lease["debt"]["term_years"] = 1
    lease["at_end"] = "purchase_option"
    world["market"]["hardware"]["useful_life_years"] = 2
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    spv, lab = sim.deals[0], sim.labs[0]
    assert isinstance(spv, SpvLeaseDeal)
    for q in range(4):
        sim.step(q)
    assert spv.owned[0]
    assert lab.fleet.capacity[3, 0] == pytest.approx(1.0, rel=1e-12)
    assert lab.fleet.cost[3, 0] == pytest.approx(20.0, rel=1e-12)
    for q in range(4, 8):
        sim.step(q)
    assert lab.fleet.capacity[7, 0] == pytest.approx(1.0, rel=1e-12)
    sim.step(8)
    assert lab.fleet.capacity[1:, 0].sum() == 0.0
