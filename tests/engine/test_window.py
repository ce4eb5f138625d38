"""`push` keeps the last quarters of a trailing window, oldest first."""

from __future__ import annotations

import numpy as np

from chipcredit.engine.window import push


def test_push_drops_the_oldest_row_and_appends_the_newest() -> None:
    window = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [4.0, 40.0]])
    push(window, np.array([5.0, 50.0]))
    assert np.array_equal(window, [[2.0, 20.0], [3.0, 30.0], [4.0, 40.0], [5.0, 50.0]])
    push(window, 6.0)
    assert np.array_equal(window, [[3.0, 30.0], [4.0, 40.0], [5.0, 50.0], [6.0, 6.0]])


def test_push_matches_the_slice_assignment() -> None:
    rng = np.random.default_rng(7)
    window = rng.normal(size=(4, 33))
    expected = window.copy()
    for _ in range(6):
        newest = rng.normal(size=33)
        expected[:-1] = expected[1:]
        expected[-1] = newest
        push(window, newest)
        assert np.array_equal(window, expected)
