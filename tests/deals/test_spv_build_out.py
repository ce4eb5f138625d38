"""A lessee short of cash at an SPV's start builds out its idle GPUs as its cash allows,
keeping what the quarter's rent needs.

The world: GPUs whose vendor content is $20B per GW in an all-in cost of $40B per GW, so a
GW of them needs $20B of buildings; an SPV buys $20B of them (1.0 GW) and leases them at
RENT = (20 - 4 x 1.04^-20) x 0.04 / (1 - 1.04^-20) = $1.337308B a quarter. The lessee
needs 1.0 GW (training, flat), owns none, has $3B of cash and $5B of revenue a quarter and
no costs; its rounds raise exactly its arrears (no buffer, tiny rounds, near-certain
success).

Quarter 0: revenue brings its cash to $8B; the SPV delivers 1.0 GW, all idle; at its
procurement the lessee keeps the quarter's rent and builds out with the rest, 8 - RENT =
$6.662692B: 0.333135 GW come into use, 0.666865 GW stand idle. The rent is paid from cash:
no arrears, no round (until Nov 2026 the delivery took all $8B for 0.4 GW and the rent was
paid from a round, on paths without one in arrears).

Quarters 1 to 3: $5B of revenue less the rent due, $3.662692B, builds out 3.662692 / 20 =
0.183135 GW of the idle GPUs (before anything new: the lessee buys no GPUs of its own),
the rent is paid, cash ends at 0; capacity 0.516269, 0.699404, 0.882538 GW.

Quarter 4: the last 0.117462 GW cost $2.349231B; cash ends at 5 - RENT - 2.349231 =
$1.313461B and capacity at 1.0 GW. From then on cash grows by 5 - RENT = $3.662692B a
quarter and nothing more is built or bought.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.deals.spv_lease import SpvLeaseDeal
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

from . import _build as b

RENT = (20 - 4 * 1.04**-20) * 0.04 / (1 - 1.04**-20)
SPARE = 5.0 - RENT  # $B a quarter left after the rent
STEP = SPARE / 20.0  # GW built out per quarter at $20B of buildings per GW
FIRST = (8.0 - RENT) / 20.0  # GW built out in quarter 0, the rent kept back


def _world(cash: float = 3.0, success: float = 5.0, horizon: int = 8,
           run_rate: float = 20.0) -> dict[str, Any]:
    spv = {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 20,
           "equity": {"nvidia": 2, "valor": 5.5},
           "debt": {"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 5},
           "lease": {"term_years": 5, "rate": 0.16, "residual": 0.2}, "at_end": "sell"}
    lessee = b.lab(cash=cash, revenue={"run_rate": run_rate, "growth": dict(b.FLAT)},
                   compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                            "training_growth": dict(b.FLAT)},
                   funding={"valuation_multiple": 10.0, "buffer_quarters": 0.0,
                            "round_quarters": 1e-6, "success": {"base": success}})
    parties = [b.vendor(content=20.0), lessee,
               {"id": "valor", "kind": "investor", "discount_rate": 0.15},
               {"id": "apollo", "kind": "lender", "discount_rate": 0.09}]
    return b.scenario(parties=parties, deals=[spv], horizon=horizon, all_in_cost_per_unit=40.0)


def _by_quarter(res: cc.Result, kind: str, source: str, target: str) -> np.ndarray:
    """The mean flow of ``kind`` from ``source`` to ``target`` in each quarter ($B)."""
    flows = res.flows()
    rows = flows[(flows["kind"] == kind) & (flows["from"] == source) & (flows["to"] == target)]
    got = dict(zip(rows["quarter"], rows["mean"], strict=True))
    return np.array([got.get(label, 0.0) for label in res.bands("xai", "cash")["quarter"]])


def test_idle_spv_gpus_are_built_out_as_cash_allows() -> None:
    res = b.run(_world())
    capacity = res.bands("xai", "capacity")["mean"].to_numpy()
    want = [FIRST, FIRST + STEP, FIRST + 2 * STEP, FIRST + 3 * STEP, 1.0, 1.0, 1.0, 1.0]
    np.testing.assert_allclose(capacity, want, rtol=1e-12)
    last = 1.0 - FIRST - 3 * STEP  # 0.117462 GW
    cash = res.bands("xai", "cash")["mean"].to_numpy()
    np.testing.assert_allclose(cash, [0, 0, 0, 0, SPARE - 20 * last, 2 * SPARE - 20 * last,
                                      3 * SPARE - 20 * last, 4 * SPARE - 20 * last],
                               rtol=1e-12, atol=1e-12)
    flows = res.flows()
    infra = _by_quarter(res, "infrastructure", "xai", "customers")
    np.testing.assert_allclose(infra, [8.0 - RENT, SPARE, SPARE, SPARE, 20 * last, 0, 0, 0],
                               rtol=1e-12, atol=1e-12)
    # no GPUs of its own while leased ones stand idle (nor after: the need is met)
    assert not ((flows["kind"] == "sale") & (flows["from"] == "xai")).any()
    rounds = _by_quarter(res, "equity_round", "market", "xai")
    # the rent was kept back from the buildings: no arrears, so no round, in quarter 0
    np.testing.assert_allclose(rounds, 0.0, rtol=1e-12, atol=1e-12)
    assert res.bands("xai", "arrears")["mean"].to_numpy().max() == 0.0
    np.testing.assert_allclose(_by_quarter(res, "rent", "xai", "spv"), RENT, rtol=1e-12)
    assert res.default_probability("xai") == 0.0
    assert res.max_abs_imbalance < 1e-9


def test_idle_gpus_go_back_with_the_rest_on_the_lessees_default() -> None:
    """A lessee with no cash and $1B of revenue a quarter, less than the rent, that cannot
    raise (success base -20) builds nothing out (it keeps its cash for the rent, and still
    falls short) and defaults in quarter 0 with all 1.0 GW idle: the SPV takes them back and
    sells them at used value less the haircut, the cost of every GPU at age 0 in the quarter
    they arrived (as the lab's own fleet values it: 1.0 of cost) less 30%: 20 x 0.7 = $14B
    (valued a quarter older, 0.95 of cost, it was $13.3B); nothing is left idle to build
    out and the lessee pays for no buildings."""
    world = _world(cash=0.0, success=-20.0, horizon=4, run_rate=4.0)
    sim = Sim(cc.load_scenario(world), ChunkDraws(0, 1, 0, 1, True))
    sim.step(0)
    spv, lab = sim.deals[0], sim.labs[0]
    assert isinstance(spv, SpvLeaseDeal)
    assert lab.default_quarter[0] == 0
    assert spv.idle[0] == 0.0 and spv.units[0] == 0.0 and not spv.active[0]
    res = b.run(world)
    flows = res.flows()
    infra = _by_quarter(res, "infrastructure", "xai", "customers")
    np.testing.assert_allclose(infra, [0.0, 0.0, 0.0, 0.0], rtol=1e-12, atol=1e-12)
    sold = flows[(flows["kind"] == "collateral_sale") & (flows["to"] == "spv")]["mean"].sum()
    assert sold == pytest.approx(20 * 0.7, rel=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_a_lessee_with_the_cash_builds_everything_at_the_start() -> None:
    """With $20B of its own (and its $5B of revenue), the whole GW comes into use at once:
    $20B of buildings in quarter 0 and none after; nothing is left idle."""
    res = b.run(_world(cash=30.0, horizon=3))
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], 1.0, rtol=1e-12)
    infra = _by_quarter(res, "infrastructure", "xai", "customers")
    np.testing.assert_allclose(infra, [20.0, 0.0, 0.0], rtol=1e-12, atol=1e-12)


def _option_world(training: float, cash: float) -> dict[str, Any]:
    """A two-year lease with a purchase option at $4B (20% of $20B), a lessee that needs
    ``training`` GW: with 0.4 GW and $3B of cash it builds out 0.4 of the
    1.0 GW by quarter 1, and with its need met it leaves 0.6 idle for good while its cash grows by its
    revenue less the rent; with 1.0 GW and $30B it builds everything at the start."""
    world = _world(cash=cash, horizon=10)
    spv = world["deals"][0]
    spv["lease"]["term_years"] = 2
    spv["debt"]["term_years"] = 2
    spv["at_end"] = "purchase_option"
    world["parties"][1]["compute"]["training"] = training
    return world


def test_a_lessee_with_gpus_still_idle_buys_them_all_and_keeps_them_idle() -> None:
    """At term end (quarter 7) the used value (cost x residual at two years) is above the $4B
    option price and the lessee has the cash: it buys all 1.0 GW for $4B, the 0.4 GW in use
    into its fleet at age 7 (as the lab's own fleet counts age: 0 in the quarter of
    delivery; it was 8, a quarter older) with the cost of them all ($20B), the 0.6 GW never built out its
    own and still idle; nothing is sold, it buys no new GPUs, and it builds none of the idle
    ones while its need is met. (Before, one GPU left idle stopped the option: the SPV sold
    all 1.0 GW.) A later build-out puts idle ones into its fleet with the bought cohort, at
    no further cost to the fleet, and not under the ended lease."""
    sim = Sim(cc.load_scenario(_option_world(0.4, 3.0)), ChunkDraws(0, 1, 0, 1, True))
    spv, lab = sim.deals[0], sim.labs[0]
    assert isinstance(spv, SpvLeaseDeal)
    for q in range(8):  # to the end of the term's last quarter
        sim.step(q)
    assert spv.owned[0] and not spv.active[0]
    assert spv.idle[0] == pytest.approx(0.6, rel=1e-12) and spv.units[0] == 0.0
    assert lab.leased[0] == 0.0
    assert lab.fleet.capacity[7, 0] == pytest.approx(0.4, rel=1e-12)
    assert lab.fleet.cost[7, 0] == pytest.approx(20.0, rel=1e-12)
    sim.step(8)  # the fleet ages: the bought cohort is 8 quarters old
    spv.build_out(8, np.array([0.2]))
    assert lab.fleet.capacity[8, 0] == pytest.approx(0.6, rel=1e-12)
    assert lab.fleet.cost[8, 0] == pytest.approx(20.0, rel=1e-12)
    assert spv.idle[0] == pytest.approx(0.4, rel=1e-12) and lab.leased[0] == 0.0
    res = b.run(_option_world(0.4, 3.0))
    flows = res.flows()
    paid = flows[(flows["kind"] == "purchase_option") & (flows["from"] == "xai")]["mean"].sum()
    sold = flows[(flows["kind"] == "residual_sale") & (flows["to"] == "spv")]["mean"].sum()
    assert paid == pytest.approx(4.0, rel=1e-12) and sold == 0.0
    assert not ((flows["kind"] == "sale") & (flows["from"] == "xai")).any()
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"].to_numpy()[2:], 0.4,
                               rtol=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_capacity_is_counted_once_in_the_quarter_the_option_is_exercised() -> None:
    """With every GPU in use the lessee exercises ($4B, nothing sold) and its capacity stays
    1.0 GW in every quarter: in the term's last quarter the GPUs are in its fleet and no
    longer leased (before, that quarter's record counted them twice, 2.0 GW)."""
    res = b.run(_option_world(1.0, 30.0))
    flows = res.flows()
    paid = flows[(flows["kind"] == "purchase_option") & (flows["from"] == "xai")]["mean"].sum()
    sold = flows[(flows["kind"] == "residual_sale") & (flows["to"] == "spv")]["mean"].sum()
    assert paid == pytest.approx(4.0, rel=1e-12) and sold == 0.0
    np.testing.assert_allclose(res.bands("xai", "capacity")["mean"], 1.0, rtol=1e-12)
