"""`simulate` warns once, with a ChipcreditWarning, when IRRs are missing on some paths,
and stays silent on a clean run."""

from __future__ import annotations

import warnings
from typing import Any

import pytest

import chipcredit as cc

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}


def _world(deals: list[dict[str, Any]], lab_overrides: dict[str, Any]) -> dict[str, Any]:
    lab: dict[str, Any] = {
        "id": "xai", "kind": "lab", "revenue": {"run_rate": 100.0, "growth": dict(FLAT)},
        "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                    "training_growth": dict(FLAT)},
        "cash": 1000.0, "procurement": {"nvidia": 1.0},
        "funding": {"valuation_multiple": 10.0, "success": {"base": 0.0}},
    }
    lab.update(lab_overrides)
    return {
        "name": "warnings", "start": "2025Q4", "horizon_quarters": 24,
        "market": {"ai_demand": {"volatility": 0.0,
                                 "winter": {"enter_per_year": 0.0, "exit_per_year": 0.5}},
                   "hardware": {"all_in_cost_per_unit": 35.0, "residual_value_by_age": [0.5],
                                "fire_sale_haircut": 0.25, "useful_life_years": 50}},
        "parties": [{"id": "nvidia", "kind": "vendor", "content_per_unit": 35.0,
                     "gross_margin": 0.75},
                    lab,
                    {"id": "valor", "kind": "investor"},
                    {"id": "apollo", "kind": "lender"}],
        "deals": deals,
    }


def _wipe_out() -> dict[str, Any]:
    """valor pays 10 for 1% of a lab that defaults in its first quarter (no revenue, costs
    of 12 a quarter, rounds that never close). Its fleet (1 unit, 35 x 199/200 of cost
    after a quarter's ageing, worth half of that) sells for 0.75 x 0.5 x 34.825 =
    13.059375; the 2 of unpaid costs come first, valor gets 1% of the other 11.059375:
    0.11059375 back on 10 one quarter later. Its quarterly IRR would be
    0.011059375 - 1 = -98.9%, -99.99998% a year: below the bracket's -99%."""
    lab = {"revenue": {"run_rate": 0.0, "growth": dict(FLAT)},
           "costs": {"fixed_per_year": 48.0},
           "compute": {"installed": 1.0, "per_revenue": 0.0, "training": 0.0,
                       "training_growth": dict(FLAT)},
           "cash": 0.0, "funding": {"valuation_multiple": 10.0, "success": {"base": -50.0}}}
    deal = {"id": "eq", "kind": "equity", "investor": "valor", "investee": "xai",
            "amount": 10, "pre_money_valuation": 990}
    return _world([deal], lab)


def test_irr_below_the_bracket_is_named_without_a_warning() -> None:
    """Flows that change sign once have exactly one IRR; when it lies outside the bracket
    the NaN has a known answer (reason below_bracket, its share in the JSON), not a warning."""
    sc = cc.load_scenario(_wipe_out())
    with warnings.catch_warnings():
        warnings.simplefilter("error", cc.ChipcreditWarning)
        res = cc.simulate(sc, deterministic=True)
    # the run itself is sound, and the missing IRR is a NaN with its reason kept
    assert res.max_abs_imbalance < 1e-9
    got = res.outcome("eq", "valor", "cash_in")[0]
    assert got == pytest.approx(0.11059375, abs=1e-12)
    irr = res.to_dict()["deals"]["eq"]["parties"]["valor"]["irr"]
    assert irr["nan_share"] == 1.0 and irr["below_bracket_share"] == 1.0
    assert irr["above_bracket_share"] == 0.0
    assert res.irr_reasons()[("eq", "valor")]["below_bracket"] == 1


def test_irr_without_a_root_warns_exactly_once() -> None:
    # the telecom banks' loans to the carriers: flows whose first and last amounts have one
    # sign and that change sign several times, with no root in the bracket on most paths
    # and no side that can be proved (300 paths, seed 1)
    with pytest.warns(cc.ChipcreditWarning) as record:
        res = cc.simulate("telecom-2000", paths=300, seed=1)
    ours = [w for w in record if issubclass(w.category, cc.ChipcreditWarning)
            and not issubclass(w.category, cc.ChipcreditNote)]
    assert len(ours) == 1
    # the carriers' loans and facilities end after the 12-quarter horizon: one note, apart
    notes = [str(w.message) for w in record if issubclass(w.category, cc.ChipcreditNote)]
    assert notes == [res.scenario.horizon_note()]
    text = str(ours[0].message)
    missing = res.irr_reasons()[("banks-peer-1", "banks")]["no_root_in_bracket"]
    assert missing > 0
    assert f"banks-peer-1/banks: {missing} (no_root_in_bracket {missing})" in text


def test_a_warrant_sold_in_tranches_is_above_the_bracket_without_a_warning() -> None:
    """The AMD warrant's holder pays a cent a share at each tranche and sells the shares
    later: flows that change sign several times, with the NPV still positive at the 1000%
    bound. The first flow is a payment, so an IRR lies above the bound: reason
    above_bracket, no warning (300 paths, seed 5). A path where OpenAI pays for a tranche and
    defaults before selling it (pay, sell, pay: a few paths in a thousand; here path 70, a
    default in 2031Q1 after the 2030Q2 tranche) has IRRs on both sides of the bracket: no_root_in_bracket,
    which is warned about, with its count."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        res = cc.simulate("seed-2025", paths=300, seed=5)
    reasons = res.irr_reasons()[("amd-openai-warrant", "openai")]
    assert reasons["above_bracket"] > 200
    text = " ".join(str(w.message) for w in caught)
    assert "above_bracket" not in text  # explained, never warned about
    lost = reasons["no_root_in_bracket"]
    assert (f"amd-openai-warrant/openai: {lost} (no_root_in_bracket {lost})" in text) == (lost > 0)
    irr = res.to_dict()["deals"]["amd-openai-warrant"]["parties"]["openai"]["irr"]
    assert irr["above_bracket_share"] == pytest.approx(reasons["above_bracket"] / 300)


def test_clean_run_does_not_warn() -> None:
    # an SPV lease to a lab that always pays: every party's flows have an IRR, except the
    # lessee's, which only go out (it only pays rent: -100%, below the bracket), a known
    # answer and not worth a warning
    spv = {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia",
           "amount": 20, "equity": {"valor": 7.5},
           "debt": {"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 5},
           "lease": {"term_years": 5, "rate": 0.16, "residual": 0.2}, "at_end": "sell"}
    sc = cc.load_scenario(_world([spv], {}))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cc.simulate(sc, deterministic=True)
        res_many = cc.simulate(sc, paths=100, seed=1)
    assert res.irr_reasons()[("spv", "xai")]["below_bracket"] == 1
    assert res_many.max_abs_imbalance < 1e-9
