"""A round sells at most ``funding.max_dilution`` of the company (`equity_round`'s cap).

With a most dilution ``d`` a round raises at most ``pre_money * d / (1 - d)``, so its new
shares are at most ``d`` of those after it. The lab below (the one of test_maturity.py) has
a flat run-rate of exactly $1B a year at 20x with a sentiment loading of 0, so its pre-money
valuation is $20B in every quarter, and $1B of cash against $5B a year of fixed costs: it
burns $1B a quarter. Every number is worked by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.test_funding import base_case_sim
from tests.engine.test_maturity import flat_lab

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim
from chipcredit.errors import ScenarioError


def _scenario(d: Any = None, *, y: Any = None, fixed: float = 5.0, horizon: int = 2,
              **world: Any) -> cc.Scenario:
    """The lab with $1B of cash and ``fixed`` $B a year of fixed costs, its rounds limited
    to ``d`` of the company each and, where given, to ``y`` over four trailing quarters
    (test_year_cap.py)."""
    data, funding = flat_lab(horizon, cash=1.0, fixed=fixed, **world)
    for field, limit in (("max_dilution", d), ("max_dilution_per_year", y)):
        if limit is not None:
            funding[field] = limit
    return cc.load_scenario(data)


def market_rounds(seed: int, **limits: Any) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each quarter's (the lab's shares before its round, the shares the round issued to the
    market), shape (100,) each, stepping a 100-path run of a volatile lab that burns hard
    ($6B a year of fixed costs, half a year of cash in its buffer) under ``limits`` (``d``,
    ``y``), so that rounds are many and a limit often binds."""
    sc = _scenario(fixed=6.0, horizon=16, volatility=0.8, **limits)
    sim = Sim(sc, ChunkDraws(seed=seed, n_paths=100, first_block=0, last_block=1,
                             deterministic=False))
    lab, market = sim.labs[0], sim.acct("market")
    for q in range(sim.n_quarters):
        before = lab.total_shares().copy()
        held = lab.shares.get((market, -1), np.zeros(sim.n)).copy()
        sim.step(q)
        yield before, lab.shares.get((market, -1), np.zeros(sim.n)) - held


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


@pytest.mark.parametrize("limit", [
    # capped at 5% a round it raises 20 / 19 = 1.0526, which clears 1.0526 of the 6.25
    pytest.param({"d": 0.05}, id="per-round"),
    # the year's room of 5% is 20 / 19 = $1.0526B, the same (test_year_cap.py)
    pytest.param({"y": 0.05}, id="per-year"),
])
def test_a_lab_still_short_after_a_capped_round_defaults(limit: dict[str, float]) -> None:
    # $30B a year of fixed costs: $7.5B a quarter against $0.25B of revenue and $1B of cash
    # leaves $6.25B unpaid at q = 0. Uncapped it raises max(1.5, 6.25 + 1) = 7.25, pays the
    # arrears and lives; capped it raises 20 / 19: still in arrears after the funding
    # phase, it defaults in the first quarter
    capped = base_case_sim(_scenario(**limit, fixed=30.0, horizon=1)).labs[0]
    assert not capped.alive[0] and capped.default_quarter[0] == 0 and capped.cause[0] == 1
    free = base_case_sim(_scenario(None, fixed=30.0, horizon=1)).labs[0]
    assert free.alive[0] and free.default_quarter[0] == -1


@pytest.mark.parametrize(("kw", "ratio", "low", "high", "median"), [
    pytest.param("d", "cap_ratio", 0.08, 0.2, 0.14 / 0.86, id="per-round"),
    pytest.param("y", "year_ratio", 0.15, 0.3, 0.225 / 0.775, id="per-year"),
])
def test_the_limit_is_sampled_per_path_and_takes_its_median_in_the_base_case(
        kw: str, ratio: str, low: float, high: float, median: float) -> None:
    # the lab keeps a limit l as l / (1 - l), the most new shares per share before them
    sc = _scenario(**{kw: {"dist": "uniform", "low": low, "high": high}})
    lab = Sim(sc, ChunkDraws(seed=2, n_paths=200, first_block=0, last_block=1,
                             deterministic=False)).labs[0]
    kept = getattr(lab, ratio)
    limit = kept / (1 + kept)
    assert np.all((limit >= low - 1e-12) & (limit <= high + 1e-12))
    assert np.unique(limit).size == 200
    base = Sim(sc, ChunkDraws(0, 1, 0, 1, True)).labs[0]
    assert float(getattr(base, ratio)[0]) == pytest.approx(median, rel=1e-14)


@pytest.mark.parametrize(("kw", "field", "bad", "rule"), [
    ("d", "max_dilution", 0, r"must be above 0 and below 1; got 0"),
    ("d", "max_dilution", 1, r"must be above 0 and below 1; got 1"),
    ("d", "max_dilution", -0.1, r"must be above 0 and below 1"),
    ("d", "max_dilution", 13, r"must be above 0 and below 1; got 13 \(did you mean 0\.13\?\)"),
    ("y", "max_dilution_per_year", 0, r"must be above 0 and below 1; got 0"),
    ("y", "max_dilution_per_year", 1, r"must be above 0 and below 1; got 1"),
    ("y", "max_dilution_per_year", -0.2, r"must be above 0 and below 1; got -0\.2"),
    ("y", "max_dilution_per_year", 25,
     r"must be above 0 and below 1; got 25 \(did you mean 0\.25\?\)"),
])
def test_bad_limits_are_refused_when_loaded(kw: str, field: str, bad: float, rule: str) -> None:
    # the field's name and a space: max_dilution's rule is not matched by the yearly one's
    with pytest.raises(ScenarioError, match=rf"funding\.{field} " + rule):
        _scenario(**{kw: bad})


@settings(max_examples=12, deadline=None)
@given(d=st.floats(0.01, 0.6), seed=st.integers(0, 2**31 - 1))
def test_no_round_issues_more_than_d_over_1_minus_d_of_the_shares_before_it(
        d: float, seed: int) -> None:
    bound, binding = d / (1 - d), 0
    for before, new in market_rounds(seed, d=d):
        assert np.all(new <= bound * before * (1 + 1e-12))
        binding += int(np.sum(new >= bound * before * (1 - 1e-12)))
    assert binding > 0  # the cap bound on some round, so the bound was tested where it bites
