"""Saving a Result and reading it back gives the same numbers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chipcredit as cc

duckdb = pytest.importorskip("duckdb")

from chipcredit.store import MAIN, SCHEMA_VERSION, TABLES, RunStore, open_store  # noqa: E402


def _same(a: object, b: object) -> bool:
    fa = None if a is None or (isinstance(a, float) and np.isnan(a)) else float(a)  # type: ignore[arg-type]
    fb = None if b is None or (isinstance(b, float) and np.isnan(b)) else float(b)  # type: ignore[arg-type]
    return fa == fb


def assert_outcomes_equal(got: dict[str, np.ndarray], want: dict[str, np.ndarray],
                          n: int) -> None:
    assert list(got) == list(want)
    for key, values in want.items():
        np.testing.assert_array_equal(got[key], np.asarray(values[:n], dtype=np.float64),
                                      err_msg=key)


def test_round_trip(store_file: Path, small_result: cc.Result) -> None:
    store = RunStore(store_file)
    run_id = store.save(small_result, extra={"note": "first"})
    assert run_id == 1
    data = store.get_run(run_id, outcomes=True)
    run = data["run"]
    assert run["status"] == "complete"
    assert run["kind"] == "run"
    assert run["scenario"] == "seed-2025"
    assert run["scenario_yaml"] == small_result.scenario.source_text
    assert run["scenario_sha256"] == small_result.scenario_sha256
    assert (run["paths"], run["seed"], run["deterministic"]) == (400, 3, False)
    assert run["version"] == cc.__version__
    assert run["stored_paths"] == 400
    assert run["variants"] == 1
    assert run["extra"] == {"note": "first"}
    assert run["started"] <= run["finished"]
    assert json.loads(run["summary_json"]) == small_result.to_dict()

    # metrics: the summary's statistics, row for row; neither has a default_probability for
    # a party that cannot default (a funded cloud), where a 0 would read as "safe"
    summary = small_result.summary()
    defaults = summary[summary["deal"].isna() & (summary["metric"] == "default_probability")]
    assert list(defaults["party"]) == [p.id for p in small_result.scenario.parties
                                       if p.can_default]
    assert "hyperscale-clouds" not in set(defaults["party"])
    metrics = data["metrics"]
    assert len(metrics) == len(summary)
    for want, got in zip(summary.to_dict("records"), metrics.to_dict("records"), strict=True):
        want_deal = want["deal"] if isinstance(want["deal"], str) else None
        got_deal = got["deal"] if isinstance(got["deal"], str) else None
        assert (got_deal, got["party"], got["metric"]) == (want_deal, want["party"],
                                                           want["metric"])
        for stat in ("mean", "p05", "p50", "p95"):
            # an IRR percentile above the bracket is inf in the summary, NULL in the store
            # (docs/output.md, "IRR percentiles"); the stored JSON keeps its side
            above = want["metric"] == "irr" and want[stat] == np.inf
            assert _same(got[stat], None if above else want[stat]), (want, got)
    loss = metrics[(metrics["deal"] == "xai-debt") & (metrics["party"] == "xai-bondholders")
                   & (metrics["metric"] == "loss")].iloc[0]
    losses = small_result.outcome("xai-debt", "xai-bondholders", "loss")
    assert loss["p_positive"] == pytest.approx(float((losses > 1e-9).mean()))
    assert loss["deal_kind"] == "loan"
    assert loss["party_kind"] == "lender"

    # bands, flows, defaults
    bands = data["bands"]
    for party, variable in small_result.reservoir:
        got = bands[(bands["party"] == party) & (bands["variable"] == variable)]
        want = small_result.bands(party, variable)
        pd.testing.assert_frame_equal(got[list(want.columns)].reset_index(drop=True), want,
                                      check_dtype=False)
    flows = data["flows"].rename(columns={"from_party": "from", "to_party": "to"})
    want_flows = small_result.flows()
    key = ["from", "to", "kind", "quarter"]
    pd.testing.assert_frame_equal(
        flows[list(want_flows.columns)].sort_values(key).reset_index(drop=True),
        want_flows.sort_values(key).reset_index(drop=True), check_dtype=False)
    defaults = data["defaults"]
    for lab in ("openai", "xai"):
        timing = small_result.default_timing(lab)
        mine = defaults[defaults["party"] == lab]
        total = mine[mine["cause"] == "all"].reset_index(drop=True)
        np.testing.assert_allclose(total["probability"], timing["probability"])
        np.testing.assert_allclose(total["cumulative"], timing["cumulative"])
        for cause in ("arrears_unfunded", "covenant", "cross_default"):
            part = mine[mine["cause"] == cause].reset_index(drop=True)
            np.testing.assert_allclose(part["probability"], timing[cause])

    # outcomes rebuild the per-path arrays exactly, NaN included
    assert_outcomes_equal(data["outcomes"][MAIN], small_result.outcomes, 400)
    assert_outcomes_equal(store.outcomes(run_id), small_result.outcomes, 400)
    irr = store.outcomes(run_id)["deal|colossus2-spv|nvidia|irr"]
    assert np.isnan(irr).any()


def test_list_diff_and_long_outcomes(store_file: Path, small_result: cc.Result,
                                     other_result: cc.Result) -> None:
    store = RunStore(store_file)
    a = store.save(small_result)
    b = store.save(other_result, kind="compare")
    runs = store.list_runs()
    assert list(runs["id"]) == [a, b]
    assert list(runs["kind"]) == ["run", "compare"]
    assert set(runs["status"]) == {"complete"}
    assert "scenario_yaml" not in runs.columns

    same = store.diff(a, a)
    assert (same["mean_diff"].fillna(0) == 0).all()
    diff = store.diff(a, b)
    row = diff[(diff["deal"] == "xai-debt") & (diff["party"] == "xai-bondholders")
               & (diff["metric"] == "npv")].iloc[0]
    want_a = small_result.summary()
    want_a = want_a[(want_a["deal"] == "xai-debt") & (want_a["party"] == "xai-bondholders")
                    & (want_a["metric"] == "npv")].iloc[0]
    assert row["mean_a"] == pytest.approx(want_a["mean"])
    assert row["mean_diff"] == pytest.approx(row["mean_b"] - row["mean_a"])

    long = store.sql(f"SELECT path, value FROM outcome_paths WHERE run = {b} AND "
                     "deal = 'xai-debt' AND party = 'xai-bondholders' AND metric = 'npv' "
                     "ORDER BY path")
    assert list(long["path"]) == list(range(300))
    np.testing.assert_array_equal(long["value"].to_numpy(),
                                  other_result.outcome("xai-debt", "xai-bondholders", "npv"))


def test_variants_cap_and_base_case(store_file: Path, small_result: cc.Result,
                                    other_result: cc.Result, base_case: cc.Result) -> None:
    store = RunStore(store_file, max_outcome_paths=50)
    run_id = store.save({"low": small_result, "high": other_result}, kind="sensitivity")
    data = store.get_run(run_id, outcomes=True)
    assert data["run"]["variants"] == 2
    assert data["run"]["stored_paths"] == 50
    assert list(dict.fromkeys(data["metrics"]["variant"])) == ["low", "high"]
    assert_outcomes_equal(data["outcomes"]["low"], small_result.outcomes, 50)
    assert_outcomes_equal(store.outcomes(run_id, "high"), other_result.outcomes, 50)
    with pytest.raises(cc.UsageError, match="no variant 'main'"):
        store.outcomes(run_id)

    base = store.save(base_case)
    assert store.get_run(base)["run"]["deterministic"] is True
    assert_outcomes_equal(store.outcomes(base), base_case.outcomes, 1)


def test_schema_meta_and_tables(store_file: Path, small_result: cc.Result) -> None:
    RunStore(store_file).save(small_result)
    con = duckdb.connect(str(store_file), read_only=True)
    try:
        names = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_type = 'BASE TABLE'").fetchall()}
        assert names == {t.name for t in TABLES}
        for table in TABLES:
            cols = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table.name]).fetchall()]
            assert cols == table.column_names
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
    finally:
        con.close()


def test_errors_are_one_line_usage_errors(store_file: Path, small_result: cc.Result) -> None:
    with pytest.raises(cc.UsageError, match="no run store at"):
        RunStore(store_file).list_runs()
    assert not store_file.exists()  # readers never create a store
    store = RunStore(store_file)
    store.save(small_result)
    with pytest.raises(cc.UsageError, match=r"no run 7 in the run store .*; it has run 1$"):
        store.get_run(7)
    with pytest.raises(cc.UsageError, match="read-only"):
        RunStore(store_file, read_only=True).save(small_result)
    with pytest.raises(cc.UsageError, match="can only store chipcredit Results"):
        store.save({"x": 3})  # type: ignore[dict-item]
    with pytest.raises(cc.UsageError, match=r"folder .* does not exist"):
        with open_store(store_file.parent / "missing" / "s.duckdb"):
            pass
    with open_store(store_file, read_only=True) as reader:
        assert len(reader.list_runs()) == 1
    garbage = store_file.parent / "garbage.duckdb"
    garbage.write_text("not a database " * 100, encoding="utf-8")
    with pytest.raises(cc.UsageError, match=r"cannot open the run store .*garbage"):
        RunStore(garbage).list_runs()
    with pytest.raises(cc.UsageError, match=r"cannot open the run store .*garbage"):
        RunStore(garbage).save(small_result)
    with pytest.raises(cc.UsageError) as caught:
        RunStore(garbage).list_runs()
    assert "\n" not in str(caught.value)


def test_second_source_quarter_is_stored_over_the_paths_that_second_sourced(
        store_file: Path, small_result: cc.Result) -> None:
    store = RunStore(store_file)
    run = store.save(small_result)
    stored = store.get_run(run)["metrics"]
    summary = small_result.summary()
    rows = stored[stored["metric"] == "second_source_quarter"].set_index("party")
    assert len(rows)
    for party, row in rows.iterrows():
        mine = summary[(summary["party"] == party)
                       & (summary["metric"] == "second_source_quarter")].iloc[0]
        sq = small_result.outcome(None, str(party), "second_source_quarter")
        assert row["nan_share"] == pytest.approx(float(mine["nan_share"]))
        assert row["nan_share"] == pytest.approx(float(np.mean(sq < 0)))
        if (sq >= 0).any():  # -1 (never) is not a quarter: min, max and sd skip it
            assert row["min"] == sq[sq >= 0].min() and row["min"] >= 0
            assert row["p50"] == pytest.approx(float(mine["p50"]))
