"""A store written by an older schema is migrated, in one transaction, by the next write."""

from __future__ import annotations

from pathlib import Path

import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import SCHEMA_VERSION, RunStore  # noqa: E402
from chipcredit.store.schema import prepare_writable  # noqa: E402


def _make_version_1(path: Path) -> None:
    """Turn a fresh store into what schema version 1 wrote: no provenance or p05/p95 flows."""
    _make_version_2(path)
    con = duckdb.connect(str(path))
    for column in ("p05", "p95", "self_funded_mean"):
        con.execute(f"ALTER TABLE flows DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()


def _make_version_2(path: Path) -> None:
    """Turn a fresh store into what schema version 2 wrote: no unit columns."""
    con = duckdb.connect(str(path))
    for table in ("metrics", "bands", "flows"):
        con.execute(f"ALTER TABLE {table} DROP COLUMN unit")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
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


def test_a_version_2_store_gets_the_units_a_write_gives(store_file: Path,
                                                        base_case: cc.Result) -> None:
    """The units of the runs stored before version 3 are filled in by the migration, as a
    write now gives them; capacity in the capacity_unit of each run's own scenario."""
    text = base_case.scenario.source_text.replace("capacity_unit: GW", "capacity_unit: MW")
    assert text != base_case.scenario.source_text
    in_mw = cc.simulate(cc.parse_scenario_text(text), deterministic=True)
    RunStore(store_file).save(base_case)
    RunStore(store_file).save(in_mw)
    _make_version_2(store_file)
    with pytest.raises(cc.UsageError, match="schema version 2, older than"):
        RunStore(store_file, read_only=True).get_run(1)

    con = duckdb.connect(str(store_file))
    prepare_writable(con, store_file)  # as the next write does before its rows
    con.close()
    store = RunStore(store_file, read_only=True)
    old, mw = store.get_run(1), store.get_run(2)
    # what a write now gives: the summary's units, each band's, $B for every flow
    assert list(old["metrics"]["unit"]) == list(base_case.summary()["unit"])
    for (party, variable), units in old["bands"].groupby(["party", "variable"])["unit"]:
        assert set(units) == set(base_case.bands(party, variable)["unit"]), (party, variable)
    assert len(old["flows"]) and set(old["flows"]["unit"]) == {"$B"}
    capacity = mw["bands"][mw["bands"]["variable"] == "capacity"]
    assert len(capacity) and set(capacity["unit"]) == {"MW"}
    assert set(mw["bands"].loc[mw["bands"]["variable"] == "units", "unit"]) == {"MW a quarter"}
    assert set(old["bands"].loc[old["bands"]["variable"] == "capacity", "unit"]) == {"GW"}
