"""A bundled number labelled ``basis: fact`` is a sourced figure, or one derived from sourced
figures by the arithmetic its source states (docs/design.md section 2a; the legend of the
report's assumptions): no part of it, an end or a mode of its range included, is a judgement.
A source text that itself calls part of the number assumed, unsourced or widened, with the
number labelled fact, is the mislabel an analyst review found (an assumed spread round a
sourced point, shown as fact)."""

from __future__ import annotations

import re

import pytest

import chipcredit as cc

JUDGEMENT = re.compile(r"\b(assumed|assume|assumption|not sourced|unsourced|widened|judgement)\b",
                       re.IGNORECASE)
"""Words by which a source text says that part of its number is a judgement."""


@pytest.mark.parametrize("name", cc.bundled_names())
def test_no_fact_says_it_is_partly_assumed(name: str) -> None:
    wrong = [f"{path}: {number.source}" for path, number in cc.parameter_paths(cc.load_scenario(name)).items()
             if number.basis == "fact" and JUDGEMENT.search(number.source or "")]
    assert not wrong, "labelled fact, but the source says part is a judgement:\n" + "\n".join(wrong)


@pytest.mark.parametrize("path", [
    "parties.amd.choice.performance_per_unit",     # source 0.43-0.67; 0.45-0.9 is assumed
    "parties.amd.content_per_unit",                # an analyst estimate; its ends are not sourced
    "market.hardware.residual_value_by_age[3]",    # only 0.67 is sourced
    "parties.openai.revenue.growth.from",          # the mode is fitted to a projection
    "parties.nvidia.gross_margin",                 # 0.74 is derived; the spread is not
])
def test_the_reviewed_spreads_are_assumed(path: str) -> None:
    number = cc.parameter_paths(cc.load_scenario("seed-2025"))[path]
    assert number.basis == "assumed" and number.dist != "fixed"
    assert "assumed" in (number.source or "")  # the source says which part


def test_the_word_test_catches_a_fact_with_an_assumed_end() -> None:
    assert JUDGEMENT.search("the high end of 38 is not sourced: assumed headroom")
    assert JUDGEMENT.search("range widened for the uncertain inputs")
    assert not JUDGEMENT.search("derived: $7.5B equity less Nvidia's $2B")
