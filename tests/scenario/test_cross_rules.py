"""Rules across fields that uncertain numbers could otherwise slip past."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipcredit.errors import ScenarioError
from chipcredit.scenario import load_scenario

from .conftest import BASE


def _error(tmp_path: Path, old: str, new: str) -> str:
    assert old in BASE
    path = tmp_path / "s.yaml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return str(err.value).replace(str(path), "FILE")


def test_uncertain_spv_amount_is_refused(tmp_path: Path) -> None:
    text = _error(tmp_path, "    amount: 20\n", "    amount: {p05: 15, p95: 25}\n")
    assert text == ("FILE:47:13: deals[1].amount must be a fixed number: an SPV's equity and "
                    "debt must pay for its purchase on every path; got 'lognormal p05=15 p95=25'")


def test_uncertain_stakes_whose_top_exceeds_one_are_refused(tmp_path: Path) -> None:
    text = _error(tmp_path, "    procurement: {nvidia: 1.0}\n",
                  "    procurement: {nvidia: 1.0}\n    equity: {holders: {valor: "
                  "{dist: uniform, low: 0.5, high: 1.0}, apollo: 0.2}}\n")
    assert text.endswith("parties[1].equity.holders stakes must add up to at most 1 (for "
                         "uncertain stakes, their largest values); got 1.2")
