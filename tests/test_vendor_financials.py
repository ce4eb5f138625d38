"""Vendor financials on hand-computed deterministic paths: operating profit, the equity
value from an earnings multiple, stakes and loans marked each quarter, and the "double
hit" when a customer the vendor financed defaults.

The world: ``nv`` sells at $20B per GW with a 50% margin and $4B a year of operating costs,
is valued at 20 times its annualised trailing operating profit plus $100B of other value
(sentiment stays 0 in deterministic mode, so the multiple does not move), has 1,000M
shares, holds 10% of the lab and has lent it $5B. The lab needs 1 GW once (bought in the
first quarter) and is worth 10 x its $10B run-rate = $100B.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest
from tests.deals._build import simulate

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}


def world(cash: float = 1e4, fixed_costs: float = 0.0, training: float = 1.0) -> dict[str, Any]:
    nv = {"id": "nv", "kind": "vendor", "content_per_unit": 20.0, "gross_margin": 0.5,
          "financials": {"operating_costs_per_year": 4.0, "earnings_multiple": 20.0,
                         "other_value": 100.0, "shares_outstanding": 1000.0}}
    lab = {"id": "lab", "kind": "lab", "revenue": {"run_rate": 10.0, "growth": dict(FLAT)},
           "costs": {"fixed_per_year": fixed_costs},
           "compute": {"installed": 0.0, "per_revenue": 0.0, "training": training,
                       "training_growth": dict(FLAT)},
           "cash": cash, "procurement": {"nv": 1.0},
           "funding": {"valuation_multiple": 10.0, "success": {"base": -20.0}},
           "equity": {"holders": {"nv": 0.1}}}
    loan = {"id": "loan", "kind": "loan", "lender": "nv", "borrower": "lab", "amount": 5.0,
            "rate": 0.08, "term_years": 5, "amortisation": "bullet"}
    return {"name": "financials", "start": "2025Q4", "horizon_quarters": 8,
            "market": {"ai_demand": {"volatility": 0.0,
                                     "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                       "hardware": {"all_in_cost_per_unit": 50.0,
                                    "residual_value_by_age": [1.0, 0.5],
                                    "fire_sale_haircut": 0.3}},
            "parties": [nv, lab], "deals": [loan]}


def band(res: cc.Result, variable: str) -> np.ndarray:
    return np.asarray(res.bands("nv", variable)["mean"].to_numpy())


def run(data: dict[str, Any]) -> cc.Result:
    res = simulate(cc.load_scenario(data), deterministic=True)  # its loan outlives the horizon
    assert res.max_abs_imbalance < 1e-6
    return res


def test_operating_profit_equity_value_and_share_price_by_hand() -> None:
    res = run(world())
    profit = band(res, "operating_profit")
    # 1 GW x $20B x 50% - $1B of costs; then only the costs
    np.testing.assert_allclose(profit, [9.0] + [-1.0] * 7, rtol=1e-12)
    # trailing operating profit, annualised from what there is of the year, floored at 0
    annual = np.array([36.0, 16.0, 28.0 / 3.0, 6.0, 0.0, 0.0, 0.0, 0.0])
    stakes = 0.1 * 100.0 + 5.0  # 10% of a $100B lab, and the loan's principal
    np.testing.assert_allclose(band(res, "stakes_value"), stakes, rtol=1e-12)
    value = 20.0 * annual + 100.0 + stakes
    np.testing.assert_allclose(band(res, "equity_value"), value, rtol=1e-12)
    np.testing.assert_allclose(band(res, "share_price"), 1000.0 * value / 1000.0, rtol=1e-12)
    np.testing.assert_array_equal(band(res, "shares_outstanding"), 1000.0)
    assert res.outcome(None, "nv", "operating_profit_total")[0] == pytest.approx(2.0)
    # the costs are paid: vendor to customers, a quarter of $4B each quarter
    flows = res.flows()
    costs = flows[(flows["from"] == "nv") & (flows["kind"] == "operating_costs")]
    np.testing.assert_allclose(costs["mean"], 1.0, rtol=1e-12)


def test_double_hit_stakes_and_loan_marks_fall_with_the_customers_default() -> None:
    # $20B of cash, $10B of costs a quarter against $2.5B of revenue: it runs dry
    with warnings.catch_warnings():  # the loan loses nearly everything: no IRR
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = run(world(cash=20.0, fixed_costs=40.0, training=0.01))
    dq = int(res.outcome(None, "lab", "default_quarter")[0])
    assert 1 <= dq < 7
    stakes = band(res, "stakes_value")
    assert stakes[dq - 1] == pytest.approx(0.1 * 100.0 + 5.0)  # the stake and the loan
    np.testing.assert_array_equal(stakes[dq:], 0.0)  # both gone with the lab
    # no sales after the first quarter: the equity value falls by the marks it loses
    value = band(res, "equity_value")
    earnings = value - stakes
    assert value[dq] == pytest.approx(earnings[dq])
    assert value[dq - 1] - value[dq] > stakes[dq - 1] - 1e-9
    doc = res.to_dict()
    assert doc["vendors"]["nv"]["revenue_total"]["mean"] == pytest.approx(0.01 * 20.0)


def test_vendors_without_financials_record_no_equity_value() -> None:
    data = world()
    del data["parties"][0]["financials"]
    res = run(data)
    with pytest.raises(cc.UsageError, match="equity_value"):
        res.bands("nv", "equity_value")
    assert band(res, "market_share")[0] == 1.0  # the only vendor
    # nothing sold in the last four quarters: a share of nothing has no value (not 0)
    share = res.to_dict()["vendors"]["nv"]["market_share_end"]
    assert share["mean"] is None and share["p50"] is None and share["nan_share"] == 1.0
