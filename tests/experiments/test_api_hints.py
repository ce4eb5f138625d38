"""The experiment functions take a scenario the way `simulate` does (a `Scenario`, a bundled
name or a path, `os.PathLike` included), and say so in their type hints."""

from __future__ import annotations

import os
import typing

import pytest

import chipcredit as cc


@pytest.mark.parametrize("function", [cc.simulate, cc.sensitivity, cc.solve, cc.stress,
                                      cc.compare])
def test_the_scenario_hint_takes_a_path(function: typing.Any) -> None:
    hint = typing.get_type_hints(function)["scenario" if "scenario" in
                                           typing.get_type_hints(function) else "a"]
    assert os.PathLike[str] in typing.get_args(hint), (function.__name__, hint)
    assert cc.Scenario in typing.get_args(hint) and str in typing.get_args(hint)


def test_cashflows_points_to_the_one_resimulation_calls() -> None:
    doc = cc.Result.cashflows.__doc__ or ""
    assert "`schedules_and_debt`" in doc and "`schedules`" in doc
