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
import inspect
import os
import sys
from collections.abc import Iterator, Sequence
from typing import IO, Annotated, Any, cast

import typer
from rich.console import Console
from rich.measure import Measurement
from typer.core import TyperGroup

import chipcredit as cc
from chipcredit.interrupts import compiles_held

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_USAGE",
    "Failed",
    "app",
    "console",
    "print_whole",
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


class _TrimmedLines:
    """A text stream that passes each line on without the spaces at its end.

    Rich may pad a line it wraps or justifies with spaces (it padded a table's caption to
    the table's width before `chipcredit.cli.captions` printed the notes); in a terminal
    they are invisible, but in a file or a pipe they are trailing whitespace (a diff or
    ``grep ' $'`` shows them), so every line is trimmed here, whatever printed it. A line
    not yet ended is held until its newline or a flush (Rich flushes after each print), and
    then passed on as it is.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._held = ""

    def write(self, text: str) -> int:
        lines = (self._held + text).split("\n")
        self._held = lines.pop()
        if lines:
            self._stream.write("\n".join(line.rstrip(" ") for line in lines) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._held:
            self._stream.write(self._held)
            self._held = ""
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:  # encoding, fileno, ... as the stream has them
        return getattr(self._stream, name)


def console(stderr: bool = False) -> Console:
    """The Rich console of stdout (or stderr) for a command's output. In a terminal, Rich's
    own; into a file or a pipe, `_WIDE` columns wide (unless ``COLUMNS`` is set), with no
    trailing spaces on any line (`_TrimmedLines`): one place for every command."""
    out = Console(stderr=stderr, highlight=False)
    if not out.is_terminal:
        stream = _TrimmedLines(sys.stderr if stderr else sys.stdout)
        out = Console(file=cast(IO[str], stream), highlight=False,
                      width=None if "COLUMNS" in os.environ else _WIDE)
    return out


def print_whole(out: Console, renderable: Any) -> None:
    """Print ``renderable`` (a table) on ``out``; when ``out`` is not a terminal (a pipe, a
    file), first widen the console to its natural width, so that no name or number is cut
    or folded and no cell wraps: each row is one line, for grep, awk and ``head``. On a
    terminal it fits the terminal."""
    if not out.is_terminal:
        natural = Measurement.get(out, out.options.update_width(1_000_000), renderable).maximum
        out.width = max(out.width, natural)
    out.print(renderable)


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


def _tidy_help(command: Any) -> None:
    """Help text fixes for ``command`` and every command under it.

    - Typer's rich help lists a command by the first paragraph of its docstring *with its
      line breaks*, so a summary wrapped over two source lines broke mid-sentence in
      ``chipcredit --help``; the short help is that paragraph on one line.
    - The Typer of the lock keeps the line breaks of every paragraph after the first, so a
      docstring wrapped at the source's width broke mid-sentence in ``--help`` ("(its ID is
      in the" / "footer, ..."); each paragraph is one line here, and Rich wraps it at the
      terminal's width. A paragraph that starts with Click's ``\\b`` keeps its lines.
    - Typer shows a flag's type, ``--no-store <bool>``, as if it took a value; a flag (and
      ``--help``) shows none.
    """
    if command.help:
        command.help = reflowed(command.help)
    if command.short_help is None and command.help:
        command.short_help = command.help.split("\n\n")[0]
    for param in command.params:
        if param.param_type_name == "option" and getattr(param, "is_flag", False):
            param.metavar = ""
    get_help_option = command.get_help_option

    def plain_help_option(ctx: Any) -> Any:
        option = get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option

    # duck-typed: Typer builds commands from the Click it vendors, not from ``click``
    command.get_help_option = plain_help_option
    for sub in getattr(command, "commands", {}).values():
        _tidy_help(sub)


def reflowed(text: str) -> str:
    r"""A help text with each paragraph on one line (its source line breaks and indents
    gone), paragraphs apart by a blank line; a paragraph that starts with ``\b`` (Click's
    mark for lines kept as written) and what follows a ``\f`` line are left as they are.

    >>> reflowed("Run it.\n\n    Its ID is in the\n    footer, 'run ID'.")
    "Run it.\n\nIts ID is in the footer, 'run ID'."
    """
    text, cut, rest = inspect.cleandoc(text).partition("\f")
    paragraphs = [p if p.startswith("\b") else " ".join(p.split())
                  for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p) + cut + rest


def _own_errors(command: Any) -> None:
    """Give a parse error its command, for ``command`` and every command under it.

    Click's parser raises some errors (``--no-store=1``: "does not take a value") without
    a context, which sent the user to ``chipcredit --help`` instead of ``chipcredit run
    --help``; the context being parsed is attached to them here.
    """
    parse_args = command.parse_args

    def parse_args_in_context(ctx: Any, args: list[str]) -> Any:
        try:
            return parse_args(ctx, args)
        except Exception as exc:
            if _click_error(exc) is not None and getattr(exc, "ctx", ctx) is None:
                exc.ctx = ctx  # type: ignore[attr-defined]
            raise

    command.parse_args = parse_args_in_context
    for sub in getattr(command, "commands", {}).values():
        _own_errors(sub)


_OPTION_WORDS: dict[str, tuple[str, ...]] = {
    "--bracket": ("--low", "--high"), "--range": ("--low", "--high"),
    "--bounds": ("--low", "--high"), "--min": ("--low",), "--max": ("--high",),
    "--n": ("--paths",), "--n-paths": ("--paths",), "--n_paths": ("--paths",),
    "--npaths": ("--paths",), "--num-paths": ("--paths",), "--simulations": ("--paths",),
    "--sims": ("--paths",), "--trials": ("--paths",), "--iterations": ("--paths",),
    "--random-seed": ("--seed",), "--rng": ("--seed",),
    "--output": ("--json",), "--out": ("--json",),
}
"""The options a user means by a word of another tool (a solver's bracket, numpy's
``n_paths``), which Click's suggestion by spelling misses ("bracket" is not near "low")."""


def _option_meant(exc: BaseException, ctx: Any) -> str:
    """`` (did you mean --low and --high?)`` for an unknown option (Click's NoSuchOption)
    that `_OPTION_WORDS` maps to options the command has, where Click found none close by
    spelling (it then says ``Possible options: ...`` itself); else ``""``."""
    name = getattr(exc, "option_name", None)
    if type(exc).__name__ != "NoSuchOption" or getattr(exc, "possibilities", None) or ctx is None:
        return ""
    have = {opt for param in ctx.command.params for opt in (*param.opts, *param.secondary_opts)}
    meant = [opt for opt in _OPTION_WORDS.get(str(name).lower(), ()) if opt in have]
    return f" (did you mean {' and '.join(meant)}?)" if meant else ""


class _Group(TyperGroup):
    """Turns usage errors into one ``error:`` line and Ctrl-C into status 130; tidies the
    help of every command (see `_tidy_help`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        _tidy_help(self)
        _own_errors(self)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            # numba loads (or compiles) a kernel on its first call, part-way through a run;
            # Ctrl-C then waits until the kernel is whole (see chipcredit/interrupts.py)
            with compiles_held():
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
                if not interrupted(exc):  # a command outside user_errors met Ctrl-C
                    raise
                stderr_line("interrupted")
                code = EXIT_INTERRUPTED
            elif type(exc).__name__ == "NoArgsIsHelpError":
                message, code = found
                stderr_line(message)
            else:
                message, code = found
                ctx = getattr(exc, "ctx", None)
                message += _option_meant(exc, ctx)
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
        if exc.note is not None:
            stderr_line(f"({exc.note})")
        raise typer.Exit(EXIT_USAGE) from None
    except (cc.UsageError, Failed) as exc:
        stderr_line(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        stderr_line("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        raise
    except OSError as exc:  # a backstop: the checks before the work name the option
        where = f"{exc.filename}: " if exc.filename else ""
        stderr_line(f"error: {where}{exc.strerror or exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except Exception as exc:
        if not interrupted(exc):
            raise
        stderr_line("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def interrupted(exc: BaseException) -> bool:
    """Whether ``exc`` is Ctrl-C or came from one: its cause or context holds a
    KeyboardInterrupt. Compiled code (numba) that meets Ctrl-C returns with the exception
    set, and Python raises ``SystemError: ... returned a result with an exception set``
    from it."""
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        if isinstance(link, KeyboardInterrupt):
            return True
        seen.add(id(link))
        link = link.__cause__ or link.__context__
    return False


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
