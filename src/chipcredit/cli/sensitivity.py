"""``chipcredit sensitivity``: rank a scenario's numbers by their effect on one metric."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit.experiments.index_checks import CONTRADICTION

from .app import app, console, user_errors
from .formats import DASH, finite, number, paths_count
from .notices import warnings_shown
from .progress import bar
from .run import NoStoreOption, SchedulerOption, StorePathOption, chosen_store, finish_experiment
from .staging import check_file_target

__all__ = ["heading", "progress_callback", "ranked_table", "sensitivity_command"]

METHODS = ("tornado", "morris", "sobol", "delta")


@app.command("sensitivity", help=(
    "Rank parameters by their effect on one metric (tornado, Morris, Sobol, delta).\n\n"
    "Tornado moves one number at a time; Morris, Sobol and delta use SALib. Every run uses the "
    "same seed, so two runs differ by the parameters alone; the indices still depend on the "
    "seed and the paths, which their intervals do not show (rerun with another --seed). With "
    "correlated inputs, Sobol and Morris give way to delta, with a note."))
def sensitivity_command(
    scenario: Annotated[str, typer.Argument(
        metavar="SCENARIO", help="A bundled scenario name or a path to a scenario YAML file.")],
    metric: Annotated[str, typer.Option(
        "--metric", "-m", metavar="M",
        help="Metric path, as in the JSON summary: e.g. "
             "deals.colossus2-spv.parties.nvidia.moic.p50.")],
    params: Annotated[list[str] | None, typer.Option(
        "--param", "-p", metavar="P",
        help="Parameter path to vary (repeat for more); default every uncertain number.")
    ] = None,
    method: Annotated[str, typer.Option(
        "--method", help="tornado (one at a time), morris, sobol (first and total order) or "
                         "delta (valid with correlated inputs).")] = "tornado",
    paths: Annotated[int, typer.Option(
        "--paths", "-n", min=1, help="Monte Carlo paths per run.")] = 2000,
    seed: Annotated[int, typer.Option(
        "--seed", "-s", min=0, help="Seed of every run (common random numbers).")] = 0,
    spread: Annotated[float | None, typer.Option(
        "--spread", metavar="X",
        help="Range of fixed numbers, relative: 0.2 moves them ±20% (the default). "
             "Uncertain numbers move between their p05 and p95.", show_default=False)] = None,
    samples: Annotated[int | None, typer.Option(
        "--samples", metavar="N", min=2,
        help="Morris trajectories (16), Sobol base samples (128, a power of two) or delta "
             "runs (512).", show_default=False)] = None,
    second_order: Annotated[bool, typer.Option(
        "--second-order", help="Sobol: also second-order indices (N × (2D + 2) runs).")
    ] = False,
    resamples: Annotated[int, typer.Option(
        "--resamples", min=2, help="Bootstrap resamples behind the 95% confidence intervals "
                                   "(morris, sobol, delta).")] = 100,
    workers: Annotated[int, typer.Option(
        "--workers", "-w", min=1, help="Local processes for the runs; the numbers do not "
                                       "depend on it.")] = 1,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE",
        help="Write the ranked table and notes here as JSON (atomically).")] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar and no table; notes, warnings and errors only.")
    ] = False,
    store_path: StorePathOption = None,
    no_store: NoStoreOption = False,
    scheduler: SchedulerOption = None,
) -> None:
    """Rank parameters by their effect on one metric (tornado, Morris, Sobol, delta).

    Tornado moves one number at a time; Morris, Sobol and delta use SALib. Every run uses the
    same seed, so two runs differ by the parameters alone; the indices still depend on the
    seed and the paths (their intervals do not show that: rerun with another --seed). With
    correlated inputs, Sobol and Morris give way to delta, with a note.
    """
    with user_errors():
        if json_file is not None:
            check_file_target(json_file, "--json")
        runs = chosen_store(store_path, no_store)
        started = datetime.now(UTC)
        err = console(stderr=True)
        with warnings_shown(err), progress_callback(not quiet and err.is_terminal, err) as step:
            res = cc.sensitivity(scenario, metric, params=params or None, method=method,
                                 paths=paths, seed=seed, spread=spread, samples=samples,
                                 second_order=second_order, resamples=resamples,
                                 workers=workers, progress=step, scheduler=scheduler)
        # the contradictions were warned already (warning: ...), printed once
        finish_experiment([n for n in res.notes if not n.startswith(CONTRADICTION)],
                          res.to_dict(), runs, scenario, kind="sensitivity",
                          paths=paths, seed=seed, started=started, json_file=json_file,
                          scheduler=scheduler)
        if quiet:
            return
        out = console()
        out.print(Text(heading(res)), soft_wrap=True)
        out.print(ranked_table(res))
        if res.second_order is not None and len(res.second_order):
            out.print(_second_order_table(res))
        out.print(Text(_footer(res)), soft_wrap=True)
        if json_file is not None:
            out.print(Text(f"wrote {json_file}"), soft_wrap=True)


@contextlib.contextmanager
def progress_callback(enabled: bool, err: Console,
                      label: str = "runs") -> Iterator[Callable[[int, int], None] | None]:
    """A callback (runs done, runs in all) that drives a transient bar, or None."""
    with bar(err, enabled) as b:
        if not enabled:
            yield None
            return
        update: list[Callable[[int], None] | None] = []

        def step(done: int, total: int) -> None:
            if not update:  # the number of runs is known only once the sample is drawn
                update.append(b.callback(total, label))
            if update[0] is not None:
                update[0](done)

        yield step


def _value(x: Any) -> str:
    v = finite(x)
    return DASH if v is None else f"{v:.6g}"


def _index(x: Any) -> str:
    v = finite(x)
    return DASH if v is None else f"{v:.3f}"


COLUMNS: dict[str, list[tuple[str, str, Callable[[Any], str]]]] = {
    "tornado": [("metric_low", "metric at\nlow", number), ("metric_high", "metric at\nhigh", number),
                ("swing", "swing", number)],
    "morris": [("mu_star", "mu*", number), ("mu_star_conf", "± (95%)", number),
               ("sigma", "sigma", number), ("mu", "mu", number)],
    "sobol": [("S1", "S1", _index), ("S1_conf", "± (95%)", _index), ("ST", "ST", _index),
              ("ST_conf", "± (95%)", _index)],
    "delta": [("delta", "delta", _index), ("delta_conf", "± (95%)", _index),
              ("S1", "S1", _index), ("S1_conf", "± (95%)", _index)],
}


def heading(res: cc.SensitivityResult) -> str:
    """What was ranked, how, and over which runs."""
    return (f"Sensitivity of {res.metric} ({res.method}; {paths_count(res.paths)} per run, "
            f"seed {res.seed}, common random numbers)")


def ranked_table(res: cc.SensitivityResult) -> Table:
    """The result's table, most important parameter first."""
    table = Table()
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("parameter", overflow="fold")
    table.add_column("range", no_wrap=True)
    table.add_column("low", justify="right", no_wrap=True)
    table.add_column("high", justify="right", no_wrap=True)
    for _, header, _fmt in COLUMNS[res.method]:
        table.add_column(header, justify="right", no_wrap=True)
    for rank, row in zip(res.table.index, res.table.to_dict("records"), strict=True):
        cells: list[str | Text] = [str(rank), Text(str(row["parameter"])), str(row["basis"]),
                 _value(row["low"]), _value(row["high"])]
        cells += [fmt(row[key]) for key, _, fmt in COLUMNS[res.method]]
        table.add_row(*cells)
    return table


def _second_order_table(res: cc.SensitivityResult) -> Table:
    assert res.second_order is not None
    table = Table(title="Sobol second-order indices", title_justify="left")
    for header in ("a", "b"):
        table.add_column(header, overflow="fold")
    table.add_column("S2", justify="right")
    table.add_column("± (95%)", justify="right")
    frame = res.second_order.sort_values("S2", ascending=False, kind="stable")
    for row in frame.to_dict("records"):
        table.add_row(Text(str(row["a"])), Text(str(row["b"])), _index(row["S2"]),
                      _index(row["S2_conf"]))
    return table


def _footer(res: cc.SensitivityResult) -> str:
    text = (f"scenario {res.scenario} · baseline {number(res.baseline)} · {res.runs:,} runs · "
            f"{res.elapsed_seconds:.1f} s")
    if res.method != res.requested:
        text += f" · {res.requested} asked, {res.method} used (see note)"
    return text
