"""The used-GPU value curve is one uncertain shape, in the loader's rules and in experiments.

Its points share one draw per path (`chipcredit.scenario.residual_curve`), so the loader
refuses a curve that rises with age at some quantile and a correlation on one point, and an
experiment that fixes one uncertain point fixes the whole curve at that point's quantile.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import chipcredit as cc
from chipcredit.errors import ScenarioError, UsageError
from chipcredit.experiments.parameters import choose_parameters
from chipcredit.experiments.runner import apply_numbers
from chipcredit.scenario.defaulted import moves_with
from chipcredit.scenario.residual_curve import CURVE, level_of

SC = cc.load_scenario("seed-2025")
POINTS = SC.market.hardware.residual_value_by_age
RISE = ("<scenario>: market.hardware.residual_value_by_age[3] must not rise with age: at quantile "
        "1 it is 0.75, above the 0.72 of market.hardware.residual_value_by_age[2] at the same "
        "quantile (the curve's points are drawn together, one quantile per path, so that path "
        "would see its GPUs gain value as they age); lower this point or raise the one before "
        "it; got 'triangular low=0.3 mode=0.45 high=0.75' (did you mean {low: 0.3, mode: 0.45, "
        "high: 0.72}?)")


def _data(**changes: Any) -> dict[str, Any]:
    data = SC.model_dump(mode="python", by_alias=True, exclude_none=True)
    data.update(changes)
    return data


def test_a_point_above_the_one_before_it_is_refused_with_the_lowered_range() -> None:
    with pytest.raises(ScenarioError) as caught:
        cc.set_number(SC, f"{CURVE}[3]", {"dist": "triangular", "low": 0.3, "mode": 0.45,
                                          "high": 0.75})
    assert str(caught.value) == RISE


def test_the_suggested_range_is_accepted() -> None:
    fixed = cc.set_number(SC, f"{CURVE}[3]", {"low": 0.3, "mode": 0.45, "high": 0.72})
    assert fixed.market.hardware.residual_value_by_age[3].high == 0.72


def test_a_fixed_point_above_an_uncertain_one_before_it_is_refused_at_quantile_0() -> None:
    # point 4 fixed at 0.31 after point 3's low of 0.3: the paths at the bottom of the curve
    with pytest.raises(ScenarioError) as caught:
        cc.set_number(SC, f"{CURVE}[4]", 0.31)
    assert str(caught.value).startswith(
        "<scenario>: market.hardware.residual_value_by_age[4] must not rise with age: at "
        "quantile 0 it is 0.31, above the 0.3 of market.hardware.residual_value_by_age[3] ")
    assert str(caught.value).endswith("; got '0.31'")  # no suggestion across two forms


def test_a_correlation_on_the_whole_curve_of_fixed_points_is_refused() -> None:
    data = _data(correlations=[{"a": CURVE, "b": "parties.openai.revenue.growth.from",
                                "rho": 0.5}])
    data["market"]["hardware"]["residual_value_by_age"] = [1.0, 0.6, 0.4]
    with pytest.raises(ScenarioError) as caught:
        cc.load_scenario(data)
    assert str(caught.value) == (
        "<scenario>: correlations[0].a must name an uncertain number (a fixed one cannot be "
        "correlated); got 'market.hardware.residual_value_by_age'")


def test_fixing_one_point_fixes_the_curve_at_its_quantile() -> None:
    p05 = float(POINTS[5].ppf(np.array([0.05]))[0])
    variant = apply_numbers(SC, {f"{CURVE}[5]": p05})
    got = variant.market.hardware.residual_value_by_age
    assert level_of(POINTS[5], p05) == pytest.approx(0.05, abs=1e-12)
    assert got[5].value == p05
    assert got[0].value == 1.0  # a fixed point stays as written
    for k in (1, 2, 3, 4, 6):
        assert got[k].dist == "fixed"
        assert got[k].value == pytest.approx(float(POINTS[k].ppf(np.array([0.05]))[0]),
                                             abs=1e-12)


def test_fixing_a_point_drops_a_correlation_on_the_curve() -> None:
    other = "parties.openai.revenue.growth.from"
    sc = cc.load_scenario(_data(correlations=[{"a": CURVE, "b": other, "rho": 0.5}]))
    variant = apply_numbers(sc, {f"{CURVE}[2]": 0.6})
    assert variant.correlations == ()


def test_a_default_analysis_varies_the_curve_once() -> None:
    params, notes = choose_parameters(SC, None)
    paths = [p.path for p in params]
    assert [p for p in paths if p.startswith(CURVE)] == [f"{CURVE}[1]"]
    assert (f"{CURVE}[1] stands for the whole used-GPU value curve: the other points are "
            "not varied on their own") in notes
    assert (f"{CURVE}[1] is a point of the used-GPU value curve, whose points are drawn "
            "together: fixing it fixes the curve's other uncertain points at the same "
            "quantile") in notes
    assert moves_with(SC, f"{CURVE}[0]") == []  # a fixed point fixes nothing else


def test_a_curve_point_that_moves_the_leases_point_says_it_sets_the_lease_too() -> None:
    """seed-2025's Colossus 2 lease (5 years, no residual written) reads the curve at age 5;
    fixing age 1 fixes age 5 at the same quantile, so the lease's residual moves with it."""
    seed = cc.load_scenario("seed-2025")
    lease = "deals.colossus2-spv.lease.residual"
    assert moves_with(seed, f"{CURVE}[1]")[0] == (
        f"{CURVE}[1] also sets {lease} (not written in the scenario) through {CURVE}[5], drawn "
        "with it: the rent and the purchase price move with it; write lease.residual to hold "
        f"it fixed, or vary {lease} to move the contract alone")
    assert moves_with(seed, f"{CURVE}[5]")[0].startswith(f"{CURVE}[5] also sets {lease} (not")
    # with the residual written, no point moves the contract
    held = cc.set_number(seed, lease, 0.2)
    assert not any("also sets" in n for n in moves_with(held, f"{CURVE}[1]"))
    # and the default tornado says it of the curve's one row
    _, notes = choose_parameters(seed, None)
    assert f"{CURVE}[1] also sets {lease} (not written in the scenario) through" in " ".join(notes)


def test_two_points_of_the_curve_are_refused_as_parameters() -> None:
    with pytest.raises(UsageError) as caught:
        choose_parameters(SC, [f"{CURVE}[2]", "market.rates.base", f"{CURVE}[5]"])
    assert str(caught.value) == (
        f"name one uncertain point of {CURVE}, not 2 ({CURVE}[2], {CURVE}[5]): its points are "
        "drawn together, so fixing one fixes the others at the same quantile")
