"""Text that YAML read as another type: ``id: yes`` is true, ``name: 2026`` a number.

A string field given a bare word that YAML 1.1 turns into true/false, a number or null is
refused in one line that names the word as written, says what YAML made of it, and suggests
the field with the word quoted (a party's or deal's ``id`` gets the spelling that passes the
id rules instead, since ``"yes"`` would still read as true in a spreadsheet). The exact lines
of three files are pinned by tests/bad_inputs (``types-bare-*``); these cover the rule across
its cases, and the CLI.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import chipcredit as cc
from chipcredit.errors import Problem, ScenarioError
from chipcredit.scenario.loader import parse_scenario_text

QUOTE = "(quote it to keep it as text)"


def _error(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario_text(text, "s.yaml")
    assert len(caught.value.problems) == 1
    return caught.value


@pytest.mark.parametrize(("written", "reading", "value"), [
    ("yes", "true or false", True), ("No", "true or false", False),
    ("on", "true or false", True), ("OFF", "true or false", False),
    ("true", "true or false", True), ("2026", "a number", 2026), ("1_000", "a number", 1000),
    ("0x1A", "a number", 26), ("1.5", "a number", 1.5), ("1e3", "a number", 1000.0),
])
def test_a_bare_word_in_a_text_field_names_the_word_and_suggests_it_quoted(
        base_text: str, written: str, reading: str, value: object) -> None:
    text = base_text.replace("name: test-base", f"name: {written}")
    err = _error(text)
    assert yaml.safe_load(text)["name"] == value or written == "1e3"  # YAML 1.1 reads 1e3 as text
    assert (err.path, err.line, err.column) == ("name", 1, 7)
    assert err.rule == f"must be text, but YAML reads the bare word '{written}' as {reading} {QUOTE}"
    assert err.value == value and type(err.value) is type(value)
    assert err.suggestion == f'name: "{written}"'
    assert str(err) == (f"s.yaml:1:7: name {err.rule}; got {value!r} (did you mean name: "
                        f'"{written}"?)')


def test_the_quoted_word_is_accepted(base_text: str) -> None:
    """The suggestion works: the same word in quotes is text, and the scenario loads."""
    for written in ("yes", "2026", "null"):
        sc = parse_scenario_text(base_text.replace("name: test-base", f'name: "{written}"'), "s.yaml")
        assert sc.name == written


@pytest.mark.parametrize("written", ["null", "~", "NULL"])
def test_a_bare_null_word_reads_as_empty(base_text: str, written: str) -> None:
    err = _error(base_text.replace("name: test-base", f"name: {written}"))
    assert err.rule == f"must be text, but YAML reads the bare word '{written}' as empty {QUOTE}"
    assert err.value is Problem.NO_VALUE
    assert err.suggestion == f'name: "{written}"'


def test_a_blank_value_keeps_the_plain_rule(base_text: str) -> None:
    """Nothing was written, so there is no word to quote."""
    err = _error(base_text.replace("name: test-base", "name:"))
    assert err.rule == "must be text, not empty" and err.suggestion is None


@pytest.mark.parametrize(("written", "hint"), [
    ("yes", "id: investor-yes"),   # quoted, yes would read as true in a spreadsheet
    ("7", "id: investor-7"),       # quoted, 7 is not an id (a letter comes first)
    ("1.5", "id: investor-1-5"),
    ("True", "id: investor-true"),
])
def test_a_defined_id_gets_the_spelling_that_passes(base_text: str, written: str,
                                                    hint: str) -> None:
    err = _error(base_text.replace("  - id: valor\n", f"  - id: {written}\n"))
    assert err.path == "parties[2].id"
    assert err.rule.startswith(f"must be text, but YAML reads the bare word '{written}' as ")
    assert err.suggestion == hint
    # and the hint passes the id rules where it stands (only the references to valor break)
    fixed = base_text.replace("  - id: valor\n", f"  - {hint}\n").replace(
        "valor", hint.split(": ")[1])
    assert parse_scenario_text(fixed, "s.yaml").parties[2].id == hint.split(": ")[1]


def test_a_list_item_gets_the_quoted_word_alone(base_text: str) -> None:
    """A bare word as an item of a list of ids: the suggestion is the item, no field name."""
    text = base_text.replace("    procurement: {nvidia: 1.0}\n",
                             "    procurement: {nvidia: 1.0}\n    ported: [nvidia, off]\n")
    err = _error(text)
    assert err.path == "parties[1].ported[1]"
    assert err.rule == f"must be text, but YAML reads the bare word 'off' as true or false {QUOTE}"
    assert err.suggestion == '"off"'


def test_a_scenario_from_python_has_no_word_to_quote(base_text: str) -> None:
    """Data built in Python never went through YAML: the plain rule, no suggestion."""
    data = yaml.safe_load(base_text)
    data["name"] = True
    with pytest.raises(ScenarioError) as caught:
        cc.load_scenario(data)
    assert caught.value.rule == "must be text" and caught.value.suggestion is None


def test_the_cli_prints_one_line_and_exits_2(base_text: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``chipcredit validate`` in-process (Typer's runner; tests/test_bad_inputs.py runs the
    corpus, these files included, through a real process)."""
    from typer.testing import CliRunner

    from chipcredit.cli import app

    text = base_text.replace("  - id: valor\n", "  - id: no\n")
    line = text[:text.index("  - id: no")].count("\n") + 1
    (tmp_path / "bare.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    got = CliRunner().invoke(app, ["validate", "bare.yaml"])
    assert got.exit_code == 2 and got.stdout == ""
    assert got.exception is None or isinstance(got.exception, SystemExit)
    assert "Traceback" not in got.stderr
    assert got.stderr.splitlines() == [
        f"bare.yaml:{line}:9: parties[2].id must be text, but YAML reads the bare word 'no' as "
        f"true or false {QUOTE}; got False (did you mean id: investor-no?)"]
