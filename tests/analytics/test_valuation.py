"""Golden numbers and properties for chipcredit.analytics.valuation.

Every golden number is written out with the arithmetic that produces it (done by hand / to
40 digits with Python's decimal module), never recomputed by the code under test.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq

from chipcredit.analytics.valuation import (
    REASONS,
    IrrResult,
    amortisation_schedule,
    annuity_payment,
    discount_factors,
    irr,
    moic,
    npv,
)
from chipcredit.errors import UsageError

# Quarterly equivalents of the default IRR bracket: (1 - 0.99)^(1/4) - 1 and (1 + 10)^(1/4) - 1.
LQ, UQ = 0.01**0.25 - 1.0, 11.0**0.25 - 1.0


def _row(*values: float) -> np.ndarray:
    return np.array([values], dtype=np.float64)


# ----------------------------------------------------------------------------- discounting, NPV


def test_discount_factors_golden_and_shapes() -> None:
    # At 21% effective annual, k = 2 quarters is half a year: 1.21^(-1/2) = 1/1.1 = 0.9090909...
    # and k = 4 is one year: 1/1.21 = 0.8264462809917355...
    df = discount_factors(0.21, 5)
    assert df.shape == (5,)
    assert df[0] == 1.0
    assert df[2] == pytest.approx(0.9090909090909091, abs=1e-15)
    assert df[4] == pytest.approx(0.8264462809917355, abs=1e-15)
    per_path = discount_factors(np.array([0.0, 0.21]), 3)
    assert per_path.shape == (2, 3)
    np.testing.assert_array_equal(per_path[0], [1.0, 1.0, 1.0])  # 0% discounts nothing
    assert per_path[1, 2] == pytest.approx(0.9090909090909091, abs=1e-15)


def test_npv_of_flow_that_earns_exactly_the_rate_is_zero() -> None:
    # -100 now and +110 one year (k = 4) later, at 10% effective: -100 + 110 / 1.1 = 0.
    flows = _row(-100.0, 0.0, 0.0, 0.0, 110.0)
    assert npv(flows, 0.10)[0] == pytest.approx(0.0, abs=1e-12)
    # At 0%: -100 + 110 = 10. At 21%: -100 + 110 / 1.21 = -9.0909090909...
    assert npv(flows, 0.0)[0] == pytest.approx(10.0, abs=1e-12)
    assert npv(flows, 0.21)[0] == pytest.approx(-9.090909090909091, abs=1e-12)


def test_npv_with_a_rate_per_path() -> None:
    # Path 0: +121 at k = 8 (two years) at 10%: 121 / 1.1^2 = 100.
    # Path 1: +105 at k = 4 (one year) at 5%: 105 / 1.05 = 100.
    flows = np.zeros((2, 9))
    flows[0, 8], flows[1, 4] = 121.0, 105.0
    np.testing.assert_allclose(npv(flows, np.array([0.10, 0.05])), [100.0, 100.0], atol=1e-12)
    # One scalar rate for both: 10%: [100, 105 / 1.1 = 95.4545454545...].
    np.testing.assert_allclose(npv(flows, 0.10), [100.0, 95.45454545454545], atol=1e-12)


def test_npv_rejects_bad_input() -> None:
    with pytest.raises(UsageError, match="2-D"):
        npv(np.array([-1.0, 2.0]), 0.1)
    with pytest.raises(UsageError, match="finite"):
        npv(_row(-1.0, np.nan), 0.1)
    with pytest.raises(UsageError, match="> -1"):
        npv(_row(-1.0, 2.0), -1.0)
    with pytest.raises(UsageError, match="paths"):
        npv(np.zeros((3, 2)), np.array([0.1, 0.2]))


# ----------------------------------------------------------------------------------------- IRR


def test_irr_one_year_ten_percent() -> None:
    # -100 at k = 0, +110 at k = 4: (1 + q)^4 = 1.1, reported annual = 0.10.
    result = irr(_row(-100.0, 0.0, 0.0, 0.0, 110.0))
    assert result.irr[0] == pytest.approx(0.10, abs=1e-10)
    assert result.reason[0] == 0
    assert not result.multiple_sign_changes[0]


def test_irr_negative_and_bracket_wholly_on_one_side_of_zero() -> None:
    # -100 at k = 0, +90 at k = 4: annual IRR 90/100 - 1 = -0.10, found with the default bracket,
    # with a bracket wholly below zero, and reported missing from a bracket wholly above zero.
    flows = _row(-100.0, 0.0, 0.0, 0.0, 90.0)
    assert irr(flows).irr[0] == pytest.approx(-0.10, abs=1e-10)
    assert irr(flows, lower=-0.5, upper=-0.05).irr[0] == pytest.approx(-0.10, abs=1e-10)
    assert REASONS[int(irr(flows, lower=0.01, upper=0.5).reason[0])] == "below_bracket"


def test_irr_level_annuity_is_the_quarterly_rate() -> None:
    # Invest 100, receive P = 100 * 0.03 / (1 - 1.03^-20) each quarter for 20 quarters.
    # 1.03^-20 = 0.5536757541863348, so P = 3 / 0.4463242458136652 = 6.721570759685913.
    # The IRR is 3% a quarter, i.e. 1.03^4 - 1 = 1.12550881 - 1 = 0.12550881 effective annual.
    payment = 6.721570759685913
    assert float(annuity_payment(100.0, 0.03, 20)) == pytest.approx(payment, abs=1e-12)
    flows = np.concatenate([[-100.0], np.full(20, payment)])[None, :]
    assert irr(flows).irr[0] == pytest.approx(0.12550881, abs=1e-10)


def test_irr_lease_with_residual_is_the_quarterly_rate() -> None:
    # Lease: pay 20 at k = 0, receive rent R for 20 quarters plus the residual 4 at k = 20, where
    # R = (20 - 4 * 1.04^-20) * 0.04 / (1 - 1.04^-20); 1.04^-20 = 0.45638694620129246, so
    # R = (20 - 1.8255477848051698) * 0.04 / 0.5436130537987075 = 1.337308005258062.
    # The IRR is 4% a quarter: 1.04^4 - 1 = 0.16985856 effective annual.
    rent = 1.337308005258062
    assert float(annuity_payment(20.0, 0.04, 20, balloon=4.0)) == pytest.approx(rent, abs=1e-12)
    flows = np.concatenate([[-20.0], np.full(20, rent)])
    flows[20] += 4.0
    assert irr(flows[None, :]).irr[0] == pytest.approx(0.16985856, abs=1e-10)


def test_irr_no_sign_change() -> None:
    flows = np.array(
        [
            [1.0, 2.0, 3.0, 0.0],  # all >= 0
            [-1.0, 0.0, -2.0, -3.0],  # all <= 0: only money out, -100% by definition
            [0.0, 0.0, 0.0, 0.0],  # all zero
        ]
    )
    result = irr(flows)
    assert np.all(np.isnan(result.irr))
    assert [REASONS[int(code)] for code in result.reason] == [
        "no_sign_change", "below_bracket", "no_sign_change"]
    assert result.counts() == {"no_sign_change": 2, "no_root_in_bracket": 0, "not_converged": 0,
                              "above_bracket": 0, "below_bracket": 1}


def test_irr_root_below_lower_bound() -> None:
    # -100 at k = 0 and +1 at k = 3: (1 + q)^3 = 1/100, so 1 + q = 0.01^(1/3) and the annual IRR
    # is 0.01^(4/3) - 1 = -0.9978455653099681, below the default lower bound of -0.99.
    flows = _row(-100.0, 0.0, 0.0, 1.0)
    result = irr(flows)
    assert np.isnan(result.irr[0])
    assert REASONS[int(result.reason[0])] == "below_bracket"  # one sign change: it exists
    # Widening the bracket finds it (and exercises the overflow-safe scaling near q = -1).
    wide = irr(flows, lower=-0.999)
    assert wide.irr[0] == pytest.approx(-0.9978455653099681, abs=1e-10)
    assert wide.reason[0] == 0


def test_irr_root_above_upper_bound() -> None:
    # -1 then +100 a quarter later: q = 99, annual 100^4 - 1 = 99_999_999, far above 10.
    result = irr(_row(-1.0, 100.0))
    assert np.isnan(result.irr[0])
    assert REASONS[int(result.reason[0])] == "above_bracket"
    assert irr(_row(-1.0, 100.0), upper=1e9).irr[0] == pytest.approx(99_999_999.0, rel=1e-12)


def test_irr_root_exactly_at_zero() -> None:
    # -1 then +1: NPV(q) = -1 + 1/(1+q) vanishes at q = 0 exactly (the point the bracket is split).
    result = irr(_row(-1.0, 1.0, 0.0))
    assert result.irr[0] == 0.0
    assert result.reason[0] == 0


def test_irr_multiple_sign_changes_flagged_and_rule_for_roots() -> None:
    # [-1, 3, -2.0001]: with x = 1/(1+q), -1 + 3x - 2.0001x^2 = 0 gives
    # x = (3 +- sqrt(9 - 8.0004)) / 4.0002 = (3 +- 0.99979997999600) / 4.0002,
    # i.e. x = 0.99989999999900 (q = 0.00010001000200050, annual 0.00040010002400630) or
    # x = 0.50002500 (q = 0.9999, annual 1.9999^4 - 1 = 14.996, outside the default bracket).
    # The NPV differs in sign at the bracket ends, so the root inside the bracket is returned.
    result = irr(_row(-1.0, 3.0, -2.0001))
    assert result.multiple_sign_changes[0]
    assert result.reason[0] == 0
    assert result.irr[0] == pytest.approx(0.0004001000240063018, abs=1e-10)


def test_irr_two_roots_inside_bracket_is_no_root_in_bracket() -> None:
    # [-1, 2.15, -1.155] times (1+q)^2 is -(1+q)^2 + 2.15(1+q) - 1.155
    # = -((1+q) - 1.05)((1+q) - 1.1): roots q = 5% and q = 10% a quarter, both inside the default
    # bracket, so the NPV has the same sign (negative) at both ends: NaN with reason
    # no_root_in_bracket, and the path is flagged.
    flows = _row(-1.0, 2.15, -1.155)
    result = irr(flows)
    assert np.isnan(result.irr[0])
    assert result.reason[0] == 2
    assert result.multiple_sign_changes[0]
    # A bracket that holds one root finds that one: annual 1.1^4 - 1 = 0.4641 above 30%, and
    # 1.05^4 - 1 = 0.21550625 below 30%.
    assert irr(flows, lower=0.30).irr[0] == pytest.approx(0.4641, abs=1e-10)
    assert irr(flows, upper=0.30).irr[0] == pytest.approx(0.21550625, abs=1e-10)


def test_irr_long_padded_flows_do_not_overflow_or_underflow() -> None:
    # A 20-quarter 3% annuity (payment 6.721570759685913 per 100) padded with 1500 zero quarters on
    # each side: the IRR is still 3% a quarter, 0.12550881 annual. Unscaled, the NPV near the
    # bounds would be either ~(1/0.316)^3020 ~ 1e1510 (overflow) or carry factors like
    # 0.549^1500 ~ 1e-391 or 0.316^1500 ~ 1e-750 (underflow to exactly 0, a false root).
    body = np.concatenate([[-100.0], np.full(20, 6.721570759685913)])
    flows = np.concatenate([np.zeros(1500), body, np.zeros(1500)])[None, :]
    for upper in (10.0, 100.0):  # at 100, x = 1/(1+q) = 101^-0.25 = 0.3155 underflows faster
        result = irr(flows, upper=upper)
        assert result.irr[0] == pytest.approx(0.12550881, abs=1e-10)
        assert result.reason[0] == 0
    # A 1999-quarter 3% annuity: (1/0.316)^1999 ~ 1e999 unscaled; the IRR is again 0.12550881.
    payment = float(annuity_payment(1.0, 0.03, 1999))
    long_flows = np.concatenate([[-1.0], np.full(1999, payment)])[None, :]
    assert irr(long_flows).irr[0] == pytest.approx(0.12550881, abs=1e-10)


def test_irr_reason_counts_and_result_is_frozen() -> None:
    flows = np.array(
        [
            [-100.0, 0.0, 0.0, 0.0, 110.0],  # ok
            [1.0, 2.0, 3.0, 0.0, 0.0],  # no sign change
            [0.0, 0.0, 0.0, 0.0, 0.0],  # no sign change
            [-100.0, 0.0, 0.0, 1.0, 0.0],  # root below the bracket
        ]
    )
    result = irr(flows)
    assert isinstance(result, IrrResult)
    assert result.reason.dtype == np.int8
    np.testing.assert_array_equal(result.reason, [0, 1, 1, 5])
    assert result.counts() == {"no_sign_change": 2, "no_root_in_bracket": 0, "not_converged": 0,
                              "above_bracket": 0, "below_bracket": 1}
    assert dict(REASONS) == {
        0: "ok",
        1: "no_sign_change",
        2: "no_root_in_bracket",
        3: "not_converged",
        4: "above_bracket",
        5: "below_bracket",
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.irr = np.zeros(4)


def test_irr_not_converged_when_iterations_run_out() -> None:
    # One Newton step from the first guess cannot reach 1e-12 on this lease; 200 steps can.
    rent = 1.337308005258062
    flows = np.concatenate([[-20.0], np.full(20, rent)])
    flows[20] += 4.0
    short = irr(flows[None, :], max_iter=1)
    assert np.isnan(short.irr[0])
    assert short.counts()["not_converged"] == 1
    assert irr(flows[None, :]).reason[0] == 0


def test_irr_rejects_bad_arguments() -> None:
    flows = _row(-1.0, 2.0)
    with pytest.raises(UsageError):
        irr(flows, lower=-1.0)
    with pytest.raises(UsageError):
        irr(flows, lower=0.5, upper=0.5)
    with pytest.raises(UsageError):
        irr(flows, tol=0.0)
    with pytest.raises(UsageError):
        irr(flows, max_iter=0)
    with pytest.raises(UsageError):
        irr(np.array([-1.0, 2.0]))


def _random_one_sign_change(rng: np.random.Generator, n_paths: int, n_times: int) -> np.ndarray:
    """An investment of 2..10 at a random quarter 0..5, then 0..1 a quarter for 8..35 quarters;
    half the paths negated (borrower's view). The NPV at the upper bound is then negative for
    the investor since sum_j 1 * (1/1.8212)^j = 1.22 < 2, so every root lies in the bracket."""
    flows = np.zeros((n_paths, n_times))
    start = rng.integers(0, 6, n_paths)
    length = rng.integers(8, 36, n_paths)
    rows = np.arange(n_paths)
    flows[rows, start] = -rng.uniform(2.0, 10.0, n_paths)
    k = np.arange(n_times)
    after = (k > start[:, None]) & (k <= (start + length)[:, None])
    flows[after] = rng.uniform(0.0, 1.0, after.sum())
    flows[rng.random(n_paths) < 0.5] *= -1.0
    return flows


def test_irr_matches_scalar_brentq_on_random_paths() -> None:
    rng = np.random.default_rng(20251129)
    flows = _random_one_sign_change(rng, 200, 41)
    result = irr(flows)
    assert np.all(result.reason == 0)
    assert not result.multiple_sign_changes.any()
    k = np.arange(flows.shape[1])
    expected = np.empty(flows.shape[0])
    for p, row in enumerate(flows):  # the scalar reference, one path at a time
        q = brentq(lambda q, row=row: float(np.sum(row * (1.0 + q) ** -k)), LQ, UQ, xtol=1e-15)
        expected[p] = (1.0 + q) ** 4 - 1.0
    np.testing.assert_allclose(result.irr, expected, rtol=0.0, atol=1e-10)
    # And the NPV at the IRR vanishes.
    np.testing.assert_allclose(npv(flows, result.irr), 0.0, atol=1e-9)
    # Newton from the first guess converges in a handful of steps (7 measured); bisection alone
    # would need about 40 to narrow a bracket of width 0.8 to 1e-12.
    assert np.all(irr(flows, max_iter=10).reason == 0)


@settings(max_examples=50, deadline=None)
@given(
    invest=st.floats(0.5, 50.0),
    rate=st.floats(-0.05, 0.25),
    n=st.integers(1, 60),
    scale=st.floats(1e-3, 1e3),
)
def test_irr_of_an_annuity_recovers_its_rate(
    invest: float, rate: float, n: int, scale: float
) -> None:
    # Lending `invest` against the level payment at quarterly `rate` has IRR (1 + rate)^4 - 1,
    # whatever the scale and from either side of the deal.
    payment = float(annuity_payment(invest, rate, n))
    flows = scale * np.concatenate([[-invest], np.full(n, payment)])
    both = np.stack([flows, -flows])
    np.testing.assert_allclose(irr(both).irr, (1.0 + rate) ** 4 - 1.0, rtol=0.0, atol=1e-9)


# ---------------------------------------------------------------------------------------- MOIC


def test_moic_golden() -> None:
    flows = np.array(
        [
            [-10.0, 3.0, 4.0, 8.0],  # received 15 / invested 10 = 1.5
            [-5.0, -5.0, 0.0, 30.0],  # 30 / 10 = 3.0
            [-10.0, 0.0, 0.0, 0.0],  # 0 / 10 = 0.0
            [1.0, 2.0, 0.0, 0.0],  # nothing invested: NaN
            [0.0, 0.0, 0.0, 0.0],  # nothing at all: NaN
        ]
    )
    np.testing.assert_array_equal(moic(flows), [1.5, 3.0, 0.0, np.nan, np.nan])


# ------------------------------------------------------------------------------------ annuities


def test_annuity_payment_golden() -> None:
    # 12.5 $B at 11% nominal annual = 0.11 / 4 = 0.0275 a quarter, 20 quarters:
    # 1.0275^-20 = 0.5812505663211711, so P = 12.5 * 0.0275 / (1 - 0.5812505663211711)
    # = 0.34375 / 0.4187494336788289 = 0.8208966325758622.
    assert float(annuity_payment(12.5, 0.0275, 20)) == pytest.approx(0.8208966325758622, abs=1e-9)
    # Zero rate: straight line, (12 - 2) / 5 = 2.0.
    assert float(annuity_payment(12.0, 0.0, 5, balloon=2.0)) == 2.0
    # Broadcasting: twice the principal, twice the payment (100 -> 6.721570759685913 at 3%).
    np.testing.assert_allclose(
        annuity_payment(np.array([100.0, 200.0]), 0.03, 20),
        [6.721570759685913, 13.443141519371826],
        atol=1e-12,
    )
    with pytest.raises(UsageError):
        annuity_payment(1.0, -1.0, 4)
    with pytest.raises(UsageError):
        annuity_payment(1.0, 0.01, 0)


def test_amortisation_schedule_golden() -> None:
    schedule = amortisation_schedule(12.5, 0.0275, 20)
    assert set(schedule) == {"payment", "interest", "principal", "balance"}
    assert all(a.shape == (20,) for a in schedule.values())
    # Period 1 interest: 12.5 * 0.0275 = 0.34375; principal: 0.8208966325758622 - 0.34375.
    assert schedule["interest"][0] == pytest.approx(0.34375, abs=1e-15)
    assert schedule["principal"][0] == pytest.approx(0.4771466325758622, abs=1e-12)
    assert schedule["balance"][0] == pytest.approx(12.5 - 0.4771466325758622, abs=1e-12)
    np.testing.assert_allclose(schedule["payment"], 0.8208966325758622, atol=1e-9)
    assert schedule["balance"][-1] == pytest.approx(0.0, abs=1e-12)
    assert schedule["principal"].sum() == pytest.approx(12.5, abs=1e-12)
    np.testing.assert_allclose(
        schedule["interest"] + schedule["principal"], schedule["payment"], atol=1e-15
    )


def test_amortisation_schedule_with_balloon_and_zero_rate() -> None:
    # Lease of 20 at 4% a quarter with residual 4: the balance ends at the balloon, 4.
    lease = amortisation_schedule(20.0, 0.04, 20, balloon=4.0)
    assert lease["balance"][-1] == pytest.approx(4.0, abs=1e-12)
    assert lease["interest"][0] == pytest.approx(0.8, abs=1e-15)  # 20 * 0.04
    # Zero rate: (12 - 2) / 5 = 2 a period, balances 10, 8, 6, 4, 2, no interest.
    flat = amortisation_schedule(12.0, 0.0, 5, balloon=2.0)
    np.testing.assert_array_equal(flat["balance"], [10.0, 8.0, 6.0, 4.0, 2.0])
    np.testing.assert_array_equal(flat["interest"], np.zeros(5))


def test_irr_root_above_upper_bound_is_named_above_bracket() -> None:
    # A warrant-like position: 0.0016 paid at k = 0, 30 received at k = 4: (1 + q)^4 = 18,750,
    # so the annual IRR is 18,749 (1,874,900%), far above the default upper bound of 1000%.
    # A loan that is barely repaid is the mirror image: -99.99% a year, below the bracket.
    result = irr(np.array([[-0.0016, 0.0, 0.0, 0.0, 30.0], [2.0, 0.0, 0.0, 0.0, -1e-6]]))
    assert np.isnan(result.irr).all()
    assert [REASONS[int(code)] for code in result.reason] == ["above_bracket", "below_bracket"]
    wide = irr(np.array([[-0.0016, 0.0, 0.0, 0.0, 30.0]]), upper=20_000.0)
    assert wide.irr[0] == pytest.approx(30.0 / 0.0016 - 1.0, rel=1e-9)


def test_irr_side_is_named_with_several_sign_changes_when_the_ends_prove_it() -> None:
    # A warrant in tranches: 0.0004 paid, 10 received, 0.0006 paid, 15 received (quarters
    # 0-3). Three sign changes. As the rate grows the NPV tends to the first flow's sign (-),
    # but at the 1000% bound it is still 10/1.821 - 0.0006/1.821^2 + ... > 0: a root lies
    # above the bracket. (Quarterly bound: 11^(1/4) - 1 = 0.8212.)
    warrant = [-0.0004, 10.0, -0.0006, 15.0]
    # Received, lent, received, and a last 1e-6 paid: at -99% a year ((1+q) = 0.01^(1/4) =
    # 0.3162) the NPV is 10 - 1/0.3162 + 1/0.3162^2 - 1e-6/0.3162^3 = 16.8 > 0, but towards
    # -100% it tends to the last flow's sign (-): a root lies below the bracket.
    lender = [10.0, -1.0, 1.0, -1e-6]
    # First and last flows of one sign (-, +, -): no side can be named.
    both = [-1.0, 2.15, -1.155]
    result = irr(np.array([warrant, lender, [*both, 0.0]]))
    assert np.isnan(result.irr).all()
    assert result.multiple_sign_changes.all()
    assert [REASONS[int(code)] for code in result.reason] == [
        "above_bracket", "below_bracket", "no_root_in_bracket"]
    # the warrant's root: 10x ~ 0.0004 with x = 1/(1+q), so 1+q ~ 25,000 a quarter and
    # about 25,000^4 = 3.9e17 a year; a bracket that wide finds it
    assert irr(np.array([warrant]), upper=1e18).irr[0] == pytest.approx(25_000.0 ** 4, rel=0.01)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), repeats=st.integers(0, 400))
def test_irr_of_a_path_does_not_depend_on_the_paths_beside_it(seed: int, repeats: int) -> None:
    # Each path is solved on its own (and identical rows once): a path's IRR, reason and flag
    # are the same bits alone, in a batch, reversed, and among hundreds of repeated rows.
    rng = np.random.default_rng(seed)
    flows = rng.normal(size=(40, 21)) * (rng.random((40, 21)) < 0.5)
    flows[:, 0] = -np.abs(rng.normal(size=40)) - 0.1
    flows[:20, 1:] = np.abs(flows[:20, 1:])  # half change sign once, half maybe several times
    # and some whose IRR lies outside the bracket, whose side is named from the NPVs at its
    # ends (summed per row: a matrix product rounds a row by the rows around it)
    flows[:4, 1:] = 0.0
    flows[:4, -1] = rng.uniform(1e6, 1e7, 4)  # a dollar in, millions out: above the bracket
    flows[4:8, 1:] = 0.0
    flows[4:8, -1] = rng.uniform(1e-16, 1e-15, 4)  # almost nothing back: below it
    batch = np.concatenate([flows, np.repeat(flows[:1], repeats, axis=0)])
    together = irr(batch)
    backwards = irr(batch[::-1].copy())
    for p in range(flows.shape[0]):
        alone = irr(flows[p : p + 1])
        for result, at in ((together, p), (backwards, batch.shape[0] - 1 - p)):
            assert np.array_equal(result.irr[at : at + 1], alone.irr, equal_nan=True)
            assert result.reason[at] == alone.reason[0]
            assert result.multiple_sign_changes[at] == alone.multiple_sign_changes[0]
    named = [REASONS[int(code)] for code in together.reason[:8]]
    assert named == ["above_bracket"] * 4 + ["below_bracket"] * 4
