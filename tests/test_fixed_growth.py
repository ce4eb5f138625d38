"""A lab's fixed costs: one constant growth rate, or a growth path decaying as revenue's does.

The golden worlds have a lab with no revenue and no compute, so its operating costs are its
fixed costs alone: ``fixed_per_year / 4`` times the growth factor, paid at the end of each
quarter (trace time ``q + 1``). Every expected number is written out by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.deals._build import FLAT, lab, scenario, vendor
from tests.scenario.conftest import BASE

import chipcredit as cc
from chipcredit.engine.run import trace_path
from chipcredit.errors import ScenarioError
from chipcredit.scenario import load_scenario
from chipcredit.scenario.base import GrowthPath
from chipcredit.scenario.parties import Lab


def _fixed_costs(fixed_growth: Any, quarters: int = 6) -> list[float]:
    """The lab's operating costs by quarter, $B, on the deterministic base case."""
    spec = lab(revenue={"run_rate": 0.0, "growth": dict(FLAT)},
               costs={"fixed_per_year": 40.0, "fixed_growth": fixed_growth})
    sc = cc.load_scenario(scenario([vendor(), spec], horizon=quarters))
    _, trace = trace_path(sc, 1, 0, 0, deterministic=True)
    lines = [t for t in trace if t.kind == "operating_costs"]
    assert [t.time for t in lines] == list(range(1, quarters + 1))
    return [t.amount for t in lines]


def test_a_growth_path_decays_quarter_by_quarter() -> None:
    # from 1.0 to 0 with a quarter's half-life: g(k) = 0.5^k in quarter k (1, 0.5, 0.25,
    # 0.125, 0.0625). Quarter q's costs grow by a quarter at each earlier quarter's rate:
    #   q0: 10
    #   q1: 10 x 2^0.25                              = 10 x 2^0.25
    #   q2: 10 x (2 x 1.5)^0.25                      = 10 x 3^0.25
    #   q3: 10 x (3 x 1.25)^0.25                     = 10 x 3.75^0.25
    #   q4: 10 x (3.75 x 1.125)^0.25                 = 10 x 4.21875^0.25
    #   q5: 10 x (4.21875 x 1.0625)^0.25             = 10 x 4.482421875^0.25
    expected = [10.0, 11.892071150027210, 13.160740129524925, 13.915788418568702,
                14.331641883065503, 14.550508876820391]
    assert _fixed_costs({"from": 1.0, "to": 0.0, "half_life_years": 0.25}) == pytest.approx(
        expected, rel=1e-14)


def test_a_growth_path_settles_at_its_end_rate() -> None:
    # from 3 to 0.5 with a half-life of 0.001 years: after the first quarter the rate is 0.5
    # to within 0.5^250; q0: 10, q1: 10 x 4^0.25 = 14.142135623730951, then x 1.5^0.25 each
    got = _fixed_costs({"from": 3.0, "to": 0.5, "half_life_years": 0.001}, quarters=4)
    assert got == pytest.approx([10.0, 14.142135623730951, 14.142135623730951 * 1.5**0.25,
                                 14.142135623730951 * 1.5**0.5], rel=1e-12)


def test_the_number_form_is_a_constant_rate() -> None:
    # 1.0 a year: 10 x 2^(q/4) -> 10, 11.892, 14.142, 16.818, 20, 23.784
    assert _fixed_costs(1.0) == pytest.approx(
        [10.0, 11.892071150027210, 14.142135623730951, 16.817928305074290, 20.0,
         23.784142300054421], rel=1e-14)


@pytest.mark.parametrize("rate", [0.0, 0.3, -0.2, 2.5])
def test_a_flat_growth_path_is_the_number_form(rate: float) -> None:
    flat = _fixed_costs({"from": rate, "to": rate, "half_life_years": 1.0}, quarters=12)
    assert flat == pytest.approx(_fixed_costs(rate, quarters=12), rel=1e-13)


def test_the_path_is_loaded_as_a_growth_path_and_addressed_by_its_fields() -> None:
    sc = cc.parse_scenario_text(_with_fixed_growth("{from: 0.8, to: {low: 0.05, high: 0.2}, "
                                          "half_life_years: 1.5}"))
    xai = sc.parties[1]
    assert isinstance(xai, Lab) and isinstance(xai.costs.fixed_growth, GrowthPath)
    paths = cc.parameter_paths(sc)
    assert paths["parties.xai.costs.fixed_growth.to"].support() == (0.05, 0.2)
    edited = cc.set_number(sc, "parties.xai.costs.fixed_growth.from", 0.6)
    assert cc.parameter_paths(edited)["parties.xai.costs.fixed_growth.from"].median() == 0.6


def test_start_and_end_name_a_growth_path_as_from_and_to_do() -> None:
    # the names every growth path takes (revenue.growth too): the same path, the same costs
    text = "{%s: 0.8, %s: {low: 0.05, high: 0.2}, half_life_years: 1.5}"
    named = {names: cc.parse_scenario_text(_with_fixed_growth(text % names)).parties[1]
             for names in (("from", "to"), ("start", "end"))}
    by_alias, by_name = named[("from", "to")], named[("start", "end")]
    assert isinstance(by_alias, Lab) and isinstance(by_name, Lab)
    assert isinstance(by_name.costs.fixed_growth, GrowthPath)
    assert by_name.costs.fixed_growth == by_alias.costs.fixed_growth
    # 1.0 a year for a quarter's half-life, as in the first test: 10, then 10 x 2^0.25
    assert _fixed_costs({"start": 1.0, "end": 0.0, "half_life_years": 0.25}, quarters=2) == \
        pytest.approx([10.0, 11.892071150027210], rel=1e-14)


# -- validation: the same errors as revenue growth -------------------------------------------


def _with_fixed_growth(text: str) -> str:
    anchor = "      success: {base: 1.0}\n"
    assert anchor in BASE
    return BASE.replace(anchor, f"{anchor}    costs: {{fixed_per_year: 2, fixed_growth: {text}}}\n")


GROWTH_RULE = ("must be above -1 and below 10 (effective annual: 1.0 doubles in a year; the "
               "fastest sourced growths are 2 to 4)")


def _growth_path_slips(start: str, end: str, name: str, *, percent_at: int,
                       typo_at: int) -> list[Any]:
    """A growth path written with the keys ``start`` and ``end`` (from and to, or their
    Python names) and each of three slips: a percent for a fraction (the problem at column
    ``percent_at`` of line 30), no half-life, and a misspelt half-life (column ``typo_at``)."""
    at = "30:{}: parties[1].costs.fixed_growth"
    return [
        pytest.param(f"{{{start}: 80, {end}: 0.1, half_life_years: 1.5}}",
                     f"{at.format(percent_at)}.{start} {GROWTH_RULE}; got 80 (did you mean 0.8?)",
                     id=f"{name}-percent"),
        pytest.param(f"{{{start}: 0.8, {end}: 0.1}}",
                     f"{at.format(46)}.half_life_years is required", id=f"{name}-missing"),
        pytest.param(f"{{{start}: 0.8, {end}: 0.1, half_life: 1.5}}",
                     f"{at.format(typo_at)}.half_life is not a known field "
                     "(did you mean half_life_years?)", id=f"{name}-typo"),
    ]


@pytest.mark.parametrize(("value", "expected"), [
    *_growth_path_slips("from", "to", "path", percent_at=53, typo_at=67),
    pytest.param("{from: 0.8, to: 0.1, half_life_years: 0}",
                 "30:84: parties[1].costs.fixed_growth.half_life_years must be above 0; got 0",
                 id="path-half-life-zero"),
    # ``start`` and ``end``, GrowthPath's Python names for from and to, make a growth path
    # here as in revenue.growth (they were read as an uncertain number: "start is not a
    # known field", "end is not a known field")
    *_growth_path_slips("start", "end", "path-python-names", percent_at=54, typo_at=69),
    pytest.param("30", f"30:46: parties[1].costs.fixed_growth {GROWTH_RULE}; got 30 "
                 "(did you mean 0.3?)", id="number-percent"),
    pytest.param("{value: 0.3, sorce: x}",
                 "30:59: parties[1].costs.fixed_growth.sorce is not a known field "
                 "(did you mean source?)", id="number-typo"),
])
def test_a_bad_fixed_growth_gives_one_exact_line(tmp_path: Path, value: str, expected: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(_with_fixed_growth(value), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert str(err.value) == f"{path}:{expected}"


@pytest.mark.parametrize("name", ["seed-2025", "seed-2025-sell-only"])
def test_the_bundled_labs_overhead_slows_to_at_most_their_revenue_growth(name: str) -> None:
    # seed-2025's calibration: overhead grows fast now (hiring) and, once mature, no faster
    # than revenue; a constant rate would compound for ever past revenue
    labs = {p.id: p for p in cc.load_scenario(name).parties
            if isinstance(p, Lab) and p.id in ("openai", "xai")}
    assert len(labs) == 2
    for lab_spec in labs.values():
        growth = lab_spec.costs.fixed_growth
        assert isinstance(growth, GrowthPath), lab_spec.id
        assert growth.start.median() > growth.end.median()
        assert growth.end.support()[1] <= lab_spec.revenue.growth.end.support()[1]
        assert growth.end.median() <= lab_spec.revenue.growth.end.median()
