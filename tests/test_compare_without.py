"""``compare A --without DEAL``: B is A with those deals left out, nothing else changed."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from tests.experiments._world import world_data
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.deal_removal import without_deals
from chipcredit.scenario.registry import bundled_path

LOI = "nvidia-openai-loi"


def _quiet(*args: Any, **kw: Any) -> cc.CompareResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.compare(*args, **kw)


def _seed_text_without(deal: str) -> str:
    """seed-2025's file with the lines of one deal's entry cut out by hand."""
    path = bundled_path("seed-2025")
    assert path is not None
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first = lines.index(f"  - id: {deal}\n")
    end = next(k for k in range(first + 1, len(lines)) if lines[k].startswith("  - id: ")
               or not lines[k].startswith((" ", "\n", "#")))
    return "".join(lines[:first] + lines[end:])


def test_without_leaves_out_the_deal_and_nothing_else() -> None:
    a = cc.load_scenario("seed-2025")
    b = without_deals(a, [LOI, LOI])
    assert [d.id for d in b.deals] == [d.id for d in a.deals if d.id != LOI]
    dump_a = a.model_dump(mode="json")
    dump_a["deals"] = [d for d in dump_a["deals"] if d["id"] != LOI]
    assert b.model_dump(mode="json") == dump_a
    assert (b.name, b.source_file) == (a.name, a.source_file)


def test_compare_without_pairs_as_a_hand_written_copy_does(tmp_path: Path) -> None:
    hand = tmp_path / "seed-2025-no-loi.yaml"
    hand.write_text(_seed_text_without(LOI), encoding="utf-8")
    assert LOI not in [d.id for d in cc.load_scenario(hand).deals]
    by_hand = _quiet("seed-2025", hand, paths=64, seed=5)
    made = _quiet("seed-2025", paths=64, seed=5, without=LOI)
    assert made.without == (LOI,) and by_hand.without == ()
    assert LOI not in [d.id for d in made.other.scenario.deals]
    pd.testing.assert_frame_equal(made.differences, by_hand.differences)
    # the deal really is gone: its rows are in neither, and Nvidia's sales move without it
    assert LOI not in set(made.differences["deal"].dropna())
    nvidia = made.party("nvidia").set_index("metric")
    assert nvidia.loc["revenue_total", "difference"] != 0.0


@pytest.mark.parametrize(("b", "without", "words"), [
    ("seed-2025", LOI, "not both"),
    (None, None, "not neither"),
])
def test_compare_takes_b_or_without(b: str | None, without: str | None, words: str) -> None:
    with pytest.raises(cc.UsageError, match=words):
        cc.compare("seed-2025", b, paths=4, without=without)


def test_compare_without_an_unknown_deal_says_which_it_meant() -> None:
    with pytest.raises(cc.UsageError) as err:
        cc.compare("seed-2025", paths=4, without="nvidia-openai-lio")
    assert str(err.value).startswith("compare: without: no deal 'nvidia-openai-lio' in scenario "
                                     "seed-2025; its deals are colossus2-spv, ")
    assert str(err.value).endswith("(did you mean nvidia-openai-loi?)")


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_cli_without_names_b_and_measures_what_the_deal_adds(tmp_path: Path) -> None:
    # the linear world's only deal is a $10B two-year bullet loan at 10%: without it the lab
    # keeps the interest, 2 x 10% x 10 = +2.0 of end cash on every path (B minus A)
    a = _write(tmp_path / "world.yaml", world_data())
    out = tmp_path / "diff.json"
    result = CliRunner().invoke(cli.app, ["compare", str(a), "--without", "loan", "--paths",
                                          "50", "--seed", "4", "--json", str(out), "--no-store"])
    assert result.exit_code == 0, result.output
    assert "linear-world without loan minus linear-world (each row in its unit)" in result.stdout
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert (doc["a"], doc["b"], doc["without"]) == ("linear-world", "linear-world without loan",
                                                   ["loan"])
    row = next(r for r in doc["differences"] if r["party"] == "xai" and r["metric"] == "cash_end")
    assert row["difference"] == pytest.approx(2.0, abs=1e-3)
    assert (row["share_higher"], row["share_lower"]) == (1.0, 0.0)
    assert not [r for r in doc["differences"] if r["deal"] == "loan"]


@pytest.mark.parametrize(("args", "start"), [
    (["seed-2025", "--without", "nvidia-openai-lio"],
     "error: compare: without: no deal 'nvidia-openai-lio' in scenario seed-2025"),
    (["seed-2025", "seed-2025", "--without", LOI],
     "error: compare: give B or --without DEAL, not both"),
    (["seed-2025"], "error: compare: give B, the scenario compared with A, or --without DEAL"),
])
def test_cli_refuses_bad_without_in_one_line(args: list[str], start: str) -> None:
    result = CliRunner().invoke(cli.app, ["compare", *args, "--paths", "4", "--no-store"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), result.stderr


def test_cli_refuses_to_leave_out_a_deal_another_deal_names(tmp_path: Path) -> None:
    data = world_data()
    data["deals"].append({"id": "backing", "kind": "loan_guarantee", "guarantor": "nvidia",
                          "guarantees": "loan", "lender": "apollo", "borrower": "xai"})
    a = _write(tmp_path / "world.yaml", data)
    line = next(k for k, text in enumerate(a.read_text(encoding="utf-8").splitlines(), 1)
                if "guarantees: loan" in text)
    result = CliRunner().invoke(cli.app, ["compare", str(a), "--without", "loan", "--paths", "4",
                                          "--no-store"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [f"{a}:{line}:15: deals[1].guarantees refers to deal loan, which is being "
                     "left out (leave out backing too, or edit a copy of the file by hand); "
                     "got 'loan'"], result.stderr
    # leaving out both is fine
    both = CliRunner().invoke(cli.app, ["compare", str(a), "--without", "loan", "--without",
                                        "backing", "--paths", "4", "--no-store"])
    assert both.exit_code == 0, both.output
