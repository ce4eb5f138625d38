"""The worked examples in the deal modules' docstrings (and docs/deals.md), recomputed.

Each number below is the one the docstring states; the test recomputes it from the
library's own finance functions, so a docstring and the code cannot drift apart silently.
"""

from __future__ import annotations

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.deals.loan import level_payment


def test_loan_amortising_level_payment() -> None:
    # 5 x 0.03125 / (1 - 1.03125^-20) = 0.339974535...
    assert float(cc.annuity_payment(5.0, 0.125 / 4, 20)) == pytest.approx(0.3400, abs=5e-5)
    assert float(level_payment(np.array([5.0]), 0.125 / 4, 20)[0]) == pytest.approx(
        0.33997453538226, abs=1e-12)


def test_spv_rent_debt_service_and_equity_remainder() -> None:
    # rent amortises 20 down to a 4 residual at 4% a quarter over 20 quarters
    rent = float(level_payment(np.array([20.0]), 0.04, 20, 4.0)[0])
    assert rent == pytest.approx(1.3373080052580617, abs=1e-12)
    debt = float(level_payment(np.array([12.5]), 0.0275, 20)[0])
    assert debt == pytest.approx(0.8208966325758603, abs=1e-12)
    assert rent - debt == pytest.approx(0.5164, abs=5e-5)


def _take_or_pay_world(committed: float, later: float = 0.0) -> dict:
    """A lab that needs 0.1 units a quarter and must take ``committed`` units of AMD in its
    first quarter (and ``later`` units in its second), at $20B per unit content, 20% fee;
    all-in cost 50, no shocks."""
    schedule = [{"quarter": "2025Q4", "capacity": committed}]
    if later:
        schedule.append({"quarter": "2026Q1", "capacity": later})
    return {
        "name": "take-or-pay", "start": "2025Q4", "horizon_quarters": 4,
        "market": {
            "ai_demand": {"volatility": 0, "winter": {"enter_per_year": 0, "exit_per_year": 1}},
            "hardware": {"all_in_cost_per_unit": 50, "residual_value_by_age": [1.0],
                         "fire_sale_haircut": 0.3, "useful_life_years": 100},
        },
        "parties": [
            {"id": "amd", "kind": "vendor", "content_per_unit": 20, "gross_margin": 0.5},
            {"id": "lab", "kind": "lab",
             "revenue": {"run_rate": 0, "growth": {"from": 0, "to": 0, "half_life_years": 1}},
             "compute": {"installed": 0, "per_revenue": 0, "training": 0.1,
                         "training_growth": {"from": 0, "to": 0, "half_life_years": 1}},
             "cash": 1000, "procurement": {"amd": 1.0},
             "funding": {"valuation_multiple": 10, "success": {"base": 5}}},
        ],
        "deals": [{"id": "top", "kind": "purchase_commitment", "lab": "lab", "vendor": "amd",
                   "schedule": schedule,
                   "shortfall_fee": 0.2}],
    }


def test_take_or_pay_fee_on_capacity_not_taken() -> None:
    # The lab needs 0.1 units, is committed to 0.25: it buys 0.1 ($2B of AMD content) and
    # owes 0.2 x (0.25 - 0.1) x 20 = $0.6B at the end of 2025Q4; nothing afterwards.
    res = cc.simulate(cc.load_scenario(_take_or_pay_world(0.25)), deterministic=True)
    lines = res.cashflows("top")
    fees = lines[lines["kind"] == "take_or_pay"]
    assert list(fees["quarter"]) == ["2025Q4"]
    assert fees["amount"].iloc[0] == pytest.approx(0.6, abs=1e-12)
    assert res.outcome("top", "amd", "cash_in")[0] == pytest.approx(0.6, abs=1e-12)
    # AMD's gross profit on the committed capacity it sold: 0.5 x 0.1 x 20 = 1.0
    assert res.outcome("top", "amd", "tied_gross_profit")[0] == pytest.approx(1.0, abs=1e-12)


def test_take_or_pay_exposure_is_the_claim_at_default() -> None:
    # In 2025Q4 AMD is owed the 0.6 fee and, were the lab to default then, the fee on the
    # 0.25 still scheduled for 2026Q1: 0.6 + 0.2 x 0.25 x 20 = 1.6. In 2026Q1 the lab has
    # the 0.1 it needs and takes nothing, so only that quarter's fee is left:
    # 0.2 x 0.25 x 20 = 1.0. The peak is the first.
    res = cc.simulate(cc.load_scenario(_take_or_pay_world(0.25, later=0.25)), deterministic=True)
    assert res.outcome("top", "amd", "peak_exposure")[0] == pytest.approx(1.6, abs=1e-12)
    assert res.outcome("top", "amd", "cash_in")[0] == pytest.approx(0.6 + 1.0, abs=1e-12)
    # with nothing scheduled after the first quarter, the exposure is that quarter's fee
    res = cc.simulate(cc.load_scenario(_take_or_pay_world(0.25)), deterministic=True)
    assert res.outcome("top", "amd", "peak_exposure")[0] == pytest.approx(0.6, abs=1e-12)


def test_take_or_pay_no_fee_when_commitment_is_needed() -> None:
    res = cc.simulate(cc.load_scenario(_take_or_pay_world(0.1)), deterministic=True)
    assert res.outcome("top", "amd", "cash_in")[0] == 0.0
