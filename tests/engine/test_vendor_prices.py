"""A vendor's content per unit is part of the all-in cost per unit, so it never exceeds it,
however fast the vendor's prices rise against the all-in cost."""

from __future__ import annotations

import numpy as np
import pytest

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}


def test_content_price_stops_at_the_all_in_cost() -> None:
    # Regression: content 34 of an all-in 35, rising 20% a year, passed the all-in cost in
    # the second quarter (34 x 1.2^(1/4) = 35.59), and the build-out share of a purchase,
    # 35 - 35.59 per unit, became a negative transfer that stopped the run.
    data = {
        "name": "prices", "start": "2025Q4", "horizon_quarters": 8,
        "market": {"ai_demand": {"volatility": 0.0,
                                 "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                   "hardware": {"all_in_cost_per_unit": 35.0, "residual_value_by_age": [1.0],
                                "fire_sale_haircut": 0.3}},
        "parties": [
            {"id": "nvidia", "kind": "vendor", "content_per_unit": 34.0, "gross_margin": 0.75,
             "price_change_per_year": 0.2},
            {"id": "xai", "kind": "lab", "revenue": {"run_rate": 100.0, "growth": dict(FLAT)},
             "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.1,
                         "training_growth": {"from": 1.0, "to": 1.0, "half_life_years": 1.0}},
             "cash": 1000.0, "procurement": {"nvidia": 1.0},
             "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}}},
        ],
    }
    res = cc.simulate(cc.load_scenario(data), deterministic=True)
    assert res.max_abs_imbalance < 1e-9
    flows = res.flows()
    sales = flows[flows["kind"] == "sale"].set_index("quarter")["mean"]
    build = flows[flows["kind"] == "infrastructure"].set_index("quarter")["mean"]
    # training doubles every year and grows before each quarter's purchases: the lab needs
    # 0.1 x 2^((k+1)/4) units in quarter k and buys the growth, all of it from nvidia
    assert len(sales) == 8
    # quarter 0: 0.1 x 2^(1/4) = 0.11892071150027211 units; 34 each to the vendor (content
    # below the all-in cost) = 4.043304191009252, and 35 - 34 = 1 each of build-out
    assert sales["2025Q4"] == pytest.approx(0.11892071150027211 * 34, abs=1e-12)
    assert build["2025Q4"] == pytest.approx(0.11892071150027211 * 1, abs=1e-12)
    # from quarter 1 the content is capped at 35: the whole all-in cost goes to the vendor
    assert set(build.index) == {"2025Q4"}
    units_q1 = 0.1 * (2**0.5 - 2**0.25)  # 0.022500644737037414
    assert sales["2026Q1"] == pytest.approx(units_q1 * 35.0, abs=1e-12)
    assert np.all(sales.to_numpy() > 0)
