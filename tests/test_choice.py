"""Vendor choice: the logit split over ported platforms, porting as a discrete decision,
supply caps, price response and the pull of financing, on deterministic paths.

The world: two vendors, ``nv`` and ``amd``, hardware plus $15B per GW of infrastructure; labs
that need only training capacity (growing at a fixed rate, no revenue dependence) and hold
far more cash than they spend, so every quarter they buy exactly their shortfall.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}
INFRA = 15.0
SENSITIVITY = 10.0


def vendor(vid: str, content: float, **choice: Any) -> dict[str, Any]:
    return {"id": vid, "kind": "vendor", "content_per_unit": content, "gross_margin": 0.5,
            "choice": choice}


def lab(lid: str, training: float, growth: float = 1.0, ported: tuple[str, ...] = ("nv",),
        cash: float = 1e5) -> dict[str, Any]:
    return {"id": lid, "kind": "lab", "revenue": {"run_rate": 10.0, "growth": dict(FLAT)},
            "compute": {"installed": 0.0, "per_revenue": 0.0, "training": training,
                        "training_growth": {"from": growth, "to": growth, "half_life_years": 1.0}},
            "cash": cash, "procurement": {"nv": 1.0}, "ported": list(ported),
            "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}}}


def world(vendors: list[dict[str, Any]], labs: list[dict[str, Any]], horizon: int = 20,
          deals: list[dict[str, Any]] | None = None, **choice: Any) -> dict[str, Any]:
    terms = {"infrastructure_per_unit": INFRA, "price_sensitivity": SENSITIVITY,
             "planning_horizon_years": 3.0, **choice}
    return {"name": "choice", "start": "2025Q4", "horizon_quarters": horizon,
            "market": {"ai_demand": {"volatility": 0.0,
                                     "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                       "hardware": {"all_in_cost_per_unit": 50.0,
                                    "residual_value_by_age": [1.0, 0.5],
                                    "fire_sale_haircut": 0.3, "useful_life_years": 5},
                       "choice": terms},
            "parties": vendors + labs, "deals": deals or []}


def run(data: dict[str, Any]) -> cc.Result:
    res = cc.simulate(cc.load_scenario(data), deterministic=True)
    assert res.max_abs_imbalance < 1e-6  # negative cash of a live lab included
    return res


def series(res: cc.Result, party: str, variable: str) -> np.ndarray:
    return np.asarray(res.bands(party, variable)["mean"].to_numpy())


def second_source(res: cc.Result, lab_id: str) -> int:
    return int(res.outcome(None, lab_id, "second_source_quarter")[0])


def porting_paid(res: cc.Result, lab_id: str) -> float:
    flows = res.flows()
    rows = flows[(flows["from"] == lab_id) & (flows["kind"] == "porting")]
    return float(rows["mean"].sum())


def test_equal_price_performance_and_no_switching_cost_split_equally() -> None:
    res = run(world([vendor("nv", 20.0), vendor("amd", 20.0)],
                    [lab("a", 1.0, ported=("nv", "amd"))]))
    nv, amd = series(res, "nv", "units"), series(res, "amd", "units")
    assert (nv > 0).all()
    np.testing.assert_array_equal(nv, amd)
    np.testing.assert_array_equal(series(res, "amd", "market_share"), 0.5)
    assert res.to_dict()["vendors"]["amd"]["market_share_end"]["mean"] == 0.5


def test_logit_split_matches_the_hand_computed_shares() -> None:
    # unit prices 35 + 15 = 50 and 20 + 15 = 35: amd is the cheapest, nv is 50/35 - 1 dearer
    res = run(world([vendor("nv", 35.0), vendor("amd", 20.0)],
                    [lab("a", 1.0, ported=("nv", "amd"))]))
    w_nv = math.exp(-SENSITIVITY * (50.0 / 35.0 - 1.0))
    expected = w_nv / (1.0 + w_nv)
    share_nv = series(res, "nv", "market_share")
    np.testing.assert_allclose(share_nv, expected, rtol=1e-12)
    # the first quarter's need is 1.0 x 2^(1/4) units: all of it is bought
    total = series(res, "nv", "units")[0] + series(res, "amd", "units")[0]
    assert total == pytest.approx(2.0 ** 0.25, rel=1e-12)
    # the lab pays each vendor its price and customers the infrastructure
    assert series(res, "amd", "sales")[0] == pytest.approx(20.0 * total / (1 + w_nv), rel=1e-12)


def test_infinite_switching_cost_never_second_sources() -> None:
    # $1e9B (the largest amount a scenario takes) is infinite against any lab's purchases
    res = run(world([vendor("nv", 35.0), vendor("amd", 20.0, porting_cost=1e9)],
                    [lab("big", 5.0), lab("small", 0.01)], horizon=40))
    np.testing.assert_array_equal(series(res, "amd", "units"), 0.0)  # exactly zero
    assert second_source(res, "big") == -1 and second_source(res, "small") == -1
    assert porting_paid(res, "big") == 0.0


def test_raising_the_porting_cost_delays_the_first_second_sourcing_quarter() -> None:
    quarters = []
    for cost in (0.5, 2.0, 5.0):
        res = run(world([vendor("nv", 35.0), vendor("amd", 20.0, porting_cost=cost)],
                        [lab("small", 0.01)]))
        q = second_source(res, "small")
        quarters.append(q)
        # before porting the share is exactly zero; the porting cost is paid once, in full
        units = series(res, "amd", "units")
        assert (units[:q] == 0.0).all() and units[q] > 0.0
        assert porting_paid(res, "small") == pytest.approx(cost, rel=1e-12)
    assert quarters[0] < quarters[1] < quarters[2], quarters


def test_only_the_big_lab_second_sources() -> None:
    # same terms, same growth; one lab buys 100 times as much as the other (over five
    # years: the small one, growing 2x a year, would get there later)
    res = run(world([vendor("nv", 35.0), vendor("amd", 20.0, porting_cost=20.0)],
                    [lab("big", 1.0), lab("small", 0.01)], horizon=20))
    assert second_source(res, "big") == 0
    assert second_source(res, "small") == -1
    doc = res.to_dict()["parties"]
    assert doc["big"]["second_source_probability"] == 1.0
    assert doc["big"]["second_source_quarter"]["p50"] == 0.0
    assert doc["small"]["second_source_probability"] == 0.0
    timing = res.second_sourcing("big")
    assert list(timing["probability"][:2]) == [1.0, 0.0] and timing["cumulative"].iloc[-1] == 1.0
    assert res.second_sourcing("small")["cumulative"].iloc[-1] == 0.0


def test_supply_cap_spills_to_the_other_platform() -> None:
    res = run(world([vendor("nv", 20.0), vendor("amd", 20.0, supply_cap_per_quarter=0.1)],
                    [lab("a", 1.0, ported=("nv", "amd"))], horizon=8))
    amd, nv = series(res, "amd", "units"), series(res, "nv", "units")
    np.testing.assert_allclose(amd, 0.1, rtol=1e-12)  # the cap binds every quarter
    need = 2.0 ** 0.25
    assert amd[0] + nv[0] == pytest.approx(need, rel=1e-12)  # nothing is lost


def test_price_response_cuts_the_price_while_the_share_is_low() -> None:
    response = {"below_share": 0.3, "cut_per_year": 0.2, "max_cut": 0.1}
    res = run(world([vendor("nv", 20.0), vendor("amd", 30.0, price_response=response)],
                    [lab("a", 1.0, ported=("nv", "amd"))], horizon=12))
    price = series(res, "amd", "sales") / series(res, "amd", "units")
    assert price[0] == pytest.approx(30.0, rel=1e-12)
    # its share is far below 30% from the first quarter: the price falls 20% a year...
    assert price[1] == pytest.approx(30.0 * 0.8 ** 0.25, rel=1e-12)
    # ... down to 90% of the list price, and no further
    assert price[-1] == pytest.approx(27.0, rel=1e-12)
    assert series(res, "amd", "market_share")[-1] > series(res, "amd", "market_share")[0]


def test_milestone_equity_pulls_purchases_towards_its_vendor() -> None:
    deal = {"id": "loi", "kind": "milestone_equity", "investor": "nv", "investee": "a",
            "vendor": "nv", "amount_per_unit": 10.0, "max_amount": 1000.0}
    res = run(world([vendor("nv", 20.0), vendor("amd", 20.0)],
                    [lab("a", 1.0, ported=("nv", "amd"))], horizon=4, deals=[deal],
                    financing_weight=0.25))
    # nv's cost per unit is 35 - 0.25 x 10 = 32.5 against amd's 35
    w_amd = math.exp(-SENSITIVITY * (35.0 / 32.5 - 1.0))
    np.testing.assert_allclose(series(res, "amd", "market_share"), w_amd / (1 + w_amd),
                               rtol=1e-12)


def test_scenarios_without_choice_keep_fixed_shares() -> None:
    data = world([vendor("nv", 20.0), vendor("amd", 30.0, porting_cost=1e9)],
                 [lab("a", 1.0)], horizon=4)
    del data["market"]["choice"]
    data["parties"][2]["procurement"] = {"nv": 0.75, "amd": 0.25}
    del data["parties"][2]["ported"]
    res = run(data)
    np.testing.assert_allclose(series(res, "amd", "units") / series(res, "nv", "units"),
                               1.0 / 3.0, rtol=1e-12)
    assert second_source(res, "a") == 0  # it buys from both in the first quarter


def test_a_ported_vendor_must_exist() -> None:
    data = world([vendor("nv", 20.0)], [lab("a", 1.0, ported=("nvidai",))])
    with pytest.raises(cc.ScenarioError, match="ported"):
        cc.load_scenario(data)


def test_the_porting_cost_comes_out_of_the_budget_for_hardware() -> None:
    # $60B of cash and $2.5B of revenue against a first-quarter need of 2 x 2^(1/4) GW at
    # $35-50B: the lab ports to amd (listed first) for $5B and can spend only the $57.5B left
    small = lab("a", 2.0, cash=60.0)
    small["funding"]["success"]["base"] = -20.0  # no rounds: only its own cash
    res = run(world([vendor("amd", 20.0, porting_cost=5.0), vendor("nv", 35.0)], [small],
                    horizon=1))
    assert porting_paid(res, "a") == pytest.approx(5.0, rel=1e-12)
    flows = res.flows()
    spent = flows[(flows["from"] == "a") & flows["kind"].isin(["sale", "infrastructure"])]
    assert float(spent["mean"].sum()) == pytest.approx(57.5, rel=1e-9)
    assert res.checks.negative_cash < 1e-12  # rounding only


def test_the_productivity_penalty_decays_after_porting() -> None:
    # porting is free but costs half the useful compute at first, halving every year: the
    # lab ports at once (over three years the penalty averages well under the price gap)
    res = run(world([vendor("nv", 35.0),
                     vendor("amd", 20.0, porting_penalty=0.5, penalty_half_life_years=1.0)],
                    [lab("a", 1.0)], horizon=5))
    assert second_source(res, "a") == 0
    share = series(res, "amd", "market_share")
    first = math.exp(-SENSITIVITY * (35.0 / 0.5 / 50.0 - 1.0))  # amd 70 against nv 50
    assert share[0] == pytest.approx(first / (1.0 + first), rel=1e-9)
    later = math.exp(-SENSITIVITY * (50.0 / (35.0 / 0.75) - 1.0))  # a year on: 46.67 vs 50
    assert share[4] == pytest.approx(1.0 / (1.0 + later), rel=1e-9)


def test_vanishing_logit_weights_spill_supply_without_nan() -> None:
    """Regression: on a path where every platform with room has a logit weight that underflows
    to a denormal, ``total * perf`` underflowed to 0 and the spill-over became 0/0 = NaN (a
    sale of NaN stopped the run). Stream block 8 of seed-2025 at 100,000 paths, seed 2025,
    has such a path."""
    from chipcredit.analytics.metrics import reduce_chunk
    from chipcredit.engine.run import run_blocks

    sc = cc.load_scenario("seed-2025")
    (part,) = run_blocks(sc, 100_000, 2025, reduce_chunk, 8, 9)
    assert part.n == 4096 and part.checks.worst() < 1e-6  # ran to the horizon, balanced
    assert all(np.isfinite(v).all() for k, v in part.outcomes.items() if k.endswith("|npv"))
