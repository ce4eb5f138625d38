"""A round sells at most ``funding.max_dilution`` of the company (`equity_round`'s cap).

With a most dilution ``d`` a round raises at most ``pre_money * d / (1 - d)``, so its new
shares are at most ``d`` of those after it. The lab below (the one of test_maturity.py) has
a flat run-rate of exactly $1B a year at 20x with a sentiment loading of 0, so its pre-money
valuation is $20B in every quarter, and $1B of cash against $5B a year of fixed costs: it
burns $1B a quarter. Every number is worked by hand.
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


def _scenario(d: Any, *, fixed: float = 5.0, horizon: int = 2, **world: Any) -> cc.Scenario:
    data = _world({"base": 3.0}, cash=1.0, fixed=fixed, **world)  # P(round) = 95%
    data["horizon_quarters"] = horizon
    funding = data["parties"][1]["funding"]
    funding["sentiment_loading"] = 0.0
    if d is not None:
        funding["max_dilution"] = d
    return cc.load_scenario(data)



def _holdings(sim: Sim) -> tuple[float, float, float]:
    """(the market's shares, the founders' share of the company, the lab's cash $B)."""
    lab = sim.labs[0]
    market = float(lab.shares[(sim.acct("market"), -1)][0])
    founders = float(lab.shares[(sim.acct("founders"), -1)][0] / lab.total_shares()[0])
    return market, founders, float(lab.cash[0])


def test_a_capped_round_raises_the_cap_and_sells_exactly_d() -> None:
    # d = 5%: a round raises at most 20 x 0.05 / 0.95 = 20 / 19 = $1.0526B.
    # q = 0: burn 1 (the one quarter seen), cash 0 < 4: it asks max(6 x 1, 4 - 0) = 6
    #        and raises 20 / 19 at 20 / 1.0 per share: 1 / 19 = 0.0526316 new shares, 5% of
    #        the 20 / 19 after it; the founders keep 95%; cash 20 / 19
    # q = 1: burn 1, cash 20 / 19 - 1 = 1 / 19 < 4: it asks max(6 x 1, 4 - 1 / 19) = 6
    #        and raises 20 / 19 again at 20 / (20 / 19) = 19 per share: 20 / 361 new shares,
    #        the market 1 / 19 + 20 / 361 = 39 / 361 = 0.1080332; founders 0.95 ** 2 = 90.25%;
    #        cash 1 / 19 + 20 / 19 = 21 / 19
    sim = base_case_sim(_scenario(0.05))
    market, founders, cash = _holdings(sim)
    assert market == pytest.approx(39 / 361, rel=1e-14)
    assert founders == pytest.approx(0.9025, rel=1e-14)
    assert cash == pytest.approx(21 / 19, rel=1e-14)
    # the ledger's round flows, per quarter (one path, one block): 20 / 19 in each
    rounds = sim.ledger.flow_sums[(sim.acct("market"), sim.labs[0].acct, "equity_round")]
    assert rounds.sum(axis=0) == pytest.approx([20 / 19, 20 / 19], rel=1e-14)


def test_a_cap_that_does_not_bind_leaves_the_round_as_before() -> None:
    # d = 50%: up to $20B a round, far above the 6 asked. As without a cap: q = 0 raises
    # 6 at 20 (0.3 shares), cash 6; q = 1 burns 1, cash 5 >= 4 x 1: no round; so the
    # market holds 0.3 and the founders 1 / 1.3; cash 5
    for d in (0.5, None):
        market, founders, cash = _holdings(base_case_sim(_scenario(d)))
        assert market == pytest.approx(0.3, rel=1e-14)
        assert founders == pytest.approx(1 / 1.3, rel=1e-14)
        assert cash == pytest.approx(5.0, rel=1e-14)


def test_a_cap_that_never_binds_changes_no_number_on_any_path() -> None:
    # volatile revenue, 60 paths: rounds of a few $B against a $20B company never sell
    # more than 90% of it
    kw: dict[str, Any] = {"horizon": 12, "volatility": 0.6}
    capped = cc.simulate(_scenario(0.9, **kw), paths=60, seed=4)
    free = cc.simulate(_scenario(None, **kw), paths=60, seed=4)
    assert capped.to_json().replace(capped.scenario_sha256, "") == \
        free.to_json().replace(free.scenario_sha256, "")


def test_a_lab_still_short_after_a_capped_round_defaults() -> None:
    # $30B a year of fixed costs: $7.5B a quarter against $0.25B of revenue and $1B of cash
    # leaves $6.25B unpaid at q = 0. Uncapped it raises max(1.5, 6.25 + 1) = 7.25, pays the
    # arrears and lives; capped at 5% it raises 20 / 19 = 1.0526, which clears 1.0526 of the
    # 6.25: still in arrears after the funding phase, it defaults in the first quarter
    capped = base_case_sim(_scenario(0.05, fixed=30.0, horizon=1)).labs[0]
    assert not capped.alive[0] and capped.default_quarter[0] == 0 and capped.cause[0] == 1
    free = base_case_sim(_scenario(None, fixed=30.0, horizon=1)).labs[0]
    assert free.alive[0] and free.default_quarter[0] == -1


def test_the_cap_is_sampled_per_path_and_takes_its_median_in_the_base_case() -> None:
    sc = _scenario({"dist": "uniform", "low": 0.08, "high": 0.2})
    lab = Sim(sc, ChunkDraws(seed=2, n_paths=200, first_block=0, last_block=1,
                             deterministic=False)).labs[0]
    d = lab.cap_ratio / (1 + lab.cap_ratio)
    assert np.all((d >= 0.08 - 1e-12) & (d <= 0.2 + 1e-12)) and np.unique(d).size == 200
    base = Sim(sc, ChunkDraws(0, 1, 0, 1, True)).labs[0]
    assert float(base.cap_ratio[0]) == pytest.approx(0.14 / 0.86, rel=1e-14)


def test_bad_caps_are_refused_when_loaded() -> None:
    for bad, rule in ((0, r"must be above 0 and below 1; got 0"),
                      (1, r"must be above 0 and below 1; got 1"),
                      (-0.1, r"must be above 0 and below 1"),
                      (13, r"must be above 0 and below 1; got 13 \(did you mean 0\.13\?\)")):
        with pytest.raises(ScenarioError, match=r"funding\.max_dilution " + rule):
            _scenario(bad)


@settings(max_examples=12, deadline=None)
@given(d=st.floats(0.01, 0.6), seed=st.integers(0, 2**31 - 1))
def test_no_round_issues_more_than_d_over_1_minus_d_of_the_shares_before_it(
        d: float, seed: int) -> None:
    # a volatile lab that burns hard ($6B a year of fixed costs, and half a year of cash in
    # its buffer), so rounds are many and the cap often binds
    sc = _scenario(d, fixed=6.0, horizon=16, volatility=0.8)
    sim = Sim(sc, ChunkDraws(seed=seed, n_paths=100, first_block=0, last_block=1,
                             deterministic=False))
    lab, market = sim.labs[0], sim.acct("market")
    bound, binding = d / (1 - d), 0
    for q in range(sim.n_quarters):
        before = lab.total_shares().copy()
        held = lab.shares.get((market, -1), np.zeros(sim.n)).copy()
        sim.step(q)
        new = lab.shares.get((market, -1), np.zeros(sim.n)) - held
        assert np.all(new <= bound * before * (1 + 1e-12))
        binding += int(np.sum(new >= bound * before * (1 - 1e-12)))
    assert binding > 0  # the cap bound on some round, so the bound was tested where it bites
