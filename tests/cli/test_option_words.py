"""An unknown option gets the options it means where Click's suggestion by spelling finds
none: a solver's ``--bracket`` is ``--low`` and ``--high``, numpy's ``--n_paths`` or a
simulator's ``--sims`` is ``--paths`` (`chipcredit.cli.app._OPTION_WORDS`)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from chipcredit import cli

runner = CliRunner()


def error_line(*args: str) -> str:
    result = runner.invoke(cli.app, list(args))
    assert result.exit_code == 2
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("args", "line"), [
    (["solve", "seed-2025", "--vary", "deals.xai-debt.rate", "--target", "x = 1",
      "--bracket", "0.1", "1.0"],
     "error: No such option: --bracket (did you mean --low and --high?) "
     "(see 'chipcredit solve --help')"),
    (["run", "seed-2025", "--sims", "5"],
     "error: No such option: --sims (did you mean --paths?) (see 'chipcredit run --help')"),
    (["compare", "seed-2025", "seed-2025", "--iterations", "5"],
     "error: No such option: --iterations (did you mean --paths?) "
     "(see 'chipcredit compare --help')"),
    (["sensitivity", "seed-2025", "--rng", "3"],
     "error: No such option: --rng (did you mean --seed?) (see 'chipcredit sensitivity --help')"),
    (["stress", "seed-2025", "--simulations", "3"],
     "error: No such option: --simulations (did you mean --paths?) "
     "(see 'chipcredit stress --help')"),
])
def test_an_option_of_another_tool_gets_the_one_it_means(args: list[str], line: str) -> None:
    assert error_line(*args) == line


def test_the_meaning_names_only_options_the_command_has() -> None:
    # compare has no --low or --high: no suggestion, not a wrong one
    assert error_line("compare", "seed-2025", "seed-2025", "--bounds", "1") == (
        "error: No such option: --bounds (see 'chipcredit compare --help')")


def test_clicks_own_suggestion_by_spelling_is_kept() -> None:
    # Click finds --paths near --n_paths itself: its list, not a second suggestion
    assert error_line("run", "seed-2025", "--n_paths", "5") == (
        "error: No such option: --n_paths (Possible options: --paths, --paths-out) "
        "(see 'chipcredit run --help')")
