"""The shared Typer ``app`` and the plumbing every command uses: one-line errors, exit codes.

Registration pattern: a command module imports ``app`` from here and decorates its commands
with ``@app.command(...)`` (or builds a sub-app and calls ``app.add_typer``); then
``chipcredit/cli/__init__.py`` imports the module once, which registers them. A new command
(``compare``, ``sensitivity``, ``solve``, ``stress``) is a new module plus one import line.
Every command body runs inside ``with user_errors():`` so that chipcredit errors become one
line on stderr and exit status 2.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

import chipcredit as cc

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "Failed",
    "app",
    "console",
    "stderr_line",
    "user_errors",
]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
_WIDE = 160
"""Console width when stdout is not a terminal (and COLUMNS is unset): no squashed tables."""


class Failed(Exception):
    """A one-line error already worded for the user; the CLI prints it and exits 2."""


def stderr_line(text: str) -> None:
    """One plain line on stderr: no Rich markup, no wrapping, no colour."""
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


def console(stderr: bool = False) -> Console:
    out = Console(stderr=stderr, highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(stderr=stderr, highlight=False, width=_WIDE)
    return out


def _click_error(exc: BaseException) -> tuple[str, int] | None:
    """(message, exit code) of a Click/Typer usage exception, else None.

    Duck-typed, so it works with the Click that Typer vendors (0.2x) and with plain Click.
    """
    code = getattr(exc, "exit_code", None)
    fmt = getattr(exc, "format_message", None)
    if isinstance(code, int) and callable(fmt):
        return str(fmt()), code
    return None


def _silence_stdout() -> None:
    """After a closed pipe (``chipcredit schema | head``), drop further output quietly."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


class _Group(TyperGroup):
    """Turns usage errors into one ``error:`` line and Ctrl-C into status 130."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            rv = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                              standalone_mode=False, **extra)
            code = rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
        except typer.Abort:
            stderr_line("interrupted")
            code = EXIT_INTERRUPTED
        except KeyboardInterrupt:
            stderr_line("interrupted")
            code = EXIT_INTERRUPTED
        except BrokenPipeError:
            _silence_stdout()
            code = 1
        except Exception as exc:
            found = _click_error(exc)
            if found is None:
                raise
            message, code = found
            if type(exc).__name__ == "NoArgsIsHelpError":
                stderr_line(message)
            else:
                ctx = getattr(exc, "ctx", None)
                where = getattr(ctx, "command_path", None) or "chipcredit"
                stderr_line(f"error: {message} (see '{where} --help')")
        if standalone_mode:
            sys.exit(code)
        return code


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Map chipcredit errors and Ctrl-C inside a command to one line and an exit status."""
    try:
        yield
    except cc.ScenarioError as exc:
        for problem in exc.problems:
            stderr_line(str(problem))
        raise typer.Exit(EXIT_USAGE) from None
    except (cc.UsageError, Failed) as exc:
        stderr_line(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        stderr_line("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


app = typer.Typer(
    cls=_Group,
    name="chipcredit",
    help="Monte Carlo models of AI-compute vendor financing: chip vendors investing in and "
         "lending to the labs that buy their chips. Money is in US$ billions ($B).",
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"chipcredit {cc.__version__}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option(
        "--version", callback=_show_version, is_eager=True,
        help="Print the version and exit.")] = False,
) -> None:
    """Monte Carlo models of AI-compute vendor financing ($B)."""
    if ctx.invoked_subcommand is None:
        text = ctx.get_help()
        if text:
            typer.echo(text)
        raise typer.Exit(0)
