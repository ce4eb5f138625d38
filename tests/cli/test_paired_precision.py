"""The table of `compare` and `stress` shows a small difference and its interval: a row takes
as many decimals as its difference and the interval's half-width need for two significant
digits (four at least, nine at most), instead of ``0.0000 .. 0.0000`` beside ``P(B<A) 34.2%``
(seed-2025-sell-only against seed-2025, ``amd-openai-warrant`` amd ``npv``: -$27 thousand)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from tests.cli import render

from chipcredit.cli.formats import number, visible_decimals
from chipcredit.cli.paired_tables import paired_table


def _row(party: str, base: float, other: float, low: float, high: float,
         unit: str = "$B", median: float = 0.0) -> dict[str, Any]:
    return {"deal": "amd-openai-warrant", "party": party, "metric": "npv", "base": base,
            "other": other, "difference": other - base, "ci_low": low, "ci_high": high,
            "median_difference": median, "share_higher": 0.031, "share_lower": 0.342,
            "paths": 1000, "unit": unit}


def _line(text: str, party: str) -> str:
    return next(ln for ln in text.splitlines() if f" {party} " in ln)


def test_a_small_difference_and_its_interval_are_visible() -> None:
    frame = pd.DataFrame([
        # the reviewer's row: a difference of -2.71e-05 $B, interval ±5.4e-06
        _row("amd", 3.3462e-04, 3.0753e-04, -3.2456e-05, -2.1726e-05),
        # an ordinary row keeps four decimals
        _row("openai", 11.4568, 10.3525, -1.6030, -0.6055),
        # rounding residue (1e-16 $B) is below a dollar: still 0 at four decimals
        _row("hyperscalers", -2.0449e-13, -2.0460e-13, -3.9e-16, 1.6e-16),
    ])
    text = render(paired_table(frame, ["npv"], 1000, "t", "base", "other"), width=250)
    amd = _line(text, "amd")
    # -0.0000271: two significant digits of the difference, three of the half-width's scale
    assert "-0.0000271 " in amd and "-0.0000325 .. -0.0000217" in amd
    assert "0.0003346" in amd and "0.0003075" in amd  # the means to the same decimals
    assert "34.2%" in amd and "$B" in amd  # the shares and the unit column unchanged
    assert "0.0000 .. 0.0000" not in amd
    openai = _line(text, "openai")
    assert "-1.1043" in openai and "-1.6030 .. -0.6055" in openai and "11.4568" in openai
    residue = _line(text, "hyperscalers")
    assert "0.0000 .. 0.0000" in residue and "e-" not in residue


@pytest.mark.parametrize(("values", "decimals"), [
    ((-2.7091e-05, 5.365e-06), 7),   # the half-width decides: 0.0000054 needs 7
    ((-1.8497e-04, 5.6e-05), 6),
    ((0.0021, 0.017), 4),            # four already show both
    ((1485.6, 2258.0), 4),
    ((0.0, 0.0), 4),                 # a tie on every path
    ((None, float("nan")), 4),       # a VaR row: no interval
    ((1e-16, 2.7e-16), 4),           # below 1e-9: residue, not digits
    ((3e-09, 0.0), 4),               # two digits of it would need 10 decimals
    ((3.5e-08, 0.0), 9),             # $35 in $B: the finest shown
])
def test_visible_decimals(values: tuple[Any, ...], decimals: int) -> None:
    assert visible_decimals(*values) == decimals
    shown = [number(v, signed=True, decimals=decimals) for v in values]
    for value, text in zip(values, shown, strict=True):
        if isinstance(value, float) and value and decimals > 4:
            # every nonzero value reads with at least two significant digits, none as 0
            digits = text.lstrip("+-").replace(".", "").replace(",", "").lstrip("0")
            assert len(digits) >= 2, text
