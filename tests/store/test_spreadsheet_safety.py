"""What the run store shows and exports reaches a spreadsheet or a terminal unchanged.

A seed above 2**53 is shown to the digit and written to the workbook as text (Excel keeps
15 significant digits); ``runs sql --csv`` escapes text a spreadsheet would run as a formula;
every workbook sheet has a frozen header row, and its times say they are UTC.
"""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chipcredit as cc
from chipcredit import cli

duckdb = pytest.importorskip("duckdb")
openpyxl = pytest.importorskip("openpyxl")

from chipcredit.store import RunStore  # noqa: E402

BIG_SEED = 2**53 + 1
"""9007199254740993: the first whole number a float64 cannot hold (it reads ...992)."""


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def big_seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bigseed") / "runs.duckdb"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cc.ChipcreditWarning)
        # one Monte Carlo path (a deterministic run records seed 0, whatever it is given)
        result = cc.simulate("seed-2025", paths=1, seed=BIG_SEED)
    assert result.seed == BIG_SEED
    RunStore(path).save(result)
    return path


def test_a_big_seed_is_shown_to_the_digit(big_seed_store: Path) -> None:
    assert float(BIG_SEED) != BIG_SEED  # the seed a float would round
    rounded = str(int(float(BIG_SEED)))
    code, out, err = _invoke("runs", "list", "--store", str(big_seed_store))
    assert code == 0, err
    assert str(BIG_SEED) in out and rounded not in out
    code, out, err = _invoke("runs", "show", "1", "--store", str(big_seed_store))
    assert code == 0, err
    header, footer = out.splitlines()[0], out.strip().splitlines()[-1]
    assert f"seed {BIG_SEED} ·" in header
    assert f"seed {BIG_SEED} ·" in footer
    assert rounded not in out


def test_the_workbook_keeps_the_seed_as_text_and_freezes_headers(big_seed_store: Path,
                                                                 tmp_path: Path) -> None:
    target = tmp_path / "run.xlsx"
    RunStore(big_seed_store).export_xlsx(1, target)
    book = openpyxl.load_workbook(target)
    header, values = ([c.value for c in row] for row in book["runs"].iter_rows(max_row=2))
    run = dict(zip(header, values, strict=True))
    assert run["seed"] == str(BIG_SEED)  # text: as a number Excel would keep 15 digits
    assert "started (UTC)" in run and "finished (UTC)" in run
    assert "started" not in run and "finished" not in run
    assert run["paths"] == 1  # other numbers stay numbers
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
    book.close()


def test_runs_sql_csv_escapes_what_a_spreadsheet_would_run(big_seed_store: Path) -> None:
    query = ("SELECT 1 AS n, '=1+1' AS a, '+2' AS b, '-3' AS c, '@SUM(A1)' AS d, "
             "chr(9) || 'x' AS e, -4 AS neg, 'xai-debt' AS f, NULL AS g, 2.5 AS \"=h\"")
    code, out, err = _invoke("runs", "sql", "--csv", query, "--store", str(big_seed_store))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["n", "a", "b", "c", "d", "e", "neg", "f", "g", "'=h"]
    assert rows[1] == ["1", "'=1+1", "'+2", "'-3", "'@SUM(A1)", "'\tx", "-4", "xai-debt", "",
                       "2.5"]
    # a real column: a run's scenario text comes through unchanged when it is safe
    code, out, err = _invoke("runs", "sql", "--csv", "SELECT id, seed, scenario FROM runs",
                             "--store", str(big_seed_store))
    assert code == 0, err
    assert out.splitlines()[1] == f"1,{BIG_SEED},seed-2025"
