"""What `solve` prints and records: a root on the side where its target holds, probes that
read as what they are, the rate convention, P(loss > 0) targets and the share of paths a
statistic is taken over."""

from __future__ import annotations

import io
import json
import warnings
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

import chipcredit as cc
from chipcredit.analytics.query import metric_value
from chipcredit.cli.solve import probes_table
from chipcredit.experiments.digits import decimals, significant, toward

from ._world import LENDER_CASH_IN, world


def _cash_in(sc: cc.Scenario, rate: float) -> float:
    """The lender's cash in with the rate at ``rate``, from a run of its own."""
    res = cc.simulate(cc.set_number(sc, "deals.loan.rate", rate), paths=4, seed=0)
    return metric_value(res, LENDER_CASH_IN)


@pytest.mark.parametrize(("op", "boundary"), [(">=", 0.1234563), ("<=", 0.1234567)])
def test_the_printed_root_lies_where_the_target_holds(op: str, boundary: float) -> None:
    # cash in = 10 (1 + 2 r): the boundary's nearest six digits (0.123456 for >=, 0.123457
    # for <=) lie on the side where the target fails; the root printed does not
    sc = world()
    goal = 10 * (1 + 2 * boundary)
    res = cc.solve(sc, "deals.loan.rate", f"{LENDER_CASH_IN} {op} {goal!r}", paths=4,
                   bracket=(0.0, 0.2), tol=1e-9)
    assert res.status == "found" and res.shown is not None
    holds = (lambda m: m >= goal) if op == ">=" else (lambda m: m <= goal)
    assert holds(_cash_in(sc, float(res.shown)))
    assert not holds(_cash_in(sc, float(f"{res.root:.6g}")))  # what it printed before
    assert res.holds == f"deals.loan.rate {op} {res.shown}"
    # as many digits as tell the final bracket's ends apart, rounded toward where it holds
    assert res.root is not None and res.final_bracket is not None
    digits = significant(list(res.final_bracket))
    assert res.shown == toward(res.root, up=op == ">=", digits=digits)
    assert f"toward where it holds, from {res.root!r}" in res.message
    assert res.to_dict()["root_shown"] == res.shown


def test_a_rate_varied_is_named_nominal_with_its_effective_equivalent() -> None:
    res = cc.solve(world(), "deals.loan.rate", f"{LENDER_CASH_IN} >= 12.5", paths=4,
                   bracket=(0.0, 0.2))
    r = float(res.shown)  # type: ignore[arg-type]
    effective = (1 + r / 4) ** 4 - 1
    assert (f"deals.loan.rate is a nominal annual rate, compounded quarterly (docs/design.md "
            f"section 2a): {r:.6g} is {r / 4:.6g} a quarter, {effective:.4%} a year effective "
            "((1 + r/4)^4 - 1, the convention of IRRs)") in res.notes
    cash = cc.solve(world(), "parties.xai.cash", f"{LENDER_CASH_IN} >= 12.5", paths=4)
    assert not any("nominal annual" in n for n in cash.notes)  # money is no rate


def test_probes_print_on_their_own_side_and_apart() -> None:
    # the review's probes: -1.29e-05 read "0.0000" against >= 0, two values read 0.116701
    assert decimals([-1.29e-05, 0.03], 0.0) == 5
    assert float(f"{-1.29e-05:.5f}") < 0
    assert significant([0.1167012, 0.1167014, 0.2]) == 7
    res = cc.SolveResult(
        scenario="s", vary="v", metric="m", op=">=", target=0.0, status="found",
        root=0.1167014, bracket=(0.1, 0.2), final_bracket=(0.1167012, 0.1167014),
        probes=((0.1, 0.03), (0.1167012, -1.29e-05), (0.1167014, 2e-06)),
        metric_range=(-1.29e-05, 0.03), holds="v >= 0.116702", message="", notes=(),
        paths=10, seed=0, tol=1e-3, elapsed_seconds=0.0, nan_shares=(0.1, 0.2, 0.25))
    out = io.StringIO()
    Console(file=out, width=120).print(probes_table(res))
    rows = [line.split("│")[1:-1] for line in out.getvalue().splitlines() if "│" in line]
    cells = [[c.strip() for c in row] for row in rows if row[0].strip().isdigit()]
    assert [c[1] for c in cells] == ["0.1", "0.1167012", "0.1167014"]
    assert [c[2] for c in cells] == ["0.030000", "-0.000013", "0.000002"]
    assert [c[3] for c in cells] == ["+0.030000", "-0.000013", "+0.000002"]
    assert [c[4] for c in cells] == ["10.0%", "20.0%", "25.0%"]


@pytest.fixture(scope="module")
def seed() -> cc.Scenario:
    return cc.load_scenario("seed-2025")


VARY = "deals.colossus2-spv.debt.rate"


def _run_at(sc: cc.Scenario, x: float) -> cc.Result:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.simulate(cc.set_number(sc, VARY, {"value": x}), paths=120, seed=7)


def test_a_p_positive_target_is_the_run_tables_p_loss(seed: cc.Scenario) -> None:
    target = "deals.colossus2-spv.parties.colossus2-lenders.loss.p_positive <= 0.2"
    res = cc.solve(seed, VARY, target, paths=120, seed=7, bracket=(0.08, 0.14), max_probes=3)
    for x, metric in res.probes:  # P(loss > 0) as `chipcredit run` counts it, by hand
        loss = _run_at(seed, x).outcome("colossus2-spv", "colossus2-lenders", "loss")
        assert metric == float((loss > 0).mean())
    assert res.nan_shares == (None,) * len(res.probes)
    with pytest.raises(cc.UsageError, match=r"^target value must be between 0 and 1, the range "
                       r"of .*loss\.p_positive \(a share of paths\); got 20 \(did you mean 0\.2\?\)$"):
        cc.solve(seed, VARY, target.replace("0.2", "20"), paths=120, seed=7)
    with pytest.raises(cc.UsageError, match=r"has no 'lsos' \(did you mean .*\.loss\?\)"):
        cc.solve(seed, VARY, target.replace(".loss.", ".lsos."), paths=120, seed=7,
                 bracket=(0.08, 0.14), max_probes=3)
    # a misspelt statistic is told that p_positive exists (it was listed as mean, p05, p50, p95)
    with pytest.raises(cc.UsageError, match=r"has no 'p_positiv' \(did you mean "
                       r"deals\.colossus2-spv\.parties\.colossus2-lenders\.loss\.p_positive\?\); it has "
                       r"mean, mean_se, p05, p50, p95, p_positive$"):
        cc.solve(seed, VARY, target.replace("p_positive", "p_positiv"), paths=120, seed=7,
                 bracket=(0.08, 0.14), max_probes=3)


def test_a_median_over_some_paths_shows_their_share(seed: cc.Scenario) -> None:
    metric = "deals.colossus2-spv.parties.nvidia.moic.p50"
    res = cc.solve(seed, VARY, f"{metric} >= 1", paths=120, seed=7, bracket=(0.08, 0.14),
                   max_probes=3)
    shares = []
    for x, _ in res.probes:
        moic = _run_at(seed, x).outcome("colossus2-spv", "nvidia", "moic")
        shares.append(float(np.mean(~np.isfinite(moic))))
    assert res.nan_shares == tuple(shares) and min(shares) > 0  # the SPV does not always close
    record = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert [p["nan_share"] for p in record["probes"]] == shares
    assert list(res.probes_frame()["nan_share"]) == shares
    ordered = sorted(zip((x for x, _ in res.probes), shares, strict=True))
    where = (f"{ordered[0][1]:.1%} of the paths at every probe"
             if len(set(shares)) == 1 else
             f"{ordered[0][1]:.1%} of the paths at {VARY} = {ordered[0][0]:.6g} and "
             f"{ordered[-1][1]:.1%} at {ordered[-1][0]:.6g}")
    assert (f"deals.colossus2-spv.parties.nvidia.moic has no value on {where}, so its p50 is "
            "taken over the others, a set of paths that may move with the value (nan_share in "
            "the probe table and the JSON)") in res.notes


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).filter(lambda v: v != 0),
       st.integers(min_value=1, max_value=12))
def test_toward_rounds_onto_its_side_by_less_than_one_last_digit(x: float, digits: int) -> None:
    up, down = Decimal(toward(x, True, digits)), Decimal(toward(x, False, digits))
    exact = Decimal(x)
    assert down <= exact <= up
    step = Decimal(1).scaleb(exact.adjusted() - (digits - 1))
    assert up - down <= step  # the two neighbours at that digit (equal when x has few digits)


@given(st.lists(st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), min_size=1,
                max_size=6),
       st.floats(min_value=-1e3, max_value=1e3, allow_nan=False))
def test_decimals_keep_every_value_on_its_side_and_apart(values: list[float], goal: float) -> None:
    places = decimals(values, goal)
    if places is None:  # some value within 1e-15 of the goal or of another: printed in full
        return
    shown = [f"{v:.{places}f}" for v in values]
    for text, v in zip(shown, values, strict=True):
        assert (float(text) > goal) == (v > goal) and (float(text) < goal) == (v < goal)
    assert len(set(shown)) == len(set(values))
