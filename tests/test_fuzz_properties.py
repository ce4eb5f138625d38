"""Hypothesis: generated VALID scenarios simulate, and their results keep the invariants.

The strategy draws whole scenarios (one or two labs and vendors, investors, lenders, and up
to six deals of the core kinds with random terms, fixed or uncertain numbers, horizons of 1
to 24 quarters) and simulates 1 to 40 paths. Whatever the draw:

- the ledger balances (every account, built-ins included, sums to zero on every path, to
  1e-11 of the largest flow);
- no per-path outcome is infinite, and NaN appears only where a documented reason says
  why: an IRR with a non-zero reason code (counted in `Result.irr_reasons`), a MOIC with
  nothing invested;
- every summary statistic is finite (or None), with p05 <= p50 <= p95;
- default probabilities are in [0, 1];
- the JSON summary is valid JSON (no NaN).

The CI profile draws 20 scenarios; ``HYPOTHESIS_PROFILE=long`` (make check-long) draws 400.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import chipcredit as cc
from chipcredit.analytics.metrics import MIN_INVESTED

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3", "2026Q4", "2027Q1", "2027Q2", "2027Q3",
            "2027Q4", "2028Q1", "2028Q2", "2028Q3"]


def _f(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Floats in [lo, hi] with magnitudes below 1e-6 set to 0: amounts of 1e-125 $B are
    valid but meaningless, and the float32 outcomes store them as 0 (so a solved IRR
    would count as "no position")."""
    return st.floats(lo, hi, allow_nan=False).map(lambda x: 0.0 if abs(x) < 1e-6 else x)


def _money(hi: float) -> st.SearchStrategy[Any]:
    fixed = _f(0.0, hi)
    uncertain = st.tuples(_f(0.01, hi / 2), _f(1.1, 3.0)).map(
        lambda t: {"p05": t[0], "p95": t[0] * t[1]})
    return st.one_of(fixed, fixed, uncertain)


def _fraction() -> st.SearchStrategy[Any]:
    return st.one_of(_f(0.0, 1.0), st.tuples(_f(0.0, 0.5), _f(0.0, 0.5))
                     .map(lambda t: {"dist": "uniform", "low": t[0], "high": t[0] + t[1] + 0.01}))


def _growth() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({
        "from": _f(-0.9, 9.99), "to": _f(-0.5, 1.0),  # growth is below 10 (MAX_GROWTH)
        "half_life_years": _f(0.25, 10.0)})


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    horizon = draw(st.integers(1, 24))
    cost = draw(_f(5.0, 80.0))
    vendors = [f"v{i}" for i in range(draw(st.integers(1, 2)))]
    labs = [f"lab{i}" for i in range(draw(st.integers(1, 2)))]
    parties: list[dict[str, Any]] = []
    for vid in vendors:
        parties.append({"id": vid, "kind": "vendor",
                        "content_per_unit": draw(_f(0.5, cost)),
                        "gross_margin": draw(_fraction()),
                        "price_change_per_year": draw(_f(-0.5, 0.5))})
    shares = draw(st.lists(st.integers(1, 10), min_size=len(vendors), max_size=len(vendors)))
    for lid in labs:
        run_rate = draw(_money(30.0))
        # a lab with no revenue has no share price, so equity in it is refused at load
        run_rate = 0.01 if run_rate == 0.0 else run_rate
        parties.append({
            "id": lid, "kind": "lab",
            "revenue": {"run_rate": run_rate, "growth": draw(_growth()),
                        "volatility": draw(_f(0.0, 5.0)),
                        "beta": draw(_f(-2.0, 2.0))},
            "costs": {"fixed_per_year": draw(_money(10.0)),
                      "revenue_share": draw(_f(0.0, 0.9))},
            "compute": {"installed": draw(_money(5.0)), "per_revenue": draw(_f(0.0, 1.0)),
                        "training": draw(_money(5.0)), "training_growth": draw(_growth())},
            "cash": draw(_money(50.0)),
            "procurement": {v: s / sum(shares) for v, s in zip(vendors, shares, strict=True)},
            "funding": {"buffer_quarters": draw(_f(0.0, 8.0)),
                        "valuation_multiple": draw(_f(1.0, 100.0)),
                        "success": {"base": draw(_f(-5.0, 5.0)),
                                    "momentum": draw(_f(-2.0, 4.0))}},
        })
    parties += [{"id": "fund", "kind": "investor"}, {"id": "bank", "kind": "lender",
                                                      "discount_rate": draw(_f(0, 0.3))}]

    def quarter() -> str:
        return QUARTERS[draw(st.integers(0, min(horizon, len(QUARTERS)) - 1))]

    deals: list[dict[str, Any]] = []
    for j in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["loan", "equity", "spv_lease", "vendor_credit",
                                     "purchase_commitment", "milestone_equity"]))
        lab, vendor = draw(st.sampled_from(labs)), draw(st.sampled_from(vendors))
        deal: dict[str, Any] = {"id": f"d{j}", "kind": kind, "start": quarter()}
        if draw(st.booleans()):
            deal["close_probability"] = draw(_f(0.0, 1.0))
        if kind == "loan":
            deal.update(lender="bank", borrower=lab, amount=draw(_money(20.0)),
                        rate=draw(_f(0.0, 0.3)), term_years=draw(_f(0.25, 10)),
                        amortisation=draw(st.sampled_from(["bullet", "amortising"])),
                        secured=draw(st.booleans()))
        elif kind == "equity":
            deal.update(investor=draw(st.sampled_from(["fund", vendor])), investee=lab,
                        amount=draw(_money(10.0)))
        elif kind == "spv_lease":
            amount = draw(_f(0.1, 30.0))
            e1, e2 = draw(_f(0.0, 0.5)) * amount, draw(_f(0.0, 0.4)) * amount
            deal.update(lessee=lab, vendor=vendor, amount=amount,
                        equity={vendor: e1, "fund": e2},
                        debt={"lender": "bank", "amount": amount - e1 - e2,
                              "rate": draw(_f(0.0, 0.2)),
                              "term_years": draw(_f(0.5, 8))},
                        lease={"term_years": draw(_f(0.5, 8)),
                               "rate": draw(_f(0.0, 0.3))},
                        at_end=draw(st.sampled_from(["purchase_option", "sell"])))
        elif kind == "vendor_credit":
            means = draw(st.permutations(["revenue_share", "cash", "conversion"]))
            means = means[:draw(st.integers(1, 3))]
            deal.update(vendor=vendor, borrower=lab, amount=draw(_money(10.0)),
                        rate=draw(_f(0.0, 0.2)), term_years=draw(_f(0.25, 6)),
                        repayment=[{"kind": m, **({"share": draw(_f(0.0, 0.5))}
                                                  if m == "revenue_share" else {}),
                                    **({"discount": draw(_f(0.0, 0.5))}
                                       if m == "conversion" else {})} for m in means])
        elif kind == "purchase_commitment":
            picks = sorted(set(draw(st.lists(st.integers(0, min(horizon, 12) - 1),
                                             min_size=1, max_size=4))))
            deal.update(lab=lab, vendor=vendor, shortfall_fee=draw(_f(0.0, 1.0)),
                        schedule=[{"quarter": QUARTERS[k], "capacity": draw(_f(0.0, 2.0))}
                                  for k in picks])
        else:
            deal.update(investor=draw(st.sampled_from(["fund", vendor])), investee=lab,
                        vendor=vendor, amount_per_unit=draw(_f(0.0, 10.0)),
                        max_amount=draw(_f(0.0, 50.0)))
        deals.append(deal)
    return {
        "name": "generated", "start": "2025Q4", "horizon_quarters": horizon,
        "market": {
            "ai_demand": {"volatility": draw(_f(0.0, 5.0)),
                          "winter": {"enter_per_year": draw(_f(0.0, 1.0)),
                                     "exit_per_year": draw(_f(0.0, 1.0)),
                                     "start_in_winter": draw(st.booleans())}},
            "hardware": {"all_in_cost_per_unit": cost,
                         # falling with age, as the loader requires
                         "residual_value_by_age": sorted(draw(st.lists(_f(0.0, 1.0),
                                                                       min_size=1, max_size=6)),
                                                         reverse=True),
                         "fire_sale_haircut": draw(_f(0.0, 1.0)),
                         "useful_life_years": draw(_f(0.5, 8.0))},
        },
        "parties": parties,
        "deals": deals,
    }


def _check(result: cc.Result) -> None:
    # balances are sums of flows, so their rounding grows with the flows: growth of 1000% a
    # year for 6 years moves 1e10 $B, and 1e-6 $B of rounding is then exact to 16 digits
    scale = max([1.0] + [float(np.abs(v).max()) for v in result.flow_sums.values()])
    checks = result.checks
    for name in ("sum_to_zero", "reconcile", "negative_cash", "claims"):
        assert getattr(checks, name) <= 1e-11 * scale, (name, checks, scale)
    out = result.outcomes
    for key, values in out.items():
        assert not np.isinf(values).any(), key
        metric = key.split("|")[-1]
        nan = np.isnan(values)
        if metric == "irr":
            reason = out[key[: -len("irr")] + "irr_reason"]
            assert (nan == (reason != 0)).all(), key
        elif metric in ("moic", "moic_realised"):
            invested = out[key[: -len(metric)] + "cash_out"] > MIN_INVESTED
            assert (nan == ~invested).all(), key
        elif metric not in ("ltv", "dscr", "market_share_end"):  # ltv, dscr: while an SPV
            assert not nan.any(), key                                # has debt
    # a market share is undefined on the paths where no vendor sold a unit in the last
    # four quarters: NaN for every vendor at once, and elsewhere the shares add up to 1
    shares = [v for k, v in out.items() if k.endswith("|market_share_end")]
    if shares:
        none_sold = np.isnan(shares[0])
        assert all((np.isnan(v) == none_sold).all() for v in shares)
        total = np.sum([v[~none_sold] for v in shares], axis=0)
        assert np.allclose(total, 1.0, rtol=0.0, atol=1e-9), total
    for (deal, party), counts in result.irr_reasons().items():
        irr = result.outcome(deal, party, "irr")
        assert int(np.isnan(irr).sum()) == sum(counts.values()), (deal, party, counts)
    table = result.summary()
    for row in table.to_dict("records"):
        stats = [row[k] for k in ("mean", "p05", "p50", "p95")]
        for x in stats:
            # an IRR percentile among paths above the bracket is +inf in summary() (the
            # JSON's null with outside_bracket); nothing else is ever infinite
            above = row["metric"] == "irr" and x == math.inf
            assert x is None or above or (isinstance(x, float)
                                          and (math.isfinite(x) or math.isnan(x)))
        p05, p50, p95 = (row[k] for k in ("p05", "p50", "p95"))
        if p05 is not None and not math.isnan(p05):
            assert p05 <= p50 + 1e-9 * max(1.0, abs(p50)) and p50 <= p95 + 1e-9 * max(1, abs(p95))
        if row["metric"] == "default_probability":
            assert 0.0 <= row["mean"] <= 1.0
        elif row["mean"] is not None and not math.isnan(row["mean"]):
            assert math.isfinite(row["mean"])
    for party in result.scenario.parties:
        if party.can_default:
            assert 0.0 <= result.default_probability(party.id) <= 1.0
    json.loads(result.to_json())  # allow_nan=False inside: raises on NaN or inf


@settings(max_examples=400 if LONG else 20, deadline=None)
@given(data=scenarios(), paths=st.integers(1, 40), seed=st.integers(0, 2**32))
def test_generated_scenarios_keep_the_invariants(data: dict[str, Any], paths: int,
                                                 seed: int) -> None:
    scenario = cc.load_scenario(data)  # the strategy draws only valid scenarios
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate(scenario, paths=paths, seed=seed)
    _check(result)
