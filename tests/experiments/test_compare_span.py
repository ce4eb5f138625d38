"""`compare` of two scenarios over different quarters: the paired differences then measure the
spans (a 20-quarter revenue total against a 40-quarter one), so it warns, keeps the line in
`CompareResult.notes`, and the CLI shows it."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path

import pytest
import yaml
from tests.experiments._world import world_data
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.experiments.compare import span_note

SHORT_NOTE = (
    "A (linear-world) runs 2025Q4–2028Q3 (12 quarters) and B (linear-world) runs "
    "2025Q4–2027Q3 (8 quarters): totals (revenue_total, gross_profit_total, ...), values at "
    "the horizon (cash_end, equity_value_end, ...), NPVs, MOICs and IRRs (discounted to, and "
    "marked at, each one's own start and horizon) and probabilities by the horizon cover "
    "different quarters, so their differences measure the spans, not the scenarios; give "
    "both the same start and horizon_quarters")


def _world(**changes: object) -> cc.Scenario:
    data = copy.deepcopy(world_data())
    data.update(changes)
    return cc.load_scenario(data)


def _compare(a: cc.Scenario, b: cc.Scenario) -> tuple[cc.CompareResult, list[str]]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        res = cc.compare(a, b, paths=20, seed=1)
    return res, [str(w.message) for w in seen if w.category is cc.ChipcreditWarning]


def test_a_shorter_horizon_warns_and_is_noted() -> None:
    res, said = _compare(_world(), _world(horizon_quarters=8))
    assert res.notes == (SHORT_NOTE,)
    assert said.count(SHORT_NOTE) == 1
    text = repr(res)
    assert "horizon A 2025Q4–2028Q3 (12 quarters), B 2025Q4–2027Q3 (8 quarters)" in text
    assert "notes 1" in text and len(text) < 2_000


def test_a_later_start_is_named_too() -> None:
    note = span_note(_world(), _world(start="2026Q1"))
    assert note is not None and note.startswith(
        "A (linear-world) runs 2025Q4–2028Q3 (12 quarters) and B (linear-world) runs "
        "2026Q1–2028Q4 (12 quarters): totals")


def test_the_same_span_gives_no_note() -> None:
    res, said = _compare(_world(), _world(deals=[]))
    assert res.notes == ()
    assert not [s for s in said if "runs 2025Q4" in s]
    assert span_note(_world(), _world(deals=[])) is None


def test_compare_result_repr_is_a_short_card() -> None:
    res, _ = _compare(_world(deals=[]), _world())
    a, b = res.labels  # the same name, different text: told apart by their sha
    assert repr(res) == (
        f"<CompareResult, {b} minus {a}: paths 20; seed 1; horizon "
        f"2025Q4–2028Q3 (12 quarters); differences {len(res.differences):,} rows; notes 0; "
        "numbers: .differences, .party(party), .notes, .base.summary(), .other.summary()>")
    assert res._repr_html_().startswith("<table>")


def test_the_cli_shows_the_note(tmp_path: Path) -> None:
    a, b = tmp_path / "long.yaml", tmp_path / "short.yaml"
    a.write_text(yaml.safe_dump(world_data(), sort_keys=False), encoding="utf-8")
    short = copy.deepcopy(world_data())
    short["horizon_quarters"] = 8
    b.write_text(yaml.safe_dump(short, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["compare", str(a), str(b), "--paths", "20",
                                          "--seed", "1", "--no-store"])
    assert result.exit_code == 0, result.output
    assert f"warning: {SHORT_NOTE}" in " ".join(result.stderr.split())


@pytest.mark.parametrize("update", [{"horizon_quarters": 8}])
def test_a_model_copy_with_another_horizon_is_caught(update: dict[str, object]) -> None:
    base = _world()
    res, said = _compare(base, base.model_copy(update=update))
    assert res.notes == (SHORT_NOTE,) and SHORT_NOTE in said
