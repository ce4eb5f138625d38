"""The deals table's IRR cells for percentiles beyond the bracket, and shares of paths that
never round to 0.0% or 100.0% (docs/cli.md)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from chipcredit.cli.deal_table import PARTIAL, deals_table
from chipcredit.cli.formats import ABOVE_BRACKET, TOTAL_LOSS, WITHHELD, irr_text, path_share

from . import render


def _rows(deal: str, party: str, irr: dict[str, Any]) -> list[dict[str, Any]]:
    base = {"deal": deal, "party": party, "mean": None, "p05": None, "p50": None, "p95": None,
            "nan_share": 0.0}
    return [{**base, "metric": "npv", "p50": 1.0},
            {**base, "metric": "irr", **irr},
            {**base, "metric": "moic", "mean": 2.0, "p50": 2.0},
            {**base, "metric": "loss", "mean": 0.0}]


def _line(text: str, party: str) -> str:
    found = [ln for ln in text.splitlines() if ln.startswith("│") and f" {party} " in ln]
    assert len(found) == 1, text
    return found[0]


@pytest.mark.parametrize(("value", "ranked", "text"), [
    (math.inf, 0.85, ">1000%"),    # a median among paths above the bracket
    (-1.0, 0.9, "-100%"),          # among paths that only pay out
    (float("nan"), 0.009, "n/a"),  # withheld: too few paths ranked
    (None, 0.0, "—"),              # no path has an IRR or a side: nothing to show
    (0.1234, 1.0, "12.3%"),
    (-0.9975, 0.5, "-99.8%"),      # interpolated between a path below and one solved
])
def test_irr_text(value: float | None, ranked: float, text: str) -> None:
    assert irr_text(value, ranked) == text
    assert (ABOVE_BRACKET, TOTAL_LOSS, WITHHELD) == (">1000%", "-100%", "n/a")


def test_the_deals_table_shows_the_side_of_the_bracket_and_says_why() -> None:
    summary = (_rows("w", "holder", {"p50": math.inf, "nan_share": 0.9995, "ranked_share": 0.8535})
               + _rows("eq", "fund", {"p50": -1.0, "nan_share": 1.0, "ranked_share": 1.0})
               + _rows("odd", "lab", {"p50": None, "nan_share": 0.995, "ranked_share": 0.005}))
    text = render(deals_table(summary, {"w": "deployment_warrant", "eq": "equity", "odd": "loan"},
                              {("w", "holder"): 0.9995, ("eq", "fund"): 0.0004},
                              "medians over 2,000 paths"), width=200)
    assert " >1000%* " in _line(text, "holder")  # over the 85.4% of paths it ranks
    assert " -100% " in _line(text, "fund") and f"-100%{PARTIAL}" not in _line(text, "fund")
    assert " n/a " in _line(text, "lab") and f"n/a{PARTIAL}" not in _line(text, "lab")
    # P(loss > 0): a share of paths, never 100.0% or 0.0% unless all or none
    assert " 99.95% " in _line(text, "holder") and " 0.04% " in _line(text, "fund")
    flat = " ".join(text.split())
    assert "w: holder IRR 85.4%" in flat  # the ranked share, not 1 - nan_share (0.05%)
    assert ("IRR >1000%: the median lies among paths whose IRR is above the +1000% a year the "
            "IRR is searched up to") in flat
    assert ("IRR -100%: the median lies among paths whose flows only go out (a total loss, "
            "-100% by definition) or whose IRR is below -99% a year") in flat
    assert ("IRR n/a: under 1% of the paths with a position have an IRR or a known side of "
            "the bracket, too few for a median") in flat


@pytest.mark.parametrize(("share", "text"), [
    (0.9995, "99.95%"), (0.0004, "0.04%"), (1.0, "100.0%"), (0.0, "0.0%"), (0.5, "50.0%")])
def test_a_share_of_paths_never_rounds_to_none_or_all(share: float, text: str) -> None:
    assert path_share(share) == text
