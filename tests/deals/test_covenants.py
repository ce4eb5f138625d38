"""SPV covenants: LTV and DSCR tests each quarter, and what a breach does."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from . import _build as b

# The SPV of the golden tests: 20 of GPUs, 2 + 5.5 equity, 12.5 debt at 11% over 5 years,
# a 5-year lease at 16% to a 20% residual. Used values by year of age: 1, 0.8, 0.6 ...
# So after one quarter the GPUs are worth 20 x (1 - 0.2/4) = 19 and debt is about 12.2:
# LTV about 0.64. A test of max 0.5 is breached from the first quarter.


def _spv(covenants: dict[str, Any] | None) -> dict[str, Any]:
    deal = {"id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 20,
            "equity": {"nvidia": 2, "valor": 5.5},
            "debt": {"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 5},
            "lease": {"term_years": 5, "rate": 0.16, "residual": 0.2}, "at_end": "sell"}
    if covenants is not None:
        deal["covenants"] = covenants
    return deal


def test_no_covenant_pays_equity_every_quarter() -> None:
    res = b.run(b.scenario(deals=[_spv(None)]))
    dist = b.lines(res, "spv", "distribution", to="valor")
    assert len(dist) == 20
    assert res.to_dict()["spvs"]["spv"]["covenant_breach_probability"] is None


def test_ltv_breach_sweeps_cash_to_the_debt() -> None:
    base = b.run(b.scenario(deals=[_spv(None)]))
    res = b.run(b.scenario(deals=[_spv({"ltv": {"max": 0.5, "breach": "cash_sweep"}})]))
    sweeps = b.lines(res, "spv", "debt_prepayment")
    assert len(sweeps) > 0
    # while swept, equity gets nothing; the debt is repaid early, so the lender's cash
    # comes in sooner and the equity holders wait
    swept = set(sweeps["time"])
    dist = b.lines(res, "spv", "distribution", to="valor")
    assert not swept & set(dist["time"])
    assert res.to_dict()["spvs"]["spv"]["covenant_breach_probability"] == 1.0
    # money is only moved in time, not lost: total paid to the lender is no more than base
    lender_in = res.outcome("spv", "apollo", "cash_in")[0]
    assert lender_in <= base.outcome("spv", "apollo", "cash_in")[0] + 1e-9
    assert res.max_abs_imbalance < 1e-9


def b_debt_principal_paid_q1() -> float:
    # level payment 0.8208966 less interest 12.5 x 0.0275 = 0.34375: principal 0.4771466
    return 0.8208966325758603 - 12.5 * 0.0275


def test_ltv_reported_each_quarter_matches_hand_value() -> None:
    res = b.run(b.scenario(deals=[_spv({"ltv": {"max": 5.0}})]))
    ltv = res.bands("spv", "ltv")["mean"].to_numpy()
    # the first quarter: debt 12.5 - 0.4771466 = 12.0228534; GPUs 20, age 0 in the quarter
    # they arrive, as the lab's own fleet counts them: residual share 1.0 -> 20.0 (it was
    # 19.0, a quarter older: 0.95) (bands are kept as float32)
    assert ltv[0] == pytest.approx((12.5 - b_debt_principal_paid_q1()) / 20.0, rel=1e-6)
    dscr = res.bands("spv", "dscr")["mean"].to_numpy()
    rent = (20 - 4 * 1.04**-20) * 0.04 / (1 - 1.04**-20)  # to a 4 residual at 4% a quarter
    assert dscr[0] == pytest.approx(rent / 0.8208966325758603, rel=1e-6)
    # after the term the debt is repaid: the ratios are undefined, not zero
    assert np.isnan(ltv[-1])


def test_dscr_breach_with_reserve_holds_equity_cash() -> None:
    # a DSCR minimum above the actual cover (about 1.63) is breached every quarter: the SPV
    # keeps its spare cash and equity gets nothing until the term ends
    res = b.run(b.scenario(deals=[_spv({"dscr": {"min": 2.0, "breach": "reserve"}})]))
    dist = b.lines(res, "spv", "distribution", to="valor")
    assert (dist["time"] >= 20).all()
    assert res.outcome("spv", "valor", "cash_in")[0] > 0  # paid at the end, not lost


def test_event_of_default_accelerates_and_is_reported_apart_from_the_lessee() -> None:
    res = b.run(b.scenario(deals=[_spv({"ltv": {"max": 0.5, "breach": "default"}})]))
    spv = res.to_dict()["spvs"]["spv"]
    assert spv["covenant_breach_probability"] == 1.0
    assert spv["lessee_default_probability"] == 0.0
    assert res.outcome(None, "xai", "default_quarter")[0] == -1
    assert len(b.lines(res, "spv", "debt_prepayment")) > 0


# The golden SPV's quarterly numbers: rent R = (20 - 4 x 1.04^-20) x 0.04 / (1 - 1.04^-20)
# and level debt service D = 12.5 x 0.0275 / (1 - 1.0275^-20).
RENT = 1.3373080052580617
SERVICE = 0.8208966325758603


def test_event_of_default_holds_cash_only_until_the_debt_is_repaid() -> None:
    # rent / debt service = 1.3373 / 0.8209 = 1.629 < 1.7: an event of default in the first
    # quarter. From then on the debt takes all the rent R a quarter, so its balance after t
    # quarters is 12.5 x 1.0275^t - R x (1.0275^t - 1) / 0.0275: 1.2402408 at t = 10; at
    # t = 11 it owes 1.2402408 x 1.0275 = 1.2743474 (0.8209 of service and a 0.4535
    # prepayment) and the equity gets R - 1.2743474 = 0.0629606; then R in each quarter to
    # the end, and R + 4.5 at t = 20 (the GPUs sold at 19 quarters old: 20 x 0.225)
    res = b.run(b.scenario(deals=[_spv({"dscr": {"min": 1.7, "breach": "default"}})]))
    prepaid = b.lines(res, "spv", "debt_prepayment")
    assert list(prepaid["time"]) == list(range(1, 12))
    assert prepaid["amount"].iloc[-1] == pytest.approx(0.4534507792041164, rel=1e-12)
    paid = b.lines(res, "spv", "distribution").groupby("time")["amount"].sum()
    assert list(paid.index) == list(range(11, 21))  # nothing while the debt is owed
    assert paid[11] == pytest.approx(0.0629605934781214, rel=1e-9)
    assert paid.loc[12:19].to_numpy() == pytest.approx([RENT] * 8, rel=1e-12)
    assert paid[20] == pytest.approx(RENT + 4.5, rel=1e-12)
    # valor's 5.5/7.5 of it: the flows above at 15% a year and their IRR; nothing is left in
    # the SPV to mark at the horizon, so the realised MOIC is the whole one:
    # (0.0629606 + 9 R + 4.5) / 7.5
    assert b.one(res, "spv", "valor", "npv") == pytest.approx(1.2391091194497, rel=1e-9)
    assert b.one(res, "spv", "valor", "irr") == pytest.approx(0.2072647069345, rel=1e-9)
    assert b.one(res, "spv", "valor", "moic_realised") == pytest.approx(2.2131643521068, rel=1e-9)
    assert b.one(res, "spv", "valor", "mark") == 0.0
    assert res.to_dict()["spvs"]["spv"]["debt_impairment_probability"] == 0.0


def test_cash_sweep_keeps_the_level_payment_and_shortens_the_term() -> None:
    # LTV after 5 payments: 12.5 x 1.0275^5 - D x (1.0275^5 - 1) / 0.0275 = 9.9793932 over
    # GPUs 4 quarters old, 20 x 0.8 = 16: 0.6237 > 0.62, in 2026Q4 only (the one sweep of
    # R - D = 0.5164114 takes it to 0.593 the next quarter). The level payment D is kept:
    # 9.4629818 x 1.0275^14 - D x (1.0275^14 - 1) / 0.0275 = 0.0439357 is left after 19
    # payments, and the 20th, in 2030Q3, is 0.0439357 x 1.0275 = 0.0451440 (re-amortised
    # over the 15 quarters left, D would have dropped to 0.7784171 instead)
    res = b.run(b.scenario(deals=[_spv({"ltv": {"max": 0.62, "breach": "cash_sweep"}})]))
    ltv = res.bands("spv", "ltv")["mean"].to_numpy()
    assert ltv[4] == pytest.approx(0.6237120751920147, rel=1e-6)  # bands are float32
    prepaid = b.lines(res, "spv", "debt_prepayment")
    assert list(prepaid["time"]) == [5]
    assert prepaid["amount"][0] == pytest.approx(RENT - SERVICE, rel=1e-12)
    service = b.lines(res, "spv", "debt_service").set_index("time")["amount"]
    assert list(service.index) == list(range(1, 21))
    assert service.loc[1:19].to_numpy() == pytest.approx([SERVICE] * 19, rel=1e-12)
    assert service[20] == pytest.approx(0.04514400337237987, rel=1e-9)
    assert res.cashflows("spv", path=0).query("time == 20")["quarter"].iloc[0] == "2030Q3"
