"""A stored IRR keeps what its percentiles are over and where they lie against the bracket
(schema 4: ``ranked_share``, the shares above and below, ``withheld``, ``pNN_outside``), so a
run read back from the store shows the IRR cells the run itself showed, in every variant.

seed-2025 at 400 paths, seed 3 (the store tests' ``small_result``) has an IRR of each kind:
the AMD warrant's holder above the bracket on 77% of the paths (median ``>1000%``), a
take-or-pay buyer and a backstop below it on most (median -100%), the Nvidia-OpenAI letter of
intent ranked on 29% of the paths (a median marked ``*``), and parties with none ranked.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import RunStore, stored_summary  # noqa: E402
from chipcredit.store.schema import IRR_COLUMNS  # noqa: E402

runner = CliRunner()


def _irr_json(result: cc.Result) -> dict[tuple[str, str], dict[str, Any]]:
    return {(deal, party): stats["irr"] for deal, entry in result.to_dict()["deals"].items()
            for party, stats in entry["parties"].items()}


def _stored_irr(store: RunStore, run_id: int, variant: str) -> pd.DataFrame:
    metrics = store.get_run(run_id)["metrics"]
    return metrics[(metrics["variant"] == variant) & (metrics["metric"] == "irr")]


def test_the_irr_columns_round_trip_as_the_json_summary_gives_them(
        store_file: Path, small_result: cc.Result) -> None:
    store = RunStore(store_file)
    store.save(small_result)
    rows = _stored_irr(store, 1, "main")
    expected = _irr_json(small_result)
    assert len(rows) == len(expected)
    sides = set()
    for row in rows.to_dict("records"):
        irr = expected[(row["deal"], row["party"])]
        for name in ("ranked_share", "above_bracket_share", "below_bracket_share"):
            assert row[name] == irr[name], (row["deal"], row["party"], name)  # to the bit
        assert row["withheld"] is irr["withheld"]
        for stat in ("p05", "p50", "p95"):
            side = row[f"{stat}_outside"]
            assert (None if pd.isna(side) else side) == irr["outside_bracket"].get(stat)
            sides.add(None if pd.isna(side) else side)
            if side == "above":  # no number for it: NULL in the column, as in the JSON
                assert pd.isna(row[stat]) and irr[stat] is None
    assert sides == {None, "above", "below"}  # the run has percentiles of each kind
    # the warrant's holder: most of its paths above the bracket, a few below, the same
    # counts as the run's own IRR reasons
    warrant = rows[(rows["deal"] == "amd-openai-warrant") & (rows["party"] == "openai")].iloc[0]
    why = small_result.irr_reasons()[("amd-openai-warrant", "openai")]
    solved = int(np.isfinite(small_result.outcome("amd-openai-warrant", "openai", "irr")).sum())
    above, below = why["above_bracket"], why["below_bracket"]
    assert above > 200 and below > 0
    assert (warrant["above_bracket_share"], warrant["below_bracket_share"],
            warrant["ranked_share"]) == (above / 400, below / 400, (solved + above + below) / 400)
    # every other row leaves them NULL: they say nothing of an NPV or a cash balance
    metrics = store.get_run(1)["metrics"]
    others = metrics[metrics["metric"] != "irr"]
    assert len(others) > 100
    assert others[list(IRR_COLUMNS)].isna().all().all()


def test_stored_summary_gives_the_statistics_of_result_summary(
        store_file: Path, small_result: cc.Result) -> None:
    """inf for a percentile above the bracket, -1 among the paths below, NaN where none: the
    IRR rows read back equal `Result.summary()`'s, statistic for statistic."""
    RunStore(store_file).save(small_result)
    back = stored_summary(RunStore(store_file).get_run(1)["metrics"])
    live = small_result.summary()
    live = live[live["metric"] == "irr"].reset_index(drop=True)
    back = back[back["metric"] == "irr"].reset_index(drop=True)
    for column in ("deal", "party"):
        assert list(back[column]) == list(live[column])
    for column in ("p05", "p50", "p95", "ranked_share", "mean"):
        np.testing.assert_array_equal(back[column].to_numpy(dtype=float),
                                      live[column].to_numpy(dtype=float), err_msg=column)
    assert np.isinf(back["p50"]).sum() == 1  # the warrant's holder


def _deals_table(out: str) -> str:
    """The deals table of a `run` or `runs show` output, title to the end of its caption."""
    start = out.index("What each party gets from each deal")
    end = out.index("Parties ($B", start)
    return out[start:end]


def test_a_stored_run_shows_the_irr_cells_of_the_live_run_in_every_variant(
        store_file: Path, small_result: cc.Result) -> None:
    """``chipcredit run`` prints the deals table; ``runs show`` prints the same one, cell for
    cell, for the result stored as the first variant of a run and as its second (which only
    the stored columns describe: the run's JSON summary is its first variant's)."""
    got = runner.invoke(cli.app, ["run", "seed-2025", "-n", "400", "-s", "3", "--no-store"])
    assert got.exit_code == 0, got.stderr
    live = _deals_table(got.stdout)
    assert ">1000%*" in live  # the warrant's holder: the cell this is about
    # the same run (same scenario, paths and seed: the same result to the bit), stored as
    # both variants of one run: a is the one the run's JSON summary describes, b is not
    RunStore(store_file).save({"a": small_result, "b": small_result}, kind="compare")
    shown = runner.invoke(cli.app, ["runs", "show", "1", "--store", str(store_file)])
    assert shown.exit_code == 0, shown.stderr
    first, second = shown.stdout.split("variant b")
    assert _deals_table(first) == live
    assert _deals_table(second) == live
    # runs diff names a median above the bracket too, rather than a blank
    diff = runner.invoke(cli.app, ["runs", "diff", "1", "1", "--variant", "a=b", "--all",
                                   "--store", str(store_file)])
    assert diff.exit_code == 0, diff.stderr
    row = next(line for line in diff.stdout.splitlines()
               if re.search(r"amd-openai-warrant\s*│\s*openai\s*│\s*irr\b", line))
    assert row.count(">1000%") == 2, row
    assert "\n0 of 216 metrics differ" in diff.stdout  # the same result: nothing differs


def test_the_dashboard_shows_a_stored_irr_as_the_live_one(
        store_file: Path, small_result: cc.Result) -> None:
    pytest.importorskip("streamlit")
    from chipcredit.dashboard.tabs.comparison import _formatted, against_stored
    from chipcredit.dashboard.text import words

    RunStore(store_file).save(small_result)
    table = against_stored(small_result, RunStore(store_file).get_run(1)["metrics"])
    irr = table[table["metric"] == "irr"]
    np.testing.assert_array_equal(irr["p50_this"].to_numpy(float), irr["p50_stored"].to_numpy(float))
    np.testing.assert_array_equal(irr["ranked_share_this"].to_numpy(float),
                                  irr["ranked_share_stored"].to_numpy(float))
    T = words("en")
    shown = _formatted(table, T, 1, {}, {})  # no MOIC pair is n/m here: IRR cells only
    this, stored = T.t("dashboard.compare.this_p50"), T.t("dashboard.compare.stored_p50", run=1)
    assert list(shown[this]) == list(shown[stored])
    warrant = shown[(shown[T.t("report.col_deal")] == "amd-openai-warrant")
                    & (shown[T.t("report.col_metric")] == T.label("metric", "irr"))]
    # AMD ranks no path ("—", as in the deal tables); OpenAI's median is above the bracket
    assert list(warrant[stored]) == ["—", ">1000%"]
