"""Golden numbers for ``credit_facility``: draws on shortfall up to the outstanding cap,
draws that pay for a vendor's equipment, and the cross-field checks.

Every expected number is worked out by hand in the comments; none is recomputed by the
code under test. Times are quarters from the start (2025Q4); a flow at the end of quarter
``q`` has time ``q + 1``.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chipcredit as cc
from chipcredit.engine.streams import STREAM_BLOCK

from ._build import FLAT, lab, lines, one, run, scenario, simulate, vendor

# A lab with no cash whose revenue ($1B a quarter) falls $0.2B short of its fixed costs
# ($4.8B a year = $1.2B a quarter) and whose rounds never close (base -50).
BROKE = lab(revenue={"run_rate": 4.0, "growth": dict(FLAT)}, cash=0.0,
            costs={"fixed_per_year": 4.8},
            funding={"valuation_multiple": 10.0, "success": {"base": -50.0}})


def facility(**overrides: object) -> dict[str, object]:
    deal: dict[str, object] = {"id": "fac", "kind": "credit_facility", "lender": "nvidia",
                               "borrower": "xai", "commitment": 2.0, "max_outstanding": 0.5,
                               "rate": 0.08, "term_years": 5}
    deal.update(overrides)
    return deal


def broke_world(*deals: dict[str, object]) -> dict[str, object]:
    # a copy of BROKE: callers edit the borrower of the world they get (test_loan_guarantee
    # gives it cash, costs, volatility), and those edits must not reach later tests
    # (tests/deals/test_run_order.py)
    return scenario(parties=[vendor(), copy.deepcopy(BROKE), {"id": "apollo", "kind": "lender"}],
                    deals=list(deals), horizon=8)


# Quarter by quarter (rate 8% nominal = 2% a quarter, cap $0.5B outstanding):
#   q0: opex 1.2 on revenue 1.0 -> 0.2 short; no interest yet; draws 0.2, pays the costs.
#   q1: 0.2 short; interest 0.2 x 0.02 = 0.004 unpaid -> 0.204 short;
#       room 0.5 - 0.2 - 0.004 = 0.296 -> draws 0.204; balance 0.404.
#   q2: interest 0.404 x 0.02 = 0.00808 -> short 0.20808; room 0.5 - 0.404 - 0.00808
#       = 0.08792 -> draws 0.08792 (the cap binds); balance 0.49192 and 0.00808 of interest
#       arrears: 0.5 in all. The costs stay 0.11208 short, so the lab defaults in q2.
#   The estate is empty: the whole 0.5 is written off. Loss at 2% a quarter, promised at
#   time 3 and never paid: (0.00808 + 0.49192) / 1.02^3 = 0.5 / 1.061208 = 0.47116117...
#   Peak exposure (balance + unpaid interest + room, the interest counting against the
#   cap): 0.2 + 0.3 = 0.5 in q0; 0.2 + 0.004 + 0.296 = 0.5 at q1's schedule; at q2's,
#   0.404 + 0.00808 + 0.08792 = 0.5. It was 0.50808 while the room at the schedule left
#   out the interest just accrued (0.404 + 0.00808 + 0.096).
DRAWS = [0.2, 0.204, 0.08792]


def test_shortfall_draws_stop_at_the_outstanding_cap_then_the_borrower_defaults() -> None:
    res = run(broke_world(facility()), quiet=True)
    draws = lines(res, "fac", "credit_draw")
    assert list(draws["time"]) == [1, 2, 3]
    np.testing.assert_allclose(draws["amount"], DRAWS, rtol=0, atol=1e-12)
    assert one(res, None, "xai", "default_quarter") == 2.0
    interest = lines(res, "fac", "debt_service")
    assert list(interest["time"]) == [2]
    assert interest["amount"][0] == pytest.approx(0.004, abs=1e-12)
    # cash in/out are totals of the net flow at each time: at time 2 the 0.204 drawn and
    # the 0.004 of interest net to 0.2 out
    assert one(res, "fac", "nvidia", "cash_out") == pytest.approx(0.2 + 0.2 + 0.08792, abs=1e-12)
    assert one(res, "fac", "nvidia", "cash_in") == pytest.approx(0.0, abs=1e-12)
    assert one(res, "fac", "nvidia", "loss") == pytest.approx(0.5 / 1.02**3, abs=1e-12)
    assert res.outcomes["spv|fac|written_off"][0] == pytest.approx(0.5, abs=1e-12)
    assert res.outcomes["spv|fac|drawn_total"][0] == pytest.approx(0.49192, abs=1e-12)
    assert one(res, "fac", "nvidia", "peak_exposure") == pytest.approx(0.5, abs=1e-12)
    # drawn balance by quarter (after the default the claim is closed)
    drawn = res.bands("fac", "drawn")["mean"].to_numpy()
    np.testing.assert_allclose(drawn[:3], [0.2, 0.404, 0.0], rtol=0, atol=1e-12)
    assert res.max_abs_imbalance < 1e-9


def test_drawn_at_start_counts_against_the_cap() -> None:
    # 0.4 drawn at the beginning of q0 (time 0), in the procurement phase, after q0's
    # operations left the costs 0.2 short (revenue 1.0 against 1.2). Servicing pays the
    # interest 0.4 x 0.02 = 0.008 from the 0.4; the lab's 0.392 of cash covers the 0.2, so
    # nothing is drawn and the funding phase pays the costs: 0.192 left.
    # q1: revenue 1.0 -> 1.192 against costs 1.2: 0.008 short; interest 0.008 unpaid:
    # 0.016 short with no cash; room 0.5 - 0.4 - 0.008 = 0.092 -> draws 0.016 (time 2).
    res = run(broke_world(facility(drawn_at_start=0.4)), quiet=True)
    draws = lines(res, "fac", "credit_draw")
    assert draws["time"][0] == 0 and draws["amount"][0] == pytest.approx(0.4, abs=1e-12)
    assert draws["time"][1] == 2 and draws["amount"][1] == pytest.approx(0.016, abs=1e-12)


def test_purchase_draws_pay_half_the_vendors_equipment() -> None:
    # The lab needs 1 unit of training capacity in q0 and none after. Vendor content is
    # the whole all-in cost, $35B a unit: it buys 1 unit, half of which the facility pays:
    # 0.5 x 1 x 35 = 17.5 drawn at the end of q0. Interest 17.5 x 0.02 = 0.35 a quarter
    # from q1; the term is 2 years, so q7 also repays the 17.5.
    #   lender cash in: 7 x 0.35 + 17.5 = 19.95; tied gross profit 0.75 x 17.5 = 13.125;
    #   peak exposure (balance + accrued interest + undrawn, docs/design.md 2a), from q1 on: the
    #   cap on what is outstanding is the commitment (no max_outstanding), and the 0.35 of
    #   interest due counts against it, so the room is 30 - 17.5 - 0.35 = 12.15 (12.5 of
    #   the commitment is undrawn) and the exposure 17.5 + 0.35 + 12.15 = 30.0.
    buyer = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                         "training_growth": dict(FLAT)})
    deal = facility(commitment=30.0, max_outstanding=None, term_years=2, vendor="nvidia",
                    drawing={"purchases": 0.5, "shortfall": False})
    res = run(scenario(parties=[vendor(), buyer], deals=[deal]))
    draws = lines(res, "fac", "credit_draw")
    assert list(draws["time"]) == [1]
    assert draws["amount"][0] == pytest.approx(17.5, abs=1e-12)
    service = lines(res, "fac", "debt_service")
    assert list(service["time"]) == list(range(2, 9))
    np.testing.assert_allclose(service["amount"], [0.35] * 6 + [17.85], rtol=0, atol=1e-12)
    assert one(res, "fac", "nvidia", "cash_in") == pytest.approx(19.95, abs=1e-12)
    assert one(res, "fac", "nvidia", "tied_gross_profit") == pytest.approx(13.125, abs=1e-12)
    assert one(res, "fac", "nvidia", "peak_exposure") == pytest.approx(30.0, abs=1e-12)
    assert one(res, "fac", "nvidia", "loss") == pytest.approx(0.0, abs=1e-12)


def test_a_purchase_draw_leaves_room_for_the_interest_due() -> None:
    # Training need growing 300% a year, a factor 4^(1/4) = sqrt(2) a quarter, from 1 unit:
    # sqrt(2) units in q0, 2 in q1, 2 sqrt(2) in q2; the lab buys what it lacks at $35B a
    # unit, all of it drawn if there is room. $60B may be outstanding, unpaid interest
    # included; 8% nominal = 2% a quarter.
    #   q0: 35 sqrt(2) = 49.49747 wanted, room 60 -> draws 49.49747 (time 1).
    #   q1: 35 (2 - sqrt(2)) = 20.50253 wanted; interest 49.49747 x 0.02 = 0.98995 is due
    #       at the quarter's end, so the room is 60 - 49.49747 - 0.98995 = 9.51258 -> draws
    #       that (time 2); the lab pays the interest from cash. Exposure 59.01005 + 0.98995
    #       + 0 = 60.
    #   q2: interest 59.01005 x 0.02 = 1.18020; balance and interest exceed 60: no room, no
    #       draw, and the exposure is 59.01005 x 1.02 = 60.19025 (above the cap only because
    #       the balance and its interest are).
    # While the room left the interest out, q1 drew 60 - 49.49747 = 10.50253, to a balance
    # of 60 with 0.98995 due on top, and the peak was q2's 60 x 1.02 = 61.2.
    grower = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                          "training_growth": {"from": 3.0, "to": 3.0, "half_life_years": 1.0}})
    deal = facility(commitment=200.0, max_outstanding=60.0, vendor="nvidia",
                    drawing={"purchases": 1.0, "shortfall": False})
    res = run(scenario(parties=[vendor(), grower], deals=[deal], horizon=3))
    draws = lines(res, "fac", "credit_draw")
    assert list(draws["time"]) == [1, 2]
    first = 35.0 * math.sqrt(2.0)
    room = 60.0 - first * 1.02
    np.testing.assert_allclose(draws["amount"], [first, room], rtol=0, atol=1e-9)
    np.testing.assert_allclose(draws["amount"], [49.49747, 9.51258], rtol=0, atol=5e-6)
    assert one(res, "fac", "nvidia", "peak_exposure") == pytest.approx((first + room) * 1.02,
                                                                       abs=1e-9)


def test_purchase_draws_pay_the_vendors_price_per_unit_of_useful_capacity() -> None:
    # The world above under the vendor choice, the vendor's unit giving 2 units of useful
    # capacity (performance_per_unit 2) and $5B of infrastructure a unit: the lab's 1 unit
    # of need is 0.5 of the vendor's units, $35B x 0.5 = $17.5B paid to it, and the
    # facility draws half of that, $8.75B (it drew 0.5 x 1 x 35 = $17.5B, pricing the
    # need as if a unit gave one of capacity: the whole purchase, not half).
    buyer = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                         "training_growth": dict(FLAT)}, ported=["nvidia"])
    deal = facility(commitment=30.0, max_outstanding=None, term_years=2, vendor="nvidia",
                    drawing={"purchases": 0.5, "shortfall": False})
    world = scenario(parties=[vendor(choice={"performance_per_unit": 2.0}), buyer], deals=[deal])
    world["market"]["choice"] = {"infrastructure_per_unit": 5.0, "price_sensitivity": 10.0,
                                 "planning_horizon_years": 3.0}
    res = run(world)
    sales = res.flows()
    sale = sales[(sales["kind"] == "sale") & (sales["from"] == "xai")
                 & (sales["quarter"] == "2025Q4")]["mean"].sum()
    assert sale == pytest.approx(17.5, abs=1e-12)
    draws = lines(res, "fac", "credit_draw")
    assert list(draws["time"]) == [1]
    assert draws["amount"][0] == pytest.approx(8.75, abs=1e-12)


def test_purchase_draws_follow_the_spot_rentals() -> None:
    # The lab needs 1 unit of training capacity every quarter and rents 40% of its new
    # shortfall on the spot market from a cloud with 1 unit installed and idle; it buys the
    # rest from the vendor, half of it paid by a purchases facility (content $35B a unit,
    # the whole all-in cost).
    #   q0: shortfall 1; it rents 0.4 x 1 = 0.4 units, then draws for the 0.6 left to buy:
    #       0.5 x 0.6 x 1.0 (procurement share) x 35 = 10.5 at the end of q0, and buys 0.6
    #       (0.6 x 35 = 21 to the vendor).
    #   q1 on: the 0.6 bought stay; it renews the 0.4 rented: nothing left to buy, no draw.
    # Drawn before the rentals, it would draw 0.5 x 1 x 35 = 17.5 in q0 and 0.5 x 0.4 x 35
    # = 7.0 each later quarter, for capacity it then rents.
    renter = lab(compute={"installed": 0.0, "per_revenue": 0.0, "training": 1.0,
                          "training_growth": dict(FLAT)}, renting={"neo": 0.4})
    neo = {"id": "neo", "kind": "cloud", "cash": 0.5, "installed": 1.0,
           "procurement": {"nvidia": 1.0}, "contracts": [],
           "spot": {"price_per_unit_year": 13.0, "build": False}}
    deal = facility(commitment=30.0, max_outstanding=None, term_years=2, vendor="nvidia",
                    drawing={"purchases": 0.5, "shortfall": False})
    res = run(scenario(parties=[vendor(), renter, neo], deals=[deal], horizon=4))
    draws = lines(res, "fac", "credit_draw")
    assert list(draws["time"]) == [1]
    assert draws["amount"][0] == pytest.approx(10.5, abs=1e-12)
    assert res.outcomes["spv|fac|drawn_total"][0] == pytest.approx(10.5, abs=1e-12)
    flows = res.flows()
    sales = flows[(flows["from"] == "xai") & (flows["to"] == "nvidia") & (flows["kind"] == "sale")]
    np.testing.assert_allclose(sales["mean"], [21.0], rtol=0, atol=1e-12)
    rent = flows[(flows["from"] == "xai") & (flows["to"] == "neo") & (flows["kind"] == "cloud_rent")]
    assert (rent["mean"] > 0).all() and len(rent) >= 3  # the 0.4 rented each quarter
    assert one(res, "fac", "nvidia", "tied_gross_profit") == pytest.approx(0.75 * 10.5, abs=1e-12)


def test_a_facility_that_does_not_close_draws_nothing() -> None:
    res = run(broke_world(facility(close_probability=0.0)), quiet=True)
    assert res.cashflows("fac").empty
    assert one(res, None, "xai", "default_quarter") == 0.0


def test_purchase_draws_need_a_vendor() -> None:
    bad = broke_world(facility(drawing={"purchases": 0.5}))
    with pytest.raises(cc.ScenarioError, match=r"deals\[0\]\.vendor.*drawing.purchases"):
        cc.load_scenario(bad)


def cushioned_world(high: float) -> cc.Scenario:
    """One quarter. The lab gets $1B of revenue, owes $2B of costs and has no cash: it pays
    1 and owes 1. Then a second facility opens drawn by D ~ uniform(0.5, ``high``): where
    D < 1 the shortfall facility draws 1 - D and pays; where D >= 1 the lab has the cash,
    draws nothing, and its arrears wait for the funding phase, where they bring on a round
    (rounds always close; no cash buffer)."""
    broke = lab(revenue={"run_rate": 4.0, "growth": dict(FLAT)}, cash=0.0,
                costs={"fixed_per_year": 8.0},
                funding={"valuation_multiple": 10.0, "buffer_quarters": 0.0,
                         "success": {"base": 50.0}})
    cushion = facility(id="cushion", lender="apollo", commitment=100.0, max_outstanding=100.0,
                       rate=0.0, drawn_at_start={"dist": "uniform", "low": 0.5, "high": high},
                       drawing={"shortfall": False})
    return cc.load_scenario(scenario(
        parties=[vendor(), broke, {"id": "apollo", "kind": "lender"}],
        deals=[facility(max_outstanding=10.0, rate=0.0), cushion], horizon=1))


def test_a_paths_shortfall_draw_does_not_depend_on_its_chunk() -> None:
    # D < 1 on about 0.5% of the paths. The 4,096 + 10 paths run as one chunk, and as two:
    # the 10-path chunk has no path that draws, so it skips the draw step; the first
    # chunk's draws once paid every path's arrears from its cash, so its D >= 1 paths
    # raised no round (engine against oracle, where paths draw in one chunk:
    # tests/test_oracle.py)
    sc = cushioned_world(100.0)
    paths = STREAM_BLOCK + 10
    whole, split = (simulate(sc, paths=paths, seed=1, chunk_blocks=k) for k in (2, 1))
    drawn = whole.outcomes["spv|fac|drawn_total"]
    assert (drawn[:STREAM_BLOCK] > 0).sum() > 5  # the first chunk draws on some paths
    assert not (drawn[STREAM_BLOCK:] > 0).any()  # the last draws on none
    assert whole.outcomes.keys() == split.outcomes.keys()
    for key, values in whole.outcomes.items():
        np.testing.assert_array_equal(split.outcomes[key], values, err_msg=key)
    assert split.to_json() == whole.to_json()


@settings(max_examples=25)
@given(commitment=st.floats(0.1, 3.0), cap_share=st.floats(0.1, 1.0),
       start_share=st.floats(0.0, 1.0), rate=st.floats(0.0, 0.2),
       costs=st.floats(3.0, 8.0), purchases=st.floats(0.0, 1.0))
def test_draws_never_exceed_the_limits(commitment: float, cap_share: float, start_share: float,
                                       rate: float, costs: float, purchases: float) -> None:
    cap = commitment * cap_share
    broke = copy.deepcopy(BROKE)
    broke["costs"] = {"fixed_per_year": costs}
    broke["compute"] = {"installed": 0.0, "per_revenue": 0.0, "training": 0.01,
                        "training_growth": {"from": 0.5, "to": 0.5, "half_life_years": 1.0}}
    deal = facility(commitment=commitment, max_outstanding=cap, drawn_at_start=start_share * cap,
                    rate=rate, vendor="nvidia", drawing={"purchases": purchases})
    res = run(scenario(parties=[vendor(), broke], deals=[deal], horizon=8), quiet=True)
    assert res.max_abs_imbalance < 1e-9  # ledger balanced; promised = paid + arrears + written off
    drawn_total = res.outcomes["spv|fac|drawn_total"][0]
    assert drawn_total <= commitment + 1e-12
    assert res.bands("fac", "drawn")["mean"].max() <= cap + 1e-12
    written = res.outcomes["spv|fac|written_off"][0]
    assert written <= drawn_total + rate / 4 * 8 * cap + 1e-12  # at most what was lent plus interest
    assert one(res, "fac", "nvidia", "loss") >= -1e-12


def test_a_total_loss_has_lgd_one_and_the_schedule_adds_up_to_the_ead() -> None:
    """docs/deals.md's worked example, in the lender's book and its debt schedule. The lab
    defaults in q2 owing 0.49192 of principal and the 0.00808 of interest that fell due at
    the end of q2 unpaid: EAD 0.5, nothing recovered, all of it written off. The loss is
    0.5 / 1.02^3 = 0.47116 (PV at the start); the EAD valued at the start as well is the
    same 0.5 / 1.02^3, so LGD is 1: a total loss. (Before 2026-12-01 LGD divided the PV
    loss by the nominal EAD: 0.47116 / 0.5 = 94%.)"""
    res = run(broke_world(facility()), quiet=True)
    book = res.to_dict()["portfolios"]["nvidia"]
    assert book["pd"] == 1.0
    assert book["ead"] == pytest.approx(0.5, abs=1e-12)
    assert book["ead_pv"] == pytest.approx(0.5 / 1.02**3, abs=1e-12)
    assert book["lgd"] == pytest.approx(1.0, abs=1e-12)
    assert book["expected_loss"] == pytest.approx(0.5 / 1.02**3, abs=1e-12)
    # one obligor: its figures are the book's
    assert book["pd_by_obligor"] == {"xai": 1.0}
    assert book["ead_by_obligor"]["xai"] == pytest.approx(0.5, abs=1e-12)
    assert book["lgd_by_obligor"]["xai"] == pytest.approx(1.0, abs=1e-12)
    assert book["expected_loss_by_obligor"]["xai"] == pytest.approx(0.5 / 1.02**3, abs=1e-12)
    # the schedule's default quarter: 0.49192 accelerated on top of the 0.00808 of interest
    # due and unpaid, which sum to the EAD and are written off whole
    schedule = res.debt_schedule("fac")
    row = schedule[schedule["time"] == 2].iloc[0]
    assert row["accelerated"] == pytest.approx(0.49192, abs=1e-12)
    assert row["arrears_at_default"] == pytest.approx(0.00808, abs=1e-12)
    assert row["accelerated"] + row["arrears_at_default"] == pytest.approx(book["ead"], abs=1e-12)
    assert row["written_off"] == pytest.approx(0.5, abs=1e-12)
    assert row["written_off_interest"] == pytest.approx(0.00808, abs=1e-12)
    # no other quarter accelerates anything
    assert schedule.loc[schedule["time"] != 2, "arrears_at_default"].abs().max() == 0.0
