"""A loaded scenario cannot change: lists are tuples, maps refuse changes, copies are checked.

A result refers to the scenario it ran and carries its sha256; a scenario changed in place
after the run would leave the result describing a model that was never run.
"""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import chipcredit as cc
from chipcredit.errors import ScenarioError
from chipcredit.scenario.base import FrozenMap
from chipcredit.scenario.clouds import Cloud
from chipcredit.scenario.deals import SpvLease
from chipcredit.scenario.parties import Lab
from chipcredit.scenario.paths import parameter_paths, set_number

from .conftest import BASE


@pytest.fixture(scope="module")
def sc() -> cc.Scenario:
    return cc.load_scenario("seed-2025")


def _lab(sc: cc.Scenario) -> Lab:
    return next(p for p in sc.parties if isinstance(p, Lab) and p.renting)


def _cloud(sc: cc.Scenario) -> Cloud:
    return next(p for p in sc.parties if isinstance(p, Cloud) and p.debt)


LIST_CHANGES: list[tuple[str, Callable[[Any], Any]]] = [
    ("pop", lambda xs: xs.pop(0)),
    ("append", lambda xs: xs.append(xs[0])),
    ("extend", lambda xs: xs.extend(xs)),
    ("insert", lambda xs: xs.insert(0, xs[0])),
    ("clear", lambda xs: xs.clear()),
    ("sort", lambda xs: xs.sort()),
    ("item assignment", lambda xs: xs.__setitem__(0, xs[0])),
    ("item deletion", lambda xs: xs.__delitem__(0)),
]
"""Every way to change a list in place: each must fail on a tuple."""

LISTS: list[tuple[str, Callable[[cc.Scenario], Any]]] = [
    ("parties", lambda s: s.parties),
    ("deals", lambda s: s.deals),
    ("residual_value_by_age", lambda s: s.market.hardware.residual_value_by_age),
    ("cloud debt", lambda s: _cloud(s).debt),
]


@pytest.mark.parametrize(("what", "get"), LISTS, ids=[w for w, _ in LISTS])
@pytest.mark.parametrize(("how", "change"), LIST_CHANGES, ids=[h for h, _ in LIST_CHANGES])
def test_a_list_in_a_scenario_cannot_be_changed(sc: cc.Scenario, what: str, get: Any,
                                                how: str, change: Any) -> None:
    items = get(sc)
    before = list(items)
    with pytest.raises((AttributeError, TypeError)):
        change(items)
    assert list(get(sc)) == before


MAP_CHANGES: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("item assignment", lambda m: m.__setitem__("x", next(iter(m.values())))),
    ("item deletion", lambda m: m.__delitem__(next(iter(m)))),
    ("pop", lambda m: m.pop(next(iter(m)))),
    ("popitem", lambda m: m.popitem()),
    ("clear", lambda m: m.clear()),
    ("update", lambda m: m.update({})),
    ("setdefault", lambda m: m.setdefault("x")),
    ("in-place or", lambda m: m.__ior__({})),
]


@pytest.mark.parametrize(("how", "change"), MAP_CHANGES, ids=[h for h, _ in MAP_CHANGES])
def test_a_map_in_a_scenario_cannot_be_changed(sc: cc.Scenario, how: str, change: Any) -> None:
    spv = next(d for d in sc.deals if isinstance(d, SpvLease))
    for shares in (_lab(sc).procurement, _lab(sc).renting, spv.equity):
        before = dict(shares)
        with pytest.raises(TypeError, match=r"use chipcredit\.set_number"):
            change(shares)
        assert dict(shares) == before


def test_a_field_cannot_be_assigned(sc: cc.Scenario) -> None:
    with pytest.raises(ValidationError, match="frozen"):
        sc.horizon_quarters = 8  # type: ignore[misc]
    with pytest.raises(ValidationError, match="frozen"):
        sc.deals[0].start = "2026Q1"  # type: ignore[misc]


def test_the_reviewers_case_leaves_the_result_sound(sc: cc.Scenario) -> None:
    r0 = cc.simulate(sc, paths=20, seed=1, deterministic=True)
    with pytest.raises(AttributeError):
        sc.deals.pop(0)  # type: ignore[attr-defined]
    r1 = cc.simulate(sc, paths=20, seed=1, deterministic=True)
    assert r0.scenario_sha256 == r1.scenario_sha256
    assert r0.to_json() == r1.to_json()  # raised KeyError 'colossus2-spv' when the pop worked


def test_lists_are_taken_as_input_and_stored_as_tuples() -> None:
    sc = cc.parse_scenario_text(BASE)
    assert isinstance(sc.parties, tuple)
    assert isinstance(sc.market.hardware.residual_value_by_age, tuple)
    assert [n.value for n in sc.market.hardware.residual_value_by_age] == [1.0, 0.65, 0.45, 0.3]
    assert type(sc.party("xai").procurement) is FrozenMap  # type: ignore[union-attr]
    # the plain forms are unchanged: JSON lists and objects, the same YAML
    data = sc.model_dump(mode="json")
    assert isinstance(data["parties"], list)
    assert isinstance(data["parties"][1]["procurement"], dict)
    assert _same(cc.load_scenario(data), sc)
    assert _same(cc.parse_scenario_text(cc.load_scenario(data).source_text), sc)


def test_pickle_and_deep_copy_keep_the_scenario(sc: cc.Scenario) -> None:
    for twin in (pickle.loads(pickle.dumps(sc)), copy.deepcopy(sc), copy.copy(sc)):
        assert twin == sc
        assert type(_lab(twin).procurement) is FrozenMap
        assert twin.source_text == sc.source_text
        with pytest.raises(TypeError):
            _lab(twin).renting.clear()


def test_set_number_is_the_checked_way_to_edit(sc: cc.Scenario) -> None:
    lab = _lab(sc)
    cloud = next(iter(lab.renting))
    path = f"parties.{lab.id}.renting.{cloud}"
    edited = set_number(sc, path, 0.125)
    assert edited.party(lab.id).renting[cloud].value == 0.125  # type: ignore[union-attr]
    assert lab.renting[cloud].value != 0.125  # the original is untouched
    # the oldest point, at or below the range before it (the curve may not rise with age)
    aged = set_number(sc, "market.hardware.residual_value_by_age[6]", 0.05)
    ages = [n.value for n in aged.market.hardware.residual_value_by_age]
    assert ages[6] == 0.05
    assert isinstance(aged.market.hardware.residual_value_by_age, tuple)
    assert list(parameter_paths(aged)) == list(parameter_paths(sc))  # the same addresses


def test_model_copy_with_update_is_checked_like_input(sc: cc.Scenario) -> None:
    with pytest.raises(ScenarioError, match=r"^<scenario>: horizon_quarters must be at least 1; "
                                            r"got -3$"):
        sc.model_copy(update={"horizon_quarters": -3})
    with pytest.raises(ScenarioError, match="names no party"):  # the checks across fields too
        sc.model_copy(update={"parties": [p for p in sc.parties if p.id != "nvidia"]})
    shorter = sc.model_copy(update={"horizon_quarters": 30, "correlations": []})
    assert shorter.horizon_quarters == 30
    assert shorter.correlations == ()
    assert sc.model_copy() == sc  # no update: the same fields and source
    deal = sc.deals[0]
    with pytest.raises(ValidationError):
        deal.model_copy(update={"start": "soon"})
    assert deal.model_copy(update={"start": "2026Q2"}).start == "2026Q2"


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(cc.bundled_names()), st.data())
def test_a_set_number_copy_keeps_every_other_number(name: str, data: st.DataObject) -> None:
    sc = _bundled(name)
    numbers = parameter_paths(sc)
    path = data.draw(st.sampled_from(sorted(p for p, n in numbers.items() if not n.is_uncertain)))
    edited = set_number(sc, path, numbers[path].model_dump(exclude_none=True))
    assert _same(edited, sc)  # the same number written back: nothing else moved
    assert parameter_paths(edited) == numbers


_CACHE: dict[str, cc.Scenario] = {}


def _bundled(name: str) -> cc.Scenario:
    if name not in _CACHE:
        _CACHE[name] = cc.load_scenario(name)
    return _CACHE[name]


def _same(a: cc.Scenario, b: cc.Scenario) -> bool:
    """The same model (a copy built from data has no source text, so == would differ)."""
    return a.model_dump() == b.model_dump()
