"""The spending rule reads a burn of rounding noise as no burn.

A lab with no cash whose cash flows net to zero has a trailing burn of a few 1e-16 either
way (the sums of its flows round differently in a different order). Read as burn, a mean of
+1e-16 gives a runway of 0 / 1e-16 = 0 quarters and the full cut, and -1e-16 none: the cut
would turn on the sign of rounding noise (the plain-Python oracle, summing in another order,
disagreed with the engine on such a path). Under `MONEY_DUST` a mean burn counts as 0.
"""

from __future__ import annotations

import numpy as np

from chipcredit.engine.dust import MONEY_DUST
from chipcredit.engine.spending import runway_cut


def test_a_burn_of_rounding_noise_is_no_burn() -> None:
    burn = np.array([[4.4e-16, 0.0], [-2.2e-16, 0.0], [0.0, 0.0], [2.2e-16, 0.0]])
    cut = runway_cut(np.zeros(2), np.zeros(2), burn, np.full(2, 4.0), np.full(2, 0.8))
    np.testing.assert_array_equal(cut, [0.0, 0.0])


def test_a_burn_of_a_dollar_a_quarter_is_burn() -> None:
    """At `MONEY_DUST` itself it is burn: no cash is a runway of 0 and the full cut."""
    burn = np.full((4, 1), MONEY_DUST)
    cut = runway_cut(np.zeros(1), np.zeros(1), burn, np.full(1, 4.0), np.full(1, 0.8))
    np.testing.assert_array_equal(cut, [0.8])
