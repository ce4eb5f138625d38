"""The borrower's dilution when a ``vendor_credit`` converts, reported beside the deal.

At conversion the lab repays the receivable with new shares, not cash, so its deal flows
show nothing (the debt just stops). Beside the deal it reports ``dilution_cost``, the market
value of the shares it issued at the price the conversion used, before the discount ($B), and
both parties report ``conversion_stake``, the share of the lab the conversion issued (new
shares over all shares just after it). Every expected number below is worked out by hand in
the comments.

The world: a lab with flat revenue of $8B a year ($2B a quarter), valued at 10 x 8 = $80B
on its opening 1.0 billion shares (sentiment 0 in the deterministic base case; it never
raises, holding $1,000B of cash), so its price is $80B per billion shares, $80 a share, at
every quarter. Nvidia ships $5B on credit at 8% nominal (2% a quarter) for 2 years.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}
DEAL = "vc"


def world(repayment: list[dict[str, Any]], term_years: float = 2.0,
          close_probability: float = 1.0) -> dict[str, Any]:
    nvidia = {"id": "nvidia", "kind": "vendor", "content_per_unit": 35.0, "gross_margin": 0.75}
    lab = {"id": "xai", "kind": "lab", "revenue": {"run_rate": 8.0, "growth": dict(FLAT)},
           "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                       "training_growth": dict(FLAT)},
           "cash": 1000.0, "procurement": {"nvidia": 1.0},
           "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}}}
    credit = {"id": DEAL, "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
              "amount": 5, "rate": 0.08, "term_years": term_years, "repayment": repayment,
              "close_probability": close_probability}
    return {"name": "dilution", "start": "2025Q4", "horizon_quarters": 16,
            "market": {"ai_demand": {"volatility": 0.0,
                                     "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                       "hardware": {"all_in_cost_per_unit": 35.0,
                                    "residual_value_by_age": [1.0, 0.8, 0.6, 0.45, 0.3, 0.2],
                                    "fire_sale_haircut": 0.3}},
            "parties": [nvidia, lab], "deals": [credit]}


def run(data: dict[str, Any]) -> cc.Result:
    # the lab's flows in a conversion-only deal net to zero at every time, so it has no IRR:
    # that summary warning is expected and says nothing about the dilution
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(data), deterministic=True)
    assert res.max_abs_imbalance < 1e-6
    return res


def one(res: cc.Result, party: str, metric: str) -> float:
    values = res.outcome(DEAL, party, metric)
    assert values.shape == (1,)
    return float(values[0])


def test_conversion_of_the_whole_receivable_dilutes_by_its_value_over_one_less_discount() -> None:
    # Nothing is repaid before maturity (8 quarters): X = 5 x 1.02^8 = 5.858296905011329
    # converts at 20% below the $80 price, i.e. at 80 x (1 - 0.2) = 64:
    #   shares        = X / (P (1 - d)) = 5.858296905011329 / 64 = 0.09153588914080202 billion
    #                 = 91.53588914080202 million
    #   dilution_cost = shares x P = X / (1 - d) = 5.858296905011329 / 0.8 = 7.322871131264161
    #   stake         = shares / (1 + shares) = 0.09153588914080202 / 1.09153588914080202
    #                 = 0.0838597155177867 of the lab (it had 1.0 billion shares before)
    res = run(world([{"kind": "conversion", "discount": 0.2}]))
    assert one(res, "xai", "dilution_cost") == pytest.approx(7.322871131264161, rel=1e-12)
    assert one(res, "xai", "conversion_stake") == pytest.approx(0.0838597155177867, rel=1e-12)
    assert one(res, "nvidia", "conversion_stake") == pytest.approx(0.0838597155177867, rel=1e-12)
    # the dilution is beside the deal, not in it: the lab's cash metrics count the $5B it
    # drew at time 0 (its purchase is the vendor's sale, not a deal flow) and nothing for
    # the repayment, whose conversion round trip at time 8 nets to zero. Its NPV is the
    # undiscounted 5, as if the debt were forgiven; the 7.32 of shares it gave is only here
    assert one(res, "xai", "npv") == pytest.approx(5.0, abs=1e-12)
    assert one(res, "xai", "cash_in") == pytest.approx(5.0, abs=1e-12)
    assert one(res, "xai", "cash_out") == 0.0
    # the lender's side has no dilution of its own
    with pytest.raises(cc.UsageError, match="dilution_cost"):
        res.outcome(DEAL, "nvidia", "dilution_cost")


def test_conversion_of_what_the_revenue_share_left() -> None:
    # 50% of $2B revenue = $1.0B a quarter, capped at 0.6 x 5 = $3B: three payments. The
    # balance after n payments is 5 x 1.02^n - (1.02^n - 1) / 0.02 = 50 - 45 x 1.02^n:
    #   B_3 = 50 - 45 x 1.061208 = 2.24564, accruing for quarters 4..8:
    #   X   = 2.24564 x 1.02^5 = 2.479368014898042 converts at 80 x (1 - 0.25) = 60:
    #   shares        = 2.479368014898042 / 60 = 0.0413228002483007 billion = 41.3228002483007M
    #   dilution_cost = X / (1 - 0.25) = 2.479368014898042 / 0.75 = 3.305824019864056
    #   stake         = 0.0413228002483007 / 1.0413228002483007 = 0.03968298805946378
    res = run(world([{"kind": "revenue_share", "share": 0.5, "cap_multiple": 0.6},
                     {"kind": "conversion", "discount": 0.25}]))
    assert one(res, "xai", "dilution_cost") == pytest.approx(3.305824019864056, rel=1e-12)
    assert one(res, "xai", "conversion_stake") == pytest.approx(0.03968298805946378, rel=1e-12)
    # of it, X extinguished the debt and the rest, X x d / (1 - d), is the discount given
    # away: 3.305824019864056 - 2.479368014898042 = 0.826456004966014
    assert one(res, "xai", "dilution_cost") - 2.479368014898042 == pytest.approx(
        0.826456004966014, abs=1e-12)


@pytest.mark.parametrize("repayment, term_years, close", [
    # repaid in cash at maturity: no conversion means at all
    ([{"kind": "revenue_share", "share": 0.5, "cap_multiple": 10}, {"kind": "cash"}], 2.0, 1.0),
    # the revenue share clears the balance in quarter 6 of 12: nothing is left to convert
    ([{"kind": "revenue_share", "share": 0.5, "cap_multiple": 10},
      {"kind": "conversion", "discount": 0.2}], 3.0, 1.0),
    # the deal never closes
    ([{"kind": "conversion", "discount": 0.2}], 2.0, 0.0),
], ids=["cash", "repaid-first", "not-closed"])
def test_no_conversion_no_dilution(repayment: list[dict[str, Any]], term_years: float,
                                   close: float) -> None:
    res = run(world(repayment, term_years, close))
    assert one(res, "xai", "dilution_cost") == 0.0
    assert one(res, "xai", "conversion_stake") == 0.0
    assert one(res, "nvidia", "conversion_stake") == 0.0


@pytest.fixture(scope="module")
def seed_run() -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate("seed-2025", paths=200, seed=2025)


def test_seed_2025_reports_the_borrowers_dilution_everywhere(seed_run: cc.Result) -> None:
    deal, borrower, vendor = "xai-chips-on-credit", "xai", "nvidia"
    dilution = seed_run.outcome(deal, borrower, "dilution_cost")
    stake = seed_run.outcome(deal, borrower, "conversion_stake")
    # some paths convert and some do not (repaid first, or the lab defaulted); a path that
    # issued shares has a dilution cost, and one that issued none has none
    assert 0 < np.count_nonzero(dilution) < dilution.size
    np.testing.assert_array_equal(dilution > 0, stake > 0)
    assert (dilution >= 0).all() and (stake >= 0).all() and (stake < 1).all()
    np.testing.assert_array_equal(seed_run.outcome(deal, vendor, "conversion_stake"), stake)
    # the JSON summary (docs/design.md section 9): beside the borrower's deal metrics
    parties = seed_run.to_dict()["deals"][deal]["parties"]
    # (the kept per-path values may be float32; the statistics are taken in float64)
    stats = parties[borrower]["dilution_cost"]
    assert stats["mean"] == pytest.approx(float(np.mean(dilution, dtype=np.float64)), rel=1e-6)
    assert stats["mean"] > 0
    assert parties[borrower]["conversion_stake"]["p50"] == pytest.approx(
        float(np.median(stake.astype(np.float64))), rel=1e-6)
    assert "dilution_cost" not in parties[vendor] and "conversion_stake" in parties[vendor]
    # res.summary(), which the run store's metrics rows copy
    rows = seed_run.summary()
    mine = rows[(rows.deal == deal) & (rows.party == borrower) & (rows.metric == "dilution_cost")]
    assert len(mine) == 1
    assert float(mine["mean"].iloc[0]) == stats["mean"]
