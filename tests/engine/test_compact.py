"""`params.compact`: a number that is the same on every path is kept as one element, and
numpy's powers of it are then the same bits as over the full array.

The engine raises such numbers to the quarter every quarter (a vendor's price and
operating-cost growth, the hardware cost, a fixed contract rate's discount, a buyer's
growth half-life). Computing once per quarter and broadcasting changes no number only if
numpy's ``power`` gives an element the same bits alone as inside a long array, which is
what the second test checks, on the machine that runs it.
"""

from __future__ import annotations

import numpy as np
import pytest

from chipcredit.engine.params import compact


def test_compact_keeps_one_element_only_when_every_bit_agrees() -> None:
    assert compact(np.full(5, 0.25)).tolist() == [0.25]
    assert compact(np.full(5, np.nan)).size == 1  # the same NaN everywhere: one value
    same = np.array([0.1, 0.1, 0.2])
    assert compact(same) is not None and compact(same).size == 3
    signed = np.array([0.0, -0.0, 0.0])  # equal, but not the same number to a power
    assert compact(signed).size == 3
    assert compact(np.array([7.0])).tolist() == [7.0]
    one = compact(np.full(4, 3.0))
    one[0] = 9.0  # a copy: the parameter it came from is untouched
    assert compact(np.full(4, 3.0))[0] == 3.0


@pytest.mark.parametrize("n", [2, 17, 8192])
def test_powers_of_one_element_match_the_full_array(n: int) -> None:
    rng = np.random.default_rng(n)
    bases = np.concatenate([1.0 + rng.uniform(-0.3, 0.5, 300), rng.uniform(0.0, 3.0, 50),
                            [1.0, 0.5, 1.0125, 0.97]])
    for b in bases:
        full = np.full(n, b)
        one = compact(full)
        assert one.size == 1
        for q in (0, 1, 2, 3, 7, 20, 39, 40):
            assert np.array_equal(one ** q, (full ** q)[:1]), (b, q)
            assert np.array_equal(one ** (-float(q)), (full ** (-float(q)))[:1]), (b, q)
            assert np.array_equal(0.5 ** ((q / 4.0) / one), (0.5 ** ((q / 4.0) / full))[:1])
        # the broadcast product is the same as the full one
        weights = rng.uniform(0.0, 2.0, n)
        assert np.array_equal(weights * one ** 9, weights * full ** 9)
