"""Output into a pipe or a file: `runs sql` at full width (no id or number cut to ``…``), and
no line of any command padded with trailing spaces."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.app import console

runner = CliRunner()
LOAN = str(Path(__file__).parents[1] / "fixtures_credit" / "minimal-loan.yaml")


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store holding one deterministic run, and what `run` printed for it."""
    path = tmp_path_factory.mktemp("store") / "runs.duckdb"
    done = runner.invoke(cli.app, ["run", LOAN, "--deterministic", "--store", str(path)])
    assert done.exit_code == 0, done.stderr
    return path, done.stdout


def test_runs_sql_into_a_pipe_cuts_no_id_or_number(stored: tuple[Path, str]) -> None:
    path, _ = stored
    query = "SELECT * FROM metrics WHERE metric = 'loss'"
    shown = runner.invoke(cli.app, ["runs", "sql", query, "--store", str(path)])
    assert shown.exit_code == 0, shown.stderr
    assert "…" not in shown.stdout
    rows = [ln for ln in shown.stdout.splitlines() if ln.startswith("│")]
    every = list(csv.DictReader(io.StringIO(runner.invoke(
        cli.app, ["runs", "sql", query, "--store", str(path), "--csv"]).stdout)))
    assert len(rows) == len(every) > 0  # one line a row: nothing folded onto a second line
    for line, row in zip(rows, every, strict=True):
        cells = [c.strip() for c in line.strip("│").split("│")]
        assert cells[list(row).index("party")] == row["party"]
        assert float(cells[list(row).index("mean")]) == pytest.approx(float(row["mean"]), rel=1e-9)


def test_no_line_of_piped_output_ends_in_a_space(stored: tuple[Path, str]) -> None:
    _, text = stored
    assert "n/m MOIC not meaningful" in text  # a caption Rich pads to the table's width
    assert [ln for ln in text.splitlines() if ln.endswith(" ")] == []


def test_the_trimmed_stream_holds_an_unended_line_until_flushed(
        capsys: pytest.CaptureFixture[str]) -> None:
    out = console()
    assert not out.is_terminal
    out.file.write("a  \nb ")
    assert capsys.readouterr().out == "a\n"
    out.file.write(" c  \n")
    out.file.write("d  ")
    out.file.flush()  # the end of output: what is held goes out as it is
    assert capsys.readouterr().out == "b  c\nd  "
