"""Golden numbers for the deal kinds, on deterministic scenarios small enough to do by hand.

Every expected number is written out with the arithmetic that produces it; none is
recomputed by the code under test. Times are quarters from the scenario start (2025Q4):
a deal's funding flows fall at the beginning of its first quarter, every other flow at the
end of the quarter in which it accrues (time = quarter + 1).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from chipcredit.engine.run import trace_path

from ._build import FLAT, lab, lines, one, run, scenario, vendor

# -- level-payment debt service ------------------------------------------------------------

# SPV debt: 12.5 at 11% nominal over 5 years -> 0.11 / 4 = 0.0275 a quarter, 20 payments.
#   1.0275^20          = 1.7204284312859486
#   1 - 1.0275^-20     = 1 - 1 / 1.7204284312859486 = 0.4187494336788299
#   12.5 x 0.0275      = 0.34375
#   payment            = 0.34375 / 0.4187494336788299 = 0.8208966325758603
SPV_DEBT_SERVICE = 0.8208966325758603
# Lease: 20 amortised to a 20% residual (4) at 16% nominal -> 0.04 a quarter, 20 rents.
#   1.04^-20           = 0.45638694620129217
#   20 - 4 x 1.04^-20  = 20 - 1.8255477848051687 = 18.174452215194833
#   x 0.04             = 0.7269780886077933
#   / (1 - 1.04^-20)   = 0.7269780886077933 / 0.5436130537987078 = 1.3373080052580617
SPV_RENT = 1.3373080052580617
# What is left for equity each quarter: 1.3373080052580617 - 0.8208966325758603
SPV_TO_EQUITY = 0.5164113726822014


def spv_deal(**overrides: object) -> dict[str, object]:
    deal: dict[str, object] = {
        "id": "spv", "kind": "spv_lease", "lessee": "xai", "vendor": "nvidia", "amount": 20,
        "equity": {"nvidia": 2, "valor": 5.5},
        "debt": {"lender": "apollo", "amount": 12.5, "rate": 0.11, "term_years": 5},
        "lease": {"term_years": 5, "rate": 0.16, "residual": 0.2}, "at_end": "sell",
    }
    deal.update(overrides)
    return deal


def test_spv_debt_service_is_the_level_payment() -> None:
    res = run(scenario(deals=[spv_deal()]))
    debt = lines(res, "spv", "debt_service", to="apollo")
    assert len(debt) == 20
    assert list(debt["time"]) == list(range(1, 21))  # in arrears, quarters 1..20
    assert list(debt["from"].unique()) == ["spv"]
    np.testing.assert_allclose(debt["amount"], SPV_DEBT_SERVICE, rtol=0, atol=1e-12)
    rent = lines(res, "spv", "rent")
    assert list(rent["time"]) == list(range(1, 21))
    np.testing.assert_allclose(rent["amount"], SPV_RENT, rtol=0, atol=1e-12)
    # the lender is repaid in full: 20 x 0.8208966325758603 = 16.417932651517206
    assert one(res, "spv", "apollo", "cash_in") == pytest.approx(16.417932651517206, abs=1e-9)
    assert one(res, "spv", "apollo", "loss") == pytest.approx(0.0, abs=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_amortising_loan_pays_the_annuity() -> None:
    # 5 at 12.5% nominal over 5 years, amortising: 0.125 / 4 = 0.03125 a quarter.
    #   1.03125^20 = 1.8504579950353437; 1 - 1.03125^-20 = 0.4595932451950091
    #   payment    = 5 x 0.03125 / 0.4595932451950091 = 0.15625 / 0.4595... = 0.33997453538226363
    loan = {"id": "loan", "kind": "loan", "lender": "apollo", "borrower": "xai", "amount": 5,
            "rate": 0.125, "term_years": 5, "amortisation": "amortising"}
    res = run(scenario(deals=[loan]))
    service = lines(res, "loan", "debt_service")
    assert list(service["time"]) == list(range(1, 21))
    np.testing.assert_allclose(service["amount"], 0.33997453538226363, rtol=0, atol=1e-12)
    # the lender's IRR is the contract rate, effective: 1.03125^4 - 1 = 0.13098144531250
    assert one(res, "loan", "apollo", "irr") == pytest.approx(1.03125**4 - 1, abs=1e-10)


# -- SPV equity IRR with a known residual ---------------------------------------------------


def _irr_annual(flows: list[float]) -> float:
    """Effective annual IRR of quarterly flows, solved here with scipy, not chipcredit."""
    def value(q: float) -> float:
        return sum(c * (1.0 + q) ** -k for k, c in enumerate(flows))
    q = brentq(value, -0.5, 1.0, xtol=1e-15, rtol=1e-15, maxiter=500)
    return (1.0 + q) ** 4 - 1.0


def test_spv_equity_irr_with_a_sold_residual() -> None:
    # Residual curve by whole year of age: [1.0, 0.8, 0.6, 0.45, 0.3, 0.2]; in the term's
    # last quarter, 19, the GPUs are 19 quarters old, as the lab's own fleet counts age (0 in
    # the quarter of delivery): 4.75 years, worth 0.3 + 0.75 x (0.2 - 0.3) = 0.225 of their
    # cost, 20 x 0.225 = 4.5, sold to `customers` at the end of quarter 19 (time 20). (Valued
    # a quarter older, at 5 years, it was 4.0.) The lessee never defaults.
    res = run(scenario(deals=[spv_deal()]))
    sale = lines(res, "spv", "residual_sale")
    assert list(sale["time"]) == [20]
    assert sale["amount"][0] == pytest.approx(4.5, abs=1e-12)

    # valor put in 5.5 of the 7.5 equity, so it gets 5.5 / 7.5 of every distribution:
    #   quarters 1..19: 0.5164113726822014 x 5.5 / 7.5 = 0.378701673300281
    #   quarter 20:     (0.5164113726822014 + 4.5) x 5.5 / 7.5 = 3.6787016733...
    share = 5.5 / 7.5
    valor = [-5.5] + [SPV_TO_EQUITY * share] * 19 + [(SPV_TO_EQUITY + 4.5) * share]
    dist = lines(res, "spv", "distribution", to="valor")
    assert list(dist["time"]) == list(range(1, 21))
    np.testing.assert_allclose(dist["amount"], valor[1:], rtol=0, atol=1e-9)

    expected = _irr_annual(valor)
    assert expected == pytest.approx(0.2516054, abs=1e-6)  # sanity of the hand flows
    assert one(res, "spv", "valor", "irr") == pytest.approx(expected, abs=1e-8)
    # nvidia holds the other 2 / 7.5 on the same terms, so the same IRR
    assert one(res, "spv", "nvidia", "irr") == pytest.approx(expected, abs=1e-8)
    # nothing is left at the horizon: no mark, so realised = total
    assert one(res, "spv", "valor", "mark") == 0.0
    # cash in = 19 x 0.378701673300281 + 3.6787016733... = 10.874033...
    assert one(res, "spv", "valor", "cash_in") == pytest.approx(sum(valor[1:]), abs=1e-9)
    assert one(res, "spv", "valor", "moic") == pytest.approx(sum(valor[1:]) / 5.5, abs=1e-9)
    # NPV at valor's 15%: flows discounted by 1.15^(-k/4)
    npv = sum(c * 1.15 ** (-k / 4) for k, c in enumerate(valor))
    assert one(res, "spv", "valor", "npv") == pytest.approx(npv, abs=1e-9)
    # the vendor's sale of 20 is a sale, not a deal return: its 75% margin, 15, sits beside
    assert one(res, "spv", "nvidia", "tied_gross_profit") == pytest.approx(0.75 * 20, abs=1e-9)
    assert one(res, "spv", "nvidia", "cash_out") == pytest.approx(2.0, abs=1e-12)


# -- vendor credit: revenue share, cap, conversion --------------------------------------------


def _credit_world(repayment: list[dict[str, object]], term_years: float) -> dict[str, object]:
    # revenue 8 a year, flat: 2 a quarter; 50% of it is 1.0 a quarter to the vendor
    parties = [vendor(), lab(revenue={"run_rate": 8.0, "growth": dict(FLAT)}),
               {"id": "valor", "kind": "investor"}]
    credit = {"id": "vc", "kind": "vendor_credit", "vendor": "nvidia", "borrower": "xai",
              "amount": 5, "rate": 0.08, "term_years": term_years, "repayment": repayment}
    return scenario(parties, [credit], horizon=16)


def test_revenue_share_repays_the_balance_in_the_sixth_quarter() -> None:
    # 5 at 8% nominal: 2% a quarter accrues, then 1.0 is paid. After n full payments the
    # balance is B_n = 5 x 1.02^n - 1.0 x (1.02^n - 1) / 0.02 = 50 - 45 x 1.02^n:
    #   B_5 = 50 - 45 x 1.1040808032 = 0.316363856
    # quarter 6 owes only B_5 x 1.02 = 0.32269113312 (< 1.0), which clears it.
    res = run(_credit_world([{"kind": "revenue_share", "share": 0.5, "cap_multiple": 10},
                             {"kind": "cash"}], term_years=3))
    paid = lines(res, "vc", "credit_repayment")
    assert list(paid["time"]) == [1, 2, 3, 4, 5, 6]
    np.testing.assert_allclose(paid["amount"],
                               [1.0, 1.0, 1.0, 1.0, 1.0, 0.3226911331200024], rtol=0, atol=1e-12)
    # the vendor earns its contract rate: IRR = 1.02^4 - 1 = 0.08243216
    assert one(res, "vc", "nvidia", "irr") == pytest.approx(1.02**4 - 1, abs=1e-10)
    assert one(res, "vc", "nvidia", "loss") == pytest.approx(0.0, abs=1e-12)


def test_revenue_share_stops_at_its_cap_and_cash_pays_the_rest() -> None:
    # cap 0.6 x 5 = 3.0: three payments of 1.0, then nothing until maturity (2 years = 8
    # quarters). B_3 = 50 - 45 x 1.02^3 = 50 - 45 x 1.061208 = 2.24564, which accrues for
    # quarters 4..8: 2.24564 x 1.02^5 = 2.479368014898042, due in cash at time 8.
    res = run(_credit_world([{"kind": "revenue_share", "share": 0.5, "cap_multiple": 0.6},
                             {"kind": "cash"}], term_years=2))
    paid = lines(res, "vc", "credit_repayment")
    assert list(paid["time"]) == [1, 2, 3, 8]
    np.testing.assert_allclose(paid["amount"], [1.0, 1.0, 1.0, 2.479368014898042],
                               rtol=0, atol=1e-12)
    assert one(res, "vc", "nvidia", "cash_in") == pytest.approx(5.479368014898042, abs=1e-12)


def test_conversion_at_a_discount_gives_the_expected_shares() -> None:
    # Nothing is repaid before maturity (2 years, 8 quarters): 5 x 1.02^8 = 5.858296905011329
    # is left. The lab's price per share is its valuation over its shares: multiple 10 x
    # run-rate 8 = 80 (sentiment 0 in the base case), over 1.0 share. At a 20% discount:
    #   shares = 5.858296905011329 / (80 x (1 - 0.2)) = 5.858296905011329 / 64
    #          = 0.09153588914080202
    data = _credit_world([{"kind": "conversion", "discount": 0.2}], term_years=2)
    res = run(data)
    conv = lines(res, "vc", "conversion_equity")
    assert list(conv["time"]) == [8]
    assert conv["amount"][0] == pytest.approx(5.858296905011329, abs=1e-12)
    repaid = lines(res, "vc", "conversion_repayment")
    assert repaid["amount"][0] == pytest.approx(5.858296905011329, abs=1e-12)
    assert len(lines(res, "vc", "credit_repayment")) == 0

    sim, _ = trace_path(res.scenario, 1, res.seed, 0, deterministic=True)
    (lab_state,) = sim.labs
    held = lab_state.shares[(sim.acct("nvidia"), 0)]
    assert held[0] == pytest.approx(0.09153588914080202, rel=1e-12)
    # marked at the horizon at its share of the valuation, 80 / (1 + 0.0915...) per share:
    #   0.09153588914080202 x 80 / 1.09153588914080202 = 6.708777238...
    mark = 0.09153588914080202 * 80 / 1.09153588914080202
    assert one(res, "vc", "nvidia", "mark") == pytest.approx(mark, rel=1e-10)
    # The metrics net a party's flows at each time: at time 8 the repayment in and the
    # shares bought with it out are a round trip, 5.858... - 5.858... = 0. So Nvidia's cash
    # in is 0, not 5.858, and its cash out the 5 it lent, not 10.858; its MOIC is the mark
    # over the 5.
    assert one(res, "vc", "nvidia", "cash_in") == 0.0
    assert one(res, "vc", "nvidia", "cash_out") == pytest.approx(5.0, abs=1e-12)
    assert one(res, "vc", "nvidia", "moic") == pytest.approx(mark / 5.0, rel=1e-10)


# -- tied equity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("training", "start", "tied_gp"),
    [
        # needs 0.3 units at once: 0.3 x 35 = 10.5 of Nvidia hardware, more than the 6.6
        # tied, so all 6.6 is spent on Nvidia: 0.75 x 6.6 = 4.95
        (0.3, None, 4.95),
        # needs 0.1 units: 0.1 x 35 = 3.5 bought with tied money: 0.75 x 3.5 = 2.625
        (0.1, None, 2.625),
        # buys its 0.3 units in 2025Q4, before the money arrives in 2026Q2, and nothing
        # after: nothing tied was spent
        (0.3, "2026Q2", 0.0),
    ],
)
def test_tied_equity_turns_into_vendor_gross_profit(training: float, start: str | None,
                                                    tied_gp: float) -> None:
    parties = [vendor(), lab(compute={"installed": 0.0, "per_revenue": 0.0,
                                      "training": training, "training_growth": dict(FLAT)}),
               {"id": "valor", "kind": "investor"}]
    deal: dict[str, object] = {"id": "eq", "kind": "equity", "investor": "valor",
                               "investee": "xai", "amount": 6.6, "pre_money_valuation": 500,
                               "use_of_proceeds": {"vendor": "nvidia"}}
    if start is not None:
        deal["start"] = start
    # all-in 50 per unit: 35 to the vendor, 15 of build-out to customers
    res = run(scenario(parties, [deal], horizon=8, all_in_cost_per_unit=50.0))
    # the vendor is not a party to the money, but its gross profit sits beside the deal
    assert one(res, "eq", "nvidia", "tied_gross_profit") == pytest.approx(tied_gp, abs=1e-12)
    assert one(res, "eq", "nvidia", "npv") == 0.0
    assert "tied_gross_profit" in res.to_dict()["deals"]["eq"]["parties"]["nvidia"]
    # the investor's flows are the 6.6 only; 6.6 / (500 / 1.0) = 0.0132 shares
    assert one(res, "eq", "valor", "cash_out") == pytest.approx(6.6, abs=1e-12)
    sim, _ = trace_path(res.scenario, 1, res.seed, 0, deterministic=True)
    assert sim.labs[0].shares[(sim.acct("valor"), 0)][0] == pytest.approx(0.0132, rel=1e-12)


# -- default: secured before unsecured --------------------------------------------------------


def _default_world(content: float) -> dict[str, object]:
    """A lab with no revenue, costs of 12 a quarter, no cash, and rounds that never close
    (success base -50). It holds 1 unit of its own GPUs at ``content`` per unit, spread
    evenly over 200 quarters of age (a 50-year life), worth half their cost at any age."""
    parties = [
        vendor(content=content),
        lab(revenue={"run_rate": 0.0, "growth": dict(FLAT)}, costs={"fixed_per_year": 48.0},
            compute={"installed": 1.0, "per_revenue": 0.0, "training": 0.0,
                     "training_growth": dict(FLAT)},
            cash=0.0, funding={"valuation_multiple": 10.0, "success": {"base": -50.0}}),
        {"id": "apollo", "kind": "lender"},
        {"id": "bank", "kind": "lender"},
    ]
    # the unsecured loan comes first, so any priority of the secured one is not order
    deals = [{"id": "unsec", "kind": "loan", "lender": "apollo", "borrower": "xai",
              "amount": 5, "rate": 0.10, "term_years": 2},
             {"id": "sec", "kind": "loan", "lender": "bank", "borrower": "xai", "amount": 5,
              "rate": 0.10, "term_years": 2, "secured": True}]
    return scenario(parties, deals, horizon=8, all_in_cost_per_unit=23.0,
                    residual_value_by_age=[0.5], fire_sale_haircut=0.25,
                    useful_life_years=50)


# Quarter 0, in phase order: operations owe 12 of costs with no cash (12 in arrears);
# both loans are drawn (+10); each pays its interest 5 x 0.10 / 4 = 0.125 (cash 9.75); the
# round fails, and the arrears are paid down to 12 - 9.75 = 2.25; the lab defaults.
# Its fleet aged once in quarter 0, retiring the oldest 1/200: cost left 199/200 x content.


def test_default_pays_secured_first_then_unsecured_pro_rata() -> None:
    # content 23: fleet 23 x 199/200 = 22.885, worth 0.5 x 22.885 = 11.4425, sold at a 25%
    # haircut for 11.4425 x 0.75 = 8.581875.
    #   secured (balance 5, interest paid)   takes min(5, 8.581875)  = 5
    #   left 8.581875 - 5 = 3.581875 for the unsecured class: costs 2.25 + loan 5 = 7.25
    #   ratio 3.581875 / 7.25 = 0.4940517241379310
    #   unsecured loan 5 x 0.49405172... = 2.4702586206896552; costs 2.25 x ... = 1.1116163793
    res = run(_default_world(23.0), quiet=True)
    assert one(res, None, "xai", "default_quarter") == 0.0
    assert res.default_probability("xai") == 1.0
    secured = lines(res, "sec", "secured_recovery")
    assert list(secured["time"]) == [1]
    assert secured["amount"][0] == pytest.approx(5.0, abs=1e-12)
    assert len(lines(res, "sec", "unsecured_recovery")) == 0
    unsecured = lines(res, "unsec", "unsecured_recovery")
    assert unsecured["amount"][0] == pytest.approx(2.4702586206896552, abs=1e-12)
    assert len(lines(res, "unsec", "secured_recovery")) == 0
    flows = res.flows().set_index(["from", "to", "kind"])["mean"]
    assert flows[("customers", "xai", "collateral_sale")] == pytest.approx(8.581875, abs=1e-12)
    assert flows[("xai", "customers", "unsecured_recovery")] == pytest.approx(
        1.1116163793103448, abs=1e-12)
    # losses at the contract rate (2.5% a quarter) on what was promised at time 1:
    #   secured   (5 - 5) / 1.025 = 0
    #   unsecured (5 - 2.4702586206896552) / 1.025 = 2.4680403700588730
    assert one(res, "sec", "bank", "loss") == pytest.approx(0.0, abs=1e-12)
    assert one(res, "unsec", "apollo", "loss") == pytest.approx(2.468040370058873, abs=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_default_with_short_collateral_leaves_nothing_for_unsecured() -> None:
    # content 7: fleet 7 x 199/200 = 6.965, worth 3.4825, sold for 3.4825 x 0.75 = 2.611875,
    # all of it to the secured loan (balance 5); its deficiency of 2.388125 joins the
    # unsecured class, but the lab has no cash left, so nobody unsecured gets anything.
    res = run(_default_world(7.0), quiet=True)
    secured = lines(res, "sec", "secured_recovery")
    assert secured["amount"][0] == pytest.approx(2.611875, abs=1e-12)
    assert len(lines(res, "sec", "unsecured_recovery")) == 0
    assert len(lines(res, "unsec", "unsecured_recovery")) == 0
    #   secured   (5 - 2.611875) / 1.025 = 2.3298780487804878
    #   unsecured (5 - 0) / 1.025        = 4.8780487804878049
    assert one(res, "sec", "bank", "loss") == pytest.approx(2.3298780487804878, abs=1e-12)
    assert one(res, "unsec", "apollo", "loss") == pytest.approx(4.878048780487805, abs=1e-12)
    # what the lenders got back in all: interest 0.125 plus the recovery
    assert one(res, "sec", "bank", "cash_in") == pytest.approx(0.125 + 2.611875, abs=1e-12)
    assert one(res, "unsec", "apollo", "cash_in") == pytest.approx(0.125, abs=1e-12)


def test_loan_starting_after_the_default_draws_nothing() -> None:
    # Regression: a loan whose start falls after its borrower defaulted used to hand the
    # lender's money to the dead lab, with no claim left to repay it (loss 0).
    data = _default_world(23.0)
    data["deals"] = [{"id": "late", "kind": "loan", "lender": "apollo", "borrower": "xai",
                      "amount": 5, "rate": 0.10, "term_years": 1, "start": "2026Q2"}]
    res = run(data, quiet=True)
    assert one(res, None, "xai", "default_quarter") == 0.0
    assert res.cashflows("late").empty
    assert one(res, "late", "apollo", "cash_out") == 0.0
    assert one(res, "late", "apollo", "npv") == 0.0
