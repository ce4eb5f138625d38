"""The vendors' quarterly ``share`` (of the quarter's sales in $) and ``market_share`` (of
the capacity units sold) are NaN on a path-quarter on which no vendor sold, so their bands
are over the paths with sales (as ``market_share_end``), not pulled towards 0 by the paths
on which nobody bought.

The world, by hand: one lab buys from ``nv`` ($20B per GW) and ``amd`` ($10B per GW) in
fixed 75/25 proportions, so on every path-quarter with a purchase ``nv`` ships 75% of the
units and takes 0.75 x 20 / (0.75 x 20 + 0.25 x 10) = 6/7 of the dollars. With demand
volatility some paths buy nothing in some quarters; without it the lab buys only in its
first quarter.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from tests.deals._build import simulate

import chipcredit as cc
from chipcredit.report import charts

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}
NV_DOLLARS = 0.75 * 20.0 / (0.75 * 20.0 + 0.25 * 10.0)  # 6/7


def world(volatility: float, per_revenue: float, training: float,
          installed: float = 0.5) -> dict[str, Any]:
    nv = {"id": "nv", "kind": "vendor", "content_per_unit": 20.0, "gross_margin": 0.5}
    amd = {"id": "amd", "kind": "vendor", "content_per_unit": 10.0, "gross_margin": 0.5}
    lab = {"id": "lab", "kind": "lab", "revenue": {"run_rate": 10.0, "growth": dict(FLAT)},
           "compute": {"installed": installed, "per_revenue": per_revenue, "training": training,
                       "training_growth": dict(FLAT)},
           "cash": 100.0, "procurement": {"nv": 0.75, "amd": 0.25},
           "funding": {"valuation_multiple": 10.0, "success": {"base": -20.0}}}
    return {"name": "shares", "start": "2025Q4", "horizon_quarters": 4,
            "market": {"ai_demand": {"volatility": volatility,
                                     "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                       "hardware": {"all_in_cost_per_unit": 50.0,
                                    "residual_value_by_age": [1.0, 0.5],
                                    "fire_sale_haircut": 0.3}},
            "parties": [nv, amd, lab], "deals": []}


@pytest.fixture(scope="module")
def mixed() -> cc.Result:
    """20 paths on which demand moves: some path-quarters have purchases, some none."""
    return simulate(cc.load_scenario(world(0.5, 0.05, 0.0)), paths=20, seed=1)


def series(res: cc.Result, vendor: str, variable: str) -> np.ndarray:
    return np.asarray(res.reservoir[(vendor, variable)], dtype=np.float64)


def test_shares_are_nan_exactly_where_no_vendor_sold(mixed: cc.Result) -> None:
    units = series(mixed, "nv", "units") + series(mixed, "amd", "units")
    sold = units > 0
    assert sold.any() and not sold.all()  # the world has both kinds of path-quarter
    for variable, nv in (("market_share", 0.75), ("share", NV_DOLLARS)):
        nv_share, amd_share = series(mixed, "nv", variable), series(mixed, "amd", variable)
        np.testing.assert_array_equal(np.isnan(nv_share), ~sold)
        np.testing.assert_array_equal(np.isnan(amd_share), ~sold)
        np.testing.assert_allclose(nv_share[sold], nv, rtol=1e-6)
        np.testing.assert_allclose(amd_share[sold], 1.0 - nv, rtol=1e-6)


def test_bands_of_a_share_are_over_the_paths_with_sales(mixed: cc.Result) -> None:
    """Every path with sales has the same split, so every band is that split: counting the
    paths without sales as 0 would give a lower mean and a p05 of 0."""
    for variable, nv in (("market_share", 0.75), ("share", NV_DOLLARS)):
        bands = mixed.bands("nv", variable)
        for column in ("mean", "p05", "p25", "p50", "p75", "p95"):
            np.testing.assert_allclose(bands[column], nv, rtol=1e-6)
        total = bands["mean"] + mixed.bands("amd", variable)["mean"]
        np.testing.assert_allclose(total, 1.0, rtol=1e-6)


def test_a_quarter_in_which_no_path_sold_has_no_share() -> None:
    """Deterministic: the lab buys its training capacity in the first quarter only, so the
    shares of the later quarters are NaN (not 0) and so are their bands."""
    res = simulate(cc.load_scenario(world(0.0, 0.0, 1.0, installed=0.0)), deterministic=True)
    units = series(res, "nv", "units")[0]
    assert units[0] > 0 and not units[1:].any()
    share = series(res, "nv", "market_share")[0]
    assert share[0] == pytest.approx(0.75)
    assert np.isnan(share[1:]).all()
    bands = res.bands("amd", "share")
    assert bands["mean"].iloc[0] == pytest.approx(1.0 - NV_DOLLARS, rel=1e-6)
    assert bands[["mean", "p05", "p50", "p95"]].iloc[1:].isna().all().all()
    # the end share (last four quarters) still counts the first quarter's purchase
    doc = res.to_dict()["vendors"]
    assert doc["nv"]["market_share_end"]["mean"] == pytest.approx(0.75)


def test_the_market_chart_reads_nan_shares(mixed: cc.Result) -> None:
    """The report's stacked chart of dollar shares leaves the NaN path-quarters out of its
    mean (as it left the old zeros out): 6/7 and 1/7 in every quarter, stacking to 100%."""
    shares, derived = charts.vendor_shares(mixed)
    assert not derived
    np.testing.assert_allclose(shares["nv"], NV_DOLLARS, rtol=1e-6)
    np.testing.assert_allclose(shares["amd"], 1.0 - NV_DOLLARS, rtol=1e-6)
    fig = charts.fan_chart(mixed, "nv", "market_share")  # draws the bands
    assert np.allclose(np.asarray(fig.data[-1].y, dtype=float), 0.75)
