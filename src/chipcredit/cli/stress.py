"""``chipcredit stress``: a scenario against itself under a stress pack, paired by path."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table
from rich.text import Text

import chipcredit as cc
from chipcredit import store

from .app import app, console, user_errors
from .output import check_file_target, number, warnings_shown, write_text_atomic
from .run import NoStoreOption, SchedulerOption, StorePathOption, chosen_store

__all__ = ["differences_table", "stress_command"]

_SHOWN = ("default_probability", "npv", "moic", "loss", "revenue_total", "cash_end")


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
        "--json", metavar="FILE", dir_okay=False,
        help="Write the paired differences here as JSON (atomically).")] = None,
    store_path: StorePathOption = None,
    no_store: NoStoreOption = False,
    scheduler: SchedulerOption = None,
) -> None:
    """Run SCENARIO as it is and under the shocks of a stress pack, with the same seed, and
    show the paired differences with 95% confidence intervals from the paired paths."""
    with user_errors():
        out = console()
        if list_packs:
            table = Table(title="Bundled stress packs")
            table.add_column("pack", no_wrap=True)
            table.add_column("description")
            for name, text in cc.bundled_packs():
                table.add_row(name, text)
            out.print(table)
            return
        if scenario is None or pack is None:
            raise cc.UsageError("stress needs a SCENARIO and --pack NAME (see --list)")
        if json_file is not None:
            check_file_target(json_file, "--json")
        runs = chosen_store(store_path, no_store)
        started = datetime.now(UTC)
        with warnings_shown(console(stderr=True)):
            res = cc.stress(scenario, pack, paths=paths, seed=seed, scheduler=scheduler)
        stored = record_paired(
            runs, {"base": res.base, "stressed": res.stressed}, kind="stress", started=started,
            extra={"pack": res.pack.name}, json_file=json_file, differences=res.differences,
            head={"pack": res.pack.model_dump(mode="json", exclude_none=True),
                  "paths": paths, "seed": seed})
        shocks = ", ".join(s.kind for s in res.pack.shocks)
        out.print(Text(f"{res.base.scenario.name} under {res.pack.name} ({shocks}): "
                       f"{paths:,} paths, seed {seed}, paired by path{stored}"), soft_wrap=True)
        out.print(differences_table(res.differences))


def record_paired(runs: store.RunStore | None, results: dict[str, cc.Result], *, kind: str,
                  started: datetime, extra: dict[str, Any], json_file: Path | None,
                  differences: pd.DataFrame, head: dict[str, Any]) -> str:
    """A paired experiment's (stress, compare) two runs into the run store and its
    differences into the JSON file (``head`` first, then ``differences``, NaN as null);
    returns the " · stored as run N in PATH" suffix, or "" when nothing was stored."""
    stored = ""
    if runs is not None:
        run_id = runs.save(results, kind=kind, started=started,
                           extra={**extra, "argv": sys.argv[1:]})
        stored = f" · stored as run {run_id} in {runs.path}"
    if json_file is not None:
        rows = [{str(k): (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                for r in differences.to_dict("records")]
        payload = {**head, "differences": rows}
        write_text_atomic(json_file, json.dumps(payload, indent=2, allow_nan=False) + "\n")
    return stored


def differences_table(frame: pd.DataFrame) -> Table:
    """The headline paired differences: stressed minus base, with their 95% intervals."""
    table = Table(title="Stressed minus base ($B; probabilities as shares)")
    for name, justify in (("deal", "left"), ("party", "left"), ("metric", "left"),
                          ("base", "right"), ("stressed", "right"), ("difference", "right"),
                          ("95% CI", "right")):
        table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
    shown = frame[frame["metric"].isin(_SHOWN)]
    for row in shown.to_dict("records"):
        deal = row["deal"] if isinstance(row["deal"], str) else ""
        table.add_row(deal, row["party"], row["metric"], number(row["base"]),
                      number(row["other"]), number(row["difference"], signed=True),
                      f"{number(row['ci_low'], signed=True)} .. "
                      f"{number(row['ci_high'], signed=True)}")
    return table
