"""A number's "did you mean" is always a number the same field accepts.

The hints of `chipcredit.scenario.number` guess what was meant: a percent written as a number
(``rate: 11``, ``discount_rate: 8``, growth ``from: 150``), a bounded number written as an
unbounded p05/p95 range, a map that mixes two forms. A guess the field then refuses would
send the user round in a circle, so each property below feeds the hint back in.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from chipcredit.scenario.number import DiscountRate, Fraction, Growth, Number, Rate

TYPES = {"Rate": Rate, "Fraction": Fraction, "Growth": Growth, "DiscountRate": DiscountRate}
ADAPTERS = {name: TypeAdapter(kind) for name, kind in TYPES.items()}
_values = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False).map(lambda x: round(x, 3))


def _suggestion(adapter: TypeAdapter[Any], raw: object) -> str | None:
    """The hint of the first error, or None when the value is accepted or has no hint."""
    try:
        adapter.validate_python(raw)
    except ValidationError as err:
        ctx = err.errors()[0].get("ctx") or {}
        return ctx.get("suggestion")
    return None


@given(st.sampled_from(sorted(TYPES)), _values)
def test_a_percent_hint_is_accepted(name: str, value: float) -> None:
    hint = _suggestion(ADAPTERS[name], value)
    if hint is not None:
        assert abs(float(hint) - value / 100) <= 1e-9 * abs(value / 100)
        ADAPTERS[name].validate_python(float(hint))  # raises if the hint is refused


@given(st.sampled_from(sorted(TYPES)), _values, _values)
def test_a_range_hint_is_accepted(name: str, a: float, b: float) -> None:
    if a == b:
        return
    low, high = min(a, b), max(a, b)
    for raw in ({"low": low, "high": high}, {"dist": "normal", "p05": low, "p95": high}):
        hint = _suggestion(ADAPTERS[name], raw)
        if hint is not None:
            meant = yaml.safe_load(hint.split(", or ")[0])  # "{...}, or dist: triangular .."
            ADAPTERS[name].validate_python(meant)


def test_the_percent_hints_by_type() -> None:
    """Hand-picked: the reviewer's cases and the edges of each type's bounds."""
    assert _suggestion(ADAPTERS["DiscountRate"], 8) == "0.08"
    assert _suggestion(ADAPTERS["DiscountRate"], 0.08) is None  # accepted
    assert _suggestion(ADAPTERS["DiscountRate"], 150) is None  # 1.5 would be refused too
    assert _suggestion(ADAPTERS["Growth"], 150) == "1.5"
    assert _suggestion(ADAPTERS["Growth"], -50) == "-0.5"
    assert _suggestion(ADAPTERS["Growth"], -100) is None  # -1 is not above -1
    assert _suggestion(ADAPTERS["Growth"], 20000) is None  # 200 is above 100 too
    assert _suggestion(ADAPTERS["Rate"], 11) == "0.11"
    assert _suggestion(ADAPTERS["Fraction"], 1.5) is None  # a share of 1.5 is a slip


@given(st.sampled_from(["p05", "p95"]), st.floats(0.1, 10), st.floats(0.1, 10), st.floats(0.1, 10))
def test_a_mixed_map_names_the_stray_key_and_hints_the_number_without_it(
        stray: str, low: float, span: float, extra: float) -> None:
    raw = {"low": low, "high": low + span, stray: extra}
    hint = _suggestion(TypeAdapter(Number), raw)
    assert hint is not None
    try:
        Number.model_validate(raw)
    except ValidationError as err:
        assert f"{stray!r} is stray" in str(err)
    meant = yaml.safe_load(hint)
    assert Number.model_validate(meant) == Number.model_validate({"low": low, "high": low + span})
