"""The store under bad use: SQL with several statements or a typo, an interrupted or failed
write, an incomplete run exported, a store path the OS cannot even look at."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import RunStore, open_store  # noqa: E402

store_write = importlib.import_module("chipcredit.store.write")  # the package shadows it


def test_sql_typos_keep_duckdbs_suggestion_on_the_one_line(store_file: Path,
                                                           small_result: cc.Result) -> None:
    store = RunStore(store_file)
    store.save(small_result)
    with pytest.raises(cc.UsageError) as caught:
        store.sql("SELECT * FROM runz")
    text = str(caught.value)
    assert "\n" not in text
    assert "Table with name runz does not exist" in text and 'Did you mean "runs"?' in text
    with pytest.raises(cc.UsageError) as caught:
        store.sql("SELECT sttus FROM runs")
    assert 'Candidate bindings: "status"' in str(caught.value)
    assert "LINE 1" not in str(caught.value)


def test_sql_runs_one_statement(store_file: Path, small_result: cc.Result) -> None:
    store = RunStore(store_file)
    store.save(small_result)
    with pytest.raises(cc.UsageError, match=r"must be one statement; got 2 \(run them one at a time\)"):
        store.sql("SELECT 1; SELECT 2")
    assert store.sql("SELECT 42 AS x;")["x"].tolist() == [42]  # a trailing semicolon is fine


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_an_interrupted_write_leaves_no_run(store_file: Path, small_result: cc.Result,
                                            monkeypatch: pytest.MonkeyPatch,
                                            error: type[BaseException]) -> None:
    store = RunStore(store_file)
    first = store.save(small_result)

    def stop(*_: object) -> None:
        raise error

    monkeypatch.setattr(store_write, "_insert_outcomes", stop)
    with pytest.raises(error):
        store.save(small_result)
    monkeypatch.undo()
    runs = store.list_runs()
    assert runs["id"].tolist() == [first] and runs["status"].tolist() == ["complete"]
    assert store.save(small_result) > first  # and the store takes runs again


def test_an_incomplete_run_is_not_exported(store_file: Path, small_result: cc.Result,
                                           monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    store = RunStore(store_file)
    store.save(small_result)
    # a writer killed outright leaves its incomplete row: the same row, made by hand
    with duckdb.connect(str(store_file)) as con:
        con.execute("UPDATE runs SET status = 'incomplete' WHERE id = 1")
    target = tmp_path / "x.xlsx"
    pytest.importorskip("openpyxl")
    with pytest.raises(cc.UsageError, match=r"run 1 in .* is incomplete"):
        store.export_xlsx(1, target)
    assert not target.exists()


def test_a_store_path_the_os_refuses_to_look_at_is_one_line(tmp_path: Path) -> None:
    too_long = tmp_path / ("a" * 300 + ".duckdb")
    with pytest.raises(cc.UsageError) as caught, open_store(too_long):
        pass
    assert str(caught.value) == f"cannot use the run store {too_long}: File name too long"
