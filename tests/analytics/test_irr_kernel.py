"""The IRR kernel's Horner evaluation visits only a row's first to last nonzero quarter; the
zeros outside cannot change a bit, so it agrees bit for bit with the loop over the whole
row (written out here), on both sides of ``q = 0``, with leading and trailing zeros and
signed zeros."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chipcredit.analytics.irr_kernel import _scaled


def _whole_row(row: list[float], first: int, last: int, q: float,
               side_pos: bool) -> tuple[float, float]:
    """The scaled NPV and its derivative, Horner over every quarter of the row."""
    f = d = 0.0
    if side_pos:
        z = 1.0 / (1.0 + q)
        for k in range(len(row) - 1, first - 1, -1):
            d = d * z + f
            f = f * z + row[k]
        d *= -(z * z)
    else:
        z = 1.0 + q
        for k in range(last + 1):
            d = d * z + f
            f = f * z + row[k]
    return f, d


_VALUES = st.one_of(st.floats(-1e6, 1e6, allow_nan=False),
                    st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e-300, 2.5]))


@settings(max_examples=100, deadline=None)
@given(lead=st.integers(0, 6), body=st.lists(_VALUES, min_size=1, max_size=20),
       trail=st.integers(0, 6), zero=st.sampled_from([0.0, -0.0]),
       q=st.floats(-0.68, 0.82, allow_nan=False))
def test_scaled_skips_only_zeros(lead: int, body: list[float], trail: int, zero: float,
                                 q: float) -> None:
    row = [zero] * lead + body + [zero] * trail
    nonzero = [k for k, v in enumerate(row) if v != 0.0]
    # the kernel's caller takes the whole row when every value is zero
    first, last = (nonzero[0], nonzero[-1]) if nonzero else (0, len(row) - 1)
    c = np.array([[1.0] * len(row), row])  # row 1, so the row index is used
    for side_pos in (True, False):
        got = _scaled(c, 1, first, last, q, side_pos)
        want = _whole_row(row, first, last, q, side_pos)
        assert np.array(got).tobytes() == np.array(want).tobytes(), (side_pos, got, want)
