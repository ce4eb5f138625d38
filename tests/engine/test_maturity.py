"""A valuation multiple that matures (``funding.maturity``, `Fundraiser.multiple_at`).

In quarter ``q`` the multiple is ``mature * (initial / mature) ** (0.5 ** ((q / 4) /
half_life))``: the initial one in the first quarter, and the log of its premium over the
mature one halving every half-life. The lab below has a flat run-rate of exactly $1B a year
and a sentiment loading of 0, so its valuation is its multiple and every price is worked
by hand.
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
from chipcredit.engine.funding import Fundraiser
from chipcredit.engine.sim import Sim
from chipcredit.errors import ScenarioError

ONE_YEAR = {"multiple": 5, "half_life_years": 1}
"""From 20x towards 5x: 20x, then 5 x 4 ** 0.5 = 10x a year later, 5 x 4 ** 0.25 after two."""


def flat_lab(horizon: int, **world: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The scenario data of a lab with a flat run-rate of $1B a year and a sentiment loading
    of 0 (its valuation is its multiple) over ``horizon`` quarters, and the lab's funding
    block to set limits in. P(round) = 95%: every round wanted succeeds (test_round_cap.py
    and test_year_cap.py build on it)."""
    data = _world({"base": 3.0}, **world)
    data["horizon_quarters"] = horizon
    funding = data["parties"][1]["funding"]
    funding["sentiment_loading"] = 0.0
    return data, funding


def _scenario(maturity: dict[str, Any] | None, *, deals: list[dict[str, Any]] | None = None,
              horizon: int = 20, round_quarters: float | None = None,
              **world: Any) -> cc.Scenario:
    data, funding = flat_lab(horizon, **world)
    if round_quarters is not None:
        funding["round_quarters"] = round_quarters
    if maturity is not None:
        funding["maturity"] = maturity
    if deals:
        data["parties"].append({"id": "inv", "kind": "investor"})
        data["deals"] = deals
    return cc.load_scenario(data)



def test_the_multiple_after_zero_one_and_two_half_lives() -> None:
    res = cc.simulate(_scenario(ONE_YEAR), deterministic=True)
    value = res.bands("lab", "valuation")["mean"].to_numpy()
    assert res.bands("lab", "revenue")["mean"].to_numpy()[:9] == pytest.approx([0.25] * 9, abs=0)
    assert value[0] == 20.0                                          # 0 half-lives
    assert value[4] == pytest.approx(10.0, rel=1e-15)                # 1: 5 x 4 ** 0.5
    assert value[8] == pytest.approx(7.0710678118654755, rel=1e-15)  # 2: 5 x 4 ** 0.25
    # half a half-life (q = 2): 5 x 4 ** (0.5 ** 0.5) = 5 x 2.6651441 = 13.3257207
    assert value[2] == pytest.approx(13.325720713451126, rel=1e-13)
    # 4.75 half-lives on (q = 19): 5 x 4 ** (0.5 ** 4.75) = 5 x 4 ** 0.0372 = 5.264
    assert value[19] == pytest.approx(5.264343175768687, rel=1e-13)
    assert np.all(np.diff(value) < 0)


def test_without_maturity_the_multiple_never_moves() -> None:
    res = cc.simulate(_scenario(None), deterministic=True)
    assert res.bands("lab", "valuation")["mean"].tolist() == [20.0] * 20


def test_a_mature_multiple_equal_to_the_initial_one_changes_no_number() -> None:
    # log(20 / 20) = 0: the multiple is 20 x exp(0) = 20 in every quarter, to the bit
    same = cc.simulate(_scenario({"multiple": 20, "half_life_years": 1}, cash=1.0, fixed=5.0),
                       paths=50, seed=4)
    fixed = cc.simulate(_scenario(None, cash=1.0, fixed=5.0), paths=50, seed=4)
    assert same.to_json().replace(same.scenario_sha256, "") == \
        fixed.to_json().replace(fixed.scenario_sha256, "")


def test_equity_deals_are_priced_at_the_matured_multiple() -> None:
    deals = [{"id": "a", "kind": "equity", "investor": "inv", "investee": "lab", "amount": 2,
              "start": "2026Q4"},                     # q = 4: one half-life, 10x
             {"id": "b", "kind": "equity", "investor": "inv", "investee": "lab", "amount": 2,
              "start": "2027Q4"}]                     # q = 8: two, 7.0710678x
    sim = base_case_sim(_scenario(ONE_YEAR, deals=deals))
    lab, inv = sim.labs[0], sim.acct("inv")
    # $2B at a $10B pre-money on 1.0 shares: 0.2 shares
    assert float(lab.shares[(inv, 0)][0]) == pytest.approx(0.2, rel=1e-15)
    # $2B at 7.0710678 x 1.0 over 1.2 shares: 2 x 1.2 / 7.0710678 = 0.33941125
    assert float(lab.shares[(inv, 1)][0]) == pytest.approx(2 * 1.2 / 7.0710678118654755, rel=1e-14)
    fixed = base_case_sim(_scenario(None, deals=deals))
    assert float(fixed.labs[0].shares[(inv, 0)][0]) == pytest.approx(0.1, rel=1e-15)  # 2 / 20


def test_rounds_are_priced_at_the_matured_multiple() -> None:
    # $1B of cash, a flat burn of $1B a quarter (fixed costs 1.25, revenue 0.25), a 4-quarter
    # buffer and 4-quarter rounds; half-life one quarter, so q = 1 is one half-life (10x).
    # q = 0: burn 1 (the one quarter seen), cash 0 < 4: raise max(4 x 1, 4 - 0) = 4 at
    #        20 x 1.0 / 1.0: 0.2 shares; cash 4
    # q = 1: burn 1, cash 3 < 4: raise max(4 x 1, 4 - 3) = 4 at 10 / 1.2:
    #        4 x 1.2 / 10 = 0.48 shares; the market holds 0.68 (at a fixed 20x:
    #        0.2 + 4 x 1.2 / 20 = 0.44)
    quarter = {"multiple": 5, "half_life_years": 0.25}
    for maturity, held in ((quarter, 0.68), (None, 0.44)):
        sim = base_case_sim(_scenario(maturity, cash=1.0, fixed=5.0, horizon=2,
                                      round_quarters=4))
        market = sim.acct("market")
        assert float(sim.labs[0].shares[(market, -1)][0]) == pytest.approx(held, rel=1e-14)


def test_uncertain_maturity_is_sampled_per_path_and_takes_medians_in_the_base_case() -> None:
    sc = _scenario({"multiple": {"p05": 4, "p95": 9}, "half_life_years": {"p05": 1, "p95": 4}})
    sim = Sim(sc, ChunkDraws(seed=2, n_paths=300, first_block=0, last_block=1,
                             deterministic=False))
    lab = sim.labs[0]
    late = lab.multiple_at(39)
    assert late.shape == (300,) and np.unique(late).size > 250
    assert np.all((late > 4 * 0.3) & (late < 20))
    base = Sim(sc, ChunkDraws(0, 1, 0, 1, True)).labs[0]
    # medians: mature 6 (sqrt(4 x 9)), half-life 2 years; q = 8 is one half-life
    assert float(base.multiple_at(8)[0]) == pytest.approx(6.0 * (20 / 6.0) ** 0.5, rel=1e-12)


def test_maturity_keys_are_checked_when_loaded() -> None:
    with pytest.raises(ScenarioError, match=r"maturity\.half_life_years must be above 0"):
        _scenario({"multiple": 5, "half_life_years": 0})
    with pytest.raises(ScenarioError, match=r"maturity\.multiple must be above 0"):
        _scenario({"multiple": -5, "half_life_years": 1})
    with pytest.raises(ScenarioError, match=r"maturity\.multiple"):
        _scenario({"half_life_years": 1})


@settings(max_examples=60, deadline=None)
@given(initial=st.floats(0.5, 500.0), mature=st.floats(0.5, 50.0),
       half_life=st.floats(0.1, 10.0))
def test_the_multiple_moves_monotonically_from_the_initial_to_the_mature_one(
        initial: float, mature: float, half_life: float) -> None:
    party = Fundraiser()
    party.multiple = np.array([initial])
    party.half_life = np.array([half_life])
    party.mature = (np.array([mature]), np.log(party.multiple / mature))
    path = np.array([float(party.multiple_at(q)[0]) for q in range(41)])
    assert path[0] == pytest.approx(initial, rel=1e-12)
    low, high = min(initial, mature), max(initial, mature)
    assert np.all((path >= low * (1 - 1e-12)) & (path <= high * (1 + 1e-12)))
    steps = np.diff(path) * np.sign(initial - mature)
    assert np.all(steps <= 1e-12 * high)  # never moves away from the mature multiple
    # the log gap halves every half-life
    q = round(4 * half_life)
    if 0 < q <= 40 and initial != mature:
        gap = np.log(path[q] / mature) / np.log(initial / mature)
        assert gap == pytest.approx(0.5 ** ((q / 4) / half_life), rel=1e-9, abs=1e-12)
