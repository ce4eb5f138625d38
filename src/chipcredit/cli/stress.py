"""``chipcredit stress``: a scenario against itself under a stress pack, paired by path."""

from __future__ import annotations

import json
import sys
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit import store
from chipcredit.report.multiples import unmeant_moic

from .app import app, console, print_whole, stderr_line, user_errors
from .formats import paths_count
from .notices import warnings_shown
from .paired_tables import HEADLINE_METRICS, paired_table
from .run import NoStoreOption, QuietOption, SchedulerOption, StorePathOption, chosen_store
from .staging import check_file_target, write_output

__all__ = ["differences_table", "packs_table", "paired_table", "record_paired", "report_quietly",
           "stress_command"]


@app.command("stress")
def stress_command(
    scenario: Annotated[str | None, typer.Argument(
        metavar="SCENARIO", help="A bundled scenario name or a path to a scenario YAML file.",
        show_default=False)] = None,
    pack: Annotated[str | None, typer.Option(
        "--pack", metavar="NAME", help="A bundled stress pack or a pack YAML file.")] = None,
    paths: Annotated[int, typer.Option("--paths", "-n", min=1,
                                       help="Monte Carlo paths (both runs).")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", "-s", min=0,
                                      help="Seed of both runs (common random numbers).")] = 0,
    list_packs: Annotated[bool, typer.Option("--list", help="List the bundled packs.")] = False,
    json_file: Annotated[Path | None, typer.Option(
        "--json", metavar="FILE",
        help="Write the paired differences here as JSON (atomically).")] = None,
    quiet: QuietOption = False,
    store_path: StorePathOption = None,
    no_store: NoStoreOption = False,
    scheduler: SchedulerOption = None,
) -> None:
    """Run a scenario as it is and under a stress pack's shocks, paired by path.

    Both runs use the same seed (common random numbers); the table shows stressed minus
    base for each metric, with a 95% confidence interval from the paired paths.
    """
    with user_errors():
        out = console()
        if list_packs:
            out.print(packs_table())
            return
        if scenario is None or pack is None:
            raise cc.UsageError("stress needs a SCENARIO and --pack NAME (see --list)")
        if json_file is not None:
            check_file_target(json_file, "--json")
        runs = chosen_store(store_path, no_store)
        started = datetime.now(UTC)
        err = console(stderr=True)
        with warnings_shown(err), warnings.catch_warnings():
            # a shock with nothing to act on is a note (said once, below), not a warning
            # about the numbers: its ChipcreditNote is not shown as a warning as well
            warnings.filterwarnings("ignore", category=cc.ChipcreditNote)
            res = cc.stress(scenario, pack, paths=paths, seed=seed, scheduler=scheduler)
        horizon = res.base.scenario.horizon_note()  # its note was filtered out with the rest
        for line in ([] if horizon is None else [horizon]) + list(res.notes):
            stderr_line(f"note: {line}")
        stored = record_paired(
            runs, {"base": res.base, "stressed": res.stressed}, kind="stress", started=started,
            extra={"pack": res.pack.name}, json_file=json_file, differences=res.differences,
            head={"pack": res.pack.model_dump(mode="json", exclude_none=True),
                  "paths": paths, "seed": seed})
        if quiet:
            report_quietly(stored)
            return
        shocks = ", ".join(s.kind for s in res.pack.shocks)
        out.print(Text(f"{res.base.scenario.name} under {res.pack.name} ({shocks}): "
                       f"{paths_count(paths)}, seed {seed}, paired by path"
                       + (f" · {stored}" if stored else "")), soft_wrap=True)
        print_whole(out, differences_table(res.differences, paths,
                                           unmeant=unmeant_moic(res.base, res.stressed)))
        if json_file is not None:
            out.print(Text(f"wrote {json_file}"), soft_wrap=True)


def packs_table() -> Table:
    """The bundled packs, and for each the bundled scenarios it fits (`cc.pack_problems`
    finds nothing; marked where a shock is known to have nothing to act on there,
    `cc.pack_idle`), or, when it fits none, what a scenario needs for it."""
    scenarios = [cc.load_scenario(name) for name in cc.bundled_names()]
    table = Table(title="Bundled stress packs")
    table.add_column("pack", no_wrap=True)
    table.add_column("description")
    table.add_column("fits")
    for name, text in cc.bundled_packs():
        pack = cc.load_pack(name)
        fits = []
        for sc in scenarios:
            if not cc.pack_problems(sc, pack):
                idle = len(cc.pack_idle(sc, pack))
                fits.append(sc.name if not idle else f"{sc.name} (a no-op)" if
                            idle == len(pack.shocks) else
                            f"{sc.name} ({idle} shock{'s' if idle > 1 else ''} idle)")
        table.add_row(name, text, ", ".join(fits) if fits
                      else f"no bundled scenario; needs {cc.pack_needs(pack)}")
    return table


def report_quietly(stored: str) -> None:
    """With --quiet, a paired experiment says only where it was stored, on stderr (as
    sensitivity and solve do)."""
    if stored:
        stderr_line(stored)


def record_paired(runs: store.RunStore | None, results: dict[str, cc.Result], *, kind: str,
                  started: datetime, extra: dict[str, Any], json_file: Path | None,
                  differences: pd.DataFrame, head: dict[str, Any]) -> str:
    """A paired experiment's (stress, compare) two runs into the run store and its
    differences into the JSON file (``head`` first, then ``differences``, NaN as null);
    returns "stored as run N in PATH", or "" when nothing was stored."""
    stored = ""
    if runs is not None:
        run_id = runs.save(results, kind=kind, started=started,
                           extra={**extra, "argv": sys.argv[1:]})
        stored = f"stored as run {run_id} in {runs.path}"
    if json_file is not None:
        rows = [{str(k): (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in differences.to_dict("records")]
        payload = {**head, "differences": rows}
        write_output(json_file, "--json", json.dumps(payload, indent=2, allow_nan=False) + "\n")
    return stored


def differences_table(frame: pd.DataFrame, paths: int, *,
                      unmeant: Mapping[tuple[str, str], tuple[str, str]] | None = None) -> Table:
    """The headline paired differences: stressed minus base, with their 95% intervals; no
    row for a MOIC that is n/m (``unmeant``, `unmeant_moic`)."""
    return paired_table(frame, HEADLINE_METRICS, paths, "Stressed minus base (each row in its "
                        "unit)", "base", "stressed", unmeant=unmeant)
