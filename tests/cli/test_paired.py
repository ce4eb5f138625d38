"""`stress` and `compare`: the paths behind a row, --quiet, and the `wrote FILE` line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from chipcredit import cli
from chipcredit.cli.stress import paired_table

runner = CliRunner()


def render(table: object) -> str:
    console = Console(width=200, file=io.StringIO())
    console.print(table)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def frame(paths: list[int]) -> pd.DataFrame:
    rows = [{"deal": "loi", "party": f"p{i}", "metric": "moic", "base": 2.0, "other": 1.0,
             "difference": -1.0, "ci_low": -1.5, "ci_high": -0.5, "paths": n}
            for i, n in enumerate(paths)]
    return pd.DataFrame(rows)


def test_a_row_over_fewer_paths_shows_how_many() -> None:
    text = render(paired_table(frame([2000, 45]), ["moic"], 2000, "t", "base", "stressed"))
    header = next(ln for ln in text.splitlines() if "difference" in ln)
    assert header.rstrip(" ┃").endswith("paths")
    full = next(ln for ln in text.splitlines() if " p0 " in ln)
    part = next(ln for ln in text.splitlines() if " p1 " in ln)
    assert part.rstrip(" │").endswith(" 45")
    assert "2,000" not in full.replace("2.0000", "")  # the full count is left blank
    assert "fewer than all 2,000" in " ".join(text.split())


def test_no_paths_column_when_every_row_is_over_all_paths() -> None:
    text = render(paired_table(frame([300, 300]), ["moic"], 300, "t", "a", "b"))
    assert "paths" not in text


STRESS = ["stress", "seed-2025", "--pack", "rate-shock", "--paths", "100", "--seed", "3"]
COMPARE = ["compare", "seed-2025", "seed-2025-sell-only", "--paths", "100", "--seed", "3"]


@pytest.mark.parametrize(("command", "stored"), [(STRESS, True), (COMPARE, False)],
                         ids=["stress", "compare"])
def test_quiet_prints_nothing_but_where_it_was_stored(command: list[str], stored: bool,
                                                      tmp_path: Path) -> None:
    store = tmp_path / "runs.duckdb"
    target = tmp_path / "out.json"
    where = ["--store", str(store)] if stored else ["--no-store"]
    done = runner.invoke(cli.app, [*command, "-q", *where, "--json", str(target)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    assert (f"stored as run 1 in {store}" in done.stderr.splitlines()) is stored
    assert json.loads(target.read_text())["differences"]  # --quiet still writes the file


@pytest.mark.parametrize("command", [STRESS, COMPARE], ids=["stress", "compare"])
def test_json_says_wrote_file(command: list[str], tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    done = runner.invoke(cli.app, [*command, "--no-store", "--json", str(target)])
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"wrote {target}"
    assert target.is_file()
