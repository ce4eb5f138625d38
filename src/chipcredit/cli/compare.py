"""``chipcredit compare``: two scenarios with common random numbers, paired by path."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit.errors import UsageError
from chipcredit.report.multiples import unmeant_moic

from .app import app, console, print_whole, user_errors
from .formats import paths_count
from .notices import warnings_shown
from .paired_tables import HEADLINE_METRICS, paired_table
from .run import NoStoreOption, QuietOption, SchedulerOption, StorePathOption, chosen_store
from .staging import check_file_target
from .stress import record_paired, report_quietly

__all__ = ["compare_command", "comparison_table", "side_labels"]



@app.command("compare")
def compare_command(
    first: Annotated[str, typer.Argument(
        metavar="A", help="The base scenario: a bundled name or a scenario YAML file.",
        show_default=False)],
    second: Annotated[str | None, typer.Argument(
        metavar="[B]", help="The scenario compared with it (B minus A); leave it out with "
        "--without.", show_default=False)] = None,
    paths: Annotated[int, typer.Option("--paths", "-n", min=1,
                                       help="Monte Carlo paths (both runs).")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", "-s", min=0,
                                      help="Seed of both runs (common random numbers).")] = 0,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE",
        help="Write the paired differences here as JSON (atomically).")] = None,
    without: Annotated[list[str] | None, typer.Option(
        "--without", metavar="DEAL",
        help="B is A with this deal left out, nothing else changed: what the deal adds to A "
             "is A minus B (repeat for several deals).")] = None,
    quiet: QuietOption = False,
    store_path: StorePathOption = None,
    no_store: NoStoreOption = False,
    scheduler: SchedulerOption = None,
) -> None:
    """Compare two scenarios run with the same seed, paired by path (B minus A).

    Common random numbers give A and B the same draws wherever they share structure; the
    table shows each metric's mean difference with a 95% confidence interval from the
    paired paths, the median paired difference and the shares of paths where B is above
    and below A. With --without DEAL, B is A without that deal, so the table shows, negated,
    what the deal adds (for a milestone_equity deal, the measure of what it causes, which
    its tied_gross_profit is not).
    """
    with user_errors():
        out = console()
        if json_file is not None:
            check_file_target(json_file, "--json")
        runs = chosen_store(store_path, no_store)
        started = datetime.now(UTC)
        with warnings_shown(console(stderr=True)):
            if without and second is not None:
                raise UsageError("compare: give B or --without DEAL, not both (--without makes B "
                                 "from A)")
            if not without and second is None:
                raise UsageError("compare: give B, the scenario compared with A, or --without "
                                 "DEAL for A without that deal")
            res = cc.compare(first, second, paths=paths, seed=seed, scheduler=scheduler,
                             without=without or None)
        if res.without:
            a = res.base.scenario.name
            b = f"{a} without {', '.join(res.without)}"
        else:
            assert second is not None
            a, b = side_labels(first, second, res.base.scenario.name, res.other.scenario.name)
        stored = record_paired(
            runs, {"a": res.base, "b": res.other}, kind="compare", started=started,
            extra={"a": a, "b": b}, json_file=json_file, differences=res.differences,
            head={"a": a, "b": b, "paths": paths, "seed": seed,
                  **({"without": list(res.without)} if res.without else {})})
        if quiet:
            report_quietly(stored)
            return
        out.print(Text(f"{b} minus {a}: {paths_count(paths)}, seed {seed}, common random numbers, "
                       f"paired by path" + (f" · {stored}" if stored else "")), soft_wrap=True)
        print_whole(out, comparison_table(res, a, b, unmeant=unmeant_moic(res.base, res.other)))
        if json_file is not None:
            out.print(Text(f"wrote {json_file}"), soft_wrap=True)


def side_labels(first: str, second: str, name_a: str, name_b: str) -> tuple[str, str]:
    """How the table, its header and the JSON's ``a`` and ``b`` call the two scenarios: their
    ``name``s, or where those are the same (two variants of one file, each keeping the
    original's name) what was typed for each, a file by its stem, else in full; the same
    argument twice is told apart as ``NAME (A)`` and ``NAME (B)``.

    >>> side_labels("loan.yaml", "spv.yaml", "deal", "deal")
    ('loan', 'spv')
    """
    if name_a != name_b:
        return name_a, name_b
    stems = (Path(first).stem, Path(second).stem)
    if stems[0] != stems[1]:
        return stems
    if first != second:
        return first, second
    return f"{name_a} (A)", f"{name_b} (B)"


def comparison_table(res: cc.CompareResult, a: str, b: str, *,
                     unmeant: Mapping[tuple[str, str], tuple[str, str]] | None = None) -> Table:
    """The headline paired differences, B minus A: the mean with its 95% interval, the
    median, P(B>A) and P(B<A) (and the paths behind a row when fewer than all; see
    `paired_table`); no row for a MOIC that is n/m (``unmeant``, `unmeant_moic`)."""
    return paired_table(res.differences, HEADLINE_METRICS, res.base.paths,
                        f"{b} minus {a} (each row in its unit)", a, b, unmeant=unmeant)
