"""Break-even solving on monotone metrics with known roots (see ``_world.py``)."""

from __future__ import annotations

import json

import pytest

import chipcredit as cc
from chipcredit.experiments.solve import parse_target

from ._world import LAB_CASH_END, LENDER_CASH_IN, world


@pytest.fixture(scope="module")
def sc() -> cc.Scenario:
    return world()


def test_parse_target() -> None:
    assert parse_target("a.b.c = 1.5") == ("a.b.c", "=", 1.5)
    assert parse_target("a.b.c==1.5") == ("a.b.c", "=", 1.5)
    assert parse_target(" a.b.c >= -2 ") == ("a.b.c", ">=", -2.0)
    assert parse_target("a.b.c<=1e-3") == ("a.b.c", "<=", 0.001)
    with pytest.raises(cc.UsageError, match="METRIC >= VALUE"):
        parse_target("a.b.c > 1")
    with pytest.raises(cc.UsageError, match=r"did you mean 1\?"):
        parse_target("a.b.c >= 1.0x")
    with pytest.raises(cc.UsageError, match=r"did you mean 0\.12\?"):
        parse_target("a.b.c = 12%")


def test_linear_metric_root_is_exact(sc: cc.Scenario) -> None:
    # lender cash in = 10 (1 + 2 r) = 12.5  <=>  r = 0.125; default bracket 0.1 ± 50%
    res = cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} = 12.5", paths=4)
    assert res.status == "found"
    assert res.bracket == pytest.approx((0.05, 0.15))
    assert res.root == pytest.approx(0.125, abs=1e-9)
    assert len(res.probes) <= 4
    for value, metric in res.probes:
        assert metric == pytest.approx(10 * (1 + 2 * value), abs=1e-9)
    frame = res.probes_frame()
    assert list(frame.columns) == ["value", "metric", "gap"]


def test_nonlinear_monotone_metric_root_within_tolerance(sc: cc.Scenario) -> None:
    # the lender's IRR on a bullet loan at nominal r is (1 + r/4)^4 - 1, effective annual
    goal = 0.12
    expected = 4 * ((1 + goal) ** 0.25 - 1)
    res = cc.solve(sc, "deals.loan.rate", f"deals.loan.parties.apollo.irr.p50 = {goal}",
                   paths=4, tol=1e-7)
    assert res.status == "found"
    assert res.root == pytest.approx(expected, abs=1e-6)
    a, b = res.final_bracket or (0.0, 0.0)
    assert a <= res.root <= b


def test_inequalities_report_where_they_hold(sc: cc.Scenario) -> None:
    up = cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} >= 12.5", paths=4,
                  bracket=(0.0, 0.2))
    assert up.status == "found" and up.root == pytest.approx(0.125, abs=1e-9)
    assert up.holds == "deals.loan.rate >= 0.125"
    # the lab's end cash falls with the rate: 1000-ish + 300 - 20 r
    base = cc.solve(sc, "deals.loan.rate", f"{LAB_CASH_END} = 0", paths=4, bracket=(0, 1))
    level = base.probes[0][1] - 20 * 0.4  # the end cash at r = 0.4
    down = cc.solve(sc, "deals.loan.rate", f"{LAB_CASH_END} >= {level!r}", paths=4,
                    bracket=(0.0, 1.0))
    assert down.status == "found" and down.root == pytest.approx(0.4, abs=1e-6)
    assert down.holds is not None and down.holds.startswith("deals.loan.rate <=")


def test_no_root_in_the_bracket_says_so_with_the_range(sc: cc.Scenario) -> None:
    res = cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} = 12.5", paths=4,
                   bracket=(0.0, 0.1))
    assert res.status == "no_root" and res.root is None
    assert res.metric_range == pytest.approx((10.0, 12.0), abs=1e-9)
    assert "ranges from 10 to 12" in res.message
    geq = cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} >= 9", paths=4, bracket=(0.0, 0.1))
    assert geq.status == "no_root" and geq.holds == "everywhere in the bracket"
    data = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert data["status"] == "no_root" and data["metric_range"] == [10.0, 12.0]


def test_bad_input_is_explained(sc: cc.Scenario) -> None:
    with pytest.raises(cc.UsageError, match=r"did you mean deals\.loan\.rate\?"):
        cc.solve(sc, "deals.loan.rat", f"{LENDER_CASH_IN} = 12", paths=4)
    with pytest.raises(cc.UsageError, match=r"did you mean deals\.loan"):
        cc.solve(sc, "deals.loan.rate", "deals.lon.parties.apollo.cash_in.mean = 12", paths=4)
    with pytest.raises(cc.UsageError, match="breaks a rule"):
        cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} = 12", paths=4, bracket=(0.5, 1.5))
    with pytest.raises(cc.UsageError, match="low below high"):
        cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} = 12", paths=4, bracket=(0.2, 0.1))
    with pytest.raises(cc.UsageError, match="fixed at 0"):
        cc.solve(sc, "parties.xai.compute.per_revenue", f"{LENDER_CASH_IN} = 12", paths=4)


def test_max_probes_bounds_the_work(sc: cc.Scenario) -> None:
    res = cc.solve(sc, "deals.loan.rate", "deals.loan.parties.apollo.irr.p50 = 0.12", paths=4,
                   tol=1e-12, max_probes=5)
    assert len(res.probes) == 5 and res.status == "found"
    assert "stopped after 5 probes" in res.message


def test_a_number_tied_to_others_is_refused_with_what_to_vary_instead() -> None:
    # an SPV's debt amount must add up with its equity to its amount: no bracket helps
    from pathlib import Path
    spv = cc.load_scenario(Path(__file__).parents[1] / "fixtures_credit" / "neocloud-spv.yaml")
    for vary in ("deals.gpu-spv.debt.amount", "deals.gpu-spv.amount",
                 "deals.gpu-spv.equity.sponsor"):
        with pytest.raises(cc.UsageError, match=r"is tied to .* by the rule 'must "
                           r"equal equity plus debt'.*cannot be varied alone; .*or vary a "
                           r"related number that is free: .*deals\.gpu-spv\.debt\.rate") as err:
            cc.solve(spv, vary, "deals.gpu-spv.parties.fund.loss.mean <= 0.01", paths=4)
        assert "bracket" not in str(err.value)
        free = str(err.value).split("that is free: ")[1]
        assert "deals.gpu-spv.amount" not in free and ".equity." not in free


def test_sensitivity_says_the_same_of_a_tied_number() -> None:
    # before: "... at 2.4 (±20%) breaks a rule: ...; use a smaller spread", which no spread fixes
    from pathlib import Path
    spv = cc.load_scenario(Path(__file__).parents[1] / "fixtures_credit" / "neocloud-spv.yaml")
    with pytest.raises(cc.UsageError, match=r"^sensitivity: deals\.gpu-spv\.debt\.amount is tied "
                       r"to deals\.gpu-spv\.amount and deals\.gpu-spv\.equity\.sponsor by the "
                       "rule 'must equal equity plus debt'") as err:
        cc.sensitivity(spv, "deals.gpu-spv.parties.fund.loss.mean", ["deals.gpu-spv.debt.amount"],
                       paths=4)
    assert "spread" not in str(err.value)
