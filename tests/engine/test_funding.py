"""The round-success logistic (docs/design.md section 3, phase 6) and its effect end to end.

``P = 1 / (1 + exp(-(base + momentum x m + sentiment x s + winter x w)))`` with ``m`` the
trailing four-quarter revenue growth (clipped to [-1, 10]), ``s`` sentiment and ``w`` 1 in
winter. Each input moves the probability in the direction of its coefficient's sign.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.labs import LabState
from chipcredit.engine.sim import Sim

FLAT = {"from": 0.0, "to": 0.0, "half_life_years": 1.0}


def base_case_sim(sc: cc.Scenario) -> Sim:
    """``sc``'s deterministic base case run through `Sim` directly (one path), to read its
    state: a lab's cap table, cash, its funding arrays."""
    sim = Sim(sc, ChunkDraws(seed=0, n_paths=1, first_block=0, last_block=1, deterministic=True))
    sim.run()
    return sim


def _world(success: dict[str, Any], *, cash: float = 1000.0, fixed: float = 0.0,
           revenue: dict[str, Any] | None = None, volatility: float = 0.0) -> dict[str, Any]:
    return {
        "name": "funding", "start": "2025Q4", "horizon_quarters": 20,
        "market": {"ai_demand": {"volatility": 0.3,
                                 "winter": {"enter_per_year": 0.1, "exit_per_year": 0.5}},
                   "hardware": {"all_in_cost_per_unit": 40, "residual_value_by_age": [1.0, 0.5],
                                "fire_sale_haircut": 0.3}},
        "parties": [
            {"id": "nvidia", "kind": "vendor", "content_per_unit": 30, "gross_margin": 0.7},
            {"id": "lab", "kind": "lab",
             "revenue": revenue or {"run_rate": 1.0, "growth": dict(FLAT),
                                    "volatility": volatility},
             "costs": {"fixed_per_year": fixed},
             "compute": {"installed": 0.0, "per_revenue": 0.0, "training": 0.0,
                         "training_growth": dict(FLAT)},
             "cash": cash, "procurement": {"nvidia": 1.0},
             "funding": {"valuation_multiple": 20, "success": success}},
        ],
    }


def _lab(success: dict[str, Any], n: int = 1) -> LabState:
    sc = cc.load_scenario(_world(success))
    sim = Sim(sc, ChunkDraws(seed=0, n_paths=n, first_block=0, last_block=1,
                             deterministic=True))
    (lab,) = sim.labs
    return lab


def _p(lab: LabState, momentum: float, sentiment: float, winter: bool) -> float:
    got = lab.success_probability(np.array([momentum]), np.array([sentiment]),
                                  np.array([winter]))
    assert got.shape == (1,)
    return float(got[0])


COEF = {"base": 1.0, "momentum": 2.0, "sentiment": 1.5, "winter": -2.0}


def test_success_probability_golden_value() -> None:
    # x = 1.0 + 2.0 x 0.5 + 1.5 x 0.2 - 2.0 x 1 = 1 + 1 + 0.3 - 2 = 0.3
    # P = 1 / (1 + e^-0.3) = 1 / (1 + 0.7408182206817179) = 0.574442516811659
    lab = _lab(COEF)
    assert _p(lab, 0.5, 0.2, True) == pytest.approx(0.574442516811659, abs=1e-14)
    # out of winter: x = 2.3, P = 1 / (1 + e^-2.3) = 0.9088770389851438
    assert _p(lab, 0.5, 0.2, False) == pytest.approx(0.9088770389851438, abs=1e-14)
    # all inputs at zero leave the base alone: 1 / (1 + e^-1) = 0.7310585786300049
    assert _p(lab, 0.0, 0.0, False) == pytest.approx(0.7310585786300049, abs=1e-14)


def test_each_input_moves_the_probability_with_its_coefficient() -> None:
    lab = _lab(COEF)
    grid = np.linspace(-0.9, 3.0, 14)
    by_momentum = [_p(lab, m, 0.1, False) for m in grid]
    assert np.all(np.diff(by_momentum) > 0)
    by_sentiment = [_p(lab, 0.2, s, False) for s in np.linspace(-2.0, 2.0, 9)]
    assert np.all(np.diff(by_sentiment) > 0)
    for m, s in [(0.0, 0.0), (1.0, -1.0), (-0.5, 2.0)]:
        assert _p(lab, m, s, True) < _p(lab, m, s, False)
    for p in by_momentum + by_sentiment:
        assert 0.0 < p < 1.0


def test_negative_coefficients_reverse_the_direction() -> None:
    lab = _lab({"base": 0.0, "momentum": -1.0, "sentiment": -1.0, "winter": 2.0})
    assert _p(lab, 1.0, 0.0, False) < _p(lab, 0.0, 0.0, False)
    assert _p(lab, 0.0, 1.0, False) < _p(lab, 0.0, 0.0, False)
    assert _p(lab, 0.0, 0.0, True) > _p(lab, 0.0, 0.0, False)
    # a zero coefficient makes its input irrelevant
    flat = _lab({"base": 0.5})
    assert _p(flat, 3.0, -2.0, True) == pytest.approx(1.0 / (1.0 + math.exp(-0.5)), abs=1e-15)


def test_momentum_is_clipped() -> None:
    # growth beyond 1,000% a year counts as 1,000%; a fall below -100% as -100%
    lab = _lab(COEF)
    assert _p(lab, 50.0, 0.0, False) == _p(lab, 10.0, 0.0, False)
    assert _p(lab, -5.0, 0.0, False) == _p(lab, -1.0, 0.0, False)


def test_uncertain_coefficients_are_sampled_per_path() -> None:
    sc = cc.load_scenario(_world({"base": {"dist": "normal", "p05": -2.0, "p95": 2.0}}))
    sim = Sim(sc, ChunkDraws(seed=3, n_paths=200, first_block=0, last_block=1,
                             deterministic=False))
    (lab,) = sim.labs
    p = lab.success_probability(np.zeros(200), np.zeros(200), np.zeros(200, dtype=bool))
    assert p.shape == (200,)
    assert np.unique(p).size > 100  # one base per path
    assert p.min() < 0.5 < p.max()


def test_higher_base_lowers_the_default_probability() -> None:
    # A lab that burns 4 a year on revenue of 1 and starts with 1 of cash lives on rounds;
    # the same seed gives every variant the same shocks and the same funding draws.
    def default_probability(base: float) -> float:
        data = _world({"base": base, "momentum": 1.0, "sentiment": 1.0, "winter": -2.0},
                      cash=1.0, fixed=4.0, volatility=0.4)
        res = cc.simulate(cc.load_scenario(data), paths=400, seed=11)
        return res.default_probability("lab")

    low, mid, high = (default_probability(b) for b in (-2.0, 0.0, 2.0))
    assert 0.0 < high < mid < low <= 1.0
    assert low - high > 0.2  # a material effect, not noise
