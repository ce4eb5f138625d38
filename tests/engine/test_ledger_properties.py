"""Properties of the ledger on random valid scenarios.

A hypothesis strategy builds scenarios with 1-2 vendors, 1-3 labs, 0-2 investors, 0-2
lenders, 0-1 buyer, 0-1 cloud and random deals of every kind (loans to labs and to clouds),
with random but valid terms: fixed and uncertain numbers, deals that start late, and close
probabilities below 1. Every run must keep the ledger's invariants (balances sum to zero,
each account reconciles with its flows, no live lab or SPV below zero, promised = paid +
arrears + written off) and give a clean summary.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chipcredit as cc
from chipcredit.units import format_quarter, parse_quarter

START = "2025Q4"
TOL = 1e-6  # $B: a thousand dollars

# -- numbers -----------------------------------------------------------------------------


def _falling_curve(draw: st.DrawFn, n_ages: int) -> list[Any]:
    """A used-GPU value curve the loader accepts: each point's whole range at or below the
    lowest value of the point before it (fixed, uniform or triangular)."""
    points: list[Any] = []
    top = 1.0
    for _ in range(n_ages):
        point = draw(fraction(min(0.05, top), top))
        if not isinstance(point, dict):
            point = min(point, top)  # a fixed share is rounded to 4 places, maybe up
        points.append(point)
        top = point["low"] if isinstance(point, dict) else point
    return points


@st.composite
def fraction(draw: st.DrawFn, lo: float = 0.0, hi: float = 1.0) -> Any:
    """A share in [lo, hi] within [0, 1]: fixed, uniform or triangular."""
    kind = draw(st.sampled_from(["fixed", "fixed", "uniform", "triangular"]))
    a = draw(st.floats(lo, hi))
    b = draw(st.floats(lo, hi))
    low, high = min(a, b), max(a, b)
    if kind == "fixed" or high - low < 1e-3:
        return round(a, 4)
    if kind == "uniform":
        return {"dist": "uniform", "low": low, "high": high}
    mode = draw(st.floats(low, high))
    return {"low": low, "mode": mode, "high": high}


@st.composite
def money(draw: st.DrawFn, lo: float, hi: float) -> Any:
    """An amount >= 0 around [lo, hi] (lo > 0): fixed, lognormal or uniform."""
    kind = draw(st.sampled_from(["fixed", "fixed", "lognormal", "uniform"]))
    a = draw(st.floats(lo, hi))
    b = draw(st.floats(lo, hi))
    low, high = min(a, b), max(a, b)
    if kind == "fixed" or high / low < 1.01:
        return round(a, 4)
    if kind == "lognormal":
        return {"p05": low, "p95": high, "source": "test", "basis": "assumed"}
    return {"dist": "uniform", "low": low, "high": high}


@st.composite
def growth(draw: st.DrawFn, lo: float, hi: float) -> Any:
    """An effective annual rate in [lo, hi] (lo > -1): fixed or uniform."""
    a = draw(st.floats(lo, hi))
    b = draw(st.floats(lo, hi))
    if draw(st.booleans()) or abs(a - b) < 1e-3:
        return round(a, 4)
    return {"dist": "uniform", "low": min(a, b), "high": max(a, b)}


@st.composite
def signed(draw: st.DrawFn, lo: float, hi: float) -> Any:
    """Any real number around [lo, hi]: fixed or normal."""
    a = draw(st.floats(lo, hi))
    b = draw(st.floats(lo, hi))
    if draw(st.booleans()) or abs(a - b) < 1e-3:
        return round(a, 4)
    return {"dist": "normal", "p05": min(a, b), "p95": max(a, b)}


def growth_path(draw: st.DrawFn, lo: float, hi: float) -> dict[str, Any]:
    return {"from": draw(growth(lo, hi)), "to": draw(growth(-0.2, 0.5)),
            "half_life_years": draw(money(0.5, 4.0))}


# -- scenarios ---------------------------------------------------------------------------


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    horizon = draw(st.integers(6, 20))
    last = parse_quarter(START) + horizon - 1

    def quarter() -> str | None:
        if draw(st.booleans()):
            return None
        return format_quarter(draw(st.integers(parse_quarter(START), last)))

    # the all-in cost is at least 40 on every path and vendor content at most 30 at the
    # start (the loader's rule); prices may then rise faster than the all-in cost
    all_in = draw(st.sampled_from([40.0, {"low": 40.0, "mode": 45.0, "high": 55.0}]))
    n_ages = draw(st.integers(1, 6))
    market = {
        "ai_demand": {
            "volatility": draw(money(0.05, 0.5)),
            "winter": {"enter_per_year": draw(fraction(0.0, 0.3)),
                       "exit_per_year": draw(fraction(0.2, 0.9)),
                       "growth_hit": draw(growth(-0.8, -0.1)),
                       "start_in_winter": draw(st.booleans())},
            "sentiment": {"weight": draw(fraction(0.1, 0.6)),
                          "winter_penalty": draw(money(0.2, 1.5))},
        },
        "hardware": {
            "all_in_cost_per_unit": all_in,
            "cost_change_per_year": draw(growth(-0.1, 0.05)),
            "useful_life_years": draw(money(2.0, 6.0)),
            "residual_value_by_age": _falling_curve(draw, n_ages),
            "residual_beta": draw(signed(0.0, 1.0)),
            "residual_volatility": draw(money(0.05, 0.4)),
            "winter_residual_hit": draw(fraction(0.0, 0.6)),
            "fire_sale_haircut": draw(fraction(0.0, 0.6)),
            "power_cost_per_unit_year": draw(money(0.1, 2.0)),
        },
        "rates": {"base": draw(fraction(0.0, 0.08)), "volatility": draw(money(0.001, 0.02))},
    }
    choosing = draw(st.booleans())  # the vendor-choice model, or fixed shares
    if choosing:
        market["choice"] = {"price_sensitivity": draw(money(0.5, 20.0)),
                            "planning_horizon_years": draw(money(0.5, 5.0)),
                            "financing_weight": draw(fraction(0.0, 1.0))}
        if draw(st.booleans()):
            market["choice"]["infrastructure_per_unit"] = draw(money(5.0, 20.0))
    n_vendors = draw(st.integers(1, 2))
    vendors = [f"v{i}" for i in range(n_vendors)]
    parties: list[dict[str, Any]] = []
    for vid in vendors:
        parties.append({
            "id": vid, "kind": "vendor",
            "content_per_unit": draw(st.sampled_from(
                [draw(st.floats(5.0, 30.0)), {"dist": "uniform", "low": 10.0, "high": 30.0}])),
            "price_change_per_year": draw(growth(-0.15, 0.3)),
            "gross_margin": draw(fraction(0.3, 0.8)),
            "cash": draw(money(1.0, 20.0)),
            "discount_rate": draw(growth(0.05, 0.2)),
        })
        if draw(st.booleans()):
            terms: dict[str, Any] = {"performance_per_unit": draw(money(0.5, 1.5)),
                                     "porting_cost": draw(money(0.01, 20.0)),
                                     "porting_penalty": draw(fraction(0.0, 0.5)),
                                     "penalty_half_life_years": draw(money(0.25, 2.0))}
            if draw(st.booleans()):
                terms["supply_cap_per_quarter"] = draw(money(0.01, 1.0))
            if draw(st.booleans()):
                terms["price_response"] = {"below_share": draw(fraction(0.0, 0.6)),
                                           "cut_per_year": draw(fraction(0.0, 0.5)),
                                           "max_cut": draw(fraction(0.0, 0.5))}
            parties[-1]["choice"] = terms
        if draw(st.booleans()):
            parties[-1]["financials"] = {
                "operating_costs_per_year": draw(money(0.1, 5.0)),
                "earnings_multiple": draw(money(1.0, 40.0)),
                "sentiment_loading": draw(signed(0.0, 1.0)),
                "volatility": draw(st.sampled_from([0.0, 0.3])),
                "other_value": draw(money(1.0, 200.0)),
                "shares_outstanding": draw(money(100.0, 2000.0))}
    issuers = [p["id"] for p in parties if "financials" in p]
    investors = [f"i{i}" for i in range(draw(st.integers(0, 2)))]
    lenders = [f"l{i}" for i in range(draw(st.integers(0, 2)))]
    buyers = [f"b{i}" for i in range(draw(st.integers(0, 1)))]
    holders = vendors + investors + lenders + buyers

    def procurement() -> dict[str, float]:
        if n_vendors == 1:
            return {vendors[0]: 1.0}
        share = round(draw(st.floats(0.0, 1.0)), 3)
        return {vendors[0]: share, vendors[1]: round(1.0 - share, 3)}

    labs = [f"lab{i}" for i in range(draw(st.integers(1, 3)))]
    for lid in labs:
        equity: dict[str, float] = {}
        if holders and draw(st.booleans()):
            equity[draw(st.sampled_from(holders))] = round(draw(st.floats(0.0, 0.5)), 3)
        parties.append({
            "id": lid, "kind": "lab",
            "discount_rate": draw(growth(0.1, 0.3)),
            "revenue": {"run_rate": draw(money(0.2, 20.0)),
                        "growth": growth_path(draw, -0.3, 3.0),
                        "volatility": draw(money(0.05, 0.6)),
                        "beta": draw(signed(0.0, 1.5))},
            "costs": {"fixed_per_year": draw(money(0.1, 8.0)),
                      "fixed_growth": draw(growth(0.0, 0.5)),
                      "revenue_share": draw(fraction(0.0, 0.3))},
            "compute": {"installed": draw(money(0.05, 2.0)),
                        "per_revenue": draw(money(0.01, 0.2)),
                        "efficiency_gain_per_year": draw(growth(0.0, 0.2)),
                        "training": draw(money(0.05, 1.0)),
                        "training_growth": growth_path(draw, 0.0, 3.0)},
            "cash": draw(money(0.1, 30.0)),
            "procurement": procurement(),
            "funding": {"buffer_quarters": draw(money(1.0, 6.0)),
                        "round_quarters": draw(money(2.0, 8.0)),
                        "valuation_multiple": draw(money(5.0, 100.0)),
                        "sentiment_loading": draw(signed(0.0, 1.0)),
                        "success": {"base": draw(signed(-3.0, 3.0)),
                                    "momentum": draw(signed(0.0, 2.0)),
                                    "sentiment": draw(signed(0.0, 2.0)),
                                    "winter": draw(signed(-3.0, 0.0))}},
            "equity": {"holders": equity},
        })
        if draw(st.booleans()):  # a multiple that matures towards another
            parties[-1]["funding"]["maturity"] = {"multiple": draw(money(1.0, 30.0)),
                                                  "half_life_years": draw(money(0.25, 5.0))}
        if draw(st.booleans()):  # a spending response to a short runway
            parties[-1]["compute"]["spending"] = {"runway_quarters": draw(money(0.5, 12.0)),
                                                  "max_cut": draw(fraction())}
        if choosing and draw(st.booleans()):
            parties[-1]["ported"] = draw(st.lists(st.sampled_from(vendors), min_size=1,
                                                  max_size=2, unique=True))
    for bid in buyers:
        parties.append({"id": bid, "kind": "buyer",
                        "demand": {"installed": draw(money(1.0, 10.0)),
                                   "growth": growth_path(draw, 0.0, 0.6),
                                   "beta": draw(signed(0.0, 1.0))},
                        "procurement": procurement()})
    for iid in investors:
        parties.append({"id": iid, "kind": "investor", "discount_rate": draw(growth(0.05, 0.25))})
    for lid in lenders:
        parties.append({"id": lid, "kind": "lender"})
    clouds = [f"c{i}" for i in range(draw(st.integers(0, 1)))]
    for cid in clouds:  # debt tranches, contracts with labs, vendors and outsiders, spot
        parties.append({
            "id": cid, "kind": "cloud", "cash": draw(money(0.5, 30.0)),
            "installed": draw(money(0.05, 2.0)), "procurement": procurement(),
            "debt": [{"lender": draw(st.sampled_from(lenders + investors + vendors)),
                      "rate": draw(fraction(0.02, 0.15)),
                      "term_years": draw(st.sampled_from([1, 3, 5])),
                      "share": round(draw(st.floats(0.0, 0.45)), 3),
                      "opening": draw(money(0.1, 10.0))} for _ in range(draw(st.integers(0, 2)))],
            "contracts": [{"tenant": draw(st.sampled_from([*labs, *vendors, "customers"])),
                           "capacity": draw(money(0.05, 1.0)),
                           "price_per_unit_year": draw(money(1.0, 20.0)), "start": quarter(),
                           "term_years": draw(st.sampled_from([1, 2, 4]))}
                          for _ in range(draw(st.integers(0, 2)))],
            "spot": {"price_per_unit_year": draw(money(1.0, 20.0)),
                     "oversupply_elasticity": draw(fraction(0.0, 1.0)),
                     "floor": draw(fraction(0.0, 0.5)), "build": draw(st.booleans())},
        })
        sheet = draw(st.sampled_from(["own", "own", "funded"]))  # parent-funded, or rounds
        if sheet == "funded":
            parties[-1]["balance_sheet"] = "funded"
        elif draw(st.booleans()):
            parties[-1]["funding"] = {"buffer_quarters": draw(money(1.0, 6.0)),
                                      "valuation_multiple": draw(money(1.0, 30.0)),
                                      "success": {"base": draw(signed(-2.0, 2.0))}}
        for party in parties:
            if party["kind"] == "lab" and draw(st.booleans()):
                party["renting"] = {cid: round(draw(st.floats(0.0, 1.0)), 3)}

    funders = investors + vendors + lenders + buyers
    creditors = lenders + investors + vendors
    kinds = ["loan", "equity", "milestone_equity", "spv_lease", "vendor_credit",
             "purchase_commitment"] + (["deployment_warrant"] if issuers else []) + (
                 ["capacity_backstop"] if clouds else [])
    deals: list[dict[str, Any]] = []
    for j in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(kinds))
        lab = draw(st.sampled_from(labs))
        vendor = draw(st.sampled_from(vendors))
        deal: dict[str, Any] = {"id": f"d{j}", "kind": kind}
        if draw(st.booleans()):
            deal["close_probability"] = draw(fraction(0.2, 1.0))
        start = quarter()
        if start is not None:
            deal["start"] = start
        if kind == "loan":
            floating = draw(st.booleans())
            # a loan goes to a lab or (serviced after its tranches) to a cloud
            deal.update({"lender": draw(st.sampled_from(creditors)),
                         "borrower": draw(st.sampled_from([lab, *clouds])),
                         "amount": draw(money(0.5, 10.0)),
                         "amortisation": draw(st.sampled_from(["bullet", "amortising"])),
                         "term_years": draw(st.sampled_from([1, 2, 3, 5])),
                         "secured": draw(st.booleans())})
            if floating:
                deal.update({"rate_type": "floating", "spread": draw(fraction(0.0, 0.08))})
            else:
                deal["rate"] = draw(fraction(0.02, 0.15))
        elif kind == "equity":
            deal.update({"investor": draw(st.sampled_from(funders)), "investee": lab,
                         "amount": draw(money(0.5, 10.0))})
            if draw(st.booleans()):
                deal["pre_money_valuation"] = draw(money(10.0, 500.0))
            if draw(st.booleans()):
                deal["use_of_proceeds"] = {"vendor": vendor}
        elif kind == "milestone_equity":
            deal.update({"investor": draw(st.sampled_from(funders)), "investee": lab,
                         "vendor": vendor, "amount_per_unit": draw(money(0.5, 10.0)),
                         "max_amount": draw(money(1.0, 50.0))})
            if draw(st.booleans()):
                deal["first_pre_money_valuation"] = draw(money(10.0, 500.0))
        elif kind == "spv_lease":
            # equity plus debt must add up to the amount, so these three stay fixed
            amount = round(draw(st.floats(2.0, 20.0)), 3)
            debt = round(amount * draw(st.floats(0.0, 0.8)), 3)
            owners = draw(st.lists(st.sampled_from(funders), min_size=1, max_size=2,
                                   unique=True))
            equity_total = amount - debt
            first = min(round(equity_total * draw(st.floats(0.0, 1.0)), 3), equity_total)
            equity = ({owners[0]: equity_total} if len(owners) == 1
                      else {owners[0]: first, owners[1]: max(equity_total - first, 0.0)})
            deal.update({"lessee": lab, "vendor": vendor, "amount": amount, "equity": equity,
                         "debt": {"lender": draw(st.sampled_from(creditors)), "amount": debt,
                                  "rate": draw(fraction(0.03, 0.15)),
                                  "term_years": draw(st.sampled_from([1, 2, 3]))},
                         "lease": {"term_years": draw(st.sampled_from([1, 2, 3])),
                                   "rate": draw(fraction(0.05, 0.2))},
                         "at_end": draw(st.sampled_from(["purchase_option", "sell"]))})
            if draw(st.booleans()):
                deal["lease"]["residual"] = draw(fraction(0.0, 0.5))
        elif kind == "vendor_credit":
            means = draw(st.lists(st.sampled_from(["revenue_share", "cash", "conversion"]),
                                  min_size=1, max_size=3, unique=True))
            repayment: list[dict[str, Any]] = []
            for m in means:
                if m == "revenue_share":
                    repayment.append({"kind": m, "share": draw(fraction(0.0, 0.5)),
                                      "cap_multiple": draw(money(0.5, 2.0))})
                elif m == "conversion":
                    repayment.append({"kind": m, "discount": draw(fraction(0.0, 0.4))})
                else:
                    repayment.append({"kind": m})
            deal.update({"vendor": vendor, "borrower": lab, "amount": draw(money(0.5, 10.0)),
                         "rate": draw(fraction(0.0, 0.15)),
                         "term_years": draw(st.sampled_from([1, 2, 3])),
                         "repayment": repayment})
        elif kind == "deployment_warrant":
            deal.update({"issuer": draw(st.sampled_from(issuers)), "holder": lab,
                         "strike": draw(money(0.01, 50.0)),
                         "tranches": [{"shares": draw(money(1.0, 100.0)),
                                       "deployed": draw(money(0.01, 2.0)),
                                       "hurdle": draw(money(1.0, 500.0))}
                                      for _ in range(draw(st.integers(1, 3)))],
                         "sale": {"rule": draw(st.sampled_from(["hold", "on_vest",
                                                                "after_quarters"])),
                                  "quarters": draw(st.integers(0, 4))}})
            if draw(st.booleans()):
                deal["expiry"] = format_quarter(draw(st.integers(parse_quarter(START), last)))
        elif kind == "capacity_backstop":
            first = parse_quarter(start) if start is not None else parse_quarter(START)
            deal.update({"vendor": vendor, "cloud": draw(st.sampled_from(clouds)),
                         "cap": draw(money(0.1, 10.0)),
                         "end": format_quarter(draw(st.integers(first, last)))})
            if draw(st.booleans()):
                deal["price_per_unit_year"] = draw(money(1.0, 20.0))
        else:
            items = sorted(draw(st.lists(st.integers(parse_quarter(START), last), min_size=1,
                                         max_size=4, unique=True)))
            deal.update({"lab": lab, "vendor": vendor,
                         "schedule": [{"quarter": format_quarter(q),
                                       "capacity": draw(money(0.05, 1.0))} for q in items],
                         "shortfall_fee": draw(fraction(0.0, 1.0))})
        deals.append(deal)
    return {"name": "random", "start": START, "horizon_quarters": horizon, "market": market,
            "parties": parties, "deals": deals}


def _check(res: cc.Result) -> None:
    checks = res.checks
    assert checks.sum_to_zero < TOL, checks
    assert checks.reconcile < TOL, checks
    assert checks.negative_cash < TOL, checks
    assert checks.claims < TOL, checks
    assert res.max_abs_imbalance < TOL

    table = res.summary()
    assert not table.empty
    for row in table.itertuples(index=False):
        values = [row.mean, row.p05, row.p50, row.p95]
        if row.metric in ("irr", "moic", "moic_realised"):
            continue  # no IRR on some paths; no MOIC where nothing was invested
        if row.metric in ("default_probability", "second_source_probability"):
            assert 0.0 <= row.mean <= 1.0, row
            continue
        if row.metric == "second_source_quarter" and not (row.mean is not None
                                                          and math.isfinite(row.mean)):
            continue  # no path second-sources: no quarter to describe
        if row.metric == "market_share_end" and row.nan_share == 1.0:
            continue  # no vendor sold a unit at the end on any path: no share to describe
        assert all(v is not None and math.isfinite(v) for v in values), row
        assert row.p05 <= row.p50 + 1e-12 <= row.p95 + 2e-12, row

    # every per-path outcome but the IRR (and moic where nothing was invested) is finite
    for key, values in res.outcomes.items():
        metric = key.split("|")[-1]
        if metric == "irr":
            continue
        if metric in ("moic", "moic_realised"):
            invested = res.outcomes[key.rsplit("|", 1)[0] + "|cash_out"] > TOL
            assert np.all(np.isfinite(values[invested])), key
            if metric == "moic_realised":  # a lessee's mark is negative, so moic may be too
                assert np.all(values[invested] >= 0.0), key
            continue
        if metric == "market_share_end":  # NaN exactly where no vendor sold: checked below
            continue
        assert np.all(np.isfinite(values)), key
    shares = [v for k, v in res.outcomes.items() if k.endswith("|market_share_end")]
    if shares:  # undefined for every vendor on the same paths; elsewhere they add up to 1
        none_sold = np.isnan(shares[0])
        assert all((np.isnan(v) == none_sold).all() for v in shares)
        total = np.sum([v[~none_sold].astype(np.float64) for v in shares], axis=0)
        assert np.allclose(total, 1.0, atol=1e-6), total  # outcomes are float32

    doc = json.loads(res.to_json())
    for party, item in doc["parties"].items():
        assert 0.0 <= item["default_probability"] <= 1.0, party
    for deal in doc["deals"].values():
        for stats in deal["parties"].values():
            for metric, s in stats.items():
                got = [s[k] for k in ("p05", "p50", "p95") if s[k] is not None]
                assert got == sorted(got), (metric, s)

    # money is only moved, never made: every transfer is >= 0, the outside equity
    # (`market`) only pays opening balances and new rounds, and `founders` never pay
    flows = res.flows()
    assert (flows["mean"] >= 0.0).all()
    assert set(flows.loc[flows["from"] == "market", "kind"]) <= {"opening_balance",
                                                                 "equity_round",
                                                                 "warrant_sale"}
    assert (flows["from"] != "founders").all()
    # each party's mean end balance is what the flows matrix moved into it, less what it
    # moved out (a defaulted lab's cash counts as 0, so none may be left stuck in it)
    moved_in = flows.groupby("to")["mean"].sum()
    moved_out = flows.groupby("from")["mean"].sum()
    for p in res.scenario.parties:
        net = float(moved_in.get(p.id, 0.0) - moved_out.get(p.id, 0.0))
        scale = 1.0 + float(moved_in.get(p.id, 0.0) + moved_out.get(p.id, 0.0))
        cash_end = float(np.mean(res.outcome(None, p.id, "cash_end")))
        assert abs(cash_end - net) < TOL * scale, (p.id, cash_end, net)
    # a lab's default probability and its default quarters agree
    for p in res.scenario.parties:
        if p.kind == "lab":
            dq = res.outcome(None, p.id, "default_quarter")
            assert res.default_probability(p.id) == float(np.mean(dq >= 0))
            assert np.all((dq >= -1) & (dq < res.scenario.horizon_quarters))


# make test draws 25 scenarios (a bounded version, for the CI budget); make check-long 400
RANDOM_SCENARIOS = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 25


@settings(max_examples=RANDOM_SCENARIOS, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios(), paths=st.integers(64, 300), seed=st.integers(0, 2**31))
def test_random_scenarios_keep_the_ledger_invariants(data: dict[str, Any], paths: int,
                                                     seed: int) -> None:
    sc = cc.load_scenario(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(sc, paths=paths, seed=seed)
    _check(res)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=scenarios())
def test_random_scenarios_deterministic_mode(data: dict[str, Any]) -> None:
    sc = cc.load_scenario(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.simulate(sc, deterministic=True)
    assert res.paths == 1
    _check(res)
