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

import chipcredit as cc
from chipcredit.analytics.unit import band_unit
from chipcredit.engine.debt_tape import COLLATERAL

from ._build import lines, run, scenario, simulate
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
    # the lease's 20 quarters, then nothing held and no debt: the GPUs were sold at term
    # end (quarter 19) for their value that quarter, 4.5, the residual_sale line, and the
    # SPV is closed out, so its collateral is missing (NaN), not 0
    expected = [*hand, np.nan, np.nan, np.nan, np.nan]
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
    # holds none and owes nothing: its collateral is missing (NaN), and nothing is sold again
    first = debt.iloc[0]
    assert (first["collateral_value"], first["repossessed_value"], first["sale_proceeds"]) == (
        20.0, 0.0, 0.0)
    later = debt.iloc[2:]
    assert later["collateral_value"].isna().all()
    for column in COLLATERAL[1:]:
        assert (later[column] == 0.0).all(), column
    np.testing.assert_allclose(res.bands("spv", "collateral_value")["mean"],
                               [20.0, 19.0, *[np.nan] * 10], rtol=1e-6, atol=0)
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


def test_collateral_is_missing_where_the_spv_never_closed() -> None:
    # the golden SPV closing on about half of 200 paths (close_probability 0.5), with a
    # residual index that does not move (no volatility, no loading on demand), so on every
    # path where it closed its GPUs are worth the hand-computed values; where it did not,
    # it holds no GPUs and owes no debt: NaN in every quarter (before 2026-12-01 they were
    # 0, and a band's p05 read 0 as if the collateral were wiped out)
    data = scenario(deals=[spv_deal(close_probability=0.5)], residual_volatility=0.0,
                    residual_beta=0.0)
    res = simulate(cc.load_scenario(data), paths=200, seed=1)
    collateral = res.reservoir[("spv", "collateral_value")]
    closed = np.asarray(res.outcome("spv", "valor", "cash_out")) > 0
    assert 0 < closed.sum() < 200
    assert np.isnan(collateral[~closed]).all()
    expected = np.array([*_by_hand(), np.nan, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(collateral[closed], np.tile(expected, (closed.sum(), 1)),
                               rtol=1e-6, atol=0)
    # the bands are over the paths that have it, as ltv's: every percentile is the hand
    # value (with the old zeros the p05 of 2025Q4 was 0), NaN once no path holds GPUs
    bands = res.bands("spv", "collateral_value")
    for column in ("mean", "p05", "p50", "p95"):
        np.testing.assert_allclose(bands[column], expected, rtol=1e-6, atol=0, err_msg=column)
    # the debt schedule follows the same rule: a path where it closed, one where it did not
    kept = res.debt_schedule("spv", path=int(np.argmax(closed)))
    np.testing.assert_allclose(kept["collateral_value"], expected, rtol=0, atol=ATOL)
    none = res.debt_schedule("spv", path=int(np.argmin(closed)))
    assert none["collateral_value"].isna().all()
    for column in COLLATERAL[1:]:
        assert (none[column] == 0.0).all(), column


def test_gpus_past_their_life_in_an_open_spv_are_worth_zero_not_missing() -> None:
    # a 2-year lease and debt on GPUs with a 1-year useful life: they retire at age 4
    # quarters while the SPV still owes its debt, so they are worth 0 (a value: ltv is inf)
    # from quarter 4 to the term's last quarter (7), then missing once it is closed out
    deal = spv_deal(debt={"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 2},
                    lease={"term_years": 2, "rate": 0.16, "residual": 0.2})
    res = run(scenario(deals=[deal], horizon=12, useful_life_years=1), quiet=True)
    expected = [20.0, 19.0, 18.0, 17.0, 0.0, 0.0, 0.0, 0.0, *[np.nan] * 4]
    np.testing.assert_allclose(res.bands("spv", "collateral_value")["mean"], expected,
                               rtol=1e-6, atol=0)
    np.testing.assert_allclose(res.debt_schedule("spv")["collateral_value"], expected,
                               rtol=0, atol=ATOL)
    ltv = res.bands("spv", "ltv")["mean"].to_numpy()
    assert np.isinf(ltv[4:7]).all()
