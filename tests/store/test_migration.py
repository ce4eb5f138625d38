"""A store written by an older schema is migrated, in one transaction, by the next write."""

from __future__ import annotations

from pathlib import Path

import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import SCHEMA_VERSION, RunStore  # noqa: E402


def _make_version_1(path: Path) -> None:
    """Turn a fresh store into what schema version 1 wrote: no provenance or p05/p95 flows."""
    con = duckdb.connect(str(path))
    for column in ("p05", "p95", "self_funded_mean"):
        con.execute(f"ALTER TABLE flows DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()


def test_a_version_1_store_is_migrated_and_keeps_its_runs(store_file: Path,
                                                          small_result: cc.Result) -> None:
    RunStore(store_file).save(small_result)
    _make_version_1(store_file)
    con = duckdb.connect(str(store_file))
    old_flows = con.execute("SELECT count(*) FROM flows").fetchone()
    con.close()

    with pytest.raises(cc.UsageError, match="schema version 1, older than"):
        RunStore(store_file, read_only=True).get_run(1)

    second = RunStore(store_file).save(small_result)
    assert second == 2
    store = RunStore(store_file, read_only=True)
    first = store.get_run(1)["flows"]
    assert len(first) == old_flows[0]
    assert first["self_funded_mean"].isna().all()  # not known for a run stored before
    now = store.get_run(2)["flows"]
    assert now["self_funded_mean"].notna().all()
    assert now["self_funded_mean"].sum() > 0  # seed-2025's vendors get their own money back
    con = duckdb.connect(str(store_file), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),)
    con.close()
