"""The credit rows of a paired experiment: each SPV's and each claim holder's figures (the
JSON ``spvs`` and ``portfolios``), in `stress` and `compare`, their tables and JSON."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.experiments.paired import CREDIT_METRICS

FIXTURES = Path(__file__).parents[1] / "fixtures_credit"
SPV = FIXTURES / "neocloud-spv.yaml"


@pytest.fixture(scope="module")
def res() -> cc.StressResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.stress(cc.load_scenario(SPV), "telecom-2001", paths=300, seed=7)


def _row(res: cc.StressResult, deal: str | None, party: str, metric: str) -> dict:
    t = res.differences
    hit = t[(t["deal"].isna() if deal is None else t["deal"] == deal)
            & (t["party"] == party) & (t["metric"] == metric)]
    assert len(hit) == 1, (deal, party, metric)
    return hit.iloc[0].to_dict()


def test_spv_rows_are_the_json_spvs_of_both_runs(res: cc.StressResult) -> None:
    a, b = res.base.to_dict()["spvs"]["gpu-spv"], res.stressed.to_dict()["spvs"]["gpu-spv"]
    for name, party in (("debt_impairment_probability", "fund"),
                        ("covenant_breach_probability", "fund"),
                        ("lessee_default_probability", "lab-a")):
        row = _row(res, "gpu-spv", party, name)
        assert (row["base"], row["other"]) == (a[name], b[name])
        assert row["unit"] == "probability"
        # paired per path: the shares of paths on which the event appears and disappears
        key = {"debt_impairment_probability": "debt_impaired",
               "covenant_breach_probability": "covenant_breach",
               "lessee_default_probability": "lessee_default"}[name]
        x, y = (r.outcomes[f"spv|gpu-spv|{key}"] for r in (res.base, res.stressed))
        assert row["share_higher"] == np.mean(y > x) and row["share_lower"] == np.mean(y < x)
        assert np.isnan(row["median_difference"])  # of -1, 0, +1: no median (a 0/1 event)
    loss = _row(res, "gpu-spv", "fund", "debt_loss")
    assert loss["base"] == a["debt_loss"]["mean"] and loss["other"] == b["debt_loss"]["mean"]
    assert loss["unit"] == "$B"
    assert b["debt_impairment_probability"] > a["debt_impairment_probability"]  # it bites


def test_portfolio_rows_are_the_json_portfolios_of_both_runs(res: cc.StressResult) -> None:
    a, b = (r.to_dict()["portfolios"]["fund"] for r in (res.base, res.stressed))
    el = _row(res, None, "fund", "expected_loss")
    assert el["base"] == pytest.approx(a["expected_loss"], rel=1e-12)
    assert el["other"] == pytest.approx(b["expected_loss"], rel=1e-12)
    assert el["ci_low"] <= el["difference"] <= el["ci_high"]
    for name in ("var_95", "cvar_95", "var_99", "cvar_99"):
        row = _row(res, None, "fund", name)
        assert (row["base"], row["other"]) == (a[name], b[name])
        assert row["difference"] == b[name] - a[name]
        # two runs' quantiles: no per-path interval, median or shares
        assert all(np.isnan(row[c]) for c in ("ci_low", "ci_high", "median_difference",
                                              "share_higher", "share_lower"))
        assert row["paths"] == 300 and row["unit"] == "$B"


def test_irr_rows_count_total_losses_at_minus_100_as_run_does(res: cc.StressResult) -> None:
    # the stress doubles the sponsor's total-loss paths (its IRR below the bracket, -100%):
    # those paths count in the paired mean as in each run's own IRR mean (the JSON's
    # irr.mean), instead of dropping out of the difference
    key = "deal|gpu-spv|sponsor|irr"
    below = [int(np.count_nonzero(r.outcomes[key + "_reason"] == 5))
             for r in (res.base, res.stressed)]
    assert 0 < below[0] < below[1]
    row = _row(res, "gpu-spv", "sponsor", "irr")
    a, b = (r.to_dict()["deals"]["gpu-spv"]["parties"]["sponsor"]["irr"]["mean"]
            for r in (res.base, res.stressed))
    assert (row["base"], row["other"]) == (a, b)
    assert row["difference"] == b - a and row["paths"] == 300
    # by hand: the mean of the solved IRRs with each total loss at -1 (the kept float32
    # values; the run means sum the float64 ones)
    solved = res.base.outcomes[key][np.isfinite(res.base.outcomes[key])].astype(np.float64)
    assert a == pytest.approx((solved.sum() - below[0]) / 300, rel=1e-6)  # float32 kept
    x, y = (np.where(r.outcomes[key + "_reason"] == 5, -1.0, r.outcomes[key].astype(np.float64))
            for r in (res.base, res.stressed))
    assert row["median_difference"] == float(np.median(y - x))
    assert row["share_lower"] == np.mean(y < x)


def test_stress_cli_table_and_json_carry_the_credit_rows(tmp_path: Path) -> None:
    out = tmp_path / "stress.json"
    result = CliRunner().invoke(cli.app, ["stress", str(SPV), "--pack", "telecom-2001",
                                          "--paths", "200", "--seed", "7", "--json", str(out),
                                          "--no-store"])
    assert result.exit_code == 0, result.output
    for metric in CREDIT_METRICS:
        # the 1% tail of 200 paths is two paths: those rows carry the thin-tail mark
        shown = f" {metric}† " if metric.endswith("_99") else f" {metric} "
        assert shown in result.stdout, metric
    assert "† a VaR or CVaR whose tail holds fewer than 10 paths" in " ".join(result.stdout.split())
    var = next(ln for ln in result.stdout.splitlines() if " var_95 " in ln)
    assert " fund " in var and "—" in var  # no interval for a difference of quantiles
    rows = json.loads(out.read_text(encoding="utf-8"))["differences"]
    assert {r["metric"] for r in rows} >= set(CREDIT_METRICS)
    cvar = next(r for r in rows if r["metric"] == "cvar_99")
    assert cvar["ci_low"] is None and cvar["party"] == "fund" and cvar["deal"] is None


def test_compare_carries_them_for_what_both_scenarios_have() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        found = cc.compare("seed-2025-sell-only", "seed-2025", paths=200, seed=3)
    t = found.differences
    # the SPV is in seed-2025 only: no row; the xai bonds are in both
    assert t[t["deal"] == "colossus2-spv"]["metric"].isin(CREDIT_METRICS).sum() == 0
    held = t[t["deal"].isna() & (t["party"] == "xai-bondholders")]
    assert {"expected_loss", "var_95", "cvar_95", "var_99", "cvar_99"} <= set(held["metric"])
    assert found.party("xai-bondholders")["metric"].tolist() == held["metric"].tolist()


def test_an_spv_without_covenants_has_no_covenant_breach_row() -> None:
    """Its JSON covenant_breach_probability is null in both runs (nothing to breach): a
    paired row would read 0 against 0, "tested and never breached"."""
    scenario = cc.load_scenario(SPV)
    deals = [d.model_copy(update={"covenants": None}) if d.id == "gpu-spv" else d
             for d in scenario.deals]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.stress(scenario.model_copy(update={"deals": deals}), "telecom-2001",
                        paths=40, seed=7)
    t = res.differences
    spv = t[t["deal"] == "gpu-spv"]
    assert "covenant_breach_probability" not in set(spv["metric"])
    assert {"debt_impairment_probability", "lessee_default_probability",
            "debt_loss"} <= set(spv["metric"])
