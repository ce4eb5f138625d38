"""Parameter paths (every number in a scenario) and metric paths (every number in a summary)."""

from __future__ import annotations

import warnings

import pytest

import chipcredit as cc
from chipcredit.analytics.query import metric_paths, metric_value
from chipcredit.engine.params import ParamSampler
from chipcredit.scenario.paths import get_number, parameter_paths, set_number, split_path
from chipcredit.scenario.residual_curve import CURVE


@pytest.fixture(scope="module")
def seed() -> cc.Scenario:
    return cc.load_scenario("seed-2025")


def test_split_path() -> None:
    assert split_path("deals.x.repayment[0].share") == ["deals", "x", "repayment", 0, "share"]
    with pytest.raises(cc.UsageError, match="not of the form"):
        split_path("deals..x")


def test_every_number_has_an_address(seed: cc.Scenario) -> None:
    paths = parameter_paths(seed)
    assert "parties.xai.revenue.growth.from" in paths
    assert "deals.colossus2-spv.debt.rate" in paths
    assert "market.hardware.residual_value_by_age[2]" in paths
    assert "deals.openai-amd-take-or-pay.schedule[0].capacity" in paths
    assert "parties.openai.procurement.nvidia" in paths


def test_engine_keys_its_draws_by_the_same_addresses(seed: cc.Scenario,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    seen: set[str] = set()
    original = ParamSampler.__call__

    def spy(self: ParamSampler, number: object, key: str, default: float = 0.0) -> object:
        if number is not None:
            seen.add(key)
        return original(self, number, key, default)  # type: ignore[arg-type]

    monkeypatch.setattr(ParamSampler, "__call__", spy)
    cc.simulate(seed, deterministic=True)
    assert seen, "the engine sampled nothing"
    # the used-GPU curve's points share one draw, keyed by the curve's own path (a list)
    assert {k for k in seen if k.startswith(CURVE)} == {CURVE}
    addresses = set(parameter_paths(seed)) | {CURVE}
    assert seen <= addresses, sorted(seen - addresses)


def test_set_number_changes_one_number_only(seed: cc.Scenario) -> None:
    changed = set_number(seed, "deals.colossus2-spv.debt.rate", 0.2)
    assert get_number(changed, "deals.colossus2-spv.debt.rate").value == 0.2
    before, after = parameter_paths(seed), parameter_paths(changed)
    diff = [p for p in before if before[p] != after[p]]
    assert diff == ["deals.colossus2-spv.debt.rate"]


def test_a_shock_is_addressed_by_its_position() -> None:
    # shocks have no id: the address is shocks[i], and writing it changes that number only
    telecom = cc.load_scenario("telecom-2000")
    path = next(p for p in parameter_paths(telecom) if p.startswith("shocks[0]."))
    changed = set_number(telecom, path, 0.5)
    assert get_number(changed, path).value == 0.5
    before, after = parameter_paths(telecom), parameter_paths(changed)
    assert [p for p in before if before[p] != after[p]] == [path]


def test_set_number_is_validated(seed: cc.Scenario) -> None:
    with pytest.raises(cc.ScenarioError, match="must be between 0 and 1"):
        set_number(seed, "deals.colossus2-spv.debt.rate", 11)


def test_bad_parameter_path_suggests(seed: cc.Scenario) -> None:
    with pytest.raises(cc.UsageError, match=r"did you mean parties\.xai\.revenue\.growth\.from\?"):
        get_number(seed, "parties.xai.revenue.growth.form")


def test_fixing_one_number_keeps_other_draws(seed: cc.Scenario) -> None:
    # common random numbers: fixing an uncertain number (Nvidia's own value volatility, which
    # feeds back into no lab: a lease rate would, through the lab's cash and its vendor
    # choice) leaves xAI's revenue unchanged
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        a = cc.simulate(seed, paths=300, seed=3)
        b = cc.simulate(set_number(seed, "parties.nvidia.financials.volatility", 0.3),
                        paths=300, seed=3)
    assert (a.outcomes["party|xai|revenue_total"][:50] == b.outcomes["party|xai|revenue_total"][:50]).all()


def test_metric_paths_follow_the_summary(seed: cc.Scenario) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(seed, paths=300, seed=3)
    data = res.to_dict()
    assert metric_value(res, "deals.colossus2-spv.parties.nvidia.irr.p50") == \
        data["deals"]["colossus2-spv"]["parties"]["nvidia"]["irr"]["p50"]
    assert metric_value(res, "parties.openai.default_probability") == \
        data["parties"]["openai"]["default_probability"]
    assert "parties.xai.cash_end.p95" in metric_paths(res)
    with pytest.raises(cc.UsageError, match=r"did you mean deals\.colossus2-spv\?"):
        metric_value(res, "deals.colossus-spv.parties.nvidia.irr.p50")
    with pytest.raises(cc.UsageError, match="names a group"):
        metric_value(res, "parties.openai")
