"""Numerical edge cases: summaries stay finite and meaningful, or say why they are not.

Each case changes one thing in a small scenario (one lab, one vendor, a lender and a loan):
zero revenue, 1000% growth, volatility 0 and 5, no deals, a default in the first quarter,
IRRs with no or several sign changes, one path, a one-quarter horizon, a 100% fire-sale
haircut. Every run must balance its ledger, give valid JSON (no NaN), and keep every
statistic finite or None with p05 <= p50 <= p95; the cases then check their own numbers.
"""

from __future__ import annotations

import copy
import json
import math
import warnings
from typing import Any

import numpy as np
import pytest

import chipcredit as cc

BASE: dict[str, Any] = {
    "name": "edge", "start": "2025Q4", "horizon_quarters": 12,
    "market": {
        "ai_demand": {"volatility": 0.2, "winter": {"enter_per_year": 0.1, "exit_per_year": 0.5}},
        "hardware": {"all_in_cost_per_unit": 50, "residual_value_by_age": [1.0, 0.6, 0.3],
                     "fire_sale_haircut": 0.3},
    },
    "parties": [
        {"id": "nvidia", "kind": "vendor", "content_per_unit": 35, "gross_margin": 0.75},
        {"id": "lab", "kind": "lab",
         "revenue": {"run_rate": 2.0, "growth": {"from": 1.0, "to": 0.3, "half_life_years": 2},
                     "volatility": 0.3},
         "compute": {"installed": 0.2, "per_revenue": 0.1, "training": 0.2,
                     "training_growth": {"from": 0.5, "to": 0.2, "half_life_years": 3}},
         "cash": 5, "procurement": {"nvidia": 1.0},
         "funding": {"valuation_multiple": 20, "success": {"base": 1.0}}},
        {"id": "bank", "kind": "lender"},
    ],
    "deals": [{"id": "loan", "kind": "loan", "lender": "bank", "borrower": "lab", "amount": 2,
               "rate": 0.1, "term_years": 2, "amortisation": "amortising", "secured": True}],
}


def _scenario(**changes: Any) -> dict[str, Any]:
    """BASE with changes given as dotted paths: ``_scenario(**{"parties.1.cash": 0})``."""
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        node: Any = data
        *head, last = path.split(".")
        for part in head:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value
    return data


def _run(data: dict[str, Any], paths: int = 200, **options: Any) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(cc.load_scenario(data), paths=paths, seed=3, **options)
    _sound(result)
    return result


def _sound(result: cc.Result) -> None:
    """The checks every edge case must pass."""
    scale = max([1.0] + [float(np.abs(v).max()) for v in result.flow_sums.values()])
    assert result.max_abs_imbalance < 1e-12 * scale  # rounding grows with the flows
    summary = json.loads(result.to_json())  # raises on NaN or inf
    assert summary["paths"] == result.paths
    for row in result.summary().to_dict("records"):
        values = [row[k] for k in ("mean", "p05", "p50", "p95")]
        assert all(v is None or (isinstance(v, float) and (math.isfinite(v) or math.isnan(v)))
                   for v in values), row
        if row["p05"] is not None and not math.isnan(row["p05"]):
            assert row["p05"] <= row["p50"] + 1e-12 and row["p50"] <= row["p95"] + 1e-12, row
    for key, values in result.outcomes.items():
        assert not np.isinf(values).any(), key


def test_zero_revenue() -> None:
    result = _run(_scenario(**{"parties.1.revenue.run_rate": 0.0}))
    assert (result.outcome(None, "lab", "revenue_total") == 0).all()
    irr = json.loads(result.to_json())["deals"]["loan"]["parties"]["bank"]["irr"]
    assert irr["nan_share"] == pytest.approx(float(np.mean(np.isnan(
        result.outcome("loan", "bank", "irr")))))


def test_growth_of_900_percent_a_year_matches_hand_numbers() -> None:
    # deterministic: no shocks; growth from = to = 9 (900%, near the bound of 10) so the
    # run-rate is multiplied by 10 ** (1/4) each quarter; no inference need (per_revenue 0)
    # so all of it is served
    data = _scenario(**{"parties.1.revenue.growth": {"from": 9.0, "to": 9.0,
                                                      "half_life_years": 1},
                        "parties.1.compute.per_revenue": 0.0, "horizon_quarters": 4})
    result = _run(data, deterministic=True)
    expected = 2.0 / 4.0 * sum(10.0 ** (k / 4.0) for k in range(1, 5))  # 10.282 $B
    assert result.outcome(None, "lab", "revenue_total")[0] == pytest.approx(expected, rel=1e-12)
    ten_years = _run(_scenario(**{"parties.1.revenue.growth": {"from": 9.0, "to": 9.0,
                                                                "half_life_years": 1},
                                  "horizon_quarters": 40}), paths=50)
    assert np.isfinite(ten_years.outcome(None, "lab", "revenue_total")).all()


def test_volatility_zero_gives_identical_paths() -> None:
    # no shocks anywhere, and rounds that always succeed: nothing left to differ
    data = _scenario(**{"parties.1.revenue.volatility": 0.0, "market.ai_demand.volatility": 0.0,
                        "market.ai_demand.winter.enter_per_year": 0.0,
                        "parties.1.funding.success.base": 60.0})
    data["market"]["hardware"]["residual_volatility"] = 0.0
    revenue = _run(data, paths=64).outcome(None, "lab", "revenue_total")
    assert revenue.min() == revenue.max()


def test_volatility_five_stays_finite() -> None:
    result = _run(_scenario(**{"parties.1.revenue.volatility": 5.0,
                               "market.ai_demand.volatility": 5.0}), paths=400)
    revenue = result.outcome(None, "lab", "revenue_total")
    assert np.isfinite(revenue).all() and revenue.max() > 10 * np.median(revenue)


def test_a_lab_with_no_deals() -> None:
    result = _run(_scenario(deals=[]))
    assert result.deal_parties() == []
    summary = json.loads(result.to_json())
    assert summary["deals"] == {} and 0.0 <= summary["parties"]["lab"]["default_probability"] <= 1


def test_a_borrower_that_defaults_in_its_first_quarter() -> None:
    # no cash, heavy fixed costs, rounds that never succeed: default at quarter 0 everywhere
    # (an unsecured loan: secured on the lab's GPUs it would be repaid in full)
    data = _scenario(**{"parties.1.cash": 0.0, "parties.1.funding.success.base": -60.0,
                        "deals.0.secured": False})
    data["parties"][1]["costs"] = {"fixed_per_year": 40.0}
    result = _run(data)
    assert result.default_probability("lab") == 1.0
    assert (result.outcome(None, "lab", "default_quarter") == 0).all()
    loss = result.outcome("loan", "bank", "loss")
    moic = result.outcome("loan", "bank", "moic")
    assert np.isfinite(loss).all() and (loss > 0).all()
    assert np.isfinite(moic).all() and (moic < 1).all()


def test_irr_without_a_sign_change_is_nan_with_its_reason() -> None:
    solved = cc.irr(np.array([[1.0, 1.0, 1.0], [-1.0, -2.0, 0.0], [0.0, 0.0, 0.0]]))
    assert np.isnan(solved.irr).all()
    # flows that only go out are a total loss: -100%, below the bracket, not "no answer"
    assert solved.counts() == {"no_sign_change": 2, "no_root_in_bracket": 0, "not_converged": 0,
                              "above_bracket": 0, "below_bracket": 1}
    assert not solved.multiple_sign_changes.any()


def test_irr_with_several_sign_changes_is_flagged() -> None:
    # -1 + 3x - 2x^2 with x = 1/(1+q) has roots q = 0 and q = 1 (1500% a year, outside
    # the bracket [-99%, 1000%]): the rule gives the one root inside, 0, and flags the path
    # -1 + 2.3x - 1.32x^2 has roots q = 10% and 20% a quarter, both inside: the ends of the
    # bracket agree in sign, so there is no IRR (no_root_in_bracket), flagged too
    solved = cc.irr(np.array([[-1.0, 3.0, -2.0], [-1.0, 2.3, -1.32], [-1.0, 0.5, 0.6]]))
    assert solved.irr[0] == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(solved.irr[1]) and solved.reason[1] == 2
    assert solved.multiple_sign_changes.tolist() == [True, True, False]
    x = (-0.5 + math.sqrt(0.25 + 4 * 0.6)) / (2 * 0.6)  # -1 + 0.5x + 0.6x^2 = 0
    assert solved.irr[2] == pytest.approx((1 / x) ** 4 - 1, rel=1e-9)


def test_multiple_sign_changes_are_counted_in_the_json() -> None:
    result = _run(_scenario())
    irr = json.loads(result.to_json())["deals"]["loan"]["parties"]["bank"]["irr"]
    flagged = result.outcome("loan", "bank", "irr_multiple")
    assert irr["multiple_sign_change_share"] == pytest.approx(float(np.mean(flagged > 0)))


def test_one_path() -> None:
    result = _run(_scenario(), paths=1)
    for row in result.summary().to_dict("records"):
        if row["p05"] is not None and not math.isnan(row["p05"]):
            assert row["p05"] == row["p50"] == row["p95"] == pytest.approx(row["mean"])


def test_horizon_of_one_quarter() -> None:
    result = _run(_scenario(horizon_quarters=1, **{"deals.0.term_years": 0.25}))
    assert result.quarter_labels() == ["2025Q4"]
    assert len(result.bands("lab", "cash")) == 1


def test_fire_sale_haircut_of_100_percent_recovers_nothing_from_collateral() -> None:
    data = _scenario(**{"parties.1.cash": 0.0, "parties.1.funding.success.base": -60.0,
                        "parties.1.compute.installed": 2.0})
    data["parties"][1]["costs"] = {"fixed_per_year": 40.0}
    full = _run(_scenario(**{"market.hardware.fire_sale_haircut": 1.0}) | {
        "parties": data["parties"]})
    none = _run(_scenario(**{"market.hardware.fire_sale_haircut": 0.0}) | {
        "parties": data["parties"]})
    flows = full.flows()
    sale = flows[flows["kind"] == "collateral_sale"]["mean"].sum()
    assert sale == 0.0
    assert (none.flows().query("kind == 'collateral_sale'")["mean"].sum()) > 0
    assert full.outcome("loan", "bank", "loss").mean() > none.outcome("loan", "bank", "loss").mean()
