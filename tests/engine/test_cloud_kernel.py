"""A cloud's compiled spot-market passes, and the fleet's compiled retirement, give the bits
of the numpy passes they replaced (written out here as the references), on values drawn to
hit ties (0.0 against -0.0), zeros, dust, infinities and NaN."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tests.engine.bits import same_bits

from chipcredit.engine.cloud_kernel import (
    add_debt_service,
    amortise,
    buildable,
    granted,
    idle_units,
    rent_request,
    rental_left,
    spot_request,
)
from chipcredit.engine.dust import CAPACITY_DUST, snap
from chipcredit.engine.fleet_kernel import retire

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's, on the edge values

VALUES = st.sampled_from([0.0, -0.0, 1e-12, -1e-12, 5e-10, 1e-9, -1e-9, 2e-9, 0.25, 1.0, 1.0,
                          -1.0, 3.0, 1e300, np.inf, np.nan])




@st.composite
def paths(draw: st.DrawFn, k: int) -> list[np.ndarray]:
    n = draw(st.integers(1, 9))
    return [draw(arrays(np.float64, (n,), elements=VALUES)) for _ in range(k)]


@given(paths(3))
def test_idle_units_match_numpy(a: list[np.ndarray]) -> None:
    installed, contracted, spot = a
    want = snap(np.maximum(installed - contracted - spot, 0.0), CAPACITY_DUST)
    assert same_bits(idle_units(installed, contracted, spot, CAPACITY_DUST), want)


@given(paths(4), st.data())
def test_buildable_matches_numpy(a: list[np.ndarray], data: st.DataObject) -> None:
    units, available, reserve, own = a
    alive = data.draw(arrays(np.bool_, units.shape))
    spare = np.maximum(available - reserve, 0.0)
    most = np.divide(spare, own, out=np.full(units.size, np.inf), where=own > 0)
    want = snap(np.where(alive, np.minimum(np.maximum(units, 0.0), most), 0.0), CAPACITY_DUST)
    assert same_bits(buildable(units, available, reserve, own, alive, CAPACITY_DUST), want)


@given(paths(2), st.data())
def test_rent_request_matches_numpy(a: list[np.ndarray], data: st.DataObject) -> None:
    units, idle = a
    alive = data.draw(arrays(np.bool_, units.shape))
    tenant = data.draw(arrays(np.bool_, units.shape))
    asked = np.where(alive & tenant, np.maximum(units, 0.0), 0.0)
    got_asked, short, any_short = rent_request(units, alive, tenant, idle)
    assert same_bits(got_asked, asked)
    assert same_bits(short, asked - idle)
    assert any_short == bool((asked - idle > 0).any())
    assert same_bits(granted(asked, idle, CAPACITY_DUST), snap(np.minimum(asked, idle), CAPACITY_DUST))


@given(paths(4))
def test_spot_request_and_what_is_left_match_numpy(a: list[np.ndarray]) -> None:
    want, left, budget, price = a
    can = np.divide(np.maximum(budget, 0.0), price, out=np.full(want.size, np.inf), where=price > 0)
    assert same_bits(spot_request(want, left, budget, price), np.minimum(np.minimum(want, left), can))
    got = np.abs(want)
    budget_after, left_after = rental_left(got, price, budget, left, CAPACITY_DUST)
    assert same_bits(budget_after, budget - got * price)
    assert same_bits(left_after, snap(np.maximum(left - got, 0.0), CAPACITY_DUST))


@given(paths(5))
def test_debt_service_matches_numpy(a: list[np.ndarray]) -> None:
    due, principal, rate, fraction, arrears = a
    assert same_bits(add_debt_service(due, principal, rate, fraction, arrears),
                     due + principal * (rate + fraction) + arrears)


@given(paths(3), st.data())
def test_amortisation_matches_numpy(a: list[np.ndarray], data: st.DataObject) -> None:
    principal, rate, fraction = a
    alive = data.draw(arrays(np.bool_, principal.shape))
    interest = principal * rate
    repay = np.where(alive, principal * fraction, 0.0)
    due, after = amortise(principal, rate, fraction, alive)
    assert same_bits(due, np.where(alive, interest + repay, 0.0))
    assert same_bits(after, principal - repay)


def test_the_spot_request_by_hand() -> None:
    # $10 at $4 a unit buys 2.5 units; a price of 0 sets no limit; no budget, no units
    got = spot_request(np.array([3.0, 3.0, 3.0]), np.array([5.0, 1.0, 5.0]),
                       np.array([10.0, 10.0, -1.0]), np.array([4.0, 0.0, 4.0]))
    assert got.tolist() == [2.5, 1.0, 0.0]


def test_retire_zeroes_the_new_cohort_and_each_path_s_cohort_at_its_life() -> None:
    # rows 1.. are the window (start 1); path 0 lives 2 quarters, path 1 is not retiring
    capacity = np.arange(10.0).reshape(5, 2) + 1.0
    cost = capacity * 10.0
    retired = retire(capacity, cost, 1, np.array([0]), np.array([2, 9]))
    assert retired.tolist() == [7.0, 0.0]  # row 1 + 2 = 3, path 0
    assert capacity[1].tolist() == [0.0, 0.0] and cost[1].tolist() == [0.0, 0.0]
    assert capacity[3, 0] == 0.0 and cost[3, 0] == 0.0
    assert capacity[3, 1] == 8.0 and capacity[0].tolist() == [1.0, 2.0]
