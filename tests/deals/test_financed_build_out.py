"""Financed GPUs (a vendor credit's, an SPV's) arrive idle and are built out by one rule.

The world: GPUs whose vendor content is $20B per GW in an all-in cost of $40B per GW, so a
GW of them needs $20B of buildings, power and network. The lab owns none, needs 0.5 GW of
training (flat), has no cash and no costs, and earns ``run_rate / 4`` a quarter; it never
raises (no buffer) unless in arrears.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

from . import _build as b
from .test_spv_build_out import RENT
from .test_spv_build_out import _world as spv_world

CREDIT = {"id": "vc", "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
          "amount": 10, "rate": 0.08, "term_years": 5, "repayment": [{"kind": "cash"}]}
"""$10B of chips on credit = 0.5 GW, repaid in cash at maturity: nothing falls due before."""


def _world(run_rate: float, deals: list[dict[str, Any]], horizon: int = 6,
           **market: Any) -> dict[str, Any]:
    lab = b.lab(cash=0.0, revenue={"run_rate": run_rate, "growth": dict(b.FLAT)},
                compute={"installed": 0.0, "per_revenue": 0.0, "training": 0.5,
                         "training_growth": dict(b.FLAT)},
                funding={"valuation_multiple": 10.0, "buffer_quarters": 0.0,
                         "round_quarters": 1e-6, "success": {"base": 5.0}})
    world = b.scenario(parties=[b.vendor(content=20.0), lab], deals=deals, horizon=horizon,
                       all_in_cost_per_unit=40.0, useful_life_years=5)
    world["market"].update(market)
    return world


def test_vendor_credit_chips_left_idle_are_built_out_later() -> None:
    """$2B a quarter builds 2 / 20 = 0.1 GW of the 0.5 GW shipped each quarter: capacity
    0.1, 0.2, 0.3, 0.4, 0.5, 0.5 GW, $2B of buildings a quarter, and no GPUs of its own.
    (Until Nov 2026 the 0.4 GW its cash could not build out at delivery vanished: capacity
    stayed at 0.1 GW plus what it bought at the full $40B per GW, 0.05 GW a quarter.)"""
    res = b.run(_world(8.0, [CREDIT]))
    capacity = res.bands("xai", "capacity")["mean"].to_numpy()
    np.testing.assert_allclose(capacity, [0.1, 0.2, 0.3, 0.4, 0.5, 0.5], rtol=1e-12)
    flows = res.flows()
    infra = flows[(flows["kind"] == "infrastructure") & (flows["from"] == "xai")]
    np.testing.assert_allclose(infra["mean"].sum(), 10.0, rtol=1e-12)
    sales = flows[(flows["kind"] == "sale") & (flows["from"] == "xai")]["mean"].sum()
    assert sales == pytest.approx(10.0, rel=1e-12)  # the credit's chips only
    assert res.max_abs_imbalance < 1e-9


def test_built_out_credit_chips_join_the_fleet_at_their_age() -> None:
    """Chips built out two quarters after delivery are two quarters old in the fleet: the
    shipped cohort (its cost all at delivery) holds their capacity, none is at age 0."""
    sim = Sim(cc.load_scenario(_world(8.0, [CREDIT])), ChunkDraws(0, 1, 0, 1, True))
    for q in range(3):
        sim.step(q)
    fleet = sim.labs[0].fleet
    assert fleet.capacity[2, 0] == pytest.approx(0.3, rel=1e-12)
    assert fleet.cost[2, 0] == pytest.approx(10.0, rel=1e-12)
    assert fleet.capacity[0, 0] == 0.0 and fleet.capacity[1, 0] == 0.0


def test_committed_capacity_comes_before_idle_financed_gpus() -> None:
    """A take-or-pay of 0.1 GW in quarter 0 (fee 50% of the content not taken) beside the
    0.5 GW shipped on credit, and $10B of revenue a quarter: the commitment keeps 0.1 GW of
    the 0.5 GW shortfall and 0.1 x 40 = $4B; the idle chips get the rest of the cash, 6 / 20
    = 0.3 GW; the lab buys its 0.1 GW ($2B to the vendor, $2B of buildings) and owes no fee.
    (Built out first, the chips took all $10B and the whole shortfall, nothing was bought,
    and the lab owed 0.5 x 0.1 x 20 = $1B of fee for nothing.)"""
    top = {"id": "top", "kind": "purchase_commitment", "lab": "xai", "vendor": "nvidia",
           "schedule": [{"quarter": "2025Q4", "capacity": 0.1}], "shortfall_fee": 0.5}
    sim = Sim(cc.load_scenario(_world(40.0, [CREDIT, top], horizon=2)),
              ChunkDraws(0, 1, 0, 1, True))
    sim.step(0)
    credit, lab = sim.deals[0], sim.labs[0]
    assert credit.idle[0] == pytest.approx(0.2, rel=1e-12)
    assert lab.bought[sim.acct("nvidia")][0] == pytest.approx(0.1, rel=1e-12)
    assert lab.installed()[0] == pytest.approx(0.4, rel=1e-12)
    assert sim.deals[1].claim.promised[0] == 0.0
    assert lab.cash[0] == pytest.approx(0.0, abs=1e-12)


def test_build_out_pays_the_choice_models_infrastructure_per_unit() -> None:
    """With ``market.choice.infrastructure_per_unit`` at $10B per GW the idle chips cost
    $10B per GW to build out, as the lab's own purchases do (not the all-in $40B less the
    $20B of content): $2B a quarter builds 0.2 GW, so 0.2, 0.4, 0.5 GW."""
    choice = {"infrastructure_per_unit": 10.0, "price_sensitivity": 10.0,
              "planning_horizon_years": 3.0}
    world = _world(8.0, [CREDIT], horizon=3, choice=choice)
    world["parties"][0]["choice"] = {}
    world["parties"][1]["ported"] = ["nvidia"]
    res = b.run(world)
    capacity = res.bands("xai", "capacity")["mean"].to_numpy()
    np.testing.assert_allclose(capacity, [0.2, 0.4, 0.5], rtol=1e-12)


def test_committed_reserve_counts_the_vendors_performance_per_unit() -> None:
    """Under the vendor choice a committed unit of a vendor with ``performance_per_unit``
    2 delivers 2 units of useful capacity, in the reserve as in the purchase. The lab's
    0.5 shortfall, $20B of revenue, a take-or-pay of 0.1 units at $20 + $20 = $40B each:
    the reserve keeps 0.1 x 2 = 0.2 of the shortfall and $4B, the idle chips (2 of useful
    capacity each too) are built out for the other 0.3: 0.15 chips, 0.15 x 20 = $3B of
    $16B, 0.35 left idle; the lab buys all 0.1 units (0.2 useful) and owes no fee.
    (Reserving 0.1 as if a unit were one of capacity, the build-out took 0.4, the 0.1 left
    took only 0.05 committed units, and the lab owed 0.5 x 0.05 x 20 = $0.5B of fee for
    units it could have used.)"""
    top = {"id": "top", "kind": "purchase_commitment", "lab": "xai", "vendor": "nvidia",
           "schedule": [{"quarter": "2025Q4", "capacity": 0.1}], "shortfall_fee": 0.5}
    choice = {"infrastructure_per_unit": 20.0, "price_sensitivity": 10.0,
              "planning_horizon_years": 3.0}
    world = _world(80.0, [CREDIT, top], horizon=2, choice=choice)
    world["parties"][0]["choice"] = {"performance_per_unit": 2.0}
    world["parties"][1]["ported"] = ["nvidia"]
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    sim.step(0)
    credit, lab = sim.deals[0], sim.labs[0]
    assert credit.idle[0] == pytest.approx(0.35, rel=1e-12)
    assert lab.bought[sim.acct("nvidia")][0] == pytest.approx(0.1, rel=1e-12)
    assert lab.installed()[0] == pytest.approx(0.5, rel=1e-12)
    assert sim.deals[1].claim.promised[0] == 0.0
    assert lab.cash[0] == pytest.approx(20.0 - 3.0 - 4.0, rel=1e-12)


def _perf_two(world: dict[str, Any], infrastructure: float) -> dict[str, Any]:
    """``world`` under the vendor choice, its vendor's unit delivering 2 of useful capacity
    and costing ``infrastructure`` $B to build out."""
    world["market"]["choice"] = {"infrastructure_per_unit": infrastructure,
                                 "price_sensitivity": 10.0, "planning_horizon_years": 3.0}
    world["parties"][0]["choice"] = {"performance_per_unit": 2.0}
    world["parties"][1]["ported"] = ["nvidia"]
    return world


def test_an_idle_credit_chip_counts_its_vendors_performance() -> None:
    """A chip of a vendor with ``performance_per_unit`` 2 delivers 2 of useful capacity when
    built out, as one the lab buys does. The 0.5 shipped on credit ($10B at $20B each),
    a 0.5 need, $20B of revenue, $20B of buildings a chip: 0.25 chips meet the need (0.5
    useful) for $5B, 0.25 stay idle, and the lab buys nothing. (Counted one of capacity
    each, it built out all 0.5 chips for $10B and counted 0.5 of capacity, half what
    they give.)"""
    world = _perf_two(_world(80.0, [CREDIT], horizon=2), 20.0)
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    sim.step(0)
    credit, lab = sim.deals[0], sim.labs[0]
    assert credit.idle[0] == pytest.approx(0.25, rel=1e-12)
    assert lab.fleet.capacity[0, 0] == pytest.approx(0.5, rel=1e-12)
    assert lab.installed()[0] == pytest.approx(0.5, rel=1e-12)
    assert lab.deployed[sim.acct("nvidia")][0] == pytest.approx(0.25, rel=1e-12)
    assert sim.acct("nvidia") not in lab.bought
    assert lab.cash[0] == pytest.approx(20.0 - 5.0, rel=1e-12)


def test_an_idle_spv_gpu_counts_its_vendors_performance() -> None:
    """The SPV's 1.0 GPU ($20B at $20B each) of a perf-2 vendor, a lessee needing 1.0 with
    $30B: it builds out 0.5 GPUs ($10B of buildings), leases 0.5 x 2 = 1.0 of capacity,
    leaves 0.5 idle; next quarter, with its need met, it builds out none. (It built out
    all 1.0 for $20B and counted 1.0 leased.)"""
    world = _perf_two(spv_world(cash=30.0, horizon=3), 20.0)
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    spv, lab = sim.deals[0], sim.labs[0]
    for q in range(2):
        sim.step(q)
        assert spv.units[0] == pytest.approx(0.5, rel=1e-12)
        assert spv.idle[0] == pytest.approx(0.5, rel=1e-12)
        assert lab.leased[0] == pytest.approx(1.0, rel=1e-12)
        assert lab.installed()[0] == pytest.approx(1.0, rel=1e-12)
        if q == 0:  # $30B + $5B of revenue, less $10B of buildings and the rent
            assert lab.cash[0] == pytest.approx(35.0 - 10.0 - RENT, rel=1e-12)
