"""A lab's compiled operations and shortfall passes give the bits of the numpy passes they
replaced (written out here as the references), on values drawn to hit ties (0.0 against
-0.0), zeros, dust, infinities and NaN; and a parameter that is the same on every path
(kept as one element) gives the same operations as the full array."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from tests.engine.bits import same_bits

from chipcredit.engine.dust import CAPACITY_DUST, snap
from chipcredit.engine.lab_kernel import serve, shortfall
from chipcredit.engine.labs import MAX_RUN_RATE, decaying

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's, on the edge values

VALUES = st.sampled_from([0.0, -0.0, 1e-12, -1e-12, 1e-9, 2e-9, 0.25, 1.0, 1.0, -1.0, 3.0, 1e300,
                          np.inf, np.nan])




@st.composite
def paths(draw: st.DrawFn, k: int) -> tuple[list[np.ndarray], np.ndarray]:
    n = draw(st.integers(1, 9))
    values = [draw(arrays(np.float64, (n,), elements=VALUES)) for _ in range(k)]
    return values, draw(arrays(np.bool_, (n,)))


@given(paths(11))
def test_serve_matches_numpy(case: tuple[list[np.ndarray], np.ndarray]) -> None:
    (run_rate, growth, per_revenue, efficiency, installed, leased, rented, fixed_q, fixed_growth,
     revenue_share, power_q), alive = case
    rate = np.where(alive, np.minimum(run_rate * growth, MAX_RUN_RATE), 0.0)
    need = rate * per_revenue * efficiency
    capacity = installed + leased
    served = np.divide(capacity + rented, need, out=np.ones(need.size), where=need > 0)
    revenue = np.where(alive, rate / 4.0 * np.minimum(served, 1.0), 0.0)
    costs = np.where(alive, fixed_q * fixed_growth + revenue_share * revenue + power_q * capacity, 0.0)
    got = serve(run_rate, growth, alive, MAX_RUN_RATE, per_revenue, efficiency, installed, leased,
                rented, fixed_q, fixed_growth, revenue_share, power_q)
    for g, w in zip(got, (rate, need, revenue, costs), strict=True):
        assert same_bits(g, w)


@given(paths(4))
def test_shortfall_matches_numpy(case: tuple[list[np.ndarray], np.ndarray]) -> None:
    (need, installed, leased, rented), alive = case
    want = snap(np.where(alive, np.maximum(need - (installed + leased + rented), 0.0), 0.0),
                CAPACITY_DUST)
    assert same_bits(shortfall(need, installed, leased, rented, alive, CAPACITY_DUST), want)


def test_serve_by_hand() -> None:
    # $40B a year growing 10%: $44B; needing 44 * 0.1 = 4.4 units, 2.2 served: half the
    # quarter's $11B of revenue; costs $1B fixed + 10% of revenue + $0.5B a unit of own power
    one = np.ones(1)
    rate, need, revenue, costs = serve(np.array([40.0]), np.array([1.1]), np.array([True]),
                                       MAX_RUN_RATE, np.array([0.1]), one, np.array([1.2]),
                                       np.array([0.5]), np.array([0.5]), one, one,
                                       np.array([0.1]), np.array([0.5]))
    np.testing.assert_allclose([rate[0], need[0], revenue[0]], [44.0, 4.4, 5.5], rtol=1e-15)
    np.testing.assert_allclose(costs[0], 1.0 + 0.55 + 0.85, rtol=1e-15)


@pytest.mark.parametrize("n", [2, 8192])
def test_a_half_life_fixed_on_every_path_decays_as_the_full_array(n: int) -> None:
    rng = np.random.default_rng(n)
    g_from, g_to = rng.uniform(0.5, 3.0, n), rng.uniform(0.0, 0.5, n)
    for hl in (0.5, 1.5, 2.0, 3.0):
        for q in range(41):
            full = decaying(g_to, g_from - g_to, np.full(n, hl), q)
            assert same_bits(decaying(g_to, g_from - g_to, np.array([hl]), q), full)
            assert same_bits(full, g_to + (g_from - g_to) * 0.5 ** ((q / 4.0) / np.full(n, hl)))
