"""A vendor's operating profit over the year before the start
(``financials.opening_operating_profit_per_year``): it fills the trailing window, so the
first closes annualise four quarters and the opening price counts it.

The world is tests/test_vendor_financials.py's: ``nv`` earns $9B of operating profit in the
first quarter ($20B sold at a 50% margin less $1B of costs), then -$1B a quarter; it is
worth 20 x its annualised trailing operating profit (at least 0) + $100B + its stakes
(10% of a $100B lab and a $5B loan: $15B), on 1,000M shares.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.test_vendor_financials import band, run, world

import chipcredit as cc
from chipcredit.analytics.metrics import reduce_chunk
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.sim import Sim

sys.path.append(str(Path(__file__).resolve().parents[2] / "benchmarks"))  # the oracle

from plainmodel.oracle import columns, run_worlds

STAKES = 0.1 * 100.0 + 5.0


def with_opening(value: Any) -> dict[str, Any]:
    data = world()
    data["parties"][0]["financials"]["opening_operating_profit_per_year"] = value
    return data


def opening_sim(data: dict[str, Any]) -> Sim:
    """The sim before its first quarter: the opening equity value and price are set."""
    return Sim(cc.load_scenario(data), ChunkDraws(1, 1, 0, 1, True))


def test_without_the_field_the_first_closes_annualise_what_there_is() -> None:
    fin = opening_sim(world()).vendors[0].financials
    assert fin is not None
    # the opening earnings term is 0: other value plus the opening stakes
    assert fin.equity_value[0] == pytest.approx(100.0 + fin.stakes[0], rel=1e-12)
    annual = np.array([36.0, 16.0, 28.0 / 3.0, 6.0, 0.0, 0.0, 0.0, 0.0])  # 9 x 4, (9-1) x 2, ...
    np.testing.assert_allclose(band(run(world()), "equity_value"), 20.0 * annual + 100.0 + STAKES,
                               rtol=1e-12)


def test_the_year_before_fills_the_window_and_prices_the_opening() -> None:
    fin = opening_sim(with_opening(8.0)).vendors[0].financials
    assert fin is not None
    # opening: 20 x $8B + $100B + the opening stakes
    assert fin.equity_value[0] == pytest.approx(260.0 + fin.stakes[0], rel=1e-12)
    assert fin.price[0] == pytest.approx(1000.0 * (260.0 + fin.stakes[0]) / 1000.0, rel=1e-12)
    res = run(with_opening(8.0))
    # each quarter before the start is $2B: 2+2+2+9 = 15, 2+2+9-1 = 12, 2+9-1-1 = 9, then as
    # without the field (9-1-1-1 = 6, then -4: 0)
    annual = np.array([15.0, 12.0, 9.0, 6.0, 0.0, 0.0, 0.0, 0.0])
    value = 20.0 * annual + 100.0 + STAKES
    np.testing.assert_allclose(band(res, "equity_value"), value, rtol=1e-12)
    np.testing.assert_allclose(band(res, "share_price"), value, rtol=1e-12)  # 1,000M shares
    # the year before is not this run's profit: the total is the same as without it
    assert res.outcome(None, "nv", "operating_profit_total")[0] == pytest.approx(2.0)


def test_an_opening_loss_is_floored_like_any_trailing_loss() -> None:
    fin = opening_sim(with_opening(-40.0)).vendors[0].financials
    assert fin is not None
    assert fin.equity_value[0] == pytest.approx(100.0 + fin.stakes[0], rel=1e-12)
    res = run(with_opening(-40.0))
    # -10 x 3 + 9 = -21, -10 x 2 + 9 - 1 = -12, -10 + 9 - 2 = -3, then 6
    annual = np.array([0.0, 0.0, 0.0, 6.0, 0.0, 0.0, 0.0, 0.0])
    np.testing.assert_allclose(band(res, "equity_value"), 20.0 * annual + 100.0 + STAKES, rtol=1e-12)


def test_the_field_takes_either_sign_and_a_range() -> None:
    for value in (-5.0, 0.0, 69.0, {"p05": 50.0, "p95": 80.0}):
        cc.load_scenario(with_opening(value))
    with pytest.raises(cc.ScenarioError) as err:
        cc.load_scenario(with_opening(-2e9))
    assert str(err.value) == (
        "<scenario>: parties[0].financials.opening_operating_profit_per_year must be between "
        "-1e+09 and 1e+09, the limit for an amount (amounts are in $B); got -2000000000 "
        "(did you mean -2?)")
    with pytest.raises(cc.ScenarioError, match="opening_operating_profit_per_year"):
        cc.load_scenario(with_opening("a lot"))


def test_engine_and_oracle_agree_with_an_uncertain_opening_profit() -> None:
    """seed-2025 with Nvidia's year before drawn from a range, 24 paths."""
    import yaml

    data = yaml.safe_load((Path(cc.__file__).parent / "scenarios" / "seed-2025.yaml").read_text())
    nvidia = next(p for p in data["parties"] if p["id"] == "nvidia")
    nvidia["financials"]["opening_operating_profit_per_year"] = {"p05": 40.0, "p95": 90.0}
    scenario = cc.load_scenario(data)
    sim = Sim(scenario, ChunkDraws(7, 24, 0, 1, False))
    sim.run()
    engine = reduce_chunk(sim)
    worlds, sizes = run_worlds(scenario, 7, 24)
    oracle = columns(worlds, sizes)
    shared = set(engine) & set(oracle)
    bad = [k for k in sorted(shared) if not np.allclose(engine[k], oracle[k], rtol=1e-9, atol=1e-9,
                                                       equal_nan=True)]
    # the opening year weighs on the first closes: the quarterly series show it
    for key in (("nvidia", "equity_value"), ("nvidia", "share_price"), ("amd", "share_price")):
        series = np.array([w.series[key] for w in worlds])
        if not np.allclose(series, sim.series[key], rtol=1e-9, atol=1e-9, equal_nan=True):
            bad.append(str(key))
    assert not bad, bad
    first = sim.series[("nvidia", "equity_value")][:, 0]
    assert np.ptp(first) > 0
