"""The ``chipcredit`` command line: list, check and run scenarios.

::

    chipcredit scenarios                      bundled scenarios, one line each
    chipcredit validate FILE_OR_NAME...       check scenario files; every problem, one a line
    chipcredit run SCENARIO [options]         simulate; tables of deals and parties
    chipcredit schema                         JSON Schema of scenario files
    chipcredit --version

Exit status: 0 on success, 2 for a bad scenario or bad arguments, 130 when interrupted.
Errors are single lines on stderr, never a traceback. The CLI uses only the public API
(``import chipcredit as cc``); see docs/cli.md.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

import chipcredit as cc

__all__ = ["app", "main"]

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
PROGRESS_MIN_PATHS = 5_000
"""Runs with at least this many paths (about a second or more) show a progress bar."""
_WIDE = 160
"""Console width when stdout is not a terminal (and COLUMNS is unset): no squashed tables."""
_DASH = "—"


# --- plumbing: errors, consoles --------------------------------------------------------


class _Failed(Exception):
    """A one-line error already worded for the user; the CLI prints it and exits 2."""


def _stderr_line(text: str) -> None:
    """One plain line on stderr: no Rich markup, no wrapping, no colour."""
    sys.stderr.write(text.rstrip("\n") + "\n")
    sys.stderr.flush()


def _console(stderr: bool = False) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(stderr=stderr, highlight=False, width=_WIDE)
    return console


def _click_error(exc: BaseException) -> tuple[str, int] | None:
    """(message, exit code) of a Click/Typer usage exception, else None.

    Duck-typed, so it works with the Click that Typer vendors (0.2x) and with plain Click.
    """
    code = getattr(exc, "exit_code", None)
    fmt = getattr(exc, "format_message", None)
    if isinstance(code, int) and callable(fmt):
        return str(fmt()), code
    return None


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
            _stderr_line("interrupted")
            code = EXIT_INTERRUPTED
        except KeyboardInterrupt:
            _stderr_line("interrupted")
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
                _stderr_line(message)
            else:
                ctx = getattr(exc, "ctx", None)
                where = getattr(ctx, "command_path", None) or "chipcredit"
                _stderr_line(f"error: {message} (see '{where} --help')")
        if standalone_mode:
            sys.exit(code)
        return code


def _silence_stdout() -> None:
    """After a closed pipe (``chipcredit schema | head``), drop further output quietly."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@contextlib.contextmanager
def _user_errors() -> Iterator[None]:
    """Map chipcredit errors and Ctrl-C inside a command to one line and an exit status."""
    try:
        yield
    except cc.ScenarioError as exc:
        for problem in exc.problems:
            _stderr_line(str(problem))
        raise typer.Exit(EXIT_USAGE) from None
    except (cc.UsageError, _Failed) as exc:
        _stderr_line(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        _stderr_line("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


# --- the app ---------------------------------------------------------------------------

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


# --- scenarios, validate, schema -------------------------------------------------------


@app.command("scenarios")
def scenarios_command() -> None:
    """List the bundled scenarios with a one-line description of each."""
    with _user_errors():
        table = Table(title="Bundled scenarios", title_justify="left")
        table.add_column("name", style="bold", no_wrap=True)
        table.add_column("description")
        for name, description in cc.describe_bundled():
            table.add_row(Text(name), Text(description))
        out = _console()
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
    with _user_errors():
        for source in sources:
            try:
                cc.load_scenario(source)
            except cc.ScenarioError as exc:
                failed = True
                for problem in exc.problems:
                    _stderr_line(str(problem))
            else:
                typer.echo(f"ok: {source}")
    if failed:
        raise typer.Exit(EXIT_USAGE)


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    with _user_errors():
        typer.echo(json.dumps(cc.scenario_json_schema(), indent=2))


# --- run -------------------------------------------------------------------------------


@app.command("run")
def run_command(
    scenario: Annotated[str, typer.Argument(
        metavar="SCENARIO", help="A bundled scenario name (see 'chipcredit scenarios') or a "
                                 "path to a scenario YAML file.")],
    paths: Annotated[int, typer.Option(
        "--paths", "-n", min=1, help="Number of Monte Carlo paths.")] = 10_000,
    seed: Annotated[int, typer.Option(
        "--seed", "-s", min=0, help="Seed of the run; the same seed gives the same numbers.")] = 0,
    deterministic: Annotated[bool, typer.Option(
        "--deterministic", help="The base case: one path, every shock zero, medians.")] = False,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE", dir_okay=False,
        help="Write the JSON summary here (atomically; no wall-clock times, so the same "
             "seed writes the same bytes).")] = None,
    cashflows_dir: Annotated[Path | None, typer.Option(
        "--cashflows", metavar="DIR", file_okay=False,
        help="Write one path's cash-flow schedule of each deal to DIR/DEAL.csv (DIR is "
             "created if missing).")] = None,
    cashflows_path: Annotated[int | None, typer.Option(
        "--cashflows-path", metavar="K", min=0,
        help="Which path --cashflows exports, counting from 0 (default 0).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help=f"Allow more than {cc.MAX_PATHS:,} paths.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar and no tables; warnings and errors only.")] = False,
) -> None:
    """Simulate a scenario and show what each party gets from each deal ($B)."""
    with _user_errors():
        _run(scenario, paths=paths, seed=seed, deterministic=deterministic, json_file=json_file,
             cashflows_dir=cashflows_dir, cashflows_path=cashflows_path, force=force,
             quiet=quiet)


def _run(scenario: str, *, paths: int, seed: int, deterministic: bool, json_file: Path | None,
         cashflows_dir: Path | None, cashflows_path: int | None, force: bool,
         quiet: bool) -> None:
    sc = cc.load_scenario(scenario)
    effective_paths = 1 if deterministic else paths
    if cashflows_path is not None and cashflows_dir is None:
        raise _Failed("--cashflows-path needs --cashflows DIR")
    path_k = 0 if cashflows_path is None else cashflows_path
    if cashflows_dir is not None and path_k >= effective_paths:
        raise _Failed(f"--cashflows-path must be below the number of paths ({effective_paths})"
                      f"; got {path_k}")
    if json_file is not None:
        _check_json_target(json_file)
    if cashflows_dir is not None:
        _check_dir_target(cashflows_dir)

    err = _console(stderr=True)
    show_bar = (not quiet and err.is_terminal and not deterministic
                and paths >= PROGRESS_MIN_PATHS)
    seen: list[warnings.WarningMessage] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", cc.ChipcreditWarning)
        with _bar(err, show_bar) as progress:
            result = cc.simulate(sc, paths=paths, seed=seed, deterministic=deterministic,
                                 force=force, progress=progress.callback(effective_paths,
                                                                         "simulating"))
            if json_file is not None:
                _write_text_atomic(json_file, result.to_json() + "\n")
            if cashflows_dir is not None:
                deals = [d.id for d in result.scenario.deals]
                step = progress.callback(len(deals), "cash flows")
                _write_cashflows(result, cashflows_dir, deals, path_k, step)
            summary = result.summary().to_dict("records")
        seen.extend(caught)
    _show_warnings(err, seen)
    if quiet:
        return
    out = _console()
    out.print(_deals_table(result, summary))
    out.print(_parties_table(result, summary))
    out.print(Text(_footer(result)), soft_wrap=True)
    for written in ([json_file] if json_file is not None else []) + (
            [cashflows_dir] if cashflows_dir is not None else []):
        out.print(Text(f"wrote {written}"), soft_wrap=True)


# --- progress --------------------------------------------------------------------------


class _Bar:
    """A transient Rich progress bar driven by `simulate`'s progress callback, or nothing."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    def callback(self, total: int, label: str) -> Callable[[int], None] | None:
        progress = self._progress
        if progress is None:
            return None
        task = progress.add_task(label, total=total)

        def update(done: int) -> None:
            progress.update(task, completed=min(done, total))

        return update


@contextlib.contextmanager
def _bar(console: Console, enabled: bool) -> Iterator[_Bar]:
    if not enabled:
        yield _Bar(None)
        return
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True,
    )
    with progress:
        yield _Bar(progress)


# --- output files ----------------------------------------------------------------------


def _check_json_target(path: Path) -> None:
    """Fail before the run when the JSON file cannot be written."""
    folder = path.parent
    if path.is_dir():
        raise _Failed(f"cannot write --json {path}: it is a folder")
    if not folder.is_dir():
        raise _Failed(f"cannot write --json {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _Failed(f"cannot write --json {path}: the folder {folder} is not writable")


def _check_dir_target(path: Path) -> None:
    """Fail before the run when the cash-flow folder cannot be created or written."""
    if path.exists() and not path.is_dir():
        raise _Failed(f"cannot write --cashflows {path}: it is a file, not a folder")
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        raise _Failed(f"cannot write --cashflows {path}: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise _Failed(f"cannot write --cashflows {path}: {probe} is not writable")


def _file_mode() -> int:
    """Mode a plain new file gets (0o666 less the umask); temp files start at 0o600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write_text_atomic(path: Path, text: str) -> None:
    """Write to a temp file beside ``path``, then rename it over; never half a file."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _Failed(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _Failed(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def _write_cashflows(result: cc.Result, folder: Path, deals: list[str], path_k: int,
                     step: Callable[[int], None] | None) -> None:
    """Write DEAL.csv for every deal into a temp folder inside ``folder``, then move them in."""
    created = not folder.exists()
    tmp: Path | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".chipcredit-", dir=folder))
        mode = _file_mode()
        schedules = result.schedules(path=path_k)
        for i, deal in enumerate(deals, start=1):
            frame = schedules[deal]
            target = tmp / f"{deal}.csv"
            frame.to_csv(target, index=False, lineterminator="\n")
            os.chmod(target, mode)
            if step is not None:
                step(i)
        for deal in deals:
            os.replace(tmp / f"{deal}.csv", folder / f"{deal}.csv")
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp = None
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        if isinstance(exc, OSError):
            raise _Failed(f"cannot write --cashflows {folder}: {exc.strerror or exc}") from None
        raise
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


# --- tables ----------------------------------------------------------------------------


def _show_warnings(err: Console, caught: list[warnings.WarningMessage]) -> None:
    shown: set[str] = set()
    for w in caught:
        text = str(w.message).replace("\n", " ")
        if not issubclass(w.category, cc.ChipcreditWarning):
            text = f"{w.category.__name__}: {text}"
        if text in shown:
            continue
        shown.add(text)
        err.print(Text(f"warning: {text}", style="yellow"), soft_wrap=True)


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _money(value: Any) -> str:
    x = _finite(value)
    if x is None:
        return _DASH
    text = f"{x:,.2f}"
    return "0.00" if text == "-0.00" else text


def _percent(value: Any) -> str:
    x = _finite(value)
    if x is None:
        return _DASH
    text = f"{x * 100:.1f}%"
    return "0.0%" if text == "-0.0%" else text


def _multiple(value: Any) -> str:
    x = _finite(value)
    return _DASH if x is None else f"{x:.2f}x"


def _index(summary: list[dict[Any, Any]]) -> dict[tuple[str | None, str, str], dict[Any, Any]]:
    out: dict[tuple[str | None, str, str], dict[Any, Any]] = {}
    for row in summary:
        deal = row["deal"] if isinstance(row["deal"], str) else None
        out[(deal, str(row["party"]), str(row["metric"]))] = row
    return out


def _stat(index: dict[tuple[str | None, str, str], dict[Any, Any]], deal: str | None,
          party: str, metric: str, stat: str) -> Any:
    row = index.get((deal, party, metric))
    return None if row is None else row.get(stat)


def _deals_table(result: cc.Result, summary: list[dict[Any, Any]]) -> Table:
    """Rows (deal, party); the deal's kind under its name. Fits 80 columns for short ids."""
    index = _index(summary)
    pairs: list[tuple[str, str]] = []
    for row in summary:
        if isinstance(row["deal"], str) and (row["deal"], row["party"]) not in pairs:
            pairs.append((row["deal"], str(row["party"])))
    kinds = {d.id: d.kind for d in result.scenario.deals}
    over = ("the deterministic base case" if result.deterministic
            else f"medians over {result.paths:,} path{'s' if result.paths != 1 else ''}")
    table = Table(title=f"What each party gets from each deal ($B; {over})",
                  title_justify="left")
    table.add_column("deal", overflow="fold")
    table.add_column("party", no_wrap=True)
    for header in ("NPV\np50", "IRR\np50", "MOIC\np50", "loss\nmean", "P(loss\n>0)"):
        table.add_column(header, justify="right", no_wrap=True)
    for i, (deal, party) in enumerate(pairs):
        group = [j for j, (d, _) in enumerate(pairs) if d == deal]
        position = group.index(i)
        kind = kinds.get(deal, "?")
        if position == 0:
            label = Text(deal if len(group) > 1 else f"{deal} ({kind})")
        elif position == 1:
            label = Text(f"({kind})", style="dim")
        else:
            label = Text("")
        try:
            losses = result.outcome(deal, party, "loss")
            p_loss = _percent(float((losses > 1e-9).mean()))
        except cc.UsageError:
            p_loss = _DASH
        table.add_row(
            label, Text(party),
            _money(_stat(index, deal, party, "npv", "p50")),
            _percent(_stat(index, deal, party, "irr", "p50")),
            _multiple(_stat(index, deal, party, "moic", "p50")),
            _money(_stat(index, deal, party, "loss", "mean")),
            p_loss,
            end_section=position == len(group) - 1,
        )
    return table


def _parties_table(result: cc.Result, summary: list[dict[Any, Any]]) -> Table:
    index = _index(summary)
    over = "base case" if result.deterministic else "medians"
    table = Table(title=f"Parties ($B; {over} at the horizon)", title_justify="left")
    table.add_column("party", no_wrap=True)
    table.add_column("kind")
    for header in ("P(default)", "revenue total\np50", "cash end\np50"):
        table.add_column(header, justify="right", no_wrap=True)
    for party in result.scenario.parties:
        prob = (_percent(result.default_probability(party.id)) if party.kind == "lab"
                else _DASH)
        table.add_row(
            Text(party.id), Text(party.kind), prob,
            _money(_stat(index, None, party.id, "revenue_total", "p50")),
            _money(_stat(index, None, party.id, "cash_end", "p50")),
        )
    return table


def _footer(result: cc.Result) -> str:
    runs = ("deterministic base case (1 path)" if result.deterministic
            else f"{result.paths:,} paths")
    return (f"scenario {result.scenario.name} · sha256 {result.scenario_sha256[:12]} · {runs} · "
            f"seed {result.seed} · {result.elapsed_seconds:.2f} s · "
            f"ledger max imbalance {result.max_abs_imbalance:.1e} $B")


# --- entry point -----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the CLI (the ``chipcredit`` console script and ``python -m chipcredit``).

    Exits 0 on success, 2 for bad input (a bad scenario, a bad argument, an unwritable
    output), 130 on Ctrl-C.
    """
    app(args=list(argv) if argv is not None else None, prog_name="chipcredit")
    sys.exit(0)  # not reached: the app exits itself
