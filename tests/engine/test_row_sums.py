"""`sum_rows` adds the rows of an array in order, whatever its width and layout, so a
path's sum over cohorts, tranches or vendors does not depend on how many paths share its
chunk (docs/design.md section 10)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chipcredit.engine.row_sums import sum_rows


def in_order(a: np.ndarray) -> np.ndarray:
    """``0.0 + a[0] + a[1] + ...``, one row at a time (the reference)."""
    out = np.zeros(a.shape[1:])
    for row in a:
        out = out + row
    return out


def spread(k: int, n: int, seed: int = 0) -> np.ndarray:
    """Values over 16 orders of magnitude, so that the order of the additions shows."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((k, n)) * 10.0 ** rng.uniform(-8, 8, (k, n))


def test_one_column_is_summed_row_by_row_as_wider_ones_are() -> None:
    a = spread(40, 3)
    whole = sum_rows(a)
    np.testing.assert_array_equal(whole, in_order(a))
    for n in (1, 2, 3):
        part = np.ascontiguousarray(a[:, :n])
        np.testing.assert_array_equal(sum_rows(part), whole[:n])


def test_views_and_other_layouts_sum_row_by_row() -> None:
    a = spread(40, 7, seed=1)
    for view in (a[:, 2:5], a[:, ::3], a[::2, 1:2], a[5:30], np.asfortranarray(a), a[:, [4, 0, 2]],
                 a[::-1]):
        np.testing.assert_array_equal(sum_rows(view), in_order(view))


def test_shapes_and_dtypes() -> None:
    a = spread(12, 1, seed=2)
    one = sum_rows(a[:, 0])  # a 1-D array: rows of one value
    assert one.shape == () and one == in_order(a)[0]
    cube = spread(12, 6, seed=3).reshape(12, 3, 2)
    np.testing.assert_array_equal(sum_rows(cube), in_order(cube))
    np.testing.assert_array_equal(sum_rows(cube[:, :1, :1]), in_order(cube[:, :1, :1]))
    assert sum_rows(np.zeros((0, 3))).tolist() == [0.0, 0.0, 0.0]
    flags = np.array([[True], [True], [False]])
    assert sum_rows(flags).dtype == flags.sum(axis=0).dtype and sum_rows(flags).tolist() == [2]
    assert sum_rows(np.full((3, 1), -0.0))[0] == 0.0  # from 0.0, like numpy: no negative zero
    assert not np.signbit(sum_rows(np.full((3, 1), -0.0))[0])


@given(st.integers(1, 60), st.integers(1, 9), st.integers(0, 2**32 - 1))
def test_each_column_has_the_bits_it_has_alone(k: int, n: int, seed: int) -> None:
    a = spread(k, n, seed)
    whole = sum_rows(a)
    np.testing.assert_array_equal(whole, in_order(a))
    for j in range(n):
        assert sum_rows(a[:, j:j + 1])[0] == whole[j]
