"""Results must not depend on what ran before in the same process (docs/design.md section 10).

The loan-guarantee tests build their world with `broke_world` and then edit its borrower
in place (more cash, other costs, noisy revenue). When `broke_world` handed out the shared
``BROKE`` dict itself, those edits reached every later credit-facility test: after them the
borrower held $100B and never drew or defaulted. Here both scenarios run in one process in
both orders, each from the builders, and each must give the same result to the bit.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from typing import Any

import chipcredit as cc

from ._build import one, run
from .test_credit_facility import BROKE, broke_world, facility
from .test_loan_guarantee import bank_world, guarantee


def _simulate(data: dict[str, Any], **kwargs: Any) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.load_scenario(data), **kwargs).to_json()


def rich_guarantee() -> str:
    """test_no_default_no_payment's world: the borrower edited to hold $100B."""
    data = bank_world(guarantee())
    data["parties"][1]["cash"] = 100.0  # type: ignore[index]
    return _simulate(data, deterministic=True)


def noisy_guarantee() -> str:
    """test_payments_follow_the_write_offs_on_every_path's world: costs, revenue noise and
    funding of the borrower edited in place."""
    data = bank_world(guarantee(cover=0.5, max_amount=0.4))
    borrower = data["parties"][1]  # type: ignore[index]
    borrower["costs"] = {"fixed_per_year": 6.0}
    borrower["revenue"]["volatility"] = 0.5
    borrower["funding"] = {"valuation_multiple": 10.0, "success": {"base": 1.0}}
    data["market"]["ai_demand"]["volatility"] = 0.3  # type: ignore[index]
    return _simulate(data, paths=64, seed=7)


def broke_facility() -> str:
    """test_shortfall_draws_stop_at_the_outstanding_cap's world (the borrower defaults)."""
    return _simulate(broke_world(facility()), deterministic=True)


def _in_order(*runs: Callable[[], str]) -> dict[str, str]:
    return {run.__name__: run() for run in runs}


def test_guarantee_and_facility_give_the_same_results_in_either_order() -> None:
    pristine = copy.deepcopy(BROKE)
    facility_first = _in_order(broke_facility, rich_guarantee, noisy_guarantee)
    guarantee_first = _in_order(rich_guarantee, noisy_guarantee, broke_facility)
    assert facility_first.keys() == guarantee_first.keys()
    for name, result in facility_first.items():
        assert guarantee_first[name] == result, name
    assert BROKE == pristine  # the edits stayed in the worlds they were made on
    # and the order-independent result is the one the golden test checks: the broke
    # borrower defaults in quarter 2
    assert one(run(broke_world(facility()), quiet=True), None, "xai", "default_quarter") == 2.0
