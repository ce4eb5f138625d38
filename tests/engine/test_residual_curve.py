"""The used-GPU value curve is one uncertain shape: its points share one draw per path.

Each uncertain point of ``market.hardware.residual_value_by_age`` is its own quantile function
at the curve's one uniform (key ``market.hardware.residual_value_by_age``), so each point keeps
its marginal and a curve whose points' ranges fall with age (the loader's check,
`chipcredit.scenario.residual_curve`) falls on every path. Drawn point by point, as before,
seed-2025's curve rose with age somewhere on 24% of 4,000 paths.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chipcredit as cc
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.market import MarketState
from chipcredit.engine.params import ParamSampler
from chipcredit.scenario.number import Number
from chipcredit.scenario.residual_curve import CURVE, TOLERANCE, curve_rise

SEED_2025 = cc.load_scenario("seed-2025")


def _market(points: list[Number], n: int = 512, seed: int = 3,
            deterministic: bool = False) -> tuple[MarketState, ParamSampler]:
    """The engine's market with seed-2025's drivers and ``points`` as its curve (the curve
    set directly, past the loader, so that any curve can be drawn)."""
    hw = SEED_2025.market.hardware.model_copy(update={"residual_value_by_age": tuple(points)})
    market = SEED_2025.market.model_copy(update={"hardware": hw})
    draws = ChunkDraws(seed, n, 0, 1, deterministic)
    p = ParamSampler(draws)
    return MarketState(market, p, draws, 1), p


def _yearly(state: MarketState, points: int) -> np.ndarray:
    """The curve at whole years of age, ``(points, n)``."""
    return state.residual_by_age_q[: 4 * (points - 1) + 1: 4]


def test_seed_2025_curve_falls_on_every_path() -> None:
    points = list(SEED_2025.market.hardware.residual_value_by_age)
    state, _ = _market(points, n=4000, seed=2025)
    by_quarter = state.residual_by_age_q
    assert (np.diff(by_quarter, axis=0) <= 0).all()


def test_each_point_is_its_quantile_at_the_curves_one_uniform() -> None:
    points = list(SEED_2025.market.hardware.residual_value_by_age)
    state, p = _market(points, n=2000, seed=7)
    u = np.clip(p.draws.uniform("param:" + CURVE, 1)[0], 1e-12, 1 - 1e-12)
    curve = _yearly(state, len(points))
    for k, number in enumerate(points):
        # the marginal is unchanged: the point's own inverse CDF, at the shared draw
        assert (curve[k] == number.ppf(u)).all()


def test_two_uniform_points_move_together() -> None:
    # uniform(0.5, 0.9) at 1 year and uniform(0.3, 0.7) at 2: at one draw u they are
    # 0.5 + 0.4u and 0.3 + 0.4u, 0.2 apart on every path; drawn apart, the older would be
    # worth more on about 1/8 of the paths (and the gap would spread from -0.2 to 0.6)
    points = [Number(value=1.0), Number(dist="uniform", low=0.5, high=0.9),
              Number(dist="uniform", low=0.3, high=0.7)]
    curve = _yearly(_market(points, n=4096)[0], 3)
    assert curve[1] - curve[2] == pytest.approx(np.full(4096, 0.2), abs=1e-12)
    assert curve[1].min() < 0.52 and curve[1].max() > 0.88  # the whole range is drawn


def test_the_base_case_takes_each_points_median() -> None:
    points = [Number(value=1.0), Number(dist="triangular", low=0.6, mode=0.75, high=0.85),
              Number(dist="uniform", low=0.3, high=0.7)]
    curve = _yearly(_market(points, n=1, deterministic=True)[0], 3)[:, 0]
    # triangular median: the mode's level is 0.15 / 0.25 = 0.6 > 0.5, so the left branch,
    # 0.6 + sqrt(0.5 x 0.25 x 0.15) = 0.736930639...; uniform: 0.3 + 0.5 x 0.4
    assert curve.tolist() == pytest.approx([1.0, 0.6 + np.sqrt(0.01875), 0.5], abs=1e-15)


# -- any ordered curve falls on every path ----------------------------------------------

@st.composite
def _point(draw: st.DrawFn, lo: float, hi: float, dist: str | None = None) -> Number:
    """A share in [lo, hi]: fixed, uniform or triangular (``dist`` when given)."""
    kind = dist or draw(st.sampled_from(["fixed", "uniform", "triangular"]))
    a, b = sorted(draw(st.floats(lo, hi)) for _ in range(2))
    if kind == "fixed" or b - a < 1e-6:
        return Number(value=a)
    if kind == "uniform":
        return Number(dist="uniform", low=a, high=b)
    return Number(dist="triangular", low=a, mode=draw(st.floats(a, b)), high=b)


def _keys(number: Number) -> tuple[str, ...]:
    return {"fixed": ("value",), "uniform": ("low", "high"),
            "triangular": ("low", "mode", "high")}[number.dist]


@st.composite
def _ordered_curve(draw: st.DrawFn) -> list[Number]:
    """A curve whose every point lies at or below the one before it at each quantile level,
    by one of two reasons: its whole range at or below the previous point's lowest value,
    or the same dist with each number at most the previous one's (each number drawn below
    its old value, then sorted: the k-th smallest stays at most the old k-th)."""
    points = [draw(_point(0.0, 1.0))]
    for _ in range(draw(st.integers(1, 6))):
        before = points[-1]
        if draw(st.booleans()):
            points.append(draw(_point(0.0, before.support()[0])))
            continue
        values = sorted(draw(st.floats(0.0, getattr(before, k))) for k in _keys(before))
        if before.dist != "fixed" and values[-1] - values[0] < 1e-6:
            points.append(Number(value=values[0]))
        else:
            points.append(Number.model_validate(
                {"dist": before.dist, **dict(zip(_keys(before), values, strict=True))}))
    return points


@settings(max_examples=60, deadline=None)
@given(points=_ordered_curve(), seed=st.integers(0, 2**32 - 1))
def test_any_ordered_curve_falls_on_every_path(points: list[Number], seed: int) -> None:
    for before, after in itertools.pairwise(points):
        assert curve_rise(before, after)[1] <= TOLERANCE  # the loader accepts it
    state, _ = _market(points, n=256, seed=seed)
    assert (np.diff(state.residual_by_age_q, axis=0) <= TOLERANCE).all()


@settings(max_examples=80, deadline=None)
@given(before=_point(0.0, 1.0), after=_point(0.0, 1.0))
def test_the_check_finds_the_largest_rise(before: Number, after: Number) -> None:
    level, rise = curve_rise(before, after)
    grid = np.linspace(0.0, 1.0, 20_001)
    on_grid = float((after.ppf(grid) - before.ppf(grid)).max())
    # no level of the grid rises more than what it found (a curve that never rises may be
    # answered without a search, by a level where it does not)
    assert max(rise, 0.0) >= on_grid - 1e-12
    assert (rise > TOLERANCE) == (on_grid > TOLERANCE) or abs(on_grid - TOLERANCE) < 1e-9
    at = np.array([level])
    assert rise == pytest.approx(float(after.ppf(at)[0] - before.ppf(at)[0]), abs=1e-15)


def test_a_rise_the_check_finds_is_a_rise_on_a_path() -> None:
    # tri(0.4, 0.6, 0.7) then uniform(0.3, 0.72): below the first at low levels, above it
    # near the top, most not at the top (0.02) but inside: above the mode's level (2/3)
    # the difference is -0.4 + 0.42u + sqrt(0.03(1 - u)), largest where its slope
    # 0.42 - 0.015 / sqrt(0.03(1 - u)) is 0: sqrt(0.03(1 - u)) = 0.03 / 0.84, so
    # u = 1 - 0.03 / 0.84^2 = 0.957482993 and the rise is 0.037857142857
    before = Number(dist="triangular", low=0.4, mode=0.6, high=0.7)
    after = Number(dist="uniform", low=0.3, high=0.72)
    level, rise = curve_rise(before, after)
    top = 1 - 0.03 / 0.84**2
    assert level == pytest.approx(top, abs=1e-7)  # the rise is flat at its top: 1e-14 there
    assert rise == pytest.approx(-0.4 + 0.42 * top + 0.03 / 0.84, abs=1e-13)
    curve = _yearly(_market([Number(value=1.0), before, after], n=4096)[0], 3)
    assert (curve[2] > curve[1]).any()


def _scenario_with(points: Any) -> dict[str, Any]:
    data = SEED_2025.model_dump(mode="python", by_alias=True, exclude_none=True)
    data["market"]["hardware"]["residual_value_by_age"] = points
    return data


def test_a_correlation_with_the_curve_moves_every_point() -> None:
    from scipy.stats import spearmanr

    data = _scenario_with(SEED_2025.model_dump(mode="python", by_alias=True, exclude_none=True)
                          ["market"]["hardware"]["residual_value_by_age"])
    other = "parties.openai.revenue.growth.from"
    data["correlations"] = [{"a": CURVE, "b": other, "rho": 0.7}]
    sc = cc.load_scenario(data)
    n = 20_000
    p = ParamSampler(ChunkDraws(11, n, 0, 5, False), sc.correlations)
    state = MarketState(sc.market, p, p.draws, 1)
    curve = _yearly(state, 7)
    for k in (1, 3, 6):  # the standard error of a rank correlation is about 0.005 here
        assert spearmanr(curve[k], p.uniform(other)).statistic == pytest.approx(0.7, abs=0.03)
    assert (np.diff(curve, axis=0) <= 0).all()
