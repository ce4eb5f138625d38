"""The run store after an Excel analyst's review: Ctrl-C inside a DuckDB query, byte-identical
Excel exports, and shares equal to the JSON summary's to the last bit."""

from __future__ import annotations

import importlib
import json
import os
import signal
import threading
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import RunStore  # noqa: E402
from chipcredit.store.rows import prepare  # noqa: E402

store_write = importlib.import_module("chipcredit.store.write")  # the module, not the function

ROOT = Path(__file__).resolve().parents[2]
_LONG_QUERY = "SELECT sum(range) FROM range(50000000)"
"""A query of a few tenths of a second, long enough for SIGINT to arrive while it runs."""


@pytest.fixture(scope="module")
def small() -> cc.Result:
    """A small book (one lab, one loan, the base case): quick to store and to export."""
    return cc.simulate(ROOT / "tests" / "fixtures_credit" / "minimal-loan.yaml",
                       deterministic=True)


@pytest.mark.parametrize("first", [True, False], ids=["new-store", "existing-store"])
def test_ctrl_c_while_duckdb_runs_a_query_rolls_back_as_an_interrupt(
        store_file: Path, small: cc.Result, monkeypatch: pytest.MonkeyPatch,
        first: bool) -> None:
    # DuckDB turned a SIGINT in mid-query into "Query interrupted" and an aborted transaction,
    # reported as "cannot write to the run store: ... Current transaction is aborted", and a
    # first run left an empty store file behind
    store = RunStore(store_file)
    earlier = [] if first else [store.save(small)]
    insert = store_write._insert_outcomes

    def insert_then_ctrl_c(con: Any, run_id: int, prepared: Any) -> None:
        insert(con, run_id, prepared)
        ctrl_c = threading.Timer(0.02, os.kill, (os.getpid(), signal.SIGINT))
        ctrl_c.start()
        con.execute(_LONG_QUERY).fetchall()
        ctrl_c.join()  # the signal has come by now, whether the query was quick or not

    monkeypatch.setattr(store_write, "_insert_outcomes", insert_then_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        store.save(small)
    monkeypatch.undo()
    if first:
        assert not store_file.exists()  # no empty store made by the interrupted run
    else:
        runs = store.list_runs()
        assert runs["id"].tolist() == earlier and runs["status"].tolist() == ["complete"]
    assert sorted(p.name for p in store_file.parent.iterdir()) == (
        [] if first else [store_file.name])  # no temporary store or WAL left either


def test_the_same_run_exports_the_same_bytes(store_file: Path, small: cc.Result,
                                             tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    started = datetime(2024, 5, 6, 7, 8, 10)
    store = RunStore(store_file)
    run_id = store.save(small, started=started)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    store.export_xlsx(run_id, first)
    store.export_xlsx(run_id, second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as book:
        assert {info.date_time for info in book.infolist()} == {(2024, 5, 6, 7, 8, 10)}
        core = book.read("docProps/core.xml").decode()
    stamp = "2024-05-06T07:08:10Z"
    assert f">{stamp}</dcterms:created>" in core and f">{stamp}</dcterms:modified>" in core


def _json_share(summary: dict[str, Any], deal: str | None, party: str, metric: str,
                field: str) -> Any:
    if deal is not None:
        return summary["deals"][deal]["parties"][party][metric][field]
    entry = summary["parties"][party]
    return entry[metric] if field == "mean" else entry[metric][field]


def test_every_stored_share_equals_the_json_summary_exactly(small_result: cc.Result) -> None:
    # the rows the store inserts as they are (a DOUBLE keeps a float64 to the bit): the
    # metrics sheet and `runs sql` showed 0.014000000000000012 where the JSON said 0.014
    metrics = prepare(small_result).frames["metrics"]
    summary = json.loads(small_result.to_json())
    n = small_result.paths
    compared = 0
    rounded_apart = 0  # rows where 1 - (n-k)/n, the old formula, is not k/n
    for row in metrics.to_dict("records"):
        deal = row["deal"] if isinstance(row["deal"], str) else None
        party, metric = row["party"], row["metric"]
        if metric in ("default_probability", "second_source_probability"):
            assert row["mean"] == _json_share(summary, deal, party, metric, "mean"), row
            compared += 1
            continue
        if deal is None and metric != "second_source_quarter":
            continue  # the JSON gives no share for a party's other metrics
        stats = (summary["deals"][deal]["parties"][party].get(metric) if deal is not None
                 else summary["parties"][party].get(metric))
        if stats is None or "nan_share" not in stats:
            continue
        assert row["nan_share"] == stats["nan_share"], (deal, party, metric)
        k = round(stats["nan_share"] * n)
        rounded_apart += 1 - (n - k) / n != k / n
        compared += 1
    assert compared > 20
    assert rounded_apart > 0  # the run has shares the old formula got wrong in the last bit
