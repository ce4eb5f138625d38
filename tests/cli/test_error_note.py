"""A scenario with several single-field problems ends its error with the note that the
checks across fields run once these are fixed; one problem stays one line."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from chipcredit import cli

_NOTE = "(checks across fields, such as references, sums and dates, run once these are fixed)"


def _write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nstart: 2025Q4\nhorizon_quarters: 8\n" + body, encoding="utf-8")
    return str(path)


def test_validate_and_run_end_with_the_note_after_several_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, "market: 3\nparties: 4\n")
    for args in (["validate", path], ["run", path, "--no-store", "-q"]):
        res = CliRunner().invoke(cli.app, args)
        assert res.exit_code == 2
        lines = res.stderr.strip().splitlines()
        assert lines[0].endswith("s.yaml:4:9: market must be a map; got 3")
        assert lines[1].endswith("s.yaml:5:10: parties must be a list; got 4")
        assert lines[2:] == [_NOTE]


def test_one_problem_is_one_line_without_the_note(tmp_path: Path) -> None:
    path = _write(tmp_path, "market: 3\nparties: [{id: v, kind: vendor, content_per_unit: 30, "
                                "gross_margin: 0.7}]\n")
    res = CliRunner().invoke(cli.app, ["validate", path])
    assert res.exit_code == 2
    assert len(res.stderr.strip().splitlines()) == 1 and _NOTE not in res.stderr
