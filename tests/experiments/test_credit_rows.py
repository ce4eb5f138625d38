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


def test_pd_lgd_ead_rows_are_the_json_portfolios_of_both_runs(res: cc.StressResult) -> None:
    """The book's PD, LGD and EADs (a credit user had to reach for Python for them): each
    run's JSON ``portfolios`` figure; the PD paired per path as the 0/1 event it is, the
    figures given default each run's over its own default paths, with no interval."""
    a, b = (r.to_dict()["portfolios"]["fund"] for r in (res.base, res.stressed))
    assert a["held_share"] == b["held_share"] == 1.0  # every path held: exact means
    pd_row = _row(res, None, "fund", "pd")
    assert (pd_row["base"], pd_row["other"]) == (a["pd"], b["pd"]) == (0.03, 0.07333333333333333)
    assert pd_row["unit"] == "probability" and pd_row["paths"] == 300
    # by hand: a default of the book's obligor is a path with EAD above 0
    x, y = (r.outcomes["portfolio|fund|ead|gpu-spv"] > 0 for r in (res.base, res.stressed))
    assert pd_row["share_higher"] == np.mean(y & ~x) and pd_row["share_lower"] == np.mean(x & ~y)
    assert pd_row["difference"] == pytest.approx(b["pd"] - a["pd"], rel=1e-12)
    assert pd_row["ci_low"] < pd_row["difference"] < pd_row["ci_high"]
    assert np.isnan(pd_row["median_difference"])
    for name, unit in (("lgd", "share"), ("ead", "$B"), ("ead_pv", "$B")):
        row = _row(res, None, "fund", name)
        assert (row["base"], row["other"]) == (a[name], b[name])
        assert row["difference"] == b[name] - a[name] and row["unit"] == unit
        assert all(np.isnan(row[c]) for c in ("ci_low", "ci_high", "median_difference",
                                              "share_higher", "share_lower"))
        assert row["paths"] == int(np.count_nonzero(x & y)) == 9  # a default in both runs
    # each run's EL is PD x LGD x EAD valued at the start, from the rows alone
    rows = {m: _row(res, None, "fund", m) for m in ("expected_loss", "pd", "lgd", "ead_pv")}
    for side in ("base", "other"):
        assert rows["expected_loss"][side] == pytest.approx(
            rows["pd"][side] * rows["lgd"][side] * rows["ead_pv"][side], rel=1e-6)  # float32 kept
    metrics = res.differences[res.differences["party"] == "fund"]["metric"].tolist()
    assert metrics[metrics.index("expected_loss"):][:5] == [
        "expected_loss", "pd", "lgd", "ead", "ead_pv"]


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
    lgd = next(ln for ln in result.stdout.splitlines() if " lgd " in ln)
    assert " fund " in lgd and "—" in lgd
    assert ("pd: the share of the paths on which the book holds a claim with a default of one "
            "of its obligors, paired over the paths held in A and B; lgd (a share of ead_pv), "
            "ead (nominal, $B) and ead_pv (the same discounted to the start, $B): each run's "
            "over its own paths with a default, so no interval, median difference or shares "
            "(—), and their paths are those with a default in A and B (a run with none: lgd "
            "—, eads 0); in each run expected_loss = pd x lgd x ead_pv"
            ) in " ".join(result.stdout.split())
    ead = next(r for r in rows if r["metric"] == "ead" and r["party"] == "fund")
    assert ead["ci_low"] is None and ead["unit"] == "$B" and ead["base"] > 0


def test_compare_carries_them_for_what_both_scenarios_have() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        found = cc.compare("seed-2025-sell-only", "seed-2025", paths=200, seed=3)
    t = found.differences
    # the SPV is in seed-2025 only: no row; the xai bonds are in both
    assert t[t["deal"] == "colossus2-spv"]["metric"].isin(CREDIT_METRICS).sum() == 0
    held = t[t["deal"].isna() & (t["party"] == "xai-bondholders")]
    assert {"expected_loss", "pd", "lgd", "ead", "ead_pv", "var_95", "cvar_95", "var_99",
            "cvar_99"} <= set(held["metric"])
    assert found.party("xai-bondholders")["metric"].tolist() == held["metric"].tolist()
    # a book with no default in either run: its PD row (0 and 0), no row given default
    # (a JSON lgd null in both would read "— — —")
    none = t[t["deal"].isna() & (t["party"] == "hyperscale-bondholders")].set_index("metric")
    assert (none.loc["pd", "base"], none.loc["pd", "other"]) == (0.0, 0.0)
    assert not {"lgd", "ead", "ead_pv"} & set(none.index)


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
