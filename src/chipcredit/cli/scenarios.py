"""``chipcredit scenarios``, ``validate`` and ``schema``: the scenario files themselves."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

import chipcredit as cc

from .app import EXIT_USAGE, app, console, stderr_line, user_errors

__all__ = ["scenarios_command", "schema_command", "validate_command"]


@app.command("scenarios")
def scenarios_command() -> None:
    """List the bundled scenarios with a one-line description of each."""
    with user_errors():
        table = Table(title="Bundled scenarios", title_justify="left")
        table.add_column("name", style="bold", no_wrap=True)
        table.add_column("description")
        for name, description in cc.describe_bundled():
            table.add_row(Text(name), Text(description))
        out = console()
        out.print(table)
        out.print(Text("Run one with: chipcredit run NAME  (or pass a path to a YAML file)"))


@app.command("validate")
def validate_command(
    sources: Annotated[list[str], typer.Argument(
        metavar="FILE_OR_NAME",
        help="Scenario files, or names of bundled scenarios.")],
) -> None:
    """Check scenario files: 'ok: FILE' for each good one, every problem on stderr.

    Exits 2 if any file has a problem.
    """
    failed = False
    with user_errors():
        for source in sources:
            try:
                cc.load_scenario(source)
            except cc.ScenarioError as exc:
                failed = True
                for problem in exc.problems:
                    stderr_line(str(problem))
            else:
                typer.echo(f"ok: {source}")
    if failed:
        raise typer.Exit(EXIT_USAGE)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    with user_errors():
        typer.echo(json.dumps(cc.scenario_json_schema(), indent=2))
