"""The run store says what was run: an edited copy of a bundled scenario is marked as such,
``runs diff`` lists the numbers two runs' scenarios differ in, the metrics keep their
standard error, and ``runs show`` prints the IRR warning the run printed."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.scenario.registry import bundled_path

duckdb = pytest.importorskip("duckdb")
openpyxl = pytest.importorskip("openpyxl")

from chipcredit.store import RunStore  # noqa: E402
from chipcredit.store.provenance import ScenarioDiff, scenario_diff  # noqa: E402

runner = CliRunner()
PATHS, SEED = 300, 11  # seed 11 at 300 paths: one path of the AMD warrant has no IRR
RATE = ('rate: {value: 0.125, source: "xAI Jul-2025', 'rate: {value: 0.126, source: "xAI Jul-2025')


def _bundled() -> str:
    path = bundled_path("seed-2025")
    assert path is not None
    return path.read_text(encoding="utf-8")


def _simulate(text: str) -> tuple[cc.Result, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        result = cc.simulate(cc.parse_scenario_text(text, "copy.yaml"), paths=PATHS, seed=SEED)
    return result, [str(w.message) for w in caught if "IRR has no value" in str(w.message)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """Run 1: bundled seed-2025; 2: a copy with xAI's debt rate 0.125 -> 0.126; 3: a copy
    with only a comment added. The IRR warning run 1 gave."""
    text = _bundled()
    assert text.count(RATE[0]) == 1
    store = RunStore(tmp_path_factory.mktemp("prov") / "runs.duckdb")
    said: list[str] = []
    for i, copy in enumerate((text, text.replace(*RATE), text + "\n# a comment\n")):
        result, found = _simulate(copy)
        said = found if i == 0 else said
        store.save(result)
    return store.path, said


def invoke(store: Path, *args: str) -> tuple[str, str]:
    result = runner.invoke(cli.app, ["runs", *args, "--store", str(store)])
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout, result.stderr


def test_an_edited_copy_is_marked_where_a_run_is_named(runs: tuple[Path, list[str]]) -> None:
    path, _ = runs
    assert RunStore(path).list_runs()["edited"].tolist() == [False, True, True]
    # kept as it was when the run was stored, whatever the bundled file says later
    assert [RunStore(path).get_run(i)["run"]["scenario_edited"] for i in (1, 2, 3)] == [
        False, True, True]
    out, _ = invoke(path, "list")
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert "seed-2025 (edited)" not in rows[0]
    assert all("│ seed-2025 (edited) │" in row for row in rows[1:])
    out, _ = invoke(path, "show", "2")
    lines = out.strip().splitlines()
    assert lines[0].startswith("run 2 · run · complete · scenario seed-2025 (edited) · sha256 ")
    assert lines[-1].startswith("scenario seed-2025 (edited) · sha256 ")  # the footer
    out, _ = invoke(path, "show", "1")
    assert " · scenario seed-2025 · " in out.splitlines()[0]


def test_diff_lists_the_numbers_that_differ(runs: tuple[Path, list[str]]) -> None:
    path, _ = runs
    out, _ = invoke(path, "diff", "1", "2")
    lines = out.splitlines()
    start = lines.index("the scenarios of runs 1 and 2 differ: 1 number differs (run 1 -> run 2)")
    assert lines[start + 1] == "  deals.xai-debt.rate: 0.125 -> 0.126"
    assert lines[start + 2].startswith("Run 2 against run 1")
    frame = RunStore(path).diff(1, 2)
    found = frame.attrs["scenario_diff"]
    assert found.changes == [("deals.xai-debt.rate", "0.125", "0.126")]
    assert not (found.only_a or found.only_b or found.deals_a or found.deals_b or found.other)
    assert frame.attrs["scenario_note"].splitlines()[1] == "  deals.xai-debt.rate: 0.125 -> 0.126"


def test_diff_says_when_only_comments_differ_and_nothing_for_the_same_text(
        runs: tuple[Path, list[str]]) -> None:
    path, _ = runs
    out, _ = invoke(path, "diff", "1", "3")
    assert ("the scenario texts of runs 1 and 3 differ (different sha256) only in comments, "
            "layout or the sources of numbers: no input differs") in out.splitlines()
    assert "0 of 216 metrics differ" in out
    out, _ = invoke(path, "diff", "1", "1")
    assert "scenario" not in "\n".join(out.splitlines()[2:])
    assert RunStore(path).diff(1, 1).attrs["scenario_note"] == ""


def test_a_removed_deal_is_said_in_one_line() -> None:
    text = _bundled()
    data = yaml.safe_load(text)
    data["deals"] = [d for d in data["deals"] if d["id"] != "colossus2-spv"]
    found = scenario_diff(text, yaml.safe_dump(data, sort_keys=False))
    assert found.deals_a == ["colossus2-spv"] and not found.deals_b
    assert found.lines(1, 2) == ["the scenarios of runs 1 and 2 differ: no number written in "
                                 "both differs", "  also: deals only in run 1: colossus2-spv"]


def test_at_most_twenty_numbers_then_how_many_more() -> None:
    changes = [(f"deals.d.x[{i}]", "1", "2") for i in range(23)]
    lines = ScenarioDiff(same_text=False, changes=changes, only_b=["a.b"]).lines(4, 9)
    assert lines[0] == "the scenarios of runs 4 and 9 differ: 23 numbers differ (run 4 -> run 9)"
    assert lines[1:21] == [f"  deals.d.x[{i}]: 1 -> 2" for i in range(20)]
    assert lines[21:] == ["  and 3 more", "  also: 1 number written only in run 9's"]


def test_metrics_keep_the_standard_error_of_the_summary(runs: tuple[Path, list[str]],
                                                        tmp_path: Path) -> None:
    path, _ = runs
    result, _ = _simulate(_bundled())
    expected = [None if math.isnan(x) else x for x in result.summary()["se"]]
    store = RunStore(path)
    stored = store.get_run(1)["metrics"]["se"].tolist()
    assert [None if x is None or math.isnan(x) else x for x in stored] == expected
    assert sum(x is not None for x in expected) > 150  # every mean has one, but a few rows
    target = store.export_xlsx(1, tmp_path / "run.xlsx", max_paths=0)
    sheet = openpyxl.load_workbook(target, read_only=True)["metrics"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("se")
    # a read-only sheet leaves out a row's empty cells at its end
    assert [r[column] if len(r) > column else None for r in rows[1:]] == expected


def test_runs_show_prints_the_irr_warning_the_run_printed(runs: tuple[Path, list[str]]) -> None:
    path, said = runs
    assert len(said) == 1 and "amd-openai-warrant/openai: 1 (no_root_in_bracket 1)" in said[0]
    run = RunStore(path).get_run(1)["run"]
    assert json.loads(run["warnings"]) == said and run["extra"] == {}
    out, err = invoke(path, "show", "1")
    assert err.splitlines() == [f"warning: {said[0]}"]
    assert "warning" not in out


def test_a_run_stored_before_schema_6_is_compared_with_the_bundled_file() -> None:
    from chipcredit.store.provenance import bundled_sha256, edited, scenario_label

    sha = bundled_sha256("seed-2025")
    assert sha is not None
    assert not edited("seed-2025", sha) and edited("seed-2025", "0" * 64)
    assert not edited("my-own", "0" * 64)  # no bundled scenario of that name
    assert not edited("seed-2025", "0" * 64, False)  # what the run kept wins
    assert scenario_label({"scenario": "seed-2025", "scenario_sha256": "0" * 64,
                           "scenario_edited": None}) == "seed-2025 (edited)"
