"""The store survives SIGKILL mid-write, readers never see half a run, SQL cannot write,
and a store from a newer chipcredit is refused."""

from __future__ import annotations

import hashlib
import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import RunStore  # noqa: E402
from chipcredit.store.rows import prepare  # noqa: E402

WRITER = textwrap.dedent("""
    import pickle, sys
    from chipcredit.store import RunStore
    with open(sys.argv[1], "rb") as fh:
        result = pickle.load(fh)
    store = RunStore(sys.argv[2])
    print("ready", flush=True)
    for _ in range(int(sys.argv[3])):
        print("saved", store.save(result), flush=True)
""")

COUNTS = """
    SELECT r.id, r.status,
        (SELECT count(*) FROM metrics m WHERE m.run = r.id) AS metrics,
        (SELECT count(*) FROM bands b WHERE b.run = r.id) AS bands,
        (SELECT count(*) FROM flows f WHERE f.run = r.id) AS flows,
        (SELECT count(*) FROM defaults d WHERE d.run = r.id) AS defaults,
        (SELECT count(*) FROM outcomes o WHERE o.run = r.id) AS outcomes,
        (SELECT coalesce(sum(len(o.per_path)), 0) FROM outcomes o WHERE o.run = r.id) AS values
    FROM runs r ORDER BY r.id"""


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """A pickled 2,000-path result (a save of a few tenths of a second) and its row counts."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        result = cc.simulate("seed-2025", paths=2_000, seed=11)
    path = tmp_path_factory.mktemp("big") / "result.pickle"
    with path.open("wb") as fh:
        pickle.dump(result, fh)
    rows = prepare(result)
    want = {name: len(frame) for name, frame in rows.frames.items()}
    want["outcomes"] = len(rows.outcome_keys)
    want["values"] = len(rows.outcome_values)
    return path, want


def _writer(pickled: Path, store: Path, saves: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(pickled), str(store), str(saves)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _check(rows: list[dict[str, Any]], want: dict[str, int]) -> None:
    """Every run is complete with all its rows, or incomplete with none."""
    for row in rows:
        got = {k: int(row[k]) for k in want}
        if row["status"] == "complete":
            assert got == want, row
        else:
            assert row["status"] == "incomplete", row
            assert set(got.values()) == {0}, row


def _kill_during_second_save(proc: subprocess.Popen[str], fraction: float) -> None:
    """Time the writer's first save, then kill it ``fraction`` of the way into its second."""
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    began = time.monotonic()
    if fraction < 0:  # during the first save, which also creates the store
        time.sleep(-fraction)
    else:
        assert proc.stdout.readline().startswith("saved")
        time.sleep(fraction * (time.monotonic() - began))
    proc.send_signal(signal.SIGKILL)


def test_sigkill_during_write_leaves_a_store_that_opens(
        tmp_path: Path, big: tuple[Path, dict[str, int]]) -> None:
    """Writers saving in a loop, each into its own store, killed at different moments of a
    save (in parallel, to keep the test short); each store then opens, holds only whole
    runs or incomplete ones, and takes new runs."""
    pickled, want = big
    fractions = (-0.3, 0.3, 0.6, 0.85)
    stores = [tmp_path / f"killed-{i}.duckdb" for i in range(len(fractions))]
    procs = [_writer(pickled, store_file, 1000) for store_file in stores]
    killers = [threading.Thread(target=_kill_during_second_save, args=(proc, fraction))
               for proc, fraction in zip(procs, fractions, strict=True)]
    for thread in killers:
        thread.start()
    for thread in killers:
        thread.join(timeout=120)
    for proc in procs:
        proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
    survivors = [store_file for store_file in stores
                 if store_file.exists()]  # a writer killed early may not have created one
    assert survivors
    for store_file in survivors:
        _check(RunStore(store_file, read_only=True).sql(COUNTS).to_dict("records"), want)
    with pickled.open("rb") as fh:
        result = pickle.load(fh)
    store_file = survivors[-1]
    run_id = RunStore(store_file).save(result)
    rows = RunStore(store_file).sql(COUNTS).to_dict("records")
    _check(rows, want)
    assert rows[-1]["id"] == run_id and rows[-1]["status"] == "complete"
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 1  # the temp file of a creation killed midway, if any


def test_readers_never_see_half_a_run(tmp_path: Path,
                                      big: tuple[Path, dict[str, int]]) -> None:
    pickled, want = big
    store_file = tmp_path / "busy.duckdb"
    proc = _writer(pickled, store_file, 3)  # three saves while the reader reads
    seen: list[int] = []
    problems: list[BaseException] = []

    def read() -> None:
        reader = RunStore(store_file, read_only=True, timeout=30)
        try:
            while proc.poll() is None or not seen or len(seen) < 3:
                if store_file.exists():
                    rows = reader.sql(COUNTS).to_dict("records")
                    _check(rows, want)
                    seen[:] = [int(r["id"]) for r in rows if r["status"] == "complete"]
                    if proc.poll() is not None and len(seen) >= 3:
                        break
                time.sleep(0.1)
        except BaseException as exc:  # pragma: no cover - reported below
            problems.append(exc)

    thread = threading.Thread(target=read)
    thread.start()
    _, err = proc.communicate(timeout=180)
    thread.join(timeout=60)
    assert proc.returncode == 0, err
    assert not problems, problems
    assert seen == [1, 2, 3]


@pytest.fixture(scope="module")
def one_run_store(tmp_path_factory: pytest.TempPathFactory, small_result: cc.Result) -> Path:
    store_file = tmp_path_factory.mktemp("sql") / "runs.duckdb"
    RunStore(store_file).save(small_result)
    return store_file


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("statement", [
    "INSERT INTO meta VALUES ('x', 'y')",
    "DELETE FROM runs",
    "UPDATE runs SET status = 'complete'",
    "DROP TABLE runs",
    "CREATE TABLE evil (a INTEGER)",
    "CREATE VIEW evil AS SELECT 1",
    "COPY runs TO '{out}/evil.csv'",
    "COPY (SELECT 1) TO '{out}/evil.parquet' (FORMAT parquet)",
    "ATTACH '{out}/evil.duckdb' AS evil",
    "INSTALL httpfs",
    "LOAD httpfs",
    "SET enable_external_access = true",
    "SELECT * FROM read_csv('{out}/../runs.duckdb')",
    "CHECKPOINT; CREATE TABLE evil (a INTEGER)",
])
def test_sql_cannot_write(tmp_path: Path, one_run_store: Path, statement: str) -> None:
    store_file = one_run_store
    out = tmp_path / "out"
    out.mkdir()
    before = _digest(store_file)
    with pytest.raises(cc.UsageError) as caught:
        RunStore(store_file).sql(statement.format(out=out))
    assert "\n" not in str(caught.value)
    assert list(out.iterdir()) == []
    assert _digest(store_file) == before
    assert RunStore(store_file).sql("SELECT count(*) AS n FROM runs")["n"].tolist() == [1]
    assert "evil" not in set(RunStore(store_file).sql(
        "SELECT table_name FROM information_schema.tables")["table_name"])


def test_newer_schema_is_refused(tmp_path: Path, small_result: cc.Result) -> None:
    store_file = tmp_path / "future.duckdb"
    RunStore(store_file).save(small_result)
    con = duckdb.connect(str(store_file))
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.close()
    for attempt in (lambda: RunStore(store_file).list_runs(),
                    lambda: RunStore(store_file).save(small_result),
                    lambda: RunStore(store_file).check()):
        with pytest.raises(cc.UsageError, match=r"schema version 99, written by a newer "
                                                r"chipcredit.*upgrade chipcredit"):
            attempt()


def test_a_foreign_duckdb_file_is_refused(tmp_path: Path, small_result: cc.Result) -> None:
    store_file = tmp_path / "other.duckdb"
    con = duckdb.connect(str(store_file))
    con.execute("CREATE TABLE prices (a INTEGER)")
    con.close()
    with pytest.raises(cc.UsageError, match="not a chipcredit run store"):
        RunStore(store_file).save(small_result)
    with pytest.raises(cc.UsageError, match="not a chipcredit run store"):
        RunStore(store_file).list_runs()


def test_a_busy_store_times_out_with_a_clear_message(tmp_path: Path,
                                                    small_result: cc.Result) -> None:
    store_file = tmp_path / "locked.duckdb"
    RunStore(store_file).save(small_result)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time\n"
         "c = duckdb.connect(sys.argv[1])\nprint('held', flush=True)\ntime.sleep(60)",
         str(store_file)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        began = time.monotonic()
        with pytest.raises(cc.UsageError, match="is busy"):
            RunStore(store_file, timeout=0.5).list_runs()
        assert time.monotonic() - began < 5
    finally:
        holder.kill()
        holder.communicate()
    assert len(RunStore(store_file).list_runs()) == 1


def test_store_env_and_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chipcredit.store import resolve_path

    monkeypatch.setenv("CHIPCREDIT_STORE", str(tmp_path / "env.duckdb"))
    assert resolve_path() == tmp_path / "env.duckdb"
    assert resolve_path(tmp_path / "x.duckdb") == tmp_path / "x.duckdb"
    monkeypatch.delenv("CHIPCREDIT_STORE")
    assert resolve_path() == Path("chipcredit.duckdb")
    assert os.fspath(RunStore().path) == "chipcredit.duckdb"
