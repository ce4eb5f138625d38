"""Quarter labels: `parse_quarter`, `format_quarter` and the did-you-mean of
`suggest_quarter`, which the scenario models share (src/chipcredit/scenario/base.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipcredit.units import format_quarter, parse_quarter, suggest_quarter


@pytest.mark.parametrize(("text", "label"), [
    ("2025Q4", "2025Q4"), ("2025-Q4", "2025Q4"), ("2025q1", "2025Q1"), ("2025_q2", "2025Q2"),
    ("2025/Q3", "2025Q3"), ("2025.Q4", "2025Q4"), (" 2026 q 1 ", "2026Q1"),
    ("2025Q5", None), ("25Q4", None), ("2025-10", None), ("2025--Q4", None), ("Q4 2025", None),
    ("", None),
])
def test_suggest_quarter_reads_loose_labels_only(text: str, label: str | None) -> None:
    assert suggest_quarter(text) == label


def test_parse_quarter_suggests_the_label_it_would_take() -> None:
    assert parse_quarter("2025Q4") == 2025 * 4 + 3
    with pytest.raises(ValueError) as err:
        parse_quarter("2025-q4")
    assert str(err.value) == "must be a quarter written like 2025Q4; got '2025-q4' (did you mean 2025Q4?)"
    with pytest.raises(ValueError) as err:
        parse_quarter("2025-10")
    assert str(err.value) == "must be a quarter written like 2025Q4; got '2025-10'"


@given(st.integers(1000 * 4, 9999 * 4 + 3), st.sampled_from(["", "-", "_", " ", "/", "."]),
       st.sampled_from(["Q", "q"]))
def test_a_loose_label_suggests_the_label_that_parses_to_the_same_quarter(
        index: int, sep: str, q: str) -> None:
    label = format_quarter(index)
    loose = label.replace("Q", sep + q)
    assert suggest_quarter(loose) == label
    assert parse_quarter(label) == index
