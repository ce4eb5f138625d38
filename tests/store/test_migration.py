"""A store written by an older schema is migrated, in one transaction, by the next write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import SCHEMA_VERSION, RunStore  # noqa: E402
from chipcredit.store.schema import IRR_COLUMNS, METRICS, RUNS, prepare_writable  # noqa: E402


def _make_version_1(path: Path) -> None:
    """Turn a fresh store into what schema version 1 wrote: no provenance or p05/p95 flows."""
    _make_version_2(path)
    con = duckdb.connect(str(path))
    for column in ("p05", "p95", "self_funded_mean"):
        con.execute(f"ALTER TABLE flows DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.close()


def _make_version_5(path: Path) -> None:
    """Turn a fresh store into what schema version 5 wrote: no standard error in metrics,
    no scenario_edited or warnings in runs."""
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE metrics DROP COLUMN se")
    for column in ("scenario_edited", "warnings"):
        con.execute(f"ALTER TABLE runs DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    con.close()


def _make_version_4(path: Path) -> None:
    """Turn a fresh store into what schema version 4 wrote: no code fingerprint."""
    _make_version_5(path)
    con = duckdb.connect(str(path))
    con.execute("ALTER TABLE runs DROP COLUMN code_sha256")
    con.execute("DELETE FROM meta WHERE key = 'created_with_code'")
    con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    con.close()


def _make_version_3(path: Path) -> None:
    """Turn a fresh store into what schema version 3 wrote: no IRR columns in metrics."""
    _make_version_4(path)
    con = duckdb.connect(str(path))
    for column in IRR_COLUMNS:
        con.execute(f"ALTER TABLE metrics DROP COLUMN {column}")
    con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    con.close()


def _make_version_2(path: Path) -> None:
    """Turn a fresh store into what schema version 2 wrote: no unit columns."""
    _make_version_3(path)
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


def _irr_rows(store: RunStore, run_id: int, variant: str) -> list[dict[str, object]]:
    """The IRR rows of one variant, NaN and NA as None, for comparing."""
    metrics = store.get_run(run_id)["metrics"]
    rows = metrics[(metrics["variant"] == variant) & (metrics["metric"] == "irr")]
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()}
            for row in rows.to_dict("records")]


def test_a_version_3_store_gains_the_irr_columns_from_its_summaries(
        store_file: Path, small_result: cc.Result, other_result: cc.Result) -> None:
    """A store written by schema 3 is refused by readers until a run is recorded into it;
    then it has schema 4, its old rows all there, and the IRR columns of each old run's
    first variant filled in from the run's JSON summary, exactly as a write now fills them;
    the other variants, which the summary does not describe, hold NULL (not known)."""
    store = RunStore(store_file)
    store.save({"a": small_result, "b": other_result}, kind="compare")
    _make_version_3(store_file)
    con = duckdb.connect(str(store_file))
    before = con.execute("SELECT * FROM metrics ORDER BY rowid").fetchall()
    tables = ("runs", "metrics", "bands", "flows", "outcomes", "defaults")
    counts = [con.execute(f"SELECT count(*) FROM {t}").fetchone() for t in tables]
    con.close()
    assert len(before[0]) == len(METRICS.columns) - len(IRR_COLUMNS) - 1  # and no se (6)
    with pytest.raises(cc.UsageError, match="schema version 3, older than"):
        RunStore(store_file, read_only=True).get_run(1)

    assert store.save(small_result) == 2  # migrates, then records
    con = duckdb.connect(str(store_file), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),)
    names = [c for c, *_ in METRICS.columns]
    columns = ", ".join(n for n in names if n not in (*IRR_COLUMNS, "se"))
    # every old row and value kept, in order; the run's other tables untouched
    assert con.execute(f"SELECT {columns} FROM metrics WHERE run = 1 ORDER BY rowid").fetchall() \
        == before
    assert [con.execute(f"SELECT count(*) FROM {t} WHERE {'id' if t == 'runs' else 'run'} = 1")
            .fetchone() for t in tables] == counts
    # a fresh store's layout: the new columns last, in the order a new store has them
    assert [r[0] for r in con.execute("DESCRIBE metrics").fetchall()] == names
    con.close()

    irr = list(IRR_COLUMNS)
    now = _irr_rows(store, 2, "main")  # the same result, written by schema 4
    assert any(r["p50_outside"] == "above" for r in now)
    assert any(r["p50_outside"] == "below" for r in now)
    old = _irr_rows(store, 1, "a")     # filled in from run 1's JSON summary
    assert [[r[c] for c in irr] for r in old] == [[r[c] for c in irr] for r in now]
    second = _irr_rows(store, 1, "b")  # in no summary: not known
    assert len(second) == len(now)
    assert all(r[c] is None for r in second for c in irr)
    # and not known is shown as no value, not as a number it is not
    a, b = runner_show(store_file, 1).split("variant b")
    assert ">1000%*" in a and ">1000%" not in b


def runner_show(path: Path, run_id: int) -> str:
    from typer.testing import CliRunner

    from chipcredit import cli

    got = CliRunner().invoke(cli.app, ["runs", "show", str(run_id), "--store", str(path)])
    assert got.exit_code == 0, got.stderr
    return got.stdout


def test_a_version_4_store_opens_and_gains_the_code_fingerprint(
        store_file: Path, small_result: cc.Result) -> None:
    """A store written before runs named their code keeps its runs, with no fingerprint
    (NULL: not known), and the next write records the fingerprint of the code that
    simulated the new run; the runs columns end in the order a new store has them."""
    store = RunStore(store_file)
    store.save(small_result)
    _make_version_4(store_file)
    with pytest.raises(cc.UsageError, match="schema version 4, older than"):
        RunStore(store_file, read_only=True).get_run(1)

    assert store.save(small_result) == 2
    read = RunStore(store_file, read_only=True)
    assert read.get_run(1)["run"]["code_sha256"] is None
    assert read.get_run(2)["run"]["code_sha256"] == small_result.code_sha256
    assert len(small_result.code_sha256) == 64
    con = duckdb.connect(str(store_file), read_only=True)
    assert [r[0] for r in con.execute("DESCRIBE runs").fetchall()] == RUNS.column_names
    # the store was not made by this code, so its meta claims no code
    assert con.execute("SELECT value FROM meta WHERE key = 'created_with_code'").fetchone() is None
    con.close()


def test_a_version_5_store_gains_the_standard_error_column(
        store_file: Path, small_result: cc.Result) -> None:
    """A store written before metrics kept the standard error keeps its rows, with se,
    runs.scenario_edited and runs.warnings NULL (not known), and the next write stores
    Result.summary()'s se; the columns end in the order a new store has them."""
    store = RunStore(store_file)
    store.save(small_result)
    _make_version_5(store_file)
    with pytest.raises(cc.UsageError, match="schema version 5, older than"):
        RunStore(store_file, read_only=True).get_run(1)

    assert store.save(small_result) == 2
    read = RunStore(store_file, read_only=True)
    assert read.get_run(1)["metrics"]["se"].isna().all()
    old = read.get_run(1)["run"]
    assert old["scenario_edited"] is None and old["warnings"] is None
    assert read.get_run(2)["run"]["scenario_edited"] is False
    se = small_result.summary()["se"]
    assert read.get_run(2)["metrics"]["se"].tolist()[:5] == se.tolist()[:5]
    con = duckdb.connect(str(store_file), read_only=True)
    assert [r[0] for r in con.execute("DESCRIBE metrics").fetchall()] == METRICS.column_names
    assert [r[0] for r in con.execute("DESCRIBE runs").fetchall()] == RUNS.column_names
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (
        str(SCHEMA_VERSION),)
    con.close()


def _npv_error(out: str, deal: str, party: str) -> str:
    """The ± after a deal's mean NPV in ``runs show``'s notes (``mean NPV 22.03 ±5.64``)."""
    import re

    (found,) = re.findall(rf"{deal} {party}: mean NPV \S+ (±\S+) \(one s\.e\.", out)
    return str(found)


def test_runs_show_writes_the_stored_se_and_derives_it_for_a_run_stored_before_schema_6(
        store_file: Path, small_result: cc.Result) -> None:
    """``runs show``'s ± is the se the store keeps since schema 6 (Result.summary()'s se):
    a stored se changed by hand shows as changed, so it is read, not derived from sd; a run
    stored before schema 6 (se NULL) still gets the sd-based ±, which equals the run's."""
    from typer.testing import CliRunner

    from chipcredit import cli
    from chipcredit.report.monte_carlo_error import money_error

    deal, party = "nvidia-openai-loi", "nvidia"
    summary = small_result.summary()
    se = float(summary[(summary["deal"] == deal) & (summary["party"] == party)
                       & (summary["metric"] == "npv")]["se"].iloc[0])
    store = RunStore(store_file)
    store.save(small_result)  # run 1: stored under schema 6 below, its se then NULL
    _make_version_5(store_file)
    assert store.save(small_result) == 2  # migrates; run 2 keeps its se

    def shown(run: int) -> str:
        res = CliRunner().invoke(cli.app, ["runs", "show", str(run), "--store", str(store_file)],
                                 terminal_width=200)
        assert res.exit_code == 0, res.output
        return _npv_error(res.stdout, deal, party)

    assert shown(1) == shown(2) == money_error(se)  # the fallback gives the run's ±
    con = duckdb.connect(str(store_file))
    con.execute("UPDATE metrics SET se = 7.77 WHERE run = 2 AND deal = ? AND party = ? "
                "AND metric = 'npv'", [deal, party])
    con.close()
    assert shown(2) == "±7.77"
    assert shown(1) == money_error(se)  # NULL se: from sd, as before
