"""The vendor choice's compiled passes give the bits of the numpy passes they replaced.

Each reference below is the numpy code `engine/choice.py` ran before the kernels (written
out here, so that a kernel that drifts from it fails). The values are drawn to hit the
edges: exact ties (including 0.0 against -0.0), zeros, dust, denormals and paths with no
ported platform; bits are compared, NaN included.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tests.engine.bits import same_bits

from chipcredit.engine.choice import FLOOR, logit_shares
from chipcredit.engine.choice_kernel import logit_exponent, planned_units, split
from chipcredit.engine.dust import CAPACITY_DUST, snap

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's, on the edge values

VALUES = st.sampled_from([0.0, -0.0, 1e-12, 5e-10, 1e-9, 2e-9, 1e-310, 0.3, 0.5, 1.0, 1.0, 2.0,
                          3.7, 50.0, 1e6])
"""Few distinct values, so that ties and equal sums are common."""




@st.composite
def market(draw: st.DrawFn) -> dict[str, np.ndarray]:
    v = draw(st.integers(1, 3))
    n = draw(st.integers(1, 7))
    grid = arrays(np.float64, (v, n), elements=VALUES)
    row = arrays(np.float64, (n,), elements=VALUES)
    positive = arrays(np.float64, (v, n), elements=st.sampled_from([0.5, 1.0, 1.0, 1.3, 65.0]))
    return {
        "unit_price": draw(positive), "perf": draw(positive), "penalty": draw(grid),
        "pull": draw(grid), "cost": draw(arrays(np.float64, (v, n), elements=VALUES.filter(bool))),
        "ported": draw(arrays(np.bool_, (v, n))), "sensitivity": draw(row),
        "budget": draw(row), "shortfall": draw(row), "live": draw(arrays(np.bool_, (n,))),
        "room": draw(grid), "capped": draw(arrays(np.bool_, (v,))),
    }


def reference_costs(m: dict[str, np.ndarray], has_penalty: bool, has_pull: bool) -> np.ndarray:
    pull = m["pull"] if has_pull else 0.0
    useful = m["perf"] * (1.0 - np.minimum(m["penalty"], 0.99)) if has_penalty else m["perf"]
    return np.asarray(np.maximum(m["unit_price"] / useful - pull, FLOOR * m["unit_price"]))


def reference_logit(cost: np.ndarray, ported: np.ndarray, sensitivity: np.ndarray) -> np.ndarray:
    cheapest = np.where(ported, cost, np.inf).min(axis=0)
    rel = np.divide(cost, cheapest, out=np.ones_like(cost), where=np.isfinite(cheapest))
    weight = np.where(ported, np.exp(-sensitivity * (rel - 1.0)), 0.0)
    total = weight.sum(axis=0)
    return np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)


def reference_split(m: dict[str, np.ndarray], shares: np.ndarray) -> np.ndarray:
    perf, price = m["perf"], m["unit_price"]
    mix_price = price / perf
    budget, shortfall, live = m["budget"], m["shortfall"], m["live"]
    per_unit = (shares * mix_price).sum(axis=0)
    units = np.where(live, np.minimum(shortfall, np.divide(
        budget, per_unit, out=np.zeros(budget.size), where=per_unit > 0)), 0.0)
    want = units * shares / perf
    take = want.copy()
    room = np.where(m["capped"][:, None], m["room"], np.inf)
    for i in np.flatnonzero(m["capped"]):
        take[i] = np.minimum(want[i], room[i])
    unmet = ((want - take) * perf).sum(axis=0)
    if unmet.any():
        open_ = m["ported"] & (room - take > 0)
        weights = np.where(open_, shares, 0.0)
        total = weights.sum(axis=0)
        extra = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
        extra *= unmet / perf
        extra = np.minimum(extra, room - take)
        cost = (extra * price).sum(axis=0)
        left = np.maximum(budget - (take * price).sum(axis=0), 0.0)
        scale = np.divide(left, cost, out=np.ones(budget.size), where=cost > left)
        take = take + extra * scale
    return snap(take, CAPACITY_DUST)


def exponent(m: dict[str, np.ndarray], has_penalty: bool, has_pull: bool, row: int,
             cost: np.ndarray, also: int = -1) -> np.ndarray:
    return np.asarray(logit_exponent(m["unit_price"], m["perf"], m["penalty"], m["pull"], has_penalty,
                                     has_pull, FLOOR, row, cost, m["ported"], also, m["sensitivity"]))


def reference_exponent(cost: np.ndarray, ported: np.ndarray, sensitivity: np.ndarray) -> np.ndarray:
    cheapest = np.where(ported, cost, np.inf).min(axis=0)
    rel = np.divide(cost, cheapest, out=np.ones_like(cost), where=np.isfinite(cheapest))
    return np.asarray(-sensitivity * (rel - 1.0))


@given(market(), st.booleans(), st.booleans())
def test_effective_costs_and_their_exponent_match_numpy(m: dict[str, np.ndarray], has_penalty: bool,
                                                        has_pull: bool) -> None:
    out = np.full_like(m["unit_price"], np.nan)
    weight = exponent(m, has_penalty, has_pull, -1, out)
    want = reference_costs(m, has_penalty, has_pull)
    assert same_bits(out, want)
    assert same_bits(weight, reference_exponent(want, m["ported"], m["sensitivity"]))


@given(market(), st.data())
def test_one_row_of_the_costs_leaves_the_others_alone(m: dict[str, np.ndarray],
                                                      data: st.DataObject) -> None:
    row = data.draw(st.integers(0, m["unit_price"].shape[0] - 1))
    out = m["cost"].copy()
    weight = exponent(m, True, True, row, out, also=row)
    want = m["cost"].copy()
    want[row] = reference_costs(m, True, True)[row]
    assert same_bits(out, want)
    with_row = m["ported"].copy()
    with_row[row] = True  # the candidate counts as ported
    assert same_bits(weight, reference_exponent(want, with_row, m["sensitivity"]))


@given(market())
def test_given_costs_are_left_as_they_are(m: dict[str, np.ndarray]) -> None:
    out = m["cost"].copy()
    weight = exponent(m, True, True, -2, out)
    assert same_bits(out, m["cost"])
    assert same_bits(weight, reference_exponent(m["cost"], m["ported"], m["sensitivity"]))


@given(market())
def test_logit_shares_match_numpy(m: dict[str, np.ndarray]) -> None:
    assert same_bits(logit_shares(m["cost"], m["ported"], m["sensitivity"]),
                     reference_logit(m["cost"], m["ported"], m["sensitivity"]))


@given(market(), st.data())
def test_a_porting_candidate_counts_as_ported(m: dict[str, np.ndarray], data: st.DataObject) -> None:
    also = data.draw(st.integers(0, m["cost"].shape[0] - 1))
    with_also = m["ported"].copy()
    with_also[also] = True
    got = logit_shares(m["cost"], m["ported"], m["sensitivity"], also=also)
    assert same_bits(got, reference_logit(m["cost"], with_also, m["sensitivity"]))


def test_logit_shares_by_hand() -> None:
    # costs 1 and 1.1 at sensitivity 10: weights 1 and exp(-1); a path with nothing ported
    # gets no shares, an unported platform none
    cost = np.array([[1.0, 1.0, 1.0], [1.1, 1.1, 1.1]])
    ported = np.array([[True, False, True], [True, False, False]])
    shares = logit_shares(cost, ported, np.full(3, 10.0))
    e = np.exp(-10.0 * (1.1 / 1.0 - 1.0))
    np.testing.assert_allclose(shares[:, 0], [1.0 / (1.0 + e), e / (1.0 + e)], rtol=1e-15)
    assert (shares[:, 1] == 0.0).all()
    assert shares[:, 2].tolist() == [1.0, 0.0]


@given(market())
def test_planned_units_match_numpy(m: dict[str, np.ndarray]) -> None:
    shares = reference_logit(m["cost"], m["ported"], m["sensitivity"])
    mix_price = m["unit_price"] / m["perf"]
    want = snap(np.minimum(m["shortfall"], np.divide(m["budget"], (shares * mix_price).sum(axis=0),
                                                     out=np.zeros(m["budget"].size), where=m["live"])),
                CAPACITY_DUST)
    got = planned_units(shares, mix_price, m["budget"], m["shortfall"], m["live"], CAPACITY_DUST)
    assert same_bits(got, want)


@given(market())
def test_the_split_matches_numpy(m: dict[str, np.ndarray]) -> None:
    shares = reference_logit(m["cost"], m["ported"], m["sensitivity"])
    room = np.where(m["capped"][:, None], m["room"], np.inf)
    got, buys = split(shares, m["unit_price"] / m["perf"], m["perf"], m["unit_price"], m["ported"],
                      room, m["capped"], m["budget"], m["shortfall"], m["live"], CAPACITY_DUST)
    want = reference_split(m, shares)
    assert same_bits(got, want)
    assert buys.tolist() == want.any(axis=1).tolist()


def test_a_capped_vendor_spills_to_the_other_platform_by_hand() -> None:
    # 2 useful units wanted at even shares, $100 of budget at $10 a unit; vendor 0 has
    # room for 0.4: it ships 0.4, the other platform the 0.6 it was asked for plus the
    # 0.6 vendor 0 could not ship
    half = np.full((2, 1), 0.5)
    price = np.full((2, 1), 10.0)
    perf = np.ones((2, 1))
    take, buys = split(half, price, perf, price, np.ones((2, 1), bool), np.array([[0.4], [np.inf]]),
                       np.array([True, False]), np.array([100.0]), np.array([2.0]), np.array([True]),
                       CAPACITY_DUST)
    np.testing.assert_allclose(take[:, 0], [0.4, 1.6], rtol=1e-15)
    assert buys.tolist() == [True, True]
    # with $15 it buys 1.5 units, 0.75 asked of each: vendor 0 ships 0.4, the other 0.75
    # plus the 0.35 vendor 0 could not ship, which takes the whole budget
    take, _ = split(half, price, perf, price, np.ones((2, 1), bool), np.array([[0.4], [np.inf]]),
                    np.array([True, False]), np.array([15.0]), np.array([2.0]), np.array([True]),
                    CAPACITY_DUST)
    np.testing.assert_allclose(take[:, 0], [0.4, 1.0 + 0.1], rtol=1e-15)
    # nothing left to buy: no purchase from either
    _, buys = split(half, price, perf, price, np.ones((2, 1), bool), np.array([[0.4], [np.inf]]),
                    np.array([True, False]), np.array([15.0]), np.array([0.0]), np.array([True]),
                    CAPACITY_DUST)
    assert buys.tolist() == [False, False]
