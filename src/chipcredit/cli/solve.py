"""``chipcredit solve``: the value of one number at which a metric reaches a target."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit.experiments.digits import decimals, fixed, significant

from .app import app, console, user_errors
from .formats import number, path_share, paths_count
from .notices import warnings_shown
from .run import (
    NoStoreOption,
    SchedulerOption,
    StorePathOption,
    chosen_store,
    finish_experiment,
    note_unused,
)
from .staging import check_file_target

__all__ = ["heading", "probes_table", "solve_command"]


@app.command("solve", help=(
    "Find the value of a number at which a metric reaches a target (break-even).\n\n"
    "A bracketed search with the same seed at every probe; it prints the metric at each probe "
    "and the final bracket. When the bracket holds no root it says so, with the metric's range "
    "over the bracket (exit status 0: that is an answer)."))
def solve_command(
    ctx: typer.Context,
    scenario: Annotated[str, typer.Argument(
        metavar="SCENARIO", help="A bundled scenario name or a path to a scenario YAML file.")],
    vary: Annotated[str, typer.Option(
        "--vary", metavar="P", help="Parameter path of the number to solve for, e.g. "
                                    "parties.xai.revenue.growth.from.")],
    target: Annotated[str, typer.Option(
        "--target", metavar="'M = V'",
        help="Metric path, '=', '>=' or '<=', and a value, e.g. "
             "'deals.colossus2-spv.parties.nvidia.moic.p50 >= 1.0'; a deal metric's "
             "p_positive is the share of paths on which it is above zero, e.g. "
             "'deals.colossus2-spv.parties.colossus2-lenders.loss.p_positive <= 0.2' (P(deal loss > 0)).")],
    low: Annotated[float | None, typer.Option(
        "--low", metavar="X", help="Low end of the bracket \\[default: p05 of an uncertain "
                                   "number, -50% of a fixed one].", show_default=False)] = None,
    high: Annotated[float | None, typer.Option(
        "--high", metavar="X", help="High end of the bracket \\[default: p95, or +50%].",
        show_default=False)] = None,
    paths: Annotated[int, typer.Option(
        "--paths", "-n", min=1, help="Monte Carlo paths per probe.")] = 2000,
    seed: Annotated[int, typer.Option(
        "--seed", "-s", min=0, help="Seed of every probe (common random numbers).")] = 0,
    deterministic: Annotated[bool, typer.Option(
        "--deterministic", help="Every probe runs the base case: one path, every shock zero, "
                                "medians (--paths and --seed not used).")] = False,
    tol: Annotated[float, typer.Option(
        "--tol", help="Stop when the bracket is narrower than this share of its first "
                      "width.")] = 1e-3,
    max_probes: Annotated[int, typer.Option(
        "--max-probes", min=2, help="At most this many simulations.")] = 40,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE",
        help="Write the answer and every probe here as JSON (atomically).")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Only the answer line (and notes, warnings, errors).")] = False,
    store_path: StorePathOption = None,
    no_store: NoStoreOption = False,
    scheduler: SchedulerOption = None,
) -> None:
    """Find the value of a number at which a metric reaches a target (break-even).

    A bracketed search with the same seed at every probe; it prints the metric at each probe
    and the final bracket. When the bracket holds no root it says so, with the metric's range
    over the bracket (exit status 0: that is an answer).
    """
    with user_errors():
        if deterministic:
            note_unused(ctx, paths, seed)
        if json_file is not None:
            check_file_target(json_file, "--json")
        runs = chosen_store(store_path, no_store)
        started = datetime.now(UTC)
        bracket = None if low is None and high is None else (low, high)
        err = console(stderr=True)
        with warnings_shown(err):
            res = cc.solve(scenario, vary, target, paths=paths, seed=seed, bracket=bracket,
                           tol=tol, max_probes=max_probes, scheduler=scheduler,
                           deterministic=deterministic)
        finish_experiment(res.notes, res.to_dict(), runs, scenario, kind="solve",
                          paths=res.paths, seed=res.seed, started=started,
                          json_file=json_file, scheduler=scheduler,
                          deterministic=res.deterministic)
        out = console()
        if not quiet:
            out.print(Text(heading(res)), soft_wrap=True)
            out.print(probes_table(res))
        word = ("no root" if res.status != "found" else
                "found, degenerate" if res.touches else "found")
        out.print(Text(f"{word}: {res.message}",
                       style="" if word == "found" else "yellow"), soft_wrap=True)
        if not quiet and json_file is not None:
            out.print(Text(f"wrote {json_file}"), soft_wrap=True)


def heading(res: cc.SolveResult) -> str:
    """What is being solved, over which bracket, with which runs."""
    runs = ("the deterministic base case per probe: one path, every shock zero, medians"
            if res.deterministic else
            f"{paths_count(res.paths)} per probe, seed {res.seed}, common random numbers")
    return (f"Solving {res.metric} {res.op} {res.target:g} over {res.vary} in "
            f"[{res.bracket[0]:.6g}, {res.bracket[1]:.6g}] ({runs})")


def probes_table(res: cc.SolveResult) -> Table:
    """Every probe, in order: the value tried, the metric there, and its gap to the target;
    and the share of paths with no value of the metric where its statistic is taken over
    the others. Values print with as many digits as tell two probes apart
    (`digits.significant`); metrics and gaps with as many decimals as put every metric on
    its own side of the target (`digits.decimals`), so a probe that misses never reads as
    meeting it, or in full where even 15 decimals do not."""
    table = Table()
    table.add_column("probe", justify="right", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("metric", justify="right", no_wrap=True)
    table.add_column("metric - target", justify="right", no_wrap=True)
    frame = res.probes_frame()
    shares = "nan_share" in frame.columns
    if shares:
        table.add_column("paths with\nno value", justify="right", no_wrap=True)
    values = significant(list(frame["value"]))
    places = decimals(list(frame["metric"]), res.target)
    gaps = decimals(list(frame["gap"]), 0.0)

    def shown(x: float, at: int | None, signed: bool = False) -> str:
        if x != x:
            return number(x)
        if at is None:
            return ("+" if signed and x > 0 else "") + repr(float(x))
        return fixed(x, at, signed)

    for probe, row in zip(frame.index, frame.to_dict("records"), strict=True):
        cells = [str(probe), f"{row['value']:.{values}g}", shown(row["metric"], places),
                 shown(row["gap"], gaps, signed=True)]
        if shares:
            cells.append(path_share(row["nan_share"]))
        table.add_row(*cells)
    return table
