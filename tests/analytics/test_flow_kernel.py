"""The compiled flow metrics have the bits of the numpy expressions they replace: numpy's
pairwise row sums (rows shorter than 8 and up to 128 values long), signed
zeros, NaN, one rate for every path or one per path. (numpy splits rows longer than
`MAX_TIMES` in halves; the metrics use numpy for those.)"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from chipcredit.analytics.flow_kernel import MAX_TIMES, flow_metrics
from chipcredit.analytics.valuation import npv, npv_factors
from chipcredit.engine.sum_kernel import cash_in_out, pairwise_sum

_FLOWS = st.one_of(st.floats(-1e12, 1e12, allow_nan=False),
                   st.sampled_from([0.0, -0.0, 1e16, -1e16, 1.0, -1.0, 0.1, 3.0]))


def _numpy(f: np.ndarray, factors: np.ndarray) -> tuple[np.ndarray, ...]:
    with np.errstate(invalid="ignore", over="ignore"):
        return ((f * factors).sum(axis=1), np.maximum(f, 0.0).sum(axis=1),
                np.maximum(-f, 0.0).sum(axis=1),
                np.maximum(-np.cumsum(f, axis=1), 0.0).max(axis=1))


def _check(f: np.ndarray, factors: np.ndarray) -> None:
    with np.errstate(invalid="ignore", over="ignore"):
        got = flow_metrics(f, np.broadcast_to(factors, f.shape))
    for name, a, b in zip(("npv", "cash_in", "cash_out", "peak"), got, _numpy(f, factors),
                          strict=True):
        assert a.tobytes() == b.tobytes(), (name, a, b)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_metrics_have_numpys_bits(data: st.DataObject) -> None:
    t = data.draw(st.sampled_from([1, 2, 7, 8, 9, 15, 16, 17, 41, 127, MAX_TIMES]))
    m = data.draw(st.integers(1, 6))
    f = data.draw(hnp.arrays(np.float64, (m, t), elements=_FLOWS))
    if data.draw(st.booleans()):
        rates = np.full(m, data.draw(st.sampled_from([0.0, 0.08, 0.12])))
    else:
        rates = data.draw(hnp.arrays(np.float64, m, elements=st.floats(0.0, 0.5)))
    _check(f, npv_factors(f.shape, rates))
    assert flow_metrics(f, np.broadcast_to(npv_factors(f.shape, rates), f.shape))[0].tobytes() \
        == npv(f, rates).tobytes()


def test_many_random_rows_of_the_engines_length() -> None:
    # 41 quarterly dates (a 40-quarter horizon): five steps of eight, then one by one
    rng = np.random.default_rng(11)
    f = rng.standard_normal((4000, 41)) * np.exp(6 * rng.standard_normal((4000, 41)))
    f[rng.random(f.shape) < 0.3] = 0.0
    f[rng.random(f.shape) < 0.1] = -0.0
    _check(f, npv_factors(f.shape, np.full(4000, 0.1)))
    _check(f, npv_factors(f.shape, rng.uniform(0.0, 0.3, 4000)))


def test_signed_zeros_and_nan() -> None:
    f = np.array([[-0.0, -0.0, -0.0], [0.0, -0.0, 0.0], [1.0, np.nan, -2.0],
                  [np.inf, -np.inf, 1.0]])
    _check(f, np.array([1.0, 0.9, 0.8]))
    _, cash_in, cash_out, peak = flow_metrics(f, np.broadcast_to(np.ones(3), f.shape))
    assert not np.signbit(cash_in[0]) and not np.signbit(cash_out[0]) and peak[0] == 0.0
    assert np.isnan(cash_in[2]) and np.isnan(peak[2])  # NaN wins, as in numpy


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_cash_in_and_out_have_numpys_bits(data: st.DataObject) -> None:
    # compiled for C-ordered rows up to MAX_TIMES long; numpy for the rest (longer rows are
    # split in halves, a strided view), with the same bits either way
    t = data.draw(st.sampled_from([1, 5, 8, 41, MAX_TIMES, MAX_TIMES + 1, 300]))
    f = data.draw(hnp.arrays(np.float64, (data.draw(st.integers(1, 5)), t), elements=_FLOWS))
    for flows in (f, f[:, ::-1]):
        got_in, got_out = cash_in_out(flows)
        assert got_in.tobytes() == np.maximum(flows, 0.0).sum(axis=1).tobytes()
        assert got_out.tobytes() == np.maximum(-flows, 0.0).sum(axis=1).tobytes()


def test_the_pairwise_sum_is_numpys_from_one_to_128_values() -> None:
    rng = np.random.default_rng(5)
    for n in range(MAX_TIMES + 1):
        a = rng.standard_normal(n) * np.exp(8 * rng.standard_normal(n))
        a[rng.random(n) < 0.2] = -0.0
        assert np.float64(0.0 + pairwise_sum(a, n)).tobytes() == a.sum().tobytes(), n
