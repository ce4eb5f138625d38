"""``chipcredit report RUN_ID`` of a run with several variants names the one it shows, or
refuses in one line naming them; `replay` does the same for the API."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.report import replay

pytest.importorskip("duckdb")

from chipcredit.store import RunStore

runner = CliRunner()


@pytest.fixture(scope="module")
def stress_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run 1: a stress test (base and stressed), run 2: a plain run; base cases (fast)."""
    path = tmp_path_factory.mktemp("report-variant") / "runs.duckdb"
    pack = cc.StressPack.model_validate(
        {"name": "glut", "shocks": [{"kind": "gpu_glut", "start": "2026Q1", "size": 0.5}]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        res = cc.stress("seed-2025", pack, deterministic=True)
        plain = cc.simulate("seed-2025", deterministic=True)
    runs = RunStore(path)
    assert runs.save({"base": res.base, "stressed": res.stressed}, kind="stress") == 1
    assert runs.save(plain) == 2
    return path


def _report(store: Path, out: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, ["report", *args, "-o", str(out), "--store", str(store)])
    return result.exit_code, result.stdout, result.stderr


def test_a_stress_run_without_variant_is_refused_naming_its_variants(stress_store: Path,
                                                                     tmp_path: Path) -> None:
    code, _, err = _report(stress_store, tmp_path / "r.html", "1")
    assert code == 2
    assert err == ("error: run 1 is a stress run with variants base and stressed; a report "
                   "shows one, and only base can be simulated again (the store keeps its "
                   "scenario): add --variant base\n")
    code, _, err = _report(stress_store, tmp_path / "r.html", "1", "--variant", "stressed")
    assert code == 2
    assert err == ("error: run 1: variant stressed cannot be simulated again (the store keeps "
                   "the scenario of base only); --variant base reports that one\n")
    code, _, err = _report(stress_store, tmp_path / "r.html", "1", "--variant", "b")
    assert code == 2
    assert err == "error: run 1 has no variant 'b'; it has base and stressed\n"
    code, _, err = _report(stress_store, tmp_path / "r.html", "seed-2025", "--variant", "a")
    assert code == 2 and "a scenario has none" in err
    assert not (tmp_path / "r.html").exists()


def test_replay_of_the_named_variant_is_that_variant(stress_store: Path) -> None:
    runs = RunStore(stress_store, read_only=True)
    with pytest.raises(cc.UsageError, match="add --variant base"):
        replay(1, runs)
    again = replay(1, runs, variant="base")
    assert again.to_json() == runs.get_run(1)["run"]["summary_json"]
    assert replay(2, runs, variant="main").to_json() == replay(2, runs).to_json()


def test_report_of_the_base_variant_says_which_it_shows(stress_store: Path,
                                                         tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    code, stdout, err = _report(stress_store, out, "1", "--variant", "base")
    assert code == 0, err
    assert stdout.strip() == f"wrote {out} (variant base of run 1)"
    assert out.stat().st_size > 0
