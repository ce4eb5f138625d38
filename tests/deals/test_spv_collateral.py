"""An SPV's collateral in the outputs: the GPUs' used value its LTV test divides by, each
quarter (``Result.bands(SPV, "collateral_value")`` and the debt schedule's
``collateral_value``), and at the lessee's default the gross used value, the fire-sale
discount and the net sale proceeds (the debt schedule), so a lender can rebuild the LTV and
the ``collateral_sale`` recovery by hand.

The golden SPV (tests/deals/test_golden.py): $20B of GPUs, $12.5B of debt at 11% over 5
years, a 5-year lease to a 20% residual. Used value by year of age 1, 0.8, 0.6, 0.45, 0.3,
0.2 of cost, straight between the years, so a quarter takes 0.2 / 4 = 0.05 of cost off in
the first two years, 0.15 / 4 = 0.0375 in the third, 0.15 / 4 in the fourth and 0.1 / 4 =
0.025 in the fifth. The GPUs are 0 quarters old in the quarter they arrive.
"""

from __future__ import annotations

import numpy as np
import pytest

from chipcredit.analytics.unit import band_unit
from chipcredit.engine.debt_tape import COLLATERAL

from ._build import lines, run, scenario
from .test_golden import spv_deal
from .test_spv_lessee_default import _world

ATOL = 1e-12


def _by_hand() -> list[float]:
    """The golden SPV's used value in each of its 20 lease quarters, $B."""
    year_1_2 = [20 * (1 - 0.05 * k) for k in range(8)]  # 20, 19, ..., 13
    year_3_4 = [20 * (0.6 - 0.0375 * k) for k in range(8)]  # 12, 11.25, ..., 6.75
    year_5 = [20 * (0.3 - 0.025 * k) for k in range(4)]  # 6, 5.5, 5, 4.5
    return year_1_2 + year_3_4 + year_5


def test_collateral_value_is_the_used_value_the_ltv_divides_by() -> None:
    res = run(scenario(deals=[spv_deal()]))
    hand = _by_hand()
    assert hand[:10] == pytest.approx([20, 19, 18, 17, 16, 15, 14, 13, 12, 11.25], abs=ATOL)
    assert hand[-1] == pytest.approx(4.5, abs=ATOL)
    debt = res.debt_schedule("spv")
    # the lease's 20 quarters, then nothing held: the GPUs were sold at term end (quarter
    # 19) for their value that quarter, 4.5, the residual_sale line
    expected = [*hand, 0.0, 0.0, 0.0, 0.0]
    np.testing.assert_allclose(debt["collateral_value"], expected, rtol=0, atol=ATOL)
    assert lines(res, "spv", "residual_sale")["amount"].tolist() == pytest.approx([4.5], abs=ATOL)
    bands = res.bands("spv", "collateral_value")  # kept as float32
    np.testing.assert_allclose(bands["mean"], expected, rtol=1e-6, atol=0)
    assert bands["unit"].unique().tolist() == ["$B"]
    assert band_unit("collateral_value", "GW") == "$B"
    # no default: nothing repossessed
    for column in COLLATERAL[1:]:
        assert (debt[column] == 0.0).all(), column
    # LTV = (closing principal + interest in arrears) / collateral: quarter 1 (2026Q1) is
    # 11.532585 / 19 = 0.606978; the last quarter with debt is 18 (0.798926 / 5)
    ltv = res.bands("spv", "ltv")["mean"].to_numpy()
    owed = (debt["closing_principal"] + debt["interest_arrears"]).to_numpy()
    np.testing.assert_allclose(ltv[:19], owed[:19] / np.array(hand[:19]), rtol=1e-6, atol=0)
    assert ltv[1] == pytest.approx(11.532585 / 19, rel=1e-6)
    assert np.isnan(ltv[19:]).all()  # the debt was repaid in quarter 19


def test_a_repossession_shows_the_used_value_the_haircut_and_the_proceeds() -> None:
    # tests/deals/test_spv_lessee_default.py: a 1-year lease of $20B to an 80% residual, a
    # 1-year debt of 12.5; with 3 of cash the lessee pays quarter 0's rent, not quarter 1's,
    # and defaults in quarter 1. Its GPUs are 1 quarter old: 20 x 0.95 = 19, sold at the
    # scenario's 30% fire-sale haircut: discount 19 x 0.3 = 5.7, proceeds 19 x 0.7 = 13.3
    res = run(_world(3.0), quiet=True)
    assert float(res.outcome(None, "xai", "default_quarter")[0]) == 1.0
    debt = res.debt_schedule("spv")
    row = debt.iloc[1]
    assert row["collateral_value"] == pytest.approx(19.0, abs=ATOL)
    assert row["repossessed_value"] == pytest.approx(19.0, abs=ATOL)
    assert row["fire_sale_discount"] == pytest.approx(5.7, abs=ATOL)
    assert row["sale_proceeds"] == pytest.approx(13.3, abs=ATOL)
    assert row["fire_sale_discount"] / row["repossessed_value"] == pytest.approx(0.3, abs=ATOL)
    # the proceeds are the path's collateral_sale lines: rebuilt by hand from the sale
    sale = lines(res, "spv", "collateral_sale")
    assert sale["quarter"].unique().tolist() == ["2026Q1"]
    assert sale["amount"].sum() == pytest.approx(13.3, abs=ATOL)
    # before the default the GPUs were new (20) and nothing was sold; after it the SPV
    # holds none: 0, and nothing sold again
    first = debt.iloc[0]
    assert (first["collateral_value"], first["repossessed_value"], first["sale_proceeds"]) == (
        20.0, 0.0, 0.0)
    later = debt.iloc[2:]
    for column in COLLATERAL:
        assert (later[column] == 0.0).all(), column
    np.testing.assert_allclose(res.bands("spv", "collateral_value")["mean"],
                               [20.0, 19.0, *[0.0] * 10], rtol=1e-6, atol=0)
    # quarter 1's LTV was tested on the same 19, before the default: the debt then owed is
    # all the lender was paid from the sale, interest and principal (11.363067)
    ltv = res.bands("spv", "ltv")["mean"].to_numpy()
    assert row["recovered"] == pytest.approx(row["paid"], abs=ATOL)
    assert ltv[1] == pytest.approx(row["paid"] / 19.0, rel=1e-6)


def test_debt_without_collateral_reads_nan() -> None:
    loan = {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai", "amount": 3,
            "rate": 0.10, "term_years": 4}
    debt = run(scenario(deals=[loan])).debt_schedule("loan")
    assert len(debt) == 24
    for column in COLLATERAL:
        assert debt[column].isna().all(), column
