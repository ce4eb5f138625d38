"""Every bundled scenario loads, runs end to end, balances its ledger and writes valid
JSON, in Monte Carlo and in deterministic mode."""

from __future__ import annotations

import json
import math
import warnings

import pytest

import chipcredit as cc

NAMES = cc.bundled_names()
TOP_KEYS = {"chipcredit_version", "scenario", "scenario_sha256", "paths", "seed", "start",
            "quarters", "deterministic", "deals", "parties", "ledger"}


def test_there_are_bundled_scenarios() -> None:
    assert "seed-2025" in NAMES
    described = dict(cc.describe_bundled())
    assert sorted(described) == NAMES
    assert all(text.strip() for text in described.values())


def _run(name: str, **kwargs: object) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)  # some paths have no IRR
        return cc.simulate(name, **kwargs)  # type: ignore[arg-type]


def _check(res: cc.Result, name: str) -> dict[str, object]:
    assert res.max_abs_imbalance < 1e-6
    assert res.checks.negative_cash < 1e-6 and res.checks.claims < 1e-6
    doc = json.loads(res.to_json())
    assert TOP_KEYS <= set(doc)
    sc = cc.load_scenario(name)
    assert doc["scenario"] == sc.name
    assert doc["ledger"]["max_abs_imbalance"] < 1e-6
    assert set(doc["deals"]) == {d.id for d in sc.deals}
    assert set(doc["parties"]) == {p.id for p in sc.parties}
    for party in doc["parties"].values():
        assert 0.0 <= party["default_probability"] <= 1.0
    for deal in doc["deals"].values():
        assert deal["parties"], deal
        for stats in deal["parties"].values():
            for metric in ("npv", "moic", "loss", "cash_in", "cash_out", "peak_exposure"):
                s = stats[metric]
                for key in ("mean", "p05", "p50", "p95"):
                    assert s[key] is None or math.isfinite(s[key])
            assert 0.0 <= stats["irr"]["nan_share"] <= 1.0
    return doc


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_runs(name: str) -> None:
    res = _run(name, paths=500, seed=1)
    doc = _check(res, name)
    assert doc["paths"] == 500 and doc["deterministic"] is False


@pytest.mark.parametrize("name", NAMES)
def test_bundled_scenario_runs_deterministically(name: str) -> None:
    res = _run(name, deterministic=True)
    doc = _check(res, name)
    assert doc["paths"] == 1 and doc["deterministic"] is True
    # the base case has no spread: every statistic is its one value
    for deal in doc["deals"].values():
        for stats in deal["parties"].values():
            s = stats["npv"]
            assert s["mean"] == s["p05"] == s["p50"] == s["p95"]
