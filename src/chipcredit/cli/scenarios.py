"""``chipcredit scenarios``, ``validate`` and ``schema``: the scenario files themselves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit.errors import did_you_mean

from .app import EXIT_USAGE, Failed, app, console, stderr_line, user_errors
from .staging import write_output

__all__ = ["copy_bundled", "scenarios_command", "schema_command", "validate_command"]


@app.command("scenarios")
def scenarios_command(
    copy: Annotated[str | None, typer.Option(
        "--copy", metavar="NAME",
        help="Copy the bundled scenario NAME to FILE (default ./NAME.yaml), to edit it.")] = None,
    target: Annotated[Path | None, typer.Argument(
        metavar="[FILE]", help="Where --copy writes (a folder: NAME.yaml in it).",
        show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Let --copy overwrite a file that exists.")] = False,
) -> None:
    """List the bundled scenarios with a one-line description of each, or copy one to a file
    (--copy NAME [FILE]) to edit it."""
    with user_errors():
        if copy is not None:
            copy_bundled(copy, target, force=force)
            return
        if target is not None or force:
            raise Failed(f"{'FILE' if target is not None else '--force'} goes with --copy NAME; "
                         "'chipcredit scenarios' alone lists the bundled scenarios")
        table = Table(title="Bundled scenarios", title_justify="left")
        table.add_column("name", style="bold", no_wrap=True)
        table.add_column("description")
        for name, description in cc.describe_bundled():
            table.add_row(Text(name), Text(description))
        out = console()
        out.print(table)
        out.print(Text("Run one with: chipcredit run NAME  (or pass a path to a YAML file)"))
        out.print(Text("Copy one to edit: chipcredit scenarios --copy NAME [FILE]"))


def copy_bundled(name: str, target: Path | None, *, force: bool = False) -> Path:
    """Write the bundled scenario ``name``'s own text (comments and sources included) to
    ``target`` (default ``./NAME.yaml``; a folder: ``NAME.yaml`` in it), atomically, and say
    so; returns the file written.

    Fails (one line, exit 2) on a name that is not bundled (with a did-you-mean) and on a
    file that exists, unless ``force``."""
    names = cc.bundled_names()
    if name not in names:
        hint = did_you_mean(name, names)
        raise Failed(f"--copy: no bundled scenario {name!r}"
                     + (f" (did you mean {hint}?)" if hint else f"; they are {', '.join(names)}"))
    path = Path(f"{name}.yaml") if target is None else target
    if path.is_dir():
        path = path / f"{name}.yaml"
    if path.exists() and not force:
        raise Failed(f"--copy: {path} exists already; give another FILE, or --force to "
                     "overwrite it")
    write_output(path, "FILE", cc.load_scenario(name).source_text)
    console().print(Text(f"wrote {path} (a copy of {name}); run it with: chipcredit run {path}"),
                    soft_wrap=True)
    return path


@app.command("validate")
def validate_command(
    sources: Annotated[list[str], typer.Argument(
        metavar="FILE_OR_NAME",
        help="Scenario files, or names of bundled scenarios.")],
) -> None:
    """Check scenario files: 'ok: FILE' for each good one, every problem on stderr.

    A good file whose deals run past its horizon also gets 'note: FILE: ...' on stderr
    (not a problem). Exits 2 if any file has a problem.
    """
    failed = False
    with user_errors():
        for source in sources:
            try:
                sc = cc.load_scenario(source)
            except cc.ScenarioError as exc:
                failed = True
                for problem in exc.problems:
                    stderr_line(str(problem))
                if exc.note is not None:
                    stderr_line(f"({exc.note})")
            else:
                typer.echo(f"ok: {source}")
                note = sc.horizon_note()
                if note is not None:  # what `chipcredit run` would say, before running it
                    # a term note starts with its own FILE:LINE:COL; a horizon note, with none
                    where = "" if note.startswith(f"{sc.source_file}:") else f"{source}: "
                    stderr_line(f"note: {where}{note}")
    if failed:
        raise typer.Exit(EXIT_USAGE)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    with user_errors():
        typer.echo(json.dumps(cc.scenario_json_schema(), indent=2))
