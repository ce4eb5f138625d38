"""Expected shortfall (the portfolios' CVaR), against hand-computed numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipcredit.analytics.portfolio import expected_shortfall

# 20 losses, $B, in no particular order; sorted worst first: 9, 7, 5, 4, 3, 2, 1, 0 x 13
TWENTY = np.array([0, 3, 0, 0, 9, 0, 1, 0, 0, 5, 0, 0, 2, 0, 0, 7, 0, 4, 0, 0], dtype=float)


def test_twenty_paths_at_95_is_the_worst_path() -> None:
    # k = 20 * 0.05 = 1 path: the worst, 9
    assert expected_shortfall(TWENTY, 0.95) == 9.0


def test_twenty_paths_at_90_is_the_mean_of_the_two_worst() -> None:
    # k = 2: (9 + 7) / 2
    assert expected_shortfall(TWENTY, 0.90) == 8.0


def test_twenty_paths_at_99_weights_a_fraction_of_the_worst_path() -> None:
    # k = 0.2: (0.2 * 9) / 0.2
    assert expected_shortfall(TWENTY, 0.99) == pytest.approx(9.0, rel=1e-15)


def test_a_fractional_boundary_path_is_weighted() -> None:
    # 30 paths at 95%: k = 1.5, the worst (9) whole and half the second (7): (9 + 3.5) / 1.5
    thirty = np.concatenate([TWENTY, np.zeros(10)])
    assert expected_shortfall(thirty, 0.95) == pytest.approx(12.5 / 1.5, rel=1e-15)
    # 70 paths at 95%: k = 3.5: (9 + 7 + 5 + 0.5 * 4) / 3.5
    seventy = np.concatenate([TWENTY, np.zeros(50)])
    assert expected_shortfall(seventy, 0.95) == pytest.approx(23.0 / 3.5, rel=1e-15)


def test_one_loss_among_a_hundred_paths() -> None:
    # P(loss) = 1% < 5%: the 5 worst paths are the loss and four zeros, 2 / 5; the mean
    # loss (0.02) is what the old "mean at or beyond VaR" gave, VaR95 being 0
    loss = np.zeros(100)
    loss[37] = 2.0
    assert expected_shortfall(loss, 0.95) == 0.4
    assert expected_shortfall(loss, 0.99) == 2.0
    assert float(np.quantile(loss, 0.95)) == 0.0


def test_no_loss_anywhere_is_zero_and_equal_losses_are_that_loss() -> None:
    assert expected_shortfall(np.zeros(50), 0.95) == 0.0
    assert expected_shortfall(np.full(40, 1.25, dtype=np.float32), 0.99) == 1.25


def test_float32_losses_are_averaged_in_float64() -> None:
    loss = np.zeros(20, dtype=np.float32)
    loss[:2] = np.float32(0.1)
    assert expected_shortfall(loss, 0.90) == float(np.float32(0.1))


@given(st.lists(st.floats(0, 1e3), min_size=1, max_size=300),
       st.sampled_from([0.9, 0.95, 0.975, 0.99]))
def test_bounded_by_the_percentile_the_mean_and_the_worst(values: list[float], level: float) -> None:
    loss = np.array(values)
    es = expected_shortfall(loss, level)
    slack = 1e-9 * max(1.0, loss.max())
    assert es <= loss.max() + slack
    assert es >= loss.mean() - slack
    assert es >= np.quantile(loss, level) - slack


@given(st.lists(st.tuples(st.floats(0, 1e3), st.floats(0, 1e3)), min_size=1, max_size=200))
def test_subadditive(pairs: list[tuple[float, float]]) -> None:
    a, b = np.array(pairs).T
    slack = 1e-9 * max(1.0, a.max() + b.max())
    assert expected_shortfall(a + b, 0.95) <= (expected_shortfall(a, 0.95)
                                               + expected_shortfall(b, 0.95) + slack)
