"""`RunStore.save` of an experiment's record: a StressResult and a CompareResult are stored as
their CLI commands store them; a SensitivityResult or SolveResult, which keep no run, get a
one-line UsageError that says what to pass (it was a raw TypeError: 'StressResult' object
is not iterable)."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import chipcredit as cc

pytest.importorskip("duckdb")

from chipcredit.store import RunStore


@pytest.fixture(scope="module")
def stressed() -> cc.StressResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.stress("seed-2025", "gpu-glut", paths=30, seed=2)


@pytest.fixture(scope="module")
def compared() -> cc.CompareResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        return cc.compare("seed-2025-sell-only", "seed-2025", paths=30, seed=2)


def _metrics(store: RunStore, run_id: int) -> pd.DataFrame:
    frame = store.get_run(run_id)["metrics"].drop(columns=["run"], errors="ignore")
    return frame.sort_values(list(frame.columns[:4])).reset_index(drop=True)


def test_a_stress_result_is_stored_as_the_cli_stores_it(store_file: Path,
                                                        stressed: cc.StressResult) -> None:
    store = RunStore(store_file)
    run_id = store.save(stressed)
    by_hand = store.save({"base": stressed.base, "stressed": stressed.stressed}, kind="stress")
    run = store.get_run(run_id)["run"]
    assert run["kind"] == "stress" and run["variants"] == 2
    assert run["extra"] == {"pack": "gpu-glut"}
    assert set(_metrics(store, run_id)["variant"]) == {"base", "stressed"}
    pd.testing.assert_frame_equal(_metrics(store, run_id), _metrics(store, by_hand))
    # a kind given is kept, and extra is added to
    other = store.save(stressed, kind="mine", extra={"note": 1})
    run = store.get_run(other)["run"]
    assert run["kind"] == "mine" and run["extra"] == {"pack": "gpu-glut", "note": 1}


def test_a_compare_result_is_stored_as_a_and_b(store_file: Path,
                                               compared: cc.CompareResult) -> None:
    store = RunStore(store_file)
    run_id = store.save(compared)
    run = store.get_run(run_id)["run"]
    assert run["kind"] == "compare" and run["scenario"] == "seed-2025-sell-only"
    assert run["extra"] == {"a": "seed-2025-sell-only", "b": "seed-2025"}
    assert set(_metrics(store, run_id)["variant"]) == {"a", "b"}


def test_a_sensitivity_or_solve_result_is_refused_with_the_way_to_store_it(
        store_file: Path) -> None:
    table = pd.DataFrame({"parameter": ["p"], "swing": [1.0]})
    sens = cc.SensitivityResult(
        scenario="seed-2025", metric="m", method="tornado", requested="tornado",
        params=("p",), table=table, baseline=1.0, notes=(), runs=3, paths=200, seed=3,
        samples=None, spread=0.2, elapsed_seconds=1.0)
    with pytest.raises(cc.UsageError) as caught:
        RunStore(store_file).save(sens)
    assert str(caught.value) == (
        "RunStore.save: a SensitivityResult keeps no run to store, only its table; store its "
        "baseline run as `chipcredit sensitivity` does: save({'baseline': "
        "cc.simulate('seed-2025', paths=200, seed=3)}, kind='sensitivity', "
        "extra={'experiment': res.to_dict()})")
    solved = cc.SolveResult(
        scenario="seed-2025", vary="v", metric="m", op="=", target=2.0, status="no_root",
        root=None, bracket=(0.0, 4.0), final_bracket=None, probes=(), metric_range=(0.0, 1.0),
        holds=None, message="none", notes=(), paths=50, seed=1, tol=1e-3,
        elapsed_seconds=1.0)
    with pytest.raises(cc.UsageError, match=r"^RunStore.save: a SolveResult keeps no run .*"
                                            r"kind='solve'"):
        RunStore(store_file).save(solved)


def test_anything_else_is_one_line_naming_what_to_pass(store_file: Path) -> None:
    with pytest.raises(cc.UsageError) as caught:
        RunStore(store_file).save(42)  # type: ignore[arg-type]
    assert str(caught.value) == ("RunStore.save takes a Result, a mapping of variant names to "
                                 "Results, a StressResult or a CompareResult; got int")
