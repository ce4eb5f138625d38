"""`Claim.discount`: one power for a rate that is the same on every path, the same bits.

A claim's rate is per path; where every path holds the same rate (a broadcast scalar, or a
full array of equal values, as a fixed number drawn per path gives) the factor is computed
once and spread. These tests compare it with numpy's elementwise power of the full rate.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipcredit.engine.claims import Claim

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
