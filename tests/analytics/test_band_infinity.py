"""Band percentiles with ``+inf`` among the values (an SPV's LTV where debt is owed on
GPUs worth nothing): ``inf`` ranks above every finite value, a percentile among the
infinite order statistics is ``inf`` (numpy's own rule gives NaN there), and every other
percentile is numpy's to the bit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chipcredit.analytics.stats import QUANTILES, band_quantiles


def test_hand_worked_percentiles_with_infinite_values() -> None:
    base = np.arange(20, dtype=np.float32)
    two, one, few = base.copy(), base.copy(), base.copy()
    two[-2:] = np.inf  # 95th at position 19 x 0.95 = 18.05: between two infinite values
    one[-1] = np.inf  # 95th between 18 and inf with weight 0.05: inf; 75th (14.25) finite
    few[:15] = np.nan  # 15, 16, 17, 18, inf: the 75th at position 3 exactly is 18
    few[-1] = np.inf
    got = band_quantiles(np.stack([base, two, one, few], axis=1))
    assert list(got[:, 0]) == list(np.quantile(base.astype(np.float64), QUANTILES))
    assert got[4, 1] == np.inf and got[4, 2] == np.inf
    assert list(got[:4, 1]) == list(got[:4, 0])  # below the infinite ones: unchanged
    assert got[3, 2] == 14.25
    assert list(got[:, 3]) == [15.2, 16.0, 17.0, 18.0, np.inf]
    all_nan = np.full((5, 1), np.nan, dtype=np.float32)
    assert np.isnan(band_quantiles(all_nan)).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5, 7.0, np.inf, np.nan]),
                min_size=1, max_size=60))
def test_percentiles_match_a_huge_stand_in_for_infinity(values: list[float]) -> None:
    """With ``inf`` replaced by 1e6 (far above every finite value here), numpy's linear
    percentile lands above 1e3 exactly where ours is ``inf``, and equals ours elsewhere."""
    data = np.asarray(values, dtype=np.float32)[:, None]
    got = band_quantiles(data)[:, 0]
    stand_in = np.where(np.isposinf(data), 1e6, data).astype(np.float64)
    if np.isnan(stand_in).all():
        assert np.isnan(got).all()
        return
    want = np.nanquantile(stand_in, QUANTILES, axis=0)[:, 0]
    assert np.array_equal(np.isposinf(got), want > 1e3)
    finite = want <= 1e3
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=1e-12)
    assert not np.isnan(got).any()  # a value is defined on some path: no NaN percentile
