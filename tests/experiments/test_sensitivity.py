"""Sensitivity on a scenario whose metrics are linear in two parameters: the ranking and the
ratio of effects match the hand calculation (see ``_world.py``)."""

from __future__ import annotations

import json
import sys
import warnings

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.analytics.query import metric_value
from chipcredit.experiments.runner import apply_numbers, fast_metric, run_variants

from ._world import (
    CASH_P05_P95,
    LAB_CASH_END,
    LENDER_CASH_IN,
    RUN_RATE_P05_P95,
    correlated_world,
    world,
)

CASH_EFFECT = CASH_P05_P95[1] - CASH_P05_P95[0]  # 180: end cash moves one for one with cash
RUN_RATE_EFFECT = 3 * (RUN_RATE_P05_P95[1] - RUN_RATE_P05_P95[0])  # 108: three years of it


@pytest.fixture(scope="module")
def sc() -> cc.Scenario:
    return world()


def test_the_world_is_what_the_hand_calculation_says(sc: cc.Scenario) -> None:
    res = cc.simulate(sc, paths=64, seed=5)
    cash = res.outcome(None, "xai", "cash_end")
    assert metric_value(res, LENDER_CASH_IN) == pytest.approx(10 * (1 + 2 * 0.1), abs=1e-12)
    assert np.ptp(cash) > 100  # the uncertain numbers do vary by path
    assert fast_metric(res, LAB_CASH_END) == metric_value(res, LAB_CASH_END)
    assert fast_metric(res, "deals.loan.parties.apollo.irr.p50") == \
        metric_value(res, "deals.loan.parties.apollo.irr.p50")


def test_tornado_on_fixed_numbers_matches_the_hand_calculation(sc: cc.Scenario) -> None:
    # lender cash in = A (1 + 2 r); A = 10 ± 20%, r = 0.1 ± 20%
    res = cc.sensitivity(sc, LENDER_CASH_IN, ["deals.loan.rate", "deals.loan.amount"], paths=8)
    table = res.table
    assert res.method == "tornado"
    assert list(table["parameter"]) == ["deals.loan.amount", "deals.loan.rate"]
    assert list(table.index) == [1, 2]
    amount, rate = table.iloc[0], table.iloc[1]
    assert (amount["low"], amount["high"]) == pytest.approx((8.0, 12.0), abs=1e-12)
    assert (amount["metric_low"], amount["metric_high"]) == pytest.approx((9.6, 14.4), abs=1e-9)
    assert (rate["metric_low"], rate["metric_high"]) == pytest.approx((11.6, 12.4), abs=1e-9)
    assert amount["swing"] / rate["swing"] == pytest.approx(6.0, abs=1e-9)
    assert res.baseline == pytest.approx(12.0, abs=1e-12)
    assert res.runs == 5 and amount["basis"] == "±20%"


def test_tornado_on_uncertain_numbers_uses_p05_p95_and_common_random_numbers(
        sc: cc.Scenario) -> None:
    res = cc.sensitivity(sc, LAB_CASH_END, paths=64, seed=3)
    assert any("every uncertain number" in n for n in res.notes)
    table = res.table
    assert list(table["parameter"]) == ["parties.xai.cash", "parties.xai.revenue.run_rate"]
    assert tuple(table.iloc[0][["low", "high"]]) == pytest.approx(CASH_P05_P95, abs=1e-9)
    assert tuple(table.iloc[1][["low", "high"]]) == pytest.approx(RUN_RATE_P05_P95, abs=1e-9)
    # exact only because fixing one number leaves the other's draws as they were
    assert table.iloc[0]["swing"] == pytest.approx(CASH_EFFECT, abs=1e-9)
    assert table.iloc[1]["swing"] == pytest.approx(RUN_RATE_EFFECT, abs=1e-9)
    assert table.iloc[0]["swing"] / table.iloc[1]["swing"] == pytest.approx(5 / 3, abs=1e-9)
    baseline = metric_value(cc.simulate(sc, paths=64, seed=3), LAB_CASH_END)
    assert res.baseline == baseline


def test_sobol_matches_the_variance_shares(sc: cc.Scenario) -> None:
    # additive and linear: S1 = ST = effect^2 / sum of effects^2 (uniform inputs)
    res = cc.sensitivity(sc, LAB_CASH_END, method="sobol", samples=128, paths=2, seed=1)
    share = CASH_EFFECT**2 / (CASH_EFFECT**2 + RUN_RATE_EFFECT**2)
    table = res.table.set_index("parameter")
    assert list(table.index) == ["parties.xai.cash", "parties.xai.revenue.run_rate"]
    assert res.runs == 128 * (2 + 2) + 1
    for name, expected in (("parties.xai.cash", share),
                           ("parties.xai.revenue.run_rate", 1 - share)):
        for col in ("S1", "ST"):
            assert abs(table.loc[name, col] - expected) <= max(table.loc[name, col + "_conf"], 0.02)
    ratio = table.loc["parties.xai.cash", "S1"] / table.loc["parties.xai.revenue.run_rate", "S1"]
    assert ratio == pytest.approx((CASH_EFFECT / RUN_RATE_EFFECT) ** 2, rel=0.05)


def test_sobol_intervals_are_reproducible_at_seed_zero(sc: cc.Scenario) -> None:
    """SALib seeds Sobol's bootstrap only for a truthy seed: at seed 0 the intervals came
    from NumPy's global generator and changed between two identical calls."""
    first = cc.sensitivity(sc, LAB_CASH_END, method="sobol", samples=32, paths=2, seed=0,
                           resamples=20)
    np.random.seed(12345)  # whatever the global generator holds, the intervals stay put
    np.random.random(7)
    again = cc.sensitivity(sc, LAB_CASH_END, method="sobol", samples=32, paths=2, seed=0,
                           resamples=20)
    assert again.table.equals(first.table)
    assert first.table["S1_conf"].notna().all()


def test_morris_mu_star_is_the_effect_over_the_whole_range(sc: cc.Scenario) -> None:
    res = cc.sensitivity(sc, LAB_CASH_END, method="morris", samples=6, paths=4, seed=2)
    table = res.table.set_index("parameter")
    assert list(table.index) == ["parties.xai.cash", "parties.xai.revenue.run_rate"]
    assert table.loc["parties.xai.cash", "mu_star"] == pytest.approx(CASH_EFFECT, rel=1e-9)
    assert table.loc["parties.xai.revenue.run_rate", "mu_star"] == pytest.approx(
        RUN_RATE_EFFECT, rel=1e-9)
    assert table["sigma"].abs().max() < 1e-6  # linear: every elementary effect is the same


def test_correlated_inputs_switch_to_delta_and_say_so() -> None:
    sc = correlated_world(0.5)
    res = cc.sensitivity(sc, LAB_CASH_END, method="sobol", samples=128, paths=2, seed=0,
                         resamples=10)
    assert res.requested == "sobol" and res.method == "delta"
    assert any("correlated" in n and "delta" in n for n in res.notes)
    assert {"delta", "delta_conf", "S1", "S1_conf"} <= set(res.table.columns)
    assert list(res.table["parameter"]) == ["parties.xai.cash", "parties.xai.revenue.run_rate"]
    again = cc.sensitivity(sc, LAB_CASH_END, method="delta", samples=128, paths=2, seed=0,
                           resamples=10)
    assert again.table.equals(res.table)  # SALib's bootstrap is seeded, seed 0 included


def test_fixing_a_correlated_number_says_what_happens_to_its_partner() -> None:
    res = cc.sensitivity(correlated_world(0.5), LAB_CASH_END, ["parties.xai.cash"], paths=8)
    assert any("drops its correlation with parties.xai.revenue.run_rate" in n for n in res.notes)


def test_bad_paths_get_did_you_mean(sc: cc.Scenario) -> None:
    with pytest.raises(cc.UsageError, match=r"did you mean parties\.xai\.cash_end"):
        cc.sensitivity(sc, "parties.xai.cash_ned.mean", paths=4)
    with pytest.raises(cc.UsageError, match=r"did you mean parties\.xai\.cash\?"):
        cc.sensitivity(sc, LAB_CASH_END, ["parties.xai.cahs"], paths=4)
    with pytest.raises(cc.UsageError, match=r"did you mean sobol"):
        cc.sensitivity(sc, LAB_CASH_END, method="sobel", paths=4)


def test_arguments_are_checked(sc: cc.Scenario) -> None:
    with pytest.raises(cc.UsageError, match="power of two"):
        cc.sensitivity(sc, LAB_CASH_END, method="sobol", samples=100, paths=4)
    with pytest.raises(cc.UsageError, match="breaks a rule"):  # 1.0 + 20% is no probability
        cc.sensitivity(sc, LAB_CASH_END, ["deals.loan.close_probability"], paths=4)
    with pytest.raises(cc.UsageError, match="fixed at 0"):
        cc.sensitivity(sc, LAB_CASH_END, ["parties.xai.compute.per_revenue"], paths=4)
    with pytest.raises(cc.UsageError, match="spread"):
        cc.sensitivity(sc, LAB_CASH_END, spread=0, paths=4)


def test_tornado_needs_no_salib_and_the_others_say_how_to_get_it(
        sc: cc.Scenario, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "SALib" or m.startswith("SALib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "SALib", None)  # import SALib now fails
    res = cc.sensitivity(sc, LENDER_CASH_IN, ["deals.loan.amount"], paths=4)
    assert res.table.iloc[0]["swing"] == pytest.approx(4.8)
    with pytest.raises(cc.UsageError, match=r"needs SALib: pip install 'chipcredit\[analysis\]'"):
        cc.sensitivity(sc, LAB_CASH_END, method="sobol", paths=4)


def test_results_do_not_depend_on_the_number_of_workers(sc: cc.Scenario) -> None:
    grid = np.column_stack([np.linspace(900, 1100, 10), np.linspace(120, 80, 10)])
    grid[3, 1] = np.nan  # NaN leaves that number as it is
    names = ["parties.xai.cash", "parties.xai.revenue.run_rate"]
    one = run_variants(sc, names, grid, LAB_CASH_END, paths=8, seed=9, workers=1)
    two = run_variants(sc, names, grid, LAB_CASH_END, paths=8, seed=9, workers=2, chunk=3)
    assert np.array_equal(one.values, two.values)
    assert one.values[0] == pytest.approx(900 + 3 * 120 - 2.0, abs=1e-9)


def test_apply_numbers_keeps_sources_and_drops_correlations() -> None:
    sc = correlated_world(0.5)
    fixed = apply_numbers(sc, {"parties.xai.cash": 1000.0, "deals.loan.rate": 0.2})
    assert list(fixed.correlations) == []  # a list or, frozen, a tuple
    assert fixed.party("xai").cash.value == 1000.0


def test_the_result_is_json_ready(sc: cc.Scenario) -> None:
    res = cc.sensitivity(sc, LAB_CASH_END, method="sobol", samples=16, paths=2,
                         second_order=True)
    data = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert data["method"] == "sobol" and data["runs"] == 16 * (2 * 2 + 2) + 1
    assert data["table"][0]["parameter"] == "parties.xai.cash"
    assert len(data["second_order"]) == 1


def test_a_metric_no_path_has_in_a_run_is_refused_with_what_to_do() -> None:
    """With the LOI closing on 0-2% of the paths, 50 paths see none close in each run, so
    its MOIC has no value in any run: morris cannot rank, and says why and what to do."""
    sc = cc.set_number("seed-2025", "deals.nvidia-openai-loi.close_probability",
                       {"dist": "uniform", "low": 0.0, "high": 0.02, "source": "test",
                        "basis": "assumed"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        with pytest.raises(cc.UsageError) as caught:
            cc.sensitivity(sc, "deals.nvidia-openai-loi.parties.nvidia.moic.mean",
                           params=["deals.nvidia-openai-loi.close_probability",
                                   "market.hardware.fire_sale_haircut"],
                           method="morris", samples=2, paths=50, seed=0)
    assert str(caught.value) == (
        "the metric deals.nvidia-openai-loi.parties.nvidia.moic.mean has no value on 6 of 6 "
        "runs (no path has one there); narrow the parameters' ranges, or choose a metric every "
        "path has (e.g. npv or loss)")
