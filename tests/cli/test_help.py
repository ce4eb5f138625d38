"""Help text: whole sentences in the command list, no value shown for a flag."""

from __future__ import annotations

import inspect

import pytest
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
