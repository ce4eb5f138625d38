"""Stress tests: shocks change what they should, on every path, under the same seed."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.experiments.paired import CREDIT_METRICS
from chipcredit.experiments.stress import stress, stressed
from chipcredit.scenario.shocks import StressPack, bundled_packs, load_pack


def _quiet(fn, *args, **kw):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return fn(*args, **kw)


def _pack(*shocks: dict[str, object]) -> StressPack:
    return StressPack.model_validate({"name": "t", "shocks": list(shocks)})


def test_ai_winter_lowers_lab_revenue_on_every_path() -> None:
    # winter cuts growth: in every quarter of the winter, revenue is no higher on any path on
    # which the lab is alive in both runs (same seed, so the same shocks), and lower except
    # where the base run was in winter already; lower in total on average. A lab that the
    # base run let default can outlive it in winter (less growth, less capex), so totals are
    # compared on average.
    res = _quiet(stress, "seed-2025", _pack({"kind": "ai_winter", "start": "2026Q1",
                                             "quarters": 8}), paths=400, seed=5)
    window = slice(1, 9)
    for lab in ("openai", "xai"):
        base = res.base.reservoir[(lab, "revenue")][:, window]
        hit = res.stressed.reservoir[(lab, "revenue")][:, window]
        both = (base > 0) & (hit > 0)
        assert both.sum() > 0.3 * both.size  # not vacuous: many path-quarters alive in both
        assert (hit[both] <= base[both]).all()
        assert (hit[both] < base[both]).mean() > 0.8
        assert res.stressed.outcome(None, lab, "revenue_total").mean() < \
            res.base.outcome(None, lab, "revenue_total").mean()


def test_gpu_glut_lowers_recoveries() -> None:
    # a lender secured on the fleet recovers less when used GPUs are worth less
    pack = _pack({"kind": "gpu_glut", "start": "2025Q4", "size": 0.6})
    res = _quiet(stress, "seed-2025", pack, paths=2000, seed=9)

    def recovered(r: cc.Result) -> float:
        f = r.flows()
        return float(f[f["kind"].isin(["secured_recovery", "collateral_sale"])]["mean"].sum())

    assert recovered(res.stressed) < recovered(res.base)


def test_funding_freeze_raises_default_probability() -> None:
    pack = _pack({"kind": "funding_freeze", "start": "2025Q4", "quarters": 8, "factor": 0.1})
    res = _quiet(stress, "seed-2025", pack, paths=1000, seed=4)
    assert res.stressed.default_probability("xai") > res.base.default_probability("xai")
    row = res.differences.query("party == 'xai' and metric == 'default_probability'").iloc[0]
    assert row.ci_low > 0


def test_rate_shock_raises_floating_interest() -> None:
    sc = cc.load_scenario("seed-2025")
    data = sc.model_dump(mode="python", by_alias=True, exclude_none=True)
    loan = next(d for d in data["deals"] if d["id"] == "xai-debt")
    loan.update({"rate_type": "floating", "spread": 0.08})
    loan.pop("rate")
    base_sc = cc.load_scenario(data)
    res = _quiet(stress, base_sc, _pack({"kind": "rate_shock", "start": "2025Q4", "bp": 300}),
                 deterministic=True)
    paid_base = res.base.outcome("xai-debt", "xai-bondholders", "cash_in")[0]
    paid_hit = res.stressed.outcome("xai-debt", "xai-bondholders", "cash_in")[0]
    # 300bp more a year on 5 for 20 quarters of interest: 0.03 / 4 x 5 x 20 = 0.75 more
    assert paid_hit - paid_base == pytest.approx(0.75, abs=1e-9)


def test_price_war_cuts_vendor_sales() -> None:
    pack = _pack({"kind": "price_war", "vendor": "amd", "start": "2025Q4", "size": 0.5})
    res = _quiet(stress, "seed-2025", pack, deterministic=True)
    assert res.stressed.outcome(None, "amd", "revenue_total")[0] < \
        res.base.outcome(None, "amd", "revenue_total")[0]


def test_same_seed_no_shock_gives_zero_differences() -> None:
    pack = _pack({"kind": "funding_freeze", "start": "2025Q4", "quarters": 1, "factor": 1.0})
    res = _quiet(stress, "seed-2025", pack, paths=300, seed=2)
    assert np.allclose(res.differences["difference"], 0.0)


def test_bundled_packs_load_and_apply() -> None:
    names = [n for n, _ in bundled_packs()]
    assert {"telecom-2001", "dotcom-funding-freeze"} <= set(names)
    sc = cc.load_scenario("seed-2025")
    for name in names:
        assert stressed(sc, load_pack(name)).shocks


def test_unknown_pack_suggests() -> None:
    with pytest.raises(cc.ScenarioError, match="did you mean telecom-2001"):
        load_pack("telecom-2000")


def test_shock_past_the_horizon_is_refused() -> None:
    pack = _pack({"kind": "ai_winter", "start": "2040Q1"})
    with pytest.raises(cc.ScenarioError, match=r"shocks\[0\]\.start must fall within the horizon"):
        stressed(cc.load_scenario("seed-2025"), pack)


def test_cli_stress_prints_paired_differences(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json as _json

    from typer.testing import CliRunner

    from chipcredit.cli import app

    out = tmp_path / "stress.json"
    result = CliRunner().invoke(app, ["stress", "seed-2025", "--pack", "dotcom-funding-freeze",
                                      "--paths", "300", "--seed", "1", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Stressed minus base" in result.output
    data = _json.loads(out.read_text())
    assert data["pack"]["name"] == "dotcom-funding-freeze"
    assert any(r["metric"] == "default_probability" for r in data["differences"])
    import os

    from chipcredit.store import RunStore

    runs = RunStore(os.environ["CHIPCREDIT_STORE"]).list_runs()
    assert list(runs["kind"]) == ["stress"]


def test_cli_stress_unknown_pack_is_one_line() -> None:
    from typer.testing import CliRunner

    from chipcredit.cli import app

    result = CliRunner().invoke(app, ["stress", "seed-2025", "--pack", "telecom-2000"])
    assert result.exit_code == 2
    assert "did you mean telecom-2001?" in result.output
    assert "Traceback" not in result.output


def test_sensitivity_and_solve_are_recorded_in_the_run_store() -> None:
    import os

    from typer.testing import CliRunner

    from chipcredit.cli import app
    from chipcredit.store import RunStore

    runner = CliRunner()
    metric = "deals.xai-debt.parties.xai-bondholders.cash_in.mean"
    done = runner.invoke(app, ["sensitivity", "seed-2025", "--metric", metric, "--param",
                               "deals.xai-debt.rate", "--paths", "100"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(app, ["solve", "seed-2025", "--vary", "deals.xai-debt.amount",
                               "--target", f"{metric} = 7", "--low", "1", "--high", "10",
                               "--paths", "100"])
    assert done.exit_code == 0, done.output
    runs = RunStore(os.environ["CHIPCREDIT_STORE"]).list_runs()
    assert sorted(runs["kind"]) == ["sensitivity", "solve"]


def test_a_rate_shock_in_basis_points_has_its_own_limit(tmp_path: Path) -> None:
    # 300bp is an ordinary shock (beyond the ±100 limit of a coefficient); 20,000bp is not
    assert _pack({"kind": "rate_shock", "start": "2025Q4", "bp": 300}).shocks[0].bp.value == 300
    path = tmp_path / "pack.yaml"
    path.write_text("name: t\nshocks:\n  - {kind: rate_shock, start: 2025Q4, bp: 20000}\n")
    with pytest.raises(cc.ScenarioError) as err:
        load_pack(path)
    assert str(err.value) == (f"{path}:3:43: shocks[0].bp must be between -10000 and 10000, "
                              "the limit for a rate move in basis points; got 20000")


def test_paired_means_are_the_runs_own_means_to_the_digit() -> None:
    # the kept per-path outcomes are float32; the base and stressed means are each run's
    # exact float64 means (what `run` reports), not float32 averages of the kept values
    from chipcredit.experiments.paired import paired_differences

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = stress("seed-2025", "dotcom-funding-freeze", paths=400, seed=1)
    table = paired_differences(res.base, res.stressed).set_index(["deal", "party", "metric"])
    key = "party|openai|revenue_total"
    row = table.loc[(None, "openai", "revenue_total")]
    assert row["base"] == res.base.mean(key) and row["other"] == res.stressed.mean(key)
    assert row["difference"] == res.stressed.mean(key) - res.base.mean(key)
    kept = res.base.outcomes[key]
    assert kept.dtype == np.float32 and float(kept.mean()) != res.base.mean(key)


def test_paired_rows_are_the_summary_rows_with_their_own_labels() -> None:
    # portfolio outcomes are keyed portfolio|HOLDER|METRIC|OBLIGOR and SPV ones spv|DEAL|...:
    # read as deal or party keys they gave rows whose metric was a party id ('xai')
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = stress("seed-2025", "telecom-2001", paths=300, seed=7)
    parties = {p.id for p in res.base.scenario.parties}
    assert not set(res.differences["metric"]) & parties
    summary = res.base.summary()
    named = set(zip(summary["deal"].where(summary["deal"].notna(), None), summary["party"],
                    summary["metric"], strict=True))
    for deal, party, metric in zip(res.differences["deal"].where(res.differences["deal"].notna(),
                                                                 None),
                                   res.differences["party"], res.differences["metric"],
                                   strict=True):
        if metric in CREDIT_METRICS:  # the spvs' and portfolios' rows (test_credit_rows.py)
            continue
        if not isinstance(deal, str) and metric == "dilution_cost":  # a warrant issuer's total
            continue  # (test_paired_dilution.py)
        assert (deal, party, metric) in named, (deal, party, metric)
