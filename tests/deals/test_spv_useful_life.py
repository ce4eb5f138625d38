"""An SPV's GPUs retire at the path's useful life, in use or idle, like every other GPU;
the rent stays owed to the lease's end, and retired GPUs have no value to sell.

The world is `test_spv_build_out`'s: an SPV buys 1.0 GW for $20B and leases it to a lab
that needs 1.0 GW at RENT = $1.337308B a quarter over five years (20 quarters).
"""

from __future__ import annotations

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.deals.spv_lease import SpvLeaseDeal
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

from . import _build as b
from .test_spv_build_out import RENT, _by_quarter, _world


def test_leased_and_idle_gpus_retire_at_their_useful_life() -> None:
    """A two-year life (8 quarters) against the five-year lease, and a lessee with no cash
    and $2B of revenue a quarter, which builds out (2 - RENT) / 20 = 0.033135 GW a quarter:
    by quarter 7 it uses 8 x 0.033135 = 0.265077 GW and 0.734923 GW stand idle. In quarter 8
    all of them retire: nothing leased, nothing idle, nothing built out after; the rent is
    still paid every quarter. (Before, the lessee kept building out and counting them
    leased for the lease's last 12 quarters.)"""
    world = _world(cash=0.0, run_rate=8.0, horizon=12)
    world["market"]["hardware"]["useful_life_years"] = 2
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    spv, lab = sim.deals[0], sim.labs[0]
    assert isinstance(spv, SpvLeaseDeal)
    for q in range(8):
        sim.step(q)
    step = (2.0 - RENT) / 20.0
    assert spv.units[0] == pytest.approx(8 * step, rel=1e-9)
    assert spv.idle[0] == pytest.approx(1.0 - 8 * step, rel=1e-9)
    sim.step(8)
    assert spv.units[0] == 0.0 and spv.idle[0] == 0.0 and lab.leased[0] == 0.0
    assert spv.active[0]  # the lease runs on
    res = b.run(world)
    infra = _by_quarter(res, "infrastructure", "xai", "customers")
    np.testing.assert_allclose(infra[:8], 2.0 - RENT, rtol=1e-9)
    np.testing.assert_allclose(_by_quarter(res, "rent", "xai", "spv"), RENT, rtol=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_gpus_retired_before_term_end_are_neither_sold_nor_bought() -> None:
    """A one-year life against a two-year lease: at term end the GPUs retired four quarters
    ago; the SPV has nothing to sell (no residual sale), a purchase option is not exercised,
    and the lessee paid all eight quarters' rent."""
    for at_end in ("sell", "purchase_option"):
        world = _world(cash=30.0, horizon=10)
        spv = world["deals"][0]
        spv["lease"]["term_years"] = 2
        spv["debt"]["term_years"] = 2
        spv["at_end"] = at_end
        world["market"]["hardware"]["useful_life_years"] = 1
        res = b.run(world)
        flows = res.flows()
        for kind in ("residual_sale", "purchase_option"):
            assert flows[flows["kind"] == kind]["mean"].sum() == 0.0, (at_end, kind)
        rent = _by_quarter(res, "rent", "xai", "spv")
        np.testing.assert_allclose(rent[:8], level_rent(), rtol=1e-12)
        assert res.max_abs_imbalance < 1e-9


def level_rent() -> float:
    """The two-year lease's rent: $20B to $4B at 4% a quarter over 8 quarters."""
    return (20 - 4 * 1.04**-8) * 0.04 / (1 - 1.04**-8)
