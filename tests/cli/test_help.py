"""Help text: whole sentences in the command list and in each paragraph of every command's
help (no line break of the docstring's source), no value shown for a flag."""

from __future__ import annotations

import inspect
import itertools
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from chipcredit import cli

runner = CliRunner()


def help_of(*args: str) -> str:
    done = runner.invoke(cli.app, [*args, "--help"], env={"COLUMNS": "400"})
    assert done.exit_code == 0, done.stderr
    return done.stdout


def commands() -> dict[str, str]:
    """Each command's name and the first paragraph of its docstring, on one line."""
    group = cli.app.registered_commands
    found = {}
    for info in group:
        assert info.callback is not None
        doc = inspect.cleandoc(info.callback.__doc__ or "")
        found[info.name or info.callback.__name__] = " ".join(doc.split("\n\n")[0].split())
    return found


def test_the_command_list_keeps_each_summary_on_one_line() -> None:
    text = help_of()
    listed = commands()
    # the commands whose summary spans source lines broke mid-sentence before
    assert {"stress", "compare", "report", "dashboard", "deals"} <= set(listed)
    for name, summary in listed.items():
        line = next(ln for ln in text.splitlines() if f" {name} " in ln)
        assert summary in line, (name, line)


@pytest.mark.parametrize("args", [(), ("run",), ("stress",), ("runs", "show"), ("runs",)])
def test_a_flag_shows_no_type(args: tuple[str, ...]) -> None:
    text = help_of(*args)
    assert "<bool>" not in text
    assert "--help" in text


def test_runs_help_names_every_command_that_records() -> None:
    text = " ".join(help_of("runs").split())
    assert "run, compare, sensitivity, solve and stress record every run" in text


def every_command() -> list[tuple[tuple[str, ...], Any]]:
    """(words after ``chipcredit``, Click command) of the app and every command under it,
    as `chipcredit.cli.app._Group` builds them."""
    found: list[tuple[tuple[str, ...], Any]] = []

    def walk(words: tuple[str, ...], command: Any) -> None:
        found.append((words, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk((*words, name), sub)

    walk((), typer.main.get_command(cli.app))
    return found


def test_no_help_paragraph_keeps_a_line_break_of_its_source() -> None:
    # Typer keeps the line breaks of the paragraphs after the first, so they broke
    # mid-sentence ('(its ID is in the' / 'footer, ...') at any width
    seen = 0
    for words, command in every_command():
        for paragraph in (command.help or "").split("\n\n"):
            assert "\n" not in paragraph or paragraph.startswith("\b"), (words, paragraph)
            seen += 1
    assert seen > 20


def breaks_early(text: str, width: int) -> list[tuple[str, str]]:
    """Pairs of lines of the prose of a ``--help`` printed ``width`` columns wide (the lines
    before its first box) where the second is a paragraph's continuation whose first word
    would have fitted on the first line."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    prose = lines[:next(i for i, ln in enumerate(lines) if ln.startswith("╭"))]
    return [(a, b) for a, b in itertools.pairwise(prose)
            if a.strip() and b.strip() and not b.strip().startswith("Usage:")
            and len(a) + 1 + len(b.split()[0]) <= width - 1]  # Rich pads one column a side


@pytest.mark.parametrize("words", [w for w, _ in every_command()], ids=" ".join)
def test_help_at_100_columns_breaks_no_line_that_could_go_on(words: tuple[str, ...]) -> None:
    done = runner.invoke(cli.app, [*words, "--help"], env={"COLUMNS": "100"})
    assert done.exit_code == 0, done.stderr
    assert breaks_early(done.stdout, 100) == []


def test_run_help_keeps_the_export_sentence_whole() -> None:
    done = runner.invoke(cli.app, ["run", "--help"], env={"COLUMNS": "100"})
    lines = [ln.strip() for ln in done.stdout.splitlines()]
    assert ("Excel: 'chipcredit runs export ID --xlsx FILE' writes a recorded run (its ID is in "
            "the footer,") in lines
    assert breaks_early("a b c\nd\n╭", 100) == [("a b c", "d")]  # the check finds a break


def _options(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """Every (command words, option help) of the app, subcommands included."""
    found = []
    for name, command in getattr(group, "commands", {}).items():
        words = (*prefix, name)
        for param in command.params:
            if getattr(param, "param_type_name", "") == "option" and getattr(param, "help", None):
                found.append((words, param.help))
        found += _options(command, words)
    return found


def test_no_option_help_loses_a_bracketed_text_to_rich_markup() -> None:
    # Rich read solve's "[default: p05 of an uncertain number, -50% of a fixed one]" as a
    # markup tag and printed "Low end of the bracket ." with the defaults gone
    options = _options(typer.main.get_command(cli.app))
    assert any(words == ("solve",) for words, _ in options)
    for words, text in options:
        for tag in (part.split("]")[0] for part in text.split("[")[1:]):
            if tag[:1].isalpha():  # a [word ...] that Rich would take for a tag
                shown = " ".join(help_of(*words).replace("│", " ").split())
                assert f"[{' '.join(tag.split()[:3])}" in shown, (words, tag)


def test_solve_help_shows_the_brackets_defaults() -> None:
    text = " ".join(help_of("solve").split())
    assert "Low end of the bracket [default: p05 of an uncertain number, -50% of a fixed one]." in text
    assert "High end of the bracket [default: p95, or +50%]." in text
