"""The command line: exit codes, one-line errors, tables, and files written atomically."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli
from chipcredit.analytics.schedule import DEBT_COLUMNS

runner = CliRunner()

DEALS = [d.id for d in cc.load_scenario("seed-2025").deals]
CASHFLOW_COLUMNS = ["time", "quarter", "timing", "from", "to", "kind", "amount", "counted", "unit"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"unexpected {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def assert_one_error_line(stdout: str, stderr: str, *fragments: str) -> None:
    assert "Traceback" not in stdout + stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def bad_rate_file(tmp_path: Path) -> tuple[Path, str]:
    """seed-2025 with the xAI debt rate written as a percent (11 for 0.11)."""
    text = cc.load_scenario("seed-2025").source_text
    old = "    rate: {value: 0.125,"
    assert text.count(old) == 1
    line = text[: text.index(old)].count("\n") + 1
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, "    rate: {value: 11,"), encoding="utf-8")
    # the column is the 11's, not the map's `{` at column 11
    expected = (f"{path}:{line}:19: deals[1].rate must be between 0 and 1; got 11 "
                "(did you mean 0.11?)")
    return path, expected


# --- scenarios, validate, schema, version ----------------------------------------------


def test_scenarios_lists_the_bundled_ones() -> None:
    code, out, err = invoke("scenarios")
    assert code == 0, err
    assert "seed-2025" in out
    assert "Nvidia finances xAI" in out


def test_validate_ok() -> None:
    code, out, err = invoke("validate", "seed-2025")
    assert code == 0, err
    assert out.strip() == "ok: seed-2025"
    assert err == ""


def test_validate_prints_the_exact_problem_line(bad_rate_file: tuple[Path, str]) -> None:
    path, expected = bad_rate_file
    code, out, err = invoke("validate", "seed-2025", str(path))
    assert code == 2
    assert out.strip() == "ok: seed-2025"
    assert err.strip().splitlines() == [expected]


def test_validate_does_not_read_markup_in_messages(tmp_path: Path) -> None:
    code, _, err = invoke("validate", str(tmp_path / "[bold]missing[/bold].yaml"))
    assert code == 2
    assert "[bold]missing[/bold].yaml: no such file" in err


def test_schema_is_json() -> None:
    code, out, err = invoke("schema")
    assert code == 0, err
    schema = json.loads(out)
    assert "properties" in schema
    assert "deals" in schema["properties"]


def test_version_from_python_dash_m() -> None:
    src = str(Path(cc.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run([sys.executable, "-m", "chipcredit", "--version"], capture_output=True,
                          text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"chipcredit {cc.__version__}"


def test_main_exits_with_the_status() -> None:
    with pytest.raises(SystemExit) as ok:
        cli.main(["--version"])
    assert ok.value.code == 0
    with pytest.raises(SystemExit) as bad:
        cli.main(["run", "seed-2025", "--paths", "0"])
    assert bad.value.code == 2


# --- run -------------------------------------------------------------------------------


def test_run_deterministic_prints_the_tables() -> None:
    code, out, err = invoke("run", "seed-2025", "--deterministic")
    assert code == 0, err
    assert "What each party gets from each deal ($B" in out
    assert "Parties ($B" in out
    for deal in DEALS:
        assert deal in out
    for header in ("NPV", "IRR", "MOIC", "loss", "defaults", "revenue total", "cash end"):
        assert header in out
    footer = out.strip().splitlines()[-1]
    assert "seed-2025" in footer
    text = cc.load_scenario("seed-2025").source_text
    assert hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] in footer
    assert "deterministic" in footer
    assert "ledger max imbalance" in footer


def _deals_header(out: str) -> list[list[str]]:
    """The deals table's header lines, split into their cells (between the box lines)."""
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("┏"))
    end = next(i for i in range(top, len(lines)) if lines[i].startswith("┡"))
    return [[cell.strip() for cell in line.strip("┃").split("┃")] for line in lines[top + 1:end]]


def test_run_deterministic_labels_its_columns_for_one_path() -> None:
    # one path has no median, no mean and no share of paths: the headers say NPV, not NPV
    # p50, loss, not loss mean, and whether the path lost, yes or no, not P(loss > 0)
    code, out, err = invoke("run", "seed-2025", "--deterministic")
    assert code == 0, err
    header = _deals_header(out)
    cells = [" ".join(part for part in column if part)
             for column in zip(*header, strict=True)]
    assert cells == ["deal", "party", "NPV", "IRR", "MOIC", "deal loss", "deal loss > 0"]
    table = out.split("Parties ($B")[0]
    assert "p50" not in table and "mean" not in table.split("┡")[0] and "P(loss" not in table
    rows = [line.strip("│").split("│") for line in table.splitlines() if line.startswith("│")]
    # a hypothetical deal's second line (its mark under the name) has no figures
    lost = [(float(row[-2]), row[-1].strip()) for row in rows if row[-2].strip()]
    # each row says yes exactly where its loss is above 0 (the base case: the vendor
    # credit's Nvidia loses 1.09)
    assert all(said == ("yes" if loss > 0 else "no") for loss, said in lost)
    assert (1.09, "yes") in lost and sum(said == "no" for _, said in lost) == len(lost) - 1


def test_run_over_paths_keeps_the_monte_carlo_headers() -> None:
    code, out, err = invoke("run", "seed-2025", "--paths", "20", "--seed", "1", "--no-store")
    assert code == 0, err
    cells = [" ".join(part for part in column if part)
             for column in zip(*_deals_header(out), strict=True)]
    assert cells == ["deal", "party", "NPV p50", "IRR p50", "MOIC p50", "deal loss mean",
                     "P(deal loss>0)"]


def test_an_engine_warning_is_one_line(tmp_path: Path) -> None:
    # the telecom banks' loans have paths with no IRR and no side to name: the engine's
    # ChipcreditWarning comes out as one yellow line, not in Python's format; the deals
    # that run past the 12-quarter horizon are one note line before it
    code, _, err = invoke("run", "telecom-2000", "--paths", "300", "--seed", "1", "--no-store")
    assert code == 0, err
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 2
    assert lines[0] == "note: " + str(cc.load_scenario("telecom-2000").horizon_note())
    assert lines[1].startswith("warning: IRR has no value on some paths")
    assert "ChipcreditWarning" not in err and "ChipcreditNote" not in err


def test_run_json_is_valid_and_reproducible(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for target in (first, second):
        code, out, err = invoke("run", "seed-2025", "--paths", "2000", "--seed", "7",
                                "--json", str(target))
        assert code == 0, err
        # the warrant's missing IRRs are above the bracket: no warning for them; a path where
        # OpenAI defaults between paying for a tranche and selling it has none in the
        # bracket (a few of these 2,000), and only that is named, on one line
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) <= 1
        assert all(line.startswith("warning: IRR has no value on some paths") and
                   "above_bracket" not in line and "no_root_in_bracket" in line for line in lines)
        assert "2,000 paths" in out
    data = json.loads(first.read_text(encoding="utf-8"))
    assert {"deals", "parties", "ledger"} <= set(data)
    assert data["paths"] == 2000
    assert data["seed"] == 7
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]  # no temp left


def test_run_quiet_prints_nothing_but_writes(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    code, out, err = invoke("run", "seed-2025", "--deterministic", "--quiet", "--json",
                            str(target))
    assert code == 0, err
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["deterministic"] is True


@pytest.mark.parametrize("value", ["0", "-5", "abc"])
def test_run_bad_paths_is_one_line(value: str) -> None:
    code, out, err = invoke("run", "seed-2025", "--paths", value)
    assert code == 2
    assert_one_error_line(out, err, "--paths")


def test_run_too_many_paths_is_one_line() -> None:
    code, out, err = invoke("run", "seed-2025", "--paths", str(cc.MAX_PATHS + 1))
    assert code == 2
    assert_one_error_line(out, err, "without force")


def test_run_unknown_scenario_suggests_a_name() -> None:
    code, out, err = invoke("run", "seed-2052", "--deterministic")
    assert code == 2
    assert "Traceback" not in out + err
    assert err.strip() == ("seed-2052: no such file, and no bundled scenario of that name "
                           "(did you mean seed-2025?)")


def test_run_bad_scenario_file_prints_problems(bad_rate_file: tuple[Path, str]) -> None:
    path, expected = bad_rate_file
    code, out, err = invoke("run", str(path), "--deterministic")
    assert code == 2
    assert out == ""
    assert err.strip().splitlines() == [expected]


def test_run_cashflows_writes_one_csv_per_deal(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    code, _, err = invoke("run", "seed-2025", "--deterministic", "--cashflows", str(folder))
    assert code == 0, err
    # and a debt schedule for each deal with debt: the loan, the SPV's debt, the vendor credit
    debts = ["colossus2-spv", "xai-chips-on-credit", "xai-debt"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{d}.csv" for d in DEALS] + [f"{d}.debt.csv" for d in debts])
    for deal in DEALS:
        with (folder / f"{deal}.csv").open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == CASHFLOW_COLUMNS
    with (folder / "xai-debt.csv").open(newline="", encoding="utf-8") as fh:
        debt = list(csv.DictReader(fh))
    assert debt and debt[0]["kind"] == "loan_draw"
    with (folder / "xai-debt.debt.csv").open(newline="", encoding="utf-8") as fh:
        schedule = list(csv.DictReader(fh))
    assert list(schedule[0]) == list(DEBT_COLUMNS)
    # $5B bullet at 12.5%: 0.15625 interest a quarter, drawn in the first
    assert (schedule[0]["drawn"], schedule[0]["paid_interest"]) == ("5.0", "0.15625")


def test_run_cashflows_path_out_of_range(tmp_path: Path) -> None:
    folder = tmp_path / "flows"
    code, out, err = invoke("run", "seed-2025", "--deterministic", "--cashflows", str(folder),
                            "--cashflows-path", "3")
    assert code == 2
    assert_one_error_line(out, err, "--cashflows-path")
    assert not folder.exists()


def test_run_json_into_missing_folder_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.json"
    code, out, err = invoke("run", "seed-2025", "--deterministic", "--json", str(target))
    assert code == 2
    assert_one_error_line(out, err, "does not exist")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> cc.Result:
        raise KeyboardInterrupt

    monkeypatch.setattr(cc, "simulate", interrupted)
    code, out, err = invoke("run", "seed-2025", "--deterministic")
    assert code == 130
    assert "Traceback" not in out + err
    assert err.strip() == "interrupted"


def test_unknown_command_and_option_are_one_line() -> None:
    code, out, err = invoke("frob")
    assert code == 2
    assert_one_error_line(out, err, "frob")
    code, out, err = invoke("run", "seed-2025", "--bogus")
    assert code == 2
    assert_one_error_line(out, err, "--bogus")
