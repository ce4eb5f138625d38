"""PD, LGD and EAD of a claim holder's book count every default of an obligor with a claim
outstanding on it, a default its collateral repaid in full included (loss 0), so that the
expected loss is PD x LGD x EAD; and a cloud's own debt tranches have a book.

Golden numbers worked by hand on the deterministic worlds of tests/deals (one path).
"""

from __future__ import annotations

import json

import pytest
from tests.deals._build import run
from tests.deals.test_cloud_loan import LOAN_OWED, PROCEEDS, TRANCHE_OWED, _defaulting
from tests.deals.test_golden import _default_world

UNSECURED_LOSS = 2.468040370058873  # (5 - 2.4702586206896552) / 1.025, test_golden


def test_a_secured_loan_recovered_in_full_counts_as_a_default_with_lgd_zero() -> None:
    """xAI defaults in quarter 0 (horizon 8 quarters: two years). bank's secured loan
    (balance 5 at the default) takes 5 of the 8.581875 the GPUs fetch: no loss, but its
    obligor defaulted while it was owed 5. apollo's unsecured loan (balance 5) gets
    2.4702586 back: loss 2.4680404 at 2.5% a quarter."""
    res = run(_default_world(23.0), quiet=True)
    books = json.loads(res.to_json())["portfolios"]
    bank, apollo = books["bank"], books["apollo"]
    # the obligor's default probability: 1 in both books, by the end of year 1 and of year 2
    assert bank["pd_term_structure"] == {"xai": [1.0, 1.0]}
    assert apollo["pd_term_structure"] == {"xai": [1.0, 1.0]}
    # a loss only on the unsecured loan
    assert bank["loss_term_structure"] == {"xai": [0.0, 0.0]}
    assert apollo["loss_term_structure"] == {"xai": [1.0, 1.0]}
    assert bank["ead"] == pytest.approx(5.0, abs=1e-12)
    assert bank["lgd"] == 0.0
    assert bank["expected_loss"] == 0.0
    assert apollo["ead"] == pytest.approx(5.0, abs=1e-12)
    # the EAD valued at the start as the loss is: 5 fell due at the end of quarter 0
    assert apollo["ead_pv"] == pytest.approx(5.0 / 1.025, rel=1e-12)
    # LGD on one basis: 5 owed, 2.4702586 recovered, both at the default quarter; before
    # 2026-12-01 the PV loss over the nominal EAD read 0.4936 (UNSECURED_LOSS / 5)
    assert apollo["lgd"] == pytest.approx((5.0 - 2.4702586206896552) / 5.0, rel=1e-12)
    assert apollo["lgd"] == pytest.approx(0.5059482759, abs=1e-10)
    assert apollo["lgd"] == pytest.approx(UNSECURED_LOSS / (5.0 / 1.025), rel=1e-12)
    # EL = PD x LGD x EAD valued at the start, year 2 being the horizon
    for book in (bank, apollo):
        pd_h = book["pd_term_structure"]["xai"][-1]
        assert book["pd"] == pd_h == 1.0
        assert book["expected_loss"] == pytest.approx(pd_h * book["lgd"] * book["ead_pv"],
                                                      rel=1e-12, abs=1e-15)


def test_a_clouds_tranche_holder_has_a_book() -> None:
    """The cloud of tests/deals/test_cloud_loan defaults in quarter 0 owing its tranche
    (bank, 8% nominal: 2% a quarter) 17.35 (17.5 x 1.02 promised at time 1, 0.5 paid);
    the tranche takes the GPUs' 14 less the secured loan's pro-rata 2.1077: loss
    (17.35 - 11.8923) / 1.02 at the tranche's rate, EAD 17.35."""
    res = _defaulting(secured=True)
    books = json.loads(res.to_json())["portfolios"]
    bank = books["bank"]
    got_loan = PROCEEDS * LOAN_OWED / (TRANCHE_OWED + LOAN_OWED)
    recovered = PROCEEDS - got_loan
    assert recovered == pytest.approx(11.8923, abs=1e-4)
    loss = (TRANCHE_OWED - recovered) / 1.02
    assert bank["expected_loss"] == pytest.approx(loss, rel=1e-12)
    assert bank["ead"] == pytest.approx(TRANCHE_OWED, rel=1e-12)
    # both at the default quarter: what was owed and not recovered, over what was owed
    assert bank["lgd"] == pytest.approx((TRANCHE_OWED - recovered) / TRANCHE_OWED, rel=1e-12)
    assert bank["pd_term_structure"] == {"neo": [1.0]}
    assert bank["loss_term_structure"] == {"neo": [1.0]}
    # its peak exposure: the $17.5B it lent (the cloud tracks its tranches' principal plus
    # arrears before the quarter's payment falls due)
    assert bank["exposure_by_obligor"]["neo"] == pytest.approx(17.5, rel=1e-12)
