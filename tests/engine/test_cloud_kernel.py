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
    spot_ask,
    spot_grant,
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


@given(paths(4), st.data())
def test_buildable_matches_numpy(a: list[np.ndarray], data: st.DataObject) -> None:
    units, available, reserve, own = a
    alive = data.draw(arrays(np.bool_, units.shape))
    spare = np.maximum(available - reserve, 0.0)
    most = np.divide(spare, own, out=np.full(units.size, np.inf), where=own > 0)
    want = snap(np.where(alive, np.minimum(np.maximum(units, 0.0), most), 0.0), CAPACITY_DUST)
    got, buys = buildable(units, available, reserve, own, alive, CAPACITY_DUST)
    assert same_bits(got, want)
    assert buys == bool(want.any())


@given(paths(8), st.data())
def test_the_spot_request_matches_numpy(a: list[np.ndarray], data: st.DataObject) -> None:
    want, share, left, budget, price, installed, contracted, spot = a
    alive = data.draw(arrays(np.bool_, want.shape))
    tenant = data.draw(arrays(np.bool_, want.shape))
    scaled = data.draw(st.booleans())
    # the numpy passes the kernel replaced: the request, the idle units, what was asked
    wanted = want * share if scaled else want
    can = np.divide(np.maximum(budget, 0.0), price, out=np.full(want.size, np.inf), where=price > 0)
    request = np.minimum(np.minimum(wanted, left), can)
    idle = snap(np.maximum(installed - contracted - spot, 0.0), CAPACITY_DUST)
    asked = np.where(alive & tenant, np.maximum(request, 0.0), 0.0)
    got_asked, short, any_short = spot_ask(want, share, scaled, left, budget, price, alive, tenant,
                                           installed, contracted, spot, CAPACITY_DUST)
    assert same_bits(got_asked, asked)
    assert same_bits(short, asked - idle)
    assert any_short == bool((asked - idle > 0).any())


@given(paths(9))
def test_the_spot_grant_matches_numpy(a: list[np.ndarray]) -> None:
    asked, installed, contracted, spot, now, rented, price, budget, left = a
    idle = snap(np.maximum(installed - contracted - spot, 0.0), CAPACITY_DUST)
    got = snap(np.minimum(asked, idle), CAPACITY_DUST)
    out = spot_grant(asked, installed, contracted, spot, now, rented, price, budget, left, CAPACITY_DUST)
    want = (spot + got, now + got, rented + got, got * price, budget - got * price,
            snap(np.maximum(left - got, 0.0), CAPACITY_DUST))
    assert len(out) == len(want)
    for got_array, want_array in zip(out, want, strict=True):
        assert same_bits(got_array, want_array)
    for given_array in a:  # new arrays: the tenant's and the cloud's totals are not changed in place
        assert not any(np.shares_memory(given_array, o) for o in out)


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


def test_the_spot_request_and_grant_by_hand() -> None:
    # $10 at $4 a unit buys 2.5 units; a price of 0 sets no limit; no budget, no units; a
    # dead tenant asks for none
    price, budget = np.array([4.0, 0.0, 4.0, 4.0]), np.array([10.0, 10.0, -1.0, 10.0])
    left = np.array([5.0, 1.0, 5.0, 5.0])
    alive, tenant = np.ones(4, bool), np.array([True, True, True, False])
    installed, none = np.full(4, 2.0), np.zeros(4)  # 2 units idle
    asked, short, any_short = spot_ask(np.full(4, 3.0), np.ones(4), False, left, budget, price,
                                       alive, tenant, installed, none, none, CAPACITY_DUST)
    assert asked.tolist() == [2.5, 1.0, 0.0, 0.0]
    assert short.tolist() == [0.5, -1.0, -2.0, -2.0] and any_short
    # it gets the 2 idle units of the first path at $4: $8 of rent
    spot, now, rented, rent, budget_after, left_after = spot_grant(
        asked, installed, none, none, none, none, price, budget, left, CAPACITY_DUST)
    assert spot.tolist() == now.tolist() == rented.tolist() == [2.0, 1.0, 0.0, 0.0]
    assert rent.tolist() == [8.0, 0.0, 0.0, 0.0]
    assert budget_after.tolist() == [2.0, 10.0, -1.0, 10.0]
    assert left_after.tolist() == [3.0, 0.0, 5.0, 5.0]


def test_retire_zeroes_the_new_cohort_and_each_path_s_cohort_at_its_life() -> None:
    # rows 1.. are the window (start 1); path 0 lives 2 quarters, path 1 is not retiring
    capacity = np.arange(10.0).reshape(5, 2) + 1.0
    cost = capacity * 10.0
    retired = retire(capacity, cost, 1, np.array([0]), np.array([2, 9]))
    assert retired.tolist() == [7.0, 0.0]  # row 1 + 2 = 3, path 0
    assert capacity[1].tolist() == [0.0, 0.0] and cost[1].tolist() == [0.0, 0.0]
    assert capacity[3, 0] == 0.0 and cost[3, 0] == 0.0
    assert capacity[3, 1] == 8.0 and capacity[0].tolist() == [1.0, 2.0]
