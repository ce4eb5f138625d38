"""`Claim.discount`: one power for a rate that is the same on every path, the same bits;
the claim's own bookkeeping multiplies by that one float, with the bits of the full factor.

A claim's rate is per path; where every path holds the same rate (a broadcast scalar, or a
full array of equal values, as a fixed number drawn per path gives) the factor is computed
once and spread. These tests compare it with numpy's elementwise power of the full rate.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chipcredit.engine.claims import Claim
from chipcredit.engine.draws import ChunkDraws
from chipcredit.engine.ledger import AccountClass, Ledger

RATES = st.floats(min_value=-0.5, max_value=0.5, allow_nan=False, allow_subnormal=True)


def _elementwise(rate: np.ndarray, time: int) -> np.ndarray:
    return np.asarray((1.0 + rate) ** (-float(time)))


@settings(max_examples=60, deadline=None)
@given(rate=RATES, n=st.integers(1, 40), time=st.integers(0, 80),
       layout=st.sampled_from(["scalar", "full", "broadcast"]))
def test_one_rate_on_every_path_gives_the_elementwise_bits(rate: float, n: int, time: int,
                                                           layout: str) -> None:
    full = np.full(n, rate)
    given_rate: float | np.ndarray = (
        rate if layout == "scalar" else full.copy() if layout == "full"
        else np.broadcast_to(np.float64(rate), (n,)))
    claim = Claim("debt_service", 0, 1, None, n, given_rate, stage=1)
    got = claim.discount(time)
    assert got.shape == (n,)
    assert got.tobytes() == _elementwise(full, time).tobytes()
    assert claim.discount(time) is got  # computed once per time


@settings(max_examples=40, deadline=None)
@given(rates=st.lists(RATES, min_size=2, max_size=30), time=st.integers(0, 80))
def test_rates_that_differ_get_each_their_own_power(rates: list[float], time: int) -> None:
    rate = np.array(rates)
    claim = Claim("rent", 0, 1, None, rate.size, rate, stage=0)
    assert claim.discount(time).tobytes() == _elementwise(rate, time).tobytes()


def test_signed_zeros_are_different_rates() -> None:
    # compared by their bits: -0.0 and 0.0 compare equal, but are not one number
    rate = np.array([0.0, -0.0, 0.0])
    claim = Claim("rent", 0, 1, None, 3, rate, stage=0)
    assert claim.discount(8).tobytes() == _elementwise(rate, 8).tobytes()


def test_a_new_rate_forgets_the_old_factors() -> None:
    claim = Claim("rent", 0, 1, None, 4, np.full(4, 0.02), stage=0)
    before = claim.discount(4).copy()
    claim.rate = np.full(4, 0.05)
    assert claim.discount(4).tobytes() == _elementwise(np.full(4, 0.05), 4).tobytes()
    assert not np.array_equal(claim.discount(4), before)


@pytest.mark.parametrize("n", [1, 2, 8192])
def test_nan_rate_gives_nan_factors(n: int) -> None:
    claim = Claim("rent", 0, 1, None, n, np.full(n, np.nan), stage=0)
    assert np.isnan(claim.discount(3)).all()


def test_a_claim_keeps_the_factors_of_its_latest_time_only() -> None:
    # the engine asks for one time a quarter: a factor per quarter of the horizon, kept,
    # would hold 40 arrays of the chunk's paths for every claim
    rate = np.array([0.01, 0.02, 0.03])
    claim = Claim("rent", 0, 1, None, 3, rate, stage=0)
    first = claim.discount(3).copy()
    claim.discount(4)
    claim.discount(4)
    assert list(claim._discounts) == [4] and list(claim._factors) == [4]
    # asked again, an earlier time gets its own bits back
    assert claim.discount(3).tobytes() == first.tobytes() == _elementwise(rate, 3).tobytes()


N_LEDGER = 64


def _ledger() -> Ledger:
    # quarters enough for every time drawn below (a payment falls in quarter time - 1)
    draws = ChunkDraws(0, N_LEDGER, 0, 1, False)
    return Ledger(["customers", "lab", "lender"], [AccountClass.OUTSIDE,
                  AccountClass.CONSTRAINED, AccountClass.FUNDED], draws, 60, ["loan"], [[1, 2]])


AMOUNTS = arrays(np.float64, N_LEDGER, elements=st.floats(0.0, 5.0, allow_subnormal=True))


@settings(max_examples=40, deadline=None)
@given(rate=RATES, time=st.integers(1, 60), due=AMOUNTS, paid=AMOUNTS,
       layout=st.sampled_from(["scalar", "full", "broadcast", "per_path"]),
       picked=st.lists(st.booleans(), min_size=N_LEDGER, max_size=N_LEDGER))
def test_one_rate_books_the_bits_of_the_full_factor(rate: float, time: int, due: np.ndarray,
                                                   paid: np.ndarray, layout: str,
                                                   picked: list[bool]) -> None:
    # a rate shared by every path multiplies by one float: schedule, payments (on all paths
    # and on a few) and acceleration book the bits of the elementwise factor
    full = np.full(N_LEDGER, rate)
    if layout == "per_path":
        full[::3] = rate / 2.0
    given_rate: float | np.ndarray = (
        rate if layout == "scalar" else np.broadcast_to(np.float64(rate), (N_LEDGER,))
        if layout == "broadcast" else full.copy())
    factor = _elementwise(full, time)
    ledger = _ledger()
    claim = Claim("debt", 2, 1, 0, N_LEDGER, given_rate, stage=1)
    claim.schedule(due, time)
    assert claim.pv_promised.tobytes() == (0.0 + due * factor).tobytes()
    claim.receive(ledger, time - 1, paid, "debt_service")
    assert claim.pv_paid.tobytes() == (0.0 + paid * factor).tobytes()
    paths = np.flatnonzero(picked)
    claim.receive_at(ledger, time - 1, paths, due[paths], "debt_service")
    want = 0.0 + paid * factor
    want[paths] += due[paths] * factor[paths]
    assert claim.pv_paid.tobytes() == want.tobytes()
    claim.principal = paid.copy()
    claim.accelerate_at(paths, time)
    want = 0.0 + due * factor
    want[paths] += paid[paths] * factor[paths]
    assert claim.pv_promised.tobytes() == want.tobytes()
