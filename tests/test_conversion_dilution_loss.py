"""A converted ``vendor_credit`` stake is diluted by the borrower's later rounds, and the
vendor's ``loss`` counts it (docs/deals.md, ``vendor_credit``; docs/output.md, ``loss``).

The receivable counts as received when it converts, so the credit part of the loss is 0;
the shares then count as equity bought for the amount converted: the loss adds
``max(converted - the stake's horizon mark, 0)``, undiscounted.

The world (that of tests/engine/test_round_cap.py): a lab with a flat run-rate of $1B a year
at 20x and a sentiment loading of 0, so its pre-money valuation is $20B in every quarter,
on 1.0 billion opening shares; $5B a year of fixed costs, so it burns $1B a quarter. With
$1 of cash and ``max_dilution: 0.05`` it raises a round in every quarter, each capped at
20 x 0.05 / 0.95 = 20 / 19 and selling exactly 5% of the company: every holder keeps 95%
of its share at each round. (Its cash grows by 1 / 19 a quarter, never reaching its
4-quarter buffer.) Nvidia ships $1B on credit at 8% nominal (2% a quarter) for 1 year,
repaid by conversion at a 20% discount; the GPUs' all-in cost is their content, so the
shipment costs the lab no cash and its burn stays $1B a quarter. Every number is worked by
hand below.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}
X = 1.02 ** 4  # the receivable at maturity (quarter 3): 1.08243216, all of it converts
STAKE = X / (16 + X)  # see test_a_stake_diluted_after_conversion_loses_for_the_vendor


def world(cash: float) -> dict[str, Any]:
    lab = {"id": "xai", "kind": "lab", "revenue": {"run_rate": 1.0, "growth": dict(FLAT)},
           "costs": {"fixed_per_year": 5.0},
           "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                       "training_growth": dict(FLAT)},
           "cash": cash, "procurement": {"nvidia": 1.0},
           "funding": {"valuation_multiple": 20, "sentiment_loading": 0.0,
                       "success": {"base": 3.0}, "max_dilution": 0.05}}
    credit = {"id": "vc", "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
              "amount": 1, "rate": 0.08, "term_years": 1,
              "repayment": [{"kind": "conversion", "discount": 0.2}]}
    return {"name": "diluted-conversion", "start": "2025Q4", "horizon_quarters": 12,
            "market": {"ai_demand": {"volatility": 0.0,
                                     "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                       "hardware": {"all_in_cost_per_unit": 30.0,
                                    "residual_value_by_age": [1.0, 0.5],
                                    "fire_sale_haircut": 0.3}},
            "parties": [{"id": "nvidia", "kind": "vendor", "content_per_unit": 30.0,
                         "gross_margin": 0.7}, lab],
            "deals": [credit]}


def run(cash: float) -> cc.Result:
    # the lab's flows in a conversion-only deal net to zero at every time, so it has no
    # IRR: that summary warning is expected and says nothing about the loss
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(world(cash)), deterministic=True)
    assert res.max_abs_imbalance < 1e-6
    return res


def nvidia(res: cc.Result, metric: str) -> float:
    values = res.outcome("vc", "nvidia", metric)
    assert values.shape == (1,)
    return float(values[0])


def test_a_stake_diluted_after_conversion_loses_for_the_vendor() -> None:
    # Rounds at q = 0, 1, 2 leave (20 / 19)^3 = S shares before the conversion in quarter 3
    # (phase 4, before that quarter's round). X = 1.02^4 = 1.08243216 converts at
    # 0.8 x 20 / S = 16 / S per share: X S / 16 new shares, a stake of
    #   (X / 16) / (1 + X / 16) = X / (16 + X) = 1.08243216 / 17.08243216 = 0.0633652251542148
    # worth X / 0.8 = 1.3530402 then (the lab's dilution_cost). The rounds at q = 3..11, nine
    # of them, each leave 95%: at the horizon the stake is 0.0633652... x 0.95^9 of the $20B
    #   mark = 20 x 0.0633652251542148 x 0.6302494097246091 = 0.7987179150102167
    #   loss = X - mark = 1.08243216 - 0.7987179150102167 = 0.2837142449897833
    res = run(cash=1.0)
    assert STAKE == pytest.approx(0.0633652251542148, rel=1e-15)
    assert nvidia(res, "conversion_stake") == pytest.approx(STAKE, rel=1e-12)
    assert float(res.outcome("vc", "xai", "dilution_cost")[0]) == pytest.approx(X / 0.8,
                                                                                rel=1e-12)
    mark = 20 * STAKE * 0.95 ** 9
    assert nvidia(res, "mark") == pytest.approx(mark, rel=1e-12)
    assert nvidia(res, "loss") == pytest.approx(X - mark, rel=1e-12)
    assert nvidia(res, "loss") == pytest.approx(0.2837142449897833, rel=1e-12)
    # its cash: the $1B lent out, nothing back (the conversion's repayment and the shares
    # it buys are a round trip at time 3); so its MOIC is the mark over the 1
    assert nvidia(res, "cash_out") == pytest.approx(1.0, abs=1e-12)
    assert nvidia(res, "cash_in") == 0.0
    assert nvidia(res, "moic") == pytest.approx(mark, rel=1e-12)


def test_without_later_rounds_the_discount_keeps_the_stake_above_its_cost() -> None:
    # With $1,000B of cash the lab never raises: 1.0 share until the conversion, which issues
    # X / 16 shares, and no share after it. The stake stays X / (16 + X) of the $20B:
    #   mark = 20 X / (16 + X) = 21.6486432 / 17.08243216 = 1.267304503084296,
    # above the X = 1.0824 converted (thanks to the 20% discount), so the loss is 0
    res = run(cash=1000.0)
    assert nvidia(res, "conversion_stake") == pytest.approx(STAKE, rel=1e-12)
    assert nvidia(res, "mark") == pytest.approx(20 * STAKE, rel=1e-12)
    assert nvidia(res, "mark") == pytest.approx(1.267304503084296, rel=1e-12)
    assert nvidia(res, "loss") == 0.0
