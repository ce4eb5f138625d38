"""Golden numbers for ``loan_guarantee``: the guarantor pays the lender its share of what
is written off when the borrower defaults, up to a cap; and the cross-field checks.

The guaranteed deal is the bank facility of `test_credit_facility` (the broke world): the
borrower defaults in quarter 2 owing $0.5B, all written off, at 2% a quarter.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chipcredit as cc

from ._build import lines, one, run
from .test_credit_facility import broke_world, facility


def guarantee(**overrides: object) -> dict[str, object]:
    deal: dict[str, object] = {"id": "gty", "kind": "loan_guarantee", "guarantor": "nvidia",
                               "guarantees": "fac", "lender": "apollo", "borrower": "xai",
                               "cover": 0.8}
    deal.update(overrides)
    return deal


def bank_world(*deals: dict[str, object]) -> dict[str, object]:
    return broke_world(facility(lender="apollo"), *deals)


def test_guarantor_pays_its_cover_of_the_write_off() -> None:
    # 0.8 x 0.5 = 0.4 paid at the end of the default quarter (time 3); the guarantor's loss
    # is that payment at the guaranteed rate: 0.4 / 1.02^3 = 0.4 / 1.061208 = 0.37692893...
    res = run(bank_world(guarantee()), quiet=True)
    paid = lines(res, "gty", "guarantee_payment")
    assert list(paid["time"]) == [3]
    assert list(paid["from"]) == ["nvidia"] and list(paid["to"]) == ["apollo"]
    assert paid["amount"][0] == pytest.approx(0.4, abs=1e-12)
    assert one(res, "gty", "nvidia", "loss") == pytest.approx(0.4 / 1.02**3, abs=1e-12)
    assert one(res, "gty", "nvidia", "cash_out") == pytest.approx(0.4, abs=1e-12)
    assert one(res, "gty", "apollo", "cash_in") == pytest.approx(0.4, abs=1e-12)
    # the lender's loss on the facility itself is unchanged: 0.5 / 1.02^3
    assert one(res, "fac", "apollo", "loss") == pytest.approx(0.5 / 1.02**3, abs=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_the_cap_limits_what_the_guarantor_pays() -> None:
    # min(0.8 x 0.5, 0.3) = 0.3; loss 0.3 / 1.02^3
    res = run(bank_world(guarantee(max_amount=0.3)), quiet=True)
    assert one(res, "gty", "apollo", "cash_in") == pytest.approx(0.3, abs=1e-12)
    assert one(res, "gty", "nvidia", "loss") == pytest.approx(0.3 / 1.02**3, abs=1e-12)
    assert res.outcomes["spv|gty|paid"][0] == pytest.approx(0.3, abs=1e-12)


def test_no_default_no_payment() -> None:
    # the same borrower with ample cash never draws, never defaults: the guarantee is idle
    data = bank_world(guarantee())
    data["parties"][1]["cash"] = 100.0  # type: ignore[index]
    res = run(data, quiet=True)
    assert one(res, None, "xai", "default_quarter") == -1.0
    assert lines(res, "gty", "guarantee_payment").empty
    assert one(res, "gty", "nvidia", "loss") == 0.0


@pytest.mark.parametrize(("overrides", "match"), [
    ({"guarantees": "facc"}, r"deals\[1\]\.guarantees.*names no deal.*did you mean.*fac"),
    ({"lender": "nvidia"}, r"deals\[1\]\.lender.*must match the guaranteed deal's lender"),
    ({"guarantor": "xai"}, r"deals\[1\]\.guarantor.*must name a party of kind"),
])
def test_bad_guarantees_are_refused(overrides: dict[str, object], match: str) -> None:
    with pytest.raises(cc.ScenarioError, match=match):
        cc.load_scenario(bank_world(guarantee(**overrides)))


def test_a_guarantee_must_name_a_loan_or_facility() -> None:
    data = bank_world(guarantee(guarantees="gty2"),
                      {"id": "gty2", "kind": "equity", "investor": "apollo", "investee": "xai",
                       "amount": 1.0})
    with pytest.raises(cc.ScenarioError, match=r"must name a loan or credit_facility deal"):
        cc.load_scenario(data)


@settings(max_examples=15)
@given(cover=st.floats(0.0, 1.0), cap=st.floats(0.05, 1.0), fixed=st.floats(3.0, 8.0),
       base=st.floats(-3.0, 3.0), seed=st.integers(0, 2**31 - 1))
def test_payments_follow_the_write_offs_on_every_path(cover: float, cap: float, fixed: float,
                                                      base: float, seed: int) -> None:
    """Monte Carlo over noisy revenue and funding: the ledger balances, and on every path
    the guarantor pays min(cover x written off, cap), and only where the borrower failed."""
    data = bank_world(guarantee(cover=cover, max_amount=cap))
    borrower = data["parties"][1]  # type: ignore[index]
    borrower["costs"] = {"fixed_per_year": fixed}
    borrower["revenue"]["volatility"] = 0.5
    borrower["funding"] = {"valuation_multiple": 10.0, "success": {"base": base}}
    data["market"]["ai_demand"]["volatility"] = 0.3  # type: ignore[index]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(cc.load_scenario(data), paths=64, seed=seed)
    assert res.max_abs_imbalance < 1e-6
    paid = res.outcomes["spv|gty|paid"]
    written = res.outcomes["spv|fac|written_off"]
    # Monte Carlo per-path outcomes are float32 (engine/run.py): paid and written off are
    # each rounded once, so they agree to within float32 rounding, not to 1e-12
    eps32 = float(np.finfo(np.float32).eps)
    np.testing.assert_allclose(paid, np.minimum(cover * written, cap), rtol=2 * eps32, atol=0)
    failed = res.outcome(None, "xai", "default_quarter") >= 0
    assert (paid[~failed] == 0).all()
