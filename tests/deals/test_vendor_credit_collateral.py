"""Vendor credit is secured on the chips it shipped, valued at their used value until the
path's own useful life ends and the fleet retires them. The cut used to be the chunk's
longest drawn life, so a path's collateral, and its recovery when the borrower defaulted
late, depended on which paths shared its chunk (docs/design.md section 10)."""

from __future__ import annotations

import numpy as np

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim


def test_collateral_ends_at_each_paths_own_useful_life() -> None:
    sim = Sim(cc.load_scenario("seed-2025"), ChunkDraws(4, 64, 0, 1, False))
    deal = next(d for d in sim.deals if d.id == "xai-chips-on-credit")
    life = sim.market.life_q
    assert life.min() < life.max()  # useful lives differ across the chunk's paths
    checked = 0
    for q in range(sim.n_quarters):
        sim.step(q)
        age = sim.quarter - deal.start_q  # the fleet's age: 0 in the quarter of delivery
        if not life.min() <= age < life.max():
            continue
        collateral = deal._collateral()
        retired = age >= life
        shipped = deal.shipped_cost > 0.0
        assert (shipped & retired).any() and (shipped & ~retired).any()
        assert np.all(collateral[retired] == 0.0)
        # the others keep their used value: a positive share of what was shipped
        expected = deal.shipped_cost * sim.market.residual_share(age)
        np.testing.assert_array_equal(collateral[~retired], expected[~retired])
        assert np.all(collateral[shipped & ~retired] > 0.0)
        checked += 1
    assert checked >= 4  # the ages between the shortest and the longest life were seen
