"""``chipcredit sensitivity`` and ``chipcredit solve``: tables, JSON files, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from chipcredit import cli

from ._world import LAB_CASH_END, LENDER_CASH_IN, world_data

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def one_error(stderr: str, *fragments: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def world_file(tmp_path: Path) -> Path:
    path = tmp_path / "world.yaml"
    path.write_text(yaml.safe_dump(world_data(), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def correlated_file(tmp_path: Path) -> Path:
    data = world_data(correlations=[{"a": "parties.xai.cash", "b": "parties.xai.revenue.run_rate",
                                     "rho": 0.5}])
    path = tmp_path / "correlated.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_sensitivity_prints_a_ranked_table_and_writes_json(world_file: Path,
                                                           tmp_path: Path) -> None:
    out_file = tmp_path / "tornado.json"
    code, out, err = invoke("sensitivity", str(world_file), "--metric", LENDER_CASH_IN,
                            "-p", "deals.loan.rate", "-p", "deals.loan.amount",
                            "--paths", "4", "--json", str(out_file))
    assert code == 0, err
    assert out.index("deals.loan.amount") < out.index("deals.loan.rate")
    assert "tornado" in out and "swing" in out and "4.8000" in out
    data = json.loads(out_file.read_text())
    assert [r["parameter"] for r in data["table"]] == ["deals.loan.amount", "deals.loan.rate"]
    assert data["table"][0]["swing"] == pytest.approx(4.8)
    assert not list(tmp_path.glob(".*.tmp"))


def test_sensitivity_says_when_it_switches_to_delta(correlated_file: Path) -> None:
    code, out, err = invoke("sensitivity", str(correlated_file), "-m", LAB_CASH_END,
                            "--method", "sobol", "--samples", "64", "--resamples", "10",
                            "--paths", "2")
    assert code == 0, err
    assert "note: inputs are correlated" in err
    assert "delta" in out


def test_sensitivity_errors_are_one_line(world_file: Path) -> None:
    code, _, err = invoke("sensitivity", str(world_file), "-m", "parties.xai.cash_ned.mean",
                          "--paths", "2")
    assert code == 2
    one_error(err, "did you mean parties.xai.cash_end")
    code, _, err = invoke("sensitivity", str(world_file), "-m", LAB_CASH_END,
                          "--method", "sobol", "--samples", "100", "--paths", "2")
    assert code == 2
    one_error(err, "power of two")


def test_solve_prints_probes_and_the_root(world_file: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "solve.json"
    code, out, err = invoke("solve", str(world_file), "--vary", "deals.loan.rate",
                            "--target", f"{LENDER_CASH_IN} >= 12.5", "--paths", "4",
                            "--json", str(out_file))
    assert code == 0, err
    assert "found:" in out and "deals.loan.rate = 0.125" in out
    assert "holds for deals.loan.rate >= 0.125" in out
    data = json.loads(out_file.read_text())
    assert data["status"] == "found" and data["root"] == pytest.approx(0.125)
    assert len(data["probes"]) >= 2


def test_solve_without_a_root_answers_with_the_range(world_file: Path) -> None:
    code, out, err = invoke("solve", str(world_file), "--vary", "deals.loan.rate",
                            "--target", f"{LENDER_CASH_IN} = 12.5", "--low", "0",
                            "--high", "0.1", "--paths", "4")
    assert code == 0, err
    assert "no root:" in out and "ranges from 10 to 12" in out


def test_solve_errors_are_one_line(world_file: Path) -> None:
    code, _, err = invoke("solve", str(world_file), "--vary", "deals.loan.rate",
                          "--target", f"{LENDER_CASH_IN} > 12", "--paths", "4")
    assert code == 2
    one_error(err, "METRIC >= VALUE")
    code, _, err = invoke("solve", str(world_file), "--vary", "deals.loan.rat",
                          "--target", f"{LENDER_CASH_IN} = 12", "--paths", "4")
    assert code == 2
    one_error(err, "did you mean deals.loan.rate?")
