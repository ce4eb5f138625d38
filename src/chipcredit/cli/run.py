"""``chipcredit run``: simulate a scenario, print its tables, record it in the run store."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

import chipcredit as cc
from chipcredit import store
from chipcredit.analytics.vendor_buyers import self_funded_by_buyer
from chipcredit.analytics.vendor_years import self_funded_by_year
from chipcredit.report.base_case_standing import base_defaults, standing_text
from chipcredit.report.deal_odds import discount_rates, hypothetical_deals, path_odds
from chipcredit.report.i18n import catalogue
from chipcredit.report.multiples import closed_shares, financed_parties
from chipcredit.report.self_funded_buyers import buyers_note, hypothetical_parties
from chipcredit.report.summary import DEFAULT_YEARS, default_before
from chipcredit.report.vendors import horizon, outside_funding, unmodelled_funding

from .app import Failed, app, console, stderr_line, user_errors
from .cashflow_files import write_cashflows
from .credit_tables import credit_tables
from .deal_table import deals_table
from .formats import paths_count
from .history_table import history_table
from .notices import warnings_shown
from .party_table import can_default, parties_table, spend_splits
from .progress import bar
from .run_footer import print_footer, run_footer
from .staging import Staging, write_output
from .vendor_tables import (
    exposure_table,
    second_sourcing_table,
    self_funded_years_table,
    vendor_financials_table,
    vendors_table,
)

__all__ = ["PROGRESS_MIN_PATHS", "run_command"]

PROGRESS_MIN_PATHS = 5_000
"""Runs with at least this many paths (about a second or more) show a progress bar."""



StorePathOption = Annotated[Path | None, typer.Option(
    "--store", metavar="PATH", envvar=store.STORE_ENV,
    help=f"Record in this run store (DuckDB; default ./{store.DEFAULT_STORE}).",
    show_default=False)]
"""``--store PATH`` (or CHIPCREDIT_STORE), shared by every command that records."""
NoStoreOption = Annotated[bool, typer.Option("--no-store", help="Do not record in the run store.")]
"""``--no-store``, shared by every command that records."""
QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress bar and no tables; warnings and errors only.")]
"""``--quiet``/``-q``: run, stress and compare."""
SCHEDULER_ENV = "CHIPCREDIT_DASK_SCHEDULER"  # = chipcredit.distributed.SCHEDULER_ENV
SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", metavar="ADDRESS", envvar=SCHEDULER_ENV, show_default=False,
    help=f"Run on this Dask scheduler, e.g. tcp://HOST:8786 (or {SCHEDULER_ENV}); needs "
         "the distributed extra. The numbers do not depend on it.")]
"""``--scheduler ADDRESS``, shared by run, sensitivity, solve and stress."""

_DEFAULTED = ("DEFAULT", "DEFAULT_MAP")
"""Where an option's value came from (a ``ParameterSource``'s name; Typer has its own copy
of Click's enum) when the user did not give it."""


@app.command("run")
def run_command(
    ctx: typer.Context,
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
        "--json", metavar="FILE",
        help="Write the JSON summary here (atomically; no wall-clock times, so the same "
             "seed writes the same bytes).")] = None,
    cashflows_dir: Annotated[Path | None, typer.Option(
        "--cashflows", metavar="DIR",
        help="Write one path's cash-flow schedule of each deal to DIR/DEAL.csv (DIR is "
             "created if missing).")] = None,
    cashflows_path: Annotated[int | None, typer.Option(
        "--cashflows-path", metavar="K", min=0,
        help="Which path --cashflows exports, counting from 0 (default 0).")] = None,
    store_path: StorePathOption = None,
    no_store: NoStoreOption = False,
    force: Annotated[bool, typer.Option(
        "--force", help=f"Allow more than {cc.MAX_PATHS:,} paths.")] = False,
    quiet: QuietOption = False,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=1,
        help="Local worker processes (a Dask LocalCluster; needs the distributed extra); 1 "
             "runs in this process. The numbers do not depend on it.")] = 1,
    scheduler: SchedulerOption = None,
    paths_out: Annotated[Path | None, typer.Option(
        "--paths-out", metavar="FILE.parquet",
        help="Write every path's scalar outcomes to this Parquet file (one row per path, "
             "float32; atomically; needs the distributed extra).")] = None,
) -> None:
    """Simulate a scenario, show what each party gets from each deal ($B), record the run.

    Excel: 'chipcredit runs export ID --xlsx FILE' writes a recorded run (its ID is in the
    footer, 'stored as run ID') to a workbook, one sheet per table; it reads the run store,
    so a run made with --no-store cannot be exported.
    """
    with user_errors():
        if deterministic:
            note_unused(ctx, paths, seed)
            seed = 0  # nothing is drawn: recorded as the default seed, whatever --seed said
        _run(scenario, paths=paths, seed=seed, deterministic=deterministic, json_file=json_file,
             cashflows_dir=cashflows_dir, cashflows_path=cashflows_path, force=force,
             quiet=quiet, store_path=None if no_store else store.resolve_path(store_path),
             store_named=store_path is not None, workers=workers, scheduler=scheduler,
             paths_out=paths_out)


def note_unused(ctx: typer.Context, paths: int, seed: int) -> None:
    """With --deterministic (run, solve), a note naming the --paths and --seed the user gave,
    which the base case does not use."""
    unused = [f"{flag} {value}" for flag, name, value in
              (("--paths", "paths", paths), ("--seed", "seed", seed))
              if getattr(ctx.get_parameter_source(name), "name", "DEFAULT") not in _DEFAULTED]
    if unused:
        stderr_line(f"note: --deterministic runs the base case (one path, no random "
                    f"draws): {' and '.join(unused)} not used; the run is recorded "
                    f"with 1 path and seed 0")


def not_stored(reason: str) -> None:
    stderr_line(f"note: the run was not stored: {reason}; --no-store hides this note")


def store_or_note(path: Path | None, named: bool) -> store.RunStore | None:
    """The run store to record into, checked before the run.

    None, with a note, when DuckDB is missing, or when the default store (not named by
    --store or CHIPCREDIT_STORE) cannot be used; a named store that cannot be used is an
    error.
    """
    if path is None:
        return None
    if not store.available():
        not_stored(f"the run store needs DuckDB ({store.INSTALL_HINT})")
        return None
    runs = store.RunStore(path)
    try:
        runs.check()
    except cc.UsageError as exc:
        if named:
            raise
        not_stored(str(exc))
        return None
    return runs


def chosen_store(path: Path | None, no_store: bool) -> store.RunStore | None:
    """The run store named by --store / CHIPCREDIT_STORE (or the default), checked before
    the work starts; None with --no-store or with a note (see `store_or_note`)."""
    return None if no_store else store_or_note(store.resolve_path(path), path is not None)


def finish_experiment(notes: Sequence[str], record: dict[str, Any],
                      runs: store.RunStore | None, scenario: str, *, kind: str, paths: int,
                      seed: int, started: datetime, json_file: Path | None,
                      scheduler: str | None = None, deterministic: bool = False) -> None:
    """An experiment's (sensitivity, solve) notes on stderr; its record in the run store
    (with its baseline run: the scenario as it is, same paths and seed, or its
    deterministic base case, recorded as one path); its JSON file."""
    for note in notes:
        stderr_line(f"note: {note}")
    if runs is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", cc.ChipcreditWarning)  # shown for the runs already
            baseline = cc.simulate(scenario, paths=paths, seed=seed, scheduler=scheduler,
                                   deterministic=deterministic)
        run_id = runs.save({"baseline": baseline}, kind=kind, started=started,
                           extra={"experiment": record, "argv": sys.argv[1:]})
        stderr_line(f"stored as run {run_id} in {runs.path}")
    if json_file is not None:
        write_output(json_file, "--json", json.dumps(record, indent=2, allow_nan=False) + "\n")


def _run(scenario: str, *, paths: int, seed: int, deterministic: bool, json_file: Path | None,
         cashflows_dir: Path | None, cashflows_path: int | None, force: bool,
         quiet: bool, store_path: Path | None, store_named: bool, workers: int = 1,
         scheduler: str | None = None, paths_out: Path | None = None) -> None:
    sc = cc.load_scenario(scenario)
    effective_paths = 1 if deterministic else paths
    if cashflows_path is not None and cashflows_dir is None:
        raise Failed("--cashflows-path needs --cashflows DIR")
    path_k = 0 if cashflows_path is None else cashflows_path
    if cashflows_dir is not None and path_k >= effective_paths:
        raise Failed(f"--cashflows-path must be below the number of paths ({effective_paths})"
                     f"; got {path_k}")
    with Staging() as staging:  # every output, or none of them (see staging.py)
        json_tmp = None if json_file is None else staging.file(json_file, "--json")
        flows_tmp = (None if cashflows_dir is None
                     else staging.folder(cashflows_dir, "--cashflows"))
        parquet_tmp = None if paths_out is None else staging.file(paths_out, "--paths-out")
        runs = store_or_note(store_path, store_named)
        err = console(stderr=True)
        show_bar = (not quiet and err.is_terminal and not deterministic
                    and paths >= PROGRESS_MIN_PATHS)
        started = datetime.now(UTC)
        run_id: int | None = None
        store_error: str | None = None
        with warnings_shown(err), bar(err, show_bar) as progress:
            with staging.writing(parquet_tmp) if parquet_tmp is not None else nullcontext():
                result = cc.simulate(sc, paths=paths, seed=seed, deterministic=deterministic,
                                     force=force, progress=progress.callback(effective_paths,
                                                                             "simulating"),
                                     workers=workers, scheduler=scheduler, paths_out=parquet_tmp)
            if json_tmp is not None:
                staging.text(json_tmp, result.to_json() + "\n")
            if flows_tmp is not None:
                deals = [d.id for d in result.scenario.deals]
                step = progress.callback(len(deals), "cash flows")
                with staging.writing(flows_tmp):
                    write_cashflows(result, flows_tmp, deals, path_k, step)
            summary = [{str(k): v for k, v in row.items()}
                       for row in result.summary().to_dict("records")]
            if runs is not None:
                try:
                    run_id = runs.save(result, kind="run", started=started,
                                       extra={"argv": sys.argv[1:]})
                except cc.UsageError as exc:
                    store_error = str(exc)
        if store_error is not None and store_named:
            raise Failed(f"the run was not stored: {store_error}")
        closed: BaseException | None = None
        if not quiet:
            stored = (f"stored as run {run_id} in {runs.path}"
                      if run_id is not None and runs is not None else None)
            try:
                _print_tables(result, summary, stored)
            except (BrokenPipeError, SystemExit) as exc:
                # `| head` read what it wanted (Rich exits 1 on a closed pipe); the files are due
                closed = exc
        staging.commit()
    if closed is not None:
        raise closed
    if not quiet:
        for written in (json_file, cashflows_dir, paths_out):
            if written is not None:
                console().print(Text(f"wrote {written}"), soft_wrap=True)
    if store_error is not None:
        not_stored(store_error)


def _print_tables(result: cc.Result, summary: Sequence[Mapping[str, Any]],
                  stored: str | None) -> None:
    out = console()
    kinds = {d.id: d.kind for d in result.scenario.deals}
    p_loss: dict[tuple[str, str], float | None] = {}
    for deal, party in result.deal_parties():
        try:
            # losses below a dollar are 0 already (analytics.metrics.position_losses)
            p_loss[(deal, party)] = float((result.outcome(deal, party, "loss") > 0).mean())
        except cc.UsageError:
            p_loss[(deal, party)] = None
    over = ("the deterministic base case" if result.deterministic
            else f"medians over {paths_count(result.paths)}")
    out.print(deals_table(summary, kinds, p_loss, over,
                          financed=financed_parties(result.scenario.deals),
                          closed=closed_shares(result), deterministic=result.deterministic,
                          hypothetical=hypothetical_deals(result.scenario.deals),
                          rates=discount_rates(result.scenario.parties),
                          odds=path_odds(result.scenario.deals, result.outcomes),
                          scenario=result.scenario.name, paths=result.paths))
    parties = [(p.id, p.kind) for p in result.scenario.parties]
    labels = result.quarter_labels()
    year = int(labels[0][:4]) + DEFAULT_YEARS  # the report's "defaults before 2030"
    early = (None if year > int(labels[-1][:4]) else
             (str(year), {p: default_before(result, p, year)
                          for p in can_default(result.scenario.parties)}))
    out.print(parties_table(summary, parties, "base case" if result.deterministic
                            else f"p50: medians over {paths_count(result.paths)}",
                            can_default(result.scenario.parties),
                            deterministic=result.deterministic, last=labels[-1], early=early,
                            notes={p.id: p.note for p in result.scenario.parties if p.note},
                            roles={p.id: p.role for p in result.scenario.parties if p.role},
                            splits=spend_splits(result.to_dict())))
    # the claim holders' books and the SPVs' debt, from the JSON summary (as `runs show`)
    for credit in credit_tables(result.to_dict(), deterministic=result.deterministic):
        out.print(credit)
    # the seed's headline answers: the vendors' own money in their sales, the labs' porting
    vendors = [p for p, kind in parties if kind == "vendor"]
    # the same money by the buyer that paid it, under the years (the report's line; the
    # JSON's vendors.VENDOR.self_funded_by_buyer)
    made_up = hypothetical_deals(result.scenario.deals)  # marked in the caption and the line
    by_buyer = buyers_note({p: self_funded_by_buyer(result, p) for p in vendors},
                           catalogue("en"), deterministic=result.deterministic,
                           hypothetical=hypothetical_parties(result.deal_parties(), made_up))
    for table in (vendors_table(summary, parties,
                                "base case" if result.deterministic else "medians and means",
                                unmodelled_funding(result.scenario),
                                deterministic=result.deterministic,
                                outside=outside_funding(result.scenario),
                                horizon=horizon(result.scenario), hypothetical=made_up),
                  vendor_financials_table(result.to_dict(), deterministic=result.deterministic,
                                          horizon=horizon(result.scenario)),
                  # its revenue where each lab defaults, and where not (not in one path)
                  exposure_table(result.to_dict(), horizon=horizon(result.scenario)),
                  self_funded_years_table({p: self_funded_by_year(result, p) for p in vendors},
                                          deterministic=result.deterministic),
                  Text(by_buyer) if by_buyer else None,
                  second_sourcing_table(summary, parties, result.scenario.start,
                                        deterministic=result.deterministic)):
        if table is not None:  # none without vendors, or a second one to port to
            out.print(table)
    against = history_table(cc.history_check(result), labels, deterministic=result.deterministic,
                            seed=result.seed)  # the scenario's history: observations, placed
    if against is not None:
        out.print(against)
    print_footer(out, footer(result) + (f" · {stored}" if stored else ""))


def footer(result: cc.Result) -> str:
    labels = result.quarter_labels()
    return run_footer(scenario=result.scenario.name, sha256=result.scenario_sha256,
                      horizon=(labels[0], labels[-1], len(labels)),
                      paths=result.paths, deterministic=result.deterministic, seed=result.seed,
                      elapsed=result.elapsed_seconds, imbalance=result.max_abs_imbalance,
                      capacity_unit=result.scenario.capacity_unit,
                      # the base case is not the median: where it falls among the paths
                      standing=(standing_text(result.scenario, base_defaults(result),
                                              catalogue("en")) if result.deterministic else None))
