"""``chipcredit runs``: list, show, compare, query and export the runs in the run store."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

from chipcredit import store
from chipcredit.store.provenance import scenario_label

from .app import Failed, app, console, print_whole, user_errors
from .captions import NotedTable, Notes
from .deal_table import BEYOND_TEXT, NOT_MEANINGFUL
from .diff_medians import UNMEANT_IRR, irr_unmeant, median_cell, median_notes
from .formats import DASH, compact, count, finite
from .staging import Staging
from .stored_run import (
    _clean,
    _deal_sides,
    _header,
    _int,
    _seed,
    _text,
    _when,
    code_note,
    stored_warnings,
)
from .stored_tables import print_tables

__all__ = ["runs_app"]

runs_app = typer.Typer(
    name="runs",
    help="The run store: run, compare, sensitivity, solve and stress record every run in a "
         f"DuckDB database (./{store.DEFAULT_STORE}, or --store PATH, or ${store.STORE_ENV}).",
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(runs_app)

StoreOption = Annotated[Path | None, typer.Option(
    "--store", metavar="PATH", envvar=store.STORE_ENV, show_default=False,
    help=f"The run store (default ./{store.DEFAULT_STORE}).")]
RunId = Annotated[int, typer.Argument(metavar="ID", min=1, help="A run id (see 'runs list').")]


@runs_app.callback(invoke_without_command=True)
def _runs(ctx: typer.Context) -> None:
    """List, show, compare, query and export recorded runs."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _store(path: Path | None) -> store.RunStore:
    return store.RunStore(store.resolve_path(path), read_only=True)


# --- list ------------------------------------------------------------------------------


@runs_app.command("list")
def list_command(
    store_path: StoreOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1,
                                       help="Show the last N runs.")] = 20,
    every: Annotated[bool, typer.Option("--all", help="Show every run.")] = False,
) -> None:
    """The recorded runs, newest last (times in UTC)."""
    with user_errors():
        runs = _store(store_path)
        frame = runs.list_runs()
        out = console()
        if frame.empty:
            out.print(Text(f"no runs in {runs.path}"), soft_wrap=True)
            return
        shown = frame if every else frame.tail(limit)
        table = NotedTable(title=f"Runs in {runs.path}", title_justify="left")
        for header, justify in (("id", "right"), ("kind", "left"), ("status", "left"),
                                ("scenario", "left"), ("paths", "right"), ("seed", "right"),
                                ("started (UTC)", "left"), ("time", "right"),
                                ("sha256", "left"), ("version", "left")):
            table.add_column(header, justify=justify,  # type: ignore[arg-type]
                             no_wrap=header in ("id", "paths", "seed", "time"),
                             overflow="fold")
        for row in shown.to_dict("records"):
            elapsed = finite(row["elapsed_seconds"])
            table.add_row(
                str(row["id"]), _text(row["kind"]),
                Text(_text(row["status"]),
                     style="" if row["status"] == "complete" else "yellow"),
                Text(scenario_label(row)),
                "base case" if row["deterministic"] is True else _int(row["paths"]),
                _seed(row["seed"]), _when(row["started"]),
                DASH if elapsed is None else f"{elapsed:.2f} s",
                _text(row["scenario_sha256"])[:12], _text(row["version"]),
            )
        out.print(table)
        if len(shown) < len(frame):
            out.print(Text(f"the last {len(shown)} of {len(frame)} runs; --all shows every "
                           "one"), soft_wrap=True)


# --- show ------------------------------------------------------------------------------


@runs_app.command("show")
def show_command(
    run_id: RunId,
    store_path: StoreOption = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the run's JSON summary (as 'chipcredit run --json' wrote it).")
    ] = False,
) -> None:
    """One run: its deals and parties tables, as 'chipcredit run' printed them."""
    with user_errors():
        runs = _store(store_path)
        data = runs.get_run(run_id)
        run = data["run"]
        if as_json:
            if run["status"] != "complete" or not run.get("summary_json"):
                raise Failed(f"run {run_id} is {run['status']}: it has no JSON summary")
            typer.echo(run["summary_json"])
            return
        out = console()
        err = console(stderr=True)
        for text in stored_warnings(run):  # as `chipcredit run` printed them, on stderr
            err.print(Text(f"warning: {text}", style="yellow"), soft_wrap=True)
        out.print(Text(_header(run)), soft_wrap=True)
        if run["status"] != "complete":
            out.print(Text(f"run {run_id} is {run['status']}: the process writing it was "
                           "stopped before it committed its results"), soft_wrap=True)
            return
        # the footer names the scenario as the header does (seed-2025 (edited))
        print_tables(out, runs, run_id, {**run, "scenario": scenario_label(run)},
                     data["metrics"])


# --- diff ------------------------------------------------------------------------------


@runs_app.command("diff")
def diff_command(
    first: RunId,
    second: Annotated[int, typer.Argument(metavar="ID2", min=1, help="The run to compare.")],
    store_path: StoreOption = None,
    every: Annotated[bool, typer.Option("--all", help="Show unchanged metrics too.")] = False,
    variant: Annotated[list[str] | None, typer.Option(
        "--variant", metavar="A=B",
        help="Compare variant A of the first run with variant B of the second (repeatable). "
             "By default variants of the same name are compared, and the two runs' primary "
             "variants (main, base, baseline or a: the scenario as it is) with each other.")
    ] = None,
) -> None:
    """Metrics of two runs side by side: mean and median, and second minus first."""
    with user_errors():
        pairs = _pairs(variant or [])
        runs = _store(store_path)
        frame = runs.diff(first, second, variants=pairs)
        data = {"a": runs.get_run(first), "b": runs.get_run(second)}
        a, b = data["a"]["run"], data["b"]["run"]
        out = console()
        out.print(Text(_header(a)), soft_wrap=True)
        out.print(Text(_header(b)), soft_wrap=True)
        if note := code_note(a, b):  # differences that may be the code's, not the inputs'
            out.print(Text(note), soft_wrap=True)
        if inputs := frame.attrs.get("scenario_note"):  # the inputs that differ, number by number
            out.print(Text(inputs), soft_wrap=True)
        rows = [_clean(r) for r in frame.to_dict("records")]
        unmeant = irr_unmeant(rows, {side: _deal_sides(d) for side, d in data.items()})
        both = [r for r in rows if r["only"] is None]
        changed = [r for r in both if _differs(r)]
        shown = both if every else changed
        renamed = {(r["variant_a"], r["variant_b"]) for r in both
                   if r["variant_a"] != r["variant_b"]}
        multi = len({r["variant"] for r in rows}) > 1 or bool(renamed)
        table = NotedTable(title=f"Run {second} against run {first} (Δ = {second} - {first})",
                      title_justify="left")
        if multi:
            table.add_column("variant", no_wrap=True)
        for header in ("deal", "party", "metric"):
            table.add_column(header, overflow="fold")
        for header in (f"mean\n{first}", f"mean\n{second}", "Δ mean",
                       f"p50\n{first}", f"p50\n{second}", "Δ p50"):
            table.add_column(header, justify="right", no_wrap=True)
        said: dict[str, list[str]] = {}  # the medians shown that need a note, to their rows
        for r in shown:
            medians = [median_cell(r, side, unmeant) for side in ("a", "b")]
            reasons = [unmeant.get((side, r["variant"], r["deal"], r["party"]))
                       if r["metric"] == "irr"
                       else None for side in ("a", "b")]
            for key in (*medians, *reasons):
                if key in BEYOND_TEXT or key in UNMEANT_IRR:  # a note says what it means
                    said.setdefault(str(key), []).append(f"{r['deal']} {r['party']}")
            # an IRR that is not a rate (n/m; the store keeps -1) has no mean, no difference
            means = [NOT_MEANINGFUL if why else compact(r[f"mean_{side}"])
                     for side, why in zip(("a", "b"), reasons, strict=True)]
            cells: list[Text | str] = [Text(_text(r["deal"])), Text(r["party"]), Text(r["metric"]),
                     *means, DASH if any(reasons) else compact(r["mean_diff"], True),
                     *medians, DASH if any(reasons) else compact(r["p50_diff"], True)]
            label = (r["variant"] if r["variant_a"] == r["variant_b"]
                     else f"{r['variant_a']} / {r['variant_b']}")
            table.add_row(*([Text(label)] if multi else []), *cells)
        if shown:
            out.print(table)
        if notes := median_notes(said):  # as the deals table's notes are printed
            out.print(Notes("\n".join(notes), "table.caption"))
        for va, vb in sorted(renamed):
            out.print(Text(f"variant {va} of run {first} is compared with variant {vb} of run "
                           f"{second}"), soft_wrap=True)
        out.print(Text(f"{len(changed)} of {count(len(both), 'metric')} "
                       + ("differs" if len(changed) == 1 else "differ")
                       + ("" if every or not both else "; --all shows them all")),
                  soft_wrap=True)
        for run_id, side in ((first, "a"), (second, "b")):
            alone = [r for r in rows if r["only"] == side]
            if alone:
                names = ", ".join(dict.fromkeys(str(r[f"variant_{side}"]) for r in alone))
                out.print(Text(f"{count(len(alone), 'metric')} only in run {run_id} "
                               f"(variant {names}), "
                               "not compared (--variant A=B pairs variants)"), soft_wrap=True)


def _pairs(given: list[str]) -> dict[str, str] | None:
    """``--variant A=B`` options as {A: B}; None when none was given."""
    pairs: dict[str, str] = {}
    for text in given:
        va, sep, vb = text.partition("=")
        if not sep or not va.strip() or not vb.strip():
            raise Failed(f"--variant takes A=B, a variant of the first run and one of the "
                         f"second; got {text!r}")
        if va.strip() in pairs:
            raise Failed(f"--variant pairs the first run's variant {va.strip()!r} more than "
                         "once; pair each variant once")
        pairs[va.strip()] = vb.strip()
    return pairs or None


def _differs(row: dict[str, Any]) -> bool:
    if row.get("p50_outside_a") != row.get("p50_outside_b"):  # above the bracket in one only
        return True
    for stat in ("mean", "p05", "p50", "p95"):
        a, b = finite(row[f"{stat}_a"]), finite(row[f"{stat}_b"])
        if (a is None) != (b is None) or (a is not None and a != b):
            return True
    return False


# --- sql -------------------------------------------------------------------------------


@runs_app.command("sql")
def sql_command(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="A SQL query (DuckDB dialect).")],
    store_path: StoreOption = None,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV instead of a table.")] = False,
    max_rows: Annotated[int, typer.Option(
        "--max-rows", min=1, help="Rows shown in the table (--csv prints all).")] = 100,
) -> None:
    """Query the store read-only (tables: runs, metrics, bands, flows, outcomes, defaults).

    The connection cannot write: not to the store, and not to any other file (COPY, ATTACH,
    INSTALL and file functions are refused).
    """
    with user_errors():
        frame = _store(store_path).sql(query)
        if csv:
            typer.echo(_csv_safe(frame).to_csv(index=False, lineterminator="\n"), nl=False)
            return
        out = console()
        if frame.columns.empty:
            out.print(Text("ok (no rows)"))
            return
        table = Table(show_lines=False)
        for name in frame.columns:
            numeric = pd.api.types.is_numeric_dtype(frame[name].dtype)
            table.add_column(str(name), justify="right" if numeric else "left")
        for rec in frame.head(max_rows).itertuples(index=False, name=None):
            table.add_row(*(Text(_cell(v)) for v in rec))
        print_whole(out, table)  # piped, at full width: no id or number cut to `coloss…`
        more = len(frame) - max_rows
        note = f"{len(frame):,} row{'s' if len(frame) != 1 else ''}"
        if more > 0:
            note += f" ({more:,} not shown; --max-rows or --csv shows them)"
        out.print(Text(note), soft_wrap=True)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula in a CSV cell."""


def _csv_text(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, made inert with a leading ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name that starts like a formula escaped
    (a scenario named ``=1+1``); numbers, a negative one included, stay numbers."""
    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if not (pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype)
                or pd.api.types.is_datetime64_any_dtype(col.dtype)):
            out.isetitem(i, col.map(_csv_text, na_action="ignore").to_numpy(dtype=object))
    out.columns = [_csv_text(str(c)) for c in out.columns]
    return out


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return "NULL" if math.isnan(value) else f"{value:.10g}"
    if isinstance(value, (datetime, pd.Timestamp)):
        return "NULL" if pd.isna(value) else str(value)
    try:
        if pd.isna(value):
            return "NULL"
    except (TypeError, ValueError):
        pass
    return str(value)


# --- export ----------------------------------------------------------------------------


@runs_app.command("export")
def export_command(
    run_id: RunId,
    xlsx: Annotated[Path, typer.Option(
        "--xlsx", metavar="FILE",
        help="Write an Excel workbook: one sheet per table.")],
    store_path: StoreOption = None,
    paths: Annotated[int, typer.Option(
        "--paths", min=0, help="Per-path outcomes of at most this many paths (Excel is slow "
                               "with many).")] = 10_000,
) -> None:
    """Export one run to an Excel workbook, one sheet per table."""
    with user_errors():
        with Staging() as staging:
            staged = staging.file(xlsx, "--xlsx")
            runs = _store(store_path)
            stored = finite(runs.get_run(run_id)["run"]["stored_paths"]) or 0
            with staging.writing(staged):
                runs.export_xlsx(run_id, staged, max_paths=paths)
            staging.commit()
        note = (f" (per-path outcomes of the first {paths:,} of {int(stored):,} stored paths)"
                if paths < stored else "")
        console().print(Text(f"wrote {xlsx}{note}"), soft_wrap=True)

