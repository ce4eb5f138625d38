"""Correlated uncertain inputs: a Gaussian copula over each number's own keyed draw."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import spearmanr

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.params import ParamSampler
from chipcredit.scenario.correlation import Correlation

A = "parties.openai.revenue.growth.from"
B = "parties.xai.revenue.growth.from"
C = "parties.openai.funding.valuation_multiple"


def _with(pairs: list[dict[str, object]]) -> cc.Scenario:
    sc = cc.load_scenario("seed-2025")
    data = sc.model_dump(mode="python", by_alias=True, exclude_none=True)
    data["correlations"] = pairs
    return cc.load_scenario(data)


@pytest.mark.parametrize("rho", [0.7, -0.5, 0.0])
def test_sample_rank_correlation_matches_the_request(rho: float) -> None:
    sc = _with([{"a": A, "b": B, "rho": rho}])
    n = 20_000
    p = ParamSampler(ChunkDraws(11, n, 0, 5, False), sc.correlations)
    a = p.uniform(A)
    b = p.uniform(B)
    got = spearmanr(a, b).statistic
    # the standard error of a rank correlation is about (1 - rho^2) / sqrt(n) < 0.01
    assert got == pytest.approx(rho, abs=0.03)


def test_numbers_outside_the_group_keep_their_draws() -> None:
    plain = ParamSampler(ChunkDraws(5, 5000, 0, 2, False))
    mixed = ParamSampler(ChunkDraws(5, 5000, 0, 2, False), [Correlation(a=A, b=B, rho=0.5)])
    assert (plain.uniform(C) == mixed.uniform(C)).all()


def test_copula_draws_do_not_depend_on_the_chunk() -> None:
    pairs = [Correlation(a=A, b=B, rho=0.5), Correlation(a=A, b=C, rho=-0.3)]
    whole = ParamSampler(ChunkDraws(5, 3 * 4096, 0, 3, False), pairs).uniform(B)
    parts = [ParamSampler(ChunkDraws(5, 3 * 4096, k, k + 1, False), pairs).uniform(B)
             for k in range(3)]
    assert (whole == np.concatenate(parts)).all()


def test_a_matrix_that_is_not_psd_is_refused_naming_a_pair() -> None:
    with pytest.raises(cc.ScenarioError) as err:
        _with([{"a": A, "b": B, "rho": 0.95}, {"a": A, "b": C, "rho": 0.95},
               {"a": B, "b": C, "rho": -0.95}])
    text = str(err.value)
    assert "must form a positive semi-definite correlation matrix" in text
    assert " ~ " in text


def test_correlating_a_fixed_number_is_refused() -> None:
    with pytest.raises(cc.ScenarioError, match="must name an uncertain number"):
        _with([{"a": A, "b": "parties.openai.cash", "rho": 0.3}])


def test_unknown_path_gets_a_suggestion() -> None:
    with pytest.raises(cc.ScenarioError, match=r"did you mean parties\.xai\.revenue\.growth\.from\?"):
        _with([{"a": A, "b": "parties.xai.revenue.growth.form", "rho": 0.3}])


def test_simulation_runs_with_correlations() -> None:
    sc = _with([{"a": A, "b": B, "rho": 0.8}])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(sc, paths=500, seed=2)
    assert res.max_abs_imbalance < 1e-6
