"""`valuation._only_out`: which rows of flows only go out (all <= 0, one < 0, none NaN).

`irr` marks those ``below_bracket`` (-100%). Among rows with no sign change it tells them by
the sign of the row sum instead of the row's minimum and maximum (a third of the time);
these tests pin it to the minimum-and-maximum rule on the values where the two could part:
signed zeros, the smallest subnormal, infinities and NaN.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from chipcredit.analytics.irr_kernel import row_facts, sign_change_class
from chipcredit.analytics.valuation import REASONS, _only_out, irr

TINY = 5e-324  # the smallest subnormal


def _rule(c: np.ndarray) -> np.ndarray:
    """`_only_out` as `irr` calls it: on `row_facts`' sums and sign-change classes."""
    changes, sums = row_facts(c)
    return _only_out(sums, changes)


def _by_min_max(c: np.ndarray) -> np.ndarray:
    """The rule as first written: no sign change, minimum below 0, maximum at most 0."""
    changes = sign_change_class(c)
    return (changes == 0) & (c.min(axis=1, initial=0.0) < 0.0) & (c.max(axis=1, initial=0.0) <= 0.0)


def test_hand_rows() -> None:
    rows = [  # a list: -0.0 and 0.0 are one dict key
        ((-1.0, -2.0, -3.0), True),  # only money out
        ((-TINY, 0.0, 0.0), True),  # a subnormal outflow is still an outflow
        ((-np.inf, -1.0, 0.0), True),
        ((-0.0, -0.0, 0.0), False),  # nothing moved
        ((0.0, 0.0, 0.0), False),
        ((1.0, 0.0, 2.0), False),  # only money in
        ((-1.0, np.nan, -1.0), False),  # NaN counts as negative in the sign count, not here
        ((np.nan, 0.0, 0.0), False),
        ((-1.0, 2.0, 0.0), False),  # a sign change: for the solver, not this rule
    ]
    c = np.array([row for row, _ in rows])
    got = _rule(c)
    assert got.tolist() == [want for _, want in rows]
    assert got.tolist() == _by_min_max(c).tolist()


def test_irr_reason_of_an_outflow_only_row() -> None:
    result = irr(np.array([[-1.0, 0.0, -TINY], [0.0, -0.0, 0.0], [-1.0, 0.0, 1.5]]))
    assert [REASONS[int(r)] for r in result.reason][:2] == ["below_bracket", "no_sign_change"]


_edge = st.sampled_from([0.0, -0.0, TINY, -TINY, 1.0, -1.0, 1e308, -1e308, np.inf, -np.inf, np.nan])


@settings(max_examples=100, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=12),
                  elements=st.one_of(_edge, st.floats(allow_nan=True, allow_infinity=True))))
def test_row_sum_rule_equals_min_max_rule(c: np.ndarray) -> None:
    c = np.ascontiguousarray(c)
    assert _rule(c).tolist() == _by_min_max(c).tolist()


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 50)),
                  elements=st.one_of(st.just(0.0), st.just(-0.0),
                                     st.floats(max_value=-0.0, allow_nan=False))))
def test_rows_of_outflows_only(c: np.ndarray) -> None:
    """Rows of values <= 0 (large ones overflow the sum to -inf): the rules agree."""
    c = np.ascontiguousarray(c)
    assert _rule(c).tolist() == _by_min_max(c).tolist()


@settings(max_examples=150, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=128),
                  elements=st.one_of(_edge, st.floats(allow_nan=True, allow_infinity=True))))
def test_row_facts_are_the_sign_classes_and_numpys_row_sums(c: np.ndarray) -> None:
    """`row_facts` gives `sign_change_class` and the bits of ``c.sum(axis=1)`` (pairwise
    from eight values on, overflow to inf and NaN as numpy gives them)."""
    c = np.ascontiguousarray(c)
    changes, sums = row_facts(c)
    with np.errstate(over="ignore", invalid="ignore"):
        want = c.sum(axis=1)
    assert changes.tolist() == sign_change_class(c).tolist()
    assert np.array_equal(np.isnan(sums), np.isnan(want))
    assert np.array_equal(np.where(np.isnan(sums), 0.0, sums).view(np.int64),
                          np.where(np.isnan(want), 0.0, want).view(np.int64))
