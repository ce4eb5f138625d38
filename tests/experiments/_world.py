"""A tiny scenario whose metrics are known by hand.

A lab with flat revenue and far more cash than it can spend (no compute needs, so it never
buys, raises or defaults) borrows ``amount`` from a lender for two years, bullet, at
``rate``; the horizon is three years (12 quarters). Then, on every path:

- the lender's cash in on the loan is ``amount × (1 + 2 × rate)`` (interest ``rate/4`` for
  8 quarters, and the principal back);
- the lab's cash at the end is ``cash + 3 × run_rate − 2 × amount × rate`` (three years of
  revenue, less the interest; the principal comes and goes).

``cash`` and ``run_rate`` are uncertain (uniform), so the lab's end cash is linear and
additive in two uncertain numbers whose effects have a known ratio.
"""

from __future__ import annotations

import copy
from typing import Any

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}
CASH = {"dist": "uniform", "low": 900.0, "high": 1100.0}
RUN_RATE = {"dist": "uniform", "low": 80.0, "high": 120.0}
CASH_P05_P95 = (910.0, 1090.0)
RUN_RATE_P05_P95 = (82.0, 118.0)
LENDER_CASH_IN = "deals.loan.parties.apollo.cash_in.mean"
LAB_CASH_END = "parties.xai.cash_end.mean"


def world_data(amount: float = 10.0, rate: float = 0.1,
               correlations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    lab = {
        "id": "xai", "kind": "lab",
        "revenue": {"run_rate": copy.deepcopy(RUN_RATE), "growth": dict(FLAT)},
        "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                    "training_growth": dict(FLAT)},
        "cash": copy.deepcopy(CASH),
        "procurement": {"nvidia": 1.0},
        "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}},
    }
    return {
        "name": "linear-world", "start": "2025Q4", "horizon_quarters": 12,
        "market": {"ai_demand": {"volatility": 0.0,
                                 "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                   "hardware": {"all_in_cost_per_unit": 35.0,
                                "residual_value_by_age": [1.0, 0.8, 0.6, 0.45, 0.3, 0.2],
                                "fire_sale_haircut": 0.3}},
        "parties": [
            {"id": "nvidia", "kind": "vendor", "content_per_unit": 35.0, "gross_margin": 0.75},
            lab,
            {"id": "apollo", "kind": "lender", "discount_rate": 0.09},
        ],
        "deals": [{"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai",
                   "amount": amount, "rate": rate, "term_years": 2, "amortisation": "bullet"}],
        "correlations": correlations or [],
    }


def world(**kwargs: Any) -> cc.Scenario:
    return cc.load_scenario(world_data(**kwargs))


def correlated_world(rho: float = 0.5) -> cc.Scenario:
    return world(correlations=[{"a": "parties.xai.cash", "b": "parties.xai.revenue.run_rate",
                                "rho": rho}])
