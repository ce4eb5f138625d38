"""``chipcredit run`` records into the store; ``chipcredit runs ...`` reads it back."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli

duckdb = pytest.importorskip("duckdb")
openpyxl = pytest.importorskip("openpyxl")

from chipcredit.store import SCHEMA_VERSION, RunStore  # noqa: E402

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def one_error(stdout: str, stderr: str, *fragments: str) -> None:
    assert "Traceback" not in stdout + stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def store_file() -> Path:
    """The per-test store that tests/conftest.py points CHIPCREDIT_STORE at."""
    return Path(os.environ["CHIPCREDIT_STORE"])


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with two runs (seeds 5 and 6, 200 paths), made once for the module."""
    target = tmp_path_factory.mktemp("two-runs") / "runs.duckdb"
    for seed in ("5", "6"):
        code, _, err = invoke("run", "seed-2025", "-n", "200", "-s", seed, "-q",
                              "--store", str(target))
        assert code == 0, err
    return target


@pytest.fixture
def two_runs(shared_store: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared two-run store, as this test's CHIPCREDIT_STORE."""
    monkeypatch.setenv("CHIPCREDIT_STORE", str(shared_store))
    return shared_store


def test_run_records_into_the_store_and_says_so(store_file: Path) -> None:
    code, out, err = invoke("run", "seed-2025", "--deterministic")
    assert code == 0, err
    footer = out.strip().splitlines()[-1]
    assert footer.endswith(f"stored as run 1 in {store_file}")
    runs = RunStore(store_file).list_runs()
    assert runs[["id", "status", "scenario", "paths"]].values.tolist() == [
        [1, "complete", "seed-2025", 1]]
    extra = RunStore(store_file).get_run(1)["run"]["extra"]
    assert isinstance(extra["argv"], list)


def test_no_store_and_store_option(store_file: Path, tmp_path: Path) -> None:
    code, out, err = invoke("run", "seed-2025", "--deterministic", "--no-store")
    assert code == 0, err
    assert "stored as" not in out
    assert not store_file.exists()
    other = tmp_path / "other.duckdb"
    code, out, err = invoke("run", "seed-2025", "--deterministic", "--store", str(other))
    assert code == 0, err
    assert f"stored as run 1 in {other}" in out
    assert not store_file.exists()


def test_default_store_is_in_the_current_folder(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHIPCREDIT_STORE")
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("run", "seed-2025", "--deterministic", "-q")
    assert code == 0, err
    assert (tmp_path / "chipcredit.duckdb").is_file()
    code, out, err = invoke("runs", "list")
    assert code == 0, err
    assert "seed-2025" in out


def test_without_duckdb_run_works_and_runs_explains(store_file: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # import duckdb now fails
    code, out, err = invoke("run", "seed-2025", "--deterministic")
    assert code == 0, err
    assert err.strip() == ("note: the run was not stored: the run store needs DuckDB "
                           "(pip install 'chipcredit[store]'); --no-store hides this note")
    assert "Parties ($B" in out
    assert not store_file.exists()
    code, out, err = invoke("runs", "list")
    assert code == 2
    one_error(out, err, "needs DuckDB", "pip install 'chipcredit[store]'")


def test_runs_list_and_show(two_runs: Path) -> None:
    code, out, err = invoke("runs", "list")
    assert code == 0, err
    assert f"Runs in {two_runs}" in out
    assert out.count("seed-2025") == 2
    assert "complete" in out
    code, out, err = invoke("runs", "list", "--limit", "1")
    assert code == 0, err
    assert "the last 1 of 2 runs" in out
    code, out, err = invoke("runs", "show", "2")
    assert code == 0, err
    assert out.splitlines()[0].startswith("run 2 · run · complete · scenario seed-2025")
    assert "What each party gets from each deal ($B; medians over 200 paths, * over fewer)" in out
    assert ("Parties ($B; P(default): share of paths; revenue totalled over the horizon, cash "
            "at its end; p50: medians over 200 paths)") in out
    assert "xai-chips-on-credit" in out
    assert "per-path outcomes of 200 paths stored" in out


def test_runs_show_json_is_the_run_json(tmp_path: Path, store_file: Path) -> None:
    target = tmp_path / "out.json"
    code, _, err = invoke("run", "seed-2025", "-n", "150", "-s", "2", "-q", "--json", str(target))
    assert code == 0, err
    code, out, err = invoke("runs", "show", "1", "--json")
    assert code == 0, err
    assert out == target.read_text(encoding="utf-8")


def test_runs_diff(two_runs: Path) -> None:
    code, out, err = invoke("runs", "diff", "1", "2")
    assert code == 0, err
    assert "Run 2 against run 1 (Δ = 2 - 1)" in out
    last = out.strip().splitlines()[-1]
    assert last.endswith("metrics differ; --all shows them all")
    changed, total = (int(x) for x in last.split(" metrics")[0].split(" of "))
    assert 0 < changed <= total
    code, out, err = invoke("runs", "diff", "1", "1")
    assert code == 0, err
    assert out.strip().splitlines()[-1].startswith("0 of ")


def test_runs_sql_table_and_csv(two_runs: Path) -> None:
    code, out, err = invoke("runs", "sql", "SELECT id, seed, scenario FROM runs ORDER BY id")
    assert code == 0, err
    assert "seed-2025" in out
    assert out.strip().endswith("2 rows")
    code, out, err = invoke("runs", "sql", "--csv",
                            "SELECT party, mean FROM metrics WHERE run = 1 AND "
                            "metric = 'default_probability' ORDER BY party")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    # a row for each party that can default; none for one that cannot (a funded cloud)
    can_default = sorted(p.id for p in cc.load_scenario("seed-2025").parties if p.can_default)
    assert can_default == ["coreweave", "openai", "xai"]
    assert [r["party"] for r in rows] == can_default
    assert all(0 <= float(r["mean"]) <= 1 for r in rows)


@pytest.mark.parametrize("statement", [
    "COPY runs TO '{out}'",
    "ATTACH '{out}' AS x",
    "CREATE TABLE t AS SELECT 1",
    "DELETE FROM runs",
])
def test_runs_sql_cannot_write(two_runs: Path, tmp_path: Path, statement: str) -> None:
    target = tmp_path / "escape.csv"
    code, out, err = invoke("runs", "sql", statement.format(out=target))
    assert code == 2
    one_error(out, err)
    assert not target.exists()
    assert len(RunStore(two_runs).list_runs()) == 2


def test_runs_export_xlsx(two_runs: Path, tmp_path: Path) -> None:
    target = tmp_path / "run1.xlsx"
    code, out, err = invoke("runs", "export", "1", "--xlsx", str(target))
    assert code == 0, err
    assert out.strip() == f"wrote {target}"
    assert [p.name for p in tmp_path.iterdir()] == ["run1.xlsx"]  # no temp file left
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames == ["runs", "summary", "metrics", "bands", "flows", "defaults",
                               "outcomes", "outcome_units", "scenario"]
    data = RunStore(two_runs).get_run(1, outcomes=True)
    for name in ("metrics", "bands", "flows", "defaults"):
        rows = list(book[name].iter_rows(values_only=True))
        # the store's table as docs/store.md lists it: the run's id first
        assert list(rows[0]) == ["run", *data[name].columns]
        assert {row[0] for row in rows[1:]} == {1}
        assert len(rows) == len(data[name]) + 1
    runs_sheet = list(book["runs"].iter_rows(values_only=True))
    header = list(runs_sheet[0])
    assert runs_sheet[1][header.index("id")] == 1
    assert runs_sheet[1][header.index("scenario")] == "seed-2025"
    outcomes = list(book["outcomes"].iter_rows(values_only=True))
    assert outcomes[0][:2] == ("variant", "path")
    assert len(outcomes) == 200 + 1
    key = "deal|xai-debt|xai-bondholders|npv"
    column = list(outcomes[0]).index(key)
    want = data["outcomes"]["main"][key]
    assert [row[column] for row in outcomes[1:]] == pytest.approx(list(want))
    yaml_lines = [row[0] or "" for row in book["scenario"].iter_rows(min_row=2, values_only=True)]
    assert yaml_lines == data["run"]["scenario_yaml"].splitlines()
    book.close()

    code, out, err = invoke("runs", "export", "2", "--xlsx", str(target), "--paths", "10")
    assert code == 0, err
    assert "outcomes of the first 10 of 200 stored paths" in out
    book = openpyxl.load_workbook(target, read_only=True)
    assert len(list(book["outcomes"].iter_rows(values_only=True))) == 11
    book.close()


def test_runs_errors_are_one_line(two_runs: Path, tmp_path: Path) -> None:
    code, out, err = invoke("runs", "show", "99")
    assert code == 2
    one_error(out, err, "no run 99 in the run store", "it has runs 1 to 2")
    code, out, err = invoke("runs", "list", "--store", str(tmp_path / "none.duckdb"))
    assert code == 2
    one_error(out, err, "no run store at")
    assert not (tmp_path / "none.duckdb").exists()
    code, out, err = invoke("runs", "sql", "SELEC nonsense")
    assert code == 2
    one_error(out, err, "syntax error")
    code, out, err = invoke("runs", "export", "1", "--xlsx", str(tmp_path / "no" / "x.xlsx"))
    assert code == 2
    one_error(out, err, "does not exist")
    code, out, err = invoke("runs", "show", "abc")
    assert code == 2
    one_error(out, err, "ID")
    code, out, err = invoke("runs")
    assert code == 0
    assert "list" in out and "export" in out


def test_run_refuses_a_newer_store_before_simulating(store_file: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = invoke("run", "seed-2025", "--deterministic", "-q")
    assert code == 0, err
    con = duckdb.connect(str(store_file))
    newer = SCHEMA_VERSION + 1
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(newer)])
    con.close()

    def must_not_run(*args: object, **kwargs: object) -> cc.Result:
        raise AssertionError("simulated although the store is unusable")

    monkeypatch.setattr(cc, "simulate", must_not_run)
    code, out, err = invoke("run", "seed-2025", "--deterministic")
    assert code == 2
    assert out == ""
    one_error(out, err, f"schema version {newer}, written by a newer chipcredit")


def test_store_docs_name_every_table_and_column() -> None:
    from chipcredit.store import TABLES

    text = (Path(__file__).resolve().parents[2] / "docs" / "store.md").read_text(encoding="utf-8")
    for table in TABLES:
        assert f"### `{table.name}`" in text, table.name
        for name in table.column_names:
            assert f"| `{name}` |" in text, f"{table.name}.{name}"
    assert "outcome_paths" in text
    json.dumps([t.name for t in TABLES])


def test_an_unusable_default_store_is_a_note_not_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHIPCREDIT_STORE")
    monkeypatch.chdir(tmp_path)
    con = duckdb.connect(str(tmp_path / "chipcredit.duckdb"))
    con.execute("CREATE TABLE prices (a INTEGER)")
    con.close()
    code, out, err = invoke("run", "seed-2025", "--deterministic")
    assert code == 0, err
    assert "Parties ($B" in out and "stored as" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("note: the run was not stored: ")
    assert "not a chipcredit run store" in lines[0]
    code, out, err = invoke("run", "seed-2025", "--deterministic", "--store",
                            "chipcredit.duckdb")
    assert code == 2
    one_error(out, err, "not a chipcredit run store")
