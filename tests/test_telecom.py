"""The telecom-2000 replay: properties of the mechanism, not tuned numbers.

A vendor that lends to carriers whose funding freezes loses money on what they drew; the
loss comes from the freeze (the same paths without it lose less); drawing rises once
rounds stop closing; the guarantees turn into payments when guaranteed borrowers fail.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chipcredit as cc

PATHS = 1000


def _run(sc: cc.Scenario | str) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(sc, paths=PATHS, seed=11)


@pytest.fixture(scope="module")
def replay() -> cc.Result:
    return _run("telecom-2000")


def _lucent_deals(sc: cc.Scenario) -> list[str]:
    return [d.id for d in sc.deals
            if getattr(d, "lender", None) == "lucent" or getattr(d, "guarantor", None) == "lucent"]


def _lucent_loss(res: cc.Result) -> np.ndarray:
    return np.asarray(sum(res.outcome(d, "lucent", "loss") for d in _lucent_deals(res.scenario)))


def test_vendor_loses_on_drawn_credit_in_the_median(replay: cc.Result) -> None:
    assert replay.max_abs_imbalance < 1e-6
    assert float(np.median(_lucent_loss(replay))) > 0.0
    written = sum(replay.outcomes[f"spv|{d}|written_off"] for d in _lucent_deals(replay.scenario)
                  if d.startswith("lucent-") and "guarantee" not in d)
    assert float(np.median(written)) > 0.0


def test_the_freeze_causes_the_loss(replay: cc.Result) -> None:
    thawed = cc.load_scenario("telecom-2000").model_copy(update={"shocks": []})
    calm = _run(thawed)
    # common random numbers: the same paths, only the funding market differs
    assert _lucent_loss(calm).mean() < _lucent_loss(replay).mean()
    assert calm.default_probability("winstar") < replay.default_probability("winstar")


def test_draws_rise_after_the_freeze_and_the_strong_carrier_barely_draws(replay: cc.Result) -> None:
    sc = replay.scenario
    facilities = [d.id for d in sc.deals if d.kind == "credit_facility"
                  and getattr(d, "lender", None) == "lucent"]
    gross = sum(replay.bands(d, "drawn")["mean"].to_numpy()
                + replay.bands(d, "written_off")["mean"].to_numpy() for d in facilities)
    assert gross[4] > gross[0] > 1.3  # 1.3 drawn at the start (FY2000 10-K)
    sprint = replay.bands("lucent-sprint-pcs", "drawn")["p95"].to_numpy()
    assert sprint.max() < 0.1 * 1.8  # parent-backed: under a tenth of its $1.8B line


def test_guarantees_are_called_when_peers_fail(replay: cc.Result) -> None:
    paid = replay.outcomes["spv|lucent-guarantee-peer-1|paid"]
    failed = replay.outcome(None, "peer-1", "default_quarter") >= 0
    assert failed.any()
    assert (paid[~failed] == 0).all()
    assert (paid[failed] > 0).mean() > 0.5


def test_carriers_are_labs_under_another_name(replay: cc.Result) -> None:
    assert replay.scenario.party("winstar").kind == "lab"
    assert replay.scenario.capacity_unit.startswith("$B of network equipment")
    doc = replay.to_dict()
    assert doc["parties"]["winstar"]["kind"] == "lab"
