"""The rounds of four trailing quarters sell at most ``funding.max_dilution_per_year``.

With a yearly most dilution ``y`` quarter ``q``'s round issues at most
``y / (1 - y) * S_(q-3) - (N_(q-3) + N_(q-2) + N_(q-1))`` shares (``S_k`` the shares before
quarter ``k``'s round, ``N_k`` those it issued). The lab below (test_round_cap.py's) has a
flat run-rate of exactly $1B a year at 20x with a sentiment loading of 0, so its pre-money
valuation is $20B in every quarter, and $1B of cash against $5B a year of fixed costs: it
burns $1B a quarter, and with a 4-quarter buffer and 6-quarter rounds it asks
``max(6, 4 - cash)`` = $6B whenever its cash is under $4B. Every number is worked by hand.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.test_funding import _world, base_case_sim

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim
from chipcredit.errors import ScenarioError


def _scenario(y: Any, *, fixed: float = 5.0, horizon: int = 6, d: Any = None,
              **world: Any) -> cc.Scenario:
    data = _world({"base": 3.0}, cash=1.0, fixed=fixed, **world)  # P(round) = 95%
    data["horizon_quarters"] = horizon
    funding = data["parties"][1]["funding"]
    funding["sentiment_loading"] = 0.0
    if y is not None:
        funding["max_dilution_per_year"] = y
    if d is not None:
        funding["max_dilution"] = d
    return cc.load_scenario(data)


def _rounds(sim: Sim) -> list[float]:
    """The lab's round of each quarter, $B (one path)."""
    flows = sim.ledger.flow_sums[(sim.acct("market"), sim.labs[0].acct, "equity_round")]
    return [float(x) for x in flows.sum(axis=0)]


def _founders(sim: Sim) -> float:
    lab = sim.labs[0]
    return float(lab.shares[(sim.acct("founders"), -1)][0] / lab.total_shares()[0])


def test_the_year_caps_a_round_and_the_window_rolls_off_after_four_quarters() -> None:
    # y = 20%: the rounds of any four trailing quarters issue at most 0.25 x the shares
    # before the window.
    # q = 0: cash 0 < 4, asks 6; room 0.25 x 1.0 - 0 = 0.25 shares at 20 / 1.0 = $5B:
    #        raises 5 (capped), 0.25 new shares, 1.25 in all; cash 5
    # q = 1: cash 4, not under 4: no round
    # q = 2: cash 3, asks 6; room 0.25 x 1.0 - 0.25 = 0: raises nothing; cash 3
    # q = 3: cash 2, asks 6; the window is q = 0..3, room still 0: nothing; cash 1
    # q = 4: q = 0 has left the window: before it S_1 = 1.25, nothing issued in q = 1..3,
    #        room 0.25 x 1.25 = 0.3125 shares at 20 / 1.25 = $16: $5B again; 1.5625 shares,
    #        the founders keep 1 / 1.5625 = 64% = 0.8 ** 2; cash 6
    # q = 5: cash 5: no round
    sim = base_case_sim(_scenario(0.2))
    assert _rounds(sim) == pytest.approx([5.0, 0.0, 0.0, 0.0, 5.0, 0.0], rel=1e-14, abs=1e-14)
    assert float(sim.labs[0].total_shares()[0]) == pytest.approx(1.5625, rel=1e-14)
    assert _founders(sim) == pytest.approx(0.64, rel=1e-14)
    assert float(sim.labs[0].cash[0]) == pytest.approx(5.0, rel=1e-14)
    # without the limit: 6 at q = 0 (0.3 shares), then 6 more at q = 3 when cash is 3
    free = base_case_sim(_scenario(None))
    assert _rounds(free) == pytest.approx([6.0, 0.0, 0.0, 6.0, 0.0, 0.0], rel=1e-14, abs=1e-14)


def test_a_round_takes_what_room_the_year_has_left() -> None:
    # y = 30%: ratio 3 / 7 = 0.428571; the room at q = 0 is 0.428571 shares x 20 = $8.57B:
    # the $6B round closes whole (0.3 shares, 1.3 in all; cash 6). q = 1, 2: cash 5, 4: no
    # round. q = 3: cash 3, asks 6; room 3 / 7 - 0.3 = 0.9 / 7 shares at 20 / 1.3 a share
    # = 18 / 9.1 = $1.978B. The four quarters sold (0.3 + 0.9 / 7) / (1 + 3 / 7) = 30% of
    # the company: the founders keep 70%
    sim = base_case_sim(_scenario(0.3, horizon=4))
    assert _rounds(sim) == pytest.approx([6.0, 0.0, 0.0, 18 / 9.1], rel=1e-14, abs=1e-14)
    assert _founders(sim) == pytest.approx(0.7, rel=1e-14)


def test_the_stricter_of_the_two_limits_binds() -> None:
    # per round 5% (20 / 19 = $1.0526B a round), per year 20%: each quarter's round is
    # the per-round cap (cash stays under 4 throughout), and the year's room (0.25 x 1.0
    # shares) is not reached in two quarters: (1 / 19 + 20 / 361) = 0.108 shares
    sim = base_case_sim(_scenario(0.2, d=0.05, horizon=2))
    assert _rounds(sim) == pytest.approx([20 / 19, 20 / 19], rel=1e-14)
    # per round 50% ($20B), per year 20%: the year's $5B binds, as without a per-round cap
    sim = base_case_sim(_scenario(0.2, d=0.5, horizon=2))
    assert _rounds(sim) == pytest.approx([5.0, 0.0], rel=1e-14, abs=1e-14)


def test_a_lab_still_short_after_a_yearly_capped_round_defaults() -> None:
    # $30B a year of fixed costs leave $6.25B unpaid at q = 0 (test_round_cap.py); the
    # year's room of 5% is 20 / 19 = $1.0526B: still in arrears, it defaults at q = 0
    capped = base_case_sim(_scenario(0.05, fixed=30.0, horizon=1)).labs[0]
    assert not capped.alive[0] and capped.default_quarter[0] == 0 and capped.cause[0] == 1
    free = base_case_sim(_scenario(None, fixed=30.0, horizon=1)).labs[0]
    assert free.alive[0] and free.default_quarter[0] == -1


def test_the_limit_is_sampled_per_path_and_takes_its_median_in_the_base_case() -> None:
    sc = _scenario({"dist": "uniform", "low": 0.15, "high": 0.3})
    lab = Sim(sc, ChunkDraws(seed=2, n_paths=200, first_block=0, last_block=1,
                             deterministic=False)).labs[0]
    y = lab.year_ratio / (1 + lab.year_ratio)
    assert np.all((y >= 0.15 - 1e-12) & (y <= 0.3 + 1e-12)) and np.unique(y).size == 200
    base = Sim(sc, ChunkDraws(0, 1, 0, 1, True)).labs[0]
    assert float(base.year_ratio[0]) == pytest.approx(0.225 / 0.775, rel=1e-14)


def test_bad_yearly_limits_are_refused_when_loaded() -> None:
    for bad, rule in ((0, r"must be above 0 and below 1; got 0"),
                      (1, r"must be above 0 and below 1; got 1"),
                      (-0.2, r"must be above 0 and below 1; got -0\.2"),
                      (25, r"must be above 0 and below 1; got 25 \(did you mean 0\.25\?\)")):
        with pytest.raises(ScenarioError, match=r"funding\.max_dilution_per_year " + rule):
            _scenario(bad)


@settings(max_examples=10, deadline=None)
@given(y=st.floats(0.02, 0.6), seed=st.integers(0, 2**31 - 1))
def test_no_four_quarters_issue_more_than_y_over_1_minus_y_of_the_shares_before_them(
        y: float, seed: int) -> None:
    # a volatile lab that burns hard, so rounds are many and the year's room often binds
    sc = _scenario(y, fixed=6.0, horizon=16, volatility=0.8)
    sim = Sim(sc, ChunkDraws(seed=seed, n_paths=100, first_block=0, last_block=1,
                             deterministic=False))
    lab, market = sim.labs[0], sim.acct("market")
    bound, binding = y / (1 - y), 0
    before: list[np.ndarray] = []
    issued: list[np.ndarray] = []
    for q in range(sim.n_quarters):
        before.append(lab.total_shares().copy())
        held = lab.shares.get((market, -1), np.zeros(sim.n)).copy()
        sim.step(q)
        issued.append(lab.shares.get((market, -1), np.zeros(sim.n)) - held)
        start = max(q - 3, 0)
        window = np.sum(issued[start:], axis=0)
        assert np.all(window <= bound * before[start] * (1 + 1e-12))
        binding += int(np.sum((window >= bound * before[start] * (1 - 1e-12))
                              & (issued[-1] > 0)))
    assert binding > 0  # the limit bound on some round, so it was tested where it bites
