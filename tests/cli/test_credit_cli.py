"""Small CLI fixes from a credit officer's review: copying a bundled scenario to edit it,
and ``report --no-store``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

import chipcredit as cc
from chipcredit import cli

FIXTURES = Path(__file__).parents[1] / "fixtures_credit"


def _cli(*args: str) -> Result:
    return CliRunner().invoke(cli.app, list(args))


def test_copy_writes_the_bundled_text_to_name_yaml(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = _cli("scenarios", "--copy", "seed-2025")
    assert result.exit_code == 0, result.output
    copied = tmp_path / "seed-2025.yaml"
    assert copied.read_text(encoding="utf-8") == cc.load_scenario("seed-2025").source_text
    assert "wrote seed-2025.yaml (a copy of seed-2025)" in result.stdout
    # the copy is a scenario like the original, its sources and comments kept
    assert cc.load_scenario(copied).model_dump() == cc.load_scenario("seed-2025").model_dump()
    assert "source:" in copied.read_text(encoding="utf-8")


def test_copy_to_a_file_or_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    assert _cli("scenarios", "--copy", "telecom-2000", str(target)).exit_code == 0
    assert cc.load_scenario(target).name == "telecom-2000"
    assert _cli("scenarios", "--copy", "telecom-2000", str(tmp_path)).exit_code == 0
    assert (tmp_path / "telecom-2000.yaml").is_file()


def test_copy_refuses_to_overwrite_unless_forced(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my edits\n", encoding="utf-8")
    result = _cli("scenarios", "--copy", "seed-2025", str(target))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: --copy: {target} exists already; give another FILE, or --force to overwrite it")
    assert target.read_text(encoding="utf-8") == "my edits\n"
    assert _cli("scenarios", "--copy", "seed-2025", str(target), "--force").exit_code == 0
    assert target.read_text(encoding="utf-8") == cc.load_scenario("seed-2025").source_text


def test_copy_of_an_unknown_name_suggests_one(tmp_path: Path) -> None:
    result = _cli("scenarios", "--copy", "seed-2052", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "error: --copy: no bundled scenario 'seed-2052' (did you mean seed-2025?)")
    assert not (tmp_path / "x.yaml").exists()


def test_a_file_without_copy_is_refused(tmp_path: Path) -> None:
    result = _cli("scenarios", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
    assert "goes with --copy NAME" in result.stderr


def test_report_accepts_no_store(tmp_path: Path) -> None:
    # parsed like every other option (not "No such option"): the --lang check after parsing
    # is what stops this one, before any simulation
    result = _cli("report", str(FIXTURES / "minimal-loan.yaml"), "-o", str(tmp_path / "r.html"),
                  "--no-store", "--lang", "fr")
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("error: --lang must be one of")
